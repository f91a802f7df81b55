import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type AttributeDefinition,
  CreateTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';

/**
 * routekeeper's DynamoDB tables as serverless.yml declares them, created on the emulator: the key schemas
 * and TTL are read from the stack's resources, never restated, so the emulator's tables (the Powertools
 * idempotency table included) are the deployed ones.
 */

export interface Tables {
  readonly state: string;
  readonly idempotency: string;
  readonly dedupe: string;
  readonly liveness: string;
}

export interface TableDeclaration {
  readonly keySchema: KeySchemaElement[];
  readonly attributeDefinitions: AttributeDefinition[];
  readonly ttlAttribute: string | undefined;
}

interface DeclaredTable {
  readonly Type: string;
  readonly Properties: {
    readonly TableName: string;
    readonly KeySchema: KeySchemaElement[];
    readonly AttributeDefinitions: AttributeDefinition[];
    readonly TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
  };
}

const SERVERLESS_YML = resolve(__dirname, '..', 'serverless.yml');

/**
 * The tables by role (the part of `routekeeper-${sls:stage}-<role>`). CloudFormation's intrinsic tags
 * (`!Ref`, `!GetAtt`, ...) elsewhere in the file are left unresolved: the tables' keys use none.
 */
export const declaredTables = (file = SERVERLESS_YML): Record<keyof Tables, TableDeclaration> => {
  const stack = parse(readFileSync(file, 'utf8'), { logLevel: 'error' }) as {
    resources: { Resources: Record<string, DeclaredTable> };
  };
  const declared = Object.values(stack.resources.Resources)
    .filter((resource) => resource.Type === 'AWS::DynamoDB::Table')
    .map(({ Properties: table }) => {
      const ttl = table.TimeToLiveSpecification;
      return [
        table.TableName.replace(/^routekeeper-\$\{sls:stage\}-/, ''),
        {
          keySchema: table.KeySchema,
          attributeDefinitions: table.AttributeDefinitions,
          ttlAttribute: ttl?.Enabled ? ttl.AttributeName : undefined,
        },
      ] as const;
    });
  const byRole = Object.fromEntries(declared);
  for (const role of ['state', 'idempotency', 'dedupe', 'liveness'] as const)
    if (byRole[role] === undefined) throw new Error(`${file} declares no ${role} table`);
  return byRole as Record<keyof Tables, TableDeclaration>;
};

/** The four tables on the emulator, named `<prefix>-<role>`. */
export const createTables = async (
  dynamodb: DynamoDBClient,
  prefix = 'routekeeper-local',
): Promise<Tables> => {
  const declarations = Object.entries(declaredTables()) as [keyof Tables, TableDeclaration][];
  await Promise.all(
    declarations.map(async ([role, table]) => {
      const TableName = `${prefix}-${role}`;
      await dynamodb.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: table.keySchema,
          AttributeDefinitions: table.attributeDefinitions,
        }),
      );
      if (table.ttlAttribute !== undefined)
        await dynamodb.send(
          new UpdateTimeToLiveCommand({
            TableName,
            TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
          }),
        );
    }),
  );
  return {
    state: `${prefix}-state`,
    idempotency: `${prefix}-idempotency`,
    dedupe: `${prefix}-dedupe`,
    liveness: `${prefix}-liveness`,
  };
};
