import type { ClusterContext } from './context';
import { type Pause, pauseOf } from './ports';
import { type CheckResult, pass, unreadable } from './types';

export const describePause = (pause: Pause): string =>
  `paused by ${pause.by} at ${pause.at}: ${pause.reason}`;

/**
 * Check 12: maintenance mode. A pause is deliberate, so it passes, saying who paused what, when and why
 * (doctor and status show it); a pause record that cannot be read is unknown, and drift then does not
 * repair (planRepairs).
 */
export const checkMaintenance = ({ cluster, state }: ClusterContext): CheckResult[] => {
  if (!state.pauses.ok)
    return [unreadable('routekeeper.maintenance', cluster.name, state.pauses.error)];
  const pauses = state.pauses.value.filter((p) => p.cluster === cluster.name);
  if (pauses.length === 0) {
    const repairs =
      cluster.driftMode === 'repair' ? 'drift repairs' : 'drift reports (report mode)';
    return [pass('routekeeper.maintenance', cluster.name, `not paused: ${repairs}`)];
  }
  return pauses.map((pause) =>
    pass(
      'routekeeper.maintenance',
      cluster.name,
      `PAUSED ${pause.vip ?? 'whole cluster'}: ${describePause(pause)}; drift reports but does not repair`,
      pause.vip === undefined ? {} : { vip: pause.vip },
    ),
  );
};

/** Findings in a paused cluster or VIP say so: `paused` on the result, and at the head of the evidence. */
export const markPaused = (
  results: readonly CheckResult[],
  pauses: readonly Pause[],
  cluster: string,
): CheckResult[] =>
  results.map((result) => {
    if (result.outcome === 'pass') return result;
    const pause = pauseOf(pauses, cluster, result.vip);
    if (pause === undefined) return result;
    return { ...result, paused: true, evidence: `paused: ${result.evidence}` };
  });
