/**
 * The critical path of a failover, derived from recorded spans (each AWS call as the fault proxy saw it,
 * plus the bus hops and Lambda starts the benchmark simulates), never written by hand.
 */
export interface Span {
  readonly label: string;
  readonly start: number;
  readonly end: number;
  /**
   * Time the span took beyond what it stands for: the emulator answering slower than the profile's round
   * trip (moto on a loaded machine is not AWS). Subtracted where the span is on a critical path.
   */
  readonly overrunMs?: number;
}

export interface PathStep {
  /** The span that gated the next step: the last to end before it started. */
  readonly span: Span;
  /** Other spans that ran at the same time (overlapping it), not on the path. */
  readonly parallel: readonly Span[];
  /** Time between the previous step's end (or the start) and this span's start: local work. */
  readonly gapMs: number;
}

/** Spans that count as ending "at" a moment: clocks of one process, so a millisecond of slack is plenty. */
const SLACK_MS = 1;

/**
 * Walk back from `until`: the span that ended last (not after `until`) is the one the moment waited for;
 * continue from its start until nothing ends after `from`. Spans that overlap a path step are listed as its
 * parallel companions; spans before `from` or after `until` are ignored.
 */
export const criticalPath = (spans: readonly Span[], from: number, until: number): PathStep[] => {
  const inWindow = spans.filter((s) => s.start >= from - SLACK_MS && s.end <= until + SLACK_MS);
  const path: Span[] = [];
  let cursor = until;
  for (;;) {
    const gating = inWindow
      .filter((s) => s.end <= cursor + SLACK_MS && !path.includes(s) && s.end > from)
      .sort((a, b) => b.end - a.end || a.start - b.start)[0];
    if (gating === undefined) break;
    path.push(gating);
    cursor = gating.start;
  }
  path.reverse();
  return path.map((span, index) => {
    const previousEnd = index === 0 ? from : (path[index - 1] as Span).end;
    return {
      span,
      parallel: inWindow.filter(
        (s) => !path.includes(s) && s.start < span.end && s.end > span.start,
      ),
      gapMs: Math.max(0, span.start - previousEnd),
    };
  });
};

/** Time from `from` to `until` without the emulator's overrun on the path that decided it. */
export const correctedMs = (steps: readonly PathStep[], from: number, until: number): number =>
  until - from - steps.reduce((sum, step) => sum + (step.span.overrunMs ?? 0), 0);

/** Local work on the path: the gaps between round trips (CPU of this process, loaded or not). */
export const localWorkMs = (steps: readonly PathStep[]): number =>
  steps.reduce((sum, step) => sum + step.gapMs, 0);

/** Collapse repeated labels: "ReplaceRoute x4". */
const countLabels = (spans: readonly Span[]): string => {
  const counts = new Map<string, number>();
  for (const span of spans) counts.set(span.label, (counts.get(span.label) ?? 0) + 1);
  return [...counts].map(([label, n]) => (n > 1 ? `${label} x${n}` : label)).join(', ');
};

/** One line per round trip: "2. DescribeVpcs 131 ms ‖ DescribeRouteTables, DescribeNetworkInterfaces". */
export const renderPath = (steps: readonly PathStep[]): string[] =>
  steps.map((step, index) => {
    const ms = (step.span.end - step.span.start - (step.span.overrunMs ?? 0)).toFixed(0);
    const gap = step.gapMs >= 2 ? ` (after ${step.gapMs.toFixed(0)} ms local work)` : '';
    const alongside = step.parallel.length > 0 ? ` ‖ ${countLabels(step.parallel)}` : '';
    return `${index + 1}. ${step.span.label} ${ms} ms${gap}${alongside}`;
  });
