import { lookup } from '../../config/lookup';
import type { RoutekeeperConfig } from '../../config/schema';
import type { SwitchReason } from '../../events/route-switch-requested';
import { refused, type SwitchOutcome } from './outcomes';
import type { Claim } from './ports';

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
  if (!found.ok) return { refused: refused(found.reason, found.detail) };
  const { cluster, vip, node, orderToken, idempotencyKey, reason } = request;
  return {
    command: { cluster, vip, node, eni: found.node.eniId, orderToken, idempotencyKey, reason },
  };
};
