import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Reads Stryker's JSON report and writes the per-file mutation score to bench/results/mutation.json, then
 * prints it as a table. Score is Stryker's mutation score: (killed + timeout) / (killed + timeout +
 * survived + no coverage); mutants that do not compile or are ignored do not count.
 */
interface Mutant {
  readonly status: string;
}
interface Report {
  readonly files: Record<string, { readonly mutants: readonly Mutant[] }>;
}

/** One or more Stryker JSON reports (a run per group of files), merged; default: the last run's. */
const paths = process.argv.slice(2);
const reports = (paths.length > 0 ? paths : ['reports/mutation/mutation.json']).map(
  (path) => JSON.parse(readFileSync(path, 'utf8')) as Report,
);
const files = Object.assign({}, ...reports.map((r) => r.files)) as Report['files'];
const rows = Object.entries(files)
  .map(([file, { mutants }]) => {
    const count = (...statuses: string[]) =>
      mutants.filter((m) => statuses.includes(m.status)).length;
    const detected = count('Killed', 'Timeout');
    const undetected = count('Survived', 'NoCoverage');
    const valid = detected + undetected;
    return {
      file,
      killed: count('Killed'),
      timeout: count('Timeout'),
      survived: count('Survived'),
      noCoverage: count('NoCoverage'),
      ignored: count('Ignored', 'CompileError', 'RuntimeError'),
      score: valid === 0 ? 100 : Math.round((1000 * detected) / valid) / 10,
    };
  })
  .sort((a, b) => a.file.localeCompare(b.file));
const total = rows.reduce(
  (sum, r) => ({
    detected: sum.detected + r.killed + r.timeout,
    valid: sum.valid + r.killed + r.timeout + r.survived + r.noCoverage,
  }),
  { detected: 0, valid: 0 },
);
const summary = {
  measuredAt: new Date().toISOString(),
  target: 90,
  total: Math.round((1000 * total.detected) / Math.max(total.valid, 1)) / 10,
  files: rows,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/mutation.json', `${JSON.stringify(summary, null, 2)}\n`);
const pad = (text: string | number, width: number) => String(text).padStart(width);
console.log(
  `${'file'.padEnd(40)}${pad('score', 7)}${pad('killed', 8)}${pad('timeout', 9)}${pad('survived', 10)}${pad('no cov', 8)}`,
);
for (const r of rows) {
  console.log(
    `${r.file.padEnd(40)}${pad(r.score, 7)}${pad(r.killed, 8)}${pad(r.timeout, 9)}${pad(r.survived, 10)}${pad(r.noCoverage, 8)}`,
  );
}
console.log(
  `${'total'.padEnd(40)}${pad(summary.total, 7)}   (target >= ${summary.target} per file)`,
);
