/**
 * In-memory, stateful fakes of the domain's ports (the flows' ports.ts). They behave like the AWS
 * resources behind the adapters (a conditional write, route tables filtered by VPC, a TGW route table),
 * keep a log of every call, and let a test inject faults at the places AWS produces them.
 */
import { AwsCallError, PublishError } from '../../shared/core/errors';
import type { EventPublisher } from '../../shared/core/ports';
import type {
  AdvanceResult,
  Claim,
  Enis,
  EniView,
  Phase,
  RouteTables,
  RouteTableView,
  TgwRouteView,
  TransitGatewayRoutes,
  VipRecord,
  VipRecordStore,
  Vpcs,
} from '../../shared/domain/switch/ports';

/** An EC2 client error as the adapters report it: a 4xx is not retryable, throttling and 5xx are. */
export const awsError = (code: string, retryable = false): AwsCallError =>
  new AwsCallError(`fake call failed: ${code}`, code, retryable);

/**
 * The fence record in a fake table. `advance` is a conditional write whose condition is written the way
 * the DynamoDB ConditionExpression of shared/aws/vip-records.ts is, so that it can be checked against
 * shared/domain/switch/fence.ts decideFence rather than borrowed from it.
 */
export class FakeVipRecordStore implements VipRecordStore {
  /** Every version of every record, in the order written: the fence must only ever move forward. */
  readonly history: VipRecord[] = [];
  private readonly records = new Map<string, VipRecord>();
  /** When set, advance fails with it (a throttled or unreachable table). */
  advanceError: Error | undefined;

  static condition(current: VipRecord | undefined, claim: Claim): boolean {
    return (
      current === undefined ||
      current.orderToken < claim.orderToken ||
      (current.orderToken === claim.orderToken && current.owner === claim.node)
    );
  }

  seed(record: VipRecord): void {
    this.put(record);
  }

  current(cluster: string, vip: string): VipRecord | undefined {
    return this.records.get(`${cluster}#${vip}`);
  }

  async advance(claim: Claim, now: Date): Promise<AdvanceResult> {
    if (this.advanceError !== undefined) throw this.advanceError;
    const previous = this.current(claim.cluster, claim.vip);
    if (!FakeVipRecordStore.condition(previous, claim)) {
      return { accepted: false, current: previous as VipRecord };
    }
    this.put({
      cluster: claim.cluster,
      vip: claim.vip,
      owner: claim.node,
      eni: claim.eni,
      orderToken: claim.orderToken,
      idempotencyKey: claim.idempotencyKey,
      reason: claim.reason,
      phase: 'INTENT',
      updatedAt: now.toISOString(),
    });
    return { accepted: true, previous };
  }

  async read(cluster: string, vip: string): Promise<VipRecord | undefined> {
    return this.current(cluster, vip);
  }

  async markPhase(claim: Claim, phase: Phase, now: Date): ReturnType<VipRecordStore['markPhase']> {
    const current = this.current(claim.cluster, claim.vip);
    if (current?.orderToken !== claim.orderToken || current.owner !== claim.node) {
      return { current: false, record: current };
    }
    this.put({ ...current, phase, updatedAt: now.toISOString() });
    return { current: true };
  }

  private put(record: VipRecord): void {
    this.records.set(`${record.cluster}#${record.vip}`, record);
    this.history.push(record);
  }
}

export interface FakeRoute {
  readonly eniId?: string;
  readonly otherTarget?: string;
  readonly state: string;
}

export type RouteCall =
  | { readonly op: 'withRoute'; readonly vpcId: string; readonly destination: string }
  | {
      readonly op: 'byIds';
      readonly vpcId: string;
      readonly routeTableIds: readonly string[];
      readonly destination: string;
    }
  | {
      readonly op: 'replaceRoute' | 'createRoute';
      readonly routeTableId: string;
      readonly destination: string;
      readonly eniId: string;
    };

export type RouteWrite = Extract<RouteCall, { op: 'replaceRoute' | 'createRoute' }>;

interface FakeTable {
  readonly vpcId: string;
  readonly routes: Map<string, FakeRoute>;
}

/**
 * Route tables of several VPCs, filtered by VPC on every read as the adapter's `vpc-id` filter does.
 * Writes fail the way EC2 does: unknown table, unknown route, unknown ENI, or an injected error.
 */
export class FakeRouteTables implements RouteTables {
  readonly calls: RouteCall[] = [];
  /** After a write, this many reads of the table still show the route as it was (eventual consistency). */
  staleReadsAfterWrite = 0;
  /** Simulates an adapter bug: reads return the tables of every VPC, not only the requested one. */
  leaksOtherVpcs = false;
  /** Runs before every write takes effect: a concurrent actor's chance to change the world. */
  beforeWrite: ((write: RouteWrite) => void | Promise<void>) | undefined;
  private readonly tables = new Map<string, FakeTable>();
  private readonly writeErrors = new Map<string, Error>();
  private readonly deletedEnis = new Set<string>();
  private readonly stale = new Map<string, { route: FakeRoute | undefined; reads: number }>();

  addTable(routeTableId: string, vpcId: string, destination: string, route?: FakeRoute): this {
    const routes = new Map<string, FakeRoute>();
    if (route !== undefined) routes.set(destination, route);
    this.tables.set(routeTableId, { vpcId, routes });
    return this;
  }

  deleteTable(routeTableId: string): void {
    this.tables.delete(routeTableId);
  }

  deleteRoute(routeTableId: string, destination: string): void {
    this.tables.get(routeTableId)?.routes.delete(destination);
  }

  /** The ENI no longer exists: writes naming it fail with InvalidNetworkInterfaceID.NotFound. */
  deleteEni(eniId: string): void {
    this.deletedEnis.add(eniId);
  }

  /** Every write to the table fails with the error. */
  failWrites(routeTableId: string, error: Error): void {
    this.writeErrors.set(routeTableId, error);
  }

  /** The true target of the destination in a table: an ENI, another target, or 'none'. */
  target(routeTableId: string, destination: string): string {
    const route = this.tables.get(routeTableId)?.routes.get(destination);
    return route?.eniId ?? route?.otherTarget ?? 'none';
  }

  get writes(): RouteWrite[] {
    return this.calls.filter(
      (call): call is RouteWrite => call.op !== 'withRoute' && call.op !== 'byIds',
    );
  }

  writesTo(routeTableId: string): RouteWrite[] {
    return this.writes.filter((write) => write.routeTableId === routeTableId);
  }

  async withRoute(vpcId: string, destination: string): Promise<RouteTableView[]> {
    this.calls.push({ op: 'withRoute', vpcId, destination });
    return [...this.tables.keys()]
      .filter((id) => this.inVpc(id, vpcId))
      .map((id) => this.view(id, destination))
      .filter((view) => view.vipRoute !== undefined);
  }

  async byIds(
    vpcId: string,
    routeTableIds: readonly string[],
    destination: string,
  ): Promise<RouteTableView[]> {
    this.calls.push({ op: 'byIds', vpcId, routeTableIds: [...routeTableIds], destination });
    return routeTableIds
      .filter((id) => this.inVpc(id, vpcId))
      .map((id) => this.view(id, destination));
  }

  /** Whether a read filtered by VPC returns the table (every existing table, when the filter leaks). */
  private inVpc(routeTableId: string, vpcId: string): boolean {
    const table = this.tables.get(routeTableId);
    return table !== undefined && (this.leaksOtherVpcs || table.vpcId === vpcId);
  }

  async replaceRoute(routeTableId: string, destination: string, eniId: string): Promise<void> {
    await this.write({ op: 'replaceRoute', routeTableId, destination, eniId });
  }

  async createRoute(routeTableId: string, destination: string, eniId: string): Promise<void> {
    await this.write({ op: 'createRoute', routeTableId, destination, eniId });
  }

  private async write(write: RouteWrite): Promise<void> {
    this.calls.push(write);
    await this.beforeWrite?.(write);
    const injected = this.writeErrors.get(write.routeTableId);
    if (injected !== undefined) throw injected;
    const table = this.tables.get(write.routeTableId);
    if (table === undefined) throw awsError('InvalidRouteTableID.NotFound');
    if (this.deletedEnis.has(write.eniId)) throw awsError('InvalidNetworkInterfaceID.NotFound');
    const before = table.routes.get(write.destination);
    if (write.op === 'replaceRoute' && before === undefined)
      throw awsError('InvalidRoute.NotFound');
    if (write.op === 'createRoute' && before !== undefined) throw awsError('RouteAlreadyExists');
    if (this.staleReadsAfterWrite > 0) {
      this.stale.set(write.routeTableId, { route: before, reads: this.staleReadsAfterWrite });
    }
    table.routes.set(write.destination, { eniId: write.eniId, state: 'active' });
  }

  private view(routeTableId: string, destination: string): RouteTableView {
    const table = this.tables.get(routeTableId) as FakeTable;
    let route = table.routes.get(destination);
    const stale = this.stale.get(routeTableId);
    if (stale !== undefined && stale.reads > 0) {
      stale.reads -= 1;
      route = stale.route;
    }
    return {
      routeTableId,
      vpcId: table.vpcId,
      ...(route === undefined ? {} : { vipRoute: { ...route } }),
    };
  }
}

/** The real CIDR blocks of each VPC. */
export class FakeVpcs implements Vpcs {
  readonly calls: string[] = [];
  readError: Error | undefined;

  constructor(readonly blocks: Record<string, string[]>) {}

  async cidrBlocks(vpcId: string): Promise<string[]> {
    this.calls.push(vpcId);
    if (this.readError !== undefined) throw this.readError;
    return [...(this.blocks[vpcId] ?? [])];
  }
}

/** The account's network interfaces: where each lives and what it is attached to. */
export class FakeEnis implements Enis {
  readonly calls: string[] = [];
  readError: Error | undefined;

  constructor(readonly enis: Map<string, { vpcId: string; attachedInstanceId?: string }>) {}

  async describe(eniId: string): Promise<EniView> {
    this.calls.push(eniId);
    if (this.readError !== undefined) throw this.readError;
    const eni = this.enis.get(eniId);
    return eni === undefined ? { exists: false } : { exists: true, ...eni };
  }
}

export interface TgwCall {
  readonly op: 'exactRoutes' | 'createRoute' | 'replaceRoute';
  readonly routeTableId: string;
  readonly destination: string;
  readonly attachmentId?: string;
}

/** One Transit Gateway route table's routes for the VIP destination. */
export class FakeTransitGateway implements TransitGatewayRoutes {
  readonly calls: TgwCall[] = [];
  /** The routes of every route table not in `tables`. */
  routes: TgwRouteView[] = [];
  /** Route tables with routes of their own (several TGW route tables per VIP). */
  readonly tables = new Map<string, TgwRouteView[]>();
  /** False when SearchTransitGatewayRoutes says more routes are available. */
  complete = true;
  writeError: Error | undefined;
  /** A write error for one route table only. */
  readonly writeErrors = new Map<string, Error>();

  get writes(): TgwCall[] {
    return this.calls.filter((call) => call.op !== 'exactRoutes');
  }

  private routesOf(routeTableId: string): TgwRouteView[] {
    return this.tables.get(routeTableId) ?? this.routes;
  }

  private setRoutes(routeTableId: string, routes: TgwRouteView[]) {
    if (this.tables.has(routeTableId)) this.tables.set(routeTableId, routes);
    else this.routes = routes;
  }

  private failWrite(routeTableId: string) {
    const error = this.writeErrors.get(routeTableId) ?? this.writeError;
    if (error !== undefined) throw error;
  }

  async exactRoutes(routeTableId: string, destination: string) {
    this.calls.push({ op: 'exactRoutes', routeTableId, destination });
    return {
      routes: this.routesOf(routeTableId).map((route) => ({ ...route })),
      complete: this.complete,
    };
  }

  async createRoute(routeTableId: string, destination: string, attachmentId: string) {
    this.calls.push({ op: 'createRoute', routeTableId, destination, attachmentId });
    this.failWrite(routeTableId);
    const routes = this.routesOf(routeTableId);
    if (routes.some((route) => route.type === 'static')) throw awsError('RouteAlreadyExists');
    this.setRoutes(routeTableId, [
      ...routes,
      { type: 'static', state: 'active', attachmentIds: [attachmentId] },
    ]);
  }

  async replaceRoute(routeTableId: string, destination: string, attachmentId: string) {
    this.calls.push({ op: 'replaceRoute', routeTableId, destination, attachmentId });
    this.failWrite(routeTableId);
    const routes = this.routesOf(routeTableId);
    if (!routes.some((route) => route.type === 'static')) throw awsError('InvalidRoute.NotFound');
    this.setRoutes(
      routeTableId,
      routes.map((route) =>
        route.type === 'static'
          ? { type: 'static', state: 'active', attachmentIds: [attachmentId] }
          : route,
      ),
    );
  }
}

/** A clock that only moves when the code under test sleeps. */
export class FakeClock {
  readonly sleeps: number[] = [];
  private ms: number;

  constructor(start = Date.parse('2026-11-25T10:00:00.000Z')) {
    this.ms = start;
  }

  readonly now = (): Date => new Date(this.ms);

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.ms += ms;
  };
}

/** The bus: keeps every published event; can be told to refuse the next publishes (FailedEntryCount > 0). */
export class FakeBus implements EventPublisher {
  readonly published: { detailType: string; detail: Record<string, unknown> }[] = [];
  failNext = 0;

  async publish(detailType: string, detail: object): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new PublishError(`fake bus refused "${detailType}"`);
    }
    this.published.push({ detailType, detail: detail as Record<string, unknown> });
  }
}
