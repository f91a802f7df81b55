import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CALL_KINDS,
  callKind,
  loadAllProfiles,
  loadBusSweep,
  loadProfile,
  profileRules,
} from '../../../bench/profiles';
import type { ProxiedCall } from '../../../dev/fault-proxy';

const SHIPPED = resolve(__dirname, '../../../bench/profiles');

const call = (over: Partial<ProxiedCall>): ProxiedCall => ({
  seq: 0,
  service: 'ec2',
  operation: 'DescribeRouteTables',
  params: {},
  body: undefined,
  invocation: undefined,
  receivedAt: 0,
  ...over,
});

/** A copy of the shipped profiles in a temporary folder, one of them edited. */
const withEdited = (name: string, edit: (profile: Record<string, unknown>) => void): string => {
  const dir = mkdtempSync(join(tmpdir(), 'routekeeper-profiles-'));
  for (const file of ['aws-typical.json', 'aws-slow.json', 'bus-sweep.json']) {
    writeFileSync(join(dir, file), readFileSync(join(SHIPPED, file)));
  }
  const profile = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  edit(profile);
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(profile));
  return dir;
};

describe('latency profiles', () => {
  it('ships aws-typical, aws-slow and a bus sweep of 80, 250 and 500 ms, every number with its basis', () => {
    // Act
    const profiles = loadAllProfiles();
    // Assess
    expect(profiles.map((p) => p.name)).toEqual(['aws-slow', 'aws-typical']);
    expect(loadBusSweep().busDeliveryMedianMs).toEqual([80, 250, 500]);
    for (const profile of profiles) {
      for (const kind of CALL_KINDS) expect(profile.calls[kind].basis).toBeDefined();
    }
  });

  it('refuses a number without a source or an assumption, naming the file and the field', () => {
    // Prepare
    const dir = withEdited('aws-typical', (p) => {
      delete (p.calls as Record<string, Record<string, unknown>>).ec2Read?.basis;
    });
    // Act + Assess
    expect(() => loadProfile('aws-typical', dir)).toThrow(/aws-typical\.json[\s\S]*ec2Read/);
  });

  it('refuses a tail below the median', () => {
    // Prepare
    const dir = withEdited('aws-slow', (p) => {
      (p.busDelivery as Record<string, number>).p99Ms = 1;
    });
    // Act + Assess
    expect(() => loadProfile('aws-slow', dir)).toThrow(/p99Ms must not be below medianMs/);
  });

  it('refuses a bus sweep whose base profile does not exist', () => {
    // Prepare
    const dir = withEdited('bus-sweep', (p) => {
      p.base = 'aws-missing';
    });
    // Act + Assess
    expect(() => loadAllProfiles(dir)).toThrow(/no profile "aws-missing"/);
  });

  it('sorts every call into the kind its latency comes from', () => {
    // Assess
    expect(callKind(call({ operation: 'DescribeVpcs' }))).toBe('ec2Read');
    expect(callKind(call({ operation: 'SearchTransitGatewayRoutes' }))).toBe('ec2Read');
    expect(callKind(call({ operation: 'ReplaceRoute' }))).toBe('ec2Write');
    expect(callKind(call({ service: 'dynamodb', operation: 'GetItem' }))).toBe('dynamodbRead');
    expect(callKind(call({ service: 'dynamodb', operation: 'PutItem', body: {} }))).toBe(
      'dynamodbWrite',
    );
    expect(
      callKind(
        call({ service: 'dynamodb', operation: 'UpdateItem', body: { ConditionExpression: 'x' } }),
      ),
    ).toBe('dynamodbConditionalWrite');
    expect(callKind(call({ service: 'events', operation: 'PutEvents' }))).toBe('putEvents');
    expect(callKind(call({ service: 'other', operation: 'AssumeRole' }))).toBe('sts');
  });

  it('gives the proxy one round-trip rule per call kind, with the profile numbers', () => {
    // Prepare
    const profile = loadProfile('aws-typical');
    // Act
    const rules = profileRules(profile);
    // Assess
    const write = rules.find((rule) => rule.when?.(call({ operation: 'ReplaceRoute' })));
    expect(rules).toHaveLength(CALL_KINDS.length);
    expect(write?.fault).toEqual({
      kind: 'roundTrip',
      medianMs: profile.calls.ec2Write.medianMs,
      p99Ms: profile.calls.ec2Write.p99Ms,
    });
  });
});
