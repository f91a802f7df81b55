import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CLUSTER, REGION, type Topology } from '../../dev/guide';
import { LOCAL_STAGE } from '../../dev/local-stack';
import { openScenario, type Scenario } from '../../dev/scenario';
import type { Tables } from '../../dev/tables';
import type { AwsClients } from '../../dev/topology';
import { motoUrl, resetEmulator } from './emulator';
import { vectorKeyEntries } from './lkrc';

/** The deployed stack's bus (`routekeeper-<stage>`). */
export const BUS = `routekeeper-${LOCAL_STAGE}`;
export const KEY_PATH = `/routekeeper/it/${CLUSTER}/keys`;

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
  readonly heartbeat: Scenario['heartbeat'];
  readonly routeSwitch: Scenario['routeSwitch'];
}

/**
 * The demo's scenario (dev/scenario.ts) on the shared emulator: the guide's topology, the tables, the
 * routekeeper bus with two taps (node events; Route Switch Requested), both functions in-process with real
 * adapters; and the vector keys in SSM.
 */
export const signedWorld = async (
  signing: Record<string, unknown> = { keyStore: `ssm:${KEY_PATH}` },
): Promise<SignedWorld> => {
  await resetEmulator();
  const scenario = await openScenario(motoUrl(), {
    cluster: { signing },
    verifyBudgetMs: 2_000,
  });
  const ssm = new SSMClient({
    region: REGION,
    endpoint: motoUrl(),
    maxAttempts: 1,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await putVectorKeys(ssm);
  return {
    aws: scenario.aws,
    ssm,
    topology: scenario.topology,
    tables: scenario.tables,
    nodeQueue: scenario.queues.nodes,
    switchQueue: scenario.queues.switches,
    cliEnv: { AWS_ENDPOINT_URL: motoUrl(), AWS_REGION: REGION },
    heartbeat: scenario.heartbeat,
    routeSwitch: scenario.routeSwitch,
  };
};
