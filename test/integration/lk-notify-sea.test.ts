/**
 * lk-notify as the single executable a node runs (`npm run build:lk-notify`, built here by the same code
 * into dist/): the Linux executable as a real process against the emulator, with the heartbeat and
 * routeSwitch handlers in-process processing what it puts on the bus, so `failover --wait` and `check`
 * see real route tables move. The Windows executable is built too and checked by its format.
 */
import { readFileSync } from 'node:fs';
import { AssociateVpcCidrBlockCommand, ReplaceRouteCommand } from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER, REGION, VIP } from '../../dev/guide';
import { type ProcessResult, runProcess } from '../../dev/lk-notify';
import {
  type BuildResult,
  buildLkNotify,
  SEA_FUSE,
  SEA_NODE_VERSION,
} from '../../dev/lk-notify-sea';
import { vipTargets } from '../../dev/topology';
import { motoUrl } from '../support/emulator';
import { nodeKeyFile } from '../support/lk-notify-process';
import { eventFromEntry } from '../support/lkrc';
import {
  BUS,
  type CapturedEvent,
  drain,
  type SignedWorld,
  signedWorld,
} from '../support/signed-world';
import { stalledServers } from '../support/stalled-server';

let built: BuildResult;
beforeAll(async () => {
  // A fresh clone fetches the Node binaries once (about 90 MB from the npm registry) and injects both
  // executables; afterwards the cache and the blob hash make this a few seconds.
  built = await buildLkNotify();
}, 600_000);

const exe = () => built.executables.linux as string;

/** The executable as LifeKeeper's script runs it: identity from flags, the emulator as every endpoint. */
const lkNotify = (
  world: SignedWorld | undefined,
  node: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ProcessResult> => {
  const eni = world?.topology.nodes.find((n) => n.name === node)?.eniId;
  return runProcess(
    exe(),
    [
      ...args,
      '--cluster',
      CLUSTER,
      '--node',
      node,
      '--bus',
      BUS,
      '--region',
      REGION,
      '--key-file',
      nodeKeyFile(node),
      '--no-imds',
      ...(world === undefined
        ? []
        : [
            '--eni',
            eni as string,
            '--vpc-id',
            world.topology.vpcA,
            '--state-table',
            world.tables.state,
          ]),
    ],
    { AWS_ENDPOINT_URL: motoUrl(), AWS_REGION: REGION, ...env },
    { timeoutMs: 90_000 },
  );
};

/** The bus and both functions, in a loop: whatever the node puts on the bus is processed until `done`. */
const processClaimsUntil = async (world: SignedWorld, done: Promise<unknown>) => {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  const outcomes: string[] = [];
  while (!finished) {
    for (const event of await drain(world.aws.sqs, world.nodeQueue)) await world.heartbeat(event);
    for (const request of await drain(world.aws.sqs, world.switchQueue)) {
      outcomes.push((await world.routeSwitch(request)).kind);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return outcomes;
};

/** The next node event on the bus (a process just started may take a few seconds under load). */
const nextNodeEvent = async (world: SignedWorld): Promise<CapturedEvent> => {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const [event, ...more] = await drain(world.aws.sqs, world.nodeQueue, 1);
    expect(more).toEqual([]);
    if (event !== undefined) return event;
  }
  throw new Error('no node event on the bus within 30 s');
};

const targets = async (world: SignedWorld) =>
  Object.values(await vipTargets(world.aws.ec2, world.topology.routeTables));

describe('the lk-notify executable (Linux x64, Node.js SEA)', () => {
  it('prints its help and version with no runtime installed and no warning block', async () => {
    // Act
    const help = await runProcess(exe(), ['--help']);
    const version = await runProcess(exe(), ['--version']);
    // Assess
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('lk-notify failover  --vip <ip> [--wait]');
    expect(version.stdout).toMatch(/^lk-notify \d+\.\d+\.\d+\n$/);
    expect(`${help.stderr}${version.stderr}`).toBe('');
  });

  it('--dry-run prints an array of entries, as `aws events put-events --entries` takes it, that routekeeper accepts', async () => {
    // Prepare
    const world = await signedWorld();
    // Act
    const printed = await lkNotify(undefined, 'node2', ['failover', '--vip', VIP, '--dry-run']);
    const entries = JSON.parse(printed.stdout);
    const ingested = await world.heartbeat(eventFromEntry(entries[0]));
    // Assess
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stderr).toBe('');
    expect(entries).toHaveLength(1);
    expect(Object.keys(entries[0]).sort()).toEqual([
      'Detail',
      'DetailType',
      'EventBusName',
      'Source',
    ]);
    expect(ingested).toMatchObject({ kind: 'FailoverRequested', node: 'node2' });
  });
});

describe('failover --wait: restore learns whether the routes moved', () => {
  it('exits 0 once every managed table routes the VIP to this node, and says so on stderr', async () => {
    // Prepare
    const world = await signedWorld();
    const [node1, node2] = world.topology.nodes;
    expect(await targets(world)).toEqual([node1?.eniId, node1?.eniId]);
    // Act
    const run = lkNotify(world, 'node2', ['failover', '--vip', VIP, '--wait']);
    const outcomes = await processClaimsUntil(world, run);
    const result = await run;
    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(outcomes).toEqual(['Switched']);
    expect(await targets(world)).toEqual([node2?.eniId, node2?.eniId]);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toMatchObject([
      { sent: true, type: 'failover' },
      { confirmed: true, vip: VIP, tables: [...(world.topology.routeTables as string[])].sort() },
    ]);
    expect(result.stderr).toMatch(
      /lk-notify: wait [\d.]+ s: every managed table .* routes the VIP here/,
    );
    expect(result.stderr).not.toMatch(/warning|NodeVersion/i);
  });

  it("exits 10 with routekeeper's reason when routeSwitch refuses the claim (VIP inside the VPC CIDR)", async () => {
    // Prepare
    const world = await signedWorld();
    const [node1] = world.topology.nodes;
    await world.aws.ec2.send(
      new AssociateVpcCidrBlockCommand({ VpcId: world.topology.vpcA, CidrBlock: '10.1.0.0/16' }),
    );
    // Act
    const run = lkNotify(world, 'node2', [
      'failover',
      '--vip',
      VIP,
      '--wait',
      '--wait-timeout',
      '30',
    ]);
    const outcomes = await processClaimsUntil(world, run);
    const result = await run;
    // Assess
    expect(outcomes).toEqual(['Refused']);
    expect(result.code, result.stderr).toBe(10);
    expect(result.stderr).toContain(
      `routekeeper refused the claim: Refused: VipInsideVpc: ${VIP} lies inside the VPC CIDR 10.1.0.0/16`,
    );
    expect(result.ms).toBeLessThan(25_000);
    expect(await targets(world)).toEqual([node1?.eniId, node1?.eniId]);
  });

  it('exits 9 when a newer claim from the other node wins', async () => {
    // Prepare: node2 claims and waits; before routekeeper sees it, node1 claims later.
    const world = await signedWorld();
    const [node1] = world.topology.nodes;
    const run = lkNotify(world, 'node2', [
      'failover',
      '--vip',
      VIP,
      '--wait',
      '--wait-timeout',
      '30',
    ]);
    const older = await nextNodeEvent(world);
    const newer = await lkNotify(world, 'node1', ['failover', '--vip', VIP]);
    const newest = await nextNodeEvent(world);
    // Act: routekeeper gets the newer claim first, then the older one.
    const outcomes: string[] = [];
    expect([older.source, newest.source]).toEqual([
      `lifekeeper.${CLUSTER}.node2`,
      `lifekeeper.${CLUSTER}.node1`,
    ]);
    for (const claim of [newest, older]) {
      await world.heartbeat(claim);
      for (const request of await drain(world.aws.sqs, world.switchQueue, 1)) {
        outcomes.push((await world.routeSwitch(request)).kind);
      }
    }
    const result = await run;
    // Assess
    expect(newer.code, newer.stderr).toBe(0);
    expect(outcomes).toEqual(['AlreadyInPlace', 'RejectedStale']);
    expect(result.code, result.stderr).toBe(9);
    expect(result.stderr).toMatch(/a newer claim holds the VIP: .*node1/);
    expect(await targets(world)).toEqual([node1?.eniId, node1?.eniId]);
  });

  it('exits 8 when the routes do not point here within --wait-timeout (nothing processes the claim)', async () => {
    // Prepare
    const world = await signedWorld();
    const [node1] = world.topology.nodes;
    // Act
    const result = await lkNotify(world, 'node2', [
      'failover',
      '--vip',
      VIP,
      '--wait',
      '--wait-timeout',
      '3',
    ]);
    // Assess
    expect(result.code, result.stderr).toBe(8);
    expect(result.stderr).toContain(
      `the routes did not point here within 3 s (--wait-timeout): not here:`,
    );
    expect(result.stderr).toContain(`→ ${node1?.eniId}`);
    expect(result.ms).toBeLessThan(10_000);
  });

  it('exits 11 ("API unreachable") within its budget when EC2 accepts connections and never answers', async () => {
    // Prepare: the bus answers (the claim is delivered); EC2 is a stalled endpoint.
    const world = await signedWorld();
    const ec2 = await stalled();
    // Act
    const result = await lkNotify(
      world,
      'node2',
      ['failover', '--vip', VIP, '--wait', '--wait-timeout', '4'],
      { AWS_ENDPOINT_URL_EC2: ec2.url },
    );
    // Assess
    expect(result.code, result.stderr).toBe(11);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ sent: true, type: 'failover' });
    expect(result.stderr).toContain('could not be read within 4 s');
    expect(result.ms).toBeLessThan(8_000);
    expect(ec2.requests()).toBeGreaterThan(0);
  });
});

const stalled = stalledServers();

describe('check: quickCheck learns whether the routes point here', () => {
  it('passes and sends the heartbeat on correct routes; a route pointed elsewhere by hand gives 12; recover restores it', async () => {
    // Prepare: node2 owns the VIP.
    const world = await signedWorld();
    const [node1, node2] = world.topology.nodes;
    const restore = lkNotify(world, 'node2', ['failover', '--vip', VIP, '--wait']);
    await processClaimsUntil(world, restore);
    expect((await restore).code).toBe(0);
    // Act 1: quickCheck on correct routes.
    const healthy = await lkNotify(world, 'node2', ['check', '--vip', VIP]);
    const beat = await nextNodeEvent(world);
    // Act 2: someone points one table back to node1.
    const [first] = world.topology.routeTables;
    await world.aws.ec2.send(
      new ReplaceRouteCommand({
        RouteTableId: first,
        DestinationCidrBlock: `${VIP}/32`,
        NetworkInterfaceId: node1?.eniId,
      }),
    );
    const broken = await lkNotify(world, 'node2', ['check', '--vip', VIP]);
    const beatsWhileBroken = await drain(world.aws.sqs, world.nodeQueue);
    // Act 3: LifeKeeper runs recover: claim again and wait.
    const recover = lkNotify(world, 'node2', ['failover', '--vip', VIP, '--wait']);
    await processClaimsUntil(world, recover);
    const recovered = await recover;
    const after = await lkNotify(world, 'node2', ['check', '--vip', VIP]);
    // Assess
    expect(healthy.code, healthy.stderr).toBe(0);
    expect(beat).toMatchObject({
      'detail-type': 'LifeKeeper Heartbeat',
      source: `lifekeeper.${CLUSTER}.node2`,
    });
    expect(broken.code, broken.stderr).toBe(12);
    expect(broken.stderr).toContain(`not here: ${first} → ${node1?.eniId}`);
    expect(beatsWhileBroken).toEqual([]);
    expect(recovered.code, recovered.stderr).toBe(0);
    expect(await targets(world)).toEqual([node2?.eniId, node2?.eniId]);
    expect(after.code, after.stderr).toBe(0);
  });

  it('gives 11, not 12, when EC2 cannot be reached, within --timeout', async () => {
    // Prepare
    const world = await signedWorld();
    const ec2 = await stalled();
    // Act
    const result = await lkNotify(world, 'node2', ['check', '--vip', VIP, '--timeout', '3'], {
      AWS_ENDPOINT_URL_EC2: ec2.url,
    });
    // Assess
    expect(result.code, result.stderr).toBe(11);
    expect(result.stderr).toContain('check: cannot read the route tables');
    expect(result.ms).toBeLessThan(7_000);
    expect(await drain(world.aws.sqs, world.nodeQueue)).toEqual([]);
  });
});

describe('the lk-notify executable (Windows x64)', () => {
  it('is a PE32+ x64 executable carrying the SEA blob, with the fuse set', () => {
    // Prepare
    const file = readFileSync(built.executables.win as string);
    // Act
    const peOffset = file.readUInt32LE(0x3c);
    const machine = file.readUInt16LE(peOffset + 4);
    const optionalMagic = file.readUInt16LE(peOffset + 24);
    // Assess
    expect(file.subarray(0, 2).toString('latin1')).toBe('MZ');
    expect(file.subarray(peOffset, peOffset + 4)).toEqual(Buffer.from('PE\0\0', 'latin1'));
    expect(machine).toBe(0x8664);
    expect(optionalMagic).toBe(0x20b);
    // The resource postject adds (its name is stored in UTF-16LE), the fuse flipped to 1, and the bundle inside.
    expect(file.includes(Buffer.from('NODE_SEA_BLOB', 'utf16le'))).toBe(true);
    expect(file.includes(Buffer.from(`${SEA_FUSE}:1`))).toBe(true);
    expect(file.includes(Buffer.from(`${SEA_FUSE}:0`))).toBe(false);
    expect(file.includes(readFileSync(built.cjs).subarray(0, 4096))).toBe(true);
    expect(file.includes(Buffer.from(`v${SEA_NODE_VERSION}`))).toBe(true);
  });

  it('has the Linux executable carrying the same blob', () => {
    // Prepare
    const file = readFileSync(exe());
    // Assess
    expect(file.subarray(0, 4)).toEqual(Buffer.from('\x7fELF', 'latin1'));
    expect(file.includes(Buffer.from(`${SEA_FUSE}:1`))).toBe(true);
    expect(built.sizes[exe()]).toBeGreaterThan(50 * 1024 * 1024);
  });
});
