import { toAwsCallError } from '../../core/errors';
import type { SwitchOutcome, TableFailure, TgwResult } from './outcomes';
import type { TransitGatewayRoutes } from './ports';
import { assessTgwRoute } from './tgw-plan';

/** Make the Transit Gateway's static VIP route target the cluster VPC attachment (create or replace). */
export const ensureTgwRoute = async (
  tgw: TransitGatewayRoutes,
  expected: { routeTableId: string; attachmentId: string },
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

/** A Transit Gateway route that could not be fixed or checked makes the switch Partial. */
export const withTgw = (
  outcome: Omit<SwitchOutcome, 'tgw'>,
  tgw: TgwResult | undefined,
  routeTableId: string | undefined,
): SwitchOutcome => {
  if (tgw === undefined || routeTableId === undefined) return outcome;
  const failure: TableFailure | undefined =
    tgw.action === 'failed'
      ? {
          routeTableId,
          code: tgw.code ?? 'Unknown',
          message: `Transit Gateway VIP route (${tgw.finding}) could not be fixed: ${tgw.code ?? 'Unknown'}`,
          retryable: tgw.retryable === true,
        }
      : tgw.finding === 'SearchIncomplete'
        ? {
            routeTableId,
            code: 'TgwSearchIncomplete',
            message: 'the Transit Gateway route search reported more routes available; not checked',
            retryable: false,
          }
        : undefined;
  if (failure === undefined) return { ...outcome, tgw };
  return { ...outcome, kind: 'Partial', failed: [...outcome.failed, failure], tgw };
};
