import { relative } from 'node:path';
import { buildLkNotify } from '../dev/lk-notify-sea';

/** `npm run build:lk-notify`: dist/lk-notify.cjs, dist/lk-notify (Linux x64), dist/lk-notify.exe (Windows x64). */
buildLkNotify({ log: (line) => process.stderr.write(`build:lk-notify: ${line}\n`) }).then(
  (result) => {
    for (const [file, bytes] of Object.entries(result.sizes)) {
      process.stdout.write(
        `${relative(process.cwd(), file)}  ${(bytes / 1024 / 1024).toFixed(1)} MB\n`,
      );
    }
    process.stdout.write(`built in ${(result.ms / 1000).toFixed(1)} s\n`);
  },
  (error: unknown) => {
    process.stderr.write(`build:lk-notify: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
