import type { CallRecord } from '../../../dev/fault-proxy';
import { type DeliveryLog, type InvocationRecord, isRejection } from './delivery';

/**
 * The history of a fault run, Jepsen style, and the invariants it must satisfy. The history is what
 * actually happened, not what the handlers said: every call as the fault proxy saw it (with the
 * invocation that made it, and whether and when it reached the emulator), every invocation and how
 * each delivery ended, and the final state read straight from the emulator.
 *
 * I1  Fence order: per VIP, the order tokens of the claims the state table accepted (fence writes the
 *     emulator answered 200, in the order it answered) never decrease; the final record holds the last.
 * I2  One node per token: per VIP and order token, every accepted fence write and every invocation
 *     outcome that is not a rejection names the same node.
 * I3  No write for a rejected event. Every ReplaceRoute/CreateRoute request the proxy received
 *     (faulted or not) is attributed to the invocation that sent it, and
 *       (a) it targets a managed table of the VIP;
 *       (b) that invocation's own claim had been accepted by the fence (an accepted fence write by the
 *           same invocation, answered before the request was sent);
 *       (c) its ENI is the claim's own, or that of a newer claim (higher order token) the fence had
 *           accepted before the request was sent: the reconcile to a superseding owner;
 *     except that an invocation whose claim the fence turned away as stale may, instead of (b) and (c),
 *     put a table back on the ENI of a claim newer than its own that the fence had accepted before the
 *     request was sent (the recorded owner, or a newer one it reconciled to); every invocation that ended
 *     in another rejection (SplitBrainSuspected, Refused) sent no route write at all.
 * I4  Convergence: once the run has settled, every managed table (but those a scenario breaks for
 *     good) targets the final record's ENI; with no record, every table still targets what it did before.
 *     Settling is the caller's business; the fault suite's harness lets stragglers land and, when a table
 *     disagrees with the record, runs the drift repair the design relies on first, and reports it.
 * I5  Nothing lost: every planned delivery ended exactly once, as applied (an outcome that is not a
 *     rejection), rejected with a reason (a non-empty detail), or dead-lettered after three failed attempts.
 */

export type InvariantId = 'I1' | 'I2' | 'I3' | 'I4' | 'I5';

export interface ClaimOf {
  readonly key: string;
  readonly node: string;
  readonly eni: string;
  readonly orderToken: number;
}

export interface VipFinal {
  /** The state table key, `<cluster>#<vip>`. */
  readonly key: string;
  readonly managedTables: readonly string[];
  /** Tables a scenario breaks for good: I4 does not apply to them. */
  readonly excludedTables?: readonly string[];
  /** VIP route target per table before the run. */
  readonly initialTargets: Readonly<Record<string, string>>;
  /** VIP route target per table after the run. */
  readonly finalTargets: Readonly<Record<string, string>>;
  readonly record:
    | { readonly owner: string; readonly eni: string; readonly orderToken: number }
    | undefined;
}

export interface RunHistory {
  readonly stateTable: string;
  /** The claim each event makes, by event id (ENI resolved from the configuration). */
  readonly claims: ReadonlyMap<string, ClaimOf>;
  /** How many deliveries were planned. */
  readonly planned: number;
  readonly log: DeliveryLog;
  readonly calls: readonly CallRecord[];
  readonly vips: readonly VipFinal[];
}

export interface InvariantReport {
  /** Individual checks evaluated, per invariant. */
  readonly checks: Readonly<Record<InvariantId, number>>;
  readonly violations: readonly string[];
}

export interface FenceWrite {
  readonly call: CallRecord;
  readonly key: string;
  readonly node: string;
  readonly eni: string;
  readonly orderToken: number;
  /** The emulator accepted the conditional write. */
  readonly accepted: boolean;
}

export interface RouteWrite {
  readonly call: CallRecord;
  readonly routeTableId: string;
  readonly eni: string;
}

type AttributeValue = { S?: string; N?: string };

interface UpdateItemBody {
  TableName?: string;
  Key?: Record<string, AttributeValue>;
  UpdateExpression?: string;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

/** The fence's conditional UpdateItem is the one that sets the owner (markPhase only conditions on it). */
export const fenceWrites = (calls: readonly CallRecord[], stateTable: string): FenceWrite[] =>
  calls.flatMap((call) => {
    if (call.service !== 'dynamodb' || call.operation !== 'UpdateItem') return [];
    const body = call.body as UpdateItemBody;
    if (body.TableName !== stateTable || !body.UpdateExpression?.includes('#owner = :node'))
      return [];
    const values = body.ExpressionAttributeValues ?? {};
    return [
      {
        call,
        key: body.Key?.pk?.S ?? '',
        node: values[':node']?.S ?? '',
        eni: values[':eni']?.S ?? '',
        orderToken: Number(values[':token']?.N),
        accepted: call.reachedEmulator && call.emulatorStatus === 200,
      },
    ];
  });

export const routeWrites = (calls: readonly CallRecord[]): RouteWrite[] =>
  calls
    .filter(
      (call) =>
        call.service === 'ec2' &&
        (call.operation === 'ReplaceRoute' || call.operation === 'CreateRoute'),
    )
    .map((call) => ({
      call,
      routeTableId: call.params.RouteTableId ?? '',
      eni: call.params.NetworkInterfaceId ?? '',
    }));

const answered = (write: FenceWrite): number => write.call.answeredAt ?? Number.POSITIVE_INFINITY;

/** The invocation ended in a rejection other than RejectedStale: it may not have written at all. */
const isRejectedOtherwise = (record: InvocationRecord): boolean =>
  record.outcome !== undefined &&
  isRejection(record.outcome) &&
  record.outcome.kind !== 'RejectedStale';

export const checkInvariants = (history: RunHistory): InvariantReport => {
  const checks: Record<InvariantId, number> = { I1: 0, I2: 0, I3: 0, I4: 0, I5: 0 };
  const violations: string[] = [];
  const check = (id: InvariantId, ok: boolean, message: () => string) => {
    checks[id]++;
    if (!ok) violations.push(`${id}: ${message()}`);
  };

  const fences = fenceWrites(history.calls, history.stateTable);
  const accepted = fences
    .filter((write) => write.accepted)
    .sort((a, b) => answered(a) - answered(b));
  const invocations = new Map(history.log.invocations.map((record) => [record.id, record]));
  const claimOf = (record: InvocationRecord) => history.claims.get(record.eventId);

  // I1: accepted order tokens never decrease, per VIP; the record holds the last accepted claim.
  for (const vip of history.vips) {
    const sequence = accepted.filter((write) => write.key === vip.key);
    sequence.forEach((write, i) => {
      const before = sequence[i - 1];
      check(
        'I1',
        before === undefined || write.orderToken >= before.orderToken,
        () =>
          `${vip.key}: accepted ${write.node}@${write.orderToken} after ${before?.node}@${before?.orderToken}`,
      );
    });
    const last = sequence.at(-1);
    if (last !== undefined) {
      check(
        'I1',
        vip.record?.orderToken === last.orderToken && vip.record.owner === last.node,
        () =>
          `${vip.key}: record ${vip.record?.owner}@${vip.record?.orderToken}, last accepted ${last.node}@${last.orderToken}`,
      );
    }
  }

  // I2: one node per (VIP, order token), in the fence and in the handlers' outcomes.
  const nodesByToken = new Map<string, Set<string>>();
  const note = (key: string, token: number, node: string) => {
    const id = `${key}@${token}`;
    nodesByToken.set(id, (nodesByToken.get(id) ?? new Set()).add(node));
  };
  for (const write of accepted) note(write.key, write.orderToken, write.node);
  for (const record of history.log.invocations) {
    const claim = claimOf(record);
    if (record.outcome !== undefined && !isRejection(record.outcome) && claim !== undefined) {
      note(claim.key, claim.orderToken, claim.node);
    }
  }
  for (const [id, nodes] of nodesByToken) {
    check('I2', nodes.size <= 1, () => `${id} accepted for ${[...nodes].join(' and ')}`);
  }

  // I3: every route write belongs to an invocation whose claim the fence accepted and targets that
  // claim's ENI or a newer accepted claim's; a rejected invocation wrote nothing.
  const writes = routeWrites(history.calls);
  for (const write of writes) {
    const { call } = write;
    const label = `${call.operation} ${write.routeTableId} -> ${write.eni} by ${call.invocation ?? 'nobody'}`;
    const record = call.invocation === undefined ? undefined : invocations.get(call.invocation);
    const claim = record === undefined ? undefined : claimOf(record);
    if (record === undefined || claim === undefined) {
      check('I3', false, () => `${label}: not attributable to an invocation`);
      continue;
    }
    const vip = history.vips.find((v) => v.key === claim.key);
    const acceptedBefore = accepted.filter(
      (fence) => fence.key === claim.key && answered(fence) < call.receivedAt,
    );
    const ownAccepted = acceptedBefore.some(
      (fence) =>
        fence.call.invocation === record.id &&
        fence.node === claim.node &&
        fence.orderToken === claim.orderToken,
    );
    const allowedEnis = new Set([
      claim.eni,
      ...acceptedBefore
        .filter((fence) => fence.orderToken > claim.orderToken)
        .map((fence) => fence.eni),
    ]);
    check(
      'I3',
      vip?.managedTables.includes(write.routeTableId) === true,
      () => `${label}: not a managed table`,
    );
    if (!ownAccepted && !isRejectedOtherwise(record)) {
      const newerEnis = acceptedBefore
        .filter((fence) => fence.orderToken > claim.orderToken)
        .map((fence) => fence.eni);
      check(
        'I3',
        newerEnis.includes(write.eni),
        () => `${label}: stale claim put back an ENI of no newer accepted claim`,
      );
      continue;
    }
    check(
      'I3',
      ownAccepted,
      () => `${label}: sent before the fence accepted ${claim.node}@${claim.orderToken}`,
    );
    check(
      'I3',
      allowedEnis.has(write.eni),
      () => `${label}: ENI of no claim accepted at or above ${claim.orderToken}`,
    );
  }
  for (const record of history.log.invocations) {
    if (!isRejectedOtherwise(record)) continue;
    const sent = writes.filter((write) => write.call.invocation === record.id).length;
    check(
      'I3',
      sent === 0,
      () => `${record.id} ended ${record.outcome?.kind} but sent ${sent} route writes`,
    );
  }

  // I4: the settled tables agree with the record (or, with no record, are as they were).
  for (const vip of history.vips) {
    const excluded = new Set(vip.excludedTables ?? []);
    for (const table of vip.managedTables.filter((id) => !excluded.has(id))) {
      const expected = vip.record?.eni ?? vip.initialTargets[table];
      check(
        'I4',
        vip.finalTargets[table] === expected,
        () => `${vip.key}: ${table} targets ${vip.finalTargets[table]}, record says ${expected}`,
      );
    }
  }

  // I5: every planned delivery ended once, applied, rejected with a reason, or dead-lettered.
  check(
    'I5',
    history.log.deliveries.length === history.planned,
    () => `${history.planned} deliveries planned, ${history.log.deliveries.length} ended`,
  );
  for (const result of history.log.deliveries) {
    const id = `${result.eventId}/${result.copy}`;
    switch (result.status) {
      case 'applied':
        check(
          'I5',
          result.outcome !== undefined && !isRejection(result.outcome),
          () => `${id}: applied without an outcome`,
        );
        break;
      case 'rejected':
        check(
          'I5',
          (result.outcome?.detail ?? '') !== '',
          () => `${id}: ${result.outcome?.kind} without a reason`,
        );
        break;
      case 'deadLettered':
        check(
          'I5',
          result.attempts === 3 && result.errors.length === 3,
          () => `${id}: dead-lettered after ${result.attempts} attempts`,
        );
        break;
    }
  }
  for (const record of history.log.invocations) {
    check('I5', record.endedAt !== undefined, () => `${record.id} never ended`);
  }

  return { checks, violations };
};
