import { parseArgs } from 'node:util';
import { readCallerIdentity } from '../../shared/aws/caller-identity';
import { normaliseVip } from '../../shared/core/ip';
import { operatorCommand } from '../../shared/domain/switch/command';
import { isSuccess, RetryableSwitchError } from '../../shared/domain/switch/outcomes';
import { planSwitch, type SwitchPlan } from '../../shared/domain/switch/plan';
import {
  ORDER_TOKEN_FUTURE_TOLERANCE_MS,
  switchRoute,
} from '../../shared/domain/switch/switch-route';
import { OPERATOR_SOURCE } from '../../shared/events/routekeeper-source';
import {
  auditLine,
  CLUSTER_COMMAND_OPTIONS,
  CONFIG_HELP,
  type Command,
  confirm,
  findCluster,
  loadConfig,
  runCommand,
  stateTableName,
  TABLES_HELP,
  TIMEOUT_HELP,
  UsageError,
} from './common';
import { buildSwitchDeps } from './deps';

export const USAGE = `Usage: routekeeper switch --cluster <name> --vip <ip> --to <node> [--reason <text>] [--dry-run] [--yes]

Moves a VIP to another node by hand: a claim made now, through the same fence as a LifeKeeper claim
(it wins over older claims; a later LifeKeeper claim wins over it), then the same switch routeSwitch
runs (every managed route table, the Transit Gateway's static route), run here with your own AWS
credentials: IAM alone decides whether you may (README, "Operating routekeeper"). Audited: who (your
caller identity), when and why go into the VIP's state record, one log line on stderr, and the
"Route Switch Completed/Failed" event (source ${OPERATOR_SOURCE}).

Before changing anything it prints the plan (which tables change, from what to what, the Transit
Gateway action) and asks for confirmation.

Options:
  --cluster <name>      the configured cluster (required)
  --vip <ip>            the VIP to move (required)
  --to <node>           the configured node to move it to (required)
  --reason <text>       why (recorded and logged; default "operator switch")
  --dry-run             print the plan and write nothing
  --yes                 do not ask for confirmation (required when no terminal is attached)
${CONFIG_HELP}
${TABLES_HELP}
  --event-bus <name>    the routekeeper bus (default: $EVENT_BUS_NAME, else routekeeper-<stage>)
  --json                print the plan / the outcome as JSON on stdout
${TIMEOUT_HELP}
  -h, --help            show this help

Exit codes: 0 switched, already in place, or (--dry-run) planned; 1 the switch did not complete
(refused, fenced off by a newer claim, partial, or an AWS error; see the outcome); 2 usage or configuration
error, or no terminal to confirm on without --yes; 4 not finished within --timeout; 5 not confirmed.
`;

const parse = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    options: {
      ...CLUSTER_COMMAND_OPTIONS,
      vip: { type: 'string' },
      to: { type: 'string' },
      reason: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      yes: { type: 'boolean', short: 'y', default: false },
      'event-bus': { type: 'string' },
    },
  }).values;

const FENCE_TEXT: Record<SwitchPlan['fence'], string> = {
  Accept: 'accepted: the switch becomes the newest claim',
  Replay: 'a replay of the recorded claim',
  Stale: 'REJECTED: a newer claim is recorded; nothing would be written',
  SplitBrainSuspected:
    'REJECTED: another node holds a claim of the same time; nothing would be written',
};

export const formatPlan = (plan: SwitchPlan): string => {
  const out = [
    `Plan: move ${plan.vip} of ${plan.cluster} to ${plan.node} (${plan.eni})`,
    `  recorded owner: ${
      plan.recorded === undefined
        ? 'none (no claim recorded yet)'
        : `${plan.recorded.owner} (${plan.recorded.eni}), order token ${plan.recorded.orderToken}, ${plan.recorded.phase} since ${plan.recorded.updatedAt}`
    }`,
    `  fence: ${FENCE_TEXT[plan.fence]}`,
  ];
  for (const table of plan.tables) {
    const what =
      table.kind === 'inPlace'
        ? 'no change (already routes to the target)'
        : table.kind === 'replace'
          ? `replace: ${table.current} → ${plan.eni}`
          : table.kind === 'create'
            ? `create: no route → ${plan.eni}`
            : 'MISSING: no VIP route and createMissingRoute is off; not written';
    out.push(`  route table ${table.routeTableId}: ${what}`);
  }
  for (const id of plan.outsideVpc)
    out.push(`  route table ${id}: not in the cluster VPC; never written`);
  if (plan.tables.length === 0 && plan.outsideVpc.length === 0) {
    out.push(
      '  no managed route table carries the VIP: the switch would be refused (NoManagedTables)',
    );
  }
  for (const tgw of plan.tgwTables) {
    const action =
      tgw.action === 'none'
        ? tgw.finding === 'InPlace'
          ? 'no change'
          : `no change (${tgw.finding}: cannot be judged from what the API reports)`
        : `${tgw.action} the static route → ${tgw.attachmentId} (${tgw.finding})`;
    out.push(`  Transit Gateway route table ${tgw.routeTableId}: ${action}`);
  }
  return `${out.join('\n')}\n`;
};

/**
 * The plan as `--json` (version 1) prints it: `tgwTables` has every TGW route table of the VIP, and `tgw`
 * repeats the first, the one field version 1 showed before the plan covered them all.
 */
const planJson = (plan: SwitchPlan) => {
  const [first] = plan.tgwTables;
  return first === undefined ? plan : { ...plan, tgw: first };
};

/** `routekeeper switch`: an operator-initiated, audited move of one VIP. */
export const switchCommand: Command = (argv, io) =>
  runCommand(
    'switch',
    USAGE,
    io,
    () => parse(argv),
    async (options) => {
      const config = loadConfig(options, io.env);
      const cluster = findCluster(config, options.cluster);
      if (options.vip === undefined || options.to === undefined) {
        throw new UsageError('--vip and --to are required');
      }
      const vip = normaliseVip(options.vip) ?? options.vip;
      const reason = options.reason?.trim() || 'operator switch';
      const clients = { region: cluster.region, endpoint: io.env.AWS_ENDPOINT_URL };
      const who = await readCallerIdentity(clients);
      // The claim is ordered by this machine's clock: one far from AWS's would fence off (ahead) or lose to
      // (behind) claims it should not. The Date header has whole seconds, hence the extra second.
      const now = Date.now();
      if (who.awsTime !== undefined) {
        const skew = now - who.awsTime.getTime();
        if (Math.abs(skew) > ORDER_TOKEN_FUTURE_TOLERANCE_MS + 1_000) {
          io.err(
            `routekeeper switch: this machine's clock is ${Math.round(skew / 1000)} s off AWS's; an operator claim is ordered by it. Fix time synchronisation and run again\n`,
          );
          return 1;
        }
      }
      const audit = { principal: who.arn, at: new Date(now).toISOString(), reason };
      const resolved = operatorCommand(
        config,
        { cluster: cluster.name, vip, node: options.to, orderToken: now },
        audit,
      );
      if ('refused' in resolved) throw new UsageError(resolved.refused.detail ?? 'refused');
      const { command } = resolved;
      const deps = buildSwitchDeps({
        config,
        clients,
        stateTable: stateTableName(options, io.env),
        busName:
          options['event-bus'] ?? io.env.EVENT_BUS_NAME ?? `routekeeper-${options.stage ?? 'dev'}`,
      });

      const plan = await planSwitch(command, deps);
      if (options['dry-run']) {
        io.out(
          options.json
            ? `${JSON.stringify({ version: 1, dryRun: true, initiatedBy: audit, plan: planJson(plan) }, null, 2)}\n`
            : `${formatPlan(plan)}Dry run: nothing written.\n`,
        );
        return 0;
      }
      if (!options.json) io.out(formatPlan(plan));
      if (!(await confirm(io, `Move ${vip} to ${command.node}?`, options.yes))) {
        io.err('routekeeper switch: not confirmed; nothing written\n');
        return 5;
      }

      const started = Date.now();
      let outcome: Awaited<ReturnType<typeof switchRoute>> | undefined;
      let retryable: RetryableSwitchError | undefined;
      try {
        outcome = await switchRoute(command, deps);
      } catch (error) {
        if (!(error instanceof RetryableSwitchError)) throw error;
        retryable = error;
      }
      const kind = outcome?.kind ?? 'RetryableFailure';
      auditLine(io, `operator route switch ${kind}`, {
        cluster: command.cluster,
        vip: command.vip,
        node: command.node,
        from: plan.recorded?.owner ?? null,
        orderToken: command.orderToken,
        initiatedBy: audit,
        outcome: kind,
        changed: outcome?.changed ?? [],
        durationMs: Date.now() - started,
      });
      if (outcome === undefined) {
        io.err(
          `routekeeper switch: ${retryable?.message}: ${retryable?.failures.map((f) => `${f.routeTableId} ${f.code}`).join(', ')}; ` +
            'the claim is recorded; run the same switch again (or let drift repair it) to finish\n',
        );
        return 1;
      }
      io.out(
        options.json
          ? `${JSON.stringify({ version: 1, dryRun: false, initiatedBy: audit, plan: planJson(plan), outcome }, null, 2)}\n`
          : `${kind}${outcome.owner ? `: ${vip} is owned by ${outcome.owner}` : ''}${outcome.changed.length > 0 ? `; changed ${outcome.changed.join(', ')}` : ''}${outcome.detail ? ` (${outcome.detail})` : ''}\n`,
      );
      return isSuccess(outcome) ? 0 : 1;
    },
  );
