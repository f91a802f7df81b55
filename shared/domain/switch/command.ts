import { lookup } from '../../config/lookup';
import type { RoutekeeperConfig } from '../../config/schema';
import type { SwitchReason } from '../../events/route-switch-requested';
import { refused, type SwitchOutcome } from './outcomes';
import type { Claim, OperatorAudit } from './ports';

/**
 * A request resolved against the configuration: the ENI is the configured one of the named node.
 * `operator` = `routekeeper switch`: a claim made on the controller side, carrying its audit.
 */
export interface SwitchCommand extends Claim {
  readonly reason: SwitchReason | 'operator';
}

export interface SwitchRequestFields {
  readonly cluster: string;
  readonly vip: string;
  readonly node: string;
  readonly orderToken: number;
  readonly idempotencyKey: string;
  readonly reason: SwitchCommand['reason'];
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

/**
 * An operator's switch as a command: a claim like a LifeKeeper one, ordered by the time the operator ran
 * it (taken on the controller side, the CLI's clock checked against AWS), so it goes through the same
 * fence: it wins over older claims, and a later LifeKeeper claim wins over it.
 */
export const operatorCommand = (
  config: RoutekeeperConfig,
  request: { cluster: string; vip: string; node: string; orderToken: number },
  audit: OperatorAudit,
): { command: SwitchCommand } | { refused: SwitchOutcome } => {
  const { cluster, vip, node, orderToken } = request;
  const resolved = resolveCommand(config, {
    cluster,
    vip,
    node,
    orderToken,
    idempotencyKey: `operator#${cluster}#${vip}#${node}#${orderToken}`,
    reason: 'operator',
  });
  if ('refused' in resolved) return resolved;
  return { command: { ...resolved.command, initiatedBy: audit } };
};
