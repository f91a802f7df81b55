/**
 * The heartbeat function against the emulator's DynamoDB, SSM and Secrets Manager: keys from either store,
 * and the Lambda side of a PutEvents partial failure (the only thing mocked there is EventBridge's answer).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { REGION } from '../../dev/guide';
import { PublishError } from '../../shared/core/errors';
import { motoUrl } from '../support/emulator';
import { failoverEvent, vectorKeyEntries } from '../support/lkrc';
import { KEY_PATH, signedWorld } from '../support/signed-world';

const claimNow = (node = 'node2') =>
  failoverEvent({ node, kids: [`${node}.2026-11`], nowMs: Date.now() });

describe('heartbeat function, key stores', () => {
  it('verifies with keys kept in one Secrets Manager secret', async () => {
    // Prepare
    const secrets = new SecretsManagerClient({
      region: REGION,
      endpoint: motoUrl(),
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const world = await signedWorld({ keyStore: 'secretsmanager:routekeeper/it/keys' });
    await secrets.send(
      new CreateSecretCommand({
        Name: 'routekeeper/it/keys',
        SecretString: JSON.stringify({ keys: vectorKeyEntries() }),
      }),
    );
    // Act
    const outcome = await world.heartbeat(claimNow());
    // Assess
    expect(outcome).toMatchObject({ kind: 'FailoverRequested', node: 'node2' });
  });

  it('ignores an invalid entry in the SSM key path and still verifies with the valid ones', async () => {
    // Prepare
    const world = await signedWorld();
    await world.ssm.send(
      new PutParameterCommand({
        Name: `${KEY_PATH}/broken`,
        Type: 'SecureString',
        Value: '{"kid":"node2.x","alg":"v1","secret":"short"}',
      }),
    );
    // Act
    const outcome = await world.heartbeat(claimNow());
    // Assess
    expect(outcome).toMatchObject({ kind: 'FailoverRequested' });
  });

  it('rejects a key id the store does not hold as UnknownKey', async () => {
    // Prepare
    const world = await signedWorld();
    const event = claimNow() as { detail: { sig: { kid: string }[] } };
    const [signature] = event.detail.sig;
    if (signature) signature.kid = 'node2.retired';
    // Act
    const outcome = await world.heartbeat(event);
    // Assess
    expect(outcome).toMatchObject({ kind: 'Rejected', reason: 'UnknownKey' });
  });
});

describe('heartbeat function, when the bus refuses its Route Switch Requested', () => {
  it('fails the invocation, releases the message id, and applies the retry exactly once', async () => {
    // Prepare
    const world = await signedWorld();
    const event = claimNow();
    const bus = mockClient(EventBridgeClient);
    bus
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });
    try {
      // Act
      const first = world.heartbeat(structuredClone(event));
      await expect(first).rejects.toBeInstanceOf(PublishError);
      const retry = await world.heartbeat(structuredClone(event));
      const replay = await world.heartbeat(structuredClone(event));
      // Assess
      expect(retry).toMatchObject({ kind: 'FailoverRequested' });
      expect(replay).toMatchObject({ kind: 'Rejected', reason: 'Duplicate' });
      const published = bus
        .commandCalls(PutEventsCommand)
        .map((call) => call.args[0].input.Entries?.[0]?.Detail);
      expect(published).toHaveLength(2);
      expect(JSON.parse(published[0] as string).idempotencyKey).toBe(
        JSON.parse(published[1] as string).idempotencyKey,
      );
    } finally {
      bus.restore();
    }
  });
});
