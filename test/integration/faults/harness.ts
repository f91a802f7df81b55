/**
 * The fault suite's world: per test file, routekeeper's packaged stack deployed on the shared moto_server
 * (its tables, bus and rules, never restated here), one topology, and the fault proxy in front of it
 * (functions reach AWS only through the proxy; the harness reads and resets state directly on moto).
 * Per test a fresh run: the deployed tables emptied, routes back on node1, and a reader of the stack's
 * event log (what its deployed event-log rule saw on the bus) that sees only this run's events.
 * Every result routeSwitch publishes reaches that rule. A stock moto_server takes 0.25-0.75 s for such a
 * PutEvents (it builds its JSONPath parsers again for each event a target gets); the one dev/moto.ts
 * starts caches them (about 0.04 s). Scenarios whose order matters put it in place with a `hold` fault
 * (FaultRun.finished), never with a latency that only makes it likely.
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { ReplaceRouteCommand } from '@aws-sdk/client-ec2';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { eventLogReader } from '../../../dev/event-log';
import { type FaultProxy, startFaultProxy } from '../../../dev/fault-proxy';
import { CLUSTER, type Topology, topologyConfig, VIP } from '../../../dev/guide';
import { stackEnvironment, stackTables } from '../../../dev/local-stack';
import type { Tables } from '../../../dev/tables';
import { type AwsClients, buildTopology, vipTargets } from '../../../dev/topology';
import { buildDeps } from '../../../functions/route-switch/deps';
import { makeHandler } from '../../../functions/route-switch/handler';
import { COMPLETED, FAILED } from '../../../shared/events/route-switch-result';
import { instrument } from '../../../shared/telemetry';
import {
  clients,
  deployedStack,
  motoUrl,
  resetEmulator,
  writeConfig,
} from '../../support/emulator';
import { switchRequestEvent } from '../../support/events';
import {
  type Delivery,
  type DeliveryLog,
  type DeliveryOptions,
  deliver,
  type Invoke,
} from '../../support/faults/delivery';
import {
  type ClaimOf,
  checkInvariants,
  type InvariantReport,
  routeWrites,
} from '../../support/faults/history';
import { recordRun } from './summary';

export const RECORD_KEY = `${CLUSTER}#${VIP}`;

export interface PlannedEvent {
  readonly id: string;
  readonly event: unknown;
}

export interface SettledRun {
  readonly report: InvariantReport;
  readonly log: DeliveryLog;
  /** Route writes the proxy saw (requests, faulted or not). */
  readonly writes: ReturnType<typeof routeWrites>;
  readonly record: { owner: string; eni: string; orderToken: number; phase: string } | undefined;
  readonly targets: Record<string, string>;
  /**
   * The tables disagreed with the record once the deliveries were over, so a drift repair ran before
   * the final state was read (the history file then tells why).
   */
  readonly drifted: boolean;
  /** Where the whole history was written, when an invariant was violated or the tables drifted. */
  readonly historyFile: string | undefined;
}

export interface FaultRun {
  readonly tables: Tables;
  readonly proxy: FaultProxy;
  readonly topology: Topology;
  readonly eni: (node: string) => string;
  /** A `Route Switch Requested` event claiming the VIP for a node at an order token. */
  readonly claim: (node: string, orderToken: number) => PlannedEvent;
  /**
   * Resolves once an invocation for this claim has published its result (its PutEvents answered): the
   * point after which another caller's request is ordered by a `hold` fault, however loaded the machine.
   */
  readonly finished: (claim: PlannedEvent) => Promise<unknown>;
  readonly deliver: (
    plan: readonly Delivery[],
    options?: Omit<DeliveryOptions, 'newContainer'>,
  ) => Promise<DeliveryLog>;
  /**
   * Settle the run and judge it: wait for stragglers; if a managed table disagrees with the record, run
   * the drift repair the design relies on (a `repair` request for the recorded claim, faults off); read
   * the final state straight from the emulator; check the invariants against the whole history (every
   * log given, plus the repair's); add the run to the suite's summary.
   */
  readonly settle: (
    logs: readonly DeliveryLog[],
    options?: { excludedTables?: readonly string[] },
  ) => Promise<SettledRun>;
  /**
   * Route Switch Completed / Failed events published in this run since the last call, as the stack's
   * event log recorded them (oldest first).
   */
  readonly published: () => Promise<{ detailType: string; detail: Record<string, unknown> }[]>;
}

export interface FaultWorld {
  readonly aws: AwsClients;
  readonly topology: Topology;
  readonly proxy: FaultProxy;
  /** A fresh run; `seed` restarts the proxy's random source. */
  begin(scenario: string, options?: { seed?: number }): Promise<FaultRun>;
  close(): Promise<void>;
}

/**
 * Delete every item of a table, then check that a consistent scan finds none. Only called while nothing
 * else writes (the proxy idle, every invocation of the previous run ended: the proxy cuts off anything
 * an abandoned invocation still sends), so the table is empty when the run starts.
 */
const emptyTable = async (dynamodb: DynamoDBClient, TableName: string): Promise<void> => {
  const keys = (
    (await dynamodb.send(new DescribeTableCommand({ TableName }))).Table?.KeySchema ?? []
  ).map((key) => key.AttributeName ?? '');
  const ExpressionAttributeNames = Object.fromEntries(keys.map((key, i) => [`#k${i}`, key]));
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({
        TableName,
        ConsistentRead: true,
        ProjectionExpression: Object.keys(ExpressionAttributeNames).join(', '),
        ExpressionAttributeNames,
        ExclusiveStartKey,
      }),
    );
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      while (requests.length > 0) {
        const { UnprocessedItems } = await dynamodb.send(
          new BatchWriteItemCommand({ RequestItems: { [TableName]: requests } }),
        );
        requests = (UnprocessedItems?.[TableName] ?? []) as typeof requests;
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  const left = await dynamodb.send(
    new ScanCommand({ TableName, ConsistentRead: true, Select: 'COUNT' }),
  );
  if ((left.Count ?? 0) > 0 || left.LastEvaluatedKey !== undefined)
    throw new Error(`table ${TableName} still holds items after it was emptied`);
};

/** Keep the evidence of a violation: the whole history, as JSON, in the temporary directory. */
const dumpHistory = (scenario: string, history: object): string => {
  const dir = mkdtempSync(join(tmpdir(), 'routekeeper-faults-history-'));
  const path = join(dir, `${scenario.replace(/[^a-z0-9]+/gi, '-')}.json`);
  writeFileSync(path, JSON.stringify(history, null, 1));
  return path;
};

/**
 * One world per test file: moto reset, the stack deployed (once: its names are fixed), topology built,
 * proxy started, functions pointed at the proxy.
 */
export const openWorld = async (
  file: string,
  options: { seed: number; routeTables?: number },
): Promise<FaultWorld> => {
  await resetEmulator();
  const stack = await deployedStack();
  const tables = stackTables(stack);
  const aws = clients();
  const topology = await buildTopology(aws.ec2, { routeTables: options.routeTables ?? 2 });
  const proxy = await startFaultProxy({ target: motoUrl(), seed: options.seed });
  // buildDeps passes the env's AWS_ENDPOINT_URL to its clients; anything that reads the process
  // environment instead must reach the proxy too, never the emulator directly.
  process.env.AWS_ENDPOINT_URL = proxy.url;
  const configPath = writeConfig(topologyConfig(topology));
  const enis = new Map(topology.nodes.map((node) => [node.name, node.eniId]));
  const eni = (node: string) => enis.get(node) ?? `unknown-node-${node}`;
  const node1 = eni('node1');
  // The deployed functions' environment (tables, bus, settings), reaching AWS through the proxy, with
  // the suite's compressed time scale.
  const env = {
    ...process.env,
    ...stackEnvironment(stack),
    AWS_ENDPOINT_URL: proxy.url,
    ROUTEKEEPER_CONFIG: configPath,
    VERIFY_BUDGET_MS: '1000',
    // The function stops itself (retryable) shortly before the compressed 3 s timeout: the time scale
    // keeps no room for AWS's 2 s, and a loaded test machine needs what there is for the work.
    STOP_BEFORE_TIMEOUT_MS: '100',
  };

  const begin = async (scenario: string, runOptions: { seed?: number } = {}): Promise<FaultRun> => {
    // Requests an abandoned invocation of the previous run sent before it ended must land first.
    await proxy.idle();
    proxy.reset(runOptions.seed);
    // The stack is deployed once per world, so each run starts from its tables emptied (not new ones):
    // every item of each deployed table is deleted and a consistent scan confirms none is left, before
    // anything of this run is delivered. Nothing else writes meanwhile (see emptyTable).
    await Promise.all(Object.values(tables).map((table) => emptyTable(aws.dynamodb, table)));
    // Only the events this run publishes: the reader skips what earlier runs left in the event log.
    const eventLog = await eventLogReader(aws.logs, stack.eventLog);
    await Promise.all(
      topology.routeTables.map((RouteTableId) =>
        aws.ec2.send(
          new ReplaceRouteCommand({
            RouteTableId,
            DestinationCidrBlock: `${VIP}/32`,
            NetworkInterfaceId: node1,
          }),
        ),
      ),
    );
    const initialTargets = await vipTargets(aws.ec2, topology.routeTables);
    const newContainer = (): Invoke => instrument(makeHandler(buildDeps(env)));
    const claims = new Map<string, ClaimOf>();
    let planned = 0;

    const claim = (node: string, orderToken: number): PlannedEvent => {
      const id = `${node}@${orderToken}`;
      claims.set(id, { key: RECORD_KEY, node, eni: eni(node), orderToken });
      return { id, event: { ...switchRequestEvent({ node, orderToken }), id } };
    };

    const readRecord = async () => {
      const item = (
        await DynamoDBDocumentClient.from(aws.dynamodb).send(
          new GetCommand({
            TableName: tables.state,
            Key: { pk: RECORD_KEY },
            ConsistentRead: true,
          }),
        )
      ).Item;
      return item === undefined
        ? undefined
        : {
            owner: String(item.owner),
            eni: String(item.eni),
            orderToken: Number(item.orderToken),
            phase: String(item.phase),
          };
    };

    return {
      tables,
      proxy,
      topology,
      eni,
      claim,
      finished: (planned) =>
        proxy.seen(
          (call) =>
            call.operation === 'PutEvents' &&
            call.clientStatus === 200 &&
            call.invocation?.startsWith(`${planned.id}/`) === true,
        ),
      deliver: (plan, deliveryOptions = {}) => {
        planned += plan.length;
        return deliver(plan, { ...deliveryOptions, newContainer });
      },
      settle: async (logs, settleOptions = {}) => {
        await proxy.idle();
        const readState = async () => {
          const [record, targets] = await Promise.all([
            readRecord(),
            vipTargets(aws.ec2, topology.routeTables),
          ]);
          return { record, targets };
        };
        const excluded = new Set(settleOptions.excludedTables ?? []);
        const before = await readState();
        const drifted =
          before.record !== undefined &&
          topology.routeTables.some(
            (id) => !excluded.has(id) && before.targets[id] !== before.record?.eni,
          );
        // What the drift check in repair mode does: ask routeSwitch to apply the recorded claim again.
        const repairLogs: DeliveryLog[] = [];
        if (drifted && before.record !== undefined) {
          proxy.setRules([]);
          const { owner, orderToken } = before.record;
          const id = `repair:${owner}@${orderToken}`;
          claims.set(id, { key: RECORD_KEY, node: owner, eni: eni(owner), orderToken });
          const event = {
            ...switchRequestEvent({
              node: owner,
              orderToken,
              reason: 'repair',
              idempotencyKey: `repair#${RECORD_KEY}#${owner}#${orderToken}`,
            }),
            id,
          };
          planned += 1;
          repairLogs.push(
            await deliver([{ eventId: id, copy: 0, atMs: 0, event }], { newContainer }),
          );
          await proxy.idle();
        }
        const { record, targets } = drifted ? await readState() : before;
        const all = [...logs, ...repairLogs];
        const log: DeliveryLog = {
          invocations: all.flatMap((l) => l.invocations),
          deliveries: all.flatMap((l) => l.deliveries),
          deadLetters: all.flatMap((l) => l.deadLetters),
        };
        const calls = [...proxy.calls];
        const report = checkInvariants({
          stateTable: tables.state,
          claims,
          planned,
          log,
          calls,
          vips: [
            {
              key: RECORD_KEY,
              managedTables: topology.routeTables,
              excludedTables: [...excluded],
              initialTargets,
              finalTargets: targets,
              record,
            },
          ],
        });
        const writes = routeWrites(calls);
        const historyFile =
          report.violations.length === 0 && !drifted
            ? undefined
            : dumpHistory(scenario, {
                report,
                before,
                record,
                targets,
                initialTargets,
                log,
                calls,
              });
        recordRun(file, {
          scenario,
          events: new Set(log.deliveries.map((d) => d.eventId)).size,
          deliveries: log.deliveries.length,
          invocations: log.invocations.length,
          deadLettered: log.deadLetters.length,
          repairs: repairLogs.length,
          routeWrites: writes.length,
          faults: proxy.faults(),
          checks: report.checks,
          violations: report.violations.length,
        });
        return { report, log, writes, record, targets, drifted, historyFile };
      },
      // moto 5 writes to a rule's log-group target inside PutEvents, before it answers; settle has
      // waited for every PutEvents of the run to be answered, so whatever was published is logged.
      published: async () =>
        (await eventLog.next())
          .filter((e) => e['detail-type'] === COMPLETED || e['detail-type'] === FAILED)
          .map((e) => ({ detailType: e['detail-type'], detail: e.detail })),
    };
  };

  return {
    aws,
    topology,
    proxy,
    begin,
    close: async () => {
      await proxy.close();
    },
  };
};

/** Deliver events one after another, `gapMs` apart, in the given order: a hand-written plan. */
export const inOrder = (events: readonly PlannedEvent[], gapMs: number): Delivery[] =>
  events.map(({ id, event }, i) => ({
    eventId: id,
    copy: events.slice(0, i).filter((earlier) => earlier.id === id).length,
    atMs: i * gapMs,
    event,
  }));
