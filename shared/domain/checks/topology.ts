import { cidrContains, parseCidr, parseIpv4 } from '../../core/ip';
import type { ClusterContext } from './context';
import { type CheckResult, fail, pass, unreadable } from './types';

/** Check 1a: the cluster VPC exists. */
export const checkVpc = ({ cluster, snapshot }: ClusterContext): CheckResult[] => {
  if (!snapshot.vpcs.ok) return [unreadable('vpc.exists', cluster.name, snapshot.vpcs.error)];
  const vpc = snapshot.vpcs.value.find((v) => v.id === cluster.vpcId);
  return vpc === undefined
    ? [
        fail('vpc.exists', cluster.name, 'VpcNotFound', `${cluster.vpcId} does not exist`, {
          subject: cluster.vpcId,
        }),
      ]
    : [
        pass('vpc.exists', cluster.name, `${vpc.id} exists, CIDR ${vpc.cidrs.join(', ')}`, {
          subject: vpc.id,
        }),
      ];
};

/** Check 2: each VIP lies outside every CIDR block the VPC really has (not only the configured ones). */
export const checkVipOutsideVpc = ({ cluster, snapshot }: ClusterContext): CheckResult[] => {
  if (!snapshot.vpcs.ok) {
    const { error } = snapshot.vpcs;
    return cluster.vips.map((vip) =>
      unreadable('vpc.vip-outside-cidr', cluster.name, error, { vip: vip.address }),
    );
  }
  const vpc = snapshot.vpcs.value.find((v) => v.id === cluster.vpcId);
  if (vpc === undefined) return [];
  return cluster.vips.map((vip) => {
    const address = parseIpv4(vip.address) as number;
    const inside = vpc.cidrs.find((text) => {
      const cidr = parseCidr(text);
      return cidr !== undefined && cidrContains(cidr, address);
    });
    return inside === undefined
      ? pass(
          'vpc.vip-outside-cidr',
          cluster.name,
          `${vip.address} is outside ${vpc.cidrs.join(', ')}`,
          { vip: vip.address },
        )
      : fail(
          'vpc.vip-outside-cidr',
          cluster.name,
          'VipInsideVpcCidr',
          `${vip.address} lies inside ${inside}`,
          { vip: vip.address },
        );
  });
};

/** Check 1b: every node instance exists, and the nodes span at least two Availability Zones. */
export const checkNodesMultiAz = ({ cluster, snapshot }: ClusterContext): CheckResult[] => {
  if (!snapshot.instances.ok)
    return [unreadable('nodes.multi-az', cluster.name, snapshot.instances.error)];
  const instances = snapshot.instances.value;
  const results: CheckResult[] = [];
  const azs = new Map<string, string[]>();
  for (const node of cluster.nodes) {
    const instance = instances.find((i) => i.id === node.instanceId);
    if (instance === undefined) {
      results.push(
        fail(
          'nodes.multi-az',
          cluster.name,
          'InstanceNotFound',
          `${node.name}: instance ${node.instanceId} does not exist`,
          { subject: node.instanceId, fix: 'Correct nodes[].instanceId in the configuration' },
        ),
      );
      continue;
    }
    azs.set(instance.az, [...(azs.get(instance.az) ?? []), node.name]);
  }
  const placement = [...azs].map(([az, names]) => `${names.join('+')} in ${az}`).join(', ');
  if (results.length > 0) return results;
  return azs.size >= 2
    ? [pass('nodes.multi-az', cluster.name, placement)]
    : [fail('nodes.multi-az', cluster.name, 'SingleAvailabilityZone', placement)];
};

/** Check 1c: each configured ENI exists, is attached to its node's instance and lies in the cluster VPC. */
export const checkNodeEnis = ({ cluster, snapshot }: ClusterContext): CheckResult[] => {
  if (!snapshot.enis.ok) return [unreadable('nodes.eni', cluster.name, snapshot.enis.error)];
  return cluster.nodes.map((node) => {
    const eni = snapshot.enis.ok ? snapshot.enis.value.find((e) => e.id === node.eniId) : undefined;
    const options = { subject: node.eniId };
    if (eni === undefined)
      return fail(
        'nodes.eni',
        cluster.name,
        'EniNotFound',
        `${node.name}: ${node.eniId} does not exist`,
        options,
      );
    if (eni.vpcId !== cluster.vpcId)
      return fail(
        'nodes.eni',
        cluster.name,
        'EniOutsideVpc',
        `${node.name}: ${eni.id} lies in ${eni.vpcId}, not ${cluster.vpcId}`,
        options,
      );
    if (eni.attachedInstanceId !== node.instanceId)
      return fail(
        'nodes.eni',
        cluster.name,
        'EniNotAttached',
        `${node.name}: ${eni.id} is attached to ${eni.attachedInstanceId ?? 'nothing'}, not ${node.instanceId}`,
        options,
      );
    return pass(
      'nodes.eni',
      cluster.name,
      `${node.name}: ${eni.id} attached to ${node.instanceId} in ${eni.az}`,
      options,
    );
  });
};

/** Check 3: source/destination check is off on every node ENI (else the VIP's packets are dropped). */
export const checkSourceDestCheck = ({ cluster, snapshot }: ClusterContext): CheckResult[] => {
  if (!snapshot.enis.ok)
    return [unreadable('nodes.source-dest-check', cluster.name, snapshot.enis.error)];
  const enis = snapshot.enis.value;
  return cluster.nodes.flatMap((node) => {
    const eni = enis.find((e) => e.id === node.eniId);
    if (eni === undefined) return []; // nodes.eni reports it
    const options = {
      subject: eni.id,
      fix: `aws ec2 modify-network-interface-attribute --network-interface-id ${eni.id} --no-source-dest-check`,
    };
    return eni.sourceDestCheck
      ? [
          fail(
            'nodes.source-dest-check',
            cluster.name,
            'SourceDestCheckEnabled',
            `${node.name}: source/destination check is ON for ${eni.id}`,
            options,
          ),
        ]
      : [pass('nodes.source-dest-check', cluster.name, `${node.name}: off for ${eni.id}`, options)];
  });
};
