import { createPublicKey } from 'node:crypto';
import { makeNodeEventBridgeClient } from '../../shared/aws/clients';
import { credentialsPresent, probeEndpoint, serviceEndpoint } from '../../shared/aws/reachability';
import { ALG_HMAC, sourceOf, toBase64Url } from '../../shared/core/lkrc';
import {
  type SigningKey,
  signFields,
  type TrustedKey,
  verifySignatures,
} from '../../shared/domain/intake/signing';
import { DETAIL_TYPE as HEARTBEAT } from '../../shared/events/lifekeeper-heartbeat';
import { type Io, loadNodeKeys, metadataService, resolveIdentity } from './context';
import { EXIT, type ExitCode } from './exit-codes';
import { describeKeySource } from './node-keys';
import type { Options } from './options';

type Status = 'pass' | 'fail' | 'skip';
interface Check {
  readonly name: string;
  readonly status: Status;
  readonly detail: string;
}

const MAX_CLOCK_OFFSET_MS = 30_000;
const PROBE_TIMEOUT_MS = 5_000;
const MARK: Record<Status, string> = { pass: '✓', fail: '✗', skip: '-' };

/** Sign a throw-away message with every key and verify it as routekeeper would, with the matching trusted key. */
const roundTrip = (keys: readonly SigningKey[], cluster: string, node: string): boolean => {
  const nowMs = Date.now();
  const fields = {
    source: sourceOf(cluster, node),
    detailType: HEARTBEAT,
    msgId: 'selftest-00000000',
    ts: Math.floor(nowMs / 1000),
    body: toBase64Url(Buffer.from('{}')),
  };
  const signatures = signFields(fields, keys);
  return keys.every((key) => {
    const trusted: TrustedKey =
      key.alg === ALG_HMAC
        ? { kid: key.kid, node, alg: ALG_HMAC, secret: key.secret }
        : { kid: key.kid, node, alg: key.alg, publicKey: createPublicKey(key.privateKey) };
    const verdict = verifySignatures({
      fields,
      signatures: signatures.filter((s) => s.kid === key.kid),
      keys: new Map([[key.kid, trusted]]),
      body: { cluster, node },
      nowMs,
    });
    return verdict.ok;
  });
};

/**
 * What a node needs (the configuration guide's requirements, and routekeeper's): settings, the metadata
 * service over http, a region, credentials, the EventBridge and EC2 endpoints over https, a small clock
 * offset, and a signing key of this node that signs and verifies. Prints one ✓/✗ line per check.
 */
export const selftest = async (options: Options, io: Io): Promise<ExitCode> => {
  const checks: Check[] = [];
  const add = (name: string, status: Status, detail: string) =>
    checks.push({ name, status, detail });

  const { cluster, node, bus } = options;
  add(
    'settings',
    cluster && node && bus ? 'pass' : 'fail',
    `cluster=${cluster ?? '(missing)'} node=${node ?? '(missing)'} bus=${bus ?? '(missing)'}`,
  );

  if (!options.imds) add('metadata service (IMDSv2, http)', 'skip', '--no-imds');
  else {
    try {
      await metadataService(options, io.env).probe();
      add('metadata service (IMDSv2, http)', 'pass', 'session token received');
    } catch (error) {
      add('metadata service (IMDSv2, http)', 'fail', (error as Error).message.slice(0, 200));
    }
  }
  const identity = await resolveIdentity(options, io.env, false);
  const region = identity.region;
  add('region', region ? 'pass' : 'fail', region ?? 'unknown: pass --region');
  if (identity.instanceId) add('instance', 'pass', identity.instanceId);

  if (node === undefined || cluster === undefined)
    add('signing key', 'fail', 'needs cluster and node');
  else {
    try {
      const loaded = await loadNodeKeys(options, node, region, io.env);
      const ok = roundTrip(loaded.keys, cluster, node);
      const described = loaded.described
        .map((k) => `${k.kid} (${k.alg}${k.publicKey ? `, public key ${k.publicKey}` : ''})`)
        .join('; ');
      const from = options.keySource ? describeKeySource(options.keySource) : '';
      add('signing key', ok ? 'pass' : 'fail', `${described} from ${from}`);
    } catch (error) {
      add('signing key', 'fail', (error as Error).message);
    }
  }

  if (region === undefined) {
    for (const name of ['credentials', 'EventBridge endpoint', 'EC2 endpoint', 'clock offset']) {
      add(name, 'skip', 'region unknown');
    }
  } else {
    const credentials = await credentialsPresent(makeNodeEventBridgeClient(region));
    add(
      'credentials',
      credentials.present ? 'pass' : 'fail',
      credentials.present ? 'found by the default chain' : (credentials.error ?? 'none found'),
    );
    const reach = async (service: 'events' | 'ec2') => {
      const url = serviceEndpoint(service, region, io.env);
      return { url, probe: await probeEndpoint(url, PROBE_TIMEOUT_MS) };
    };
    const [events, ec2] = await Promise.all([reach('events'), reach('ec2')]);
    for (const [name, { url, probe }] of [
      ['EventBridge endpoint', events],
      ['EC2 endpoint', ec2],
    ] as const) {
      add(
        name,
        probe.reachable ? 'pass' : 'fail',
        `${url} ${probe.reachable ? `answered HTTP ${probe.status}` : `unreachable (${probe.error})`}`,
      );
    }
    const serverDate = events.probe.serverDate;
    if (serverDate === undefined) add('clock offset', 'fail', 'no Date header to compare with');
    else {
      const offset = Date.now() - serverDate.getTime();
      add(
        'clock offset',
        Math.abs(offset) <= MAX_CLOCK_OFFSET_MS ? 'pass' : 'fail',
        `${(offset / 1000).toFixed(1)} s against ${new URL(events.url).host} (limit ±${MAX_CLOCK_OFFSET_MS / 1000} s; routekeeper rejects beyond ±300 s)`,
      );
    }
  }

  for (const check of checks) io.out(`${MARK[check.status]} ${check.name}: ${check.detail}\n`);
  const failed = checks.filter((check) => check.status === 'fail').length;
  io.out(failed === 0 ? 'selftest passed\n' : `selftest FAILED: ${failed} check(s)\n`);
  return failed === 0 ? EXIT.OK : EXIT.SELFTEST_FAILED;
};
