import { run } from './main';

/** Process entry of lk-notify (the esbuild bundle's entry point, and what cli/lk-notify/lk-notify.cjs, the workspace bin behind `npx lk-notify`, runs). */
run(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`lk-notify: internal error: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
