import { appendFileSync, renameSync, statSync } from 'node:fs';
import type { Io } from './context';

/**
 * The node's log (`--log`, the LifeKeeper scripts pass C:\ProgramData\routekeeper\lk-notify.log): every
 * line this run prints, stamped, then its exit code. Before a run appends, a log at or over the cap moves
 * to `<file>.1` (replacing the previous one), so the two files together never hold much more than twice
 * the cap. The log holds what lk-notify prints, and lk-notify never prints key material.
 */
export const rotateIfFull = (file: string, maxBytes: number): void => {
  try {
    if (statSync(file).size >= maxBytes) renameSync(file, `${file}.1`);
  } catch {
    // No log yet, or it cannot be moved: appending below reports a real problem.
  }
};

export interface RunLog {
  readonly io: Io;
  readonly close: (exitCode: number) => void;
}

export const openRunLog = (io: Io, file: string, maxBytes: number, what: string): RunLog => {
  rotateIfFull(file, maxBytes);
  const append = (stream: 'out' | 'err', text: string) => {
    const stamp = new Date().toISOString();
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    try {
      appendFileSync(file, lines.map((line) => `${stamp} ${stream} ${line}\n`).join(''), 'utf8');
    } catch (error) {
      io.err(`lk-notify: cannot write the log ${file}: ${(error as Error).message}\n`);
    }
  };
  append('out', `lk-notify ${what}`);
  return {
    io: {
      env: io.env,
      out: (text) => {
        io.out(text);
        append('out', text);
      },
      err: (text) => {
        io.err(text);
        append('err', text);
      },
    },
    close: (exitCode) => append('out', `lk-notify ${what} exited ${exitCode}`),
  };
};
