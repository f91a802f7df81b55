import { COMPLETED, FAILED, type RouteSwitchResult } from '../events/route-switch-result';
import { SUCCESS_KINDS, type SwitchOutcome } from './outcomes';
import type { Clock, EventPublisher } from './ports';
import type { SwitchCommand } from './switch-route';

/** The `Route Switch Completed` / `Route Switch Failed` event for an outcome. */
export const resultEvent = (
  command: SwitchCommand,
  outcome: SwitchOutcome,
  durationMs: number,
): { detailType: string; detail: RouteSwitchResult } => ({
  detailType: SUCCESS_KINDS.includes(outcome.kind) ? COMPLETED : FAILED,
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
    changed: [...outcome.changed],
    failed: outcome.failed.map(({ routeTableId, code, message }) => ({
      routeTableId,
      code,
      message,
    })),
    ...(outcome.tgw === undefined
      ? {}
      : { transitGateway: `${outcome.tgw.finding}/${outcome.tgw.action}` }),
    ...(outcome.detail === undefined ? {} : { detail: outcome.detail }),
    durationMs,
  },
});

/**
 * Run a switch and publish what happened. Publishing is part of the effect: when the bus refuses the
 * event, PublishError propagates, the idempotency record is released and the retry re-runs the (now
 * diff-free) switch and publishes again.
 */
export const switchAndReport = async (
  command: SwitchCommand,
  run: (command: SwitchCommand) => Promise<SwitchOutcome>,
  bus: EventPublisher,
  now: Clock,
): Promise<SwitchOutcome> => {
  const started = now().getTime();
  const outcome = await run(command);
  const { detailType, detail } = resultEvent(command, outcome, now().getTime() - started);
  await bus.publish(detailType, detail);
  return outcome;
};
