import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/**
 * The AWS emulator for tests, the demo and the benchmark: a real `moto_server` bound to 127.0.0.1 on a
 * free port, reached over HTTP through the real SDK (AWS_ENDPOINT_URL). Missing moto is an error, never
 * a reason to skip. Its Python loads dev/moto-python/sitecustomize.py first, which caches the JSONPath
 * parsers moto rebuilt on every event a rule matched (0.25-0.75 s a PutEvents; 0.04 s with the cache).
 */
export interface Moto {
  readonly url: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export class MotoMissingError extends Error {
  constructor() {
    super(
      "moto_server was not found on PATH. Install the AWS emulator with: pip install 'moto[server]' " +
        '(Python 3.9+), then run the command again.',
    );
    this.name = 'MotoMissingError';
  }
}

export const motoAvailable = (): boolean =>
  spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;

/** Put first on moto's PYTHONPATH: its sitecustomize.py runs when moto's interpreter starts. */
const MOTO_PYTHON = join(__dirname, 'moto-python');

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

const waitUntilUp = async (url: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 500);
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms`);
};

export const startMoto = async (timeoutMs = 30_000): Promise<Moto> => {
  if (!motoAvailable()) throw new MotoMissingError();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      PYTHONWARNINGS: 'ignore',
      PYTHONPATH: [MOTO_PYTHON, process.env.PYTHONPATH].filter(Boolean).join(delimiter),
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitUntilUp(url, child, timeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    url,
    reset: async () => {
      const response = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
      }),
  };
};

/**
 * Run a local tool (demo, benchmark) against a fresh emulator: fake credentials and a region for the SDK,
 * AWS_ENDPOINT_URL at the emulator while it runs, and the emulator stopped whatever happens.
 */
export const withEmulator = async <T>(
  region: string,
  run: (moto: Moto) => Promise<T>,
): Promise<T> => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: region,
  });
  const moto = await startMoto();
  process.env.AWS_ENDPOINT_URL = moto.url;
  try {
    return await run(moto);
  } finally {
    await moto.stop();
  }
};
