/**
 * PowerShell cannot be installed here, so the LifeKeeper scripts are parse-checked with the
 * tree-sitter-powershell grammar (WASM): a syntax error anywhere fails the test. The scripts stay thin;
 * their behaviour is lk-notify's, which is tested directly.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Language, Parser, type Node as SyntaxNode } from 'web-tree-sitter';

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

  it.each(['restore.ps1', 'recover.ps1', 'quickCheck.ps1'])(
    '%s calls lk-notify through the shared helper and maps its exit code',
    (name) => {
      // Prepare
      const source = readFileSync(join(SCRIPTS, name), 'utf8');
      // Assess
      expect(source).toContain("Join-Path $PSScriptRoot 'RoutekeeperCommon.ps1'");
      expect(source).toMatch(
        /Invoke-LkNotify -Arguments @\('(failover|heartbeat)', '--vip', \$Vip\)/,
      );
      expect(source).toMatch(/exit 0[\s\S]*exit 1/);
    },
  );
});
