import { buildCli } from '../../scripts/build';

/**
 * Integration tests run `routekeeper` as a user does, from its bundle: rebuilt here from the sources, so a
 * test never runs a bundle older than the code it checks.
 */
export default async function setup() {
  await buildCli();
}
