/**
 * The policy builder (serverless/stack.ts) held to the same IAM table as the packaged template
 * (test/support/iam-cases.ts), without packaging: the statements stackValues derives, resolved for one
 * account and region, judged by the independent evaluator. Fast enough for mutation testing, where the
 * integration suite does not run.
 */
import { describe, expect, it } from 'vitest';
import { type Statement, stackValues } from '../../../serverless/stack';
import { resolve, type Stack } from '../../support/cloudformation';
import { ACCOUNT, CASES, CONFIG_FILE, decide, PLACE, principalsOf } from '../../support/iam-cases';

const STAGE = 'dev';
/** The resources the statements name, as serverless.yml names them. */
const STACK: Stack = {
  Resources: {
    EventBus: { Type: 'AWS::Events::EventBus', Properties: { Name: `routekeeper-${STAGE}` } },
    StateTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: `routekeeper-${STAGE}-state` },
    },
    IdempotencyTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: `routekeeper-${STAGE}-idempotency` },
    },
    DedupeTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: `routekeeper-${STAGE}-dedupe` },
    },
    LivenessTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: `routekeeper-${STAGE}-liveness` },
    },
    DeadLetterQueue: {
      Type: 'AWS::SQS::Queue',
      Properties: { QueueName: `routekeeper-${STAGE}-dlq` },
    },
  },
};

const roleArn = (fn: string) =>
  `arn:aws:iam::${ACCOUNT}:role/routekeeper-${STAGE}-${PLACE.region}-${fn}`;

/**
 * Who holds what, derived afresh in each test: mutation testing attributes a mutant of the builder to the
 * tests that ran it, so the builder must run inside them, not once at module load.
 */
const principals = () => {
  const values = stackValues(STAGE, { ROUTEKEEPER_CONFIG: CONFIG_FILE });
  const document = (name: string, statements: Statement[]) => ({
    name,
    policy: { Version: '2012-10-17', Statement: resolve(STACK, statements, PLACE) },
  });
  return principalsOf(
    {
      routeSwitch: {
        arn: roleArn('routeSwitch'),
        policies: [
          document('routes', values.routeSwitchStatements),
          document('state-bus-dlq', values.routeSwitchStateStatements),
        ],
      },
      drift: {
        arn: roleArn('drift'),
        policies: [document('read-and-report', values.driftStatements)],
      },
      heartbeat: {
        arn: roleArn('heartbeat'),
        policies: [document('tables-bus-keys', values.heartbeatStatements)],
      },
    },
    resolve(STACK, values.busPolicy, PLACE),
  );
};

describe('the policy builder, by an independent policy simulator', () => {
  it.each(CASES)('$who $action on $resource ($why): $decision', async (request) => {
    // Act
    const decision = await decide(request, principals());
    // Assess
    expect(decision).toBe(request.decision);
  });
});
