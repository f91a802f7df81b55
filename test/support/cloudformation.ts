/**
 * Resolves the CloudFormation intrinsics a packaged template uses in its policies (Ref, Fn::GetAtt, Fn::Sub)
 * to concrete values for one fixed account and region, so a policy simulator can read them.
 * Anything it does not know throws: an unresolved intrinsic must fail the test, not pass as a string.
 */

export interface Stack {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

export interface Place {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

type Value = unknown;

const physicalName = (stack: Stack, logicalId: string): string => {
  const resource = stack.Resources[logicalId];
  if (resource === undefined) throw new Error(`Ref/GetAtt to unknown resource ${logicalId}`);
  const properties = resource.Properties ?? {};
  const key = {
    'AWS::DynamoDB::Table': 'TableName',
    'AWS::Events::EventBus': 'Name',
    'AWS::SQS::Queue': 'QueueName',
    'AWS::IAM::Role': 'RoleName',
  }[resource.Type];
  const name = key === undefined ? undefined : properties[key];
  if (typeof name !== 'string') {
    throw new Error(`cannot name ${logicalId} (${resource.Type}): no literal name property`);
  }
  return name;
};

const arnOf = (stack: Stack, logicalId: string, place: Place): string => {
  const type = stack.Resources[logicalId]?.Type;
  const name = physicalName(stack, logicalId);
  const { partition: p, region: r, account: a } = place;
  switch (type) {
    case 'AWS::DynamoDB::Table':
      return `arn:${p}:dynamodb:${r}:${a}:table/${name}`;
    case 'AWS::Events::EventBus':
      return `arn:${p}:events:${r}:${a}:event-bus/${name}`;
    case 'AWS::SQS::Queue':
      return `arn:${p}:sqs:${r}:${a}:${name}`;
    case 'AWS::IAM::Role':
      return `arn:${p}:iam::${a}:role/${name}`;
    default:
      throw new Error(`no ARN rule for ${logicalId} (${type})`);
  }
};

const getAtt = (stack: Stack, logicalId: string, attribute: string, place: Place): string => {
  if (attribute === 'Arn') return arnOf(stack, logicalId, place);
  if (attribute === 'Name' || attribute === 'QueueName') return physicalName(stack, logicalId);
  throw new Error(`no rule for Fn::GetAtt ${logicalId}.${attribute}`);
};

const ref = (stack: Stack, name: string, place: Place): string => {
  const pseudo: Record<string, string> = {
    'AWS::Partition': place.partition,
    'AWS::Region': place.region,
    'AWS::AccountId': place.account,
  };
  if (pseudo[name] !== undefined) return pseudo[name];
  // Ref of a queue is its URL, which no policy here uses; of a table, bus or role, its name.
  if (stack.Resources[name]?.Type === 'AWS::SQS::Queue') throw new Error(`no rule for Ref ${name}`);
  return physicalName(stack, name);
};

const sub = (stack: Stack, text: string, variables: Record<string, Value>, place: Place): string =>
  text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
    if (name in variables) return String(resolve(stack, variables[name], place));
    const [logicalId, attribute] = name.split('.');
    return attribute === undefined
      ? ref(stack, name, place)
      : getAtt(stack, logicalId as string, attribute, place);
  });

/** The value with every intrinsic replaced by what CloudFormation would put there. */
export const resolve = (stack: Stack, value: Value, place: Place): Value => {
  if (Array.isArray(value)) return value.map((item) => resolve(stack, item, place));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, Value>);
  const [first] = entries;
  if (entries.length === 1 && first !== undefined && /^(Ref|Fn::)/.test(first[0])) {
    const [fn, argument] = first;
    if (fn === 'Ref') return ref(stack, argument as string, place);
    if (fn === 'Fn::GetAtt') {
      const [logicalId, attribute] = (
        typeof argument === 'string' ? argument.split('.') : argument
      ) as [string, string];
      return getAtt(stack, logicalId, attribute, place);
    }
    if (fn === 'Fn::Sub') {
      const [text, variables] = (typeof argument === 'string' ? [argument, {}] : argument) as [
        string,
        Record<string, Value>,
      ];
      return sub(stack, text, variables, place);
    }
    throw new Error(`no rule for intrinsic ${fn}`);
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolve(stack, item, place)]));
};
