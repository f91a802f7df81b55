import type { RouteTableView, SwitchDeps } from './ports';
import { routesTo } from './table-plan';

/**
 * Re-read the managed tables until every table written in this round shows the ENI, backing off
 * (50 ms doubling, within the budget). A read that still shows the old target is treated as not yet
 * consistent: it never causes a write to a different target.
 */
export const verify = async (
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
