import { instrument } from '../../shared/telemetry';
import { buildDeps } from './deps';
import { makeHandler } from './handler';

/** The Lambda entry point: dependencies are built (and the configuration validated) once, at cold start. */
export const handler = instrument(makeHandler(buildDeps()));
