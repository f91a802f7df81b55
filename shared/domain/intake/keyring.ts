import { type ConfiguredPublicKey, KeyEntry } from '../../config/keys';
import { ALG_ED25519, ALG_HMAC, fromBase64Url } from '../../core/lkrc';
import type { Clock } from '../../core/ports';
import type { KeyStore } from './ports';
import { ed25519PublicKey, type TrustedKey } from './signing';

/**
 * The verifier's trust list: the keys of the configuration (public keys only) and of the cluster's key
 * store, one entry per key id and bound to one node (config/keys.ts has the entry schema).
 */
const epoch = (iso: string | undefined) => (iso === undefined ? {} : { at: Date.parse(iso) });

export const toTrustedKey = (entry: KeyEntry): TrustedKey => {
  const notBefore = epoch(entry.notBefore).at;
  const notAfter = epoch(entry.notAfter).at;
  const limits = {
    ...(notBefore === undefined ? {} : { notBefore }),
    ...(notAfter === undefined ? {} : { notAfter }),
  };
  return entry.alg === ALG_HMAC
    ? {
        kid: entry.kid,
        node: entry.node,
        alg: ALG_HMAC,
        secret: fromBase64Url(entry.secret) as Buffer,
        ...limits,
      }
    : {
        kid: entry.kid,
        node: entry.node,
        alg: ALG_ED25519,
        publicKey: ed25519PublicKey(fromBase64Url(entry.publicKey) as Buffer),
        ...limits,
      };
};

/** Valid entries become trusted keys; an invalid one is dropped and reported by position only (never its material). */
export const parseKeyEntries = (
  raw: readonly unknown[],
): { keys: Map<string, TrustedKey>; invalid: number[] } => {
  const keys = new Map<string, TrustedKey>();
  const invalid: number[] = [];
  raw.forEach((candidate, index) => {
    const parsed = KeyEntry.safeParse(candidate);
    if (!parsed.success || keys.has(parsed.data.kid)) invalid.push(index);
    else keys.set(parsed.data.kid, toTrustedKey(parsed.data));
  });
  return { keys, invalid };
};

export interface KeyringSettings {
  /** At most one forced key-store refresh per cluster within this interval (unknown key ids cannot force more). */
  readonly refreshIntervalMs: number;
}

export interface Keyring {
  /** The trusted keys among the given key ids of a cluster's nodes. */
  lookup(cluster: string, kids: readonly string[]): Promise<Map<string, TrustedKey>>;
}

/** What the keyring tells its owner (the heartbeat function logs and counts it); never key material. */
export interface KeyringReports {
  /** The store held entries that are not valid keys (by position). */
  readonly invalidEntries?: (cluster: string, positions: number[]) => void;
  /** The store could not be read; the configured and last-known-good store keys were used instead. */
  readonly storeUnavailable?: (cluster: string, error: unknown) => void;
}

/**
 * Keys come from the configuration and from the key store (cached by the adapter). When none of a
 * message's key ids is known, the store is read once more, bypassing the cache (a key just added during a
 * rotation), unless this cluster's store was force-read less than `refreshIntervalMs` ago: random key ids
 * cannot turn into a read storm.
 *
 * A store outage does not block keys that need no store: the configured keys and the store keys last
 * loaded for the cluster (in this container) still verify. Only when none of them matches a message's key
 * ids is the store's error thrown, so that the event is retried. A key removed from the store during an
 * outage stays trusted until the store answers again (its notAfter still holds).
 */
export const makeKeyring = (
  configured: (cluster: string) => readonly ConfiguredPublicKey[],
  store: KeyStore,
  now: Clock,
  settings: KeyringSettings,
  reports: KeyringReports = {},
): Keyring => {
  const lastForced = new Map<string, number>();
  const lastGood = new Map<string, unknown[]>();
  const load = async (cluster: string, forceFetch: boolean) => {
    const fromConfig = configured(cluster).map((key) => ({ ...key, alg: ALG_ED25519 }));
    let fromStore: unknown[];
    let outage: { error: unknown } | undefined;
    try {
      fromStore = await store.load(cluster, { forceFetch });
      lastGood.set(cluster, fromStore);
    } catch (error) {
      outage = { error };
      fromStore = lastGood.get(cluster) ?? [];
      reports.storeUnavailable?.(cluster, error);
    }
    const parsed = parseKeyEntries([...fromConfig, ...fromStore]);
    if (parsed.invalid.length > 0) reports.invalidEntries?.(cluster, parsed.invalid);
    return { keys: parsed.keys, outage };
  };
  const pick = (keys: Map<string, TrustedKey>, kids: readonly string[]) =>
    new Map(kids.flatMap((kid) => (keys.has(kid) ? [[kid, keys.get(kid) as TrustedKey]] : [])));

  return {
    lookup: async (cluster, kids) => {
      const cached = await load(cluster, false);
      const found = pick(cached.keys, kids);
      if (found.size > 0 || kids.length === 0) return found;
      // The store just failed: a forced read would too. Lambda's retry is the next try.
      if (cached.outage) throw cached.outage.error;
      const at = now().getTime();
      const previous = lastForced.get(cluster);
      if (previous !== undefined && at - previous < settings.refreshIntervalMs) return found;
      lastForced.set(cluster, at);
      const forced = await load(cluster, true);
      const refreshed = pick(forced.keys, kids);
      if (refreshed.size === 0 && forced.outage) throw forced.outage.error;
      return refreshed;
    },
  };
};
