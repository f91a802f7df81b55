import { lookup } from '../../config/lookup';
import { vipDestination } from '../../core/ip';
import type { SwitchCommand } from './command';
import { decideFence, type FenceDecision } from './fence';
import type { SwitchDeps, VipRecord } from './ports';
import { readManagedTables } from './switch-route';
import { describeTarget, planTables, type TableStep } from './table-plan';
import { assessTgwRoute, type TgwAction, type TgwFinding } from './tgw-plan';

export interface SwitchPlan {
  readonly cluster: string;
  readonly vip: string;
  readonly node: string;
  readonly eni: string;
  /** What the fence would decide on the record as read now. */
  readonly fence: FenceDecision;
  readonly recorded?: Pick<VipRecord, 'owner' | 'eni' | 'orderToken' | 'phase' | 'updatedAt'>;
  /** Per managed table: what it routes the VIP to now, and what the switch would do. */
  readonly tables: readonly (TableStep & { readonly current: string })[];
  /** Listed tables that are not tables of the cluster VPC: never written. */
  readonly outsideVpc: readonly string[];
  /** Per TGW route table of the VIP: the static route as read now, and what the switch would do. */
  readonly tgwTables: readonly {
    readonly routeTableId: string;
    readonly attachmentId: string;
    readonly finding: TgwFinding;
    readonly action: TgwAction;
  }[];
}

/**
 * What switching would do, read-only (`routekeeper switch --dry-run`, and the plan shown before the
 * confirmation): the same reads, table plan, TGW assessment and fence rule as switchRoute, nothing written.
 * The real switch decides again on what it reads then.
 */
export const planSwitch = async (
  command: SwitchCommand,
  deps: Pick<SwitchDeps, 'config' | 'state' | 'routes' | 'tgw'>,
): Promise<SwitchPlan> => {
  const found = lookup(deps.config, command.cluster, command.vip, command.node);
  if (!found.ok) throw new Error(`${found.reason}: ${found.detail}`);
  const { cluster, vip } = found;
  const destination = vipDestination(vip.address);
  // Every TGW route table of the VIP, as the switch ensures each.
  const [record, managed, tgwTables] = await Promise.all([
    deps.state.read(command.cluster, command.vip),
    readManagedTables(deps.routes, cluster, vip, destination),
    Promise.all(
      vip.transitGatewayRoutes.map(async (expected) => {
        const { routes, complete } = await deps.tgw.exactRoutes(expected.routeTableId, destination);
        return { ...expected, ...assessTgwRoute(routes, complete, expected.attachmentId) };
      }),
    ),
  ]);
  const steps = planTables(managed.tables, command.eni, vip.createMissingRoute);
  return {
    cluster: command.cluster,
    vip: command.vip,
    node: command.node,
    eni: command.eni,
    fence: decideFence(record, command),
    ...(record === undefined
      ? {}
      : {
          recorded: {
            owner: record.owner,
            eni: record.eni,
            orderToken: record.orderToken,
            phase: record.phase,
            updatedAt: record.updatedAt,
          },
        }),
    tables: steps.map((step, i) => ({
      ...step,
      current: describeTarget(managed.tables[i] as (typeof managed.tables)[number]),
    })),
    outsideVpc: managed.outsideVpc,
    tgwTables,
  };
};
