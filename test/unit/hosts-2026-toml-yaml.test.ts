// Codex (TOML) and Goose (YAML) configs, read through their parsers and edited byte for byte: the CA
// variable goes into the server's env table (Codex) / envs map (Goose), every other byte stays,
// a second fix changes nothing, undo gives the original bytes back. Fixtures: test/fixtures/hosts2026.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import { readInventory } from '../../src/core/config/inventory';
import { applyFix } from '../../src/core/fix/apply';
import { parseConfig } from '../../src/core/config/config';
import { planFix } from '../../src/core/fix/plan';
import { undoFix } from '../../src/core/fix/undo';
import { DoctorError } from '../../src/core/types';
import { cleanup, tempDir, testCas } from '../fixtures/configs/harness';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'hosts2026');
const real = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

let dir: string;
let home: string;
let ca: string;
let publicPem: string;
let n = 0;

before(async () => {
  dir = tempDir('mcp-toml-yaml-');
  home = path.join(dir, 'home');
  const cas = await testCas();
  ca = cas.corporate.pem;
  publicPem = cas.publicRoot.pem;
});
after(() => cleanup(dir));

function place(name: string, at: string[]): string {
  n += 1;
  const file = path.join(dir, `c${n}`, ...at);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, real(name));
  return file;
}

const tomlValue = (text: string): Record<string, Record<string, Record<string, unknown>>> =>
  getStaticTOMLValue(parseTOML(text)) as Record<string, Record<string, Record<string, unknown>>>;

/** Removing the inserted text gives the original: every byte outside the insertion is unchanged. */
function onlyInserted(before: string, after: string): string {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start += 1;
  let tail = 0;
  while (tail < before.length - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail += 1;
  assert.equal(before.slice(0, start) + before.slice(before.length - tail), before, 'one contiguous insertion');
  assert.equal(after.length - before.length, after.length - start - tail - (before.length - start - tail));
  return after.slice(start, after.length - tail);
}

async function fixTwiceAndUndo(file: string, servers: string[]): Promise<{ before: string; after: string; bundleInConfig: string }> {
  const before = readFileSync(file, 'utf8');
  const options = { configPath: file, caPems: [ca], home, publicPem, bundleDir: path.join(dir, 'bundles'), servers };
  const result = await applyFix(await planFix(options));
  assert.equal(result.changed.length, servers.length, JSON.stringify(result.skipped));
  const after = readFileSync(file, 'utf8');
  const again = await applyFix(await planFix(options));
  assert.equal(again.changed.length, 0);
  assert.equal(readFileSync(file, 'utf8'), after, 'a second run changes no byte');
  const undone = await undoFix({ configPath: file, home });
  assert.equal(undone.identical, true);
  assert.equal(readFileSync(file, 'utf8'), before, 'undo restores every byte');
  return { before, after, bundleInConfig: result.bundleInConfig };
}

describe('Codex config.toml', () => {
  it('reads servers, env tables in every shape, env_vars, remote ones', () => {
    const parsed = parseConfig('/h/.codex/config.toml', real('codex-env-shapes.toml'));
    assert.equal(parsed.format, 'codex');
    const byName = Object.fromEntries(parsed.servers.map((s) => [s.name, s]));
    assert.deepEqual(Object.keys(byName).sort(), ['dotted', 'github', 'inline', 'remote', 'warpgate']);
    assert.deepEqual(byName.github?.env, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_literal' });
    assert.deepEqual(byName.warpgate?.env, { WARPGATE_BASE_URL: 'https://warpgate.example.com', WARPGATE_USER: 'admin' });
    assert.deepEqual([byName.dotted?.command, byName.dotted?.args], ['node', ['server.js']]);
    assert.equal(byName.remote?.url, 'https://mcp.example.com/mcp');
    const fng = parseConfig('/p/.codex/config.toml', real('codex-fng-chatbot.toml')).servers[0];
    assert.deepEqual(fng?.passEnv, ['NVIDIA_API_KEY', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_ID', 'MCP_ALLOW_TELEGRAM_SEND', 'CNN_FNG_CACHE_TTL_SECONDS']);
    assert.throws(() => parseConfig('/h/.codex/config.toml', 'model = "o3"\n'), (e: unknown) => e instanceof DoctorError && e.kind === 'unknown-config');
    assert.throws(() => parseConfig('/h/.codex/config.toml', '[mcp_servers.x]\ncommand = \n'), (e: unknown) => e instanceof DoctorError && e.kind === 'malformed-config');
  });

  it('inventory lists them with transport and runtime', async () => {
    const file = place('codex-env-shapes.toml', ['.codex', 'config.toml']);
    const inventory = await readInventory([{ hostApp: 'codex', path: file, scope: 'user', resolvesVariables: false }]);
    assert.deepEqual(inventory.servers.map((s) => `${s.name}:${s.transport}:${s.runtime}`).sort(), ['dotted:stdio:node', 'github:stdio:node', 'inline:stdio:python', 'remote:remote:unknown', 'warpgate:stdio:node']);
  });

  const cases: { name: string; servers: string[] }[] = [
    { name: 'codex-ipykernel.toml', servers: ['ipykernel'] },
    { name: 'codex-fng-chatbot.toml', servers: ['fng_chatbot'] },
    { name: 'codex-garment.toml', servers: ['valentina_cad', 'garmentcode_cad'] },
    { name: 'codex-env-shapes.toml', servers: ['github', 'warpgate', 'inline', 'dotted'] },
  ];
  for (const c of cases) {
    it(`${c.name}: the CA variable lands in [mcp_servers.NAME] env; fix again, undo`, async () => {
      const file = place(c.name, ['.codex', 'config.toml']);
      const { before, after, bundleInConfig } = await fixTwiceAndUndo(file, c.servers);
      const data = tomlValue(after);
      for (const server of c.servers) {
        const env = data.mcp_servers?.[server]?.env as Record<string, string> | undefined;
        assert.ok(env && Object.values(env).includes(bundleInConfig), `${server}: ${JSON.stringify(env)}`);
      }
      // Everything else means what it meant: the before value plus env entries.
      const was = tomlValue(before);
      for (const server of Object.keys(was.mcp_servers ?? {})) {
        const withoutEnv = (entry: Record<string, unknown> = {}) => Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'env'));
        assert.deepEqual(withoutEnv(data.mcp_servers?.[server]), withoutEnv(was.mcp_servers?.[server]));
      }
      if (c.servers.length === 1) assert.match(onlyInserted(before, after).trim(), /^env = \{ [A-Z_]+ = ".*" \}$/);
    });
  }

  it('an existing [mcp_servers.NAME.env] table and an inline env get a line / a member, quoting elsewhere untouched', async () => {
    const file = place('codex-env-shapes.toml', ['.codex', 'config.toml']);
    const before = readFileSync(file, 'utf8');
    await applyFix(await planFix({ configPath: file, caPems: [ca], home, publicPem, bundleDir: path.join(dir, 'bundles'), servers: ['github'] }));
    const after = readFileSync(file, 'utf8');
    assert.match(onlyInserted(before, after).trim(), /^NODE_EXTRA_CA_CERTS = ".*"$/);
    assert.ok(after.includes("GITHUB_PERSONAL_ACCESS_TOKEN = 'ghp_literal'   # a literal string\nNODE_EXTRA_CA_CERTS"));
    await undoFix({ configPath: file, home });
    await applyFix(await planFix({ configPath: file, caPems: [ca], home, publicPem, bundleDir: path.join(dir, 'bundles'), servers: ['warpgate'] }));
    assert.match(onlyInserted(before, readFileSync(file, 'utf8')), /^, NODE_EXTRA_CA_CERTS = ".*"$/);
  });
});

describe('Goose config.yaml', () => {
  it('reads extensions: stdio ones with cmd/args/envs, builtin and platform ones are no child process, remote by uri', () => {
    const parsed = parseConfig('/h/.config/goose/config.yaml', real('goose-shapes.yaml'));
    assert.equal(parsed.format, 'goose');
    const byName = Object.fromEntries(parsed.servers.map((s) => [s.name, s]));
    assert.deepEqual(byName.github?.env, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_literal' });
    // An alias is read as what it names; a merge key is not applied (Goose's serde_yaml does not either).
    assert.deepEqual([byName.fetch2?.command, byName.merged?.command], ['uvx', undefined]);
    assert.equal(byName.remote?.url, 'https://mcp.example.com/mcp');
    const kg = parseConfig('/h/.config/goose/config.yaml', real('goose-kg-alzheimers.yaml'));
    assert.deepEqual(kg.servers.filter((s) => s.command).map((s) => s.name), ['git', 'owlmcp', 'pdfreader', 'artl']);
    assert.equal(kg.servers.find((s) => s.name === 'developer')?.command, undefined);
  });

  it('envs: {} gets the variable inside the braces; block envs get a line; fix again; undo', async () => {
    const kg = place('goose-kg-alzheimers.yaml', ['.config', 'goose', 'config.yaml']);
    const one = await fixTwiceAndUndo(kg, ['git', 'artl']);
    const data = parseYaml(one.after) as { extensions: Record<string, { envs: Record<string, string> }> };
    assert.ok(Object.values(data.extensions.git?.envs ?? {}).includes(one.bundleInConfig));
    assert.ok(Object.values(data.extensions.artl?.envs ?? {}).includes(one.bundleInConfig));
    const shapes = place('goose-shapes.yaml', ['.config', 'goose', 'config.yaml']);
    const two = await fixTwiceAndUndo(shapes, ['github', 'nohost']);
    assert.match(two.after, /GITHUB_PERSONAL_ACCESS_TOKEN: ghp_literal {2}# kept as written\n {6}NODE_EXTRA_CA_CERTS: ".*"\n {4}type: stdio\n/);
    assert.match(two.after, /  nohost:\n    cmd: node\n    args: \["server.js"\]\n    type: stdio\n    envs: \{[A-Z_]+: ".*"\}\n  remote:/);
    // The anchor and its aliases are left as they were.
    assert.ok(two.after.includes('  fetch: &fetch\n') && two.after.includes('  fetch2: *fetch\n') && two.after.includes('    <<: *fetch\n'));
  });

  it('refuses to write through an alias (it would change the extension it names too)', async () => {
    const file = place('goose-shapes.yaml', ['.config', 'goose', 'config.yaml']);
    await assert.rejects(planFix({ configPath: file, caPems: [ca], home, publicPem, servers: ['fetch2'] }), (e: unknown) => e instanceof DoctorError && e.kind === 'refused');
    assert.equal(readFileSync(file, 'utf8'), real('goose-shapes.yaml'));
  });
});

describe('docker servers in TOML and YAML: the mount and -e options go before the image', () => {
  // The docker form of github/github-mcp-server's README, as Codex and Goose users copy it.
  const codexDocker = `[mcp_servers.github]
command = "docker"
args = [
  "run", "-i", "--rm",
  "-e", "GITHUB_PERSONAL_ACCESS_TOKEN",
  "ghcr.io/github/github-mcp-server",
]
env = { GITHUB_PERSONAL_ACCESS_TOKEN = "ghp_x" }
`;
  const gooseDocker = `extensions:
  github:
    cmd: docker
    args:
    - run
    - -i
    - --rm
    - ghcr.io/github/github-mcp-server
    envs: {}
    type: stdio
  single:
    cmd: docker
    args: [run, -i, ghcr.io/example/only-image]
    type: stdio
`;
  for (const [name, content, at] of [
    ['codex', codexDocker, ['.codex', 'config.toml']],
    ['goose', gooseDocker, ['.config', 'goose', 'config.yaml']],
  ] as const) {
    it(`${name}: inserted before the image, fix again changes nothing, undo restores every byte`, async () => {
      n += 1;
      const file = path.join(dir, `d${n}`, ...at);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      const options = { configPath: file, caPems: [ca], home, publicPem, bundleDir: path.join(dir, 'bundles'), servers: ['github'] };
      const result = await applyFix(await planFix(options));
      assert.equal(result.changed.length, 1, JSON.stringify(result.skipped));
      const after = readFileSync(file, 'utf8');
      const server = parseConfig(file, after).servers.find((s) => s.name === 'github');
      const image = server?.args.indexOf('ghcr.io/github/github-mcp-server') ?? -1;
      assert.deepEqual(server?.args.slice(image - (result.changed[0]?.args?.length ?? 0), image), result.changed[0]?.args);
      assert.equal((await applyFix(await planFix(options))).changed.length, 0);
      assert.equal(readFileSync(file, 'utf8'), after);
      assert.equal((await undoFix({ configPath: file, home })).identical, true);
      assert.equal(readFileSync(file, 'utf8'), content);
    });
  }

  it('goose: a flow sequence gets `, `-separated options before the image', async () => {
    n += 1;
    const file = path.join(dir, `d${n}`, '.config', 'goose', 'config.yaml');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, gooseDocker);
    await applyFix(await planFix({ configPath: file, caPems: [ca], home, publicPem, bundleDir: path.join(dir, 'bundles'), servers: ['single'] }));
    assert.match(readFileSync(file, 'utf8'), /args: \[run, -i, "--mount", "[^"]+"(, "-e", "[A-Z_]+=[^"]+")+, ghcr\.io\/example\/only-image\]/);
    assert.equal((await undoFix({ configPath: file, home })).identical, true);
  });
});

describe('--replace in TOML and YAML: an existing CA variable is pointed at the new bundle, undo puts the old text back', () => {
  for (const [name, content, at, old] of [
    ['codex', `[mcp_servers.py]\ncommand = "uvx"\nargs = ["mcp-x"]\n\n[mcp_servers.py.env]\nSSL_CERT_FILE = 'C:\\certs\\old.pem'  # IT's old bundle\n`, ['.codex', 'config.toml'], "'C:\\certs\\old.pem'"],
    ['goose', `extensions:\n  py:\n    cmd: uvx\n    args: [mcp-x]\n    envs:\n      SSL_CERT_FILE: /etc/old.pem # IT's old bundle\n    type: stdio\n`, ['.config', 'goose', 'config.yaml'], '/etc/old.pem'],
  ] as const) {
    it(name, async () => {
      n += 1;
      const file = path.join(dir, `r${n}`, ...at);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      const options = { configPath: file, caPems: [ca], home, publicPem, bundleDir: path.join(dir, 'bundles'), servers: ['py'], replace: true };
      const result = await applyFix(await planFix(options));
      assert.equal(result.changed.length, 1, JSON.stringify(result.skipped));
      const after = readFileSync(file, 'utf8');
      assert.ok(!after.includes(old), 'the old value is replaced');
      assert.ok(after.includes(`SSL_CERT_FILE${name === 'codex' ? ' = ' : ': '}"${result.bundleInConfig}"`));
      assert.ok(after.includes("# IT's old bundle"), 'the comment stays');
      assert.equal(parseConfig(file, after).servers[0]?.env.SSL_CERT_FILE, result.bundleInConfig);
      assert.equal((await undoFix({ configPath: file, home })).identical, true);
      assert.equal(readFileSync(file, 'utf8'), content);
    });
  }
});

describe('YAML block scalars at the end of a map', () => {
  it('a new line goes after a |/|- scalar, before the map when the last scalar keeps its trailing lines (>+); values unchanged; undo exact', async () => {
    const content = `extensions:\n  x:\n    cmd: uvx\n    description: |\n      multi\n      line\n  y:\n    cmd: npx\n    note: >+\n      folded\n      text\n\n    # trailing comment\n  z:\n    cmd: node\n    envs:\n      A: |-\n        block\n`;
    n += 1;
    const file = path.join(dir, `b${n}`, '.config', 'goose', 'config.yaml');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    const before = parseYaml(content) as { extensions: Record<string, Record<string, unknown>> };
    const result = await applyFix(await planFix({ configPath: file, caPems: [ca], home, publicPem, bundleDir: path.join(dir, 'bundles'), servers: ['x', 'y', 'z'] }));
    assert.equal(result.changed.length, 3);
    const after = parseYaml(readFileSync(file, 'utf8')) as { extensions: Record<string, Record<string, unknown>> };
    for (const name of ['x', 'y', 'z']) {
      const withoutEnvs = (entry: Record<string, unknown> = {}) => Object.fromEntries(Object.entries(entry).filter(([key]) => key !== 'envs'));
      assert.deepEqual(withoutEnvs(after.extensions[name]), withoutEnvs(before.extensions[name]), `${name}: every other value as it was (the >+ scalar keeps its trailing line)`);
      assert.ok(Object.values((after.extensions[name]?.envs ?? {}) as Record<string, string>).includes(result.bundleInConfig), name);
    }
    assert.equal((await undoFix({ configPath: file, home })).identical, true);
    assert.equal(readFileSync(file, 'utf8'), content);
  });
});
