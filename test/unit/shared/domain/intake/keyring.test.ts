/**
 * The keyring when the key store fails after its cache expired: keys that need no store (the
 * configuration's) and the store keys last loaded for the cluster still verify; the outage is reported;
 * only a message no key can verify is thrown back for a retry.
 */
import { describe, expect, it } from 'vitest';
import vectors from '../../../../../docs/test-vectors.json';
import { AwsCallError } from '../../../../../shared/core/errors';
import { makeKeyring } from '../../../../../shared/domain/intake/keyring';
import type { KeyStore } from '../../../../../shared/domain/intake/ports';
import { CLUSTER, fixedClock, T0, vectorKeyEntries } from '../../../../support/lkrc';

const NODE2 = vectors.keys.find((k) => k.kid === 'node2.2026-11') as {
  kid: string;
  node: string;
  publicKey: string;
};
const configuredNode2 = (cluster: string) =>
  cluster === CLUSTER ? [{ kid: NODE2.kid, node: NODE2.node, publicKey: NODE2.publicKey }] : [];

const outage = () =>
  new AwsCallError('GetParametersByPath(keys) failed: timeout', 'TimeoutError', true);

/** A key store that answers with the vector keys until `fail()`, then throws like an unreachable SSM. */
const flakyStore = () => {
  let failing = false;
  const loads: boolean[] = [];
  const store: KeyStore = {
    load: async (_cluster, { forceFetch }) => {
      loads.push(forceFetch);
      if (failing) throw outage();
      return vectorKeyEntries().filter((entry) => entry.node === 'node1');
    },
  };
  return { store, loads, fail: () => (failing = true) };
};

const keyringOf = (store: KeyStore, onOutage: (cluster: string, error: unknown) => void) =>
  makeKeyring(
    configuredNode2,
    store,
    fixedClock(T0),
    { refreshIntervalMs: 60_000 },
    { storeUnavailable: onOutage },
  );

describe('keyring during a key-store outage', () => {
  it('still trusts a configured public key when the store has never answered', async () => {
    // Prepare
    const { store, fail } = flakyStore();
    fail();
    const outages: string[] = [];
    const keyring = keyringOf(store, (cluster) => outages.push(cluster));
    // Act
    const keys = await keyring.lookup(CLUSTER, [NODE2.kid]);
    // Assess
    expect([...keys.keys()]).toEqual([NODE2.kid]);
    expect(outages).toEqual([CLUSTER]);
  });

  it('falls back to the store keys it last loaded for the cluster', async () => {
    // Prepare
    const { store, fail } = flakyStore();
    const outages: unknown[] = [];
    const keyring = keyringOf(store, (_cluster, error) => outages.push(error));
    await keyring.lookup(CLUSTER, ['node1.2026-11']);
    fail();
    // Act
    const keys = await keyring.lookup(CLUSTER, ['node1.2026-11', 'node1.h2026-11']);
    // Assess
    expect([...keys.keys()].sort()).toEqual(['node1.2026-11', 'node1.h2026-11']);
    expect(outages).toEqual([expect.any(AwsCallError)]);
  });

  it('keeps last-known-good keys per cluster: another cluster gets none of them', async () => {
    // Prepare
    const { store, fail } = flakyStore();
    const keyring = keyringOf(store, () => undefined);
    await keyring.lookup(CLUSTER, ['node1.2026-11']);
    fail();
    // Act
    const lookup = keyring.lookup('other-cluster', ['node1.2026-11']);
    // Assess
    await expect(lookup).rejects.toMatchObject({ name: 'AwsCallError', retryable: true });
  });

  it('throws the retryable store error when no key it still has can verify the key ids', async () => {
    // Prepare
    const { store, loads, fail } = flakyStore();
    const keyring = keyringOf(store, () => undefined);
    await keyring.lookup(CLUSTER, ['node1.2026-11']);
    fail();
    // Act
    const lookup = keyring.lookup(CLUSTER, ['node1.rotated-in']);
    // Assess: no forced read either; the store just failed, Lambda's retry is the next try.
    await expect(lookup).rejects.toMatchObject({ name: 'AwsCallError', retryable: true });
    expect(loads).toEqual([false, false]);
  });

  it('reports no outage while the store answers', async () => {
    // Prepare
    const { store } = flakyStore();
    const outages: string[] = [];
    const keyring = keyringOf(store, (cluster) => outages.push(cluster));
    // Act
    const keys = await keyring.lookup(CLUSTER, ['node1.2026-11', NODE2.kid]);
    // Assess
    expect([...keys.keys()].sort()).toEqual(['node1.2026-11', NODE2.kid]);
    expect(outages).toEqual([]);
  });
});
