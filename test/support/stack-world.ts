import { DeleteRouteCommand } from '@aws-sdk/client-ec2';
import type { Context } from 'aws-lambda';
import { type EventLogReader, eventLogReader } from '../../dev/event-log';
import type { Topology } from '../../dev/guide';
import { CLUSTER, REGION, VIP } from '../../dev/guide';
import { feedRuleToQueue } from '../../dev/local-runner';
import {
  type DeployedStack,
  stackClients,
  stackEnvironment,
  stackTables,
} from '../../dev/local-stack';
import type { Tables } from '../../dev/tables';
import {
  type AwsClients,
  buildTopology,
  type CapturedEvent,
  drain,
  type TopologyOptions,
} from '../../dev/topology';
import { buildDeps as buildDriftDeps } from '../../functions/drift/deps';
import { makeHandler as makeDriftHandler } from '../../functions/drift/handler';
import { buildDeps as buildSwitchDeps } from '../../functions/route-switch/deps';
import { makeHandler } from '../../functions/route-switch/handler';
import { instrument } from '../../shared/telemetry';
import { clients, deployedStack, emulatorEnv, motoUrl, resetEmulator } from './emulator';
import { lambdaContext, switchRequestEvent } from './events';

/**
 * An integration test's world on routekeeper's real stack: the emulator reset, the packaged template
 * deployed (tables, bus, rules, event log: none restated), the guide's topology built, the deployed
 * routeSwitch rule delivering to a queue (moto cannot run its Lambda target, and answers PutEvents with an
 * error while it tries), and the stack's event log read from now on.
 */
export interface StackWorld {
  readonly stack: DeployedStack;
  readonly aws: AwsClients;
  readonly topology: Topology;
  readonly tables: Tables;
  /** routekeeper's own events as the deployed event-log rule wrote them. */
  readonly log: EventLogReader;
  /** The queue the deployed routeSwitch rule delivers `Route Switch Requested` to. */
  readonly switchQueueUrl: string;
}

export const deployWorld = async (
  options: TopologyOptions & { readonly otherVpcRoute?: boolean } = {},
): Promise<StackWorld> => {
  await resetEmulator();
  const stack = await deployedStack();
  const aws = clients();
  const topology = await buildTopology(aws.ec2, options);
  if (options.otherVpcRoute === false)
    await aws.ec2.send(
      new DeleteRouteCommand({
        RouteTableId: topology.otherVpcRouteTable,
        DestinationCidrBlock: `${VIP}/32`,
      }),
    );
  const switchRule = stack.rules.find((rule) =>
    rule.eventPattern?.includes('Route Switch Requested'),
  );
  if (switchRule === undefined) throw new Error('the deployed stack has no routeSwitch rule');
  const { queueUrl } = await feedRuleToQueue(stackClients(motoUrl(), REGION), switchRule);
  return {
    stack,
    aws,
    topology,
    tables: stackTables(stack),
    log: await eventLogReader(aws.logs, stack.eventLog),
    switchQueueUrl: queueUrl,
  };
};

/** The functions' environment as deployed, pointed at the emulator, with the test's overrides. */
export const worldEnv = (
  world: Pick<StackWorld, 'stack'>,
  overrides: Record<string, string>,
): NodeJS.ProcessEnv => emulatorEnv({ ...stackEnvironment(world.stack), ...overrides });

/**
 * The `Route Switch Requested` events the deployed routeSwitch rule delivered since the last look, as
 * routeSwitch would receive them (moto leaves out `account`: filled in, as EventBridge sets it).
 */
export const deliveredSwitchRequests = (
  world: Pick<StackWorld, 'aws' | 'switchQueueUrl'>,
  atLeast = 0,
): Promise<CapturedEvent[]> => drain(world.aws.sqs, world.switchQueueUrl, atLeast);

/**
 * The deployed routeSwitch function's handler, run in this process with a deployed function's environment
 * (worldEnv) as its composition root builds it in Lambda (instrumented); each call is one invocation.
 */
export const routeSwitchFunction = (env: NodeJS.ProcessEnv) => {
  const handler = instrument(makeHandler(buildSwitchDeps(env)));
  return (event: unknown) => handler(event, lambdaContext() as Context);
};

/** The deployed drift function's handler, the same way: each call is one scheduled run. */
export const driftFunction = (env: NodeJS.ProcessEnv) => {
  const handler = instrument(makeDriftHandler(buildDriftDeps(env)));
  return () => handler(undefined, lambdaContext() as Context);
};

/**
 * The bootstrap claim that records node1 as the VIP's owner: the deployed topology already routes the VIP
 * to node1, so routeSwitch answers it AlreadyInPlace.
 */
export const bootstrapNode1 = (env: NodeJS.ProcessEnv) =>
  routeSwitchFunction(env)(
    switchRequestEvent({ cluster: CLUSTER, node: 'node1', orderToken: 1_000, reason: 'bootstrap' }),
  );
