/**
 * Rules of the configuration schema that mutation testing found unpinned: the signing section's cross
 * checks, the id and expression patterns at both ends, the defaults a user relies on, and how the error
 * names itself.
 */
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  parseConfig,
  type RoutekeeperConfigInput,
} from '../../../../shared/config/schema';
import { toBase64Url } from '../../../../shared/core/lkrc';
import { fixtureConfigInput } from '../../../support/guide';

type Raw = RoutekeeperConfigInput & { clusters: Record<string, unknown>[] };
type Cluster = RoutekeeperConfigInput['clusters'][number];

/** The fixture with its first cluster changed by `change`. */
const withCluster = (change: (cluster: Cluster, raw: Raw) => void): Raw => {
  const raw = fixtureConfigInput() as Raw;
  change(raw.clusters[0] as Cluster, raw);
  return raw;
};

const problemsOf = (raw: unknown): readonly string[] => {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

const publicKey = (kid: string, node: string) => ({
  kid,
  node,
  publicKey: toBase64Url(new Uint8Array(32).fill(kid.length)),
});

describe('parseConfig: the signing section', () => {
  it('accepts a cluster without a signing section', () => {
    // Prepare
    const raw = withCluster((cluster) => {
      delete cluster.signing;
    });
    // Act + Assess
    expect(problemsOf(raw)).toEqual([]);
  });

  it('accepts two clusters that trust configured public keys and name no key store', () => {
    // Prepare
    const raw = withCluster((cluster, config) => {
      cluster.signing = {
        publicKeys: [publicKey('node1.a', 'node1'), publicKey('node2.a', 'node2')],
      };
      const other = structuredClone(cluster) as Cluster;
      other.name = 'lk-dr';
      other.vpcId = 'vpc-0b1b2c3d4e5f60718';
      other.vpcCidrs = ['10.2.0.0/16'];
      other.nodes = other.nodes.map((node, n) => ({
        ...node,
        eniId: `eni-0b1b2c3d4e5f6071${n}`,
        roleArn: `arn:aws:iam::123456789012:role/lk-dr-node${n + 1}`,
      }));
      other.vips = [{ address: '10.3.0.10', routeTables: ['rtb-0b1b2c3d4e5f60701'] }];
      config.clusters.push(other);
    });
    // Act + Assess
    expect(problemsOf(raw)).toEqual([]);
  });

  it('refuses a key id listed twice', () => {
    // Prepare
    const raw = withCluster((cluster) => {
      cluster.signing = {
        publicKeys: [publicKey('node1.a', 'node1'), publicKey('node1.a', 'node1')],
      };
    });
    // Act + Assess
    expect(problemsOf(raw)).toEqual([
      'clusters[0].signing.publicKeys: key id node1.a is listed twice',
    ]);
  });

  it('refuses a public key of a node the cluster does not have', () => {
    // Prepare
    const raw = withCluster((cluster) => {
      cluster.signing = {
        publicKeys: [publicKey('node1.a', 'node1'), publicKey('node3.a', 'node3')],
      };
    });
    // Act + Assess
    expect(problemsOf(raw)).toEqual([
      'clusters[0].signing.publicKeys[1].node: node "node3" is not a node of this cluster',
    ]);
  });

  it('refuses one role for two nodes of a cluster', () => {
    // Prepare
    const raw = withCluster((cluster) => {
      const [first, second] = cluster.nodes;
      if (first && second) second.roleArn = first.roleArn;
    });
    // Act + Assess
    expect(problemsOf(raw)).toEqual([
      'clusters[0].nodes: role arn:aws:iam::123456789012:role/lk-demo-node1 belongs to two nodes; each node needs its own role to bind it to its own event source',
    ]);
  });

  it('names the expected key store forms', () => {
    // Prepare
    const raw = withCluster((cluster) => {
      cluster.signing = { keyStore: 'vault:/keys' };
    });
    // Act + Assess
    expect(problemsOf(raw)).toEqual([
      'clusters[0].signing.keyStore: must be ssm:/a/parameter/path or secretsmanager:<name or ARN>',
    ]);
  });
});

describe('parseConfig: patterns hold at both ends', () => {
  it.each<[string, (cluster: Cluster) => void, string]>([
    [
      'a region with a prefix',
      (c) => {
        c.region = '9us-east-1';
      },
      'clusters[0].region: must be an AWS region like ap-northeast-1',
    ],
    [
      'a region with a suffix',
      (c) => {
        c.region = 'us-east-1a';
      },
      'clusters[0].region: must be an AWS region like ap-northeast-1',
    ],
    [
      'a DX gateway id with a prefix',
      (c) => {
        c.directConnectGatewayId = 'x5f6e7d8c-0000-4000-8000-000000000001';
      },
      'clusters[0].directConnectGatewayId: must be a Direct Connect gateway id (a UUID)',
    ],
    [
      'a DX gateway id with a suffix',
      (c) => {
        c.directConnectGatewayId = '5f6e7d8c-0000-4000-8000-0000000000011';
      },
      'clusters[0].directConnectGatewayId: must be a Direct Connect gateway id (a UUID)',
    ],
    [
      'a role ARN with a prefix',
      (c) => {
        const [node] = c.nodes;
        if (node) node.roleArn = 'xarn:aws:iam::123456789012:role/lk-node1';
      },
      'clusters[0].nodes[0].roleArn: must be an IAM role ARN like arn:aws:iam::123456789012:role/lk-node1',
    ],
    [
      'a role ARN with a character IAM never uses',
      (c) => {
        const [node] = c.nodes;
        if (node) node.roleArn = 'arn:aws:iam::123456789012:role/lk node1';
      },
      'clusters[0].nodes[0].roleArn: must be an IAM role ARN like arn:aws:iam::123456789012:role/lk-node1',
    ],
  ])('refuses %s', (_, change, problem) => {
    // Act + Assess
    expect(problemsOf(withCluster(change))).toEqual([problem]);
  });

  it.each<[string, (cluster: Cluster) => void]>([
    [
      'a region of three parts',
      (c) => {
        c.region = 'us-gov-west-1';
      },
    ],
    [
      'a role ARN of another partition',
      (c) => {
        const [first, second] = c.nodes;
        if (first) first.roleArn = 'arn:aws-cn:iam::123456789012:role/lk-node1';
        if (second) second.roleArn = 'arn:aws-cn:iam::123456789012:role/lk-node2';
      },
    ],
  ])('accepts %s', (_, change) => {
    // Act + Assess
    expect(problemsOf(withCluster(change))).toEqual([]);
  });

  it.each(['rate(1 minute)', 'rate(10 minutes)', 'rate(1 hour)', 'rate(12 hours)'])(
    'accepts the drift schedule %s',
    (driftSchedule) => {
      // Act + Assess
      expect(problemsOf({ ...fixtureConfigInput(), driftSchedule })).toEqual([]);
    },
  );

  it.each([
    'rate(0 hours)',
    'rate(5 minutes) ',
    'xrate(5 minutes)',
    'rate(1x hours)',
    'rate(5  hours)',
  ])('refuses the drift schedule %j', (driftSchedule) => {
    // Act + Assess
    expect(problemsOf({ ...fixtureConfigInput(), driftSchedule })).toEqual([
      'driftSchedule: must be a rate expression like rate(1 minute) or rate(5 minutes)',
    ]);
  });
});

describe('parseConfig: defaults', () => {
  it('fills in what a minimal cluster leaves out', () => {
    // Prepare
    const raw = withCluster((cluster) => {
      delete cluster.thresholds;
      delete cluster.onPremisesCidrs;
      cluster.vips = [{ address: '10.1.0.10', routeTables: ['rtb-0a1b2c3d4e5f60701'] }];
    });
    // Act
    const [cluster] = parseConfig(raw).clusters;
    // Assess
    expect(cluster?.onPremisesCidrs).toEqual([]);
    expect(cluster?.thresholds).toEqual({
      heartbeatMaxAgeSeconds: 90,
      clockSkewMaxMs: 2_000,
      flapMaxChanges: 3,
      flapWindowMinutes: 60,
      repairGraceSeconds: 120,
    });
    expect(cluster?.vips[0]).toMatchObject({
      discoverRouteTables: false,
      createMissingRoute: false,
    });
  });

  it('manages no listed table when a VIP only discovers', () => {
    // Prepare
    const raw = withCluster((cluster) => {
      cluster.vips = [{ address: '10.1.0.10', discoverRouteTables: true }];
    });
    // Act + Assess
    expect(parseConfig(raw).clusters[0]?.vips[0]?.routeTables).toEqual([]);
  });

  it('requires the Transit Gateway when any one VIP has a TGW route', () => {
    // Prepare
    const raw = withCluster((cluster) => {
      const [vip] = cluster.vips;
      delete cluster.transitGatewayId;
      cluster.vips = [
        vip as Cluster['vips'][number],
        { address: '10.1.0.11', routeTables: ['rtb-0a1b2c3d4e5f60701'] },
      ];
    });
    // Act + Assess
    expect(problemsOf(raw)).toEqual([
      'clusters[0].transitGatewayId: is required when a VIP has a transitGatewayRoute',
    ]);
  });
});

describe('ConfigError', () => {
  it('names itself and the configuration when no origin is given', () => {
    // Prepare
    const raw = withCluster((cluster) => {
      cluster.region = 'nowhere';
    });
    // Act
    const error = (() => {
      try {
        parseConfig(raw);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected parseConfig to throw');
    })();
    // Assess
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe(
      'configuration is invalid:\n  - clusters[0].region: must be an AWS region like ap-northeast-1',
    );
  });
});

describe('parseConfig: the network account', () => {
  const ROLE = 'arn:aws:iam::222222222222:role/routekeeper-network';

  it.each(['has space', 'x', `${'a'.repeat(1225)}`, 'tab\there'])(
    'refuses the external id %j, naming what it may hold',
    (externalId) => {
      // Prepare
      const raw = withCluster((cluster) => {
        Object.assign(cluster, { network: { roleArn: ROLE, externalId } });
      });
      // Act + Assess
      expect(problemsOf(raw)).toEqual([
        'clusters[0].network.externalId: must be 2-1224 characters of letters, digits and +=,.@:/-_',
      ]);
    },
  );

  it('accepts a network role with an external id of the allowed characters', () => {
    // Prepare
    const raw = withCluster((cluster) => {
      Object.assign(cluster, {
        network: { roleArn: ROLE, externalId: 'rk-2026:ops/a=b,c.d@e+f_g' },
      });
    });
    // Act + Assess
    expect(problemsOf(raw)).toEqual([]);
  });

  it('refuses a TGW route table reached through a role in one cluster and without one in another', () => {
    // Prepare: a second cluster names the same TGW route table, through the network account's role.
    const raw = withCluster((cluster, config) => {
      const other = structuredClone(cluster) as Cluster;
      other.name = 'lk-dr';
      other.vpcId = 'vpc-0b1b2c3d4e5f60718';
      other.vpcCidrs = ['10.2.0.0/16'];
      other.nodes = other.nodes.map((node, n) => ({
        ...node,
        eniId: `eni-0b1b2c3d4e5f6071${n}`,
        roleArn: `arn:aws:iam::123456789012:role/lk-dr-node${n + 1}`,
      }));
      const [vip] = cluster.vips;
      other.vips = [{ ...(vip as Cluster['vips'][number]), address: '10.3.0.10' }];
      Object.assign(other, { network: { roleArn: ROLE } });
      other.signing = { keyStore: 'ssm:/routekeeper/dev/lk-dr/keys' };
      config.clusters.push(other);
    });
    const table = (raw.clusters[0] as Cluster).vips[0]?.transitGatewayRoute?.routeTableId;
    // Act + Assess
    expect(problemsOf(raw)).toEqual([
      `clusters[1].vips[0].transitGatewayRoutes[0].routeTableId: ${table} is reached through ${ROLE} here but without one in cluster "lk-demo"; a route table belongs to one account`,
    ]);
  });

  it('needs no Transit Gateway when no VIP has a TGW route', () => {
    // Prepare
    const raw = withCluster((cluster) => {
      delete cluster.transitGatewayId;
      cluster.vips = [{ address: '10.1.0.10', routeTables: ['rtb-0a1b2c3d4e5f60701'] }];
    });
    // Act + Assess
    expect(problemsOf(raw)).toEqual([]);
  });
});
