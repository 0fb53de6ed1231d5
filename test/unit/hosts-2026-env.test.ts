// What the terminal agents and other editors of 2026 pass to a stdio server (hostEnv.ts rows): the
// variables this tool writes must reach the server where each host passes them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CODEX_DEFAULT_POSIX, effectiveServerEnv, hostPassing, interpolate } from '../../src/core/hosts/env';

const machine = {
  HOME: '/home/u',
  PATH: '/usr/bin:/bin',
  USER: 'u',
  LANG: 'C.UTF-8',
  SSL_CERT_FILE: '/etc/ssl/corp.pem',
  NODE_EXTRA_CA_CERTS: '/etc/ssl/corp.pem',
  HTTPS_PROXY: 'http://proxy:3128',
  GH_TOKEN: 'secret',
  DATABASE_URL: 'postgres://x',
  XDG_DATA_HOME: '/home/u/.local/share',
};

describe('hosts of 2026: environment passed to stdio servers', () => {
  test('Codex clears the environment: its fixed list, the names in env_vars, the literal env (no interpolation)', () => {
    assert.equal(hostPassing('codex', 'linux').passing.kind, 'allowlist');
    assert.ok(CODEX_DEFAULT_POSIX.includes('TZ') && !CODEX_DEFAULT_POSIX.includes('SSL_CERT_FILE'));
    const env = effectiveServerEnv({
      host: 'codex',
      platform: 'linux',
      hostProcessEnv: machine,
      entryEnv: { NODE_EXTRA_CA_CERTS: '/b.pem', TOKEN: '${GH_TOKEN}' },
      passNames: ['HTTPS_PROXY'],
    });
    assert.deepEqual(env, {
      HOME: '/home/u',
      PATH: '/usr/bin:/bin',
      USER: 'u',
      LANG: 'C.UTF-8',
      HTTPS_PROXY: 'http://proxy:3128',
      NODE_EXTRA_CA_CERTS: '/b.pem',
      TOKEN: '${GH_TOKEN}',
    });
    // On Windows its list is the Windows one.
    const win = effectiveServerEnv({ host: 'codex', platform: 'win32', hostProcessEnv: { Path: 'C:\\W', ComSpec: 'cmd', SSL_CERT_FILE: 'C:\\c.pem' }, entryEnv: {} });
    assert.deepEqual(win, { Path: 'C:\\W', ComSpec: 'cmd' });
  });

  test('Gemini CLI redacts inherited names matching CERT/KEY/TOKEN...: an inherited CA variable is gone, the entry env stays and is expanded', () => {
    const env = effectiveServerEnv({
      host: 'gemini-cli',
      platform: 'linux',
      hostProcessEnv: machine,
      entryEnv: { REQUESTS_CA_BUNDLE: '/b.pem', NODE_EXTRA_CA_CERTS: '$NODE_EXTRA_CA_CERTS', API: '${MISSING:-none}' },
    });
    assert.equal(env.SSL_CERT_FILE, undefined, 'inherited SSL_CERT_FILE is redacted');
    assert.equal(env.GH_TOKEN, undefined);
    assert.equal(env.DATABASE_URL, undefined);
    assert.equal(env.HTTPS_PROXY, 'http://proxy:3128');
    assert.equal(env.XDG_DATA_HOME, '/home/u/.local/share');
    assert.equal(env.REQUESTS_CA_BUNDLE, '/b.pem');
    // Explicit env survives, expanded against the unsanitised environment.
    assert.equal(env.NODE_EXTRA_CA_CERTS, '/etc/ssl/corp.pem');
    assert.equal(env.API, 'none');
  });

  test('Gemini CLI on Windows also expands %VAR%, names in any case; names are redacted case-insensitively', () => {
    const env = effectiveServerEnv({
      host: 'gemini-cli',
      platform: 'win32',
      hostProcessEnv: { Path: 'C:\\W', UserProfile: 'C:\\Users\\u', Ssl_Cert_File: 'C:\\corp.pem' },
      entryEnv: { NODE_EXTRA_CA_CERTS: '%USERPROFILE%\\.mcp-ssl-doctor\\b.pem', X: '%NOPE%' },
    });
    assert.equal(env.Ssl_Cert_File, undefined);
    assert.equal(env.NODE_EXTRA_CA_CERTS, 'C:\\Users\\u\\.mcp-ssl-doctor\\b.pem');
    assert.equal(env.X, '%NOPE%');
    // Linux: %VAR% is text.
    assert.equal(effectiveServerEnv({ host: 'gemini-cli', platform: 'linux', hostProcessEnv: { HOME: '/h' }, entryEnv: { X: '%HOME%' } }).X, '%HOME%');
  });

  test('Copilot CLI passes only PATH; ${VAR:-default} in env', () => {
    const env = effectiveServerEnv({ host: 'copilot-cli', platform: 'darwin', hostProcessEnv: machine, entryEnv: { SSL_CERT_FILE: '${CA:-/b.pem}', HOME: '$HOME' } });
    assert.deepEqual(env, { PATH: '/usr/bin:/bin', SSL_CERT_FILE: '/b.pem', HOME: '/home/u' });
  });

  test('Zed, opencode and Goose inherit; the entry env on top, literal', () => {
    for (const host of ['zed', 'opencode', 'goose'] as const) {
      const env = effectiveServerEnv({ host, platform: 'linux', hostProcessEnv: machine, entryEnv: { SSL_CERT_FILE: '/b.pem', X: '$HOME' } });
      assert.equal(env.SSL_CERT_FILE, '/b.pem', host);
      assert.equal(env.GH_TOKEN, 'secret', host);
      assert.equal(env.X, '$HOME', host);
    }
  });

  test('opencode expands {env:VAR} in environment values', () => {
    const env = effectiveServerEnv({ host: 'opencode', platform: 'linux', hostProcessEnv: machine, entryEnv: { P: '{env:HTTPS_PROXY}', Q: '{env:NOPE}' } });
    assert.deepEqual([env.P, env.Q], ['http://proxy:3128', '']);
  });

  test('Amazon Q applies its own environment after the entry env: an inherited value wins; ${env:VAR} is expanded', () => {
    const env = effectiveServerEnv({
      host: 'amazon-q',
      platform: 'linux',
      hostProcessEnv: machine,
      entryEnv: { SSL_CERT_FILE: '/b.pem', REQUESTS_CA_BUNDLE: '/b.pem', P: '${env:HTTPS_PROXY}', Q: '${env:NOPE}' },
    });
    assert.equal(env.SSL_CERT_FILE, '/etc/ssl/corp.pem', 'the inherited value overrides the entry');
    assert.equal(env.REQUESTS_CA_BUNDLE, '/b.pem');
    assert.equal(env.P, 'http://proxy:3128');
    assert.equal(env.Q, '${NOPE}');
  });

  test('Junie and LM Studio: unconfirmed, so the SDK allowlist (the entry env is the only safe place)', () => {
    for (const host of ['junie', 'lm-studio'] as const) {
      const env = effectiveServerEnv({ host, platform: 'linux', hostProcessEnv: machine, entryEnv: {} });
      assert.equal(env.SSL_CERT_FILE, undefined, host);
      assert.match(hostPassing(host, 'linux').source, /\[UNCONFIRMED\]/);
    }
  });

  test('interpolate: the three syntaxes', () => {
    const env = { A: 'a', E: '' };
    assert.equal(interpolate('$A/${A}/${B}/${E:-d}', 'dollar-default', env), 'a/a//d');
    assert.equal(interpolate('${B:-d}', 'dollar', env), '${B:-d}');
    assert.equal(interpolate('${env:A}-$A', 'env-colon', env), 'a-$A');
  });
});
