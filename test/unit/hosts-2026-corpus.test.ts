// Every config of the hosts of 2026 in test/fixtures/hosts2026 (real committed files, each with a
// .source naming it; a few assembled from documented shapes), placed where its host keeps it:
// found by discovery unless it holds no servers, every stdio server with a command fixed, a second
// fix changes no byte, undo gives back every byte.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverConfigRefs } from '../../src/core/hosts/discover';
import { applyFix } from '../../src/core/fix/apply';
import { parseConfig } from '../../src/core/config/config';
import { planFix } from '../../src/core/fix/plan';
import { transportOf } from '../../src/core/model/transport';
import { undoFix } from '../../src/core/fix/undo';
import { DoctorError } from '../../src/core/types';
import { cleanup, tempDir, testCas } from '../fixtures/configs/harness';

const ROOT = path.join(__dirname, '..', 'fixtures', 'hosts2026');
const files = [ROOT, path.join(ROOT, 'real')].flatMap((folder) =>
  readdirSync(folder)
    .filter((name) => /\.(json|jsonc|toml|yaml)$/.test(name))
    .map((name) => path.join(folder, name)),
);

/** Where each host keeps the file, by the fixture's name prefix (user scope; Junie, Amazon Q and opencode: project). */
const PLACES: Record<string, { at: string[]; host: string; workspace?: boolean }> = {
  codex: { at: ['.codex', 'config.toml'], host: 'codex' },
  goose: { at: ['.config', 'goose', 'config.yaml'], host: 'goose' },
  gemini: { at: ['.gemini', 'settings.json'], host: 'gemini-cli' },
  copilot: { at: ['.copilot', 'mcp-config.json'], host: 'copilot-cli' },
  zed: { at: ['.config', 'zed', 'settings.json'], host: 'zed' },
  opencode: { at: ['opencode.jsonc'], host: 'opencode', workspace: true },
  amazonq: { at: ['.amazonq', 'mcp.json'], host: 'amazon-q', workspace: true },
  junie: { at: ['.junie', 'mcp', 'mcp.json'], host: 'junie', workspace: true },
  lmstudio: { at: ['.lmstudio', 'mcp.json'], host: 'lm-studio' },
};

/** Real files that hold no MCP servers: never listed, refused by fix as not an MCP config. */
const NO_SERVERS = new Set(['codex-kix-agents.toml', 'codex-0maru.toml', 'codex-0xrsydn.toml', 'gemini-108yen.json', 'goose-aitchwhy.yaml', 'zed-wcygan-settings.json']);

let dir: string;
let ca: string;
let publicPem: string;
const tally = { files: 0, servers: 0, fixed: 0 };

before(async () => {
  dir = tempDir('mcp-hosts2026-corpus-');
  const cas = await testCas();
  ca = cas.corporate.pem;
  publicPem = cas.publicRoot.pem;
});
after(async () => {
  // The measurement this corpus gives (see the report): files, servers, servers fixed.
  process.stdout.write(`# corpus: ${tally.files} files, ${tally.servers} servers, ${tally.fixed} stdio servers fixed\n`);
  await cleanup(dir);
});

describe('hosts of 2026: every fixture config, found, fixed, fixed again, undone', () => {
  it('has fixtures of every host, each with its source', () => {
    assert.ok(files.length >= 35, `${files.length} files`);
    for (const prefix of Object.keys(PLACES)) assert.ok(files.some((file) => path.basename(file).startsWith(`${prefix}-`)), prefix);
    for (const file of files) assert.match(readFileSync(`${file}.source`, 'utf8'), /\S/, `${file} has a source`);
  });

  for (const fixture of files) {
    const name = path.basename(fixture);
    it(name, async () => {
      const place = PLACES[name.split('-')[0] ?? ''];
      assert.ok(place, `no place for ${name}`);
      const home = path.join(dir, name, 'home');
      const ws = path.join(dir, name, 'ws');
      mkdirSync(home, { recursive: true });
      const file = path.join(place.workspace ? ws : home, ...place.at);
      mkdirSync(path.dirname(file), { recursive: true });
      const original = readFileSync(fixture, 'utf8');
      writeFileSync(file, original);
      tally.files += 1;

      const refs = await discoverConfigRefs({ workspaceFolders: [ws], home, platform: 'linux', env: {} });
      if (NO_SERVERS.has(name)) {
        assert.deepEqual(refs, [], 'a file without servers is not listed');
        assert.throws(() => parseConfig(file, original), (e: unknown) => e instanceof DoctorError && e.kind === 'unknown-config');
        return;
      }
      assert.deepEqual(refs.map((ref) => [ref.path, ref.hostApp]), [[file, place.host]]);
      const servers = parseConfig(file, original).servers;
      tally.servers += servers.length;
      // Aliases of YAML anchors are refused on purpose (goose-shapes.yaml's fetch2): leave them out here.
      const stdio = servers.filter((server) => transportOf(server) === 'stdio' && server.command && server.name !== 'fetch2');
      if (stdio.length === 0) return;
      const options = { configPath: file, caPems: [ca], home, publicPem, bundleDir: path.join(dir, 'bundles'), servers: stdio.map((server) => server.name) };
      const result = await applyFix(await planFix(options));
      const handled = new Set([...result.changed.map((c) => c.server), ...result.skipped.map((s) => s.server)]);
      assert.deepEqual([...handled].sort(), stdio.map((server) => server.name).sort());
      assert.ok(result.changed.length > 0, JSON.stringify(result.skipped));
      tally.fixed += result.changed.length;
      const fixed = readFileSync(file, 'utf8');
      // What was written is what the host reads back: each changed server's variables are in its env now.
      const reread = parseConfig(file, fixed).servers;
      for (const change of result.changed) {
        const server = reread.find((entry) => entry.name === change.server);
        if (change.args) continue;
        for (const [variable, value] of Object.entries(change.env)) assert.equal(server?.env[variable], value, `${change.server} ${variable}`);
      }
      const again = await applyFix(await planFix(options));
      assert.equal(again.changed.length, 0);
      assert.equal(readFileSync(file, 'utf8'), fixed, 'a second fix changes no byte');
      assert.equal((await undoFix({ configPath: file, home })).identical, true);
      assert.equal(readFileSync(file, 'utf8'), original, 'undo restores every byte');
    });
  }
});
