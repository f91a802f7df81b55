import { lookup } from '../../config/lookup';
import type { ClusterConfig, VipConfig } from '../../config/schema';
import { type AwsCallError, toAwsCallError } from '../../core/errors';
import { cidrContains, parseCidr, parseIpv4, vipDestination } from '../../core/ip';
import { attempt, type Result } from '../../core/result';
import type { SwitchCommand } from './command';
import { converge, type ManagedTables } from './converge';
import { decideFence } from './fence';
import {
  fencedOff,
  isSuccess,
  RetryableSwitchError,
  refused,
  type SwitchOutcome,
} from './outcomes';
import type { Phase, RouteTables, RouteTableView, SwitchDeps } from './ports';
import { resultEvent } from './report';
import { mergeManagedTables } from './table-plan';
import { ensureTgwRoute, withTgw } from './tgw-step';

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
  const outcome = await decideAndApply(command, deps);
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

const decideAndApply = async (command: SwitchCommand, deps: SwitchDeps): Promise<SwitchOutcome> => {
  const found = lookup(deps.config, command.cluster, command.vip, command.node);
  if (!found.ok) return refused(found.reason, found.detail);
  const ahead = command.orderToken - deps.now().getTime();
  if (ahead > ORDER_TOKEN_FUTURE_TOLERANCE_MS) {
    return refused(
      'OrderTokenInFuture',
      `order token ${command.orderToken} lies ${ahead} ms ahead of routekeeper's clock`,
    );
  }
  const { cluster, vip } = found;
  const destination = vipDestination(vip.address);

  const [fence, tables, cidrs] = await Promise.all([
    deps.state.advance(command, deps.now()),
    attempt(() => readManagedTables(deps.routes, cluster, vip, destination), toAwsCallError),
    attempt(() => deps.vpcs.cidrBlocks(cluster.vpcId), toAwsCallError),
  ]);

  if (!fence.accepted) {
    const decision = decideFence(fence.current, command);
    const recorded = `recorded claim: ${fence.current.owner} at ${fence.current.orderToken}`;
    return fencedOff(
      decision === 'SplitBrainSuspected' ? 'SplitBrainSuspected' : 'RejectedStale',
      recorded,
      fence.current.owner,
    );
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
  const phase: Phase = isSuccess(outcome) ? 'APPLIED' : 'PARTIAL';
  if (converged.stillOurs && converged.recorded !== phase) {
    await deps.state.markPhase(command, phase, deps.now());
  }
  return outcome;
};

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
  cidrs: Result<string[], AwsCallError>,
  tables: Result<ManagedTables, AwsCallError>,
  vip: VipConfig,
): { managed: ManagedTables } | { refused: SwitchOutcome } => {
  for (const read of [cidrs, tables]) {
    if (!read.ok && read.error.retryable) throw read.error;
  }
  if (!cidrs.ok)
    return { refused: refused('VpcUnreadable', `${cidrs.error.code}: ${cidrs.error.message}`) };
  if (!tables.ok)
    return {
      refused: refused('RouteTablesUnreadable', `${tables.error.code}: ${tables.error.message}`),
    };
  const address = parseIpv4(vip.address) as number;
  const inside = cidrs.value.find((text) => {
    const cidr = parseCidr(text);
    return cidr !== undefined && cidrContains(cidr, address);
  });
  if (inside !== undefined) {
    return {
      refused: refused('VipInsideVpc', `${vip.address} lies inside the VPC CIDR ${inside}`),
    };
  }
  if (tables.value.tables.length === 0 && tables.value.outsideVpc.length === 0) {
    return {
      refused: refused(
        'NoManagedTables',
        `no route table of the cluster VPC carries ${vip.address}/32`,
      ),
    };
  }
  return { managed: tables.value };
};
