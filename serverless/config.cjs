// Bridges serverless.yml to the TypeScript configuration code: `${file(./serverless/config.cjs):values}`.
// tsx compiles the TypeScript on the fly, so package time and cold start share one validator.
require('tsx/cjs/api').register();
const { stackValues } = require('./stack.ts');

module.exports.values = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  try {
    return stackValues(stage);
  } catch (error) {
    // Let the framework print the message (it names the file and every bad field) and stop.
    throw new Error(error.message);
  }
};
