/** Small statistics for benchmark samples (milliseconds). */
export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
};

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p95: number;
}

export const summarize = (samples: readonly number[]): Summary => ({
  n: samples.length,
  median: median(samples),
  p95: percentile(samples, 95),
});

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** Render rows as an aligned text table. */
export const table = (
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string => {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(cells[0] ?? []),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
};
