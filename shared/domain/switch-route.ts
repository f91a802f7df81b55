import pLimit from 'p-limit';
import type { ClusterConfig, RoutekeeperConfig, VipConfig } from '../config/schema';
import type { SwitchReason } from '../events/route-switch-requested';
import { findNode, lookup } from './cluster-lookup';
import { AwsCallError, asAwsCallError, RetryableSwitchError } from './errors';
import { decideFence } from './fence';
import { cidrContains, parseCidr, parseIpv4, vipRoute } from './ip';
import {
  rejected,
  SUCCESS_KINDS,
  type SwitchOutcome,
  type TableFailure,
  type TgwResult,
} from './outcomes';
import type {
  Claim,
  Clock,
  EventPublisher,
  Phase,
  RouteTables,
  RouteTableView,
  Sleep,
  StateStore,
  TransitGatewayRoutes,
  Vpcs,
} from './ports';
import { resultEvent } from './report-switch';
import { mergeManagedTables, planTables, routesTo, type TableStep } from './route-plan';
import { assessTgwRoute } from './tgw-plan';

export interface SwitchSettings {
  /** How long to keep re-reading route tables until written routes are visible (EC2 is eventually consistent). */
  readonly verifyBudgetMs: number;
  /** Route writes in flight at once (EC2's mutating bucket is 50 deep, refilling 5/s per account and region). */
  readonly writeConcurrency: number;
  /** Plan-apply-verify rounds before giving up on converging with concurrent changes. */
  readonly maxRounds: number;
}

export interface SwitchDeps {
  readonly config: RoutekeeperConfig;
  readonly state: StateStore;
  readonly bus: EventPublisher;
  readonly routes: RouteTables;
  readonly vpcs: Vpcs;
  readonly tgw: TransitGatewayRoutes;
  readonly now: Clock;
  readonly sleep: Sleep;
  readonly settings: SwitchSettings;
}

/** A request resolved against the configuration: the ENI is the configured one of the named node. */
export interface SwitchCommand extends Claim {
  readonly reason: SwitchReason;
}

export interface SwitchRequestFields {
  readonly cluster: string;
  readonly vip: string;
  readonly node: string;
  readonly orderToken: number;
  readonly idempotencyKey: string;
  readonly reason: SwitchReason;
}

/** Resolve a request against the configuration, or refuse it (unknown cluster, VIP or node). */
export const resolveCommand = (
  config: RoutekeeperConfig,
  request: SwitchRequestFields,
): { command: SwitchCommand } | { refused: SwitchOutcome } => {
  const found = lookup(config, request.cluster, request.vip, request.node);
  if (!found.ok) return { refused: rejected('Refused', `${found.reason}: ${found.detail}`) };
  const { cluster, vip, node, orderToken, idempotencyKey, reason } = request;
  return {
    command: { cluster, vip, node, eni: found.node.eniId, orderToken, idempotencyKey, reason },
  };
};

/**
 * Make every managed route table of the cluster VPC route the VIP to the claimant's ENI, if the claim wins,
 * and publish what happened.
 * Primary course:
 *  1. fence the claim (conditional write) while reading the managed tables and the VPC's CIDR blocks;
 *  2. plan the tables whose VIP route differs, and the Transit Gateway's static route;
 *  3. write them (bounded concurrency), then verify by re-reading with backoff while recording the phase
 *     on the fence record (which also tells whether a newer claim has landed);
 *  4. when a newer claim landed meanwhile, or a table changed under us, reconcile to the record's owner;
 *  5. publish `Route Switch Completed` or `Route Switch Failed`.
 * Alternate courses: a stale or split-brain claim, a VIP inside the VPC, or no managed table → an outcome
 * with nothing written. Retryable failures throw RetryableSwitchError (after recording the phase, before
 * publishing) so the event is retried; the retry is diff-based and only writes what is still wrong.
 */
export const switchRoute = async (
  command: SwitchCommand,
  deps: SwitchDeps,
): Promise<SwitchOutcome> => {
  const started = deps.now().getTime();
  const outcome = await runSwitch(command, deps);
  const retryable = outcome.failed.filter((failure) => failure.retryable);
  if (retryable.length > 0) {
    throw new RetryableSwitchError(
      `route switch for ${command.vip} left retryable failures`,
      retryable.map(({ routeTableId, code }) => ({ routeTableId, code })),
    );
  }
  const { detailType, detail } = resultEvent(command, outcome, deps.now().getTime() - started);
  await deps.bus.publish(detailType, detail);
  return outcome;
};

const runSwitch = async (command: SwitchCommand, deps: SwitchDeps): Promise<SwitchOutcome> => {
  const found = lookup(deps.config, command.cluster, command.vip, command.node);
  if (!found.ok) return rejected('Refused', `${found.reason}: ${found.detail}`);
  const { cluster, vip } = found;
  const destination = vipRoute(vip.address);

  const [fence, tables, cidrs] = await Promise.all([
    deps.state.advance(command, deps.now()),
    settle(readManagedTables(deps.routes, cluster, vip, destination)),
    settle(deps.vpcs.cidrBlocks(cluster.vpcId)),
  ]);

  if (!fence.accepted) {
    const decision = decideFence(fence.current, command);
    const recorded = `recorded claim: ${fence.current.owner} at ${fence.current.orderToken}`;
    return decision === 'SplitBrainSuspected'
      ? rejected('SplitBrainSuspected', recorded, fence.current.owner)
      : rejected('RejectedStale', recorded, fence.current.owner);
  }

  const safe = checkSafe(cidrs, tables, vip);
  if ('refused' in safe) {
    await deps.state.markPhase(command, 'REFUSED', deps.now());
    return safe.refused;
  }

  const expectedTgw = vip.transitGatewayRoute;
  const [converged, tgw] = await Promise.all([
    converge(command, cluster, vip, safe.managed, deps),
    expectedTgw === undefined ? undefined : ensureTgwRoute(deps.tgw, expectedTgw, destination),
  ]);
  const outcome = withTgw(converged.outcome, tgw, expectedTgw?.routeTableId);

  // The phase was recorded during the last round; correct it only when the outcome turned out otherwise.
  const phase: Phase = SUCCESS_KINDS.includes(outcome.kind) ? 'APPLIED' : 'PARTIAL';
  if (converged.stillOurs && converged.recorded !== phase) {
    await deps.state.markPhase(command, phase, deps.now());
  }
  return outcome;
};

/** A Transit Gateway route that could not be fixed or checked makes the switch Partial. */
const withTgw = (
  outcome: Omit<SwitchOutcome, 'tgw'>,
  tgw: TgwResult | undefined,
  routeTableId: string | undefined,
): SwitchOutcome => {
  if (tgw === undefined || routeTableId === undefined) return outcome;
  const failure: TableFailure | undefined =
    tgw.action === 'failed'
      ? {
          routeTableId,
          code: tgw.code ?? 'Unknown',
          message: `Transit Gateway VIP route (${tgw.finding}) could not be fixed: ${tgw.code ?? 'Unknown'}`,
          retryable: tgw.retryable === true,
        }
      : tgw.finding === 'SearchIncomplete'
        ? {
            routeTableId,
            code: 'TgwSearchIncomplete',
            message: 'the Transit Gateway route search reported more routes available; not checked',
            retryable: false,
          }
        : undefined;
  if (failure === undefined) return { ...outcome, tgw };
  return { ...outcome, kind: 'Partial', failed: [...outcome.failed, failure], tgw };
};

type Settled<T> = { ok: true; value: T } | { ok: false; error: AwsCallError };

const settle = async <T>(promise: Promise<T>): Promise<Settled<T>> => {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error: asAwsCallError(error) };
  }
};

interface ManagedTables {
  readonly tables: RouteTableView[];
  /** Listed tables that are not route tables of the cluster VPC: never touched. */
  readonly outsideVpc: string[];
}

const readManagedTables = async (
  routes: RouteTables,
  cluster: ClusterConfig,
  vip: VipConfig,
  destination: string,
): Promise<ManagedTables> => {
  const [listed, discovered] = await Promise.all([
    vip.routeTables.length > 0 ? routes.byIds(cluster.vpcId, vip.routeTables, destination) : [],
    vip.discoverRouteTables ? routes.withRoute(cluster.vpcId, destination) : [],
  ]);
  // Adapters filter by VPC already; this second check keeps another VPC's table out even if one slipped through.
  const inVpc = (table: RouteTableView) => table.vpcId === cluster.vpcId;
  const tables = mergeManagedTables(listed.filter(inVpc), discovered.filter(inVpc));
  const found = new Set(tables.map((table) => table.routeTableId));
  return { tables, outsideVpc: vip.routeTables.filter((id) => !found.has(id)) };
};

/** Refuse when the environment makes any write unsafe or pointless; throw when a read can be retried. */
const checkSafe = (
  cidrs: Settled<string[]>,
  tables: Settled<ManagedTables>,
  vip: VipConfig,
): { managed: ManagedTables } | { refused: SwitchOutcome } => {
  const refuse = (detail: string) => ({ refused: rejected('Refused', detail) });
  for (const read of [cidrs, tables]) {
    if (!read.ok && read.error.retryable) throw read.error;
  }
  if (!cidrs.ok) return refuse(`VpcUnreadable: ${cidrs.error.code}: ${cidrs.error.message}`);
  if (!tables.ok)
    return refuse(`RouteTablesUnreadable: ${tables.error.code}: ${tables.error.message}`);
  const address = parseIpv4(vip.address) as number;
  const inside = cidrs.value.find((text) => {
    const cidr = parseCidr(text);
    return cidr !== undefined && cidrContains(cidr, address);
  });
  if (inside !== undefined) {
    return refuse(`VipInsideVpc: ${vip.address} lies inside the VPC CIDR ${inside}`);
  }
  if (tables.value.tables.length === 0 && tables.value.outsideVpc.length === 0) {
    return refuse(`NoManagedTables: no route table of the cluster VPC carries ${vip.address}/32`);
  }
  return { managed: tables.value };
};

interface Target {
  readonly node: string;
  readonly eni: string;
  readonly orderToken: number;
}

interface Converged {
  readonly outcome: Omit<SwitchOutcome, 'tgw'>;
  /** The target at the end is still this request's claim (no newer claim landed). */
  readonly stillOurs: boolean;
  /** The phase last recorded on the fence record for this claim, if any. */
  readonly recorded: Phase | undefined;
}

/** Plan, write, verify and re-check the fence until the tables settle on the current owner's ENI. */
const converge = async (
  command: SwitchCommand,
  cluster: ClusterConfig,
  vip: VipConfig,
  managed: ManagedTables,
  deps: SwitchDeps,
): Promise<Converged> => {
  const destination = vipRoute(vip.address);
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
          const failure = asAwsCallError(error);
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

/**
 * Re-read the managed tables until every table written in this round shows the ENI, backing off
 * (50 ms doubling, within the budget). A read that still shows the old target is treated as not yet
 * consistent: it never causes a write to a different target.
 */
const verify = async (
  deps: SwitchDeps,
  vpcId: string,
  tableIds: readonly string[],
  destination: string,
  eniId: string,
  written: readonly string[],
): Promise<{ view: RouteTableView[]; pending: string[] }> => {
  const deadline = deps.now().getTime() + deps.settings.verifyBudgetMs;
  let delay = 50;
  for (;;) {
    const view = await deps.routes.byIds(vpcId, tableIds, destination);
    const byId = new Map(view.map((table) => [table.routeTableId, table]));
    const pending = written.filter((id) => {
      const table = byId.get(id);
      return table === undefined || !routesTo(table, eniId);
    });
    const remaining = deadline - deps.now().getTime();
    if (pending.length === 0 || remaining <= 0) return { view, pending };
    await deps.sleep(Math.min(delay, remaining));
    delay *= 2;
  }
};

const ensureTgwRoute = async (
  tgw: TransitGatewayRoutes,
  expected: { routeTableId: string; attachmentId: string },
  destination: string,
): Promise<TgwResult> => {
  let finding: TgwResult['finding'] = 'Unknown';
  try {
    const { routes, complete } = await tgw.exactRoutes(expected.routeTableId, destination);
    const assessment = assessTgwRoute(routes, complete, expected.attachmentId);
    finding = assessment.finding;
    if (assessment.action === 'create') {
      await tgw.createRoute(expected.routeTableId, destination, expected.attachmentId);
    } else if (assessment.action === 'replace') {
      await tgw.replaceRoute(expected.routeTableId, destination, expected.attachmentId);
    }
    return assessment;
  } catch (error) {
    const failure = error instanceof AwsCallError ? error : asAwsCallError(error);
    return { finding, action: 'failed', code: failure.code, retryable: failure.retryable };
  }
};
