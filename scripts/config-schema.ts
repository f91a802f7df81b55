import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { RoutekeeperConfig } from '../shared/config/schema';

/**
 * Publishes the configuration's JSON Schema (generated from the zod schema) for editors:
 * `npm run schema` writes config/routekeeper.schema.json; `npm run schema -- --check` fails when the
 * committed file is out of date. Cross-field rules (VIP outside the VPC CIDRs, unique names) are
 * enforced by routekeeper itself, not by the JSON Schema.
 */
export const SCHEMA_PATH = 'config/routekeeper.schema.json';

export const renderSchema = (): string =>
  `${JSON.stringify(
    {
      ...z.toJSONSchema(RoutekeeperConfig, { io: 'input', unrepresentable: 'any' }),
      title: 'routekeeper configuration',
      description: 'The LifeKeeper clusters, nodes and VIPs that routekeeper manages in one stage.',
    },
    null,
    2,
  )}\n`;

if (require.main === module) {
  const rendered = renderSchema();
  if (process.argv.includes('--check')) {
    const current = readFileSync(SCHEMA_PATH, 'utf8');
    if (current !== rendered) {
      console.error(`${SCHEMA_PATH} is out of date: run npm run schema`);
      process.exit(1);
    }
    console.log(`${SCHEMA_PATH} is up to date`);
  } else {
    writeFileSync(SCHEMA_PATH, rendered);
    console.log(`wrote ${SCHEMA_PATH}`);
  }
}
