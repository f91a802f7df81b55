import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishError } from '../core/errors';
import type { EventPublisher } from '../core/ports';
import { ROUTEKEEPER_SOURCE } from '../events/routekeeper-source';
import { call } from './call-error';

/** Publishes routekeeper's own events. A PutEvents with FailedEntryCount > 0 is an error, not a success. */
export const makeEventPublisher = (
  client: EventBridgeClient,
  eventBusName: string,
  source: string = ROUTEKEEPER_SOURCE,
): EventPublisher => ({
  publish: async (detailType, detail) => {
    const output = await call('PutEvents', () =>
      client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: eventBusName,
              Source: source,
              DetailType: detailType,
              Detail: JSON.stringify(detail),
            },
          ],
        }),
      ),
    );
    if ((output.FailedEntryCount ?? 0) > 0) {
      const entry = output.Entries?.find((e) => e.ErrorCode);
      throw new PublishError(
        `PutEvents rejected "${detailType}" on ${eventBusName}: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
      );
    }
  },
});

/** One PutEvents entry as a node sends it. */
export interface BusEntry {
  readonly EventBusName: string;
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
}

export type EntryResult =
  | { readonly accepted: true; readonly eventId: string }
  | {
      readonly accepted: false;
      readonly code: string;
      readonly message: string;
      readonly retryable: boolean;
    };

/** Entry error codes that a resend can get past; anything else (AccessDenied, malformed detail) cannot. */
const RETRYABLE_ENTRY_CODES = new Set([
  'InternalFailure',
  'InternalException',
  'ThrottlingException',
  'ServiceUnavailable',
]);

/**
 * Send one entry. A refused entry (FailedEntryCount > 0) comes back as a value with its error code, so the
 * caller can resend the very same entry; a failed request (network, 4xx/5xx after the SDK's retries) throws
 * AwsCallError.
 */
export const makeEntrySender =
  (client: EventBridgeClient) =>
  async (entry: BusEntry, abortSignal?: AbortSignal): Promise<EntryResult> => {
    const output = await call('PutEvents', () =>
      client.send(
        new PutEventsCommand({ Entries: [{ ...entry }] }),
        abortSignal === undefined ? {} : { abortSignal },
      ),
    );
    const result = output.Entries?.[0];
    if ((output.FailedEntryCount ?? 0) === 0 && result?.EventId) {
      return { accepted: true, eventId: result.EventId };
    }
    const code = result?.ErrorCode ?? 'Unknown';
    return {
      accepted: false,
      code,
      message: result?.ErrorMessage ?? 'the bus did not accept the entry',
      retryable: RETRYABLE_ENTRY_CODES.has(code) || code === 'Unknown',
    };
  };
