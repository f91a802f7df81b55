import { main } from './main';

/** Process entry of `routekeeper`: the entry point of the bundle bin/routekeeper.cjs runs (scripts/build.ts). */
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`routekeeper: internal error: ${(error as Error).stack ?? error}\n`);
    process.exitCode = 2;
  },
);
