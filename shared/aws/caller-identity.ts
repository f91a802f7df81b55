import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { call } from './call-error';
import { type ClientOptions, makeBoundedHttpHandler } from './clients';

export interface CallerIdentity {
  readonly arn: string;
  readonly account: string;
  /** AWS's clock at the answer (the HTTP Date header, to the second), when the answer carried one. */
  readonly awsTime?: Date;
}

/**
 * Who is running the CLI (STS GetCallerIdentity, which needs no permission), and AWS's time at the answer:
 * an operator switch orders its claim by the CLI's clock, so the CLI checks that clock against AWS's.
 */
export const readCallerIdentity = async (options: ClientOptions = {}): Promise<CallerIdentity> => {
  const client = new STSClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    requestHandler: makeBoundedHttpHandler(options.timeouts),
    maxAttempts: 3,
  });
  let date: string | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const headers = (result.response as { headers?: Record<string, string> }).headers;
      date = headers?.date ?? headers?.Date;
      return result;
    },
    { step: 'deserialize', name: 'routekeeperAwsTime' },
  );
  const output = await call('GetCallerIdentity', () =>
    client.send(new GetCallerIdentityCommand({})),
  );
  const awsTime = date === undefined ? undefined : new Date(date);
  return {
    arn: output.Arn ?? 'unknown',
    account: output.Account ?? 'unknown',
    ...(awsTime === undefined || Number.isNaN(awsTime.getTime()) ? {} : { awsTime }),
  };
};
