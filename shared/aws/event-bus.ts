import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishError } from '../domain/errors';
import type { EventPublisher } from '../domain/ports';
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
