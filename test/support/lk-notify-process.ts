export { buildBundle, type ProcessResult, runBundle } from '../../dev/lk-notify';

import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vectors from '../../docs/test-vectors.json';

/** A node's key document (from the test vectors) in a file, as lk-notify --key-file reads it. */
export const nodeKeyFile = (node: string, kids?: readonly string[]): string => {
  const keys = vectors.keys
    .filter((k) => k.node === node && (kids === undefined || kids.includes(k.kid)))
    .map((k) =>
      k.alg === 'v1'
        ? { kid: k.kid, alg: k.alg, secret: (k as { secret: string }).secret }
        : { kid: k.kid, alg: k.alg, privateKey: (k as { privateKey: string }).privateKey },
    );
  const path = join(mkdtempSync(join(tmpdir(), 'lk-notify-key-')), `${node}.json`);
  writeFileSync(path, JSON.stringify({ keys }), { mode: 0o600 });
  return path;
};

/**
 * A fake instance metadata service on loopback (IMDSv2: PUT a token, then GETs that carry it). With
 * `hang: true` it accepts connections and never answers, to prove lk-notify's timeouts.
 */
export const fakeImds = async (
  identity: { instanceId: string; region: string; enis: string[]; vpcId?: string },
  options: { hang?: boolean } = {},
): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> => {
  const requests: string[] = [];
  const macs = identity.enis.map((_, i) => `0a:00:00:00:00:0${i}`);
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    if (options.hang) return;
    const token = 'imds-token';
    if (request.method === 'PUT' && request.url === '/latest/api/token') {
      response.end(token);
      return;
    }
    if (request.headers['x-aws-ec2-metadata-token'] !== token) {
      response.statusCode = 401;
      response.end();
      return;
    }
    const base = '/latest/meta-data';
    const answers: Record<string, string> = {
      [`${base}/instance-id`]: identity.instanceId,
      [`${base}/placement/region`]: identity.region,
      [`${base}/network/interfaces/macs/`]: macs.map((mac) => `${mac}/`).join('\n'),
      ...Object.fromEntries(
        macs.map((mac, i) => [
          `${base}/network/interfaces/macs/${mac}/interface-id`,
          identity.enis[i] ?? '',
        ]),
      ),
      ...Object.fromEntries(
        macs.map((mac) => [
          `${base}/network/interfaces/macs/${mac}/vpc-id`,
          identity.vpcId ?? 'vpc-0a1b2c3d4e5f60718',
        ]),
      ),
    };
    const answer = answers[request.url ?? ''];
    response.statusCode = answer === undefined ? 404 : 200;
    response.end(answer ?? '');
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
};
