import { findNode, lookup } from '../../config/lookup';
import type { ClusterConfig, NodeConfig, VipConfig } from '../../config/schema';
import { type AwsCallError, toAwsCallError } from '../../core/errors';
import { cidrContains, parseCidr, parseIpv4, vipDestination } from '../../core/ip';
import { attempt, type Result } from '../../core/result';
import type { SwitchCommand } from './command';
import { converge, type ManagedTables } from './converge';
import { decideFence } from './fence';
import {
  fencedOff,
  isSuccess,
  type RefusalReason,
  RetryableSwitchError,
  refused,
  type SwitchOutcome,
} from './outcomes';
import type {
  Claim,
  EniView,
  Phase,
  RouteTables,
  RouteTableView,
  SwitchDeps,
  VipRecord,
} from './ports';
import { resultEvent } from './report';
import { mergeManagedTables, planTables } from './table-plan';
import { ensureTgwRoutes, withTgw } from './tgw-step';

/**
 * Make every managed route table of the cluster VPC route the VIP to the claimant's ENI, if the claim wins,
 * and publish what happened.
 * Primary course:
 *  1. in one round, read the managed tables, the VPC's CIDR blocks (never cached) and the claimant's ENI
 *     (startReadRound: the function starts it alongside its idempotency lock); once the CIDR blocks and
 *     the ENI pass, fence the claim (conditional write) while the table read ends;
 *  2. plan the tables whose VIP route differs, and the Transit Gateway's static route in each of its
 *     configured route tables;
 *  3. write them (bounded concurrency), then verify by re-reading with backoff while recording the phase
 *     on the fence record (which also tells whether a newer claim has landed);
 *  4. when a newer claim landed meanwhile, or a table changed under us, reconcile to the record's owner;
 *  5. publish `Route Switch Completed` or `Route Switch Failed`.
 * Alternate courses, nothing written and nothing recorded: an order token from the future, a VIP inside
 * the VPC, a claimant ENI that is gone, detached from the node's instance or in another VPC. A split-brain
 * claim, or no managed table: an outcome with nothing written. A stale claim writes nothing for itself but
 * puts tables that strayed from a settled record back on its owner (restoreRecordedOwner).
 * Retryable failures throw RetryableSwitchError (after recording the phase, before publishing) so the
 * event is retried; the retry is diff-based and only writes what is still wrong.
 */
export const switchRoute = async (
  command: SwitchCommand,
  deps: SwitchDeps,
  reads?: ReadRound,
): Promise<SwitchOutcome> => {
  const started = deps.now().getTime();
  const outcome = await decideAndApply(command, deps, reads);
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

/**
 * How far an order token may lie ahead of this function's clock. Tokens are capped at the heartbeat
 * function's receive time, so only the two Lambda hosts' clock difference is tolerated; a token beyond it
 * is forged or buggy and, once recorded, would fence off every real claim until the clock caught up.
 */
export const ORDER_TOKEN_FUTURE_TOLERANCE_MS = 5_000;

/**
 * The round of reads a switch starts with: the managed tables, the VPC's CIDR blocks and the claimant's
 * ENI, in parallel. Reads change nothing, so the caller may start them before anything else it must do
 * first (the idempotency lock): a redelivery answered from the idempotency store merely discards them.
 * Undefined when the configuration does not know the claim (switchRoute refuses it without reading).
 */
export interface ReadRound {
  readonly tables: Promise<Result<ManagedTables, AwsCallError>>;
  readonly cidrs: Promise<Result<string[], AwsCallError>>;
  readonly eni: Promise<Result<EniView, AwsCallError>>;
}

export const startReadRound = (command: SwitchCommand, deps: SwitchDeps): ReadRound | undefined => {
  const found = lookup(deps.config, command.cluster, command.vip, command.node);
  if (!found.ok) return undefined;
  const { cluster, vip } = found;
  return {
    tables: attempt(
      () => readManagedTables(deps.routes, cluster, vip, vipDestination(vip.address)),
      toAwsCallError,
    ),
    cidrs: attempt(() => deps.vpcs.cidrBlocks(cluster.vpcId), toAwsCallError),
    // The ENI of the command (resolved from the configuration, never from the event).
    eni: attempt(() => deps.enis.describe(command.eni), toAwsCallError),
  };
};

const decideAndApply = async (
  command: SwitchCommand,
  deps: SwitchDeps,
  prefetched: ReadRound | undefined,
): Promise<SwitchOutcome> => {
  const found = lookup(deps.config, command.cluster, command.vip, command.node);
  if (!found.ok) return refused(found.reason, found.detail);
  const ahead = command.orderToken - deps.now().getTime();
  if (ahead > ORDER_TOKEN_FUTURE_TOLERANCE_MS) {
    return refused(
      'OrderTokenInFuture',
      `order token ${command.orderToken} lies ${ahead} ms ahead of routekeeper's clock`,
    );
  }
  const { cluster, vip, node } = found;
  const destination = vipDestination(vip.address);

  // One round of reads (started by the caller alongside the idempotency lock, or here). The CIDR blocks and
  // the claimant's ENI decide whether the claim may be recorded at all, so the fence moves only once they
  // pass: a refused claim never becomes the owner drift enforces and never fences off an older valid
  // claim. The table read overlaps with the fence write.
  const reads = prefetched ?? (startReadRound(command, deps) as ReadRound);
  const [cidrs, eni] = await Promise.all([reads.cidrs, reads.eni]);
  const unsafe = checkClaim(cidrs, eni, cluster, node, vip);
  if (unsafe !== undefined) return unsafe;

  const [fence, tables] = await Promise.all([
    deps.state.advance(command, deps.now()),
    reads.tables,
  ]);
  if (!fence.accepted) {
    const recorded = `recorded claim: ${fence.current.owner} at ${fence.current.orderToken}`;
    if (decideFence(fence.current, command) === 'SplitBrainSuspected') {
      return fencedOff('SplitBrainSuspected', recorded, fence.current.owner);
    }
    const stale = fencedOff('RejectedStale', recorded, fence.current.owner);
    return restoreRecordedOwner(stale, fence.current, cluster, vip, tables, deps);
  }

  const managed = checkTables(tables, vip);
  if ('refused' in managed) {
    await deps.state.markPhase(command, 'REFUSED', deps.now());
    return managed.refused;
  }

  const [converged, tgw] = await Promise.all([
    converge(command, cluster, vip, managed.tables, deps),
    ensureTgwRoutes(deps.tgw, vip.transitGatewayRoutes, destination),
  ]);
  const outcome = withTgw(converged.outcome, tgw);

  // The phase was recorded during the last round; correct it only when the outcome turned out otherwise.
  const phase: Phase = isSuccess(outcome) ? 'APPLIED' : 'PARTIAL';
  if (converged.stillOurs && converged.recorded !== phase) {
    await deps.state.markPhase(command, phase, deps.now());
  }
  return outcome;
};

/**
 * A stale claim writes nothing for itself, but the tables may have strayed from the recorded owner: an
 * older writer's last ReplaceRoute can land after the newer claim's switch, and that writer may die before
 * its fence re-check. So a stale invocation ends by putting back, in the recorded claim's name and through
 * the same converge (verify, phase, re-check of the fence), the tables the round's read shows elsewhere;
 * when they all match, it costs nothing more. Only a settled record (APPLIED or PARTIAL) is enforced: while
 * it is INTENT its own invocation (or that one's retry) is still writing, and a REFUSED claim was never to
 * be written. An unconfigured owner or an unreadable table set is left alone: nothing known to enforce.
 */
const restoreRecordedOwner = async (
  stale: SwitchOutcome,
  record: VipRecord,
  cluster: ClusterConfig,
  vip: VipConfig,
  tables: Result<ManagedTables, AwsCallError>,
  deps: SwitchDeps,
): Promise<SwitchOutcome> => {
  const owner = findNode(cluster, record.owner);
  const settled = record.phase === 'APPLIED' || record.phase === 'PARTIAL';
  if (!settled || owner === undefined || !tables.ok) return stale;
  const writes = (view: ManagedTables) =>
    planTables(view.tables, owner.eniId, vip.createMissingRoute).some(
      (step) => step.kind === 'replace' || step.kind === 'create',
    );
  if (!writes(tables.value)) return stale;
  // The round's read may predate the recorded claim's own writes (it starts before the fence answers):
  // read again, and put back only what is still elsewhere.
  const fresh = await attempt(
    () => readManagedTables(deps.routes, cluster, vip, vipDestination(vip.address)),
    toAwsCallError,
  );
  if (!fresh.ok || !writes(fresh.value)) return stale;
  const recordedClaim: Claim = {
    cluster: record.cluster,
    vip: record.vip,
    node: owner.name,
    eni: owner.eniId,
    orderToken: record.orderToken,
    idempotencyKey: record.idempotencyKey,
    reason: record.reason,
  };
  const { outcome } = await converge(
    recordedClaim,
    cluster,
    vip,
    { tables: fresh.value.tables, outsideVpc: [] },
    deps,
  );
  const restored = `put ${outcome.changed.length} table(s) back on ${outcome.owner ?? owner.name}`;
  return {
    ...stale,
    ...(outcome.owner === undefined ? {} : { owner: outcome.owner }),
    changed: outcome.changed,
    failed: outcome.failed,
    pending: outcome.pending,
    detail: [stale.detail, restored, outcome.detail].filter(Boolean).join('; '),
  };
};

export const readManagedTables = async (
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

/** A read that a retry can fix is thrown; any other failed read refuses. */
const readOrRefuse = <T>(
  read: Result<T, AwsCallError>,
  refusal: RefusalReason,
): { value: T } | { refused: SwitchOutcome } => {
  if (read.ok) return { value: read.value };
  if (read.error.retryable) throw read.error;
  return { refused: refused(refusal, `${read.error.code}: ${read.error.message}`) };
};

/**
 * Refuse a claim that must never be recorded: a VIP inside the VPC's real CIDR blocks, or a claimant
 * ENI that is gone, lives in another VPC or is not attached to the node's instance (routes to it would
 * blackhole the VIP, and drift would then enforce them).
 */
const checkClaim = (
  cidrRead: Result<string[], AwsCallError>,
  eniRead: Result<EniView, AwsCallError>,
  cluster: ClusterConfig,
  node: NodeConfig,
  vip: VipConfig,
): SwitchOutcome | undefined => {
  const cidrs = readOrRefuse(cidrRead, 'VpcUnreadable');
  const eni = readOrRefuse(eniRead, 'EniUnreadable');
  if ('refused' in cidrs) return cidrs.refused;
  const address = parseIpv4(vip.address) as number;
  const inside = cidrs.value.find((text) => {
    const cidr = parseCidr(text);
    return cidr !== undefined && cidrContains(cidr, address);
  });
  if (inside !== undefined) {
    return refused('VipInsideVpc', `${vip.address} lies inside the VPC CIDR ${inside}`);
  }
  if ('refused' in eni) return eni.refused;
  if (!eni.value.exists) {
    return refused('EniNotFound', `${node.eniId} of ${node.name} does not exist`);
  }
  if (eni.value.vpcId !== cluster.vpcId) {
    return refused(
      'EniOutsideVpc',
      `${node.eniId} of ${node.name} is in ${eni.value.vpcId}, not in ${cluster.vpcId}`,
    );
  }
  if (eni.value.attachedInstanceId !== node.instanceId) {
    return refused(
      'EniDetached',
      `${node.eniId} is attached to ${eni.value.attachedInstanceId ?? 'no instance'}, not to ${node.name}'s ${node.instanceId}`,
    );
  }
  return undefined;
};

/** Refuse when there is no table to act on; throw when the read can be retried. */
const checkTables = (
  read: Result<ManagedTables, AwsCallError>,
  vip: VipConfig,
): { tables: ManagedTables } | { refused: SwitchOutcome } => {
  const tables = readOrRefuse(read, 'RouteTablesUnreadable');
  if ('refused' in tables) return tables;
  if (tables.value.tables.length === 0 && tables.value.outsideVpc.length === 0) {
    return {
      refused: refused(
        'NoManagedTables',
        `no route table of the cluster VPC carries ${vip.address}/32`,
      ),
    };
  }
  return { tables: tables.value };
};
