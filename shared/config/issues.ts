import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';

/**
 * Validation problems in words a newcomer acts on: a missing field says "required", an unknown key names
 * the known key it most likely misspells (or lists the known keys). One line per problem, led by the
 * field's path, e.g. `clusters[0].vips[0]: unknown key "adress" (did you mean "address"?)`.
 */

/** Per-parse error map: a missing value is "required" instead of "expected string, received undefined". */
export const requiredWhenMissing: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined;

const describePath = (path: readonly PropertyKey[]): string =>
  path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    '',
  ) || '(root)';

/** The schema a value of `schema` is checked by once wrappers (optional, default, transform...) are peeled. */
const unwrap = (schema: z.core.$ZodType): z.core.$ZodType => {
  const def = schema._zod.def as {
    type: string;
    innerType?: z.core.$ZodType;
    in?: z.core.$ZodType;
    getter?: () => z.core.$ZodType;
  };
  if (def.innerType) return unwrap(def.innerType);
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  if (def.type === 'lazy' && def.getter) return unwrap(def.getter());
  return schema;
};

/** The keys an object at `path` may have, or none when the path does not lead to an object. */
export const knownKeys = (schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] => {
  let current = unwrap(schema);
  for (const key of path) {
    if (current instanceof z.ZodArray && typeof key === 'number') {
      current = unwrap(current.element);
    } else if (current instanceof z.ZodObject && typeof key === 'string' && key in current.shape) {
      current = unwrap(current.shape[key] as z.core.$ZodType);
    } else {
      return [];
    }
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
};

/** The known key `key` most likely misspells: a few edits away (ignoring case), else none. */
export const nearestKey = (key: string, known: readonly string[]): string | undefined => {
  if (known.length === 0) return undefined;
  const lower = known.map((k) => k.toLowerCase());
  const best = closest(key.toLowerCase(), lower);
  const allowed = Math.max(2, Math.floor(key.length / 3));
  return distance(key.toLowerCase(), best) <= allowed ? known[lower.indexOf(best)] : undefined;
};

const unknownKey = (key: string, known: readonly string[]): string => {
  const nearest = nearestKey(key, known);
  if (nearest !== undefined) return `unknown key "${key}" (did you mean "${nearest}"?)`;
  return known.length > 0
    ? `unknown key "${key}" (known keys: ${known.join(', ')})`
    : `unknown key "${key}"`;
};

/** One line per problem; an issue with several unknown keys gives one line per key. */
export const describeConfigIssues = (
  schema: z.core.$ZodType,
  issues: readonly z.core.$ZodIssue[],
): string[] =>
  issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map(
          (key) => `${describePath(issue.path)}: ${unknownKey(key, knownKeys(schema, issue.path))}`,
        )
      : [`${describePath(issue.path)}: ${issue.message}`],
  );
