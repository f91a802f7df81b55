import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import { makeNodeEventBridgeClient } from '../../shared/aws/clients';
import { type BusEntry, makeEntrySender } from '../../shared/aws/event-bus';
import {
  composeFailover,
  composeHeartbeat,
  type NodeNotification,
} from '../../shared/domain/intake/compose';
import { type Io, loadNodeKeys, requireName, requireRegion, resolveIdentity } from './context';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import type { Options } from './options';
import { sendWithRetries } from './send';

/** The PutEvents entry for a notification (without a bus name only in a dry run). */
export const toEntry = (notification: NodeNotification, bus: string | undefined) => ({
  ...(bus === undefined ? {} : { EventBusName: bus }),
  Source: notification.source,
  DetailType: notification.detailType,
  Detail: JSON.stringify(notification.detail),
});

/**
 * `failover` and `heartbeat`: resolve who this node is, load its keys, sign, then print (--dry-run) or put
 * the entry on the bus, resending it within the time budget while the failure is retryable.
 */
export const notify = async (options: Options, io: Io): Promise<ExitCode> => {
  const cluster = requireName(options, 'cluster');
  const node = requireName(options, 'node');
  if (!options.dryRun && options.bus === undefined) {
    throw new CliError('--bus is required (or "bus" in the settings file)', EXIT.USAGE);
  }
  const identity = await resolveIdentity(options, io.env, options.command === 'heartbeat');
  if (identity.imdsProblem) io.err(`lk-notify: ${identity.imdsProblem}; using flags only\n`);
  const region = options.dryRun ? identity.region : requireRegion(identity);
  const { keys } = await loadNodeKeys(options, node, region, io.env);

  const sender = {
    cluster,
    node,
    ...(identity.instanceId === undefined ? {} : { instanceId: identity.instanceId }),
  };
  const msgId = randomUUID();
  const at = Date.now();
  let notification: NodeNotification;
  try {
    notification =
      options.command === 'failover'
        ? composeFailover(sender, options.vips[0] as string, { msgId, claimedAt: at }, keys)
        : composeHeartbeat(
            sender,
            { vips: options.vips, ...(identity.enis === undefined ? {} : { enis: identity.enis }) },
            { msgId, sentAt: at },
            keys,
          );
  } catch (error) {
    if (error instanceof ZodError) {
      const where = error.issues.map((issue) => issue.path.join('.')).join(', ');
      throw new CliError(
        `cannot build the ${options.command} message: invalid ${where}`,
        EXIT.USAGE,
      );
    }
    throw error;
  }
  const entry = toEntry(notification, options.bus);
  if (options.dryRun) {
    io.out(`${JSON.stringify(entry, null, 2)}\n`);
    return EXIT.OK;
  }

  const delivery = await sendWithRetries(
    entry as BusEntry,
    makeEntrySender(makeNodeEventBridgeClient(region as string)),
    {
      budgetMs: options.timeoutMs,
      firstDelayMs: 250,
      maxDelayMs: 4_000,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      random: Math.random,
    },
  );
  const summary = { type: options.command, msgId, attempts: delivery.attempts };
  if (delivery.delivered) {
    io.out(`${JSON.stringify({ sent: true, ...summary, eventId: delivery.eventId })}\n`);
    return EXIT.OK;
  }
  io.err(
    `lk-notify: ${options.command} not delivered after ${delivery.attempts} attempt(s): ${delivery.code}: ${delivery.message}\n`,
  );
  return delivery.retryable ? EXIT.SEND_RETRYABLE : EXIT.SEND_REJECTED;
};
