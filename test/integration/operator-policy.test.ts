/**
 * `routekeeper operator-policy` against what the operator commands really send: status, a switch, pause,
 * resume and doctor run on the deployed stack through a recording proxy, and every request they made is
 * judged against the printed policy by an independent IAM evaluator. A permission the policy lacks fails
 * here by name, before an operator meets AccessDenied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallRecord, type FaultProxy, startFaultProxy } from '../../dev/fault-proxy';
import { CLUSTER, REGION, type Topology, topologyConfig, VIP } from '../../dev/guide';
import { recordHeartbeats } from '../../dev/topology';
import { operatorPolicy } from '../../serverless/operator-policy';
import { parseConfig } from '../../shared/config/schema';
import { invokeMain } from '../support/cli-main';
import { motoUrl, writeConfig } from '../support/emulator';
import { identityPolicyDecider } from '../support/identity-policy';
import { bootstrapNode1, deployWorld, worldEnv } from '../support/stack-world';

/** moto's account for any credentials. */
const ACCOUNT = '123456789012';
const OPERATOR = `arn:aws:iam::${ACCOUNT}:role/ops`;

interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string[]>;
}

const ec2Arn = (resource: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:${resource}`;
const pkOf = (key: unknown): string[] => {
  const pk = (key as { pk?: { S?: string } } | undefined)?.pk?.S;
  return pk === undefined ? [] : [pk];
};

/** The IAM request(s) AWS would authorise for one recorded call (EC2 checks both resources of a TGW route write). */
const iamRequests = (call: CallRecord, topology: Topology): IamRequest[] => {
  const action = `${call.service}:${call.operation}`;
  const p = call.params;
  switch (call.service) {
    case 'sts':
      return []; // GetCallerIdentity needs no permission
    case 'ec2': {
      if (call.operation === 'ReplaceRoute' || call.operation === 'CreateRoute') {
        const vpc = p.RouteTableId === topology.otherVpcRouteTable ? topology.vpcB : topology.vpcA;
        return [
          {
            action,
            resource: ec2Arn(`route-table/${p.RouteTableId}`),
            context: { 'ec2:Vpc': [ec2Arn(`vpc/${vpc}`)] },
          },
        ];
      }
      if (call.operation.endsWith('TransitGatewayRoute')) {
        return [
          `transit-gateway-route-table/${p.TransitGatewayRouteTableId}`,
          `transit-gateway-attachment/${p.TransitGatewayAttachmentId}`,
        ].map((resource) => ({ action, resource: ec2Arn(resource), context: {} }));
      }
      if (call.operation === 'SearchTransitGatewayRoutes') {
        const resource = ec2Arn(`transit-gateway-route-table/${p.TransitGatewayRouteTableId}`);
        return [{ action, resource, context: {} }];
      }
      return [{ action, resource: '*', context: {} }];
    }
    case 'dynamodb': {
      const body = call.body as {
        TableName?: string;
        Key?: unknown;
        Item?: unknown;
        RequestItems?: Record<string, { Keys: unknown[] }>;
      };
      const table = (name: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
      if (body.RequestItems !== undefined) {
        return Object.entries(body.RequestItems).map(([name, { Keys }]) => ({
          action,
          resource: table(name),
          context: { 'dynamodb:LeadingKeys': Keys.flatMap(pkOf) },
        }));
      }
      const keys = pkOf(body.Key ?? body.Item);
      return [
        {
          action,
          resource: table(body.TableName ?? ''),
          context: keys.length > 0 ? { 'dynamodb:LeadingKeys': keys } : {},
        },
      ];
    }
    case 'events': {
      const body = call.body as {
        Entries: { Source: string; DetailType: string; EventBusName: string }[];
      };
      return body.Entries.map((entry) => ({
        action,
        resource: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${entry.EventBusName}`,
        context: { 'events:source': [entry.Source], 'events:detail-type': [entry.DetailType] },
      }));
    }
    default:
      return [{ action, resource: '*', context: {} }];
  }
};

describe('routekeeper operator-policy (emulator, the commands recorded)', () => {
  let proxy: FaultProxy;
  const endpoint = process.env.AWS_ENDPOINT_URL;
  beforeAll(async () => {
    proxy = await startFaultProxy({ target: motoUrl(), seed: 1 });
  });
  afterAll(async () => {
    process.env.AWS_ENDPOINT_URL = endpoint;
    await proxy?.close();
  });

  it('allows every request status, switch, pause, resume and doctor make, and they all succeed', async () => {
    // Prepare: the guide's topology, node1 the owner, both nodes beating.
    const world = await deployWorld({ otherVpcRoute: false });
    const config = topologyConfig(world.topology);
    const configPath = writeConfig(config);
    const env = worldEnv(world, { ROUTEKEEPER_CONFIG: configPath, VERIFY_BUDGET_MS: '2000' });
    const bootstrap = await bootstrapNode1(env);
    expect(bootstrap.kind).toBe('AlreadyInPlace');
    await recordHeartbeats(world.aws.dynamodb, world.tables.liveness, CLUSTER, [
      { node: 'node1', clockSkewMs: 35 },
      { node: 'node2', clockSkewMs: -20 },
    ]);
    const policy = operatorPolicy({
      config: parseConfig(config, configPath),
      stage: 'dev',
      account: ACCOUNT,
    });
    const decide = identityPolicyDecider(policy, OPERATOR, ACCOUNT);
    // Act: the commands in this process (the SDK reaches AWS through the recording proxy).
    process.env.AWS_ENDPOINT_URL = proxy.url;
    const viaProxy = { ...env, AWS_ENDPOINT_URL: proxy.url };
    proxy.reset();
    const scope = ['--cluster', CLUSTER];
    const runs = [
      await invokeMain(['status', '--json'], viaProxy),
      await invokeMain(['switch', ...scope, '--vip', VIP, '--to', 'node2', '--yes'], viaProxy),
      await invokeMain(['pause', ...scope, '--vip', VIP, '--reason', 'CHG-1'], viaProxy),
      await invokeMain(['pause', ...scope, '--reason', 'CHG-2'], viaProxy),
      await invokeMain(['resume', ...scope], viaProxy),
      await invokeMain(['doctor', '--no-probes'], viaProxy),
    ];
    process.env.AWS_ENDPOINT_URL = endpoint;
    await proxy.idle();
    // Assess: each command did its work...
    // status and doctor: 3 and 1 name the one thing moto cannot show (the TGW route's target), not a denial.
    expect(runs.map((r) => r.code)).toEqual([3, 0, 0, 0, 0, expect.any(Number)]);
    expect(runs.map((r) => r.err).join('')).not.toMatch(/AccessDenied|UnauthorizedOperation/);
    const operations = new Set(proxy.calls.map((c) => c.operation));
    for (const expected of ['ReplaceRoute', 'UpdateItem', 'PutItem', 'DeleteItem', 'PutEvents'])
      expect(operations).toContain(expected);
    // ...and every request it made is allowed by the printed policy.
    const requests = proxy.calls.flatMap((call) => iamRequests(call, world.topology));
    const denied: string[] = [];
    for (const request of requests) {
      if ((await decide(request.action, request.resource, request.context)) === 'Denied')
        denied.push(`${request.action} ${request.resource} ${JSON.stringify(request.context)}`);
    }
    expect(denied).toEqual([]);
    expect(requests.length).toBeGreaterThan(20);
  });
});
