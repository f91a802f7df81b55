import { MetadataService } from '@aws-sdk/ec2-metadata-service';
import { call } from './call-error';

/** What a node learns about itself from the instance metadata service. */
export interface InstanceIdentity {
  readonly instanceId: string;
  readonly region: string;
  /** Every network interface attached to the instance. */
  readonly enis: string[];
  /** The VPC of the instance's network interfaces (of the first one; they all share it). */
  readonly vpcId?: string;
}

export interface MetadataOptions {
  /** Default: AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254. */
  readonly endpoint?: string;
  /** Per request (connect and response), milliseconds. */
  readonly timeoutMs: number;
  /** Retries per request after the first attempt. */
  readonly retries: number;
}

/**
 * IMDSv2 through AWS's own client: a session token first (never the v1 fallback), a timeout on every
 * request, and a bounded number of retries with a short backoff.
 */
export const makeInstanceMetadata = (options: MetadataOptions) => {
  const service = new MetadataService({
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    httpOptions: { timeout: options.timeoutMs },
    ec2MetadataV1Disabled: true,
    retries: options.retries,
    backoff: (failures: number) => 0.2 * 2 ** failures,
    tokenTtl: 60,
  });
  // The client prefixes the endpoint's path ("/"), so a path that starts with "/" would become "//latest".
  const get = (path: string) =>
    call(`IMDS /${path}`, async () => (await service.request(path, {})).trim());
  return {
    /** Just the token round trip: is the metadata service reachable over http with IMDSv2? */
    probe: async (): Promise<void> => {
      await call('IMDS token', () => service.fetchMetadataToken());
    },
    identity: async (): Promise<InstanceIdentity> => {
      const [instanceId, region, macs] = await Promise.all([
        get('latest/meta-data/instance-id'),
        get('latest/meta-data/placement/region'),
        get('latest/meta-data/network/interfaces/macs/'),
      ]);
      const list = macs
        .split('\n')
        .map((line) => line.trim().replace(/\/$/, ''))
        .filter((mac) => mac !== '');
      const base = 'latest/meta-data/network/interfaces/macs';
      const [enis, vpcId] = await Promise.all([
        Promise.all(list.map((mac) => get(`${base}/${mac}/interface-id`))),
        list[0] === undefined ? undefined : get(`${base}/${list[0]}/vpc-id`),
      ]);
      return { instanceId, region, enis, ...(vpcId ? { vpcId } : {}) };
    },
  };
};
