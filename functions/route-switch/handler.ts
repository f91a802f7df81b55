import { EventBridgeEnvelope } from '@aws-lambda-powertools/parser/envelopes/eventbridge';
import type { Context } from 'aws-lambda';
import { resolveCommand } from '../../shared/domain/switch/command';
import { outcomeOfFault, refused, type SwitchOutcome } from '../../shared/domain/switch/outcomes';
import { RouteSwitchRequested } from '../../shared/events/route-switch-requested';
import { emit, logger } from '../../shared/telemetry';
import type { RouteSwitchDeps } from './deps';
import { faultTelemetry, type SwitchTarget, switchTelemetry } from './telemetry';

/** Parse the request, resolve it against the configuration, run the idempotent switch, record the outcome. */
export const makeHandler =
  (deps: RouteSwitchDeps) =>
  async (event: unknown, context: Context): Promise<SwitchOutcome> => {
    const started = Date.now();
    let target: SwitchTarget | undefined;
    const done = (outcome: SwitchOutcome) => {
      emit(switchTelemetry(outcome, Date.now() - started, target));
      return outcome;
    };
    const parsed = EventBridgeEnvelope.safeParse(event, RouteSwitchRequested);
    if (!parsed.success) return done(refused('SchemaInvalid', parsed.error.message.slice(0, 500)));
    const { cluster, vip, node, orderToken, idempotencyKey, reason } = parsed.data;
    logger.appendKeys({ cluster, vip, node, orderToken, idempotencyKey, reason });
    const resolved = resolveCommand(deps.config, parsed.data);
    if ('refused' in resolved) return done(resolved.refused);
    // Resolved: cluster and VIP are configured names, safe to use as metric dimensions.
    target = { cluster, vip: resolved.command.vip };
    deps.registerContext(context);
    try {
      return done(await deps.switchOnce(resolved.command));
    } catch (error) {
      const answered = outcomeOfFault(error);
      if (answered !== undefined) return done(answered);
      emit(faultTelemetry(error));
      throw error;
    }
  };
