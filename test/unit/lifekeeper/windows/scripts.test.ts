/**
 * PowerShell cannot be installed here, so the LifeKeeper scripts are parse-checked with the
 * tree-sitter-powershell grammar (WASM): a syntax error anywhere fails the test. The scripts stay thin;
 * their behaviour is lk-notify's, which is tested directly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Language, Parser, type Node as SyntaxNode } from 'web-tree-sitter';
import { EXIT } from '../../../../cli/lk-notify/exit-codes';

const ROOT = resolve(__dirname, '../../../..');
const SCRIPTS = join(ROOT, 'lifekeeper/windows');
const scripts = readdirSync(SCRIPTS).filter((name) => name.endsWith('.ps1'));

let parser: Parser;

const problems = (source: string): string[] => {
  const tree = parser.parse(source);
  if (tree === null) return ['no parse tree'];
  const found: string[] = [];
  const visit = (node: SyntaxNode) => {
    if (node.isError || node.isMissing) {
      found.push(`${node.isMissing ? 'missing' : 'error'} at line ${node.startPosition.row + 1}`);
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  return tree.rootNode.hasError && found.length === 0 ? ['syntax error'] : found;
};

describe('LifeKeeper PowerShell scripts', () => {
  beforeAll(async () => {
    await Parser.init();
    const language = await Language.load(
      join(ROOT, 'node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm'),
    );
    parser = new Parser();
    parser.setLanguage(language);
  });

  it('are all there: restore, remove, quickCheck, recover and the heartbeat task', () => {
    // Assess
    expect(scripts).toEqual(
      expect.arrayContaining([
        'restore.ps1',
        'remove.ps1',
        'quickCheck.ps1',
        'recover.ps1',
        'RoutekeeperCommon.ps1',
        'Send-RoutekeeperHeartbeat.ps1',
        'Register-RoutekeeperHeartbeatTask.ps1',
      ]),
    );
  });

  it('the checker finds a syntax error (so a passing script means something)', () => {
    // Act
    const found = problems('param([string]$Vip\nif ($Vip) { exit 0 ');
    // Assess
    expect(found.length).toBeGreaterThan(0);
  });

  it.each(scripts)('%s parses without errors', (name) => {
    // Act
    const found = problems(readFileSync(join(SCRIPTS, name), 'utf8'));
    // Assess
    expect(found).toEqual([]);
  });

  it.each([
    'restore.ps1',
    'recover.ps1',
    'quickCheck.ps1',
    'remove.ps1',
    'Send-RoutekeeperHeartbeat.ps1',
  ])(
    '%s loads the shared part from the install path, never from beside itself (LifeKeeper runs its own copy)',
    (name) => {
      // Prepare
      const source = readFileSync(join(SCRIPTS, name), 'utf8');
      // Assess
      expect(source).not.toContain('$PSScriptRoot');
      expect(source).toContain("$RoutekeeperHome = 'C:\\Program Files\\routekeeper'");
      expect(source).toContain("$common = Join-Path $RoutekeeperHome 'RoutekeeperCommon.ps1'");
      expect(source).toMatch(
        /if \(-not \(Test-Path -LiteralPath \$common\)\) \{[\s\S]*?exit 1\s*\}\s*\. \$common/,
      );
    },
  );

  it.each(['restore.ps1', 'recover.ps1'])(
    '%s waits for the routes and succeeds only when lk-notify confirmed them',
    (name) => {
      // Prepare
      const source = readFileSync(join(SCRIPTS, name), 'utf8');
      // Assess
      expect(source).toContain("Invoke-LkNotify -Arguments (@('failover', '--wait')");
      expect(source).toMatch(/if \(\$code -eq \$LkExit\.Ok\) \{\s*exit 0\s*\}[\s\S]*exit 1\s*$/);
    },
  );

  it('quickCheck fails (so LifeKeeper recovers) on wrong routes, and stays healthy when the API is unreachable', () => {
    // Prepare
    const source = readFileSync(join(SCRIPTS, 'quickCheck.ps1'), 'utf8');
    const code = source.slice(source.indexOf('#>'));
    // Assess
    expect(code).toContain("Invoke-LkNotify -Arguments (@('check')");
    expect(code).toMatch(
      /if \(\$code -eq \$LkExit\.Ok -or \$code -eq \$LkExit\.Retryable\) \{\s*exit 0\s*\}/,
    );
    expect(code).toMatch(/if \(\$code -eq \$LkExit\.ApiUnreachable\) \{[^}]*exit 0\s*\}/);
    expect(code).not.toContain('RoutesElsewhere'); // wrong routes fall through to exit 1
    expect(code).toMatch(/exit 1\s*$/);
  });

  it("RoutekeeperCommon's exit code table matches lk-notify's", () => {
    // Prepare
    const source = readFileSync(join(SCRIPTS, 'RoutekeeperCommon.ps1'), 'utf8');
    const table = source.match(/\$LkExit = @\{([\s\S]*?)\}/)?.[1] ?? '';
    const entries = Object.fromEntries(
      [...table.matchAll(/(\w+) = (\d+)/g)].map((m) => [m[1], Number(m[2])]),
    );
    // Assess
    expect(entries).toEqual({
      Ok: EXIT.OK,
      Retryable: EXIT.SEND_RETRYABLE,
      NotConfirmed: EXIT.NOT_CONFIRMED,
      Superseded: EXIT.SUPERSEDED,
      ClaimRefused: EXIT.CLAIM_REFUSED,
      ApiUnreachable: EXIT.API_UNREACHABLE,
      RoutesElsewhere: EXIT.ROUTES_ELSEWHERE,
    });
    expect(source).toContain("Join-Path $RoutekeeperHome 'lk-notify.exe'");
    expect(source).toContain('--settings $LkSettings --log $LkLog');
  });
});
