import {
  type CloudWatchLogsClient,
  type FilteredLogEvent,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';

/**
 * The deployed stack's event log read back: every event routekeeper itself published (switch requests,
 * results, drift findings, operators' switches) as the stack's event-log rule wrote it to its log group.
 * How the demo, `npm run local` and the integration tests see what happened on the bus, through the
 * deployed rule and nothing added by hand.
 */

export interface LoggedEvent {
  readonly 'detail-type': string;
  readonly source: string;
  readonly detail: Record<string, unknown>;
}

export interface EventLogReader {
  /**
   * The events logged since the last call (or since the reader was made), oldest first; with `until`, it
   * keeps reading (at most `timeoutMs`, 15 s by default) until one of them matches: an event another
   * process publishes (a function in the local runner, a CLI) may not have been put yet.
   */
  next(options?: {
    readonly until?: (event: LoggedEvent) => boolean;
    readonly timeoutMs?: number;
  }): Promise<LoggedEvent[]>;
}

const byTime = (a: FilteredLogEvent, b: FilteredLogEvent) =>
  (a.timestamp ?? 0) - (b.timestamp ?? 0) || (a.ingestionTime ?? 0) - (b.ingestionTime ?? 0);

/** The events in the log group (from `startTime`, epoch ms, inclusive), oldest first. */
export const readEventLog = async (
  logs: CloudWatchLogsClient,
  logGroupName: string,
  startTime?: number,
): Promise<{ readonly id: string; readonly at: number; readonly event: LoggedEvent }[]> => {
  const found: FilteredLogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await logs.send(
      new FilterLogEventsCommand({ logGroupName, nextToken, startTime }),
    );
    found.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return found.sort(byTime).map((logged) => ({
    id: logged.eventId ?? `${logged.logStreamName}/${logged.timestamp}`,
    at: logged.timestamp ?? 0,
    event: JSON.parse(logged.message ?? '{}') as LoggedEvent,
  }));
};

/** A reader that hands out each logged event once, as a queue would; events before it was made are skipped. */
export const eventLogReader = async (
  logs: CloudWatchLogsClient,
  logGroupName: string,
): Promise<EventLogReader> => {
  // Each read starts at the newest event seen (a polling reader never re-reads the whole log); events of
  // that same millisecond are told apart by id.
  const seen = new Set<string>();
  let since: number | undefined;
  const unseen = async () => {
    const fresh = (await readEventLog(logs, logGroupName, since)).filter(({ id }) => !seen.has(id));
    for (const { id, at } of fresh) {
      seen.add(id);
      since = Math.max(since ?? 0, at);
    }
    return fresh.map(({ event }) => event);
  };
  await unseen();
  return {
    next: async ({ until, timeoutMs = 15_000 } = {}) => {
      const events = await unseen();
      const deadline = Date.now() + timeoutMs;
      while (until !== undefined && !events.some(until) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        events.push(...(await unseen()));
      }
      return events;
    },
  };
};
