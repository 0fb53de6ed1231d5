// The JSON-family hosts of 2026, end to end with files in the shapes their users commit
// (test/fixtures/hosts2026/*.source name where each comes from): found for a home and a workspace,
// listed with transport and runtime, fixed where that host passes env, a second fix changes no
// byte, undo gives every byte back.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverConfigRefs, hostOfConfig } from '../../src/core/hosts/discover';
import { readInventory } from '../../src/core/config/inventory';
import { applyFix } from '../../src/core/fix/apply';
import { USER_LOCATIONS } from '../../src/core/hosts/locations';
import { parseConfig, parseJsoncConfig } from '../../src/core/config/config';
import { planFix } from '../../src/core/fix/plan';
import { undoFix } from '../../src/core/fix/undo';
import { cleanup, tempDir, testCas } from '../fixtures/configs/harness';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'hosts2026');
const real = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

let dir: string;
let home: string;
let ca: string;
let publicPem: string;

function put(file: string, content: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  return file;
}

before(async () => {
  dir = tempDir('mcp-hosts2026-');
  home = path.join(dir, 'home');
  const cas = await testCas();
  ca = cas.corporate.pem;
  publicPem = cas.publicRoot.pem;
});
after(() => cleanup(dir));

describe('hosts of 2026: discovery', () => {
  it('finds each host\'s user and workspace files on Linux, honours CODEX_HOME / COPILOT_HOME, skips settings without servers', async () => {
    const h = path.join(dir, 'disc-home');
    const w = path.join(dir, 'disc-ws');
    const codexHome = path.join(dir, 'elsewhere-codex');
    const expected = [
      [put(path.join(h, '.gemini', 'settings.json'), real('gemini-qtmcp-settings.json')), 'gemini-cli', 'user'],
      [put(path.join(w, '.gemini', 'settings.json'), real('gemini-1natsu172-settings.json')), 'gemini-cli', 'workspace'],
      [put(path.join(h, '.copilot', 'mcp-config.json'), real('copilot-jasonmore-mcp-config.json')), 'copilot-cli', 'user'],
      [put(path.join(w, '.github', 'mcp.json'), real('copilot-adrixan-mcp-config.json')), 'copilot-cli', 'workspace'],
      [put(path.join(h, '.config', 'zed', 'settings.json'), real('zed-shapes-settings.json')), 'zed', 'user'],
      [put(path.join(h, '.config', 'opencode', 'opencode.jsonc'), real('opencode-swen128.jsonc')), 'opencode', 'user'],
      [put(path.join(w, 'opencode.jsonc'), real('opencode-aidan.jsonc')), 'opencode', 'workspace'],
      [put(path.join(h, '.aws', 'amazonq', 'mcp.json'), real('amazonq-mcp.json')), 'amazon-q', 'user'],
      [put(path.join(w, '.amazonq', 'mcp.json'), real('amazonq-mcp.json')), 'amazon-q', 'workspace'],
      [put(path.join(h, '.aws', 'amazonq', 'cli-agents', 'aws.json'), `{ "name": "aws", "mcpServers": ${JSON.stringify(JSON.parse(real('amazonq-mcp.json')).mcpServers)} }`), 'amazon-q', 'user'],
      [put(path.join(h, '.junie', 'mcp', 'mcp.json'), real('lmstudio-mcp.json')), 'junie', 'user'],
      [put(path.join(w, '.junie', 'mcp', 'mcp.json'), real('lmstudio-mcp.json')), 'junie', 'workspace'],
      [put(path.join(h, '.lmstudio', 'mcp.json'), real('lmstudio-mcp.json')), 'lm-studio', 'user'],
      [put(path.join(codexHome, 'config.toml'), '[mcp_servers.x]\ncommand = "npx"\n'), 'codex', 'user'],
      [put(path.join(w, '.codex', 'config.toml'), '[mcp_servers.y]\ncommand = "uvx"\n'), 'codex', 'workspace'],
      [put(path.join(h, '.config', 'goose', 'config.yaml'), 'extensions: {}\n'), 'goose', 'user'],
    ];
    // Not found: ~/.codex is moved by CODEX_HOME; a Zed project settings file with no servers.
    put(path.join(h, '.codex', 'config.toml'), '[mcp_servers.z]\ncommand = "npx"\n');
    put(path.join(w, '.zed', 'settings.json'), real('zed-wcygan-settings.json'));
    put(path.join(h, '.aws', 'amazonq', 'cli-agents', 'no-servers.json'), '{ "name": "plain", "tools": ["fs_read"] }');
    put(path.join(h, '.aws', 'amazonq', 'cli-agents', 'notes.txt'), 'not an agent');
    const refs = await discoverConfigRefs({ workspaceFolders: [w], home: h, platform: 'linux', env: { CODEX_HOME: codexHome } });
    const sort = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(sort(refs.map((r) => [r.path, r.hostApp, r.scope])), sort(expected));
  });

  it('per OS: Zed and Goose rows for Windows are under %APPDATA%; macOS reads ~/.config; COPILOT_HOME moves Copilot CLI', async () => {
    const rows = (platform: NodeJS.Platform) =>
      USER_LOCATIONS.filter((row) => (row.host === 'zed' || row.host === 'goose') && (!row.platforms || row.platforms.includes(platform))).map((row) => [row.base, ...row.path].join('/'));
    assert.deepEqual(rows('win32'), ['appData/Zed/settings.json', 'appData/Block/goose/config/config.yaml']);
    assert.deepEqual(rows('darwin'), ['xdgConfig/zed/settings.json', 'xdgConfig/goose/config.yaml']);
    const h = path.join(dir, 'os-home');
    const copilot = put(path.join(dir, 'copilot-home', 'mcp-config.json'), real('copilot-jasonmore-mcp-config.json'));
    put(path.join(h, '.copilot', 'mcp-config.json'), real('copilot-jasonmore-mcp-config.json'));
    const zedMac = put(path.join(h, '.config', 'zed', 'settings.json'), real('zed-shapes-settings.json'));
    const mac = await discoverConfigRefs({ workspaceFolders: [], home: h, platform: 'darwin', env: { COPILOT_HOME: path.join(dir, 'copilot-home') } });
    assert.deepEqual(mac.map((r) => [r.path, r.hostApp]).sort(), [[copilot, 'copilot-cli'], [zedMac, 'zed']].sort());
  });

  it('fix --config: the host of a file by where it sits', () => {
    assert.equal(hostOfConfig('/p/.gemini/settings.json').hostApp, 'gemini-cli');
    assert.equal(hostOfConfig('/p/.zed/settings.json').hostApp, 'zed');
    assert.equal(hostOfConfig('/p/opencode.json').hostApp, 'opencode');
    assert.equal(hostOfConfig('/h/.copilot/mcp-config.json').hostApp, 'copilot-cli');
    assert.equal(hostOfConfig('/h/.codex/config.toml').hostApp, 'codex');
    assert.equal(hostOfConfig('/anywhere/codex-home/config.toml').hostApp, 'codex');
    assert.equal(hostOfConfig('/h/.config/goose/config.yaml').hostApp, 'goose');
  });
});

describe('hosts of 2026: reading', () => {
  it('Zed: the three shapes, an extension entry and a remote one', () => {
    const parsed = parseConfig('/h/.config/zed/settings.json', real('zed-shapes-settings.json'));
    assert.equal(parsed.format, 'zed');
    const byName = Object.fromEntries(parsed.servers.map((s) => [s.name, s]));
    assert.deepEqual([byName['home-assistant']?.command, byName['home-assistant']?.args], ['uvx', ['ha-mcp@latest']]);
    assert.deepEqual([byName['pipecat-context-hub']?.command, byName['pipecat-context-hub']?.envPath], ['uvx', undefined]);
    assert.deepEqual([byName['some-context-server']?.command, byName['some-context-server']?.args, byName['some-context-server']?.envPath], ['npx', ['-y', '@notionhq/notion-mcp-server'], ['command', 'env']]);
    assert.equal(byName['mcp-server-context7']?.command, undefined);
    assert.equal(byName.remote?.url, 'https://mcp.example.com/mcp');
    // agent.profiles.*.context_servers is not a server list.
    assert.throws(() => parseConfig('/h/.config/zed/settings.json', real('zed-wcygan-settings.json')), /not an MCP config/);
  });

  it('opencode: argv array and environment; VS Code settings with an mcp object stay VS Code\'s', () => {
    const parsed = parseConfig('/w/opencode.jsonc', real('opencode-aidan.jsonc'));
    assert.equal(parsed.format, 'opencode');
    const pw = parsed.servers.find((s) => s.name === 'playwright');
    assert.deepEqual([pw?.command, pw?.args, pw?.env, pw?.type], ['npx', ['-y', '@playwright/mcp@latest', '--headless', '--isolated'], { PLAYWRIGHT_BROWSERS_PATH: '0' }, undefined]);
    assert.throws(() => parseConfig('/u/settings.json', '{ "mcp": { "discovery": { "enabled": true } } }'), /not an MCP config/);
  });

  it('inventory: every server with transport and runtime', async () => {
    const h = path.join(dir, 'inv-home');
    const w = path.join(dir, 'inv-ws');
    put(path.join(h, '.gemini', 'settings.json'), real('gemini-1natsu172-settings.json'));
    put(path.join(h, '.config', 'zed', 'settings.json'), real('zed-shapes-settings.json'));
    put(path.join(w, 'opencode.jsonc'), real('opencode-aidan.jsonc'));
    put(path.join(h, '.copilot', 'mcp-config.json'), real('copilot-adrixan-mcp-config.json'));
    put(path.join(h, '.aws', 'amazonq', 'mcp.json'), real('amazonq-mcp.json'));
    put(path.join(h, '.lmstudio', 'mcp.json'), real('lmstudio-mcp.json'));
    const inventory = await readInventory(await discoverConfigRefs({ workspaceFolders: [w], home: h, platform: 'linux', env: {} }));
    assert.deepEqual(inventory.unreadable, []);
    const rows = inventory.servers.map((s) => `${s.config.hostApp}:${s.name}:${s.transport}:${s.runtime}`).sort();
    assert.deepEqual(rows, [
      'amazon-q:awslabs.aws-documentation-mcp-server:stdio:python',
      'amazon-q:strands-agents:stdio:python',
      'copilot-cli:serena:stdio:python',
      'gemini-cli:expo:remote:unknown',
      'lm-studio:docs-mcp-server:stdio:node',
      'opencode:context7:remote:unknown',
      'opencode:grep_app:remote:unknown',
      'opencode:playwright:stdio:node',
      'opencode:websearch:remote:unknown',
      'zed:home-assistant:stdio:python',
      'zed:mcp-server-context7:invalid:unknown',
      'zed:pipecat-context-hub:stdio:python',
      'zed:remote:remote:unknown',
      'zed:some-context-server:stdio:node',
    ]);
  });
});

describe('hosts of 2026: fix, fix again, undo', () => {
  const cases: { name: string; at: string[]; server: string; envPath: string[] }[] = [
    { name: 'gemini-qtmcp-settings.json', at: ['.gemini', 'settings.json'], server: 'coder', envPath: ['mcpServers', 'coder', 'env'] },
    { name: 'copilot-adrixan-mcp-config.json', at: ['.copilot', 'mcp-config.json'], server: 'serena', envPath: ['mcpServers', 'serena', 'env'] },
    { name: 'amazonq-mcp.json', at: ['.aws', 'amazonq', 'mcp.json'], server: 'strands-agents', envPath: ['mcpServers', 'strands-agents', 'env'] },
    { name: 'lmstudio-mcp.json', at: ['.junie', 'mcp', 'mcp.json'], server: 'docs-mcp-server', envPath: ['mcpServers', 'docs-mcp-server', 'env'] },
    { name: 'zed-shapes-settings.json', at: ['.config', 'zed', 'settings.json'], server: 'some-context-server', envPath: ['context_servers', 'some-context-server', 'command', 'env'] },
    { name: 'zed-shapes-settings.json', at: ['.zed', 'settings.json'], server: 'home-assistant', envPath: ['context_servers', 'home-assistant', 'env'] },
    { name: 'opencode-aidan.jsonc', at: ['opencode.jsonc'], server: 'playwright', envPath: ['mcp', 'playwright', 'environment'] },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.envPath.join('.')}`, async () => {
      const file = put(path.join(dir, `fix-${c.server}`, ...c.at), real(c.name));
      const before = readFileSync(file);
      const options = { configPath: file, caPems: [ca], home, publicPem, bundleDir: path.join(dir, 'bundles'), servers: [c.server] };
      const result = await applyFix(await planFix(options));
      assert.equal(result.changed.length, 1);
      const after = readFileSync(file, 'utf8');
      let node: unknown = JSON.parse(JSON.stringify(parseJsonLoose(after)));
      for (const key of c.envPath) node = (node as Record<string, unknown>)[key];
      const written = node as Record<string, string>;
      const variable = Object.keys(result.changed[0]?.env ?? {})[0] ?? '';
      assert.equal(written[variable], result.bundleInConfig);
      // Every byte outside the insertion is the original's.
      assert.ok(after.length > before.length);
      const again = await applyFix(await planFix(options));
      assert.equal(again.changed.length, 0);
      assert.equal(readFileSync(file, 'utf8'), after, 'a second run changes no byte');
      const undone = await undoFix({ configPath: file, home });
      assert.equal(undone.identical, true);
      assert.deepEqual(readFileSync(file), before);
    });
  }
});

/** JSONC → value (comments and trailing commas), through the project's own parser. */
function parseJsonLoose(text: string): unknown {
  const parsed = parseJsoncConfig('/x/opencode.jsonc', text);
  const toValue = (node: typeof parsed.root): unknown => {
    if (node.type === 'object') return Object.fromEntries((node.children ?? []).map((p) => [p.children?.[0]?.value as string, p.children?.[1] ? toValue(p.children[1]) : undefined]));
    if (node.type === 'array') return (node.children ?? []).map(toValue);
    return node.value as unknown;
  };
  return toValue(parsed.root);
}
