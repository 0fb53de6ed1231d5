// Which hosts expand `${userHome}` in a config's env values, and so get a portable bundle path.
// Cursor documents `${userHome}` / `${env:NAME}` interpolation in mcp.json:
// https://cursor.com/docs/context/mcp#config-interpolation
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyFix } from '../../src/core/fix/apply';
import { configResolvesVariables, parseConfig } from '../../src/core/config/config';
import { locationResolvesVariables } from '../../src/core/hosts/locations';
import { configPathOf } from '../../src/core/fix/paths';
import { planFix } from '../../src/core/fix/plan';
import { cleanup, fixture, runCli, tempDir, testCas } from '../fixtures/configs/harness';

let dir: string;
let home: string;
let caPem: string;
let caFile: string;
let publicPem: string;

before(async () => {
  dir = tempDir('mcp-variables-');
  home = path.join(dir, 'home');
  mkdirSync(home, { recursive: true });
  const cas = await testCas();
  caPem = cas.corporate.pem;
  publicPem = cas.publicRoot.pem;
  caFile = path.join(dir, 'corporate.pem');
  writeFileSync(caFile, caPem);
  writeFileSync(path.join(dir, 'public.pem'), publicPem);
});
after(() => cleanup(dir));

function cursorProject(name: string): string {
  const file = path.join(dir, name, '.cursor', 'mcp.json');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, fixture('dot-mcp.json'));
  return file;
}

describe('fix: hosts that resolve ${userHome}', () => {
  it('by location: Cursor project and global mcp.json and VS Code yes; .mcp.json, Claude Desktop, Windsurf, Kiro, Roo no', () => {
    const cases: [string, boolean | undefined][] = [
      ['/work/team/.cursor/mcp.json', true],
      ['/home/me/.cursor/mcp.json', true],
      ['C:\\Users\\me\\.cursor\\mcp.json', true],
      ['/work/team/.vscode/mcp.json', true],
      ['/home/me/.config/Code/User/profiles/1a2b/mcp.json', true],
      ['/work/team/.mcp.json', false],
      ['/home/me/.config/Claude/claude_desktop_config.json', false],
      ['/home/me/.codeium/windsurf/mcp_config.json', false],
      ['/work/team/.kiro/settings/mcp.json', false],
      ['/work/team/.roo/mcp.json', false],
      ['/home/me/.config/Cursor/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json', false],
      ['/tmp/servers.json', undefined],
      // A folder merely named like a host is not that host's config.
      ['/work/.cursor-backup/mcp.json', undefined],
    ];
    for (const [file, expected] of cases) assert.equal(locationResolvesVariables(file), expected, file);
  });

  it('by location, else by format: an mcpServers file of no known host stays conservative', () => {
    assert.equal(configResolvesVariables('/work/team/.cursor/mcp.json', 'mcpServers'), true);
    assert.equal(configResolvesVariables('/work/team/.mcp.json', 'mcpServers'), false);
    assert.equal(configResolvesVariables('/tmp/any.json', 'mcpServers'), false);
    assert.equal(configResolvesVariables('/tmp/any.json', 'servers'), true);
  });

  it('Cursor gets the same spelling as VS Code: ${userHome}, forward slashes on Windows', () => {
    const resolves = locationResolvesVariables('C:\\Users\\me\\proj\\.cursor\\mcp.json') ?? false;
    assert.equal(configPathOf('C:\\Users\\me\\.mcp-ssl-doctor\\b.pem', 'C:\\Users\\me', resolves, 'win32'), '${userHome}/.mcp-ssl-doctor/b.pem');
  });

  it('a shared .cursor/mcp.json planned with its location gets ${userHome}/... and no machine-specific warning', async () => {
    const file = cursorProject('plan');
    const parsed = parseConfig(file, readFileSync(file, 'utf8'));
    const plan = await planFix({
      configPath: file,
      caPems: [caPem],
      home,
      publicPem,
      resolvesVariables: configResolvesVariables(file, parsed.format),
    });
    assert.match(plan.bundleConfigPath, /^\$\{userHome\}\/\.mcp-ssl-doctor\/.+\.pem$/);
    assert.equal(plan.warnings.some((warning) => warning.code === 'machine-specific-path'), false);
    const result = await applyFix(plan);
    const written = parseConfig(file, readFileSync(file, 'utf8')).servers.flatMap((server) => Object.values(server.env));
    assert.ok(written.includes(plan.bundleConfigPath), `the env holds the portable path: ${JSON.stringify(written)}`);
    assert.ok(result.bundle.startsWith(home));
  });

  it('the CLI writes ${userHome}/... into a .cursor/mcp.json', async () => {
    const file = cursorProject('cli');
    const run = await runCli(['fix', '--config', file, '--ca', caFile, '--system-ca', caFile, '--public-ca', path.join(dir, 'public.pem'), '--json'], { env: { HOME: home } });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr, /does not expand/);
    assert.match(readFileSync(file, 'utf8'), /\$\{userHome\}\/\.mcp-ssl-doctor\//);
  });
});
