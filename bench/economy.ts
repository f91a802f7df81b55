import { CreateEventBusCommand } from '@aws-sdk/client-eventbridge';
import { startFaultProxy } from '../dev/fault-proxy';
import { CLUSTER, topologyConfig } from '../dev/guide';
import type { Moto } from '../dev/moto';
import { createTables } from '../dev/tables';
import { addVips, buildTopology, emulatorClients, recordHeartbeats } from '../dev/topology';
import { buildDeps as buildDriftDeps } from '../functions/drift/deps';
import { makeHandler as makeDriftHandler } from '../functions/drift/handler';
import { buildDeps as buildSwitchDeps } from '../functions/route-switch/deps';
import { makeHandler } from '../functions/route-switch/handler';
import type { SwitchOutcome } from '../shared/domain/switch/outcomes';
import { instrument } from '../shared/telemetry';
import { lambdaContext, switchRequest, writeTempJson } from './support';

/**
 * Part (b): EC2 API calls of one failover and of one drift run as the configuration grows, counted at
 * an HTTP proxy between the real SDK and the emulator (every call that left the process).
 */
export interface EconomyRow {
  readonly vips: number;
  readonly routeTables: number;
  readonly failoverEc2Calls: number;
  readonly failoverWrites: number;
  readonly driftEc2Calls: number;
}

const BUS = 'routekeeper-economy';

export const measureEconomy = async (
  moto: Moto,
  vips: number,
  routeTables: number,
): Promise<EconomyRow> => {
  await moto.reset();
  const aws = emulatorClients(moto.url);
  const topology = await buildTopology(aws.ec2, { routeTables });
  const extra = await addVips(aws, topology, vips - 1);
  const ddb = await createTables(aws.dynamodb, `economy-${vips}-${routeTables}`);
  await aws.events.send(new CreateEventBusCommand({ Name: BUS }));
  const base = topologyConfig(topology);
  const [cluster] = base.clusters;
  const first = cluster?.vips[0];
  const config = {
    clusters: [{ ...cluster, vips: [first, ...extra.map((address) => ({ ...first, address }))] }],
  };
  const proxy = await startFaultProxy({ target: moto.url, seed: 1 });
  try {
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL: proxy.url,
      ROUTEKEEPER_CONFIG: writeTempJson('config', config),
      STATE_TABLE: ddb.state,
      LIVENESS_TABLE: ddb.liveness,
      IDEMPOTENCY_TABLE: ddb.idempotency,
      EVENT_BUS_NAME: BUS,
    };
    const switchTo = instrument(makeHandler(buildSwitchDeps(env)));
    const ec2Calls = () => proxy.calls.filter((call) => call.service === 'ec2');

    // Warm the container (cached VPC CIDRs, connections) with a first claim, then count one failover.
    const token = Date.now();
    await switchTo(switchRequest('node1', token), lambdaContext('economy'));
    proxy.reset();
    const outcome = (await switchTo(
      switchRequest('node2', token + 1),
      lambdaContext('economy'),
    )) as SwitchOutcome;
    if (outcome.kind !== 'Switched')
      throw new Error(`failover ended ${outcome.kind}: ${outcome.detail ?? ''}`);
    const failover = ec2Calls();

    await recordHeartbeats(aws.dynamodb, ddb.liveness, CLUSTER, [
      { node: 'node1', clockSkewMs: 0 },
      { node: 'node2', clockSkewMs: 0 },
    ]);
    proxy.reset();
    await makeDriftHandler(buildDriftDeps(env))();
    const drift = ec2Calls();
    return {
      vips,
      routeTables,
      failoverEc2Calls: failover.length,
      failoverWrites: failover.filter(
        (c) => c.operation === 'ReplaceRoute' || c.operation === 'CreateRoute',
      ).length,
      driftEc2Calls: drift.length,
    };
  } finally {
    await proxy.close();
  }
};
