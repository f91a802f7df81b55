/**
 * The name and id patterns every layer checks against. A name is written once here: configuration,
 * event contracts and the signed wire format all build on it.
 */

/** Cluster and node names: they end up in event sources (`lifekeeper.<cluster>.<node>`) and record keys. */
export const NAME_PART = '[a-z0-9][a-z0-9-]{0,47}';
export const NAME = new RegExp(`^${NAME_PART}$`);
export const NAME_RULE =
  'must be 1-48 lowercase letters, digits or dashes, starting with a letter or digit';

/** An AWS resource id of the given prefix: 8 or 17 hex digits (`vpc-0123456789abcdef0`). */
export const awsIdPattern = (prefix: string): RegExp =>
  new RegExp(`^${prefix}-[0-9a-f]{8}([0-9a-f]{9})?$`);
