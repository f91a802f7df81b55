/** lk-notify's exit codes: the contract with the LifeKeeper scripts (lifekeeper/windows/*.ps1). */
export const EXIT = {
  /** Sent and accepted by the bus; or --dry-run printed the entry; or every selftest check passed. */
  OK: 0,
  /** A bug or an unexpected condition; details on stderr. */
  INTERNAL: 1,
  /** Bad flags or settings file. Fix the command line; retrying is pointless. */
  USAGE: 2,
  /** No usable signing key for this node (missing, unreadable, invalid, expired, another node's). */
  KEY: 3,
  /** Identity unknown: the metadata service did not answer and no --region was given. */
  IDENTITY: 4,
  /** Not delivered within the time budget (network, throttling, bus errors): trying again may work. */
  SEND_RETRYABLE: 5,
  /** Refused for good (access denied, bus not found, malformed entry): retrying the same way will not work. */
  SEND_REJECTED: 6,
  /** selftest: at least one check failed. */
  SELFTEST_FAILED: 7,
  /** failover --wait: the claim was delivered, but the routes did not point here within the wait budget. */
  NOT_CONFIRMED: 8,
  /** failover --wait: a newer claim of another node holds the VIP (the fence record or routekeeper's verdict says so). */
  SUPERSEDED: 9,
  /** failover --wait: routekeeper refused the claim with nothing written (e.g. VipInsideVpc); waiting will not help. */
  CLAIM_REFUSED: 10,
  /** The route tables could not be read in time (network, throttling, 5xx): nothing is known about the routes. */
  API_UNREACHABLE: 11,
  /** check: a managed route table routes the VIP elsewhere, blackholed, or lacks the route. */
  ROUTES_ELSEWHERE: 12,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
