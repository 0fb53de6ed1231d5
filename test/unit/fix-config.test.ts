import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatResolvesVariables, parseConfig } from '../../src/core/config/config';
import { DoctorError } from '../../src/core/types';
import { fixture } from '../fixtures/configs/harness';

function rejects(text: string, kind: string, where?: { line: number; column: number }): DoctorError {
  try {
    parseConfig('/x/mcp.json', text);
  } catch (error) {
    assert.ok(error instanceof DoctorError);
    assert.equal(error.kind, kind);
    assert.equal(error.detail?.file, '/x/mcp.json');
    if (where) {
      assert.equal(error.detail?.line, where.line);
      assert.equal(error.detail?.column, where.column);
    }
    return error;
  }
  assert.fail('expected an error');
}

describe('fix: config formats', () => {
  it('reads VS Code mcp.json (servers + inputs, comments, trailing commas)', () => {
    const config = parseConfig('mcp.json', fixture('vscode-mcp.json'));
    assert.equal(config.format, 'servers');
    assert.deepEqual(config.serversPath, ['servers']);
    assert.deepEqual(config.servers.map((s) => s.name), ['docs', 'github', 'remote']);
    const docs = config.servers[0];
    assert.equal(docs?.command, 'uvx');
    assert.deepEqual(docs?.args, ['mcpdoc', '--urls', 'https://docs.example.test/llms.txt']);
    assert.equal(docs?.env.API_KEY, '${input:api-key}');
    assert.equal(config.servers[2]?.url, 'https://mcp.example.test/mcp');
    assert.equal(formatResolvesVariables(config.format), true);
  });

  it('reads settings.json mcp.servers (nested and dotted)', () => {
    assert.equal(parseConfig('settings.json', fixture('settings.json')).format, 'settings');
    const dotted = parseConfig('settings.json', '{ "mcp.servers": { "a": { "command": "node" } } }');
    assert.equal(dotted.format, 'settings-dotted');
    assert.deepEqual(dotted.serversPath, ['mcp.servers']);
  });

  it('reads mcpServers files whatever their name (.mcp.json, Claude Desktop, Windsurf, Cline, Kiro)', () => {
    for (const name of ['dot-mcp.json', 'claude_desktop_config.json', 'windsurf-mcp_config.json', 'cline_mcp_settings.json', 'kiro-mcp.json']) {
      const config = parseConfig(name, fixture(name));
      assert.equal(config.format, 'mcpServers', name);
      assert.equal(formatResolvesVariables(config.format), false);
    }
    const windsurf = parseConfig('w', fixture('windsurf-mcp_config.json'));
    assert.equal(windsurf.servers[0]?.url, 'https://mcp.example.test/sse');
  });

  it('reads a .code-workspace settings.mcp.servers with envFile', () => {
    const config = parseConfig('x.code-workspace', fixture('code.code-workspace'));
    assert.equal(config.format, 'code-workspace');
    assert.equal(config.servers[0]?.envFile, '${workspaceFolder}/.env');
  });

  it('malformed JSON names line:column and is a malformed-config error', () => {
    rejects('{\n  "servers": {\n    "a": { "command": "x" }\n    "b": {}\n  }\n}\n', 'malformed-config', { line: 4, column: 5 });
  });

  it('an empty file is malformed at 1:1', () => {
    rejects('', 'malformed-config', { line: 1, column: 1 });
    rejects('  \n', 'malformed-config', { line: 1, column: 1 });
  });

  it('an unknown shape is unknown-config', () => {
    rejects('{ "editor.fontSize": 12 }', 'unknown-config');
    rejects('[1, 2]', 'unknown-config');
    rejects('{ "servers": [] }', 'unknown-config');
  });

  it('reports duplicate keys with their position; the last server occurrence wins, as in editors', () => {
    const config = parseConfig('m', '{\n  "servers": {\n    "a": { "command": "node" },\n    "a": { "command": "uvx" }\n  }\n}');
    assert.equal(config.duplicates.length, 1);
    assert.deepEqual(config.duplicates[0], { key: 'a', path: ['servers', 'a'], line: 4, column: 5 });
    assert.equal(config.servers.length, 1);
    assert.equal(config.servers[0]?.command, 'uvx');
  });

  it('keeps a BOM aside and parses the rest', () => {
    const config = parseConfig('m', '\uFEFF{ "servers": { "a": { "command": "node", "env": { "N": 1, "Z": null } } } }');
    assert.equal(config.bom, true);
    assert.deepEqual(config.servers[0]?.env, { N: 1, Z: null });
  });
});
