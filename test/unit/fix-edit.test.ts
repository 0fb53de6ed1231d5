import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseConfig } from '../../src/core/config/config';
import { editServers, ServerChange, undoSteps } from '../../src/core/config/edit';

function change(server: string, add: Record<string, string>, extra: Partial<ServerChange> = {}): ServerChange {
  return { server, add, replace: {}, removeEnv: [], removeArgs: [], ...extra };
}

/** Fix, check only insertions happened, undo, check the bytes came back. */
function roundTrip(text: string, changes: ServerChange[]): string {
  const parsed = parseConfig('m.json', text);
  const edited = editServers(parsed, changes);
  assert.notEqual(edited.text, text);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(parseConfig('m.json', edited.text).servers.map((s) => s.env))));
  const undone = undoSteps('m.json', edited.text, edited.steps);
  assert.equal(undone.text, text, 'undo restores every byte');
  assert.equal(undone.kept.length, 0);
  return edited.text;
}

/** The original is the edited text with some substrings taken out: nothing outside changed. */
function isSubsequenceByInsertion(original: string, edited: string): boolean {
  let i = 0;
  for (let j = 0; j < edited.length && i < original.length; j += 1) if (edited[j] === original[i]) i += 1;
  return i === original.length;
}

describe('fix: byte-exact edits', () => {
  it('creates env in a commented, trailing-comma file and keeps the comments in place', () => {
    const text = '{\n  // top\n  "servers": {\n    "a": {\n      "command": "uvx", // launcher\n      "args": ["x"], /* keep */\n    },\n  },\n}\n';
    const out = roundTrip(text, [change('a', { SSL_CERT_FILE: '/b.pem', REQUESTS_CA_BUNDLE: '/b.pem' })]);
    assert.equal(
      out,
      '{\n  // top\n  "servers": {\n    "a": {\n      "command": "uvx", // launcher\n      "args": ["x"], /* keep */\n      "env": {\n        "SSL_CERT_FILE": "/b.pem",\n        "REQUESTS_CA_BUNDLE": "/b.pem"\n      },\n    },\n  },\n}\n',
    );
  });

  it('appends to an existing env without moving a trailing line comment', () => {
    const text = '{\n  "servers": {\n    "a": {\n      "command": "node",\n      "env": {\n        "X": "1" // keep\n      }\n    }\n  }\n}';
    const out = roundTrip(text, [change('a', { NODE_EXTRA_CA_CERTS: '/b.pem' })]);
    assert.ok(out.includes('"X": "1", // keep\n        "NODE_EXTRA_CA_CERTS": "/b.pem"\n      }'), out);
  });

  it('keeps CRLF, tabs, BOM-less text and no final newline', () => {
    const text = '{\r\n\t"mcpServers": {\r\n\t\t"a": {\r\n\t\t\t"command": "npx",\r\n\t\t\t"env": {}\r\n\t\t}\r\n\t}\r\n}';
    const out = roundTrip(text, [change('a', { NODE_EXTRA_CA_CERTS: '/b.pem' })]);
    assert.ok(out.includes('"env": {\r\n\t\t\t\t"NODE_EXTRA_CA_CERTS": "/b.pem"\r\n\t\t\t}'), JSON.stringify(out));
    assert.ok(!out.endsWith('\n'));
    assert.ok(!/[^\r]\n/.test(out), 'no bare LF');
  });

  it('keeps a 4-space indent and a minified single line', () => {
    const four = '{\n    "servers": {\n        "a": {\n            "command": "deno"\n        }\n    }\n}\n';
    assert.ok(roundTrip(four, [change('a', { DENO_CERT: '/b' })]).includes('\n            "env": {\n                "DENO_CERT": "/b"\n            }\n'));
    const mini = '{"mcpServers":{"a":{"command":"npx","args":["x"]}}}';
    assert.equal(roundTrip(mini, [change('a', { NODE_EXTRA_CA_CERTS: '/b' })]), '{"mcpServers":{"a":{"command":"npx","args":["x"], "env": {"NODE_EXTRA_CA_CERTS": "/b"}}}}');
  });

  it('inserts docker options before the image with the array’s own separator', () => {
    const text = '{\n  "mcpServers": {\n    "d": {\n      "command": "docker",\n      "args": [\n        "run",\n        "-i",\n        "img"\n      ]\n    }\n  }\n}\n';
    const out = roundTrip(text, [change('d', {}, { insertArgs: { index: 2, values: ['--mount', 'type=bind,source=/b,target=/c,readonly', '-e', 'SSL_CERT_FILE=/c'] } })]);
    assert.ok(out.includes('"-i",\n        "--mount",\n        "type=bind,source=/b,target=/c,readonly",\n        "-e",\n        "SSL_CERT_FILE=/c",\n        "img"'), out);
    const inline = '{"mcpServers":{"d":{"command":"docker","args":["run", "-i", "img"]}}}';
    assert.ok(roundTrip(inline, [change('d', {}, { insertArgs: { index: 2, values: ['-e', 'X=1'] } })]).includes('["run", "-i", "-e", "X=1", "img"]'));
  });

  it('replaces a value and restores the prior raw text on undo', () => {
    const text = '{ "servers": { "a": { "command": "python", "env": { "SSL_CERT_FILE": "/old.pem" } } } }';
    const out = roundTrip(text, [change('a', { REQUESTS_CA_BUNDLE: '/n' }, { replace: { SSL_CERT_FILE: '/n' } })]);
    assert.ok(out.includes('"SSL_CERT_FILE": "/n"'));
  });

  it('undo keeps an edit the user made after the fix', () => {
    const text = '{\n  "servers": {\n    "a": {\n      "command": "uvx"\n    },\n    "b": {\n      "command": "node"\n    }\n  }\n}\n';
    const parsed = parseConfig('m', text);
    const edited = editServers(parsed, [change('a', { SSL_CERT_FILE: '/b', REQUESTS_CA_BUNDLE: '/b' }), change('b', { NODE_EXTRA_CA_CERTS: '/b' })]);
    // The user adds a variable of their own to a's env, and renames a field of b.
    const userEdited = edited.text.replace('"REQUESTS_CA_BUNDLE": "/b"', '"REQUESTS_CA_BUNDLE": "/b",\n        "MINE": "1"').replace('"command": "node"', '"command": "node", "cwd": "/srv"');
    const undone = undoSteps('m', userEdited, edited.steps);
    const after = parseConfig('m', undone.text);
    assert.deepEqual(after.servers[0]?.env, { MINE: '1' });
    assert.deepEqual(after.servers[1]?.env, {});
    assert.equal(after.servers[1]?.cwd, '/srv');
    assert.ok(!undone.text.includes('"/b"'));
  });

  it('undo leaves a value the user changed since', () => {
    const text = '{ "servers": { "a": { "command": "node", "env": { "X": "1" } } } }';
    const edited = editServers(parseConfig('m', text), [change('a', { NODE_EXTRA_CA_CERTS: '/b' })]);
    const undone = undoSteps('m', edited.text.replace('"/b"', '"/mine"'), edited.steps);
    assert.equal(undone.kept.length, 1);
    assert.ok(undone.text.includes('"/mine"'));
  });

  it('property: random configs, comments and whitespace: fix only inserts, undo is the identity', () => {
    const ws = fc.constantFrom('', ' ', '  ', '\n', '\n  ', '\r\n', '\t', '\n\t\t');
    const comment = fc.constantFrom('', '', ' // note\n', ' /* c */', '\n// line\n');
    const gap = fc.tuple(ws, comment, ws).map(([a, c, b]) => a + c + b);
    const name = fc.constantFrom('a', 'b-c', 'srv.x', 'Ü');
    const value = fc.oneof(fc.string({ maxLength: 6 }).map((s) => JSON.stringify(s)), fc.integer().map(String), fc.constant('null'));
    const obj = (members: [string, string][], g: string[], trailing: boolean): string =>
      `{${members.map(([k, v], i) => `${g[i % g.length]}${JSON.stringify(k)}${g[(i + 1) % g.length]}:${g[(i + 2) % g.length]}${v}`).join(',')}${trailing && members.length > 0 ? ',' : ''}${g[0]}}`;
    const server = fc.record({
      hasEnv: fc.boolean(),
      env: fc.array(fc.tuple(fc.constantFrom('A', 'B', 'PATH', 'X_Y'), value), { maxLength: 3 }),
      hasArgs: fc.boolean(),
      trailing: fc.boolean(),
      gaps: fc.array(gap, { minLength: 3, maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(name, server), { minLength: 1, maxLength: 3, selector: ([n]) => n }), fc.boolean(), fc.boolean(), (servers, useMcpServers, pick) => {
        const serverTexts: [string, string][] = servers.map(([n, s]) => {
          const env = [...new Map(s.env).entries()];
          const members: [string, string][] = [['command', '"uvx"']];
          if (s.hasArgs) members.push(['args', '["run", "x"]']);
          if (s.hasEnv) members.push(['env', obj(env, s.gaps, s.trailing)]);
          return [n, obj(members, s.gaps, s.trailing)];
        });
        const first = servers[0]?.[1].gaps ?? [''];
        const text = obj([[useMcpServers ? 'mcpServers' : 'servers', obj(serverTexts, first, pick)]], first, false);
        const parsed = parseConfig('p.json', text);
        const changes = parsed.servers
          .filter((_, i) => pick || i === 0)
          .map((s) => change(s.name, Object.fromEntries(['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE'].filter((k) => !(k in s.env)).map((k) => [k, '${userHome}/.mcp-ssl-doctor/ca-bundle-0123456789ab.pem']))));
        const edited = editServers(parsed, changes);
        assert.ok(isSubsequenceByInsertion(text, edited.text), 'only insertions');
        const reparsed = parseConfig('p.json', edited.text);
        for (const c of changes) {
          const env = reparsed.servers.find((s) => s.name === c.server)?.env ?? {};
          for (const [k, v] of Object.entries(c.add)) assert.equal(env[k], v);
        }
        assert.equal(undoSteps('p.json', edited.text, edited.steps).text, text);
      }),
      { numRuns: 300 },
    );
  });
});
