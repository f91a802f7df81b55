/** A value or the reason there is none: for reads whose failure is carried on, not thrown. */
export type Result<T, E> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

/** Run a call; its failure becomes `{ ok: false }` with the error as `describe` makes it. */
export const attempt = async <T, E>(
  run: () => Promise<T>,
  describe: (error: unknown) => E,
): Promise<Result<T, E>> => {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: describe(error) };
  }
};
