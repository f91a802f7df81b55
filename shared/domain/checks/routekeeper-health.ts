import { type ClusterContext, plural } from './context';
import type { TargetHistory } from './ports';
import type { PermissionProbe, Read } from './snapshot';
import { type CheckResult, fail, pass, unknown, unreadable } from './types';

/** Check 10 (doctor only): what the DryRun probes of the route writes answered. */
export const checkPermissions = (
  { cluster }: ClusterContext,
  probes: Read<readonly PermissionProbe[]> | undefined,
): CheckResult[] => {
  if (probes === undefined) return [];
  if (!probes.ok) return [unreadable('routekeeper.permissions', cluster.name, probes.error)];
  return probes.value
    .filter((p) => p.cluster === cluster.name)
    .map((p) => {
      const on = { vip: p.vip, subject: p.resource };
      const what = `${p.action} on ${p.resource}`;
      switch (p.verdict) {
        case 'allowed':
          return pass('routekeeper.permissions', cluster.name, `${what}: allowed (DryRun)`, on);
        case 'denied':
          return fail(
            'routekeeper.permissions',
            cluster.name,
            'PermissionMissing',
            `${what}: UnauthorizedOperation`,
            { ...on, fix: `Allow ec2:${p.action} on ${p.resource} for the principal that runs it` },
          );
        case 'ignored':
          return unknown(
            'routekeeper.permissions',
            cluster.name,
            'DryRunIgnored',
            `${what}: the endpoint ran the call instead of answering DryRunOperation (an emulator?); ${p.detail}`,
            { ...on, fix: 'Run doctor against real AWS to probe permissions' },
          );
        case 'unsupported':
          return unknown(
            'routekeeper.permissions',
            cluster.name,
            'ProbeNotEmulated',
            `${what}: not emulated: the endpoint does not implement ec2:${p.action}; ${p.detail}`,
            { ...on, fix: `Run doctor against real AWS to probe ec2:${p.action}` },
          );
        default:
          return unknown(
            'routekeeper.permissions',
            cluster.name,
            'ProbeFailed',
            `${what}: ${p.detail}`,
            on,
          );
      }
    });
};

/** Check 11: the VIP owner's heartbeat is recent; every node's clock is close to routekeeper's. */
export const checkLiveness = (ctx: ClusterContext): CheckResult[] => {
  const { cluster, state, now } = ctx;
  const { heartbeatMaxAgeSeconds, clockSkewMaxMs } = cluster.thresholds;
  if (!state.liveness.ok) {
    return [
      unreadable('nodes.heartbeat', cluster.name, state.liveness.error),
      unreadable('nodes.clock-skew', cluster.name, state.liveness.error),
    ];
  }
  const liveness = state.liveness.value.filter((l) => l.cluster === cluster.name);
  const results: CheckResult[] = [];
  if (!state.records.ok) {
    results.push(unreadable('nodes.heartbeat', cluster.name, state.records.error));
  } else {
    const owners = new Map<string, string[]>();
    for (const record of state.records.value.filter((r) => r.cluster === cluster.name)) {
      owners.set(record.owner, [...(owners.get(record.owner) ?? []), record.vip]);
    }
    for (const [owner, vips] of owners) {
      const on = { subject: owner };
      const seen = liveness.find((l) => l.node === owner);
      const holds = `${owner} (owner of ${vips.join(', ')})`;
      if (seen === undefined) {
        results.push(
          fail(
            'nodes.heartbeat',
            cluster.name,
            'HeartbeatMissing',
            `${holds}: no heartbeat recorded`,
            on,
          ),
        );
        continue;
      }
      const ageSeconds = Math.round((now.getTime() - Date.parse(seen.lastSeen)) / 1000);
      results.push(
        ageSeconds > heartbeatMaxAgeSeconds
          ? fail(
              'nodes.heartbeat',
              cluster.name,
              'HeartbeatStale',
              `${holds}: last heartbeat ${ageSeconds} s ago (${seen.lastSeen}), limit ${heartbeatMaxAgeSeconds} s`,
              on,
            )
          : pass(
              'nodes.heartbeat',
              cluster.name,
              `${holds}: last heartbeat ${ageSeconds} s ago`,
              on,
            ),
      );
    }
  }
  for (const node of cluster.nodes) {
    const on = { subject: node.name };
    const seen = liveness.find((l) => l.node === node.name);
    if (seen === undefined) {
      results.push(
        unknown(
          'nodes.clock-skew',
          cluster.name,
          'NoHeartbeat',
          `${node.name}: no heartbeat recorded, skew unknown`,
          { ...on, fix: `Start the heartbeat task on ${node.name} (lk-notify heartbeat)` },
        ),
      );
      continue;
    }
    const skew = seen.clockSkewMs;
    results.push(
      Math.abs(skew) > clockSkewMaxMs
        ? fail(
            'nodes.clock-skew',
            cluster.name,
            'ClockSkew',
            `${node.name}: clock skew ${skew} ms, limit ±${clockSkewMaxMs} ms`,
            on,
          )
        : pass('nodes.clock-skew', cluster.name, `${node.name}: clock skew ${skew} ms`, on),
    );
  }
  return results;
};

/** Changes recorded within the flapping window ending now. */
export const changesInWindow = (history: TargetHistory, windowMinutes: number, now: Date) =>
  history.changes.filter((at) => now.getTime() - Date.parse(at) <= windowMinutes * 60_000);

/**
 * The next history of a VIP given what this run observed: a change appends the time, old changes drop
 * out of the window. Undefined when nothing needs writing.
 */
export const nextHistory = (
  previous: TargetHistory | undefined,
  key: { cluster: string; vip: string },
  observed: string,
  windowMinutes: number,
  now: Date,
): TargetHistory | undefined => {
  const at = now.toISOString();
  if (previous === undefined) return { ...key, target: observed, changes: [], updatedAt: at };
  if (previous.target === observed) return undefined;
  return {
    ...key,
    target: observed,
    changes: [...changesInWindow(previous, windowMinutes, now), at],
    updatedAt: at,
  };
};

/** Check 12: the VIP's target changed more than N times within the window. */
export const checkFlapping = ({ cluster, state, now }: ClusterContext): CheckResult[] => {
  const { flapMaxChanges, flapWindowMinutes } = cluster.thresholds;
  return cluster.vips.map((vip) => {
    const on = { vip: vip.address };
    if (!state.history.ok) return unreadable('vpc.flapping', cluster.name, state.history.error, on);
    const history = state.history.value.find(
      (h) => h.cluster === cluster.name && h.vip === vip.address,
    );
    const changes = history === undefined ? [] : changesInWindow(history, flapWindowMinutes, now);
    const evidence = `${plural(changes.length, 'target change')} in the last ${flapWindowMinutes} min (limit ${flapMaxChanges})${history === undefined ? '; no observations recorded yet' : `; now ${history.target}`}`;
    return changes.length > flapMaxChanges
      ? fail(
          'vpc.flapping',
          cluster.name,
          'RouteFlapping',
          `${evidence}: ${changes.join(', ')}`,
          on,
        )
      : pass('vpc.flapping', cluster.name, evidence, on);
  });
};

/** Numbers for the dashboard and the heartbeat/clock-skew alarms; absent when there is nothing to measure. */
export interface LivenessMeasures {
  /** Age of the oldest last heartbeat among the VIP owners of the cluster. */
  readonly ownerHeartbeatAgeSeconds?: number;
  /** Largest |clock skew| among the cluster's nodes. */
  readonly maxClockSkewMs?: number;
}

export const measureLiveness = ({ cluster, state, now }: ClusterContext): LivenessMeasures => {
  if (!state.liveness.ok || !state.records.ok) return {};
  const liveness = state.liveness.value.filter((l) => l.cluster === cluster.name);
  const owners = new Set(
    state.records.value.filter((r) => r.cluster === cluster.name).map((r) => r.owner),
  );
  const ages = liveness
    .filter((l) => owners.has(l.node))
    .map((l) => Math.max(0, Math.round((now.getTime() - Date.parse(l.lastSeen)) / 1000)));
  // An owner without any heartbeat record has no age: the metric stays missing, which the alarm treats as breaching.
  const everyOwnerSeen = [...owners].every((owner) => liveness.some((l) => l.node === owner));
  const skews = liveness.map((l) => Math.abs(l.clockSkewMs));
  return {
    ...(ages.length > 0 && everyOwnerSeen ? { ownerHeartbeatAgeSeconds: Math.max(...ages) } : {}),
    ...(skews.length > 0 ? { maxClockSkewMs: Math.max(...skews) } : {}),
  };
};
