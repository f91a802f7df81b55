/**
 * A route-switch world for unit tests: the guide's topology at the fixture's ids (./guide.ts), its
 * configuration, and in-memory fakes holding the cluster VPC's route tables (on node1's ENI), a table of
 * another VPC that carries the same VIP, and a Transit Gateway route already in place.
 */

import { CLUSTER, GUIDE, VIP } from '../../dev/guide';
import {
  parseConfig,
  type RoutekeeperConfig,
  type RoutekeeperConfigInput,
} from '../../shared/config/schema';
import type { SwitchCommand } from '../../shared/domain/switch/command';
import type { SwitchDeps, SwitchSettings, VipRecord } from '../../shared/domain/switch/ports';
import {
  FakeBus,
  FakeClock,
  FakeEnis,
  FakeRouteTables,
  FakeTransitGateway,
  FakeVipRecordStore,
  FakeVpcs,
} from './fakes';
import { fixtureConfigInput, ID } from './guide';

export { CLUSTER, VIP };
export const DESTINATION = `${VIP}/32`;
export const VPC = ID.vpc;
export const NODE1 = { name: 'node1', eni: ID.node1.eni, instanceId: ID.node1.instance } as const;
export const NODE2 = { name: 'node2', eni: ID.node2.eni, instanceId: ID.node2.instance } as const;
/** The tables the fixture lists for the VIP. */
export const RTB1 = ID.table1;
export const RTB2 = ID.table2;
/** A table of the cluster VPC that is not listed but carries the VIP route (found by discovery). */
export const RTB_DISCOVERED = 'rtb-0a1b2c3d4e5f60703';
/** Another VPC whose route table routes the same VIP to its own ENI. */
export const OTHER_VPC = ID.otherVpc;
export const OTHER_VPC_RTB = ID.otherTable;
export const OTHER_VPC_ENI = ID.otherEni;
export const TGW_RTB = ID.tgwTable;
export const TGW_ATTACHMENT = ID.attachment;

type VipInput = RoutekeeperConfigInput['clusters'][number]['vips'][number];

/** The fixture configuration, cloned, with the VIP's settings overridden. */
export const testConfig = (vip: Partial<VipInput> = {}): RoutekeeperConfig => {
  const raw = fixtureConfigInput();
  const [cluster] = raw.clusters;
  const [first] = cluster?.vips ?? [];
  Object.assign(first ?? {}, vip);
  return parseConfig(raw);
};

export const SETTINGS: SwitchSettings = {
  verifyBudgetMs: 1_000,
  writeConcurrency: 10,
  maxRounds: 3,
};

export interface World {
  readonly state: FakeVipRecordStore;
  readonly routes: FakeRouteTables;
  readonly vpcs: FakeVpcs;
  readonly enis: FakeEnis;
  readonly tgw: FakeTransitGateway;
  readonly clock: FakeClock;
  readonly bus: FakeBus;
  readonly deps: SwitchDeps;
}

export const makeWorld = (
  vip: Partial<VipInput> = {},
  settings: Partial<SwitchSettings> = {},
): World => {
  const state = new FakeVipRecordStore();
  const routes = new FakeRouteTables()
    .addTable(RTB1, VPC, DESTINATION, { eniId: NODE1.eni, state: 'active' })
    .addTable(RTB2, VPC, DESTINATION, { eniId: NODE1.eni, state: 'active' })
    .addTable(OTHER_VPC_RTB, OTHER_VPC, DESTINATION, { eniId: OTHER_VPC_ENI, state: 'active' });
  const vpcs = new FakeVpcs({ [VPC]: [GUIDE.vpcCidr], [OTHER_VPC]: [GUIDE.otherVpc.cidr] });
  const enis = new FakeEnis(
    new Map(
      [NODE1, NODE2].map((node) => [node.eni, { vpcId: VPC, attachedInstanceId: node.instanceId }]),
    ),
  );
  const tgw = new FakeTransitGateway();
  tgw.routes = [{ type: 'static', state: 'active', attachmentIds: [TGW_ATTACHMENT] }];
  const clock = new FakeClock();
  const bus = new FakeBus();
  const deps: SwitchDeps = {
    config: testConfig(vip),
    state,
    bus,
    routes,
    vpcs,
    enis,
    tgw,
    now: clock.now,
    sleep: clock.sleep,
    settings: { ...SETTINGS, ...settings },
  };
  return { state, routes, vpcs, enis, tgw, clock, bus, deps };
};

/** A claim of the VIP by a node, resolved as routeSwitch resolves it (the ENI comes from the configuration). */
export const claim = (
  node: { readonly name: string; readonly eni: string },
  orderToken: number,
): SwitchCommand => ({
  cluster: CLUSTER,
  vip: VIP,
  node: node.name,
  eni: node.eni,
  orderToken,
  idempotencyKey: `failover#${CLUSTER}#${VIP}#${node.name}#${orderToken}`,
  reason: 'failover',
});

/** A fence record as left behind by an applied claim. */
export const appliedRecord = (
  node: { readonly name: string; readonly eni: string },
  orderToken: number,
): VipRecord => {
  const { node: owner, ...fields } = claim(node, orderToken);
  return { ...fields, owner, phase: 'APPLIED', updatedAt: '2026-11-25T09:00:00.000Z' };
};

/** A newer claim lands once, just before the first route write (a claim that overtakes the one being applied). */
export const newerClaimDuringFirstWrite = (world: World, newer: SwitchCommand): void => {
  let landed = false;
  world.routes.beforeWrite = async () => {
    if (landed) return;
    landed = true;
    await world.state.advance(newer, world.clock.now());
  };
};

/** Where each table routes the VIP right now. */
export const targets = (routes: FakeRouteTables, ids: readonly string[]): Record<string, string> =>
  Object.fromEntries(ids.map((id) => [id, routes.target(id, DESTINATION)]));
