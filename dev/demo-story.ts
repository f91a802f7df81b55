/**
 * The demo's story (`npm run demo`, and test/integration/demo.test.ts): routekeeper doing its whole job
 * against an AWS emulator. Nothing is mocked: the Lambda handlers run in-process against the emulator
 * through the real SDK, node events are signed and sent by the real lk-notify (the single-file bundle, as a
 * process), and events travel between functions through the emulator's EventBridge bus (a rule with an SQS
 * target per function). Each step checks what it did; the story returns the steps and their verdicts.
 */

import { DeleteRouteCommand, ReplaceRouteCommand } from '@aws-sdk/client-ec2';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { VIP } from './guide';
import { buildBundle } from './lk-notify';
import { generateNodeKey, keyDocument } from './node-keys';
import {
  allRoutesOn,
  deliverNodeEvents,
  deliverSwitchRequests,
  doctorVerdict,
  lkNotify,
  openScenario,
  runDoctor,
  type Scenario,
  vipTargetsOf,
} from './scenario';
import { drain } from './topology';

export interface Step {
  readonly name: string;
  readonly ms: number;
  /** What went wrong, or undefined when the step did what it should. */
  readonly problem: string | undefined;
}

export interface DemoRun {
  readonly steps: Step[];
  readonly scenario: Scenario;
}

/**
 * Play the story on the emulator at `endpoint`; `print` receives every line the demo shows, `steps` each
 * step as it ends (so a caller still has them when a later step throws).
 */
export const playDemo = async (
  endpoint: string,
  print: (line: string) => void = () => undefined,
  steps: Step[] = [],
): Promise<DemoRun> => {
  const say = (line: string) => print(`  ${line}`);
  const step = async <T>(
    name: string,
    run: () => Promise<T>,
    check: (value: T) => string | undefined = () => undefined,
  ): Promise<T> => {
    print(`\n▶ ${name}`);
    const started = performance.now();
    const value = await run();
    const ms = performance.now() - started;
    const problem = check(value);
    steps.push({ name, ms, problem });
    print(problem === undefined ? `  ✓ done in ${ms.toFixed(0)} ms` : `  ✗ ${problem}`);
    return value;
  };

  const keys = { node1: generateNodeKey('node1'), node2: generateNodeKey('node2') };
  const { scenario, bundle } = await step(
    "0. deploy routekeeper's packaged stack (tables, bus, rules), build the guide's topology (TGW + attachment + static VIP route, VPC A with node1/node2 in two AZs, VPC B with the same VIP), keys",
    async () => ({
      scenario: await openScenario(endpoint, {
        cluster: {
          driftMode: 'repair',
          // A heartbeat's "clock skew" is receive time minus signed time. Here a heartbeat reaches the function
          // through a node process start and the local runner's queue poll, seconds on a loaded machine, not
          // EventBridge's sub-second delivery: the demo allows for it (the default, 2 s, suits AWS).
          thresholds: { repairGraceSeconds: 1, clockSkewMaxMs: 10_000 },
          signing: {
            publicKeys: Object.entries(keys).map(([node, key]) => ({
              kid: key.kid,
              node,
              publicKey: key.publicKey,
            })),
          },
        },
      }),
      bundle: await buildBundle(),
    }),
  );
  say(
    `node keys: Ed25519, generated now (${Object.values(keys)
      .map((k) => k.kid)
      .join(', ')}); routekeeper holds only the public keys`,
  );
  const { topology, aws } = scenario;
  const [node1, node2] = topology.nodes as [
    (typeof topology.nodes)[number],
    (typeof topology.nodes)[number],
  ];
  const other = topology.otherVpcRouteTable;

  const send = async (node: 'node1' | 'node2', args: readonly string[]) => {
    const key = keys[node];
    const result = await lkNotify(scenario, bundle, node, keyDocument(key), args);
    if (result.code !== 0)
      throw new Error(`lk-notify ${args[0]} exited ${result.code}: ${result.stderr}`);
    return result;
  };
  const otherVpcUntouched = async () =>
    (await vipTargetsOf(scenario, [other]))[other] === topology.otherVpcEni;
  const printTables = async (title: string) => {
    const tables = [...topology.routeTables, other];
    const targets = await vipTargetsOf(scenario, tables);
    const name = (eni: string) =>
      topology.nodes.find((n) => n.eniId === eni)?.name ??
      (eni === topology.otherVpcEni ? 'VPC B host' : eni);
    say(`${title}:`);
    for (const table of tables) {
      const vpc = table === other ? 'VPC B, not managed' : 'VPC A';
      say(`  ${table}  ${VIP}/32 → ${targets[table]}  (${name(targets[table] ?? '')}, ${vpc})`);
    }
  };
  const doctor = async (full: boolean) => {
    const lines = (await runDoctor(scenario)).trimEnd().split('\n');
    const brief = lines.filter(
      (line, i) => line.includes('✗') || lines[i - 1]?.includes('✗') || line.startsWith('Summary'),
    );
    for (const line of full ? lines : brief) say(line);
    return doctorVerdict(scenario);
  };

  await step(
    '   doctor before the story: no heartbeat and no owner yet (unknown), and VPC B holds the same VIP (a conflict, reported)',
    () => doctor(false),
  );
  await printTables('route tables before');

  await step(
    '1. both nodes send signed heartbeats (lk-notify); node1 holds the VIP → bootstrap: node1 owns it',
    async () => {
      await send('node1', ['heartbeat', '--vip', VIP]);
      await send('node2', ['heartbeat']);
      const ingested = await deliverNodeEvents(scenario, 2);
      const switched = await deliverSwitchRequests(scenario, 1);
      say(`heartbeat function: ${ingested.map((o) => o.kind).join(', ')}`);
      say(`routeSwitch: ${switched.map((o) => o.kind).join(', ')} (reason bootstrap)`);
      return { ingested, switched, onNode1: await allRoutesOn(scenario, node1.eniId) };
    },
    (r) =>
      r.ingested.length === 2 && r.switched[0]?.kind === 'AlreadyInPlace' && r.onNode1
        ? undefined
        : `unexpected: ${JSON.stringify(r)}`,
  );

  // node1's own claim from before it failed, signed now but delivered late (step 3).
  const [delayed] = JSON.parse(
    (await send('node1', ['failover', '--vip', VIP, '--dry-run'])).stdout,
  );
  await new Promise((resolve) => setTimeout(resolve, 5));

  await step(
    '2. node1 fails; node2 claims the VIP: lk-notify → bus → heartbeat → Route Switch Requested → routeSwitch',
    async () => {
      await send('node2', ['failover', '--vip', VIP]);
      const ingested = await deliverNodeEvents(scenario, 1);
      const switched = await deliverSwitchRequests(scenario, 1);
      say(`heartbeat function: ${ingested.map((o) => o.kind).join(', ')}`);
      say(`routeSwitch: ${switched.map((o) => o.kind).join(', ')}`);
      return {
        switched,
        onNode2: await allRoutesOn(scenario, node2.eniId),
        untouched: await otherVpcUntouched(),
      };
    },
    (r) =>
      r.switched[0]?.kind !== 'Switched'
        ? `routeSwitch ended ${r.switched[0]?.kind}`
        : !r.onNode2
          ? 'a managed table is not on node2'
          : r.untouched
            ? undefined
            : 'VPC B was modified',
  );
  await printTables('route tables after the failover');

  await step(
    "3. a delayed copy of node1's older claim arrives → rejected as stale, routes unchanged",
    async () => {
      await aws.events.send(new PutEventsCommand({ Entries: [delayed] }));
      const ingested = await deliverNodeEvents(scenario, 1);
      const switched = await deliverSwitchRequests(scenario, 1);
      say(
        `heartbeat function: ${ingested.map((o) => o.kind).join(', ')} (signature valid, inside the window)`,
      );
      say(
        `routeSwitch: ${switched.map((o) => `${o.kind} (${'detail' in o ? o.detail : ''})`).join(', ')}`,
      );
      return { switched, onNode2: await allRoutesOn(scenario, node2.eniId) };
    },
    (r) =>
      r.switched[0]?.kind === 'RejectedStale' && r.onNode2
        ? undefined
        : `unexpected: ${JSON.stringify(r)}`,
  );

  await step(
    '4. a tampered claim arrives (a node1 claim whose signed time was altered) → rejected, routes unchanged',
    async () => {
      const forged = await send('node1', ['failover', '--vip', VIP, '--dry-run']);
      const [entry] = JSON.parse(forged.stdout);
      const detail = JSON.parse(entry.Detail);
      // The forger moves the claim by a millisecond (to win the fence), keeping the JSON valid.
      const claim = JSON.parse(Buffer.from(detail.body, 'base64url').toString('utf8'));
      claim.claimedAt += claim.claimedAt % 1000 === 999 ? -1 : 1;
      detail.body = Buffer.from(JSON.stringify(claim)).toString('base64url');
      await aws.events.send(
        new PutEventsCommand({ Entries: [{ ...entry, Detail: JSON.stringify(detail) }] }),
      );
      const ingested = await deliverNodeEvents(scenario, 1);
      const switched = await drain(aws.sqs, scenario.queues.switches);
      const reasons = ingested.map((o) => ('reason' in o ? o.reason : undefined));
      say(
        `heartbeat function: ${ingested.map((o, i) => `${o.kind} ${reasons[i] ?? ''}`).join(', ')}`,
      );
      say(`route switch requests published: ${switched.length}`);
      return { reasons, switched, onNode2: await allRoutesOn(scenario, node2.eniId) };
    },
    (r) =>
      r.reasons[0] === 'BadSignature' && r.switched.length === 0 && r.onNode2
        ? undefined
        : `unexpected: ${JSON.stringify(r.reasons)}`,
  );

  await step(
    '5. someone points a route back to node1 by hand → drift finds it → repair restores node2',
    async () => {
      const [table] = topology.routeTables as [string];
      await aws.ec2.send(
        new ReplaceRouteCommand({
          RouteTableId: table,
          DestinationCidrBlock: `${VIP}/32`,
          NetworkInterfaceId: node1.eniId,
        }),
      );
      say(`${table} now → ${node1.eniId} (node1)`);
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // the repair grace window (1 s here)
      const summary = await scenario.drift();
      const repaired = await deliverSwitchRequests(scenario, 1);
      say(
        `drift: ${summary.fail} failed, ${summary.unknown} unknown, ${summary.repairs} repair requested`,
      );
      say(`routeSwitch: ${repaired.map((o) => o.kind).join(', ')} (reason repair)`);
      return {
        summary,
        repaired,
        onNode2: await allRoutesOn(scenario, node2.eniId),
        untouched: await otherVpcUntouched(),
      };
    },
    (r) =>
      r.summary.repairs === 1 && r.repaired[0]?.kind === 'Switched' && r.onNode2 && r.untouched
        ? undefined
        : `unexpected: ${JSON.stringify({ repairs: r.summary.repairs, repaired: r.repaired })}`,
  );

  await step(
    "6. the operator follows doctor's fix for the VPC B conflict (routekeeper never touches VPC B); closing doctor is green",
    async () => {
      await aws.ec2.send(
        new DeleteRouteCommand({ RouteTableId: other, DestinationCidrBlock: `${VIP}/32` }),
      );
      say(`operator: removed ${VIP}/32 from ${other} (VPC B), as the guide advises`);
      // Each heartbeat is delivered as soon as it is sent: doctor reads the delay as the node's clock skew.
      await send('node2', ['heartbeat', '--vip', VIP]);
      await deliverNodeEvents(scenario, 1);
      await send('node1', ['heartbeat']);
      await deliverNodeEvents(scenario, 1);
      return doctor(true);
    },
    (r) =>
      r.failed === 0 && r.unknown.every((u) => u.includes('TgwRouteTargetUnobservable'))
        ? undefined
        : `doctor: ${r.failed} failed (${r.results
            .filter((x) => x.outcome === 'fail')
            .map((x) => `${x.check} ${x.code}`)
            .join('; ')}), unknown: ${r.unknown.join('; ')}`,
  );
  await printTables('route tables at the end');
  return { steps, scenario };
};
