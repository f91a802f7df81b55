/*
 * Kept as a socket proxy because the functions reach it through AWS_ENDPOINT_URL alone: their composition
 * roots and shared clients stay exactly as deployed (a fault-injecting SDK request handler would have to be
 * threaded through shared/aws's client options), it can drop a connection after the emulator applied the
 * write, and it sees every caller's wire traffic in one place to serialise DynamoDB. The price is the
 * socket-port bookkeeping in invocation-scope.ts (about 50 lines), which is why that file and
 * seeded-random.ts stay in dev/ beside it: the benchmark a person runs uses them too.
 */
import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { invocationOnPort } from './invocation-scope';
import { between, logNormal, type Random, seededRandom } from './seeded-random';

/**
 * A fault-injecting HTTP proxy between the AWS SDK and the emulator. Functions reach it through
 * AWS_ENDPOINT_URL, so the real SDK (its retry strategy, its error parsing) reacts to what it injects:
 * throttling and 500s in each service's own wire format, added latency, dropped connections (before the
 * request reaches the emulator, or after it took effect), stalls (a connection accepted and never
 * answered), slow bodies (an answer that trickles in), fixed error codes and PutEvents partial
 * failures. Rules choose the service, the operation or any predicate on the request, and a rate; a
 * seeded random source decides, so a run's fault mix is reproducible (its interleavings are not: they
 * depend on timing). Every call is recorded with the invocation that made it (see invocation-scope.ts).
 *
 * A request from an invocation that has already ended is dropped, counted as `cut-off` and left out of
 * the history: when middy's timeout abandons a handler, its promise keeps running in this process, but
 * in Lambda the execution environment would be gone and nothing more would be sent. (Requests it sent
 * before it ended still go through, as they would in AWS.)
 *
 * DynamoDB calls are forwarded one at a time: DynamoDB's conditional writes are serialisable per item,
 * and moto's threaded server does not promise it, so the order in which the proxy sees the emulator's
 * answers is the order in which the writes took effect.
 */

export type Service = 'ec2' | 'dynamodb' | 'events' | 'sts' | 'other';

export type Fault =
  /** EC2: 503 RequestLimitExceeded; DynamoDB: 400 ThrottlingException or ProvisionedThroughputExceededException; EventBridge: 400 ThrottlingException. */
  | { readonly kind: 'throttle' }
  /** 500 InternalError (EC2), InternalServerError (DynamoDB), InternalException (EventBridge). */
  | { readonly kind: 'internal' }
  /** Hold the request before forwarding it. Latency adds up with any other fault. */
  | { readonly kind: 'latency'; readonly minMs: number; readonly maxMs: number }
  /**
   * Hold the request until `until` settles, or `maxMs` passed, then go on as without it: puts this request
   * after another caller's progress (see FaultProxy.seen) however fast or loaded the machine is, where a
   * fixed latency only makes that order likely. Adds up with latency and any other fault.
   */
  | { readonly kind: 'hold'; readonly until: Promise<unknown>; readonly maxMs: number }
  /**
   * A service's own round trip: the answer goes out no sooner than a log-normal sample (this median and
   * 99th percentile) after the request arrived; the emulator's own time counts toward it.
   */
  | { readonly kind: 'roundTrip'; readonly medianMs: number; readonly p99Ms: number }
  /** Destroy the connection: before forwarding, or after the emulator applied the request (the answer is lost). */
  | { readonly kind: 'drop'; readonly afterForwarding?: boolean }
  /** A fixed error, e.g. 403 UnauthorizedOperation for one route table. */
  | {
      readonly kind: 'error';
      readonly status: number;
      readonly code: string;
      readonly message?: string;
    }
  /** PutEvents: 200 with every entry failed (FailedEntryCount = number of entries); nothing is put. */
  | { readonly kind: 'failedEntry' }
  /** Accept the request and never answer, until the client gives up (closes); nothing is forwarded. */
  | { readonly kind: 'stall' }
  /**
   * Forward the request (it takes effect), then send the emulator's answer with its headers at once and
   * its body one byte every `byteMs` (default 200): a trickle that no idle timeout catches.
   */
  | { readonly kind: 'slowBody'; readonly byteMs?: number };

/** A request as the proxy understood it. */
export interface ProxiedCall {
  readonly seq: number;
  readonly service: Service;
  /** EC2 or STS Action, or the X-Amz-Target operation (UpdateItem, PutEvents, ...). */
  readonly operation: string;
  /** EC2 and STS query parameters; empty for the JSON protocols. */
  readonly params: Readonly<Record<string, string>>;
  /** The parsed JSON body (DynamoDB, EventBridge); undefined for EC2. */
  readonly body: unknown;
  /** The simulated Lambda invocation that sent it, when there was one. */
  readonly invocation: string | undefined;
  /** performance.now() when the request arrived. */
  readonly receivedAt: number;
}

export interface CallRecord extends ProxiedCall {
  /** The injected failure or drop, if any (see faultLabel). */
  fault?: string;
  /** How long latency and hold rules kept the request before it went on (measured; 0 without them). */
  delayedMs: number;
  /** The round trip a `roundTrip` rule imposed (0 without one): the emulator's time beyond it is its own. */
  roundTripMs: number;
  /** Did the request reach the emulator (and so possibly take effect)? */
  reachedEmulator: boolean;
  emulatorStatus?: number;
  /** performance.now() when the emulator answered. */
  answeredAt?: number;
  /** performance.now() when the client got its answer (or the connection was dropped). */
  repliedAt?: number;
  /** What the client got: an HTTP status, or 'dropped'. */
  clientStatus?: number | 'dropped';
}

export interface FaultRule {
  readonly service?: Service;
  readonly operations?: readonly string[];
  readonly when?: (call: ProxiedCall) => boolean;
  /** Probability per matching request (default 1). */
  readonly rate?: number;
  /** Inject at most this many times. */
  readonly limit?: number;
  readonly fault: Fault;
}

export interface FaultProxy {
  readonly url: string;
  /** Every call since the last reset, in arrival order. */
  readonly calls: readonly CallRecord[];
  /** Faults injected since the last reset, keyed `<service> <label>`. */
  faults(): Record<string, number>;
  setRules(rules: readonly FaultRule[]): void;
  /** Resolves when no request is being handled (stragglers of abandoned invocations included). */
  idle(): Promise<void>;
  /** Called when a call is finished (answered or dropped). */
  onCall(listener: (call: CallRecord) => void): () => void;
  /** Resolves with the first call from now on that matches, once it is finished (answered or dropped). */
  seen(predicate: (call: CallRecord) => boolean): Promise<CallRecord>;
  /** Forget calls, counts, rules and listeners; with a seed, restart the random source from it. */
  reset(seed?: number): void;
  close(): Promise<void>;
}

export const faultLabel = (fault: Fault): string => {
  switch (fault.kind) {
    case 'throttle':
      return 'throttle';
    case 'internal':
      return '500';
    case 'latency':
      return 'latency';
    case 'hold':
      return 'hold';
    case 'roundTrip':
      return 'round-trip';
    case 'drop':
      return fault.afterForwarding ? 'drop-after' : 'drop';
    case 'error':
      return fault.code;
    case 'failedEntry':
      return 'FailedEntryCount';
    case 'stall':
      return 'stall';
    case 'slowBody':
      return 'slow-body';
  }
};

/** Ready-made rules for the failures the fault suite's scenarios need. */
export const failures = {
  /** Every route write to one table fails, by default with 403 UnauthorizedOperation (never retried). */
  routeTable: (
    routeTableId: string,
    fault: Fault = { kind: 'error', status: 403, code: 'UnauthorizedOperation' },
  ): FaultRule => ({
    service: 'ec2',
    operations: ['ReplaceRoute', 'CreateRoute'],
    when: (call) => call.params.RouteTableId === routeTableId,
    fault,
  }),
  /** DynamoDB unavailable: every call fails, by default with 500 InternalServerError. */
  dynamodb: (fault: Fault = { kind: 'internal' }): FaultRule => ({ service: 'dynamodb', fault }),
  /** PutEvents answers 200 with FailedEntryCount = 1 (the first `limit` times, or always). */
  putEventsEntry: (limit?: number): FaultRule => ({
    service: 'events',
    operations: ['PutEvents'],
    ...(limit === undefined ? {} : { limit }),
    fault: { kind: 'failedEntry' },
  }),
};

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const SERVICES: readonly Service[] = ['ec2', 'dynamodb', 'events', 'sts'];

/** From the SigV4 credential scope (`Credential=<key>/<date>/<region>/<service>/aws4_request`), else X-Amz-Target. */
export const serviceOf = (headers: IncomingHttpHeaders): Service => {
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
    headers.authorization ?? '',
  )?.[1];
  const target = String(headers['x-amz-target'] ?? '');
  const name =
    scope ??
    (target.startsWith('DynamoDB_') ? 'dynamodb' : target.startsWith('AWSEvents.') ? 'events' : '');
  return SERVICES.find((service) => service === name) ?? 'other';
};

const xmlReply = (status: number, code: string, message: string): Reply => {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
    body:
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors>` +
      `<RequestID>${requestId}</RequestID></Response>`,
  };
};

/** STS (the AWS query protocol): `<ErrorResponse><Error>`, e.g. 403 AccessDenied for AssumeRole. */
const stsErrorReply = (status: number, code: string, message: string): Reply => ({
  status,
  headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() },
  body:
    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' +
    `<Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
});

const jsonReply = (service: Service, status: number, payload: object): Reply => ({
  status,
  headers: {
    'content-type':
      service === 'events' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0',
    'x-amzn-requestid': randomUUID(),
  },
  body: JSON.stringify(payload),
});

const jsonError = (service: Service, status: number, code: string, message: string): Reply =>
  jsonReply(service, status, {
    __type: service === 'dynamodb' ? `com.amazonaws.dynamodb.v20120810#${code}` : code,
    message,
  });

/** The reply a failure fault produces, in the wire format of the call's service. */
const failureReply = (fault: Fault, call: ProxiedCall, random: Random): Reply => {
  const { service } = call;
  switch (fault.kind) {
    case 'throttle':
      if (service === 'ec2')
        return xmlReply(503, 'RequestLimitExceeded', 'Request limit exceeded.');
      if (service === 'dynamodb' && random() < 0.5) {
        return jsonError(
          service,
          400,
          'ProvisionedThroughputExceededException',
          'The level of configured provisioned throughput for the table was exceeded.',
        );
      }
      return jsonError(service, 400, 'ThrottlingException', 'Rate exceeded');
    case 'internal':
      if (service === 'ec2')
        return xmlReply(500, 'InternalError', 'An internal error has occurred.');
      return jsonError(
        service,
        500,
        service === 'dynamodb' ? 'InternalServerError' : 'InternalException',
        'Internal server error',
      );
    case 'error': {
      const message = fault.message ?? `injected ${fault.code}`;
      return service === 'ec2'
        ? xmlReply(fault.status, fault.code, message)
        : service === 'sts'
          ? stsErrorReply(fault.status, fault.code, message)
          : jsonError(service, fault.status, fault.code, message);
    }
    case 'failedEntry': {
      const entries = (call.body as { Entries?: unknown[] } | undefined)?.Entries ?? [{}];
      return jsonReply(service, 200, {
        FailedEntryCount: entries.length,
        Entries: entries.map(() => ({
          ErrorCode: 'InternalFailure',
          ErrorMessage: 'injected partial failure',
        })),
      });
    }
    default:
      throw new Error(`fault ${fault.kind} has no reply`);
  }
};

const matches = (rule: FaultRule, call: ProxiedCall): boolean =>
  (rule.service === undefined || rule.service === call.service) &&
  (rule.operations === undefined || rule.operations.includes(call.operation)) &&
  (rule.when === undefined || rule.when(call));

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

const forward = (target: URL, agent: Agent, req: IncomingMessage, body: Buffer): Promise<Reply> =>
  new Promise((resolve, reject) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([name]) => !HOP_BY_HOP.has(name)),
    );
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        agent,
        headers: { ...headers, host: target.host, 'content-length': String(body.length) },
      },
      (res) => {
        readBody(res).then((answer) => {
          const passed = Object.entries(res.headers).filter(
            ([name, value]) => !HOP_BY_HOP.has(name) && typeof value === 'string',
          ) as [string, string][];
          resolve({
            status: res.statusCode ?? 502,
            headers: Object.fromEntries(passed),
            body: answer.toString('utf8'),
          });
        }, reject);
      },
    );
    upstream.setTimeout(15_000, () => upstream.destroy(new Error('the emulator did not answer')));
    upstream.on('error', reject);
    upstream.end(body);
  });

const send = (res: ServerResponse, reply: Reply) => {
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': String(Buffer.byteLength(reply.body)),
  });
  res.end(reply.body);
};

const sleep = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/** Resolves when `promise` settles or `ms` passed, whichever comes first; never rejects. */
const settledWithin = (promise: Promise<unknown>, ms: number): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });

/** Resolves when the client closes the connection (or it is already closed). */
const closed = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    if (res.socket === null || res.socket.destroyed) resolve();
    else res.socket.once('close', () => resolve());
  });

/** Headers now, the body a byte at a time; true when all of it went out before the client gave up. */
const trickle = async (res: ServerResponse, reply: Reply, byteMs: number): Promise<boolean> => {
  const body = Buffer.from(reply.body);
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
  let gone = false;
  const done = closed(res).then(() => {
    gone = true;
  });
  for (let i = 0; i < body.length && !gone; i++) {
    res.write(body.subarray(i, i + 1));
    await Promise.race([sleep(byteMs), done]);
  }
  if (gone) return false;
  res.end();
  return true;
};

export interface FaultProxyOptions {
  /** The emulator's URL. */
  readonly target: string;
  readonly seed: number;
  readonly rules?: readonly FaultRule[];
}

export const startFaultProxy = async (options: FaultProxyOptions): Promise<FaultProxy> => {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: false });
  let random = seededRandom(options.seed);
  let rules: readonly FaultRule[] = options.rules ?? [];
  let injections = new Map<FaultRule, number>();
  let calls: CallRecord[] = [];
  let counts: Record<string, number> = {};
  let seq = 0;
  const listeners = new Set<(call: CallRecord) => void>();
  let dynamodbTurn: Promise<unknown> = Promise.resolve();

  const count = (service: Service, label: string) => {
    const key = `${service} ${label}`;
    counts[key] = (counts[key] ?? 0) + 1;
  };

  const choose = (
    call: ProxiedCall,
  ): { delayMs: number; roundTripMs: number; holds: Promise<unknown>[]; failure?: Fault } => {
    let delayMs = 0;
    let roundTripMs = 0;
    const holds: Promise<unknown>[] = [];
    for (const rule of rules) {
      if (!matches(rule, call)) continue;
      const used = injections.get(rule) ?? 0;
      if (rule.limit !== undefined && used >= rule.limit) continue;
      if (random() >= (rule.rate ?? 1)) continue;
      injections.set(rule, used + 1);
      count(call.service, faultLabel(rule.fault));
      if (rule.fault.kind === 'latency') {
        delayMs += between(random, rule.fault.minMs, rule.fault.maxMs);
        continue;
      }
      if (rule.fault.kind === 'hold') {
        holds.push(settledWithin(rule.fault.until, rule.fault.maxMs));
        continue;
      }
      if (rule.fault.kind === 'roundTrip') {
        roundTripMs = Math.max(
          roundTripMs,
          logNormal(random, rule.fault.medianMs, rule.fault.p99Ms),
        );
        continue;
      }
      return { delayMs, roundTripMs, holds, failure: rule.fault };
    }
    return { delayMs, roundTripMs, holds };
  };

  const toEmulator = (service: Service, req: IncomingMessage, body: Buffer): Promise<Reply> => {
    if (service !== 'dynamodb') return forward(target, agent, req, body);
    const turn = dynamodbTurn.then(() => forward(target, agent, req, body));
    dynamodbTurn = turn.catch(() => undefined);
    return turn;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const raw = await readBody(req);
    const service = serviceOf(req.headers);
    const text = raw.toString('utf8');
    const params =
      service === 'ec2' || service === 'sts'
        ? Object.fromEntries(new URLSearchParams(text))
        : ({} as Record<string, string>);
    const target = String(req.headers['x-amz-target'] ?? '');
    const invocation = invocationOnPort(req.socket.remotePort);
    const record: CallRecord = {
      seq: seq++,
      service,
      operation: params.Action ?? target.slice(target.indexOf('.') + 1),
      params,
      body: service === 'ec2' || service === 'sts' || text === '' ? undefined : JSON.parse(text),
      invocation: invocation?.id,
      receivedAt: performance.now(),
      delayedMs: 0,
      roundTripMs: 0,
      reachedEmulator: false,
    };
    // A request sent after its invocation ended would not exist in AWS: it is not part of the history.
    if (invocation?.ended === true) {
      count(service, 'cut-off');
      req.socket.destroy();
      return;
    }
    calls.push(record);
    const finish = (status: number | 'dropped') => {
      record.clientStatus = status;
      record.repliedAt = performance.now();
      for (const listener of listeners) listener(record);
    };

    const { delayMs, roundTripMs, holds, failure } = choose(record);
    if (failure) record.fault = faultLabel(failure);
    record.roundTripMs = roundTripMs;
    const held = performance.now();
    await Promise.all([sleep(delayMs), ...holds]);
    record.delayedMs = delayMs > 0 || holds.length > 0 ? performance.now() - held : 0;

    if (failure?.kind === 'drop' && !failure.afterForwarding) {
      req.socket.destroy();
      return finish('dropped');
    }
    if (failure?.kind === 'stall') {
      await closed(res);
      return finish('dropped');
    }
    if (failure !== undefined && failure.kind !== 'drop' && failure.kind !== 'slowBody') {
      send(res, failureReply(failure, record, random));
      return finish(res.statusCode);
    }
    record.reachedEmulator = true;
    let reply: Reply;
    try {
      reply = await toEmulator(service, req, raw);
    } catch {
      // Not injected, but the client sees a dropped connection all the same: keep it visible.
      record.fault = 'emulator-error';
      count(service, 'emulator-error');
      req.socket.destroy();
      return finish('dropped');
    }
    record.emulatorStatus = reply.status;
    record.answeredAt = performance.now();
    if (failure?.kind === 'drop') {
      req.socket.destroy();
      return finish('dropped');
    }
    if (failure?.kind === 'slowBody') {
      const whole = await trickle(res, reply, failure.byteMs ?? 200);
      return finish(whole ? reply.status : 'dropped');
    }
    const early = record.receivedAt + roundTripMs - performance.now();
    if (early > 0) await sleep(early);
    send(res, reply);
    finish(reply.status);
  };

  let inFlight = 0;
  let whenIdle: (() => void)[] = [];
  const server = createServer((req, res) => {
    inFlight++;
    handle(req, res)
      .catch(() => req.socket.destroy())
      .finally(() => {
        inFlight--;
        if (inFlight > 0) return;
        for (const resolve of whenIdle) resolve();
        whenIdle = [];
      });
  });
  // Idle keep-alive sockets must not be closed by the proxy: that would be a fault nobody injected.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return calls;
    },
    faults: () => ({ ...counts }),
    setRules: (next) => {
      rules = next;
      injections = new Map();
    },
    idle: () =>
      inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => whenIdle.push(resolve)),
    onCall: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    seen: (predicate) =>
      new Promise((resolve) => {
        const listener = (call: CallRecord) => {
          if (!predicate(call)) return;
          listeners.delete(listener);
          resolve(call);
        };
        listeners.add(listener);
      }),
    reset: (seed) => {
      if (seed !== undefined) random = seededRandom(seed);
      rules = [];
      injections = new Map();
      calls = [];
      counts = {};
      listeners.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
};
