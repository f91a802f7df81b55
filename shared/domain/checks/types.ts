/**
 * The vocabulary of routekeeper's checks, shared by the drift Lambda and `routekeeper doctor`.
 * A check has a stable id; each result names the finding (`code`), the evidence it saw and a one-line fix.
 * An API error makes a result `unknown`: never `pass`, never `fail`.
 */

export type CheckOutcome = 'pass' | 'fail' | 'unknown';
export type Severity = 'critical' | 'warning';

/** Where a check sits along the traffic path, on-premises first; `routekeeper` is the controller itself. */
export type Stage =
  | 'on-premises'
  | 'direct-connect'
  | 'transit-gateway'
  | 'vpc'
  | 'nodes'
  | 'routekeeper';

export const STAGES: readonly Stage[] = [
  'on-premises',
  'direct-connect',
  'transit-gateway',
  'vpc',
  'nodes',
  'routekeeper',
];

interface CheckSpec {
  readonly title: string;
  readonly stage: Stage;
  readonly severity: Severity;
  /** The fix when a more specific one is not given by the finding. */
  readonly fix: string;
}

/** Every check, by stable id. Ids are part of the `--json` and event contracts: never rename one. */
export const CHECKS = {
  'onprem.cidrs': {
    title: 'On-premises CIDRs are configured',
    stage: 'on-premises',
    severity: 'warning',
    fix: 'List the on-premises networks in onPremisesCidrs so the return routes can be checked',
  },
  'dx.allowed-prefixes': {
    title: 'Direct Connect gateway association allows the VPC CIDR and every VIP',
    stage: 'direct-connect',
    severity: 'critical',
    fix: 'Add the missing prefixes to the allowed prefixes of the DX gateway association with the Transit Gateway',
  },
  'tgw.defaults': {
    title: 'Transit Gateway exists with default route table association and propagation',
    stage: 'transit-gateway',
    severity: 'critical',
    fix: 'Enable "Default route table association" and "Default route table propagation" on the Transit Gateway',
  },
  'tgw.attachment': {
    title: 'The cluster VPC attachment exists and is available',
    stage: 'transit-gateway',
    severity: 'critical',
    fix: 'Attach the cluster VPC to the Transit Gateway and reference that attachment in transitGatewayRoute',
  },
  'tgw.attachment-azs': {
    title: 'The attachment has a subnet in every Availability Zone with a node',
    stage: 'transit-gateway',
    severity: 'critical',
    fix: 'Add a subnet of each missing AZ to the Transit Gateway VPC attachment',
  },
  'tgw.vip-route': {
    title: 'Transit Gateway route table: static VIP/32 route to the cluster VPC attachment, active',
    stage: 'transit-gateway',
    severity: 'critical',
    fix: 'Create or replace the static VIP/32 route in the TGW route table, targeting the cluster VPC attachment',
  },
  'vpc.exists': {
    title: 'The cluster VPC exists',
    stage: 'vpc',
    severity: 'critical',
    fix: 'Correct vpcId in the configuration',
  },
  'vpc.vip-outside-cidr': {
    title: 'The VIP lies outside every CIDR block of the cluster VPC',
    stage: 'vpc',
    severity: 'critical',
    fix: 'Choose a VIP outside every CIDR block of the VPC (the guide requires it)',
  },
  'vpc.vip-route': {
    title: 'Managed route tables route the VIP to the owner ENI',
    stage: 'vpc',
    severity: 'critical',
    fix: 'Point the VIP/32 route at the owner ENI (driftMode repair does it through routeSwitch)',
  },
  'vpc.on-prem-route': {
    title:
      'Managed and attachment-subnet route tables send on-premises CIDRs to the Transit Gateway',
    stage: 'vpc',
    severity: 'critical',
    fix: 'Route the on-premises CIDR to the Transit Gateway (not a virtual private gateway)',
  },
  'vpc.conflict': {
    title: 'No route table of another VPC routes a managed VIP',
    stage: 'vpc',
    severity: 'warning',
    fix: 'Remove the VIP route from the other VPC or use another VIP there; routekeeper never modifies it',
  },
  'vpc.flapping': {
    title: 'The VIP target is stable (no two writers fighting)',
    stage: 'vpc',
    severity: 'critical',
    fix: 'Find the second writer (e.g. the LifeKeeper Recovery Kit for EC2 route resource) and disable it',
  },
  'nodes.multi-az': {
    title: 'Node instances exist and span at least two Availability Zones',
    stage: 'nodes',
    severity: 'critical',
    fix: 'Place the nodes in subnets of at least two Availability Zones',
  },
  'nodes.eni': {
    title: 'Each node ENI exists, is attached to its instance and lies in the cluster VPC',
    stage: 'nodes',
    severity: 'critical',
    fix: 'Correct nodes[].eniId, or attach the ENI to the configured instance',
  },
  'nodes.source-dest-check': {
    title: 'Source/destination check is disabled on every node ENI',
    stage: 'nodes',
    severity: 'critical',
    fix: 'aws ec2 modify-network-interface-attribute --no-source-dest-check --network-interface-id <eni>',
  },
  'nodes.heartbeat': {
    title: "The VIP owner's last heartbeat is recent",
    stage: 'nodes',
    severity: 'critical',
    fix: "Check the owner node's heartbeat task (lk-notify heartbeat) and its route to EventBridge",
  },
  'nodes.clock-skew': {
    title: "Every node's clock skew is small",
    stage: 'nodes',
    severity: 'warning',
    fix: "Fix the node's time synchronisation (Amazon Time Sync Service, 169.254.169.123)",
  },
  'routekeeper.maintenance': {
    title: 'Maintenance mode (routekeeper pause): drift repairs unless paused',
    stage: 'routekeeper',
    severity: 'warning',
    fix: 'Could not read the pause records: check the reader’s access to the state table',
  },
  'routekeeper.permissions': {
    title: 'Route writes are permitted (DryRun probes)',
    stage: 'routekeeper',
    severity: 'critical',
    fix: 'Grant ec2:ReplaceRoute / ec2:ReplaceTransitGatewayRoute on the resource to the probing principal',
  },
} as const satisfies Record<string, CheckSpec>;

export type CheckId = keyof typeof CHECKS;

export interface CheckResult {
  readonly check: CheckId;
  /** The finding type, e.g. `VipRouteWrongTarget`; `Ok` for a pass. Metric names use it. */
  readonly code: string;
  readonly outcome: CheckOutcome;
  readonly severity: Severity;
  readonly stage: Stage;
  readonly cluster: string;
  readonly vip?: string;
  /** The resource the result is about (route table, ENI, node, attachment ...). */
  readonly subject?: string;
  readonly evidence: string;
  /** One line; present unless the outcome is pass. */
  readonly fix?: string;
  /** The cluster or VIP is paused (`routekeeper pause`): drift reports the finding and does not repair it. */
  readonly paused?: true;
}

export interface ResultOptions {
  readonly vip?: string;
  readonly subject?: string;
  readonly fix?: string;
}

const make =
  (outcome: CheckOutcome) =>
  (
    check: CheckId,
    cluster: string,
    code: string,
    evidence: string,
    options: ResultOptions = {},
  ): CheckResult => {
    const spec: CheckSpec = CHECKS[check];
    return {
      check,
      code,
      outcome,
      severity: spec.severity,
      stage: spec.stage,
      cluster,
      ...(options.vip === undefined ? {} : { vip: options.vip }),
      ...(options.subject === undefined ? {} : { subject: options.subject }),
      evidence,
      ...(outcome === 'pass' ? {} : { fix: options.fix ?? spec.fix }),
    };
  };

export const pass = (check: CheckId, cluster: string, evidence: string, options?: ResultOptions) =>
  make('pass')(check, cluster, 'Ok', evidence, options);
export const fail = make('fail');
export const unknown = make('unknown');

/** A read that failed: every check that depends on it is unknown, with the API error as evidence. */
export const unreadable = (
  check: CheckId,
  cluster: string,
  error: string,
  options: ResultOptions = {},
): CheckResult =>
  unknown(check, cluster, 'ApiError', `could not read: ${error}`, {
    fix: 'Check the reader’s credentials and permissions and the API’s throttling, then run again',
    ...options,
  });

export interface Summary {
  readonly pass: number;
  readonly fail: number;
  readonly unknown: number;
}

export const summarise = (results: readonly CheckResult[]): Summary => ({
  pass: results.filter((r) => r.outcome === 'pass').length,
  fail: results.filter((r) => r.outcome === 'fail').length,
  unknown: results.filter((r) => r.outcome === 'unknown').length,
});
