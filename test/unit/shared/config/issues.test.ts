/** How validation problems are worded: the known keys at a path, and the nearest one to a misspelling. */
import { describe, expect, it } from 'vitest';
import { knownKeys, nearestKey } from '../../../../shared/config/issues';
import { RoutekeeperConfig } from '../../../../shared/config/schema';

describe('knownKeys', () => {
  it('follows arrays, optional and transformed fields down to the object at the path', () => {
    // Act
    const vipKeys = knownKeys(RoutekeeperConfig, ['clusters', 0, 'vips', 0]);
    const routeKeys = knownKeys(RoutekeeperConfig, [
      'clusters',
      0,
      'vips',
      0,
      'transitGatewayRoute',
    ]);
    // Assess
    expect(vipKeys).toContain('address');
    expect(routeKeys).toEqual(['routeTableId', 'attachmentId']);
  });

  it('knows no keys where the path does not lead to an object', () => {
    // Assess
    expect(knownKeys(RoutekeeperConfig, ['clusters', 0, 'region'])).toEqual([]);
    expect(knownKeys(RoutekeeperConfig, ['nope'])).toEqual([]);
  });
});

describe('nearestKey', () => {
  it.each([
    ['adress', 'address'],
    ['VpcID', 'vpcId'],
    ['regoin', 'region'],
  ])('reads %s as %s', (typed, meant) => {
    // Assess
    expect(nearestKey(typed, ['address', 'vpcId', 'region', 'name'])).toBe(meant);
  });

  it('suggests nothing when no known key is a few edits away', () => {
    // Assess
    expect(nearestKey('frobnicate', ['address', 'vpcId'])).toBeUndefined();
    expect(nearestKey('x', [])).toBeUndefined();
  });
});
