import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  type Stack,
  type StackResourceSummary,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';

/**
 * The real stack on an emulator: `serverless package` once (cached by a hash of what goes into it), then the
 * packaged CloudFormation templates deployed the way `serverless deploy` does it (the create-stack template
 * with the deployment bucket, the function zips uploaded to it, then the full template as an update), and
 * the deployed stack read back: its resources, each function's configuration as Lambda reports it, each
 * rule and its targets as EventBridge reports them. Nothing here restates a table, bus or rule.
 */

const ROOT = resolve(__dirname, '..');

/** The stage the emulator runs: the packaged names are `routekeeper-dev-*`. */
export const LOCAL_STAGE = 'dev';
/** serverless' stack name: `<service>-<stage>`. */
export const STACK_NAME = `routekeeper-${LOCAL_STAGE}`;
/**
 * Where the package goes: not `.serverless/` (the default), which `serverless invoke local` and other
 * framework commands clear while a test or `npm run local` still deploys from it.
 */
export const PACKAGE_DIR = join(ROOT, '.routekeeper', 'package');

const CREATE_TEMPLATE = 'cloudformation-template-create-stack.json';
const UPDATE_TEMPLATE = 'cloudformation-template-update-stack.json';
const HASH_FILE = '.routekeeper-source-hash';

/** What goes into the package: sources, the stack definition, the stage's configuration, the lockfile. */
const PACKAGE_INPUTS = [
  'functions',
  'shared',
  'serverless',
  'serverless.yml',
  'package-lock.json',
  'tsconfig.json',
  `config/routekeeper.${LOCAL_STAGE}.json`,
];

const filesUnder = (path: string): string[] =>
  statSync(path).isDirectory()
    ? readdirSync(path)
        .sort()
        .flatMap((name) => filesUnder(join(path, name)))
    : [path];

/** A digest of every file the package is built from: the package is rebuilt only when one changes. */
export const sourceHash = (root = ROOT): string => {
  const hash = createHash('sha256');
  for (const file of PACKAGE_INPUTS.flatMap((input) => filesUnder(join(root, input)))) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
};

export class PackageError extends Error {
  constructor(output: string) {
    super(`serverless package failed:\n${output}`);
    this.name = 'PackageError';
  }
}

const runPackage = (outDir: string, timeoutMs: number): Promise<void> =>
  new Promise((done, fail) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: mkdtempSync(join(tmpdir(), 'sls-home-')),
    };
    // No credentials are needed to package, and the stage's own configuration is the one packaged.
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_ENDPOINT_URL',
      'ROUTEKEEPER_CONFIG',
    ])
      delete env[name];
    const child = spawn(
      join(ROOT, 'node_modules/.bin/serverless'),
      ['package', '--stage', LOCAL_STAGE, '--package', outDir],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) done();
      else
        fail(new PackageError(code === null ? `killed after ${timeoutMs} ms\n${output}` : output));
    });
  });

/**
 * `serverless package --stage dev` into `outDir`, unless it already holds the package of these very
 * sources. Returns whether it packaged.
 */
export const packageStack = async (
  outDir = PACKAGE_DIR,
  timeoutMs = 300_000,
): Promise<{ readonly dir: string; readonly packaged: boolean }> => {
  const hash = sourceHash();
  const hashFile = join(outDir, HASH_FILE);
  const cached =
    existsSync(hashFile) &&
    readFileSync(hashFile, 'utf8') === hash &&
    existsSync(join(outDir, UPDATE_TEMPLATE));
  if (cached) return { dir: outDir, packaged: false };
  await runPackage(outDir, timeoutMs);
  writeFileSync(hashFile, hash);
  return { dir: outDir, packaged: true };
};

export interface StackClients {
  readonly region: string;
  readonly cloudformation: CloudFormationClient;
  readonly s3: S3Client;
  readonly lambda: LambdaClient;
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
}

export const stackClients = (endpoint: string, region: string): StackClients => {
  const options = {
    region,
    endpoint,
    maxAttempts: 2,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    },
  };
  return {
    region,
    cloudformation: new CloudFormationClient(options),
    s3: new S3Client({ ...options, forcePathStyle: true }),
    lambda: new LambdaClient(options),
    events: new EventBridgeClient(options),
    sqs: new SQSClient(options),
  };
};

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}
interface Template {
  readonly Resources: Record<string, TemplateResource>;
}

/** A function as the deployed stack defines it. */
export interface DeployedFunction {
  /** The function's key in serverless.yml (routeSwitch, heartbeat, drift). */
  readonly name: string;
  readonly functionName: string;
  readonly arn: string;
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** The environment Lambda gives it, as Lambda reports it. */
  readonly environment: Readonly<Record<string, string>>;
  /** Where its code is: the deployment bucket and the zip's key. */
  readonly code: { readonly bucket: string; readonly key: string };
  /** Lambda's asynchronous invocation settings (retries after a function error, event age, on-failure). */
  readonly maxRetryAttempts: number;
  readonly maxEventAgeSeconds: number | undefined;
  /** The queue Lambda sends a failed invocation's record to, if any. */
  readonly onFailureQueueUrl: string | undefined;
}

/** A rule of the deployed stack, as EventBridge reports it, with its target function. */
export interface DeployedRule {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  readonly eventPattern: string | undefined;
  readonly scheduleExpression: string | undefined;
  readonly functionName: string;
  readonly retryPolicy: {
    readonly maxEventAgeSeconds?: number;
    readonly maxRetryAttempts?: number;
  };
  readonly deadLetterArn: string | undefined;
  /** The function target as deployed (the runner takes it off the rule while it runs, then puts it back). */
  readonly target: Target;
}

export interface DeployedStack {
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly busName: string;
  readonly deadLetterQueueUrl: string;
  /** The log group the stack's event-log rule writes routekeeper's own events to. */
  readonly eventLog: string;
  readonly resources: readonly StackResourceSummary[];
  readonly functions: readonly DeployedFunction[];
  readonly rules: readonly DeployedRule[];
}

export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployError';
  }
}

const settled = async (clients: StackClients, name: string, timeoutMs: number): Promise<Stack> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stack = (
      await clients.cloudformation.send(new DescribeStacksCommand({ StackName: name }))
    ).Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    if (Date.now() > deadline)
      throw new DeployError(`stack ${name} still ${stack?.StackStatus} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

const expectStatus = async (clients: StackClients, stack: Stack, wanted: string): Promise<void> => {
  if (stack.StackStatus === wanted) return;
  const events = await clients.cloudformation.send(
    new DescribeStackEventsCommand({ StackName: stack.StackName }),
  );
  const failures = (events.StackEvents ?? [])
    .filter((e) => e.ResourceStatus?.endsWith('_FAILED'))
    .map((e) => `  ${e.LogicalResourceId}: ${e.ResourceStatusReason}`);
  throw new DeployError(
    `stack ${stack.StackName} ended ${stack.StackStatus}, not ${wanted}\n${failures.join('\n')}`,
  );
};

const resourcesOf = async (clients: StackClients, name: string) => {
  const summaries: StackResourceSummary[] = [];
  let NextToken: string | undefined;
  do {
    const page = await clients.cloudformation.send(
      new ListStackResourcesCommand({ StackName: name, NextToken }),
    );
    summaries.push(...(page.StackResourceSummaries ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return summaries;
};

/**
 * Deploy the package in `dir` as `serverless deploy` would: the create-stack template (the deployment
 * bucket), each function's zip uploaded to it, then the full template as an update. Returns the stack
 * as deployed.
 */
export const deployStack = async (
  clients: StackClients,
  dir = PACKAGE_DIR,
  timeoutMs = 120_000,
): Promise<DeployedStack> => {
  await clients.cloudformation.send(
    new CreateStackCommand({
      StackName: STACK_NAME,
      TemplateBody: readFileSync(join(dir, CREATE_TEMPLATE), 'utf8'),
    }),
  );
  await expectStatus(clients, await settled(clients, STACK_NAME, timeoutMs), 'CREATE_COMPLETE');
  const bucket = (await resourcesOf(clients, STACK_NAME)).find(
    (r) => r.LogicalResourceId === 'ServerlessDeploymentBucket',
  )?.PhysicalResourceId;
  if (!bucket) throw new DeployError('the create-stack template made no deployment bucket');
  const body = readFileSync(join(dir, UPDATE_TEMPLATE), 'utf8');
  const template = JSON.parse(body) as Template;
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const key = codeKey(resource);
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: readFileSync(join(dir, key.split('/').pop() ?? key)),
      }),
    );
  }
  await clients.cloudformation.send(
    new UpdateStackCommand({
      StackName: STACK_NAME,
      TemplateBody: body,
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    }),
  );
  await expectStatus(clients, await settled(clients, STACK_NAME, timeoutMs), 'UPDATE_COMPLETE');
  return readStack(clients);
};

const output = (stack: Stack, key: string): string => {
  const value = stack.Outputs?.find((o) => o.OutputKey === key)?.OutputValue;
  if (!value) throw new DeployError(`stack ${stack.StackName} has no output ${key}`);
  return value;
};

const codeKey = (resource: TemplateResource): string => {
  const key = (resource.Properties?.Code as { S3Key?: string } | undefined)?.S3Key;
  if (key === undefined) throw new DeployError('a packaged function has no Code.S3Key');
  return key;
};

const refTo = (value: unknown): string | undefined => (value as { Ref?: string } | undefined)?.Ref;

/** The deployed stack read back from the emulator (or an account): resources, functions, rules. */
export const readStack = async (
  clients: StackClients,
  name = STACK_NAME,
): Promise<DeployedStack> => {
  const stack = (await clients.cloudformation.send(new DescribeStacksCommand({ StackName: name })))
    .Stacks?.[0];
  if (!stack) throw new DeployError(`no stack ${name}`);
  const resources = await resourcesOf(clients, name);
  const template = JSON.parse(
    (await clients.cloudformation.send(new GetTemplateCommand({ StackName: name }))).TemplateBody ??
      '{}',
  ) as Template;
  const bucket = resources.find(
    (r) => r.LogicalResourceId === 'ServerlessDeploymentBucket',
  )?.PhysicalResourceId;
  // moto 5 answers `Ref` of an event bus (and so the EventBusName output) with an object's repr: the
  // bus's name is read from the deployed template, where it is a literal.
  const busName = Object.values(template.Resources).find((r) => r.Type === 'AWS::Events::EventBus')
    ?.Properties?.Name;
  if (typeof busName !== 'string') throw new DeployError(`stack ${name} has no named event bus`);
  // The output is the queue URL on AWS's host; the queue is asked for its URL where it lives.
  const queueUrl = async (url: string): Promise<string> => {
    const name = url.split('/').pop() ?? '';
    const found = (await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    if (!found) throw new DeployError(`no queue ${name}`);
    return found;
  };
  const deadLetterQueueUrl = await queueUrl(output(stack, 'DeadLetterQueueUrl'));
  const physicalOf = (logicalId: string) =>
    resources.find((r) => r.LogicalResourceId === logicalId)?.PhysicalResourceId;

  const functions = await Promise.all(
    Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Lambda::Function')
      .map(async ([logicalId, resource]): Promise<DeployedFunction> => {
        const configuration = await clients.lambda.send(
          new GetFunctionConfigurationCommand({ FunctionName: physicalOf(logicalId) }),
        );
        const invokeConfig = Object.values(template.Resources).find(
          (r) =>
            r.Type === 'AWS::Lambda::EventInvokeConfig' &&
            refTo(r.Properties?.FunctionName) === logicalId,
        )?.Properties as
          | {
              MaximumRetryAttempts?: number;
              MaximumEventAgeInSeconds?: number;
              DestinationConfig?: { OnFailure?: { Destination?: unknown } };
            }
          | undefined;
        // The on-failure destination is `Fn::GetAtt: [<queue>, Arn]` in this template.
        const destination = (
          invokeConfig?.DestinationConfig?.OnFailure?.Destination as
            | { 'Fn::GetAtt'?: [string, string] }
            | undefined
        )?.['Fn::GetAtt']?.[0];
        const destinationUrl = destination === undefined ? undefined : physicalOf(destination);
        const key = codeKey(resource);
        return {
          name: logicalId.replace(/LambdaFunction$/, '').replace(/^./, (c) => c.toLowerCase()),
          functionName: configuration.FunctionName ?? '',
          arn: configuration.FunctionArn ?? '',
          handler: configuration.Handler ?? '',
          timeoutSeconds: configuration.Timeout ?? 3,
          memoryMb: configuration.MemorySize ?? 128,
          environment: configuration.Environment?.Variables ?? {},
          code: { bucket: bucket ?? '', key },
          // Lambda's default for asynchronous invocations: two retries.
          maxRetryAttempts: invokeConfig?.MaximumRetryAttempts ?? 2,
          maxEventAgeSeconds: invokeConfig?.MaximumEventAgeInSeconds,
          onFailureQueueUrl:
            destinationUrl === undefined ? undefined : await queueUrl(destinationUrl),
        };
      }),
  );

  // (ListRules per bus, not DescribeRule or a NamePrefix: moto 5 finds a custom bus's rule by neither; and
  // the default bus is left unnamed: moto 5 fails on it by name.)
  const listed = await Promise.all(
    [busName, undefined].map(async (EventBusName) =>
      ((await clients.events.send(new ListRulesCommand({ EventBusName }))).Rules ?? []).map(
        (rule) => ({ rule, EventBusName }),
      ),
    ),
  );
  const ruleOf = async ({
    PhysicalResourceId: ruleName,
  }: StackResourceSummary): Promise<DeployedRule | undefined> => {
    const found = listed.flat().find(({ rule }) => rule.Name === ruleName);
    if (found === undefined) throw new DeployError(`no rule ${ruleName} on ${busName} or default`);
    const { rule, EventBusName } = found;
    const targets =
      (await clients.events.send(new ListTargetsByRuleCommand({ Rule: ruleName, EventBusName })))
        .Targets ?? [];
    const bus = EventBusName ?? 'default';
    const target = targets.find((t) => functions.some((f) => f.arn === t.Arn));
    const fn = functions.find((f) => f.arn === target?.Arn);
    // A rule to another target (the event log) delivers by itself: nothing for a runner to feed.
    if (!target || !fn) return undefined;
    return {
      name: ruleName ?? '',
      arn: rule.Arn ?? '',
      busName: bus,
      eventPattern: rule.EventPattern,
      scheduleExpression: rule.ScheduleExpression,
      functionName: fn.functionName,
      retryPolicy: {
        maxEventAgeSeconds: target.RetryPolicy?.MaximumEventAgeInSeconds,
        maxRetryAttempts: target.RetryPolicy?.MaximumRetryAttempts,
      },
      deadLetterArn: target.DeadLetterConfig?.Arn,
      target,
    };
  };
  const rules = (
    await Promise.all(resources.filter((r) => r.ResourceType === 'AWS::Events::Rule').map(ruleOf))
  ).filter((rule) => rule !== undefined);

  return {
    name,
    region: clients.region,
    account: accountOf(stack),
    busName,
    deadLetterQueueUrl,
    eventLog: output(stack, 'EventLogName'),
    resources,
    functions,
    rules,
  };
};

/** The account from the stack's ARN (`arn:aws:cloudformation:<region>:<account>:stack/...`). */
const accountOf = (stack: Stack): string => stack.StackId?.split(':')[4] ?? '';

/**
 * The environment the deployed functions share, merged (tables, bus, settings), without the Powertools
 * logging settings: for running the handlers in-process with the stack's names.
 */
export const stackEnvironment = (stack: DeployedStack): Record<string, string> =>
  Object.fromEntries(
    stack.functions
      .flatMap((fn) => Object.entries(fn.environment))
      .filter(([key]) => !key.startsWith('POWERTOOLS_')),
  );

/** The deployed tables, by the environment variable the functions read each from. */
export const stackTables = (stack: DeployedStack) => {
  const env = stackEnvironment(stack);
  const name = (variable: string) => {
    const table = env[variable];
    if (table === undefined) throw new DeployError(`no function of the stack has ${variable}`);
    return table;
  };
  return {
    state: name('STATE_TABLE'),
    idempotency: name('IDEMPOTENCY_TABLE'),
    dedupe: name('DEDUPE_TABLE'),
    liveness: name('LIVENESS_TABLE'),
  };
};
