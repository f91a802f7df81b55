import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { REGION, type Topology, topologyConfig } from '../../dev/guide';
import { createTables, type Tables } from '../../dev/tables';
import { type AwsClients, buildTopology, createBusTap } from '../../dev/topology';
import { buildDeps as buildHeartbeatDeps } from '../../functions/heartbeat/deps';
import { makeHandler as makeHeartbeatHandler } from '../../functions/heartbeat/handler';
import { buildDeps as buildSwitchDeps } from '../../functions/route-switch/deps';
import { makeHandler as makeSwitchHandler } from '../../functions/route-switch/handler';
import type { IngestOutcome } from '../../shared/domain/intake/apply';
import type { SwitchOutcome } from '../../shared/domain/switch/outcomes';
import { instrument } from '../../shared/telemetry';
import { clients, emulatorEnv, motoUrl, resetEmulator, writeConfig } from './emulator';
import { lambdaContext } from './events';
import { vectorKeyEntries } from './lkrc';

export const BUS = 'routekeeper-it';
export const KEY_PATH = '/routekeeper/it/lk-demo/keys';

/** Every verification key of the vectors under the SSM path: HMAC secrets as SecureString. */
export const putVectorKeys = async (ssm: SSMClient): Promise<void> => {
  for (const entry of vectorKeyEntries()) {
    await ssm.send(
      new PutParameterCommand({
        Name: `${KEY_PATH}/${entry.kid}`,
        Type: entry.alg === 'v1' ? 'SecureString' : 'String',
        Value: JSON.stringify(entry),
        Overwrite: true,
      }),
    );
  }
};

export { type CapturedEvent, drain } from '../../dev/topology';

export interface SignedWorld {
  readonly aws: AwsClients;
  readonly ssm: SSMClient;
  readonly topology: Topology;
  readonly tables: Tables;
  readonly nodeQueue: string;
  readonly switchQueue: string;
  /** Environment for lk-notify processes: the emulator as every endpoint. */
  readonly cliEnv: Record<string, string>;
  readonly heartbeat: (event: unknown) => Promise<IngestOutcome>;
  readonly routeSwitch: (event: unknown) => Promise<SwitchOutcome>;
}

/**
 * The guide's topology on the emulator, the tables, the routekeeper bus with two taps (node events;
 * Route Switch Requested), the vector keys in SSM, and both functions in-process with real adapters.
 */
export const signedWorld = async (
  signing: Record<string, unknown> = { keyStore: `ssm:${KEY_PATH}` },
): Promise<SignedWorld> => {
  await resetEmulator();
  const aws = clients();
  const ssm = new SSMClient({
    region: REGION,
    endpoint: motoUrl(),
    maxAttempts: 1,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const topology = await buildTopology(aws.ec2);
  const tables = await createTables(aws.dynamodb, 'it');
  const nodeTap = await createBusTap(
    aws,
    BUS,
    ['LifeKeeper Failover', 'LifeKeeper Heartbeat'],
    'nodes',
  );
  const switchTap = await createBusTap(aws, BUS, ['Route Switch Requested'], 'switch');
  await putVectorKeys(ssm);
  const env = emulatorEnv({
    ROUTEKEEPER_CONFIG: writeConfig(topologyConfig(topology, {}, { signing })),
    STATE_TABLE: tables.state,
    IDEMPOTENCY_TABLE: tables.idempotency,
    DEDUPE_TABLE: tables.dedupe,
    LIVENESS_TABLE: tables.liveness,
    EVENT_BUS_NAME: BUS,
    VERIFY_BUDGET_MS: '2000',
  });
  const heartbeat = instrument(makeHeartbeatHandler(buildHeartbeatDeps(env)));
  const routeSwitch = instrument(makeSwitchHandler(buildSwitchDeps(env)));
  return {
    aws,
    ssm,
    topology,
    tables,
    nodeQueue: nodeTap.queueUrl,
    switchQueue: switchTap.queueUrl,
    cliEnv: { AWS_ENDPOINT_URL: motoUrl(), AWS_REGION: REGION },
    heartbeat: (event) => heartbeat(event, lambdaContext() as Context),
    routeSwitch: (event) => routeSwitch(event, lambdaContext() as Context),
  };
};
