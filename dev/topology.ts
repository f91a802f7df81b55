import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  AssociateRouteTableCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateTransitGatewayCommand,
  CreateTransitGatewayRouteCommand,
  CreateTransitGatewayVpcAttachmentCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeLivenessTable } from '../shared/aws/liveness-table';
import { GUIDE, ON_PREM_CIDR, REGION, type Topology, VIP } from './guide';

/** The guide's topology (dev/guide.ts) built through the real SDK against an emulator, with its helpers. */

export interface AwsClients {
  readonly ec2: EC2Client;
  readonly dynamodb: DynamoDBClient;
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
  /** For the stack's event log (dev/event-log.ts). */
  readonly logs: CloudWatchLogsClient;
}

export const emulatorClients = (endpoint: string): AwsClients => {
  const options = {
    region: REGION,
    endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  return {
    ec2: new EC2Client(options),
    dynamodb: new DynamoDBClient(options),
    events: new EventBridgeClient(options),
    sqs: new SQSClient(options),
    logs: new CloudWatchLogsClient(options),
  };
};

export interface TopologyOptions {
  /** Managed route tables in VPC A (default 2). */
  readonly routeTables?: number;
}

const must = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`emulator returned no ${what}`);
  return value;
};

export const buildTopology = async (
  ec2: EC2Client,
  options: TopologyOptions = {},
): Promise<Topology> => {
  const tableCount = options.routeTables ?? GUIDE.nodes.length;
  const vpcA = must(
    (await ec2.send(new CreateVpcCommand({ CidrBlock: GUIDE.vpcCidr }))).Vpc?.VpcId,
    'VPC',
  );
  const subnets = await Promise.all(
    GUIDE.nodes.map(async ({ az, subnetCidr }) =>
      must(
        (
          await ec2.send(
            new CreateSubnetCommand({
              VpcId: vpcA,
              CidrBlock: subnetCidr,
              AvailabilityZone: az,
            }),
          )
        ).Subnet?.SubnetId,
        'subnet',
      ),
    ),
  );
  const nodes = await Promise.all(
    GUIDE.nodes.map(async ({ name }, i) => {
      const subnetId = must(subnets[i], 'subnet');
      const instanceId = must(
        (
          await ec2.send(
            new RunInstancesCommand({
              ImageId: 'ami-12345678',
              MinCount: 1,
              MaxCount: 1,
              SubnetId: subnetId,
            }),
          )
        ).Instances?.[0]?.InstanceId,
        'instance',
      );
      const eniId = must(
        (
          await ec2.send(
            new CreateNetworkInterfaceCommand({
              SubnetId: subnetId,
              Description: `${name} VIP ENI`,
            }),
          )
        ).NetworkInterface?.NetworkInterfaceId,
        'ENI',
      );
      await ec2.send(
        new AttachNetworkInterfaceCommand({
          NetworkInterfaceId: eniId,
          InstanceId: instanceId,
          DeviceIndex: 1,
        }),
      );
      await ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({
          NetworkInterfaceId: eniId,
          SourceDestCheck: { Value: false },
        }),
      );
      return { name, instanceId, eniId, subnetId };
    }),
  );
  const node1 = must(nodes[0], 'node1');

  const tgw = must(
    (
      await ec2.send(
        new CreateTransitGatewayCommand({
          Description: 'routekeeper demo',
          Options: {
            DefaultRouteTableAssociation: 'enable',
            DefaultRouteTablePropagation: 'enable',
          },
        }),
      )
    ).TransitGateway,
    'Transit Gateway',
  );
  const transitGatewayId = must(tgw.TransitGatewayId, 'Transit Gateway id');
  const tgwRouteTableId = must(
    tgw.Options?.AssociationDefaultRouteTableId,
    'TGW default route table',
  );
  const attachmentId = must(
    (
      await ec2.send(
        new CreateTransitGatewayVpcAttachmentCommand({
          TransitGatewayId: transitGatewayId,
          VpcId: vpcA,
          SubnetIds: subnets,
        }),
      )
    ).TransitGatewayVpcAttachment?.TransitGatewayAttachmentId,
    'TGW attachment',
  );
  await ec2.send(
    new CreateTransitGatewayRouteCommand({
      TransitGatewayRouteTableId: tgwRouteTableId,
      DestinationCidrBlock: `${VIP}/32`,
      TransitGatewayAttachmentId: attachmentId,
    }),
  );

  const routeTables: string[] = [];
  for (let i = 0; i < tableCount; i++) {
    const routeTableId = must(
      (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcA }))).RouteTable?.RouteTableId,
      'route table',
    );
    const subnetId = subnets[i];
    if (subnetId !== undefined)
      await ec2.send(
        new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }),
      );
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: routeTableId,
        DestinationCidrBlock: `${VIP}/32`,
        NetworkInterfaceId: node1.eniId,
      }),
    );
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: routeTableId,
        DestinationCidrBlock: ON_PREM_CIDR,
        TransitGatewayId: transitGatewayId,
      }),
    );
    routeTables.push(routeTableId);
  }

  const vpcB = must(
    (await ec2.send(new CreateVpcCommand({ CidrBlock: GUIDE.otherVpc.cidr }))).Vpc?.VpcId,
    'VPC B',
  );
  const subnetB = must(
    (
      await ec2.send(
        new CreateSubnetCommand({
          VpcId: vpcB,
          CidrBlock: GUIDE.otherVpc.subnetCidr,
          AvailabilityZone: GUIDE.otherVpc.az,
        }),
      )
    ).Subnet?.SubnetId,
    'subnet B',
  );
  const otherVpcEni = must(
    (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetB }))).NetworkInterface
      ?.NetworkInterfaceId,
    'ENI B',
  );
  const otherVpcRouteTable = must(
    (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcB }))).RouteTable?.RouteTableId,
    'route table B',
  );
  await ec2.send(
    new CreateRouteCommand({
      RouteTableId: otherVpcRouteTable,
      DestinationCidrBlock: `${VIP}/32`,
      NetworkInterfaceId: otherVpcEni,
    }),
  );

  return {
    vpcA,
    vpcB,
    subnets,
    nodes,
    routeTables,
    otherVpcRouteTable,
    otherVpcEni,
    transitGatewayId,
    tgwRouteTableId,
    attachmentId,
  };
};

export interface BusTap {
  readonly busName: string;
  readonly queueUrl: string;
}

/**
 * The routekeeper bus with a rule whose SQS target captures events of the given detail types: how
 * events travel between functions (and reach assertions) on the emulator.
 */
export const createBusTap = async (
  clients: AwsClients,
  busName: string,
  detailTypes: readonly string[],
  name = 'tap',
): Promise<BusTap> => {
  await clients.events.send(new CreateEventBusCommand({ Name: busName })).catch((error: Error) => {
    if (error.name !== 'ResourceAlreadyExistsException') throw error;
  });
  const queueUrl = must(
    (await clients.sqs.send(new CreateQueueCommand({ QueueName: `${busName}-${name}` }))).QueueUrl,
    'queue',
  );
  const queueArn = must(
    (
      await clients.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      )
    ).Attributes?.QueueArn,
    'queue ARN',
  );
  await clients.events.send(
    new PutRuleCommand({
      Name: `${busName}-${name}`,
      EventBusName: busName,
      EventPattern: JSON.stringify({ 'detail-type': detailTypes }),
    }),
  );
  await clients.events.send(
    new PutTargetsCommand({
      Rule: `${busName}-${name}`,
      EventBusName: busName,
      Targets: [{ Id: name, Arn: queueArn }],
    }),
  );
  return { busName, queueUrl };
};

/** VIP route target per route table, as EC2 reports it. */
export const vipTargets = async (
  ec2: EC2Client,
  routeTableIds: readonly string[],
): Promise<Record<string, string>> => {
  const output = await ec2.send(
    new DescribeRouteTablesCommand({ RouteTableIds: [...routeTableIds] }),
  );
  return Object.fromEntries(
    (output.RouteTables ?? []).map((table) => {
      const route = table.Routes?.find((r) => r.DestinationCidrBlock === `${VIP}/32`);
      return [table.RouteTableId ?? '?', route?.NetworkInterfaceId ?? route?.InstanceId ?? 'none'];
    }),
  );
};

/** More VIPs routed like the first one: node1's ENI in every managed table, a static TGW route each. */
export const addVips = async (
  aws: AwsClients,
  topology: Topology,
  count: number,
): Promise<string[]> => {
  const addresses = Array.from({ length: count }, (_, i) => `10.1.0.${11 + i}`);
  const node1 = topology.nodes[0]?.eniId;
  const writes = addresses.flatMap((address) => [
    ...topology.routeTables.map(
      (table) => () =>
        aws.ec2.send(
          new CreateRouteCommand({
            RouteTableId: table,
            DestinationCidrBlock: `${address}/32`,
            NetworkInterfaceId: node1,
          }),
        ),
    ),
    () =>
      aws.ec2.send(
        new CreateTransitGatewayRouteCommand({
          TransitGatewayRouteTableId: topology.tgwRouteTableId,
          DestinationCidrBlock: `${address}/32`,
          TransitGatewayAttachmentId: topology.attachmentId,
        }),
      ),
  ]);
  for (let i = 0; i < writes.length; i += 20) {
    await Promise.all(writes.slice(i, i + 20).map((write) => write()));
  }
  return addresses;
};

/** Node heartbeats as the heartbeat function records them (through its own adapter, so the layout is the same). */
export const recordHeartbeats = async (
  dynamodb: DynamoDBClient,
  table: string,
  cluster: string,
  nodes: readonly { node: string; clockSkewMs: number }[],
): Promise<void> => {
  const store = makeLivenessTable(DynamoDBDocumentClient.from(dynamodb), table);
  const now = Date.now();
  for (const { node, clockSkewMs } of nodes) {
    await store.record({
      cluster,
      node,
      msgId: `seed-${node}-${now}`,
      sentAt: now - clockSkewMs,
      receivedAtMs: now,
      vipsHeld: [],
    });
  }
};

export interface CapturedEvent {
  readonly 'detail-type': string;
  readonly source: string;
  readonly detail: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** Everything the tap's queue holds now (polled briefly: the emulator delivers rule targets asynchronously). */
export const drain = async (
  sqs: SQSClient,
  queueUrl: string,
  atLeast = 0,
): Promise<CapturedEvent[]> => {
  const events: CapturedEvent[] = [];
  const deadline = Date.now() + 3_000;
  do {
    const output = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    // moto 5.2 leaves `account` out of the events it hands to SQS targets; EventBridge always sets it.
    events.push(
      ...(output.Messages ?? []).map(
        (m) => ({ account: '123456789012', ...JSON.parse(m.Body ?? '{}') }) as CapturedEvent,
      ),
    );
    if (events.length >= atLeast && (output.Messages ?? []).length === 0) break;
    if (events.length < atLeast) await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < deadline);
  return events;
};
