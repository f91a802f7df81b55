#!/usr/bin/env node
// The `routekeeper` command: runs the TypeScript CLI through tsx (a runtime dependency), so a fresh
// clone works right after `npm ci` with no build step.
require('tsx/cjs/api').register();
const { main } = require('../cli/routekeeper/main.ts');

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`routekeeper: ${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 2;
  },
);
