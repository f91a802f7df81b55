import type { OutcomeKind } from '../switch/outcomes';
import type { RouteTableView, VipRecord } from '../switch/ports';

/**
 * What a cluster node can tell about its own VIP, from its read-only view: do the managed route tables
 * route the VIP to this node's ENI, and how did routekeeper answer its last claim. lk-notify's `check`
 * (LifeKeeper quickCheck) and `failover --wait` (restore, recover) decide with these two functions.
 */

export interface MisroutedTable {
  readonly routeTableId: string;
  /** The ENI or other target the VIP route points at, `missing`, or `<target> (blackhole)`. */
  readonly target: string;
}

export type NodeRoutes =
  | { readonly kind: 'OnNode'; readonly tables: readonly string[] }
  | { readonly kind: 'Elsewhere'; readonly misrouted: readonly MisroutedTable[] }
  | { readonly kind: 'NoManagedTable' };

/**
 * The tables are the cluster VPC's tables that carry the VIP route (what routekeeper manages with
 * `discoverRouteTables`) plus the tables the node was told about (`required`), which must carry it.
 * Every one must route the VIP to one of the node's ENIs with an active route.
 */
export const judgeNodeRoutes = (
  views: readonly RouteTableView[],
  nodeEnis: readonly string[],
  required: readonly string[] = [],
): NodeRoutes => {
  const byId = new Map(views.map((view) => [view.routeTableId, view]));
  const ids = [...new Set([...views.map((view) => view.routeTableId), ...required])].sort();
  if (ids.length === 0) return { kind: 'NoManagedTable' };
  const misrouted: MisroutedTable[] = [];
  for (const routeTableId of ids) {
    const route = byId.get(routeTableId)?.vipRoute;
    const target = route?.eniId ?? route?.otherTarget ?? 'missing';
    if (route === undefined || target === 'missing') misrouted.push({ routeTableId, target });
    else if (route.state !== 'active')
      misrouted.push({ routeTableId, target: `${target} (${route.state})` });
    else if (route.eniId === undefined || !nodeEnis.includes(route.eniId))
      misrouted.push({ routeTableId, target });
  }
  return misrouted.length === 0
    ? { kind: 'OnNode', tables: ids }
    : { kind: 'Elsewhere', misrouted };
};

/** routekeeper's answer to a node's latest failover claim (the `verdict#…` item routeSwitch writes). */
export interface ClaimVerdict {
  readonly idempotencyKey: string;
  readonly orderToken: number;
  readonly outcome: OutcomeKind;
  readonly owner?: string;
  readonly refusal?: string;
  readonly detail?: string;
}

export type ClaimProgress =
  | { readonly kind: 'Confirmed'; readonly tables: readonly string[] }
  /** A newer claim of another node holds the VIP: this claim lost and will not come back. */
  | { readonly kind: 'Superseded'; readonly owner: string; readonly why: string }
  /** routekeeper refused the claim with nothing written: waiting longer will not help. */
  | { readonly kind: 'Refused'; readonly why: string }
  | { readonly kind: 'Pending'; readonly routes: NodeRoutes; readonly note?: string };

export interface ClaimView {
  readonly node: string;
  /** The claim's signed time; routekeeper's order token for it is never higher. */
  readonly claimedAt: number;
  /** The idempotency key routekeeper derives from this claim. */
  readonly idempotencyKey: string;
  readonly routes: NodeRoutes;
  /** The VIP's fence record and this node's verdict item, when the node may read them. */
  readonly record?: VipRecord;
  readonly verdict?: ClaimVerdict;
}

/** A refusal's detail starts with its reason (`VipInsideVpc: …`), so the detail, else the reason, follows the outcome. */
const describeVerdict = (verdict: ClaimVerdict): string =>
  [verdict.outcome, verdict.detail ?? verdict.refusal].filter(Boolean).join(': ');

/**
 * Where a failover claim stands. A newer claim of another node wins over everything (routekeeper will
 * move or keep the routes there); then routes on this node confirm; then routekeeper's own verdict on
 * this very claim ends the wait early when it can never succeed; anything else is still pending.
 */
export const claimProgress = (view: ClaimView): ClaimProgress => {
  const { record, verdict, routes } = view;
  if (record !== undefined && record.owner !== view.node && record.orderToken >= view.claimedAt) {
    return {
      kind: 'Superseded',
      owner: record.owner,
      why: `the VIP's record gives it to ${record.owner} since a claim at ${new Date(record.orderToken).toISOString()}, not older than this one`,
    };
  }
  const mine =
    verdict !== undefined && verdict.idempotencyKey === view.idempotencyKey ? verdict : undefined;
  if (
    mine !== undefined &&
    (mine.outcome === 'RejectedStale' || mine.outcome === 'SplitBrainSuspected') &&
    mine.owner !== view.node
  ) {
    return { kind: 'Superseded', owner: mine.owner ?? 'another node', why: describeVerdict(mine) };
  }
  if (routes.kind === 'OnNode') return { kind: 'Confirmed', tables: routes.tables };
  if (mine?.outcome === 'Refused') return { kind: 'Refused', why: describeVerdict(mine) };
  return {
    kind: 'Pending',
    routes,
    ...(mine === undefined ? {} : { note: `routekeeper answered ${describeVerdict(mine)}` }),
  };
};

/** One line for a log: where the routes are. */
export const describeRoutes = (routes: NodeRoutes): string =>
  routes.kind === 'OnNode'
    ? `every managed table (${routes.tables.join(', ')}) routes the VIP here`
    : routes.kind === 'NoManagedTable'
      ? 'no route table of the VPC carries the VIP route'
      : `not here: ${routes.misrouted.map((t) => `${t.routeTableId} → ${t.target}`).join(', ')}`;
