import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
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
import type { RoutekeeperConfigInput } from '../shared/config/schema';

/**
 * The guide's topology, built through the real SDK against an emulator:
 * VPC A (10.0.0.0/16) with node1 and node2 in two AZs, each with a second ENI (source/dest check off);
 * two route tables with VIP/32 → node1's ENI and the on-premises CIDR → the Transit Gateway; a Transit
 * Gateway (default association and propagation) with the VPC attachment and a static VIP/32 route;
 * and VPC B (10.2.0.0/16) whose route table holds a route for the same VIP (the Windows kit's known issue).
 */

export const REGION = 'us-east-1';
export const VIP = '10.1.0.10';
export const ON_PREM_CIDR = '192.168.0.0/16';
export const CLUSTER = 'lk-demo';

export interface AwsClients {
  readonly ec2: EC2Client;
  readonly dynamodb: DynamoDBClient;
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
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
  };
};

export interface Topology {
  readonly vpcA: string;
  readonly vpcB: string;
  readonly subnets: readonly string[];
  readonly nodes: readonly { name: string; instanceId: string; eniId: string; subnetId: string }[];
  readonly routeTables: readonly string[];
  readonly otherVpcRouteTable: string;
  readonly otherVpcEni: string;
  readonly transitGatewayId: string;
  readonly tgwRouteTableId: string;
  readonly attachmentId: string;
}

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
  const tableCount = options.routeTables ?? 2;
  const vpcA = must(
    (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId,
    'VPC',
  );
  const azs = [`${REGION}a`, `${REGION}b`];
  const subnets = await Promise.all(
    azs.map(async (az, i) =>
      must(
        (
          await ec2.send(
            new CreateSubnetCommand({
              VpcId: vpcA,
              CidrBlock: `10.0.${i + 1}.0/24`,
              AvailabilityZone: az,
            }),
          )
        ).Subnet?.SubnetId,
        'subnet',
      ),
    ),
  );
  const nodes = await Promise.all(
    subnets.map(async (subnetId, i) => {
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
              Description: `node${i + 1} VIP ENI`,
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
      return { name: `node${i + 1}`, instanceId, eniId, subnetId };
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
    (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).Vpc?.VpcId,
    'VPC B',
  );
  const subnetB = must(
    (
      await ec2.send(
        new CreateSubnetCommand({
          VpcId: vpcB,
          CidrBlock: '10.2.1.0/24',
          AvailabilityZone: azs[0],
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

/** The routekeeper configuration that matches a topology. */
export const topologyConfig = (
  topology: Topology,
  vip: Partial<RoutekeeperConfigInput['clusters'][number]['vips'][number]> = {},
  cluster: Partial<RoutekeeperConfigInput['clusters'][number]> = {},
): RoutekeeperConfigInput => ({
  clusters: [
    {
      name: CLUSTER,
      region: REGION,
      vpcId: topology.vpcA,
      vpcCidrs: ['10.0.0.0/16'],
      transitGatewayId: topology.transitGatewayId,
      onPremisesCidrs: [ON_PREM_CIDR],
      nodes: topology.nodes.map(({ name, instanceId, eniId }) => ({ name, instanceId, eniId })),
      vips: [
        {
          address: VIP,
          routeTables: [...topology.routeTables],
          transitGatewayRoute: {
            routeTableId: topology.tgwRouteTableId,
            attachmentId: topology.attachmentId,
          },
          ...vip,
        },
      ],
      ...cluster,
    },
  ],
});

export interface Tables {
  readonly state: string;
  readonly idempotency: string;
  readonly dedupe: string;
  readonly liveness: string;
}

/** The tables as serverless.yml declares them (key names included). */
export const createTables = async (
  dynamodb: DynamoDBClient,
  prefix = 'routekeeper-local',
): Promise<Tables> => {
  const tables = {
    state: `${prefix}-state`,
    idempotency: `${prefix}-idempotency`,
    dedupe: `${prefix}-dedupe`,
    liveness: `${prefix}-liveness`,
  };
  await Promise.all(
    [
      [tables.state, 'pk'],
      [tables.idempotency, 'id'],
      [tables.dedupe, 'id'],
      [tables.liveness, 'pk'],
    ].map(([TableName, key]) =>
      dynamodb.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: key as string, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: key as string, KeyType: 'HASH' }],
        }),
      ),
    ),
  );
  return tables;
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
