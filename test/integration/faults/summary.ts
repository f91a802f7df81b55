/**
 * The suite's closing table. Each fault test file runs in its own worker, so the rows go through a
 * directory per vitest run (keyed by the vitest process and the moto port); the file that completes
 * the set prints the table and removes the directory. "faults injected" counts what the rules injected,
 * plus `cut-off`: requests from invocations that had already ended (timed out), dropped as Lambda would.
 */

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { motoUrl } from '../../support/emulator';
import type { InvariantId } from '../../support/faults/history';

export interface RunRow {
  readonly scenario: string;
  readonly events: number;
  readonly deliveries: number;
  readonly invocations: number;
  readonly deadLettered: number;
  /** Drift repairs needed before the tables agreed with the record. */
  readonly repairs: number;
  readonly routeWrites: number;
  readonly faults: Readonly<Record<string, number>>;
  readonly checks: Readonly<Record<InvariantId, number>>;
  readonly violations: number;
}

const SUITE_DIR = dirname(fileURLToPath(import.meta.url));
const rows = new Map<string, RunRow[]>();

const ROOT = join(tmpdir(), 'routekeeper-faults');

/** This run's directory; those of runs that never completed the set (a file run alone) go after an hour. */
const runDir = () => {
  const dir = join(ROOT, `${process.ppid}-${new URL(motoUrl()).port}`);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(ROOT)) {
    const other = join(ROOT, name);
    if (other !== dir && Date.now() - statSync(other).mtimeMs > 3_600_000) {
      rmSync(other, { recursive: true, force: true });
    }
  }
  return dir;
};

const suiteFiles = () => readdirSync(SUITE_DIR).filter((name) => name.endsWith('.test.ts'));

export const recordRun = (file: string, row: RunRow): void => {
  const name = basename(file);
  rows.set(name, [...(rows.get(name) ?? []), row]);
};

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

const pad = (text: string | number, width: number) => String(text).padStart(width);

export const formatSummary = (all: readonly RunRow[]): string => {
  const faultTotals: Record<string, number> = {};
  for (const row of all) {
    for (const [key, count] of Object.entries(row.faults)) {
      faultTotals[key] = (faultTotals[key] ?? 0) + count;
    }
  }
  const ids: InvariantId[] = ['I1', 'I2', 'I3', 'I4', 'I5'];
  const checks = (row: RunRow) => sum(ids.map((id) => row.checks[id]));
  const faults = (row: RunRow) => sum(Object.values(row.faults));
  const width = Math.max(8, ...all.map((row) => row.scenario.length));
  const header = `${'scenario'.padEnd(width)} ${['events', 'deliv', 'invoc', 'dlq', 'repair', 'writes', 'faults', 'checks', 'viol'].map((h) => pad(h, 6)).join(' ')}`;
  const line = (label: string, cells: readonly number[]) =>
    `${label.padEnd(width)} ${cells.map((cell) => pad(cell, 6)).join(' ')}`;
  const cells = (row: RunRow) => [
    row.events,
    row.deliveries,
    row.invocations,
    row.deadLettered,
    row.repairs,
    row.routeWrites,
    faults(row),
    checks(row),
    row.violations,
  ];
  const totals = cells(all[0] ?? ({} as RunRow)).map((_, i) =>
    sum(all.map((row) => cells(row)[i] ?? 0)),
  );
  const violations = sum(all.map((row) => row.violations));
  return [
    '',
    'Fault-injection suite: history checked against invariants I1-I5',
    header,
    ...all.map((row) => line(row.scenario, cells(row))),
    line('total', totals),
    `faults injected: ${
      Object.entries(faultTotals)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, count]) => `${key} ${count}`)
        .join(', ') || 'none'
    }`,
    `invariants checked: ${ids.map((id) => `${id} ${sum(all.map((row) => row.checks[id]))}`).join(', ')}; violations = ${violations}`,
    '',
  ].join('\n');
};

/** Called from each file's afterAll: store its rows; the last file of the suite prints the table. */
export const finishFile = (file: string): void => {
  const dir = runDir();
  const name = basename(file);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(rows.get(name) ?? []));
  const files = suiteFiles();
  if (!files.every((test) => existsSync(join(dir, `${test}.json`)))) return;
  const all = files.flatMap(
    (test) => JSON.parse(readFileSync(join(dir, `${test}.json`), 'utf8')) as RunRow[],
  );
  rmSync(dir, { recursive: true, force: true });
  // Straight to the terminal: console output of a test file would be buffered and labelled per test.
  writeSync(1, formatSummary(all));
};
