import { z } from 'zod';
import {
  type Cidr as CidrBlock,
  cidrContains,
  isNetworkAddress,
  normaliseVip,
  parseCidr,
  parseIpv4,
} from '../core/ip';
import { awsIdPattern, NAME, NAME_RULE } from '../core/names';
import { describeConfigIssues, requiredWhenMissing } from './issues';
import { ConfiguredPublicKey, KEY_STORE_PATTERN, parseKeyStoreRef } from './keys';

/**
 * The configuration of one stage: the LifeKeeper clusters routekeeper manages.
 * Validated at package time (serverless.yml), at every function's cold start, and by the CLI.
 */

const awsId = (prefix: string, what: string) =>
  z.string().regex(awsIdPattern(prefix), `must be ${what} id like ${prefix}-0123456789abcdef0`);

export const VpcId = awsId('vpc', 'a VPC');
export const EniId = awsId('eni', 'a network interface (ENI)');
export const InstanceId = awsId('i', 'an EC2 instance');
export const RouteTableId = awsId('rtb', 'a route table');
export const TransitGatewayId = awsId('tgw', 'a Transit Gateway');
export const TgwRouteTableId = awsId('tgw-rtb', 'a Transit Gateway route table');
export const TgwAttachmentId = awsId('tgw-attach', 'a Transit Gateway attachment');
export const DxGatewayId = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'must be a Direct Connect gateway id (a UUID)',
  );

/** Names end up in event sources (`lifekeeper.<cluster>.<node>`) and record keys: keep them plain. */
const Name = z.string().regex(NAME, NAME_RULE);

const Region = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region like ap-northeast-1');

const Cidr = z
  .string()
  .refine((text) => parseCidr(text) !== undefined, 'must be an IPv4 CIDR block like 10.0.0.0/16')
  .refine((text) => {
    const cidr = parseCidr(text);
    return cidr === undefined || isNetworkAddress(cidr);
  }, 'has host bits set beyond its prefix');

const VipAddress = z
  .string()
  .refine(
    (text) => normaliseVip(text) !== undefined,
    'must be a single IPv4 address, written bare or as /32',
  )
  .transform((text) => normaliseVip(text) as string);

const RoleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/,
    'must be an IAM role ARN like arn:aws:iam::123456789012:role/lk-node1',
  );

export const NodeConfig = z.strictObject({
  name: Name,
  instanceId: InstanceId,
  eniId: EniId,
  /**
   * The node's instance role: the only principal the bus lets put `lifekeeper.<cluster>.<node>` events.
   * Required to package (serverless/stack.ts names a node without it); local runs need no bus policy.
   */
  roleArn: RoleArn.optional(),
});

/** How the heartbeat function learns the nodes' verification keys (docs/signing.md, "Keys"). */
export const SigningConfig = z.strictObject({
  /** `ssm:/path` (one parameter per key id below it) or `secretsmanager:<name or ARN>` (one JSON secret). */
  keyStore: z
    .string()
    .regex(KEY_STORE_PATTERN, 'must be ssm:/a/parameter/path or secretsmanager:<name or ARN>')
    .optional(),
  /** Ed25519 public keys trusted without a key store. */
  publicKeys: z.array(ConfiguredPublicKey).default([]),
});

const duplicates = (values: readonly string[]): string[] =>
  values.filter((value, index) => values.indexOf(value) !== index);

/** One static VIP/32 route of the Transit Gateway: the route table that holds it, and the attachment it must target. */
export const TgwRoute = z.strictObject({
  routeTableId: TgwRouteTableId,
  attachmentId: TgwAttachmentId,
});

/**
 * A VIP as written: the Transit Gateway route as one object (`transitGatewayRoute`, the common case) or as
 * a list (`transitGatewayRoutes`: with custom TGW routing, every route table on-premises traffic is looked
 * up in, e.g. one for the DX gateway's attachment and one for a peering). Parsed into one shape, the list.
 */
export const VipConfig = z
  .strictObject({
    address: VipAddress,
    /** Route tables managed for this VIP, by id. */
    routeTables: z.array(RouteTableId).default([]),
    /** Also manage every route table of the cluster VPC that carries this VIP's route. */
    discoverRouteTables: z.boolean().default(false),
    /** May routekeeper create the VIP route in a managed table that lacks it? */
    createMissingRoute: z.boolean().default(false),
    /** The Transit Gateway route table holding the static VIP/32 route, and the attachment it must target. */
    transitGatewayRoute: TgwRoute.optional(),
    /** Several Transit Gateway route tables that must each hold the static VIP/32 route (instead of transitGatewayRoute). */
    transitGatewayRoutes: z.array(TgwRoute).min(1).optional(),
  })
  .superRefine((vip, ctx) => {
    if (vip.transitGatewayRoute !== undefined && vip.transitGatewayRoutes !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['transitGatewayRoutes'],
        message: 'give either transitGatewayRoute or transitGatewayRoutes, not both',
      });
    }
    for (const id of duplicates((vip.transitGatewayRoutes ?? []).map((r) => r.routeTableId))) {
      ctx.addIssue({
        code: 'custom',
        path: ['transitGatewayRoutes'],
        message: `${id} is listed twice; a route table holds one VIP/32 route`,
      });
    }
  })
  .transform(({ transitGatewayRoute, transitGatewayRoutes, ...vip }) => ({
    ...vip,
    /** Every Transit Gateway route table that must route the VIP/32 to its attachment (may be empty). */
    transitGatewayRoutes:
      transitGatewayRoutes ?? (transitGatewayRoute === undefined ? [] : [transitGatewayRoute]),
  }));

/**
 * The network account's role (optional): when the Transit Gateway and the DX gateway belong to another
 * account (shared through RAM), routekeeper assumes this role for every Transit Gateway read and write
 * and every Direct Connect read of the cluster. Everything of the VPC stays in routekeeper's own account.
 */
export const NetworkConfig = z.strictObject({
  roleArn: RoleArn,
  /** The external id the role's trust policy requires (sts:ExternalId), if any. */
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 characters of letters, digits and +=,.@:/-_')
    .optional(),
});

/** Limits of the continuous checks (drift Lambda and doctor); the defaults suit a one-minute schedule. */
export const Thresholds = z.strictObject({
  /** The VIP owner's last heartbeat may be at most this old. */
  heartbeatMaxAgeSeconds: z.number().int().positive().default(90),
  /** Largest tolerated |receive time - signed time| of a node's heartbeat. */
  clockSkewMaxMs: z.number().int().positive().default(2_000),
  /** More VIP target changes than this within the window is flapping (two writers fighting). */
  flapMaxChanges: z.number().int().positive().default(3),
  flapWindowMinutes: z.number().int().positive().default(60),
  /** No repair within this long after the VIP record last changed (EC2 is eventually consistent). */
  repairGraceSeconds: z.number().int().positive().default(120),
});

export const ClusterConfig = z.strictObject({
  name: Name,
  region: Region,
  vpcId: VpcId,
  /** The VPC's CIDR blocks as planned; the real ones are checked again at run time. */
  vpcCidrs: z.array(Cidr).min(1),
  transitGatewayId: TransitGatewayId.optional(),
  directConnectGatewayId: DxGatewayId.optional(),
  /** The role routekeeper assumes for the Transit Gateway and Direct Connect (a network account). */
  network: NetworkConfig.optional(),
  onPremisesCidrs: z.array(Cidr).default([]),
  /** What the drift check does with a wrong VIP route: report it, or repair it through routeSwitch. */
  driftMode: z.enum(['report', 'repair']).default('report'),
  thresholds: Thresholds.prefault({}),
  nodes: z.array(NodeConfig).min(2, 'a cluster needs at least two nodes'),
  vips: z.array(VipConfig).min(1, 'a cluster needs at least one VIP'),
  signing: SigningConfig.optional(),
});

/**
 * Special-purpose IPv4 ranges (RFC 6890) that can never be a VIP: no route table may point them at an ENI,
 * or doing so would shadow something the instances rely on (169.254.0.0/16 holds the instance metadata
 * service). The first match names the range, so the broadcast address is listed before 240.0.0.0/4.
 */
const RESERVED_VIP_RANGES = (
  [
    ['255.255.255.255/32', 'limited broadcast'],
    ['0.0.0.0/8', '"this network"'],
    ['127.0.0.0/8', 'loopback'],
    ['169.254.0.0/16', 'link-local: the instance metadata service, Amazon DNS and NTP'],
    ['224.0.0.0/4', 'multicast'],
    ['240.0.0.0/4', 'reserved'],
    ['192.0.0.0/24', 'IETF protocol assignments'],
    ['192.0.2.0/24', 'documentation, TEST-NET-1'],
    ['198.51.100.0/24', 'documentation, TEST-NET-2'],
    ['203.0.113.0/24', 'documentation, TEST-NET-3'],
    ['198.18.0.0/15', 'benchmarking'],
    ['192.88.99.0/24', 'deprecated 6to4 relay anycast'],
  ] as const
).map(([text, label]) => ({ cidr: parseCidr(text) as CidrBlock, label }));

/** The special-purpose range an address lies in, as `<cidr> (<what it is>)`. */
export const reservedRangeOf = (address: number): string | undefined => {
  const range = RESERVED_VIP_RANGES.find((r) => cidrContains(r.cidr, address));
  return range === undefined ? undefined : `${range.cidr.text} (${range.label})`;
};

/**
 * One key store per cluster: the key id binds a key to a node name, not to a cluster, so a store read by two
 * clusters makes cluster A's node key verify as cluster B's node of the same name. Secrets compare by name
 * (an ARN names its secret before the 6-character suffix Secrets Manager appends).
 */
const keyStoreIdentity = (text: string): string => {
  const ref = parseKeyStoreRef(text);
  if (ref === undefined || ref.kind === 'ssm') return text;
  const arn = /^arn:[^:]+:secretsmanager:[^:]+:\d{12}:secret:(.+?)(-[A-Za-z0-9]{6})?$/.exec(
    ref.secretId,
  );
  return `secretsmanager:${arn?.[1] ?? ref.secretId}`;
};

/**
 * A VIP's Transit Gateway routes inside the cross-field checks, which zod also runs when a field of the VIP
 * failed its own check: then the VIP was never turned into its parsed shape.
 */
const tgwRoutesOf = (vip: VipConfig): TgwRoute[] => {
  const raw = vip as VipConfig & { transitGatewayRoute?: TgwRoute };
  return raw.transitGatewayRoutes ?? (raw.transitGatewayRoute ? [raw.transitGatewayRoute] : []);
};

export const RoutekeeperConfig = z
  .strictObject({
    $schema: z.string().optional(),
    /** How often the drift Lambda runs: an EventBridge rate expression in minutes or hours. */
    driftSchedule: z
      .string()
      .regex(
        /^rate\((1 minute|[1-9]\d* minutes|1 hour|[1-9]\d* hours)\)$/,
        'must be a rate expression like rate(1 minute) or rate(5 minutes)',
      )
      .default('rate(1 minute)'),
    /**
     * Execution environments Lambda keeps initialised for the two functions on a failover's path, so the
     * first failover after a quiet period starts warm. Off by default: it is billed around the clock
     * (README, Benchmarks: cost and what it saves). Events reach the functions through the provisioned alias.
     */
    provisionedConcurrency: z
      .strictObject({
        routeSwitch: z.int().min(0).max(10).default(0),
        heartbeat: z.int().min(0).max(10).default(0),
      })
      .default({ routeSwitch: 0, heartbeat: 0 }),
    clusters: z.array(ClusterConfig).min(1, 'at least one cluster is required'),
  })
  .superRefine((config, ctx) => {
    const seenVips = new Map<string, string>();
    // Across clusters: the first cluster (and node) that uses a key store, role or ENI.
    const keyStores = new Map<string, string>();
    const roles = new Map<string, { cluster: string; node: string }>();
    const enis = new Map<string, { cluster: string; node: string }>();
    // A Transit Gateway route table lives in one account: every cluster must reach it the same way.
    const tgwTables = new Map<string, { cluster: string; role: string | undefined }>();
    config.clusters.forEach((cluster, c) => {
      const at = (...path: (string | number)[]) => ['clusters', c, ...path];
      const keyStore = cluster.signing?.keyStore;
      if (keyStore !== undefined) {
        const owner = keyStores.get(keyStoreIdentity(keyStore));
        if (owner !== undefined && owner !== cluster.name) {
          ctx.addIssue({
            code: 'custom',
            path: at('signing', 'keyStore'),
            message: `key store ${keyStore} is already the key store of cluster "${owner}"; a node key in a shared store would verify as a node of either cluster`,
          });
        }
        keyStores.set(keyStoreIdentity(keyStore), owner ?? cluster.name);
      }
      cluster.nodes.forEach((node, n) => {
        const role = node.roleArn === undefined ? undefined : roles.get(node.roleArn);
        if (role !== undefined && role.cluster !== cluster.name) {
          ctx.addIssue({
            code: 'custom',
            path: at('nodes', n, 'roleArn'),
            message: `role ${node.roleArn} is already the role of node "${role.node}" in cluster "${role.cluster}"; each node needs its own role to bind it to its own event source`,
          });
        }
        if (node.roleArn !== undefined && role === undefined) {
          roles.set(node.roleArn, { cluster: cluster.name, node: node.name });
        }
        const eni = enis.get(node.eniId);
        if (eni !== undefined && eni.cluster !== cluster.name) {
          ctx.addIssue({
            code: 'custom',
            path: at('nodes', n, 'eniId'),
            message: `ENI ${node.eniId} is already the ENI of node "${eni.node}" in cluster "${eni.cluster}"`,
          });
        }
        if (eni === undefined) enis.set(node.eniId, { cluster: cluster.name, node: node.name });
      });
      for (const name of duplicates(cluster.nodes.map((n) => n.name))) {
        ctx.addIssue({
          code: 'custom',
          path: at('nodes'),
          message: `node name "${name}" is used twice`,
        });
      }
      for (const eni of duplicates(cluster.nodes.map((n) => n.eniId))) {
        ctx.addIssue({
          code: 'custom',
          path: at('nodes'),
          message: `ENI ${eni} belongs to two nodes`,
        });
      }
      for (const role of duplicates(cluster.nodes.flatMap((n) => (n.roleArn ? [n.roleArn] : [])))) {
        ctx.addIssue({
          code: 'custom',
          path: at('nodes'),
          message: `role ${role} belongs to two nodes; each node needs its own role to bind it to its own event source`,
        });
      }
      const publicKeys = cluster.signing?.publicKeys ?? [];
      for (const kid of duplicates(publicKeys.map((k) => k.kid))) {
        ctx.addIssue({
          code: 'custom',
          path: at('signing', 'publicKeys'),
          message: `key id ${kid} is listed twice`,
        });
      }
      publicKeys.forEach((key, k) => {
        if (!cluster.nodes.some((n) => n.name === key.node)) {
          ctx.addIssue({
            code: 'custom',
            path: at('signing', 'publicKeys', k, 'node'),
            message: `node "${key.node}" is not a node of this cluster`,
          });
        }
      });
      const vpcCidrs = cluster.vpcCidrs
        .map((text) => parseCidr(text))
        .filter((c) => c !== undefined);
      cluster.vips.forEach((vip, v) => {
        const address = parseIpv4(vip.address) as number;
        // An address that failed its own field check is reported there, not here.
        const reserved = Number.isInteger(address) ? reservedRangeOf(address) : undefined;
        if (reserved !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: at('vips', v, 'address'),
            message: `VIP ${vip.address} lies in ${reserved}; a VIP must be a routable unicast address`,
          });
        }
        for (const cidr of vpcCidrs) {
          if (cidrContains(cidr, address)) {
            ctx.addIssue({
              code: 'custom',
              path: at('vips', v, 'address'),
              message: `VIP ${vip.address} lies inside the VPC CIDR ${cidr.text}; it must be outside every CIDR block of the cluster VPC`,
            });
          }
        }
        if (vip.routeTables.length === 0 && !vip.discoverRouteTables) {
          ctx.addIssue({
            code: 'custom',
            path: at('vips', v),
            message: 'manages no route table: list routeTables and/or set discoverRouteTables',
          });
        }
        for (const table of duplicates(vip.routeTables)) {
          ctx.addIssue({
            code: 'custom',
            path: at('vips', v, 'routeTables'),
            message: `${table} is listed twice`,
          });
        }
        const owner = seenVips.get(vip.address);
        if (owner !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: at('vips', v, 'address'),
            message: `VIP ${vip.address} is already managed by cluster "${owner}"; a VIP belongs to exactly one cluster`,
          });
        }
        seenVips.set(vip.address, cluster.name);
        tgwRoutesOf(vip).forEach((route, r) => {
          const role = cluster.network?.roleArn;
          const first = tgwTables.get(route.routeTableId);
          if (first !== undefined && first.role !== role) {
            ctx.addIssue({
              code: 'custom',
              path: at('vips', v, 'transitGatewayRoutes', r, 'routeTableId'),
              message: `${route.routeTableId} is reached ${role === undefined ? 'without a network role' : `through ${role}`} here but ${first.role === undefined ? 'without one' : `through ${first.role}`} in cluster "${first.cluster}"; a route table belongs to one account`,
            });
          }
          if (first === undefined)
            tgwTables.set(route.routeTableId, { cluster: cluster.name, role });
        });
      });
      if (
        cluster.vips.some((vip) => tgwRoutesOf(vip).length > 0) &&
        cluster.transitGatewayId === undefined
      ) {
        ctx.addIssue({
          code: 'custom',
          path: at('transitGatewayId'),
          message: 'is required when a VIP has a transitGatewayRoute',
        });
      }
    });
    const regions = [...new Set(config.clusters.map((c) => c.region))];
    if (regions.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['clusters'],
        message: `all clusters of a stage must be in one region (the stack's), found ${regions.join(', ')}`,
      });
    }
    for (const name of duplicates(config.clusters.map((c) => c.name))) {
      ctx.addIssue({
        code: 'custom',
        path: ['clusters'],
        message: `cluster name "${name}" is used twice`,
      });
    }
  });

export type RoutekeeperConfig = z.output<typeof RoutekeeperConfig>;
export type RoutekeeperConfigInput = z.input<typeof RoutekeeperConfig>;
export type ClusterConfig = z.output<typeof ClusterConfig>;
export type NodeConfig = z.output<typeof NodeConfig>;
export type VipConfig = z.output<typeof VipConfig>;
export type TgwRoute = z.output<typeof TgwRoute>;
export type NetworkConfig = z.output<typeof NetworkConfig>;
export type Thresholds = z.output<typeof Thresholds>;
export type SigningConfig = z.output<typeof SigningConfig>;

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Validate a parsed configuration; throws ConfigError naming every bad field. */
export const parseConfig = (raw: unknown, origin = 'configuration'): RoutekeeperConfig => {
  const result = RoutekeeperConfig.safeParse(raw, { error: requiredWhenMissing });
  if (result.success) return result.data;
  const problems = describeConfigIssues(RoutekeeperConfig, result.error.issues);
  throw new ConfigError(`${origin} is invalid:\n  - ${problems.join('\n  - ')}`, problems);
};
