#!/usr/bin/env node
// The `routekeeper` command runs the compiled bundle: `npm ci` builds it (the `prepare` script), and so
// does `npm run build` after a change to the sources.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '../dist/routekeeper.cjs');
if (existsSync(bundle)) {
  // V8's code cache (in the OS temp directory): the second start skips compiling the 2 MB bundle.
  require('node:module').enableCompileCache?.();
  require(bundle);
} else {
  process.stderr.write('routekeeper: dist/routekeeper.cjs is not built yet: run `npm run build`\n');
  process.exitCode = 2;
}
