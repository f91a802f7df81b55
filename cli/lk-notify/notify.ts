import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import { makeNodeEventBridgeClient } from '../../shared/aws/clients';
import { type BusEntry, makeEntrySender } from '../../shared/aws/event-bus';
import {
  composeFailover,
  composeHeartbeat,
  type NodeNotification,
} from '../../shared/domain/intake/compose';
import { checkRoutes, waitForRoutes } from './claim-routes';
import {
  type Identity,
  type Io,
  loadNodeKeys,
  requireName,
  requireRegion,
  resolveIdentity,
} from './context';
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
 * `failover`, `heartbeat` and `check`: resolve who this node is; `check` first reads the VIP's routes
 * (elsewhere: no heartbeat, exit 12); then load the keys, sign, and print (--dry-run) or put the entry
 * on the bus, resending it within the time budget while the failure is retryable; `failover --wait`
 * then waits until the routes point here.
 */
export const notify = async (options: Options, io: Io): Promise<ExitCode> => {
  const cluster = requireName(options, 'cluster');
  const node = requireName(options, 'node');
  if (!options.dryRun && options.bus === undefined) {
    throw new CliError('--bus is required (or "bus" in the settings file)', EXIT.USAGE);
  }
  const readsRoutes = options.command === 'check' || options.wait;
  const identity = await resolveIdentity(
    options,
    io.env,
    options.command !== 'failover' || options.wait,
  );
  if (identity.imdsProblem) io.err(`lk-notify: ${identity.imdsProblem}; using flags only\n`);
  const region = options.dryRun && !readsRoutes ? identity.region : requireRegion(identity);
  if (options.command === 'check' && !options.dryRun) {
    const routes = await checkRoutes(options, identity, region as string, io);
    if (routes !== EXIT.OK) return routes;
  }
  return send(options, io, { cluster, node, identity, region });
};

const send = async (
  options: Options,
  io: Io,
  who: { cluster: string; node: string; identity: Identity; region: string | undefined },
): Promise<ExitCode> => {
  const { cluster, node, identity, region } = who;
  const { keys } = await loadNodeKeys(options, node, region, io.env);
  const sender = {
    cluster,
    node,
    ...(identity.instanceId === undefined ? {} : { instanceId: identity.instanceId }),
  };
  const type = options.command === 'failover' ? 'failover' : 'heartbeat';
  const msgId = randomUUID();
  const at = Date.now();
  let notification: NodeNotification;
  try {
    notification =
      type === 'failover'
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
      throw new CliError(`cannot build the ${type} message: invalid ${where}`, EXIT.USAGE);
    }
    throw error;
  }
  const entry = toEntry(notification, options.bus);
  if (options.dryRun) {
    // An array: what `aws events put-events --entries file://entry.json` takes, unchanged.
    io.out(`${JSON.stringify([entry], null, 2)}\n`);
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
  const summary = { type, msgId, attempts: delivery.attempts };
  if (!delivery.delivered) {
    io.err(
      `lk-notify: ${type} not delivered after ${delivery.attempts} attempt(s): ${delivery.code}: ${delivery.message}\n`,
    );
    return delivery.retryable ? EXIT.SEND_RETRYABLE : EXIT.SEND_REJECTED;
  }
  io.out(`${JSON.stringify({ sent: true, ...summary, eventId: delivery.eventId })}\n`);
  if (type === 'failover' && options.wait) {
    return waitForRoutes(options, identity, region as string, io, {
      cluster,
      node,
      vip: claimedVip(notification),
      claimedAt: at,
    });
  }
  return EXIT.OK;
};

/** The VIP exactly as the signed claim carries it (routekeeper's idempotency key is built from it). */
const claimedVip = (notification: NodeNotification): string =>
  String(JSON.parse(Buffer.from(notification.detail.body, 'base64url').toString()).vip);
