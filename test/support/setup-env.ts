import { fixtureConfigFile } from './guide';

/**
 * Fake environment for every test file: importing a function's handler builds its deps at module load
 * (as at a Lambda cold start), so the variables it reads must exist. Integration tests build their own deps.
 */
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT';
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.ROUTEKEEPER_CONFIG = fixtureConfigFile();
process.env.STATE_TABLE = 'routekeeper-test-state';
process.env.IDEMPOTENCY_TABLE = 'routekeeper-test-idempotency';
process.env.EVENT_BUS_NAME = 'routekeeper-test-bus';
process.env.LIVENESS_TABLE = 'routekeeper-test-liveness';
process.env.DEDUPE_TABLE = 'routekeeper-test-dedupe';
