import type { TgwRouteView } from './ports';

/**
 * What the Transit Gateway route table needs so that the static VIP/32 route targets the cluster VPC
 * attachment. Each wrong state is its own finding; an unreadable target is never guessed at.
 */
export type TgwFinding =
  | 'InPlace'
  | 'Missing'
  | 'PropagatedOnly'
  | 'Blackhole'
  | 'WrongAttachment'
  | 'TargetUnobservable'
  | 'SearchIncomplete';

export type TgwAction = 'none' | 'create' | 'replace';

export const assessTgwRoute = (
  routes: readonly TgwRouteView[],
  complete: boolean,
  attachmentId: string,
): { finding: TgwFinding; action: TgwAction } => {
  const staticRoute = routes.find((route) => route.type === 'static');
  if (staticRoute === undefined) {
    if (!complete) return { finding: 'SearchIncomplete', action: 'none' };
    return routes.length > 0
      ? { finding: 'PropagatedOnly', action: 'create' }
      : { finding: 'Missing', action: 'create' };
  }
  if (staticRoute.state === 'blackhole') return { finding: 'Blackhole', action: 'replace' };
  if (staticRoute.attachmentIds.length === 0)
    return { finding: 'TargetUnobservable', action: 'none' };
  if (staticRoute.attachmentIds.includes(attachmentId))
    return { finding: 'InPlace', action: 'none' };
  return { finding: 'WrongAttachment', action: 'replace' };
};
