import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER, GUIDE_IDS, topologyConfig, VIP } from '../../dev/guide';
import type { RoutekeeperConfigInput } from '../../shared/config/schema';

/**
 * The guide's topology (dev/guide.ts) at the unit fixture's ids: what the mocked account (account.ts) and
 * the in-memory fakes (world.ts) serve, and the configuration that goes with it.
 */

const [node1, node2] = GUIDE_IDS.nodes as [
  (typeof GUIDE_IDS.nodes)[number],
  (typeof GUIDE_IDS.nodes)[number],
];
const [table1, table2] = GUIDE_IDS.routeTables as [string, string];

export const ID = {
  vpc: GUIDE_IDS.vpcA,
  otherVpc: GUIDE_IDS.vpcB,
  tgw: GUIDE_IDS.transitGatewayId,
  tgwTable: GUIDE_IDS.tgwRouteTableId,
  attachment: GUIDE_IDS.attachmentId,
  node1: { instance: node1.instanceId, eni: node1.eniId, subnet: node1.subnetId },
  node2: { instance: node2.instanceId, eni: node2.eniId, subnet: node2.subnetId },
  table1,
  table2,
  mainTable: GUIDE_IDS.mainRouteTable,
  otherTable: GUIDE_IDS.otherVpcRouteTable,
  otherEni: GUIDE_IDS.otherVpcEni,
  dxGateway: GUIDE_IDS.dxGateway,
  vip: VIP,
} as const;

/**
 * The configuration an operator would write for the fixture: the topology's, with route-table discovery,
 * a role per node and an SSM key store. A fresh object per call.
 */
export const fixtureConfigInput = (): RoutekeeperConfigInput =>
  topologyConfig(
    GUIDE_IDS,
    { discoverRouteTables: true },
    {
      nodes: GUIDE_IDS.nodes.map(({ name, instanceId, eniId }) => ({
        name,
        instanceId,
        eniId,
        roleArn: `arn:aws:iam::123456789012:role/${CLUSTER}-${name}`,
      })),
      signing: { keyStore: `ssm:/routekeeper/dev/${CLUSTER}/keys` },
    },
  );

/** The fixture configuration in a file, as ROUTEKEEPER_CONFIG points at it. */
export const fixtureConfigFile = (): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'routekeeper-fixture-')), 'routekeeper.json');
  writeFileSync(path, JSON.stringify(fixtureConfigInput(), null, 2));
  return path;
};
