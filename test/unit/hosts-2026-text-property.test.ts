// Property: for any value a bundle path can take (quotes, backslashes, unicode, spaces), a TOML or
// YAML edit writes it so the parser reads back exactly that value, leaves the other servers as they
// were read, and undoing the steps gives back every byte.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseConfig } from '../../src/core/config/config';
import { editServers, undoSteps } from '../../src/core/config/edit';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'hosts2026');
const cases = [
  ['codex-env-shapes.toml', '/h/.codex/config.toml'],
  ['real/codex-coord-harness.toml', '/h/.codex/config.toml'],
  ['codex-fng-chatbot.toml', '/h/.codex/config.toml'],
  ['goose-shapes.yaml', '/h/.config/goose/config.yaml'],
  ['goose-kg-alzheimers.yaml', '/h/.config/goose/config.yaml'],
] as const;

describe('TOML / YAML edits: any value round-trips, undo is exact', () => {
  for (const [name, file] of cases) {
    it(name, () => {
      const text = readFileSync(path.join(FIXTURES, name), 'utf8');
      const parsed = parseConfig(file, text);
      const names = parsed.servers.filter((s) => s.command && s.name !== 'fetch2').map((s) => s.name);
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.subarray(names, { minLength: 1 }), (value, servers) => {
          const edited = editServers(parsed, servers.map((server) => ({ server, add: { SSL_CERT_FILE: value }, replace: {}, removeEnv: [], removeArgs: [] })));
          const reread = parseConfig(file, edited.text).servers;
          // fetch2 is an alias of fetch (goose-shapes.yaml): it follows what fetch holds.
          for (const server of parsed.servers.filter((s) => s.name !== 'fetch2')) {
            const now = reread.find((s) => s.name === server.name);
            const expected = servers.includes(server.name) ? { ...server.env, SSL_CERT_FILE: value } : server.env;
            assert.deepEqual(now?.env, expected, server.name);
            assert.deepEqual([now?.command, now?.args], [server.command, server.args]);
          }
          assert.equal(undoSteps(file, edited.text, edited.steps).text, text);
        }),
        { numRuns: 60 },
      );
    });
  }
});
