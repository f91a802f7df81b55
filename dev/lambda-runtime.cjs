// One local Lambda execution environment (dev/local-runner.ts starts one per function): loads the packaged
// bundle from its extracted zip (the working directory, like /var/task), with the environment the deployed
// function has, and runs one invocation per message from the parent. A load error (a bad configuration)
// is reported for every invocation, as Lambda reports Runtime.ImportModuleError / init errors.
// Usage: node lambda-runtime.cjs <handler, e.g. functions/heartbeat/lambda.handler>
const { join } = require('node:path');

const [, , handlerSpec = ''] = process.argv;
const dot = handlerSpec.lastIndexOf('.');
const file = join(process.cwd(), `${handlerSpec.slice(0, dot)}.js`);
const exportName = handlerSpec.slice(dot + 1);

const describe = (error) => ({
  errorType: error?.name || 'Error',
  errorMessage: error?.message || String(error),
});

let handler;
let initError;
try {
  handler = require(file)[exportName];
  if (typeof handler !== 'function') throw new Error(`${handlerSpec} is not a function`);
} catch (error) {
  initError = { errorType: 'Runtime.InitError', errorMessage: describe(error).errorMessage };
}

process.on('message', async ({ id, event, deadline, requestId }) => {
  if (initError) return process.send({ id, error: initError });
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: process.env.ROUTEKEEPER_LOCAL_FUNCTION_ARN,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, context);
    process.send({ id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ id, error: describe(error) });
  }
});
process.on('disconnect', () => process.exit(0));
