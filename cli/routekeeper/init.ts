import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeDirectConnectClient, makeEc2ReadClient } from '../../shared/aws/clients';
import { type Discovery, discover } from '../../shared/aws/discovery';
import { stageConfigPath } from '../../shared/config/load';
import { ConfigError, parseConfig } from '../../shared/config/schema';
import { cidrCovers, normaliseVip, parseCidr, vipDestination } from '../../shared/core/ip';
import { NAME } from '../../shared/core/names';
import { type Command, type Io, runCommand, TIMEOUT_HELP, UsageError } from './common';

export const USAGE = `Usage: routekeeper init --region <r> --vpc <vpc-id> --node <node> --node <node> --vip <ip> [options]

Discovers what the guide set up and writes config/routekeeper.<stage>.json: the node ENIs, the route
tables of the VPC carrying each VIP/32, the on-premises routes to the Transit Gateway, the Transit Gateway,
the VPC's attachment and the TGW route table holding the static VIP route, and the Direct Connect gateway
if readable. It prints what it found and what it could not, with the guide's fix. Missing flags are asked
for when a terminal is attached. It never overwrites a file without --force.

Options:
  --region <region>     the cluster's region (required)
  --vpc <vpc-id>        the cluster VPC (required)
  --node <node>         a node: <instance-id>, <name>=<instance-id> or <name>=<instance-id>:<eni-id>
                        (at least two; the ENI defaults to the instance's only secondary ENI)
  --vip <ip>            a VIP of the cluster (at least one; repeat for more)
  --cluster <name>      the cluster's name (default: lk-cluster)
  --stage <stage>       writes config/routekeeper.<stage>.json (default: dev)
  --output <file>       write this file instead
  --force               overwrite an existing file
  --drift-mode <mode>   report (default) or repair
  --tgw-route-table <tgw-rtb-id>   the TGW route table holding the VIP routes, when it cannot be discovered
                        (the emulator does not report TGW route targets; a network account may hide it)
  --tgw-attachment <tgw-attach-id> the cluster VPC's attachment, when it cannot be discovered
  --dx-gateway <id>     the Direct Connect gateway, when it cannot be discovered (no DX read permission,
                        or the emulator, which has no Direct Connect)
  --json                print the findings and the written configuration as JSON on stdout
${TIMEOUT_HELP}
  -h, --help            show this help

Exit codes: 0 written and everything discovered, 1 nothing written: a required part was not found or the
result is not a valid configuration, 2 usage error or the file exists (use --force), 3 written, but some
parts could not be discovered (listed with their fix), 4 not finished within --timeout.
`;

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    options: {
      region: { type: 'string' },
      vpc: { type: 'string' },
      node: { type: 'string', multiple: true },
      vip: { type: 'string', multiple: true },
      cluster: { type: 'string' },
      stage: { type: 'string' },
      output: { type: 'string' },
      force: { type: 'boolean', default: false },
      'drift-mode': { type: 'string' },
      'tgw-route-table': { type: 'string' },
      'tgw-attachment': { type: 'string' },
      'dx-gateway': { type: 'string' },
      json: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;

type Options = ReturnType<typeof parse>;

/** One line of the report: what was found, or what was not and the fix. */
export interface Finding {
  readonly what: string;
  readonly found?: string;
  readonly missing?: string;
  readonly fix?: string;
  /** A required part: without it no configuration is written. */
  readonly required?: boolean;
  /** Never discoverable here (e.g. the node roles): a step left to the operator, not a gap. */
  readonly afterwards?: boolean;
}

interface NodeArg {
  readonly name?: string;
  readonly instanceId: string;
  readonly eniId?: string;
}

const parseNode = (text: string): NodeArg => {
  const match = /^(?:([^=]+)=)?(i-[0-9a-f]+)(?::(eni-[0-9a-f]+))?$/.exec(text.trim());
  if (match === null) {
    throw new UsageError(
      `--node ${text}: expected <instance-id>, <name>=<instance-id> or <name>=<instance-id>:<eni-id>`,
    );
  }
  const [, name, instanceId, eniId] = match;
  return {
    instanceId: instanceId as string,
    ...(name ? { name } : {}),
    ...(eniId ? { eniId } : {}),
  };
};

/** Missing required flags are asked for on a terminal; without one they are a usage error. */
const complete = async (options: Options, io: Io): Promise<Options> => {
  const ask = async (flag: string, question: string): Promise<string> => {
    if (!io.interactive || io.ask === undefined) throw new UsageError(`--${flag} is required`);
    const answer = (await io.ask(question)).trim();
    if (answer === '') throw new UsageError(`--${flag} is required`);
    return answer;
  };
  const list = async (flag: string, question: string, values: string[] | undefined) =>
    values && values.length > 0
      ? values
      : (await ask(flag, question)).split(/[\s,]+/).filter(Boolean);
  return {
    ...options,
    region: options.region ?? (await ask('region', 'Region (e.g. ap-northeast-1): ')),
    vpc: options.vpc ?? (await ask('vpc', 'Cluster VPC id: ')),
    node: await list(
      'node',
      'Node instance ids (space-separated, name=i-… to name them): ',
      options.node,
    ),
    vip: await list('vip', 'VIP address(es): ', options.vip),
  };
};

interface Assembled {
  readonly config: Record<string, unknown>;
  readonly findings: Finding[];
}

/** The configuration and the report from what discovery read; pure. */
export const assemble = (
  options: Options & { region: string; vpc: string; node: string[]; vip: string[] },
  facts: Discovery,
): Assembled => {
  const findings: Finding[] = [];
  const note = (finding: Finding) => findings.push(finding);
  const nodes = options.node.map(parseNode);
  const vips = options.vip.map((text) => normaliseVip(text) ?? text);

  const vpcCidrs = facts.vpcCidrs.ok ? facts.vpcCidrs.value : [];
  if (facts.vpcCidrs.ok) note({ what: 'VPC CIDR blocks', found: vpcCidrs.join(', ') });
  else
    note({
      what: `VPC ${options.vpc}`,
      missing: facts.vpcCidrs.error,
      fix: 'Check --vpc and --region',
      required: true,
    });

  const nodeConfigs = nodes.map((node, i) => {
    const tag = facts.instances.ok
      ? facts.instances.value.find((x) => x.id === node.instanceId)
      : undefined;
    const name = node.name ?? (tag?.name && NAME.test(tag.name) ? tag.name : `node${i + 1}`);
    if (facts.instances.ok && tag === undefined) {
      note({
        what: `instance ${node.instanceId}`,
        missing: 'not found',
        fix: 'Check --node and --region',
        required: true,
      });
    } else if (tag !== undefined && tag.vpcId !== options.vpc) {
      note({
        what: `instance ${node.instanceId}`,
        missing: `is in ${tag.vpcId}, not ${options.vpc}`,
        fix: 'Name the cluster VPC with --vpc',
        required: true,
      });
    }
    let eniId = node.eniId;
    if (eniId === undefined) {
      if (!facts.enis.ok) {
        note({
          what: `${name} ENI`,
          missing: facts.enis.error,
          fix: `Give it: --node ${name}=${node.instanceId}:<eni-id>`,
          required: true,
        });
      } else {
        const attached = facts.enis.value.filter((e) => e.instanceId === node.instanceId);
        const secondary = attached.filter((e) => e.deviceIndex > 0);
        const chosen =
          secondary.length === 1
            ? secondary[0]
            : secondary.length === 0 && attached.length === 1
              ? attached[0]
              : undefined;
        if (chosen === undefined) {
          note({
            what: `${name} ENI`,
            missing:
              attached.length === 0
                ? 'no network interface attached'
                : `${secondary.length} secondary ENIs: which one carries the VIP route?`,
            fix: `Give it: --node ${name}=${node.instanceId}:<eni-id>`,
            required: true,
          });
        } else {
          eniId = chosen.id;
          note({
            what: `${name} (${node.instanceId}) ENI`,
            found: `${chosen.id} (device ${chosen.deviceIndex})`,
          });
          if (chosen.sourceDestCheck) {
            note({
              what: `${name} source/destination check`,
              missing: `enabled on ${chosen.id}`,
              fix: `aws ec2 modify-network-interface-attribute --no-source-dest-check --network-interface-id ${chosen.id}`,
            });
          }
        }
      }
    }
    return { name, instanceId: node.instanceId, ...(eniId ? { eniId } : {}) };
  });
  note({
    what: 'node instance roles (nodes[].roleArn)',
    missing: 'not discovered',
    fix: 'Add each node instance role ARN before packaging: the bus lets only that role send the node events',
    afterwards: true,
  });

  const tables = facts.routeTables.ok ? facts.routeTables.value : [];
  if (!facts.routeTables.ok) {
    note({
      what: 'route tables',
      missing: facts.routeTables.error,
      fix: 'Allow ec2:DescribeRouteTables and run again',
      required: true,
    });
  }
  const attachment = options['tgw-attachment']
    ? { id: options['tgw-attachment'], tgwId: undefined }
    : facts.attachments.ok && facts.attachments.value.length === 1
      ? facts.attachments.value[0]
      : undefined;
  if (options['tgw-attachment'])
    note({ what: 'Transit Gateway attachment', found: `${options['tgw-attachment']} (given)` });
  else if (attachment !== undefined)
    note({
      what: 'Transit Gateway attachment',
      found: `${attachment.id} of ${attachment.tgwId} (${(attachment as { state: string }).state})`,
    });
  else {
    note({
      what: 'Transit Gateway attachment of the VPC',
      missing: !facts.attachments.ok
        ? facts.attachments.error
        : `${facts.attachments.value.length} attachments`,
      fix: 'Attach the cluster VPC to the Transit Gateway (guide), or give --tgw-attachment',
    });
  }
  const tgwId = attachment?.tgwId;

  const onPrem = new Set<string>();
  const vipConfigs = vips.map((vip) => {
    const carrying = tables
      .filter((t) => t.routes.some((r) => r.destination === vipDestination(vip)))
      .sort((a, b) => a.id.localeCompare(b.id));
    for (const table of carrying) {
      for (const route of table.routes) {
        const cidr = parseCidr(route.destination);
        const inVpc = vpcCidrs.some((v) => {
          const block = parseCidr(v);
          return block !== undefined && cidr !== undefined && cidrCovers(block, cidr);
        });
        if (
          route.targetKind === 'transit-gateway' &&
          !inVpc &&
          cidr !== undefined &&
          cidr.prefix < 32
        ) {
          onPrem.add(route.destination);
        }
      }
    }
    if (carrying.length > 0) {
      note({
        what: `route tables carrying ${vip}/32`,
        found: carrying
          .map(
            (t) =>
              `${t.id} → ${t.routes.find((r) => r.destination === vipDestination(vip))?.targetId}`,
          )
          .join(', '),
      });
    } else if (facts.routeTables.ok) {
      note({
        what: `route tables carrying ${vip}/32`,
        missing: `no route table of ${options.vpc} has the route`,
        fix: 'Create the VIP/32 route to the active node ENI in the route table of each cluster subnet (guide step 5)',
        required: true,
      });
    }
    const given = options['tgw-route-table'];
    const holding = facts.tgwRouteTables.ok
      ? facts.tgwRouteTables.value.filter((t) =>
          t.routes.some((r) => r.destination === vipDestination(vip)),
        )
      : [];
    const tgwTable = given ?? (holding.length === 1 ? holding[0]?.id : undefined);
    if (given) note({ what: `TGW route table for ${vip}`, found: `${given} (given)` });
    else if (tgwTable !== undefined) {
      const route = holding[0]?.routes.find((r) => r.destination === vipDestination(vip));
      const target = route?.attachmentIds.join(',') || '';
      note({
        what: `TGW route table holding ${vip}/32`,
        found: `${tgwTable}, static route → ${target || 'target not reported'}`,
      });
      if (target === '') {
        note({
          what: `target of the TGW route ${vip}/32`,
          missing: 'the API did not report the attachment of the route (the emulator never does)',
          fix: `Check it targets ${attachment?.id ?? 'the cluster VPC attachment'}; routekeeper makes it so on every switch`,
        });
      } else if (attachment !== undefined && !route?.attachmentIds.includes(attachment.id)) {
        note({
          what: `TGW route ${vip}/32`,
          missing: `targets ${target}, not ${attachment.id}`,
          fix: 'Point the static VIP route at the cluster VPC attachment (guide step 5); routekeeper does it on the next switch',
        });
      }
    } else {
      note({
        what: `TGW route table holding ${vip}/32`,
        missing: !facts.tgwRouteTables.ok
          ? facts.tgwRouteTables.error
          : holding.length > 1
            ? `${holding.length} tables hold it: ${holding.map((t) => t.id).join(', ')}`
            : 'no static route for the VIP found',
        fix: 'Create the static VIP/32 route to the cluster VPC attachment in the TGW route table (guide step 5), or give --tgw-route-table',
      });
    }
    return {
      address: vip,
      routeTables: carrying.map((t) => t.id),
      discoverRouteTables: true,
      ...(tgwTable !== undefined && attachment !== undefined
        ? { transitGatewayRoute: { routeTableId: tgwTable, attachmentId: attachment.id } }
        : {}),
    };
  });
  if (onPrem.size > 0)
    note({
      what: 'on-premises routes to the Transit Gateway',
      found: [...onPrem].sort().join(', '),
    });
  else if (facts.routeTables.ok) {
    note({
      what: 'on-premises routes',
      missing: 'no route to the Transit Gateway in the VIP route tables',
      fix: 'Route the on-premises CIDR to the Transit Gateway, not a virtual private gateway (guide step 5)',
    });
  }

  let dxGatewayId = options['dx-gateway'];
  if (dxGatewayId) note({ what: 'Direct Connect gateway', found: `${dxGatewayId} (given)` });
  else if (!facts.dxGateways.ok) {
    note({
      what: 'Direct Connect gateway',
      missing: `not readable: ${facts.dxGateways.error}`,
      fix: 'Allow directconnect:DescribeDirectConnectGatewayAssociations, or give --dx-gateway (the emulator has no Direct Connect)',
    });
  } else if (facts.dxGateways.value.length === 1) {
    dxGatewayId = facts.dxGateways.value[0]?.dxGatewayId;
    note({ what: 'Direct Connect gateway', found: `${dxGatewayId} (associated with ${tgwId})` });
  } else if (tgwId !== undefined) {
    note({
      what: 'Direct Connect gateway',
      missing: `${facts.dxGateways.value.length} associations with ${tgwId}`,
      fix: 'Associate the DX gateway with the Transit Gateway, allowed prefixes = the VPC CIDR and every VIP (guide), or give --dx-gateway',
    });
  }

  const config = {
    clusters: [
      {
        name: options.cluster ?? 'lk-cluster',
        region: options.region,
        vpcId: options.vpc,
        vpcCidrs,
        ...(tgwId ? { transitGatewayId: tgwId } : {}),
        ...(dxGatewayId ? { directConnectGatewayId: dxGatewayId } : {}),
        onPremisesCidrs: [...onPrem].sort(),
        driftMode: options['drift-mode'] ?? 'report',
        nodes: nodeConfigs,
        vips: vipConfigs,
      },
    ],
  };
  return { config, findings };
};

const formatFindings = (findings: readonly Finding[]): string =>
  findings
    .map((f) =>
      f.found !== undefined
        ? `  ✓ ${f.what}: ${f.found}`
        : `  ${f.required ? '✗' : '?'} ${f.what}: ${f.missing}\n      fix: ${f.fix}`,
    )
    .join('\n');

/** `routekeeper init`: discover the guide's setup and write the stage's configuration. */
export const init: Command = (argv, io) =>
  runCommand(
    'init',
    USAGE,
    io,
    () => parse(argv),
    async (given) => {
      const options = await complete(given, io);
      const { region, vpc, node, vip } = options as Options & {
        region: string;
        vpc: string;
        node: string[];
        vip: string[];
      };
      const output = resolve(options.output ?? stageConfigPath(options.stage ?? 'dev'));
      if (existsSync(output) && !options.force) {
        throw new UsageError(`${output} exists: pass --force to overwrite it`);
      }
      if (node.length < 2) throw new UsageError('a cluster needs at least two --node');
      const nodes = node.map(parseNode);
      const clients = { region, endpoint: io.env.AWS_ENDPOINT_URL };
      const facts = await discover(
        { ec2: makeEc2ReadClient(clients), directConnect: makeDirectConnectClient(clients) },
        vpc,
        nodes.map((n) => n.instanceId),
      );
      const { config, findings } = assemble({ ...options, region, vpc, node, vip }, facts);
      const required = findings.filter((f) => f.required);
      let problems = required.map((f) => `${f.what}: ${f.missing}`);
      if (problems.length === 0) {
        try {
          parseConfig(config, 'the discovered configuration');
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          problems = [error.message];
        }
      }
      const written = problems.length === 0;
      const schema = join(dirname(output), 'routekeeper.schema.json');
      if (written) {
        mkdirSync(dirname(output), { recursive: true });
        const document = existsSync(schema)
          ? { $schema: './routekeeper.schema.json', ...config }
          : config;
        writeFileSync(output, `${JSON.stringify(document, null, 2)}\n`);
      }
      const undiscovered = findings.filter(
        (f) => f.found === undefined && !f.what.startsWith('node instance roles'),
      );
      const exitCode = !written ? 1 : undiscovered.length > 0 ? 3 : 0;
      if (options.json) {
        io.out(
          `${JSON.stringify({ version: 1, exitCode, output, written, findings, problems, config }, null, 2)}\n`,
        );
      } else {
        io.out(
          `routekeeper init — ${vpc} in ${region}\n${formatFindings(findings)}\n\n` +
            (written
              ? `Wrote ${output}. Next: routekeeper doctor --config ${output}\n`
              : `Nothing written:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`),
        );
      }
      return exitCode;
    },
  );
