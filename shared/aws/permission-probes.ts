import {
  type EC2Client,
  ReplaceRouteCommand,
  ReplaceTransitGatewayRouteCommand,
} from '@aws-sdk/client-ec2';
import { toAwsCallError } from '../core/errors';
import type { ProbePlan, ProbeRoutes } from '../domain/checks/doctor';
import type { PermissionProbe } from '../domain/checks/snapshot';

/**
 * DryRun probes of the route writes: EC2 answers `DryRunOperation` when the caller may make the call and
 * `UnauthorizedOperation` when not, without changing anything. A call that succeeds means the endpoint
 * ignored DryRun (moto does): reported as such, never as allowed; an answer that is not EC2's means the
 * endpoint does not implement the call (moto's ReplaceTransitGatewayRoute): "not emulated".
 */
export const makeProbeRoutes =
  (ec2: EC2Client, tgwClientOf: (routeTableId: string) => EC2Client = () => ec2): ProbeRoutes =>
  async (plans) => {
    const results: PermissionProbe[] = [];
    for (const plan of plans) {
      // A Transit Gateway route table is probed as its owner's role (config `network`), like it is written.
      const client = plan.action === 'ReplaceRoute' ? ec2 : tgwClientOf(plan.resource);
      results.push(await probe(client, plan));
    }
    return results;
  };

const probe = async (ec2: EC2Client, plan: ProbePlan): Promise<PermissionProbe> => {
  const base = {
    cluster: plan.cluster,
    action: plan.action,
    resource: plan.resource,
    vip: plan.vip,
  };
  try {
    if (plan.action === 'ReplaceRoute') {
      await ec2.send(
        new ReplaceRouteCommand({
          DryRun: true,
          RouteTableId: plan.resource,
          DestinationCidrBlock: plan.destination,
          NetworkInterfaceId: plan.target,
        }),
      );
    } else {
      await ec2.send(
        new ReplaceTransitGatewayRouteCommand({
          DryRun: true,
          TransitGatewayRouteTableId: plan.resource,
          DestinationCidrBlock: plan.destination,
          TransitGatewayAttachmentId: plan.target,
        }),
      );
    }
    return { ...base, verdict: 'ignored', detail: 'the call succeeded despite DryRun' };
  } catch (error) {
    const failure = toAwsCallError(error, plan.action);
    if (failure.code === 'DryRunOperation')
      return { ...base, verdict: 'allowed', detail: 'DryRunOperation' };
    if (failure.code === 'UnauthorizedOperation' || failure.code === 'AccessDenied')
      return { ...base, verdict: 'denied', detail: failure.message };
    // The SDK could not read the answer as EC2's (moto answers ReplaceTransitGatewayRoute with an HTML
    // error page): the endpoint does not implement the call; nothing is known about the permission.
    if (/Deserialization error/.test(failure.message))
      return { ...base, verdict: 'unsupported', detail: failure.message.split('\n')[0] ?? '' };
    return { ...base, verdict: 'error', detail: failure.message };
  }
};
