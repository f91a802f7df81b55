import 'aws-sdk-client-mock-vitest/extend';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
} from '@aws-sdk/client-dynamodb';
import {
  CreateRouteCommand,
  CreateTransitGatewayRouteCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeVpcsCommand,
  EC2Client,
  EC2ServiceException,
  ReplaceRouteCommand,
  ReplaceTransitGatewayRouteCommand,
  type RouteTable,
  SearchTransitGatewayRoutesCommand,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { makeEnis } from '../../../../shared/aws/enis';
import { makeEventPublisher } from '../../../../shared/aws/event-bus';
import { makeRouteTables, makeVpcs, toView } from '../../../../shared/aws/route-tables';
import { makeTransitGatewayRoutes } from '../../../../shared/aws/transit-gateway';
import { makeVipRecordStore } from '../../../../shared/aws/vip-records';
import { AwsCallError, PublishError, toAwsCallError } from '../../../../shared/core/errors';
import {
  appliedRecord,
  claim,
  DESTINATION,
  NODE1,
  NODE2,
  RTB1,
  RTB2,
  TGW_ATTACHMENT,
  TGW_RTB,
  VPC,
} from '../../../support/world';

const ec2 = mockClient(EC2Client);
const dynamodb = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);

beforeEach(() => {
  ec2.reset();
  dynamodb.reset();
  eventBridge.reset();
});

const ec2Error = (name: string, status: number, fault: 'client' | 'server' = 'client') =>
  new EC2ServiceException({
    name,
    $fault: fault,
    $metadata: { httpStatusCode: status },
    message: `${name} (test)`,
  });

/** What a promise rejects with; fails the test when it resolves. */
const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

const table = (routeTableId: string, routes: RouteTable['Routes']): RouteTable => ({
  RouteTableId: routeTableId,
  VpcId: VPC,
  Routes: [
    { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' },
    ...(routes ?? []),
  ],
});

describe('route tables adapter', () => {
  const routes = () => makeRouteTables(new EC2Client({}), new EC2Client({}));

  it('filters the discovery read by the cluster VPC and the VIP destination', async () => {
    // Prepare
    ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
    // Act
    await routes().withRoute(VPC, DESTINATION);
    // Assess
    expect(ec2).toReceiveCommandWith(DescribeRouteTablesCommand, {
      Filters: [
        { Name: 'vpc-id', Values: [VPC] },
        { Name: 'route.destination-cidr-block', Values: [DESTINATION] },
      ],
    });
  });

  it('filters the read of listed tables by the cluster VPC as well as by id', async () => {
    // Prepare
    ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [] });
    // Act
    await routes().byIds(VPC, [RTB1, RTB2], DESTINATION);
    // Assess
    expect(ec2).toReceiveCommandWith(DescribeRouteTablesCommand, {
      Filters: [
        { Name: 'vpc-id', Values: [VPC] },
        { Name: 'route-table-id', Values: [RTB1, RTB2] },
      ],
    });
  });

  it('sends the vpc-id filter on every page and returns the tables of all pages', async () => {
    // Prepare
    ec2
      .on(DescribeRouteTablesCommand)
      .resolvesOnce({ RouteTables: [table(RTB1, [])], NextToken: 'page-2' })
      .resolvesOnce({ RouteTables: [table(RTB2, [])] });
    // Act
    const views = await routes().withRoute(VPC, DESTINATION);
    // Assess
    expect(views.map((view) => view.routeTableId)).toEqual([RTB1, RTB2]);
    expect(ec2).toReceiveCommandTimes(DescribeRouteTablesCommand, 2);
    expect(ec2).toReceiveNthCommandWith(DescribeRouteTablesCommand, 2, { NextToken: 'page-2' });
    for (const call of ec2.commandCalls(DescribeRouteTablesCommand)) {
      expect(call.args[0].input.Filters).toContainEqual({ Name: 'vpc-id', Values: [VPC] });
    }
  });

  it('reads nothing when no table is listed', async () => {
    // Prepare
    ec2.on(DescribeRouteTablesCommand).resolves({ RouteTables: [table(RTB1, [])] });
    // Act
    const views = await routes().byIds(VPC, [], DESTINATION);
    // Assess
    expect(views).toEqual([]);
    expect(ec2).toReceiveCommandTimes(DescribeRouteTablesCommand, 0);
  });

  it('replaces the VIP route with the ENI as its only target', async () => {
    // Prepare
    ec2.on(ReplaceRouteCommand).resolves({});
    // Act
    await routes().replaceRoute(RTB1, DESTINATION, NODE2.eni);
    // Assess
    expect(ec2).toReceiveCommandExactlyOnceWith(ReplaceRouteCommand, {
      RouteTableId: RTB1,
      DestinationCidrBlock: DESTINATION,
      NetworkInterfaceId: NODE2.eni,
    });
  });

  it('creates the VIP route to the ENI', async () => {
    // Prepare
    ec2.on(CreateRouteCommand).resolves({ Return: true });
    // Act
    await routes().createRoute(RTB1, DESTINATION, NODE2.eni);
    // Assess
    expect(ec2).toReceiveCommandExactlyOnceWith(CreateRouteCommand, {
      RouteTableId: RTB1,
      DestinationCidrBlock: DESTINATION,
      NetworkInterfaceId: NODE2.eni,
    });
  });

  it('turns a refused write into an AwsCallError carrying the EC2 code', async () => {
    // Prepare
    ec2.on(ReplaceRouteCommand).rejects(ec2Error('UnauthorizedOperation', 403));
    // Act
    const error = await rejection(routes().replaceRoute(RTB1, DESTINATION, NODE2.eni));
    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({
      code: 'UnauthorizedOperation',
      retryable: false,
      message: 'ReplaceRoute failed: UnauthorizedOperation: UnauthorizedOperation (test)',
    });
  });
});

describe('toView', () => {
  it.each<{ route: NonNullable<RouteTable['Routes']>[number]; vipRoute: unknown }>([
    {
      route: { DestinationCidrBlock: DESTINATION, NetworkInterfaceId: NODE1.eni, State: 'active' },
      vipRoute: { eniId: NODE1.eni, state: 'active' },
    },
    {
      route: {
        DestinationCidrBlock: DESTINATION,
        NetworkInterfaceId: NODE1.eni,
        State: 'blackhole',
      },
      vipRoute: { eniId: NODE1.eni, state: 'blackhole' },
    },
    {
      route: {
        DestinationCidrBlock: DESTINATION,
        TransitGatewayId: 'tgw-0a1b2c3d4e5f60718',
        State: 'active',
      },
      vipRoute: { otherTarget: 'tgw-0a1b2c3d4e5f60718', state: 'active' },
    },
    {
      route: { DestinationCidrBlock: DESTINATION, GatewayId: 'igw-0a1b2c3d', State: 'active' },
      vipRoute: { otherTarget: 'igw-0a1b2c3d', state: 'active' },
    },
    {
      route: { DestinationCidrBlock: DESTINATION, State: 'blackhole' },
      vipRoute: { state: 'blackhole' },
    },
  ])('maps $route to $vipRoute', ({ route, vipRoute }) => {
    // Prepare
    const described = table(RTB1, [route]);
    // Act
    const view = toView(described, DESTINATION);
    // Assess
    expect(view).toEqual({ routeTableId: RTB1, vpcId: VPC, vipRoute });
  });

  it('reports no VIP route for a table that only routes other destinations', () => {
    // Prepare
    const described = table(RTB1, [
      { DestinationCidrBlock: '10.1.0.11/32', NetworkInterfaceId: NODE1.eni, State: 'active' },
    ]);
    // Act
    const view = toView(described, DESTINATION);
    // Assess
    expect(view).toEqual({ routeTableId: RTB1, vpcId: VPC });
  });
});

describe('VPC adapter', () => {
  it('returns the associated CIDR blocks only', async () => {
    // Prepare
    ec2.on(DescribeVpcsCommand, { VpcIds: [VPC] }).resolves({
      Vpcs: [
        {
          VpcId: VPC,
          CidrBlock: '10.0.0.0/16',
          CidrBlockAssociationSet: [
            { CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
            { CidrBlock: '10.1.0.0/16', CidrBlockState: { State: 'associated' } },
            { CidrBlock: '10.9.0.0/16', CidrBlockState: { State: 'disassociated' } },
          ],
        },
      ],
    });
    // Act
    const blocks = await makeVpcs(new EC2Client({})).cidrBlocks(VPC);
    // Assess
    expect(blocks).toEqual(['10.0.0.0/16', '10.1.0.0/16']);
  });

  it('falls back to the primary CIDR block when no association is reported', async () => {
    // Prepare
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: VPC, CidrBlock: '10.0.0.0/16' }] });
    // Act
    const blocks = await makeVpcs(new EC2Client({})).cidrBlocks(VPC);
    // Assess
    expect(blocks).toEqual(['10.0.0.0/16']);
  });

  it('reports a VPC that is not returned as InvalidVpcID.NotFound, not as a VPC without CIDRs', async () => {
    // Prepare
    ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [] });
    // Act
    const read = makeVpcs(new EC2Client({})).cidrBlocks(VPC);
    // Assess
    await expect(read).rejects.toMatchObject({ code: 'InvalidVpcID.NotFound', retryable: false });
  });
});

describe('ENI adapter', () => {
  it('reads one ENI by filter and reports its VPC and the instance it is attached to', async () => {
    // Prepare
    ec2.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [
        { NetworkInterfaceId: NODE2.eni, VpcId: VPC, Attachment: { InstanceId: NODE2.instanceId } },
      ],
    });
    // Act
    const eni = await makeEnis(new EC2Client({})).describe(NODE2.eni);
    // Assess
    expect(eni).toEqual({ exists: true, vpcId: VPC, attachedInstanceId: NODE2.instanceId });
    expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, {
      Filters: [{ Name: 'network-interface-id', Values: [NODE2.eni] }],
    });
  });

  it('reports an ENI that is not returned as not existing, and a detached one without an instance', async () => {
    // Prepare
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [] })
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: NODE2.eni, VpcId: VPC }] });
    const enis = makeEnis(new EC2Client({}));
    // Act
    const gone = await enis.describe(NODE2.eni);
    const detached = await enis.describe(NODE2.eni);
    // Assess
    expect(gone).toEqual({ exists: false });
    expect(detached).toEqual({ exists: true, vpcId: VPC });
  });

  it('turns a refused read into an AwsCallError carrying the EC2 code', async () => {
    // Prepare
    ec2.on(DescribeNetworkInterfacesCommand).rejects(ec2Error('UnauthorizedOperation', 403));
    // Act
    const failure = makeEnis(new EC2Client({})).describe(NODE2.eni);
    // Assess
    await expect(failure).rejects.toMatchObject({
      name: 'AwsCallError',
      code: 'UnauthorizedOperation',
      retryable: false,
    });
  });
});

describe('toAwsCallError', () => {
  it.each([
    ['RequestLimitExceeded', ec2Error('RequestLimitExceeded', 503)],
    ['ThrottlingException with a 400', ec2Error('ThrottlingException', 400)],
    ['InternalError', ec2Error('InternalError', 500, 'server')],
    ['Unavailable', ec2Error('Unavailable', 503, 'server')],
    ['a 5xx without a server fault flag', ec2Error('ServiceUnavailable', 502)],
    [
      'a timeout with no HTTP response',
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
    ],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
  ])('classifies %s as retryable', (_what, error) => {
    // Prepare
    // Act
    const translated = toAwsCallError(error, 'ReplaceRoute');
    // Assess
    expect(translated.retryable).toBe(true);
    expect(translated.cause).toBe(error);
  });

  it.each([
    ['UnauthorizedOperation', 403],
    ['InvalidRoute.NotFound', 400],
    ['InvalidNetworkInterfaceID.NotFound', 400],
    ['InvalidRouteTableID.NotFound', 400],
    ['InvalidParameterValue', 400],
    ['AuthFailure', 401],
  ])('classifies %s (HTTP %i) as not retryable, keeping its code', (code, status) => {
    // Prepare
    const error = ec2Error(code, status);
    // Act
    const translated = toAwsCallError(error, 'ReplaceRoute');
    // Assess
    expect(translated).toMatchObject({ code, retryable: false });
    expect(translated.message).toBe(`ReplaceRoute failed: ${code}: ${code} (test)`);
    expect(translated.cause).toBe(error);
  });

  it('classifies an error without an HTTP answer as retryable, as the node notifier does', () => {
    // Prepare: before the rule was one, the domain called this "not retryable" and lk-notify "retryable".
    const error = new TypeError("Cannot read properties of undefined (reading 'Routes')");
    // Act
    const inAdapter = toAwsCallError(error, 'DescribeRouteTables');
    const inDomain = toAwsCallError(error);
    // Assess
    expect(inAdapter).toMatchObject({ code: 'TypeError', retryable: true });
    expect(inDomain).toMatchObject({ code: 'TypeError', retryable: true });
  });

  it('classifies a 4xx answer as not retryable and a 429 as retryable', () => {
    // Prepare
    const denied = { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } };
    const tooMany = { name: 'SlowDown', $metadata: { httpStatusCode: 429 } };
    // Act
    const results = [toAwsCallError(denied, 'ReplaceRoute'), toAwsCallError(tooMany, 'PutEvents')];
    // Assess
    expect(results.map((r) => r.retryable)).toEqual([false, true]);
  });

  it('passes an AwsCallError through unchanged', () => {
    // Prepare
    const error = new AwsCallError('already translated', 'RouteMissing', false);
    // Act
    const translated = toAwsCallError(error, 'ReplaceRoute');
    // Assess
    expect(translated).toBe(error);
  });
});

describe('VIP state table adapter', () => {
  const TABLE = 'routekeeper-test-state';
  const store = () =>
    makeVipRecordStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), TABLE);
  const conditionFailed = (item?: Record<string, unknown>) =>
    new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: { httpStatusCode: 400 },
      ...(item === undefined ? {} : { Item: marshall(item) }),
    });

  it('accepts a claim with the fence condition and returns the record it replaced', async () => {
    // Prepare
    const previous = appliedRecord(NODE1, 1_000);
    dynamodb.on(UpdateCommand).resolves({ Attributes: { pk: 'lk-demo#10.1.0.10', ...previous } });
    const now = new Date('2026-11-25T10:00:00.000Z');
    // Act
    const result = await store().advance(claim(NODE2, 2_000), now);
    // Assess
    expect(result).toEqual({ accepted: true, previous });
    expect(dynamodb).toReceiveCommandExactlyOnceWith(UpdateCommand, {
      TableName: TABLE,
      Key: { pk: 'lk-demo#10.1.0.10' },
      ConditionExpression:
        'attribute_not_exists(#pk) OR #token < :token OR (#token = :token AND #owner = :node)',
      ExpressionAttributeValues: expect.objectContaining({
        ':node': 'node2',
        ':eni': NODE2.eni,
        ':token': 2_000,
        ':intent': 'INTENT',
        ':now': '2026-11-25T10:00:00.000Z',
      }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('accepts the first claim of a VIP with no previous record', async () => {
    // Prepare
    dynamodb.on(UpdateCommand).resolves({});
    // Act
    const result = await store().advance(claim(NODE2, 2_000), new Date());
    // Assess
    expect(result).toEqual({ accepted: true, previous: undefined });
  });

  it('returns the winning record from the failed condition check, without another read', async () => {
    // Prepare
    const winner = appliedRecord(NODE2, 3_000);
    dynamodb.on(UpdateCommand).rejects(conditionFailed({ pk: 'lk-demo#10.1.0.10', ...winner }));
    // Act
    const result = await store().advance(claim(NODE1, 2_000), new Date());
    // Assess
    expect(result).toEqual({ accepted: false, current: winner });
    expect(dynamodb).toReceiveCommandTimes(GetCommand, 0);
  });

  it('turns any other failure of the fence write into an AwsCallError', async () => {
    // Prepare
    dynamodb.on(UpdateCommand).rejects(
      new DynamoDBServiceException({
        name: 'ProvisionedThroughputExceededException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'slow down',
      }),
    );
    // Act
    const error = await rejection(store().advance(claim(NODE2, 2_000), new Date()));
    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({
      code: 'ProvisionedThroughputExceededException',
      retryable: true,
    });
  });

  it('reads the record with a strongly consistent read', async () => {
    // Prepare
    const record = appliedRecord(NODE2, 2_000);
    dynamodb.on(GetCommand).resolves({ Item: { pk: 'lk-demo#10.1.0.10', ...record } });
    // Act
    const read = await store().read('lk-demo', '10.1.0.10');
    // Assess
    expect(read).toEqual(record);
    expect(dynamodb).toReceiveCommandWith(GetCommand, {
      TableName: TABLE,
      Key: { pk: 'lk-demo#10.1.0.10' },
      ConsistentRead: true,
    });
  });

  it('reads nothing as undefined', async () => {
    // Prepare
    dynamodb.on(GetCommand).resolves({});
    // Act
    const read = await store().read('lk-demo', '10.1.0.10');
    // Assess
    expect(read).toBeUndefined();
  });

  it('marks the phase of the claim that still holds the record', async () => {
    // Prepare
    dynamodb.on(UpdateCommand).resolves({});
    // Act
    const marked = await store().markPhase(claim(NODE2, 2_000), 'APPLIED', new Date());
    // Assess
    expect(marked).toEqual({ current: true });
    expect(dynamodb).toReceiveCommandWith(UpdateCommand, {
      ConditionExpression: '#token = :token AND #owner = :node',
      ExpressionAttributeValues: expect.objectContaining({
        ':phase': 'APPLIED',
        ':token': 2_000,
        ':node': 'node2',
      }),
    });
  });

  it('returns the newer record, writing nothing, when a newer claim has replaced ours', async () => {
    // Prepare
    dynamodb.on(UpdateCommand).rejects(conditionFailed({ ...appliedRecord(NODE1, 3_000) }));
    // Act
    const marked = await store().markPhase(claim(NODE2, 2_000), 'APPLIED', new Date());
    // Assess
    expect(marked).toEqual({ current: false, record: appliedRecord(NODE1, 3_000) });
    expect(dynamodb).toReceiveCommandWith(UpdateCommand, {
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });
});

describe('Transit Gateway adapter', () => {
  const tgw = () => makeTransitGatewayRoutes(new EC2Client({}), new EC2Client({}));

  it('searches the exact VIP route and maps routes and attachments', async () => {
    // Prepare
    ec2.on(SearchTransitGatewayRoutesCommand).resolves({
      Routes: [
        {
          DestinationCidrBlock: DESTINATION,
          Type: 'static',
          State: 'active',
          TransitGatewayAttachments: [
            { TransitGatewayAttachmentId: TGW_ATTACHMENT, ResourceId: VPC, ResourceType: 'vpc' },
          ],
        },
        { DestinationCidrBlock: '10.1.0.0/16', Type: 'propagated', State: 'active' },
      ],
      AdditionalRoutesAvailable: false,
    });
    // Act
    const result = await tgw().exactRoutes(TGW_RTB, DESTINATION);
    // Assess
    expect(result).toEqual({
      routes: [{ type: 'static', state: 'active', attachmentIds: [TGW_ATTACHMENT] }],
      complete: true,
    });
    expect(ec2).toReceiveCommandWith(SearchTransitGatewayRoutesCommand, {
      TransitGatewayRouteTableId: TGW_RTB,
      Filters: [{ Name: 'route-search.exact-match', Values: [DESTINATION] }],
    });
  });

  it('reports the search as incomplete when more routes are available', async () => {
    // Prepare
    ec2.on(SearchTransitGatewayRoutesCommand).resolves({
      Routes: [{ DestinationCidrBlock: DESTINATION, Type: 'static', State: 'blackhole' }],
      AdditionalRoutesAvailable: true,
    });
    // Act
    const result = await tgw().exactRoutes(TGW_RTB, DESTINATION);
    // Assess
    expect(result).toEqual({
      routes: [{ type: 'static', state: 'blackhole', attachmentIds: [] }],
      complete: false,
    });
  });

  it.each([
    ['createRoute', CreateTransitGatewayRouteCommand],
    ['replaceRoute', ReplaceTransitGatewayRouteCommand],
  ] as const)('%s targets the cluster VPC attachment', async (method, command) => {
    // Prepare
    ec2.on(command).resolves({});
    // Act
    await tgw()[method](TGW_RTB, DESTINATION, TGW_ATTACHMENT);
    // Assess
    expect(ec2).toReceiveCommandExactlyOnceWith(command, {
      TransitGatewayRouteTableId: TGW_RTB,
      DestinationCidrBlock: DESTINATION,
      TransitGatewayAttachmentId: TGW_ATTACHMENT,
    });
  });
});

describe('event bus adapter', () => {
  const BUS = 'routekeeper-test-bus';
  const publisher = () => makeEventPublisher(new EventBridgeClient({}), BUS);

  it('publishes the detail as JSON from the routekeeper source', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    // Act
    await publisher().publish('Route Switch Completed', { outcome: 'Switched' });
    // Assess
    expect(eventBridge).toReceiveCommandExactlyOnceWith(PutEventsCommand, {
      Entries: [
        {
          EventBusName: BUS,
          Source: 'routekeeper',
          DetailType: 'Route Switch Completed',
          Detail: '{"outcome":"Switched"}',
        },
      ],
    });
  });

  it('throws PublishError when the bus fails an entry', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    // Act
    const error = await rejection(publisher().publish('Route Switch Failed', {}));
    // Assess
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).message).toBe(
      `PutEvents rejected "Route Switch Failed" on ${BUS}: InternalFailure try again`,
    );
  });
});
