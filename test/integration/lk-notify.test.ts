/**
 * The whole path on the emulator, nothing mocked: `lk-notify` (the single-file bundle, a real process) →
 * PutEvents to the routekeeper bus → a rule with an SQS target captures the node's event → the heartbeat
 * handler verifies it (keys from SSM) → its `Route Switch Requested` is captured the same way → the
 * routeSwitch handler → the route tables as EC2 reports them. And the same with a tampered event.
 */
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLUSTER, REGION, VIP } from '../../dev/guide';
import { vipTargets } from '../../dev/topology';
import { buildBundle, fakeImds, nodeKeyFile, runBundle } from '../support/lk-notify-process';
import { eventFromEntry } from '../support/lkrc';
import { BUS, drain, type SignedWorld, signedWorld } from '../support/signed-world';

let bundle: string;
beforeAll(async () => {
  bundle = await buildBundle();
});

const cli = (world: SignedWorld, node: string, args: string[], extra: string[] = ['--no-imds']) =>
  runBundle(
    bundle,
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
      ...extra,
    ],
    world.cliEnv,
  );

const targetsOf = async (world: SignedWorld) =>
  Object.values(await vipTargets(world.aws.ec2, world.topology.routeTables));

describe('lk-notify → bus → heartbeat → Route Switch Requested → routeSwitch', () => {
  let world: SignedWorld;
  beforeEach(async () => {
    world = await signedWorld();
  });

  it('moves the VIP routes to node2 after node2 posts a failover claim', async () => {
    // Prepare
    const [node1, node2] = world.topology.nodes;
    expect(await targetsOf(world)).toEqual([node1?.eniId, node1?.eniId]);
    // Act
    const sent = await cli(world, 'node2', ['failover', '--vip', VIP]);
    const [claim, ...moreClaims] = await drain(world.aws.sqs, world.nodeQueue, 1);
    const ingested = await world.heartbeat(claim);
    const [request, ...moreRequests] = await drain(world.aws.sqs, world.switchQueue, 1);
    const switched = await world.routeSwitch(request);
    // Assess
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ sent: true, type: 'failover', attempts: 1 });
    expect(moreClaims).toEqual([]);
    expect(claim).toMatchObject({
      source: `lifekeeper.${CLUSTER}.node2`,
      'detail-type': 'LifeKeeper Failover',
    });
    expect(ingested).toMatchObject({ kind: 'FailoverRequested', node: 'node2', vip: VIP });
    expect(moreRequests).toEqual([]);
    expect(request?.detail).toMatchObject({
      node: 'node2',
      vip: VIP,
      reason: 'failover',
      orderToken: (ingested as { orderToken: number }).orderToken,
    });
    expect(switched.kind).toBe('Switched');
    expect(await targetsOf(world)).toEqual([node2?.eniId, node2?.eniId]);
  });

  it('changes no route when the captured claim was tampered with', async () => {
    // Prepare
    const [node1] = world.topology.nodes;
    await cli(world, 'node2', ['failover', '--vip', VIP]);
    const [claim] = await drain(world.aws.sqs, world.nodeQueue, 1);
    const detail = claim?.detail as { body: string };
    const text = Buffer.from(detail.body, 'base64url').toString();
    const tampered = structuredClone(claim);
    (tampered?.detail as { body: string }).body = Buffer.from(
      text.replace(`"${VIP}"`, '"10.1.0.10/32"'),
    ).toString('base64url');
    // Act
    const ingested = await world.heartbeat(tampered);
    // Assess
    expect(ingested).toMatchObject({ kind: 'Rejected', reason: 'BadSignature' });
    expect(await drain(world.aws.sqs, world.switchQueue)).toEqual([]);
    expect(await targetsOf(world)).toEqual([node1?.eniId, node1?.eniId]);
  });

  it('applies a redelivered claim once: the replay is a Duplicate and requests no second switch', async () => {
    // Prepare
    await cli(world, 'node2', ['failover', '--vip', VIP]);
    const [claim] = await drain(world.aws.sqs, world.nodeQueue, 1);
    // Act
    const first = await world.heartbeat(structuredClone(claim));
    const replay = await world.heartbeat(structuredClone(claim));
    // Assess
    expect(first.kind).toBe('FailoverRequested');
    expect(replay).toMatchObject({ kind: 'Rejected', reason: 'Duplicate' });
    expect(await drain(world.aws.sqs, world.switchQueue, 1)).toHaveLength(1);
  });

  it('records a heartbeat and bootstraps the fence record of a held VIP that has none', async () => {
    // Prepare
    const [node1] = world.topology.nodes;
    // Act
    const sent = await cli(world, 'node1', ['heartbeat', '--vip', VIP]);
    const [beat] = await drain(world.aws.sqs, world.nodeQueue, 1);
    const ingested = await world.heartbeat(beat);
    const [request] = await drain(world.aws.sqs, world.switchQueue, 1);
    const switched = await world.routeSwitch(request);
    // Assess
    expect(sent.code, sent.stderr).toBe(0);
    expect(ingested).toMatchObject({
      kind: 'HeartbeatRecorded',
      node: 'node1',
      vipsHeld: [VIP],
      bootstrapped: [VIP],
    });
    expect(request?.detail).toMatchObject({ reason: 'bootstrap', node: 'node1' });
    expect(switched.kind).toBe('AlreadyInPlace');
    expect(await targetsOf(world)).toEqual([node1?.eniId, node1?.eniId]);
    const liveness = await DynamoDBDocumentClient.from(world.aws.dynamodb).send(
      new GetCommand({ TableName: world.tables.liveness, Key: { pk: `${CLUSTER}#node1` } }),
    );
    expect(liveness.Item).toMatchObject({
      node: 'node1',
      vipsHeld: [VIP],
      lastMsgId: beat?.detail.msgId,
    });
    expect(typeof liveness.Item?.clockSkewMs).toBe('number');
  });

  it('reports an ownership mismatch when node2 says it holds a VIP that the fence gives node1', async () => {
    // Prepare: node1's claim sets the fence record.
    await cli(world, 'node1', ['failover', '--vip', VIP]);
    await world.heartbeat((await drain(world.aws.sqs, world.nodeQueue, 1))[0]);
    await world.routeSwitch((await drain(world.aws.sqs, world.switchQueue, 1))[0]);
    // Act
    await cli(world, 'node2', ['heartbeat', '--vip', VIP]);
    const ingested = await world.heartbeat((await drain(world.aws.sqs, world.nodeQueue, 1))[0]);
    // Assess
    expect(ingested).toMatchObject({
      kind: 'HeartbeatRecorded',
      mismatches: [{ vip: VIP, owner: 'node1' }],
      bootstrapped: [],
    });
    expect(await drain(world.aws.sqs, world.switchQueue)).toEqual([]);
  });
});

describe('lk-notify --dry-run (the bundle under plain node, no node_modules)', () => {
  it('prints a signed entry the heartbeat handler accepts; the same entry with one byte changed is rejected', async () => {
    // Prepare
    const world = await signedWorld();
    const printed = await cli(world, 'node2', ['failover', '--vip', VIP, '--dry-run']);
    const [entry] = JSON.parse(printed.stdout);
    // One byte of the signature changed.
    const flipped = {
      ...entry,
      Detail: entry.Detail.replace(
        /"value":"(.)/,
        (_: string, c: string) => `"value":"${c === 'A' ? 'B' : 'A'}`,
      ),
    };
    // Act
    const tampered = await world.heartbeat(eventFromEntry(flipped));
    const accepted = await world.heartbeat(eventFromEntry(entry));
    // Assess
    expect(printed.code, printed.stderr).toBe(0);
    expect(entry).toMatchObject({
      EventBusName: BUS,
      Source: `lifekeeper.${CLUSTER}.node2`,
      DetailType: 'LifeKeeper Failover',
    });
    expect(flipped.Detail).not.toBe(entry.Detail);
    expect(tampered).toMatchObject({ kind: 'Rejected', reason: 'BadSignature' });
    expect(accepted).toMatchObject({ kind: 'FailoverRequested', node: 'node2' });
    expect(await drain(world.aws.sqs, world.nodeQueue)).toEqual([]);
  });
});

describe('lk-notify identity and selftest', () => {
  it('takes instance id, region and ENIs from IMDSv2 when no flags name them', async () => {
    // Prepare
    const imds = await fakeImds({
      instanceId: 'i-0a1b2c3d4e5f60722',
      region: 'us-east-1',
      enis: ['eni-0a1b2c3d4e5f60722'],
    });
    // Act
    const result = await runBundle(bundle, [
      'heartbeat',
      '--dry-run',
      '--cluster',
      CLUSTER,
      '--node',
      'node2',
      '--key-file',
      nodeKeyFile('node2'),
      '--imds-endpoint',
      imds.url,
    ]);
    await imds.close();
    // Assess
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(
      Buffer.from(JSON.parse(JSON.parse(result.stdout)[0].Detail).body, 'base64url').toString(),
    );
    expect(body).toMatchObject({
      instanceId: 'i-0a1b2c3d4e5f60722',
      enis: ['eni-0a1b2c3d4e5f60722'],
    });
    expect(imds.requests[0]).toBe('PUT /latest/api/token');
  });

  it('gives up on a metadata service that never answers within its bounded retries, and still signs with the flags', async () => {
    // Prepare
    const imds = await fakeImds(
      { instanceId: 'i-0a1b2c3d4e5f60722', region: 'us-east-1', enis: [] },
      { hang: true },
    );
    // Act
    const result = await runBundle(bundle, [
      'failover',
      '--vip',
      VIP,
      '--dry-run',
      '--region',
      REGION,
      '--cluster',
      CLUSTER,
      '--node',
      'node2',
      '--key-file',
      nodeKeyFile('node2'),
      '--imds-endpoint',
      imds.url,
    ]);
    await imds.close();
    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('instance metadata service unavailable');
    expect(result.ms).toBeLessThan(15_000);
    // Three lookups in parallel, each at most 1 + 2 retries of the token request.
    expect(imds.requests.length).toBeLessThanOrEqual(9);
  });

  it('selftest passes on a node with everything in place, and fails on a key of another node', async () => {
    // Prepare
    const world = await signedWorld();
    const imds = await fakeImds({
      instanceId: 'i-0a1b2c3d4e5f60722',
      region: 'us-east-1',
      enis: [],
    });
    const common = [
      '--cluster',
      CLUSTER,
      '--node',
      'node2',
      '--bus',
      BUS,
      '--imds-endpoint',
      imds.url,
    ];
    // Act
    const good = await runBundle(
      bundle,
      ['selftest', ...common, '--key-file', nodeKeyFile('node2')],
      world.cliEnv,
    );
    const bad = await runBundle(
      bundle,
      ['selftest', ...common, '--key-file', nodeKeyFile('node1')],
      world.cliEnv,
    );
    await imds.close();
    // Assess
    expect(good.code, good.stdout).toBe(0);
    for (const check of [
      'settings',
      'metadata service',
      'region',
      'signing key',
      'credentials',
      'EventBridge endpoint',
      'EC2 endpoint',
      'clock offset',
    ]) {
      expect(good.stdout).toMatch(new RegExp(`^✓ ${check}`, 'm'));
    }
    expect(bad.code).toBe(7);
    expect(bad.stdout).toMatch(/^✗ signing key: key node1\.\S+ does not belong to node "node2"/m);
    expect(`${good.stdout}${bad.stdout}${bad.stderr}`).not.toMatch(/"(secret|privateKey)"/);
  });
});
