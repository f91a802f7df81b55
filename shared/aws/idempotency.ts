import {
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyKeyReusedError } from '../core/errors';

export interface IdempotencyOptions {
  readonly tableName: string;
  /** JMESPath of the key inside the function's argument. */
  readonly keyPath: string;
  /** JMESPath of the fields that must match when a key is seen again (IdempotencyValidationError if not). */
  readonly validationPath?: string;
  readonly expiresAfterSeconds: number;
  /** Replaces the stored result when a key is seen again (e.g. to tell a duplicate from a first run). */
  readonly onReplay?: (stored: unknown) => unknown;
}

/**
 * Powertools idempotency around a side-effecting function (not around the handler): the same key never
 * runs the function twice; a concurrent duplicate gets IdempotencyAlreadyInProgressError (retried later);
 * an exception releases the key so the retry runs again; a key seen again with other validated fields
 * throws IdempotencyKeyReusedError.
 */
export const makeIdempotentFunction = <A extends object, R>(
  fn: (arg: A) => Promise<R>,
  client: DynamoDBClient,
  options: IdempotencyOptions,
): { run: (arg: A) => Promise<R>; config: IdempotencyConfig } => {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: options.keyPath,
    ...(options.validationPath === undefined
      ? {}
      : { payloadValidationJmesPath: options.validationPath }),
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: options.expiresAfterSeconds,
    ...(options.onReplay === undefined
      ? {}
      : { responseHook: (stored: unknown) => options.onReplay?.(stored) as never }),
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: client,
  });
  const idempotent = makeIdempotent(fn, { persistenceStore, config });
  const run = async (arg: A): Promise<R> => {
    try {
      return await idempotent(arg);
    } catch (error) {
      if (error instanceof IdempotencyValidationError)
        throw new IdempotencyKeyReusedError({ cause: error });
      throw error;
    }
  };
  return { run, config };
};
