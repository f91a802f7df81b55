import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Write JSON to a fresh temporary directory and return the file's path. */
export const writeTempJson = (name: string, value: unknown): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'routekeeper-bench-')), `${name}.json`);
  writeFileSync(path, JSON.stringify(value, null, 2));
  return path;
};
