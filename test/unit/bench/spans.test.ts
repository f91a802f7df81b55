import { describe, expect, it } from 'vitest';
import {
  correctedMs,
  criticalPath,
  localWorkMs,
  renderPath,
  type Span,
} from '../../../bench/spans';

const span = (label: string, start: number, end: number, overrunMs = 0): Span => ({
  label,
  start,
  end,
  overrunMs,
});

describe('criticalPath', () => {
  it('follows the span each moment waited for, back to the start, with what ran alongside', () => {
    // Prepare: a lock, then three parallel reads, then a write, then a read that verifies.
    const spans = [
      span('lock', 0, 10),
      span('readA', 12, 100),
      span('readB', 12, 140),
      span('readC', 12, 90),
      span('write', 145, 300),
      span('verify', 302, 400),
    ];
    // Act
    const path = criticalPath(spans, 0, 400);
    // Assess
    expect(path.map((step) => step.span.label)).toEqual(['lock', 'readB', 'write', 'verify']);
    expect(path[1]?.parallel.map((s) => s.label)).toEqual(['readA', 'readC']);
    expect(path.map((step) => step.gapMs)).toEqual([0, 2, 5, 2]);
    expect(localWorkMs(path)).toBe(9);
  });

  it('ignores spans that end after the moment or start before the window', () => {
    // Prepare
    const spans = [span('before', -50, -10), span('read', 0, 50), span('after', 60, 500)];
    // Act
    const path = criticalPath(spans, 0, 100);
    // Assess
    expect(path.map((step) => step.span.label)).toEqual(['read']);
  });

  it("subtracts the emulator's overrun only of the spans on the path", () => {
    // Prepare: the parallel read overran more, but it did not decide the moment.
    const spans = [span('slow', 0, 100, 30), span('fast', 0, 80, 60)];
    // Act
    const path = criticalPath(spans, 0, 100);
    // Assess
    expect(correctedMs(path, 0, 100)).toBe(70);
    expect(renderPath(path)).toEqual(['1. slow 70 ms ‖ fast']);
  });

  it('collapses repeated parallel labels', () => {
    // Prepare
    const spans = [span('w', 0, 100), span('w', 0, 90), span('w', 0, 80)];
    // Act
    const lines = renderPath(criticalPath(spans, 0, 100));
    // Assess
    expect(lines).toEqual(['1. w 100 ms ‖ w x2']);
  });
});
