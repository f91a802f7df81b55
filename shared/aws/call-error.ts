import { toAwsCallError } from '../core/errors';

/** Run an SDK call and translate its failure by the one retry rule (shared/core/errors.ts). */
export const call = async <T>(operation: string, run: () => Promise<T>): Promise<T> => {
  try {
    return await run();
  } catch (error) {
    throw toAwsCallError(error, operation);
  }
};
