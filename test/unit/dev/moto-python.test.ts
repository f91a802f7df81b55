import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/** What dev/moto.ts puts first on moto's PYTHONPATH. */
const MOTO_PYTHON = resolve(__dirname, '../../../dev/moto-python');

/** Run Python code the way moto's interpreter starts: with these folders leading PYTHONPATH. */
const python = (code: string, path: readonly string[]) => {
  const child = spawnSync('python3', ['-c', code], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, PYTHONPATH: path.join(delimiter) },
  });
  expect(child.stderr).toBe('');
  return child.stdout.trim().split('\n');
};

describe("moto's sitecustomize", () => {
  it('caches the JSONPath parsers moto builds for every event target, and they still find the same values', () => {
    // Act
    const lines = python(
      [
        'import jsonpath_ng.ext as e',
        'a = e.parse("$.detail")',
        'print(a is e.parse("$.detail"))',
        'print([m.value for m in a.find({"detail": {"owner": "node2"}})])',
      ].join('\n'),
      [MOTO_PYTHON],
    );
    // Assess
    expect(lines).toEqual(['True', "[{'owner': 'node2'}]"]);
  });

  it('still runs the sitecustomize the interpreter had before, after its own', () => {
    // Prepare
    const other = mkdtempSync(join(tmpdir(), 'routekeeper-sitecustomize-'));
    writeFileSync(
      join(other, 'sitecustomize.py'),
      'import jsonpath_ng.ext as e\nprint("theirs ran; parse cached:", hasattr(e.parse, "cache_info"))\n',
    );
    // Act
    const lines = python('print("main")', [MOTO_PYTHON, other]);
    // Assess
    expect(lines).toEqual(['theirs ran; parse cached: True', 'main']);
  });
});
