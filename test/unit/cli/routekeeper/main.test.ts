/** `routekeeper` in-process: what a user sees for --version, no command, and every kind of usage error. */
import { describe, expect, it } from 'vitest';
import { USAGE } from '../../../../cli/routekeeper/main';
import { version } from '../../../../package.json';
import { invokeMain } from '../../../support/cli-main';

const invoke = (argv: string[]) => invokeMain(argv);

describe('routekeeper', () => {
  it('prints its version with --version', async () => {
    // Act
    const { code, out, err } = await invoke(['--version']);
    // Assess
    expect(code).toBe(0);
    expect(out).toBe(`routekeeper ${version}\n`);
    expect(err).toBe('');
  });

  it('prints the help on stdout when no command is given', async () => {
    // Act
    const { code, out, err } = await invoke([]);
    // Assess
    expect(code).toBe(0);
    expect(out).toBe(USAGE);
    expect(err).toBe('');
  });

  it.each([
    [['doctor', '--bogus'], 'unknown option --bogus', 'doctor --help'],
    [['doctor', '--timeout'], "Option '--timeout <value>' argument missing", 'doctor --help'],
    [
      ['doctor', '--timeout', '0'],
      '--timeout must be a whole number of seconds from 1 to 3600',
      'doctor --help',
    ],
    [['docter'], 'unknown command "docter"', '--help'],
    [['--bogus'], 'unknown option --bogus', '--help'],
  ])('answers %j with one line and a hint, not the help (exit 2)', async (argv, problem, help) => {
    // Act
    const { code, out, err } = await invoke(argv);
    // Assess
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`routekeeper: ${problem}\nRun 'routekeeper ${help}' for usage.\n`);
  });
});
