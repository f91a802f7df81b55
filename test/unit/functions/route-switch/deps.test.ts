/** The routeSwitch composition root stops before the function's remaining time runs out. */
import { describe, it } from 'vitest';
import { buildDeps } from '../../../../functions/route-switch/deps';
import { makeHandler } from '../../../../functions/route-switch/handler';
import { switchRequestEvent } from '../../../support/events';
import { expectStopBeforeTimeout, STOP_BEFORE_MS } from '../../../support/remaining-time';
import { stalledServers } from '../../../support/stalled-server';
import { CLUSTER } from '../../../support/world';

const stalled = stalledServers();

describe('routeSwitch deps: remaining-time guard', () => {
  it('fails retryable before the remaining time runs out when AWS never answers', async () => {
    // Prepare: 1.5 s left, stop 0.5 s before; every AWS endpoint accepts and never answers.
    const server = await stalled('stall');
    const handle = makeHandler(
      buildDeps({
        ...process.env,
        AWS_ENDPOINT_URL: server.url,
        STOP_BEFORE_TIMEOUT_MS: STOP_BEFORE_MS,
      }),
    );
    // Act / Assess
    await expectStopBeforeTimeout((context) =>
      handle(switchRequestEvent({ cluster: CLUSTER }), context),
    );
  }, 15_000);
});
