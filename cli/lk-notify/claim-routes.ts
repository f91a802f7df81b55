import { makeNodeClaimReader, type NodeClaimState } from '../../shared/aws/claim-verdicts';
import { makeNodeDocumentClient, makeNodeEc2Client } from '../../shared/aws/clients';
import { describeTables, toView } from '../../shared/aws/route-tables';
import { AwsCallError, toAwsCallError } from '../../shared/core/errors';
import { normaliseVip, vipDestination } from '../../shared/core/ip';
import { runUntil } from '../../shared/core/stop';
import {
  claimProgress,
  describeRoutes,
  judgeNodeRoutes,
  type NodeRoutes,
} from '../../shared/domain/checks/node-routes';
import { claimIdempotencyKey } from '../../shared/domain/intake/apply';
import type { Identity, Io } from './context';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import type { Options } from './options';

/**
 * The node's read-only view of its VIP: `check` reads the routes once, `failover --wait` polls them
 * (and, with --state-table, routekeeper's record and verdict) until they point here or the budget ends.
 * What the routes mean is decided in shared/domain/checks/node-routes.ts.
 */

interface NodeView {
  readonly vpcId: string;
  readonly enis: string[];
}

const nodeView = (options: Options, identity: Identity): NodeView => {
  const enis = options.eniId !== undefined ? [options.eniId] : (identity.enis ?? []);
  const vpcId = options.vpcId ?? identity.vpcId;
  const why = identity.imdsProblem ? ` (${identity.imdsProblem})` : '';
  if (enis.length === 0)
    throw new CliError(
      `this node's ENI is unknown: pass --eni or set "eniId"${why}`,
      EXIT.IDENTITY,
    );
  if (vpcId === undefined)
    throw new CliError(
      `the cluster VPC is unknown: pass --vpc-id or set "vpcId"${why}`,
      EXIT.IDENTITY,
    );
  return { vpcId, enis };
};

/** One read of the VIP's route tables: those of the VPC that carry the route, and the named ones. */
const readRoutes = (options: Options, view: NodeView, region: string) => {
  const ec2 = makeNodeEc2Client(region);
  const vip = options.vips[0] as string;
  const destination = vipDestination(normaliseVip(vip) ?? vip);
  const inVpc = { Name: 'vpc-id', Values: [view.vpcId] };
  return async (): Promise<NodeRoutes> => {
    const [carrying, named] = await Promise.all([
      describeTables(ec2, [inVpc, { Name: 'route.destination-cidr-block', Values: [destination] }]),
      options.routeTables.length === 0
        ? []
        : describeTables(ec2, [inVpc, { Name: 'route-table-id', Values: options.routeTables }]),
    ]);
    return judgeNodeRoutes(
      [...carrying, ...named].map((table) => toView(table, destination)),
      view.enis,
      options.routeTables,
    );
  };
};

/** An API failure as the exit code it maps to: retryable ones mean "unreachable", others are for good. */
const failureCode = (error: unknown): { code: ExitCode; text: string } => {
  const failure = error instanceof AwsCallError ? error : toAwsCallError(error);
  return {
    code: failure.retryable ? EXIT.API_UNREACHABLE : EXIT.SEND_REJECTED,
    text: `${failure.code}: ${failure.message}`.slice(0, 300),
  };
};

/** `check`: one read. OK when every managed table routes the VIP here (then the heartbeat goes out). */
export const checkRoutes = async (
  options: Options,
  identity: Identity,
  region: string,
  io: Io,
): Promise<ExitCode> => {
  const view = nodeView(options, identity);
  let routes: NodeRoutes;
  try {
    routes = await runUntil(
      AbortSignal.timeout(options.timeoutMs),
      readRoutes(options, view, region),
    );
  } catch (error) {
    const failure = failureCode(error);
    io.err(`lk-notify: check: cannot read the route tables: ${failure.text}\n`);
    return failure.code;
  }
  io.err(`lk-notify: check: ${describeRoutes(routes)}\n`);
  return routes.kind === 'OnNode' ? EXIT.OK : EXIT.ROUTES_ELSEWHERE;
};

export interface ClaimSent {
  readonly cluster: string;
  readonly node: string;
  readonly vip: string;
  readonly claimedAt: number;
}

const FIRST_POLL_MS = 500;
const MAX_POLL_MS = 3_000;

/**
 * `failover --wait`: poll until the claim is confirmed (exit 0), superseded (9), refused (10), or the
 * budget ends: not confirmed (8) when the last read answered, unreachable (11) when it did not. Progress
 * goes to stderr, one line per change, so a long wait stays a few lines in LifeKeeper's log.
 */
export const waitForRoutes = async (
  options: Options,
  identity: Identity,
  region: string,
  io: Io,
  claim: ClaimSent,
): Promise<ExitCode> => {
  const started = Date.now();
  const deadline = started + options.waitMs;
  const view = nodeView(options, identity);
  const read = readRoutes(options, view, region);
  const readState =
    options.stateTable === undefined
      ? undefined
      : makeNodeClaimReader(makeNodeDocumentClient(region), options.stateTable);
  let stateProblem: string | undefined;
  const idempotencyKey = claimIdempotencyKey('failover', claim);
  const say = (line: string) =>
    io.err(`lk-notify: wait ${((Date.now() - started) / 1000).toFixed(1)} s: ${line}\n`);
  let lastLine = '';
  let lastFailure: { code: ExitCode; text: string } | undefined;
  let lastPending = '';
  let pause = FIRST_POLL_MS;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    const budget = AbortSignal.timeout(remaining);
    try {
      const [routes, state] = await runUntil(budget, () =>
        Promise.all([
          read(),
          readState === undefined || stateProblem !== undefined
            ? ({} as NodeClaimState)
            : readState(claim.cluster, claim.vip, claim.node).catch((error: unknown) => {
                // The verdict only explains; without it the routes still decide.
                stateProblem = failureCode(error).text;
                say(
                  `routekeeper's record is not readable, going on with the routes only: ${stateProblem}`,
                );
                return {} as NodeClaimState;
              }),
        ]),
      );
      lastFailure = undefined;
      const progress = claimProgress({
        node: claim.node,
        claimedAt: claim.claimedAt,
        idempotencyKey,
        routes,
        ...state,
      });
      if (progress.kind === 'Confirmed') {
        say(describeRoutes(routes));
        io.out(
          `${JSON.stringify({ confirmed: true, vip: claim.vip, tables: progress.tables, waitedMs: Date.now() - started })}\n`,
        );
        return EXIT.OK;
      }
      if (progress.kind === 'Superseded') {
        say(`a newer claim holds the VIP: ${progress.why}`);
        return EXIT.SUPERSEDED;
      }
      if (progress.kind === 'Refused') {
        say(`routekeeper refused the claim: ${progress.why}`);
        return EXIT.CLAIM_REFUSED;
      }
      lastPending = `${describeRoutes(progress.routes)}${progress.note ? `; ${progress.note}` : ''}`;
      if (lastPending !== lastLine) say(lastPending);
      lastLine = lastPending;
    } catch (error) {
      // A read cut short by the end of the budget says nothing about the API: the last answer stands.
      if (budget.aborted && lastFailure === undefined && lastPending !== '') break;
      lastFailure = failureCode(error);
      if (lastFailure.code !== EXIT.API_UNREACHABLE) {
        say(`cannot read the route tables: ${lastFailure.text}`);
        return lastFailure.code;
      }
      if (lastFailure.text !== lastLine) say(`route tables not readable: ${lastFailure.text}`);
      lastLine = lastFailure.text;
    }
    const sleep = Math.min(pause, deadline - Date.now());
    if (sleep > 0) await new Promise((resolve) => setTimeout(resolve, sleep));
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
  const budget = `${options.waitMs / 1000} s (--wait-timeout)`;
  if (lastFailure !== undefined) {
    io.err(`lk-notify: the route tables could not be read within ${budget}: ${lastFailure.text}\n`);
    return EXIT.API_UNREACHABLE;
  }
  io.err(`lk-notify: the routes did not point here within ${budget}: ${lastPending}\n`);
  return EXIT.NOT_CONFIRMED;
};
