import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLUSTER } from '../../../../dev/guide';
import { CONFIG_ENV, loadConfigFile, loadConfigFromEnv } from '../../../../shared/config/load';
import {
  ConfigError,
  parseConfig,
  type RoutekeeperConfigInput,
} from '../../../../shared/config/schema';
import { fixtureConfigInput, ID } from '../../../support/guide';

type Raw = RoutekeeperConfigInput & {
  clusters: (RoutekeeperConfigInput['clusters'][number] & Record<string, unknown>)[];
} & Record<string, unknown>;

/** The valid fixture, fresh: each test breaks exactly one rule of it. */
const validRaw = (): Raw => fixtureConfigInput() as Raw;

const cluster = (raw: Raw) => raw.clusters[0] as Raw['clusters'][number];
const vip = (raw: Raw) => cluster(raw).vips[0] as Raw['clusters'][number]['vips'][number];

/** What the function throws; fails the test when it throws nothing. */
const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
};

/** The ConfigError thrown for a configuration. */
const configError = (raw: unknown): ConfigError => {
  const error = thrown(() => parseConfig(raw));
  if (error instanceof ConfigError) return error;
  throw error;
};

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'routekeeper-unit-'));

const tempFile = (name: string, text: string, dir = tempDir()): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const secondCluster = (raw: Raw) => {
  const other = structuredClone(cluster(raw));
  other.name = 'lk-dr';
  other.vpcId = 'vpc-0b1b2c3d4e5f60718';
  other.vpcCidrs = ['10.2.0.0/16'];
  other.nodes = [
    {
      name: 'node1',
      instanceId: 'i-0b1b2c3d4e5f60711',
      eniId: 'eni-0b1b2c3d4e5f60711',
      roleArn: 'arn:aws:iam::123456789012:role/lk-dr-node1',
    },
    {
      name: 'node2',
      instanceId: 'i-0b1b2c3d4e5f60722',
      eniId: 'eni-0b1b2c3d4e5f60722',
      roleArn: 'arn:aws:iam::123456789012:role/lk-dr-node2',
    },
  ];
  other.vips = [{ address: '10.3.0.10', routeTables: ['rtb-0b1b2c3d4e5f60701'] }];
  other.signing = { keyStore: 'ssm:/routekeeper/dev/lk-dr/keys' };
  return other;
};

describe('parseConfig', () => {
  it('accepts the valid fixture and fills in the defaults', () => {
    // Prepare
    const raw = validRaw();
    // Act
    const config = parseConfig(raw);
    // Assess
    expect(config.clusters).toHaveLength(1);
    expect(config.clusters[0]).toMatchObject({ name: 'lk-demo', driftMode: 'report' });
    expect(config.clusters[0]?.vips[0]).toMatchObject({
      address: '10.1.0.10',
      createMissingRoute: false,
      discoverRouteTables: true,
    });
  });

  it.each(['10.1.0.10', '10.1.0.10/32'])(
    'accepts the VIP %s and normalises it to the bare address',
    (address) => {
      // Prepare
      const raw = validRaw();
      vip(raw).address = address;
      // Act
      const config = parseConfig(raw);
      // Assess
      expect(config.clusters[0]?.vips[0]?.address).toBe('10.1.0.10');
    },
  );

  it.each([
    ['a /31 block', '10.1.0.10/31'],
    ['an IPv6 address', '2001:db8::10'],
    ['an address with a leading zero', '010.1.0.10'],
  ])('rejects %s as VIP', (_what, address) => {
    // Prepare
    const raw = validRaw();
    vip(raw).address = address;
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      'clusters[0].vips[0].address: must be a single IPv4 address, written bare or as /32',
    ]);
  });

  it('rejects a VIP inside a CIDR block of the cluster VPC', () => {
    // Prepare
    const raw = validRaw();
    cluster(raw).vpcCidrs = ['10.0.0.0/16', '10.1.0.0/20'];
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      'clusters[0].vips[0].address: VIP 10.1.0.10 lies inside the VPC CIDR 10.1.0.0/20; it must be outside every CIDR block of the cluster VPC',
    ]);
  });

  it('rejects a cluster with fewer than two nodes', () => {
    // Prepare
    const raw = validRaw();
    cluster(raw).nodes.pop();
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual(['clusters[0].nodes: a cluster needs at least two nodes']);
  });

  it('rejects two nodes with the same name', () => {
    // Prepare
    const raw = validRaw();
    const [, second] = cluster(raw).nodes;
    if (second) second.name = 'node1';
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual(['clusters[0].nodes: node name "node1" is used twice']);
  });

  it('rejects two nodes with the same ENI', () => {
    // Prepare
    const raw = validRaw();
    const [first, second] = cluster(raw).nodes;
    if (first && second) second.eniId = first.eniId;
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      'clusters[0].nodes: ENI eni-0a1b2c3d4e5f60711 belongs to two nodes',
    ]);
  });

  it('rejects a VIP managed by two clusters', () => {
    // Prepare
    const raw = validRaw();
    const other = secondCluster(raw);
    other.vips = [{ address: '10.1.0.10/32', routeTables: ['rtb-0b1b2c3d4e5f60701'] }];
    raw.clusters.push(other);
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      'clusters[1].vips[0].address: VIP 10.1.0.10 is already managed by cluster "lk-demo"; a VIP belongs to exactly one cluster',
    ]);
  });

  it('rejects two clusters with the same name', () => {
    // Prepare
    const raw = validRaw();
    const other = secondCluster(raw);
    other.name = 'lk-demo';
    raw.clusters.push(other);
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual(['clusters: cluster name "lk-demo" is used twice']);
  });

  it('rejects clusters in two regions', () => {
    // Prepare
    const raw = validRaw();
    const other = secondCluster(raw);
    other.region = 'ap-northeast-1';
    raw.clusters.push(other);
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      "clusters: all clusters of a stage must be in one region (the stack's), found us-east-1, ap-northeast-1",
    ]);
  });

  it.each<{ field: string; path: string; value: string; message: string; set: (raw: Raw) => void }>(
    [
      {
        field: 'vpcId',
        path: 'clusters[0].vpcId',
        value: 'subnet-0a1b2c3d4e5f60718',
        message: 'must be a VPC id like vpc-0123456789abcdef0',
        set: (raw) => {
          cluster(raw).vpcId = 'subnet-0a1b2c3d4e5f60718';
        },
      },
      {
        field: 'eniId',
        path: 'clusters[0].nodes[0].eniId',
        value: 'i-0a1b2c3d4e5f60711',
        message: 'must be a network interface (ENI) id like eni-0123456789abcdef0',
        set: (raw) => {
          (cluster(raw).nodes[0] as { eniId: string }).eniId = 'i-0a1b2c3d4e5f60711';
        },
      },
      {
        field: 'instanceId',
        path: 'clusters[0].nodes[0].instanceId',
        value: 'eni-0a1b2c3d4e5f60799',
        message: 'must be an EC2 instance id like i-0123456789abcdef0',
        set: (raw) => {
          (cluster(raw).nodes[0] as { instanceId: string }).instanceId = 'eni-0a1b2c3d4e5f60799';
        },
      },
      {
        field: 'routeTables',
        path: 'clusters[0].vips[0].routeTables[0]',
        value: 'tgw-rtb-0a1b2c3d4e5f60701',
        message: 'must be a route table id like rtb-0123456789abcdef0',
        set: (raw) => {
          vip(raw).routeTables = ['tgw-rtb-0a1b2c3d4e5f60701', 'rtb-0a1b2c3d4e5f60702'];
        },
      },
      {
        field: 'transitGatewayId',
        path: 'clusters[0].transitGatewayId',
        value: 'tgw-rtb-0a1b2c3d4e5f60718',
        message: 'must be a Transit Gateway id like tgw-0123456789abcdef0',
        set: (raw) => {
          cluster(raw).transitGatewayId = 'tgw-rtb-0a1b2c3d4e5f60718';
        },
      },
      {
        field: 'transitGatewayRoute.routeTableId',
        path: 'clusters[0].vips[0].transitGatewayRoute.routeTableId',
        value: 'rtb-0a1b2c3d4e5f60718',
        message: 'must be a Transit Gateway route table id like tgw-rtb-0123456789abcdef0',
        set: (raw) => {
          vip(raw).transitGatewayRoute = {
            routeTableId: 'rtb-0a1b2c3d4e5f60718',
            attachmentId: 'tgw-attach-0a1b2c3d4e5f60718',
          };
        },
      },
      {
        field: 'transitGatewayRoute.attachmentId',
        path: 'clusters[0].vips[0].transitGatewayRoute.attachmentId',
        value: 'tgw-0a1b2c3d4e5f60718',
        message: 'must be a Transit Gateway attachment id like tgw-attach-0123456789abcdef0',
        set: (raw) => {
          vip(raw).transitGatewayRoute = {
            routeTableId: 'tgw-rtb-0a1b2c3d4e5f60718',
            attachmentId: 'tgw-0a1b2c3d4e5f60718',
          };
        },
      },
    ],
  )('rejects $value as $field (wrong id prefix)', ({ path, message, set }) => {
    // Prepare
    const raw = validRaw();
    set(raw);
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([`${path}: ${message}`]);
  });

  it('rejects an id of the right kind but a malformed length', () => {
    // Prepare
    const raw = validRaw();
    cluster(raw).vpcId = 'vpc-0a1b2c3d4e';
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      'clusters[0].vpcId: must be a VPC id like vpc-0123456789abcdef0',
    ]);
  });

  it.each([
    ['vpcCidrs', 'clusters[0].vpcCidrs[0]'],
    ['onPremisesCidrs', 'clusters[0].onPremisesCidrs[0]'],
  ] as const)('rejects a CIDR block with host bits set in %s', (field, path) => {
    // Prepare
    const raw = validRaw();
    cluster(raw)[field] = ['10.0.1.0/16'];
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([`${path}: has host bits set beyond its prefix`]);
  });

  it('rejects a CIDR block that is not one', () => {
    // Prepare
    const raw = validRaw();
    cluster(raw).vpcCidrs = ['10.0.0.0/33'];
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      'clusters[0].vpcCidrs[0]: must be an IPv4 CIDR block like 10.0.0.0/16',
    ]);
  });

  it.each<{ level: string; path: string; add: (raw: Raw) => void }>([
    { level: 'the root', path: '(root)', add: (raw) => Object.assign(raw, { extra: 1 }) },
    {
      level: 'a cluster',
      path: 'clusters[0]',
      add: (raw) => Object.assign(cluster(raw), { extra: 1 }),
    },
    {
      level: 'a node',
      path: 'clusters[0].nodes[0]',
      add: (raw) => Object.assign(cluster(raw).nodes[0] ?? {}, { extra: 1 }),
    },
    {
      level: 'a VIP',
      path: 'clusters[0].vips[0]',
      add: (raw) => Object.assign(vip(raw), { extra: 1 }),
    },
    {
      level: 'a transitGatewayRoute',
      path: 'clusters[0].vips[0].transitGatewayRoute',
      add: (raw) => Object.assign(vip(raw).transitGatewayRoute ?? {}, { extra: 1 }),
    },
  ])('rejects an unknown key in $level', ({ path, add }) => {
    // Prepare
    const raw = validRaw();
    add(raw);
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: unknown key "extra" \\(known keys: `,
      ),
    );
  });

  it('says "required" for a missing field', () => {
    // Prepare
    const raw = validRaw();
    delete (cluster(raw) as Record<string, unknown>).region;
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual(['clusters[0].region: required']);
  });

  it('suggests the known key an unknown key most likely misspells', () => {
    // Prepare
    const raw = validRaw();
    const entry = vip(raw) as Record<string, unknown>;
    entry.adress = entry.address;
    delete entry.address;
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      'clusters[0].vips[0].address: required',
      'clusters[0].vips[0]: unknown key "adress" (did you mean "address"?)',
    ]);
  });

  it('rejects a VIP that manages no route table', () => {
    // Prepare
    const raw = validRaw();
    vip(raw).routeTables = [];
    vip(raw).discoverRouteTables = false;
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      'clusters[0].vips[0]: manages no route table: list routeTables and/or set discoverRouteTables',
    ]);
  });

  it('rejects a route table listed twice for one VIP', () => {
    // Prepare
    const raw = validRaw();
    vip(raw).routeTables = ['rtb-0a1b2c3d4e5f60701', 'rtb-0a1b2c3d4e5f60701'];
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      'clusters[0].vips[0].routeTables: rtb-0a1b2c3d4e5f60701 is listed twice',
    ]);
  });

  it('rejects a transitGatewayRoute in a cluster without transitGatewayId', () => {
    // Prepare
    const raw = validRaw();
    delete cluster(raw).transitGatewayId;
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      'clusters[0].transitGatewayId: is required when a VIP has a transitGatewayRoute',
    ]);
  });

  it.each<{ rule: string; problem: string; set: (raw: Raw) => void }>([
    {
      rule: 'no cluster at all',
      problem: 'clusters: at least one cluster is required',
      set: (raw) => {
        raw.clusters = [];
      },
    },
    {
      rule: 'a cluster without VIPs',
      problem: 'clusters[0].vips: a cluster needs at least one VIP',
      set: (raw) => {
        cluster(raw).vips = [];
      },
    },
    {
      rule: 'a name with capitals',
      problem:
        'clusters[0].name: must be 1-48 lowercase letters, digits or dashes, starting with a letter or digit',
      set: (raw) => {
        cluster(raw).name = 'LK-Prod';
      },
    },
    {
      rule: 'a malformed region',
      problem: 'clusters[0].region: must be an AWS region like ap-northeast-1',
      set: (raw) => {
        cluster(raw).region = 'us-east';
      },
    },
    {
      rule: 'a Direct Connect gateway id that is not a UUID',
      problem: 'clusters[0].directConnectGatewayId: must be a Direct Connect gateway id (a UUID)',
      set: (raw) => {
        cluster(raw).directConnectGatewayId = 'dxgw-0a1b2c3d';
      },
    },
    {
      rule: 'an unknown drift mode',
      problem: 'clusters[0].driftMode: Invalid option: expected one of "report"|"repair"',
      set: (raw) => {
        cluster(raw).driftMode = 'fix' as 'report';
      },
    },
  ])('rejects $rule', ({ problem, set }) => {
    // Prepare
    const raw = validRaw();
    set(raw);
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([problem]);
  });

  it('names the origin and every problem in the error message', () => {
    // Prepare
    const raw = validRaw();
    cluster(raw).vpcId = 'vpc-nope';
    cluster(raw).region = 'mars';
    // Act
    const error = thrown(() => parseConfig(raw, 'configuration file /etc/routekeeper.json'));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'configuration file /etc/routekeeper.json is invalid:\n' +
        '  - clusters[0].region: must be an AWS region like ap-northeast-1\n' +
        '  - clusters[0].vpcId: must be a VPC id like vpc-0123456789abcdef0',
    );
  });
});

describe('parseConfig: one cluster never vouches for another', () => {
  /** A second cluster that shares one thing with the first. */
  const sharing = (
    share: (first: Raw['clusters'][number], second: Raw['clusters'][number]) => void,
  ) => {
    const raw = validRaw();
    const other = secondCluster(raw);
    share(cluster(raw), other);
    raw.clusters.push(other);
    return raw;
  };

  it('accepts two clusters that share nothing', () => {
    // Prepare
    const raw = sharing(() => {});
    // Act
    const config = parseConfig(raw);
    // Assess
    expect(config.clusters.map((c) => c.name)).toEqual([CLUSTER, 'lk-dr']);
  });

  it.each<{
    what: string;
    problem: string;
    share: (first: Raw['clusters'][number], second: Raw['clusters'][number]) => void;
  }>([
    {
      what: 'an SSM key store',
      problem: `clusters[1].signing.keyStore: key store ssm:/routekeeper/dev/${CLUSTER}/keys is already the key store of cluster "${CLUSTER}"; a node key in a shared store would verify as a node of either cluster`,
      share: (first, second) => {
        second.signing = { keyStore: first.signing?.keyStore as string };
      },
    },
    {
      what: 'a Secrets Manager key store, once by name and once by ARN',
      problem: `clusters[1].signing.keyStore: key store secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:routekeeper/keys-AbCdEf is already the key store of cluster "${CLUSTER}"; a node key in a shared store would verify as a node of either cluster`,
      share: (first, second) => {
        first.signing = { keyStore: 'secretsmanager:routekeeper/keys' };
        second.signing = {
          keyStore:
            'secretsmanager:arn:aws:secretsmanager:us-east-1:123456789012:secret:routekeeper/keys-AbCdEf',
        };
      },
    },
    {
      what: 'a node role',
      problem: `clusters[1].nodes[0].roleArn: role arn:aws:iam::123456789012:role/${CLUSTER}-node1 is already the role of node "node1" in cluster "${CLUSTER}"; each node needs its own role to bind it to its own event source`,
      share: (first, second) => {
        const [node] = second.nodes;
        if (node) node.roleArn = first.nodes[0]?.roleArn;
      },
    },
    {
      what: 'an ENI',
      problem: `clusters[1].nodes[1].eniId: ENI ${ID.node2.eni} is already the ENI of node "node2" in cluster "${CLUSTER}"`,
      share: (first, second) => {
        const node = second.nodes[1];
        if (node) node.eniId = first.nodes[1]?.eniId as string;
      },
    },
  ])('rejects two clusters sharing $what', ({ problem, share }) => {
    // Prepare
    const raw = sharing(share);
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([problem]);
  });
});

describe('parseConfig: a VIP is a routable unicast address', () => {
  it.each([
    ['0.0.0.0', '0.0.0.0/8 ("this network")'],
    ['255.255.255.255', '255.255.255.255/32 (limited broadcast)'],
    ['127.0.0.1', '127.0.0.0/8 (loopback)'],
    ['224.0.0.5', '224.0.0.0/4 (multicast)'],
    ['239.255.255.250', '224.0.0.0/4 (multicast)'],
    [
      '169.254.169.254',
      '169.254.0.0/16 (link-local: the instance metadata service, Amazon DNS and NTP)',
    ],
    ['240.0.0.1', '240.0.0.0/4 (reserved)'],
    ['192.0.2.10', '192.0.2.0/24 (documentation, TEST-NET-1)'],
    ['198.18.0.10', '198.18.0.0/15 (benchmarking)'],
  ])('rejects the VIP %s, naming the range %s', (address, range) => {
    // Prepare
    const raw = validRaw();
    vip(raw).address = address;
    // Act
    const error = configError(raw);
    // Assess
    expect(error.problems).toEqual([
      `clusters[0].vips[0].address: VIP ${address} lies in ${range}; a VIP must be a routable unicast address`,
    ]);
  });

  it.each(['10.1.0.10', '172.31.255.254', '192.168.10.1', '100.64.0.10'])(
    'accepts the private VIP %s',
    (address) => {
      // Prepare
      const raw = validRaw();
      vip(raw).address = address;
      // Act
      const config = parseConfig(raw);
      // Assess
      expect(config.clusters[0]?.vips[0]?.address).toBe(address);
    },
  );
});

describe('loadConfigFile', () => {
  it('loads and validates a configuration file', () => {
    // Prepare
    const path = tempFile('routekeeper.json', JSON.stringify(validRaw()));
    // Act
    const config = loadConfigFile(path);
    // Assess
    expect(config.clusters[0]?.name).toBe('lk-demo');
  });

  it('reports a missing file with its absolute path and how to create it from the example', () => {
    // Prepare
    const path = join(tmpdir(), 'routekeeper-unit-missing', 'nope.json');
    // Act
    const error = thrown(() => loadConfigFile(path));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `configuration file ${path} does not exist. Create it from the example and put your ids in:\n` +
        `  cp config/routekeeper.dev.json ${relative(process.cwd(), path)}\n` +
        '(README, "Configuration", says what each field means)',
    );
    expect((error as ConfigError).problems).toEqual(['file not found']);
  });

  it('reports a file that cannot be read', () => {
    // Prepare: a directory is there but is no file
    const path = tempDir();
    // Act
    const error = thrown(() => loadConfigFile(path));
    // Assess
    expect((error as ConfigError).message).toMatch(
      new RegExp(`^cannot read configuration file ${path}: EISDIR`),
    );
    expect((error as ConfigError).problems).toEqual(['file not readable']);
  });

  it('reports a JSON syntax error with its line and column, and points at it', () => {
    // Prepare
    const path = tempFile('broken.json', '{\n  "clusters": [\n    { "name": "x", }\n  ]\n}\n');
    // Act
    const error = thrown(() => loadConfigFile(path));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `configuration file ${path} is not valid JSON: line 3, column 20: Expected double-quoted property name\n` +
        '      { "name": "x", }\n' +
        '                     ^',
    );
    expect((error as ConfigError).problems).toEqual(['invalid JSON']);
  });

  it('reports a file that ends too early at its last line', () => {
    // Prepare
    const path = tempFile('cut.json', '{\n  "clusters": [');
    // Act
    const error = thrown(() => loadConfigFile(path));
    // Assess
    expect((error as ConfigError).message).toMatch(
      /is not valid JSON: line 2, column 16: the text ends too early\n/,
    );
  });

  it('names the file and the field when the content is invalid', () => {
    // Prepare
    const raw = validRaw();
    vip(raw).address = '010.1.0.10';
    const path = tempFile('invalid.json', JSON.stringify(raw));
    // Act
    const error = thrown(() => loadConfigFile(path));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(`configuration file ${path} is invalid`);
    expect((error as ConfigError).message).toContain('clusters[0].vips[0].address');
  });
});

describe('loadConfigFromEnv', () => {
  it('reports a missing ROUTEKEEPER_CONFIG by name', () => {
    // Prepare
    const env = {};
    // Act
    const error = thrown(() => loadConfigFromEnv(env));
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `${CONFIG_ENV} is not set: point it at a routekeeper configuration file`,
    );
  });

  it('resolves a relative path against LAMBDA_TASK_ROOT', () => {
    // Prepare
    const root = tempDir();
    tempFile('routekeeper.test.json', JSON.stringify(validRaw()), root);
    const env = { [CONFIG_ENV]: 'routekeeper.test.json', LAMBDA_TASK_ROOT: root };
    // Act
    const config = loadConfigFromEnv(env);
    // Assess
    expect(config.clusters[0]?.vpcId).toBe('vpc-0a1b2c3d4e5f60718');
  });
});

describe('parseConfig: Transit Gateway routes and the network account', () => {
  const SECOND = {
    routeTableId: 'tgw-rtb-0a1b2c3d4e5f60799',
    attachmentId: 'tgw-attach-0a1b2c3d4e5f60718',
  };

  it('turns the single transitGatewayRoute into a list of one', () => {
    // Prepare
    const raw = validRaw();
    const single = vip(raw).transitGatewayRoute;
    // Act
    const config = parseConfig(raw);
    // Assess
    expect(config.clusters[0]?.vips[0]?.transitGatewayRoutes).toEqual([single]);
    expect(config.clusters[0]?.vips[0]).not.toHaveProperty('transitGatewayRoute');
  });

  it('accepts several TGW route tables as transitGatewayRoutes', () => {
    // Prepare
    const raw = validRaw() as unknown as { clusters: { vips: Record<string, unknown>[] }[] };
    const first = raw.clusters[0]?.vips[0] as Record<string, unknown>;
    const single = first.transitGatewayRoute;
    delete first.transitGatewayRoute;
    first.transitGatewayRoutes = [single, SECOND];
    // Act
    const config = parseConfig(raw);
    // Assess
    expect(config.clusters[0]?.vips[0]?.transitGatewayRoutes).toEqual([single, SECOND]);
  });

  it.each([
    {
      situation: 'both forms at once',
      change: (v: Record<string, unknown>) => {
        v.transitGatewayRoutes = [SECOND];
      },
      problem:
        'clusters[0].vips[0].transitGatewayRoutes: give either transitGatewayRoute or transitGatewayRoutes, not both',
    },
    {
      situation: 'a route table listed twice',
      change: (v: Record<string, unknown>) => {
        delete v.transitGatewayRoute;
        v.transitGatewayRoutes = [SECOND, SECOND];
      },
      problem: `clusters[0].vips[0].transitGatewayRoutes: ${SECOND.routeTableId} is listed twice; a route table holds one VIP/32 route`,
    },
  ])('rejects $situation', ({ change, problem }) => {
    // Prepare
    const raw = validRaw() as unknown as { clusters: { vips: Record<string, unknown>[] }[] };
    change(raw.clusters[0]?.vips[0] as Record<string, unknown>);
    // Act
    const error = thrown(() => parseConfig(raw));
    // Assess
    expect((error as ConfigError).problems).toEqual([problem]);
  });

  it('accepts a network role with an external id, and rejects one that is not a role ARN', () => {
    // Prepare
    const good = validRaw() as unknown as { clusters: Record<string, unknown>[] };
    (good.clusters[0] as Record<string, unknown>).network = {
      roleArn: 'arn:aws:iam::222222222222:role/routekeeper-network',
      externalId: 'rk-prod',
    };
    const bad = structuredClone(good);
    (bad.clusters[0] as Record<string, unknown>).network = { roleArn: 'routekeeper-network' };
    // Act
    const config = parseConfig(good);
    const error = thrown(() => parseConfig(bad));
    // Assess
    expect(config.clusters[0]?.network?.externalId).toBe('rk-prod');
    expect((error as ConfigError).problems).toEqual([
      'clusters[0].network.roleArn: must be an IAM role ARN like arn:aws:iam::123456789012:role/lk-node1',
    ]);
  });

  it('rejects a TGW route table reached through a role in one cluster and without it in another', () => {
    // Prepare
    const raw = validRaw() as unknown as { clusters: Record<string, unknown>[] };
    const first = raw.clusters[0] as Record<string, unknown>;
    const second = structuredClone(first);
    second.name = 'lk-other';
    second.vpcId = 'vpc-0a1b2c3d4e5f60799';
    second.nodes = (second.nodes as Record<string, unknown>[]).map((n, i) => ({
      ...n,
      eniId: `eni-0a1b2c3d4e5f6079${i}`,
      roleArn: `arn:aws:iam::123456789012:role/other-node${i}`,
    }));
    (second.vips as Record<string, unknown>[])[0] = {
      ...(second.vips as Record<string, unknown>[])[0],
      address: '10.2.0.10',
    };
    delete second.signing;
    second.network = { roleArn: 'arn:aws:iam::222222222222:role/routekeeper-network' };
    raw.clusters.push(second);
    // Act
    const error = thrown(() => parseConfig(raw));
    // Assess
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(
        /^clusters\[1\]\.vips\[0\]\.transitGatewayRoutes\[0\]\.routeTableId: tgw-rtb-\w+ is reached through arn:aws:iam::222222222222:role\/routekeeper-network here but without one in cluster "lk-demo"; a route table belongs to one account$/,
      ),
    ]);
  });
});
