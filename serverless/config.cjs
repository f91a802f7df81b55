// Bridges serverless.yml to the TypeScript configuration code: `${file(./serverless/config.cjs):values}`.
// tsx compiles the TypeScript on the fly, so package time and cold start share one validator.
require('tsx/cjs/api').register();
const { stackValues } = require('./stack.ts');
const { ConfigError } = require('../shared/config/schema.ts');

module.exports.values = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  try {
    return stackValues(stage);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A configuration mistake is the user's to fix, not the framework's: one block that names the file
    // and every bad field, without the framework's wrapping and stack trace, and a non-zero exit at once.
    process.stderr.write(`\nroutekeeper: ${error.message}\n\nNothing was packaged.\n`);
    process.exit(1);
  }
};
