import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import extract from 'extract-zip';
import type { DeployedFunction, DeployedRule, DeployedStack, StackClients } from './local-stack';

/**
 * Lambda for the emulator, which cannot run functions (moto needs Docker for that): each function of the
 * deployed stack runs from its deployed zip in its own process (one execution environment, with the
 * environment Lambda gives it), and each deployed rule feeds it: while it runs, the runner puts an SQS
 * target on the rule in place of the function's (moto delivers EventBridge → SQS; stop() puts the
 * deployed target back), reads the queue, and invokes the function with the event as EventBridge hands
 * it to Lambda. A function error is retried as Lambda retries asynchronous invocations
 * (`MaximumRetryAttempts`, shortened waits), then the invocation record goes to the on-failure queue; an
 * event older than `MaximumEventAgeInSeconds` is not invoked at all. Schedule rules run on their rate.
 */

const RUNTIME = resolve(__dirname, 'lambda-runtime.cjs');
const TARGET_ID = 'routekeeper-local-runner';

export interface Invocation {
  readonly functionName: string;
  readonly detailType: string;
  readonly attempts: number;
  readonly result?: unknown;
  readonly error?: { readonly errorType: string; readonly errorMessage: string };
  /** Where the event ended when it was not processed: the on-failure queue (or nowhere). */
  readonly deadLettered?: 'RetriesExhausted' | 'EventAgeExceeded';
}

export interface RunnerOptions {
  readonly endpoint: string;
  /** Overrides of the deployed environment (the configuration describing the emulator's resources). */
  readonly environment?: Readonly<Record<string, string>>;
  /** Waits between a failed attempt and its retry (Lambda waits about 1 and 2 minutes). */
  readonly retryDelaysMs?: readonly number[];
  /** Run the schedule rules on their rate (default true). */
  readonly schedules?: boolean;
  readonly onInvocation?: (invocation: Invocation) => void;
  /** A function's log lines (its stdout and stderr). */
  readonly onLog?: (functionName: string, line: string) => void;
}

export interface LocalRunner {
  readonly invocations: readonly Invocation[];
  /** Deliver a scheduled event to the function now, as its schedule rule does on its rate. */
  runSchedule(functionName: string): Promise<Invocation>;
  /** Remove the SQS targets and queues it added, stop the polling and the execution environments. */
  stop(): Promise<void>;
}

interface Reply {
  readonly id: string;
  readonly result?: unknown;
  readonly error?: { errorType: string; errorMessage: string };
}

/** One function's execution environment: a process running lambda-runtime.cjs in the extracted zip. */
class ExecutionEnvironment {
  private child: ChildProcess | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly fn: DeployedFunction,
    private readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly onLog: (line: string) => void,
  ) {}

  private start(): ChildProcess {
    const child = spawn(process.execPath, [RUNTIME, this.fn.handler], {
      cwd: this.dir,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [child.stdout, child.stderr])
      if (stream) createInterface({ input: stream }).on('line', this.onLog);
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    this.child = child;
    return child;
  }

  /** One invocation at a time, as one execution environment takes them. */
  invoke(event: unknown): Promise<Reply> {
    const run = this.queue.then(() => this.invokeNow(event));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private invokeNow(event: unknown): Promise<Reply> {
    const child = this.child ?? this.start();
    const id = randomUUID();
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    return new Promise((done) => {
      const finish = (reply: Reply) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        done(reply);
      };
      const onMessage = (reply: Reply) => {
        if (reply.id === id) finish(reply);
      };
      const onExit = (code: number | null) =>
        finish({
          id,
          error: { errorType: 'Runtime.ExitError', errorMessage: `exited with ${code}` },
        });
      // Lambda ends an invocation at its timeout by ending the environment.
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish({
          id,
          error: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `Task timed out after ${this.fn.timeoutSeconds} seconds`,
          },
        });
      }, timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, event, requestId: id, deadline: Date.now() + timeoutMs });
    });
  }

  stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
    });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const rateMs = (expression: string): number => {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) throw new Error(`unsupported schedule ${expression}: only rate(...) runs locally`);
  const unit = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[
    (match[2] ?? '').replace(/s$/, '') as 'minute' | 'hour' | 'day'
  ];
  return Number(match[1]) * unit;
};

const download = async (clients: StackClients, fn: DeployedFunction, root: string) => {
  const object = await clients.s3.send(
    new GetObjectCommand({ Bucket: fn.code.bucket, Key: fn.code.key }),
  );
  const zip = join(root, `${fn.name}.zip`);
  writeFileSync(zip, await (object.Body?.transformToByteArray() ?? new Uint8Array()));
  const dir = join(root, fn.name);
  mkdirSync(dir);
  await extract(zip, { dir });
  return dir;
};

export interface RuleQueue {
  readonly rule: DeployedRule;
  readonly queueUrl: string;
  /** Put the deployed function target back on the rule and delete the queue. */
  restore(): Promise<void>;
}

/**
 * Deliver a deployed rule's events to an SQS queue instead of its function: the queue `<rule>-local` as
 * the rule's target in place of the function's. moto answers PutEvents with HTTP 500 when a rule's Lambda
 * target cannot run (no Docker), so the function target is off the rule until restore().
 */
export const feedRuleToQueue = async (
  clients: StackClients,
  rule: DeployedRule,
): Promise<RuleQueue> => {
  const queueUrl = (
    await clients.sqs.send(new CreateQueueCommand({ QueueName: `${rule.name}-local` }))
  ).QueueUrl as string;
  const queueArn = (
    await clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    )
  ).Attributes?.QueueArn;
  const on = { Rule: rule.name, EventBusName: rule.busName };
  await clients.events.send(new RemoveTargetsCommand({ ...on, Ids: [rule.target.Id ?? ''] }));
  await clients.events.send(
    new PutTargetsCommand({ ...on, Targets: [{ Id: TARGET_ID, Arn: queueArn }] }),
  );
  return {
    rule,
    queueUrl,
    restore: async () => {
      await clients.events.send(new RemoveTargetsCommand({ ...on, Ids: [TARGET_ID] }));
      await clients.events.send(new PutTargetsCommand({ ...on, Targets: [rule.target] }));
      await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    },
  };
};

export const startRunner = async (
  stack: DeployedStack,
  clients: StackClients,
  options: RunnerOptions,
): Promise<LocalRunner> => {
  const invocations: Invocation[] = [];
  const retryDelays = options.retryDelaysMs ?? [1_000, 2_000];
  const root = mkdtempSync(join(tmpdir(), 'routekeeper-local-'));
  const environments = new Map<string, ExecutionEnvironment>();
  for (const fn of stack.functions) {
    const dir = await download(clients, fn, root);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      ...fn.environment,
      AWS_REGION: stack.region,
      AWS_DEFAULT_REGION: stack.region,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      AWS_ENDPOINT_URL: options.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      LAMBDA_TASK_ROOT: dir,
      ROUTEKEEPER_LOCAL_FUNCTION_ARN: fn.arn,
      ...options.environment,
    };
    environments.set(
      fn.functionName,
      new ExecutionEnvironment(fn, dir, env, (line) => options.onLog?.(fn.name, line)),
    );
  }

  const record = (invocation: Invocation) => {
    invocations.push(invocation);
    options.onInvocation?.(invocation);
    return invocation;
  };

  /** Lambda's asynchronous invocation: event age, retries after function errors, the on-failure queue. */
  const invoke = async (fn: DeployedFunction, event: Record<string, unknown>) => {
    const environment = environments.get(fn.functionName);
    if (!environment) throw new Error(`no execution environment for ${fn.functionName}`);
    const detailType = String(event['detail-type']);
    const onFailure = async (
      condition: 'RetriesExhausted' | 'EventAgeExceeded',
      attempts: number,
      error?: Reply['error'],
    ) => {
      if (fn.onFailureQueueUrl !== undefined)
        await clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: fn.onFailureQueueUrl,
            MessageBody: JSON.stringify({
              version: '1.0',
              timestamp: new Date().toISOString(),
              requestContext: {
                requestId: randomUUID(),
                functionArn: `${fn.arn}:$LATEST`,
                condition,
                approximateInvokeCount: attempts,
              },
              requestPayload: event,
              ...(error === undefined
                ? {}
                : {
                    responseContext: {
                      statusCode: 200,
                      executedVersion: '$LATEST',
                      functionError: 'Unhandled',
                    },
                    responsePayload: error,
                  }),
            }),
          }),
        );
      return record({
        functionName: fn.name,
        detailType,
        attempts,
        error,
        deadLettered: condition,
      });
    };
    let error: Reply['error'];
    for (let attempt = 1; attempt <= fn.maxRetryAttempts + 1; attempt++) {
      const age = (Date.now() - Date.parse(String(event.time))) / 1000;
      if (fn.maxEventAgeSeconds !== undefined && age > fn.maxEventAgeSeconds)
        return onFailure('EventAgeExceeded', attempt - 1, error);
      if (attempt > 1) await sleep(retryDelays[attempt - 2] ?? retryDelays.at(-1) ?? 0);
      const reply = await environment.invoke(event);
      if (reply.error === undefined)
        return record({
          functionName: fn.name,
          detailType,
          attempts: attempt,
          result: reply.result,
        });
      error = reply.error;
    }
    return onFailure('RetriesExhausted', fn.maxRetryAttempts + 1, error);
  };

  const functionOf = (rule: DeployedRule) => {
    const fn = stack.functions.find((f) => f.functionName === rule.functionName);
    if (!fn) throw new Error(`rule ${rule.name} targets no function of the stack`);
    return fn;
  };

  // Pattern rules: an SQS target each, read by a poller that invokes the rule's function.
  let stopping = false;
  const taps: RuleQueue[] = [];
  for (const rule of stack.rules.filter((r) => r.eventPattern !== undefined))
    taps.push(await feedRuleToQueue(clients, rule));
  const pollers = taps.map(async ({ rule, queueUrl }) => {
    const fn = functionOf(rule);
    while (!stopping) {
      const received = await clients.sqs
        .send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 1,
          }),
        )
        .catch((error: Error) => {
          if (!stopping) options.onLog?.('runner', `reading ${queueUrl}: ${error.message}`);
          return { Messages: [] };
        });
      for (const message of received.Messages ?? []) {
        // moto 5 delivers bus events without `account`; EventBridge always sets it (the stack's account).
        const event = { account: stack.account, ...JSON.parse(message.Body ?? '{}') };
        await invoke(fn, event);
        await clients.sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
  });

  const scheduled = (rule: DeployedRule) =>
    invoke(functionOf(rule), {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: stack.account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: stack.region,
      resources: [rule.arn],
      detail: {},
    });
  const timers =
    (options.schedules ?? true)
      ? stack.rules
          .filter((r) => r.scheduleExpression !== undefined)
          .map((rule) =>
            setInterval(() => void scheduled(rule), rateMs(rule.scheduleExpression ?? '')),
          )
      : [];

  return {
    invocations,
    runSchedule: (name) => {
      const rule = stack.rules.find(
        (r) => r.scheduleExpression !== undefined && functionOf(r).name === name,
      );
      if (!rule) throw new Error(`no schedule rule targets ${name}`);
      return scheduled(rule);
    },
    stop: async () => {
      stopping = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled(pollers);
      await Promise.allSettled(taps.map((tap) => tap.restore()));
      await Promise.all([...environments.values()].map((e) => e.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
};
