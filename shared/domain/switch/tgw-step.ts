import type { TgwRoute } from '../../config/schema';
import { toAwsCallError } from '../../core/errors';
import type { SwitchOutcome, TableFailure, TgwResult, TgwTableResult } from './outcomes';
import type { TransitGatewayRoutes } from './ports';
import { assessTgwRoute } from './tgw-plan';

/** Make the static VIP route of one Transit Gateway route table target its attachment (create or replace). */
export const ensureTgwRoute = async (
  tgw: TransitGatewayRoutes,
  expected: TgwRoute,
  destination: string,
): Promise<TgwResult> => {
  let finding: TgwResult['finding'] = 'Unknown';
  try {
    const { routes, complete } = await tgw.exactRoutes(expected.routeTableId, destination);
    const assessment = assessTgwRoute(routes, complete, expected.attachmentId);
    finding = assessment.finding;
    if (assessment.action === 'create') {
      await tgw.createRoute(expected.routeTableId, destination, expected.attachmentId);
    } else if (assessment.action === 'replace') {
      await tgw.replaceRoute(expected.routeTableId, destination, expected.attachmentId);
    }
    return assessment;
  } catch (error) {
    const failure = toAwsCallError(error);
    return { finding, action: 'failed', code: failure.code, retryable: failure.retryable };
  }
};

/**
 * Every configured Transit Gateway route table of the VIP, at once (a handful at most); one table's
 * failure never stops the others, and each ends with its own result.
 */
export const ensureTgwRoutes = (
  tgw: TransitGatewayRoutes,
  expected: readonly TgwRoute[],
  destination: string,
): Promise<TgwTableResult[]> =>
  Promise.all(
    expected.map(async (route) => ({
      routeTableId: route.routeTableId,
      ...(await ensureTgwRoute(tgw, route, destination)),
    })),
  );

const severity = (result: TgwResult): number =>
  result.action === 'failed'
    ? 3
    : result.action !== 'none'
      ? 2
      : result.finding === 'InPlace'
        ? 0
        : 1;

/**
 * The one result the event's `transitGateway` summary names: a failure first, then a table that was
 * written, then one that could not be judged; the first of equals.
 */
export const worstTgw = (results: readonly TgwTableResult[]): TgwResult | undefined => {
  const worst = results.reduce<TgwTableResult | undefined>(
    (found, result) => (found === undefined || severity(result) > severity(found) ? result : found),
    undefined,
  );
  if (worst === undefined) return undefined;
  const { routeTableId: _table, ...result } = worst;
  return result;
};

const failureOf = (result: TgwTableResult): TableFailure | undefined =>
  result.action === 'failed'
    ? {
        routeTableId: result.routeTableId,
        code: result.code ?? 'Unknown',
        message: `Transit Gateway VIP route (${result.finding}) could not be fixed: ${result.code ?? 'Unknown'}`,
        retryable: result.retryable === true,
      }
    : result.finding === 'SearchIncomplete'
      ? {
          routeTableId: result.routeTableId,
          code: 'TgwSearchIncomplete',
          message: 'the Transit Gateway route search reported more routes available; not checked',
          retryable: false,
        }
      : undefined;

/** A Transit Gateway route table that could not be fixed or checked makes the switch Partial. */
export const withTgw = (
  outcome: Omit<SwitchOutcome, 'tgw' | 'tgwTables'>,
  results: readonly TgwTableResult[],
): SwitchOutcome => {
  const summary = worstTgw(results);
  if (summary === undefined) return outcome;
  const failures = results.flatMap((result) => failureOf(result) ?? []);
  // One table: the summary is that table (and a failure names it); several: each is listed.
  const withResults = {
    ...outcome,
    tgw: summary,
    ...(results.length > 1 ? { tgwTables: results } : {}),
  };
  if (failures.length === 0) return withResults;
  return { ...withResults, kind: 'Partial', failed: [...outcome.failed, ...failures] };
};
