import pLimit from 'p-limit';
import { findNode } from '../../config/lookup';
import type { ClusterConfig, VipConfig } from '../../config/schema';
import { toAwsCallError } from '../../core/errors';
import { vipDestination } from '../../core/ip';
import type { SwitchOutcome, TableFailure } from './outcomes';
import type { Claim, Phase, RouteTableView, SwitchDeps } from './ports';
import { planTables, routesTo, type TableStep } from './table-plan';
import { verify } from './verify';

/** The managed tables of a VIP, as read before the first write. */
export interface ManagedTables {
  readonly tables: RouteTableView[];
  /** Listed tables that are not route tables of the cluster VPC: never touched. */
  readonly outsideVpc: string[];
}

interface Target {
  readonly node: string;
  readonly eni: string;
  readonly orderToken: number;
}

export interface Converged {
  readonly outcome: Omit<SwitchOutcome, 'tgw' | 'tgwTables'>;
  /** The target at the end is still this request's claim (no newer claim landed). */
  readonly stillOurs: boolean;
  /** The phase last recorded on the fence record for this claim, if any. */
  readonly recorded: Phase | undefined;
}

/** Plan, write, verify and re-check the fence until the tables settle on the current owner's ENI. */
export const converge = async (
  command: Claim,
  cluster: ClusterConfig,
  vip: VipConfig,
  managed: ManagedTables,
  deps: SwitchDeps,
): Promise<Converged> => {
  const destination = vipDestination(vip.address);
  const failures = new Map<string, TableFailure>();
  for (const routeTableId of managed.outsideVpc) {
    failures.set(routeTableId, {
      routeTableId,
      code: 'RouteTableNotInClusterVpc',
      message: `${routeTableId} is not a route table of ${cluster.vpcId}; it is never modified`,
      retryable: false,
    });
  }
  const changed = new Set<string>();
  let target: Target = { node: command.node, eni: command.eni, orderToken: command.orderToken };
  let view = managed.tables;
  let pending: string[] = [];
  let detail: string | undefined;
  let recorded: Phase | undefined;

  for (let round = 0; round < deps.settings.maxRounds; round++) {
    const steps = planTables(view, target.eni, vip.createMissingRoute);
    for (const step of steps.filter((s) => s.kind === 'missing')) {
      failures.set(step.routeTableId, {
        routeTableId: step.routeTableId,
        code: 'RouteMissing',
        message: `${step.routeTableId} has no route for ${destination} and createMissingRoute is off`,
        retryable: false,
      });
    }
    const written = await applySteps(steps, destination, target.eni, deps, failures);
    for (const id of written) changed.add(id);

    // While verifying, record the phase on our claim's record; a failed condition returns the newer record.
    const ours = target.orderToken === command.orderToken && target.node === command.node;
    const phase: Phase = failures.size === 0 ? 'APPLIED' : 'PARTIAL';
    const [verified, record] = await Promise.all([
      verify(
        deps,
        cluster.vpcId,
        view.map((t) => t.routeTableId),
        destination,
        target.eni,
        written,
      ),
      ours
        ? deps.state.markPhase(command, phase, deps.now()).then((marked) => {
            if (marked.current) recorded = phase;
            return marked.current ? undefined : marked.record;
          })
        : deps.state.read(command.cluster, command.vip),
    ]);
    view = verified.view;
    pending = verified.pending;

    if (record !== undefined && record.orderToken > target.orderToken) {
      // A newer claim landed while we wrote: our writes may have clobbered it, so move to its owner.
      const owner = findNode(cluster, record.owner);
      if (owner === undefined) {
        detail = `newer claim by unconfigured node "${record.owner}"; not reconciled`;
        target = { node: record.owner, eni: record.eni, orderToken: record.orderToken };
        break;
      }
      target = { node: owner.name, eni: owner.eniId, orderToken: record.orderToken };
      detail = `superseded by ${record.owner} at ${record.orderToken}; reconciled to ${owner.eniId}`;
      continue;
    }
    // Tables this round tried to write did not move under us: a failed write is reported, not retried.
    const attempted = new Set(
      steps.filter((s) => s.kind === 'replace' || s.kind === 'create').map((s) => s.routeTableId),
    );
    const movedUnderUs = view.filter(
      (table) =>
        !attempted.has(table.routeTableId) &&
        table.vipRoute !== undefined &&
        !routesTo(table, target.eni),
    );
    if (movedUnderUs.length === 0) break;
  }

  // A table that failed in an earlier round but ended on the target is no longer a failure.
  for (const table of view) {
    if (routesTo(table, target.eni)) failures.delete(table.routeTableId);
  }
  const base = {
    owner: target.node,
    changed: [...changed].sort(),
    failed: [...failures.values()],
    pending,
    ...(detail === undefined ? {} : { detail }),
  };
  const kind =
    base.failed.length > 0
      ? 'Partial'
      : pending.length > 0
        ? 'VerifyTimeout'
        : base.changed.length > 0
          ? 'Switched'
          : 'AlreadyInPlace';
  const stillOurs = target.orderToken === command.orderToken && target.node === command.node;
  return { outcome: { kind, ...base }, stillOurs, recorded };
};

/** Write every replace/create step, bounded; one table's failure never stops the others. */
const applySteps = async (
  steps: readonly TableStep[],
  destination: string,
  eniId: string,
  deps: SwitchDeps,
  failures: Map<string, TableFailure>,
): Promise<string[]> => {
  const limit = pLimit(deps.settings.writeConcurrency);
  const writes = steps.filter((step) => step.kind === 'replace' || step.kind === 'create');
  const results = await Promise.all(
    writes.map((step) =>
      limit(async () => {
        try {
          if (step.kind === 'create')
            await deps.routes.createRoute(step.routeTableId, destination, eniId);
          else await deps.routes.replaceRoute(step.routeTableId, destination, eniId);
          failures.delete(step.routeTableId);
          return step.routeTableId;
        } catch (error) {
          const failure = toAwsCallError(error);
          failures.set(step.routeTableId, {
            routeTableId: step.routeTableId,
            code: failure.code,
            message: failure.message,
            retryable: failure.retryable,
          });
          return undefined;
        }
      }),
    ),
  );
  return results.filter((id): id is string => id !== undefined);
};
