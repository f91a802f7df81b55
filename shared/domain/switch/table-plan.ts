import type { RouteTableView } from './ports';

/** What one managed route table needs so that the VIP routes to the target ENI. */
export type TableStep =
  | { readonly kind: 'inPlace'; readonly routeTableId: string }
  | { readonly kind: 'replace'; readonly routeTableId: string; readonly from: string }
  | { readonly kind: 'create'; readonly routeTableId: string }
  | { readonly kind: 'missing'; readonly routeTableId: string };

export const describeTarget = (table: RouteTableView): string =>
  table.vipRoute === undefined
    ? 'no route'
    : `${table.vipRoute.eniId ?? table.vipRoute.otherTarget ?? 'no target'} (${table.vipRoute.state})`;

/** True when the table's VIP route targets the ENI and is usable. */
export const routesTo = (table: RouteTableView, eniId: string): boolean =>
  table.vipRoute?.eniId === eniId && table.vipRoute.state !== 'blackhole';

/**
 * Diff-based plan: only tables whose VIP route does not already target the ENI are written.
 * A table without the route is created when the configuration allows it, else reported missing.
 */
export const planTables = (
  tables: readonly RouteTableView[],
  eniId: string,
  createMissingRoute: boolean,
): TableStep[] =>
  tables.map((table) => {
    const { routeTableId } = table;
    if (table.vipRoute === undefined) {
      return createMissingRoute
        ? { kind: 'create', routeTableId }
        : { kind: 'missing', routeTableId };
    }
    if (routesTo(table, eniId)) return { kind: 'inPlace', routeTableId };
    return { kind: 'replace', routeTableId, from: describeTarget(table) };
  });

/** Managed tables = the listed ones (only if they belong to the cluster VPC) plus the discovered ones. */
export const mergeManagedTables = (
  listed: readonly RouteTableView[],
  discovered: readonly RouteTableView[],
): RouteTableView[] => {
  const byId = new Map<string, RouteTableView>();
  for (const table of [...listed, ...discovered]) byId.set(table.routeTableId, table);
  return [...byId.values()].sort((a, b) => a.routeTableId.localeCompare(b.routeTableId));
};
