import { makeSecretsManagerClient } from '../../shared/aws/clients';
import { makeInstanceMetadata } from '../../shared/aws/instance-metadata';
import { readSecretString } from '../../shared/aws/node-secrets';
import { CliError, EXIT } from './exit-codes';
import { type NodeKeys, parseNodeKeys, readKeyDocument } from './node-keys';
import type { Options } from './options';

/** Where lk-notify writes, and what it reads from its process. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export const requireName = (options: Options, name: 'cluster' | 'node'): string => {
  const value = options[name];
  if (value === undefined) {
    throw new CliError(`--${name} is required (or "${name}" in the settings file)`, EXIT.USAGE);
  }
  return value;
};

export interface Identity {
  readonly region?: string;
  readonly instanceId?: string;
  readonly enis?: string[];
  readonly vpcId?: string;
  /** Why the metadata service gave nothing, when it was asked and failed. */
  readonly imdsProblem?: string;
}

/** Metadata service: 1 s per request, 2 retries (a few seconds at worst), IMDSv2 only. */
export const metadataService = (options: Options, env: NodeJS.ProcessEnv) => {
  const endpoint = options.imdsEndpoint ?? env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
  return makeInstanceMetadata({
    ...(endpoint ? { endpoint } : {}),
    timeoutMs: 1_000,
    retries: 2,
  });
};

/** Flags first; the metadata service fills in what they leave open (and the ENIs for a heartbeat). */
export const resolveIdentity = async (
  options: Options,
  env: NodeJS.ProcessEnv,
  wantEnis: boolean,
): Promise<Identity> => {
  const fromFlags = {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.instanceId === undefined ? {} : { instanceId: options.instanceId }),
  };
  const needed = options.region === undefined || options.instanceId === undefined || wantEnis;
  if (!options.imds || !needed) return fromFlags;
  try {
    const found = await metadataService(options, env).identity();
    return {
      region: found.region,
      instanceId: found.instanceId,
      enis: found.enis,
      ...(found.vpcId === undefined ? {} : { vpcId: found.vpcId }),
      ...fromFlags,
    };
  } catch (error) {
    const reason = (error as Error).message.slice(0, 200);
    return { ...fromFlags, imdsProblem: `instance metadata service unavailable (${reason})` };
  }
};

export const requireRegion = (identity: Identity): string => {
  if (identity.region === undefined) {
    throw new CliError(
      `the region is unknown: pass --region${identity.imdsProblem ? ` (${identity.imdsProblem})` : ''}`,
      EXIT.IDENTITY,
    );
  }
  return identity.region;
};

/** The node's signing keys, from the first configured source. */
export const loadNodeKeys = async (
  options: Options,
  node: string,
  region: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<NodeKeys> => {
  const source = options.keySource;
  if (source === undefined) {
    throw new CliError('no signing key: use --key-file, LK_NOTIFY_KEY or --key-secret', EXIT.KEY);
  }
  const text = await readKeyDocument(source, env, (secretId) => {
    if (region === undefined) throw new Error('reading a secret needs the region (--region)');
    return readSecretString(makeSecretsManagerClient({ region }), secretId);
  });
  return parseNodeKeys(text, node, Date.now());
};
