import { COMPLETED, FAILED, type RouteSwitchResult } from '../../events/route-switch-result';
import type { SwitchCommand } from './command';
import { isSuccess, type SwitchOutcome } from './outcomes';

/** The `Route Switch Completed` / `Route Switch Failed` event for an outcome. */
export const resultEvent = (
  command: SwitchCommand,
  outcome: SwitchOutcome,
  durationMs: number,
): { detailType: string; detail: RouteSwitchResult } => ({
  detailType: isSuccess(outcome) ? COMPLETED : FAILED,
  detail: {
    version: '1',
    cluster: command.cluster,
    vip: command.vip,
    node: command.node,
    ...(outcome.owner === undefined ? {} : { owner: outcome.owner }),
    orderToken: command.orderToken,
    idempotencyKey: command.idempotencyKey,
    reason: command.reason,
    outcome: outcome.kind,
    ...(outcome.refusal === undefined ? {} : { refusal: outcome.refusal }),
    changed: [...outcome.changed],
    failed: outcome.failed.map(({ routeTableId, code, message }) => ({
      routeTableId,
      code,
      message,
    })),
    ...(outcome.tgw === undefined
      ? {}
      : { transitGateway: `${outcome.tgw.finding}/${outcome.tgw.action}` }),
    ...(outcome.tgwTables === undefined
      ? {}
      : {
          transitGatewayRoutes: outcome.tgwTables.map(({ routeTableId, finding, action }) => ({
            routeTableId,
            finding,
            action,
          })),
        }),
    ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
    ...(command.initiatedBy === undefined ? {} : { initiatedBy: { ...command.initiatedBy } }),
    durationMs,
  },
});
