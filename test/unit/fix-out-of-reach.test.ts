// Servers whose process a config entry's env cannot reach (a container that exists already, the
// Docker MCP Toolkit gateway, a container started inside a shell string): skipped with a code and
// the next step, never counted fixed. The entries are real ones from public READMEs (see
// test/fixtures/configs/containers-mcp.json): vibesbox (coleam00 Archon docs), s3 (aws-s3-mcp),
// obsidian-rag, MCP_DOCKER (docker/mcp-gateway README), arm-mcp (Arm MCP server docs).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planFix } from '../../src/core/fix/plan';
import { cleanup, fixture, tempDir, testCas } from '../fixtures/configs/harness';

let dir: string;
let home: string;
let ca: string;
let publicPem: string;

before(async () => {
  dir = tempDir();
  home = path.join(dir, 'home');
  mkdirSync(home);
  const cas = await testCas();
  ca = cas.corporate.pem;
  publicPem = cas.publicRoot.pem;
});
after(() => cleanup(dir));

async function plan(text: string) {
  const file = path.join(dir, `claude_desktop_config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  return planFix({ configPath: file, caPems: [ca], home, publicPem, bundleDir: path.join(home, '.mcp-ssl-doctor') });
}

describe('fix plan: servers the entry cannot reach', () => {
  it('docker exec, compose exec, the MCP gateway and a shell-string docker run are skipped with a code; docker run keeps its mount', async () => {
    const result = await plan(fixture('containers-mcp.json'));
    assert.deepEqual(result.changed.map((c) => c.server), ['fetch']);
    assert.ok(result.changed[0]?.args?.includes('--mount'));
    const codes = Object.fromEntries(result.skipped.map((s) => [s.server, s.code]));
    assert.deepEqual(codes, {
      vibesbox: 'container-exec',
      s3: 'container-exec',
      'obsidian-rag': 'container-exec',
      MCP_DOCKER: 'docker-gateway',
      'arm-mcp': 'shell-string',
    });
  });

  it('says the concrete next step: copy the CA into the container, pass the variable with -e on the exec', async () => {
    const result = await plan(fixture('containers-mcp.json'));
    const reason = (name: string): string => result.skipped.find((s) => s.server === name)?.reason ?? '';
    assert.match(reason('vibesbox'), /docker cp .+ mcp-vibesbox-server:\/etc\/ssl\/certs\/mcp-ssl-doctor\.pem/);
    // python3 inside: Python's variables; node inside: Node's.
    assert.match(reason('vibesbox'), /-e SSL_CERT_FILE=\/etc\/ssl\/certs\/mcp-ssl-doctor\.pem -e REQUESTS_CA_BUNDLE=/);
    assert.match(reason('s3'), /`-e NODE_EXTRA_CA_CERTS=\/etc\/ssl\/certs\/mcp-ssl-doctor\.pem`/);
    assert.match(reason('obsidian-rag'), /docker compose cp .+ obsidian-rag:/);
    assert.match(reason('MCP_DOCKER'), /Docker Desktop/);
    assert.match(reason('arm-mcp'), /shell string/);
  });

  it('nothing in the file changes for them', async () => {
    const text = fixture('containers-mcp.json').replace(/,\s*"fetch": \{[^}]*\}/, '');
    const result = await plan(text);
    assert.deepEqual(result.changed, []);
    assert.equal(result.newContent, text);
  });

  it('podman exec, a `bash -lc` docker exec and `cmd /c "docker exec ..."` are the same case', async () => {
    const result = await plan(JSON.stringify({
      mcpServers: {
        podman: { command: 'podman', args: ['exec', '-i', 'mcp', 'node', 'index.js'] },
        login: { command: 'bash', args: ['-lc', 'cd ~/srv && docker exec -i mcp python -m server'] },
        win: { command: 'cmd', args: ['/c', 'docker exec -i mcp node index.js'] },
        plainShell: { command: 'sh', args: ['-c', 'npx -y @modelcontextprotocol/server-everything'] },
      },
    }));
    const codes = Object.fromEntries(result.skipped.map((s) => [s.server, s.code]));
    assert.deepEqual(codes, { podman: 'container-exec', login: 'container-exec', win: 'container-exec' });
    // A shell that starts no container passes its env on: fixed as before.
    assert.deepEqual(result.changed.map((c) => c.server), ['plainShell']);
  });
});

describe('fix plan: Bun', () => {
  it('bunx: NODE_EXTRA_CA_CERTS for the server, and a note that its package download reads bunfig.toml', async () => {
    // mcp-server-trello's README entry for Bun, beside a plain `bun run` one.
    const result = await plan(JSON.stringify({
      mcpServers: {
        trello: { command: 'bunx', args: ['@delorenj/mcp-server-trello'], env: { TRELLO_API_KEY: 'your-api-key', TRELLO_TOKEN: 'your-token' } },
        local: { command: 'bun', args: ['run', 'src/index.ts'] },
      },
    }));
    assert.deepEqual(result.changed.map((c) => [c.server, c.runtime, Object.keys(c.env)]), [
      ['trello', 'bun', ['NODE_EXTRA_CA_CERTS']],
      ['local', 'bun', ['NODE_EXTRA_CA_CERTS']],
    ]);
    const notes = result.warnings.filter((w) => w.code === 'bun-install-ca');
    assert.deepEqual(notes.map((w) => w.server), ['trello']);
    assert.match(notes[0]?.message ?? '', /\[install\] cafile/);
  });
});
