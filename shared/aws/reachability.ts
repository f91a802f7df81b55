import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** The HTTPS endpoint of a service in a region (standard partition), unless AWS_ENDPOINT_URL redirects it. */
export const serviceEndpoint = (
  service: 'ec2' | 'events',
  region: string,
  env: NodeJS.ProcessEnv = process.env,
): string => env.AWS_ENDPOINT_URL ?? `https://${service}.${region}.amazonaws.com`;

export interface Probe {
  readonly reachable: boolean;
  /** HTTP status of the answer (any status proves the endpoint answered). */
  readonly status?: number;
  /** The server's clock from its Date header, for a clock-offset check. */
  readonly serverDate?: Date;
  readonly error?: string;
}

/** One GET with a timeout: does the endpoint answer at all (TLS and HTTP), and what time does it say? */
export const probeEndpoint = async (url: string, timeoutMs: number): Promise<Probe> => {
  try {
    const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer().catch(() => undefined);
    const date = response.headers.get('date');
    const serverDate = date === null ? undefined : new Date(date);
    return {
      reachable: true,
      status: response.status,
      ...(serverDate === undefined || Number.isNaN(serverDate.getTime()) ? {} : { serverDate }),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { reachable: false, error: cause ?? (error as Error).name };
  }
};

/** Whether the SDK's default chain finds credentials (env, profile, instance role). Nothing is printed. */
export const credentialsPresent = async (
  client: EventBridgeClient,
): Promise<{ present: boolean; error?: string }> => {
  try {
    const credentials = await client.config.credentials();
    return { present: Boolean(credentials.accessKeyId) };
  } catch (error) {
    return { present: false, error: (error as Error).name };
  }
};
