import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { undoFix } from '../../src/core/fix/undo';
import { applyHostTrust, CommandRunner, HOST_TRUST_MANIFEST_PREFIX, undoHostTrust, undoOsStore } from '../../src/core/hostTrust/apply';
import { HostTrustOptions, planHostTrust } from '../../src/core/hostTrust/plan';
import type { HostTrustPlan } from '../../src/core/hostTrust/types';
import { DoctorError } from '../../src/core/types';
import { cleanup, tempDir, testCas } from '../fixtures/configs/harness';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'hostTrust');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');

let dir: string;
let root: HostTrustOptions['root'];

before(async () => {
  dir = tempDir('mcp-host-trust-');
  const { corporate } = await testCas();
  root = { pem: corporate.pem, subject: corporate.subject, sha256: createHash('sha256').update(new X509Certificate(corporate.pem).raw).digest('hex') };
});
after(() => cleanup(dir));

let n = 0;
/** A fresh home with the bundle folder; files go where the plan says. */
function home(): string {
  n += 1;
  const h = path.join(dir, `home${n}`);
  mkdirSync(path.join(h, '.mcp-ssl-doctor'), { recursive: true });
  return h;
}

function plan(h: string, extra: Partial<HostTrustOptions> = {}): HostTrustPlan {
  return planHostTrust({
    hostApp: 'vscode',
    platform: 'linux',
    home: h,
    root,
    rootInOsStore: true,
    bundlePath: path.join(h, '.mcp-ssl-doctor', 'ca-bundle-0123456789ab.pem'),
    editorSettingsPath: path.join(h, 'ud', 'User', 'settings.json'),
    availableSettings: ['http.systemCertificates', 'http.systemCertificatesNode', 'http.experimental.systemCertificatesV2'],
    ...extra,
  });
}

function write(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** Only insertions happened: the original is a subsequence of the edited text. */
function onlyInsertions(original: string, edited: string): boolean {
  let i = 0;
  for (let j = 0; j < edited.length && i < original.length; j += 1) if (edited[j] === original[i]) i += 1;
  return i === original.length;
}

function manifests(h: string): string[] {
  const undo = path.join(h, '.mcp-ssl-doctor', 'undo');
  return existsSync(undo) ? readdirSync(undo) : [];
}

const variants: [string, (t: string) => string][] = [
  ['LF', (t) => t],
  ['CRLF', (t) => t.replace(/\n/g, '\r\n')],
  ['BOM + CRLF', (t) => `\uFEFF${t.replace(/\n/g, '\r\n')}`],
  ['tabs', (t) => t.replace(/^( {4})+/gm, (m) => '\t'.repeat(m.length / 4))],
];

describe('host trust: apply and undo, byte-exact', () => {
  for (const [name, make] of variants) {
    it(`VS Code user settings.json (${name}, comments): both settings appended, idempotent, undo gives every byte back`, async () => {
      const h = home();
      const p = plan(h);
      const file = write((p.steps[0] as { file: string }).file, make(fixture('vscode-user-settings.jsonc')));
      const original = readFileSync(file);
      const first = await applyHostTrust(p);
      const edited = readFileSync(file, 'utf8');
      assert.deepEqual(first.steps.map((s) => s.outcome), ['changed', 'changed']);
      assert.equal(first.files[0]?.changed, true);
      assert.ok(onlyInsertions(original.toString('utf8'), edited), 'nothing outside the new members changed');
      const eol = name.includes('CRLF') ? '\r\n' : '\n';
      const indent = name === 'tabs' ? '\t' : '    ';
      assert.ok(
        edited.includes(`"files.trimTrailingWhitespace": true, // last one${eol}${indent}"http.systemCertificates": true,${eol}${indent}"http.systemCertificatesNode": true${eol}}`),
        edited,
      );
      assert.equal(edited.startsWith('\uFEFF'), name.startsWith('BOM'));
      assert.equal(/\r\n/.test(edited), name.includes('CRLF'));
      assert.equal(/[^\r]\n/.test(edited), !name.includes('CRLF'), 'no mixed line ends');
      assert.deepEqual(manifests(h).map((m) => m.startsWith(HOST_TRUST_MANIFEST_PREFIX)), [true]);

      const second = await applyHostTrust(p);
      assert.ok(readFileSync(file).equals(Buffer.from(edited, 'utf8')), 'a second apply changes no byte');
      assert.deepEqual(second.steps.map((s) => s.outcome), ['unchanged', 'unchanged']);
      assert.equal(second.files[0]?.undoManifest, null);

      const undone = await undoHostTrust(file, { home: h });
      assert.ok(readFileSync(file).equals(original), 'byte-for-byte after undo');
      assert.equal(undone.identical, true);
      assert.deepEqual(undone.removed.sort(), ['http.systemCertificates', 'http.systemCertificatesNode']);
      assert.equal(undone.remaining, 0);
      assert.deepEqual(manifests(h), [], 'the manifest goes with its last record');
    });
  }

  it('a setting switched off by hand is switched on, and undo switches it off again byte-exactly', async () => {
    const h = home();
    const p = plan(h, { availableSettings: ['http.systemCertificates'] });
    const text = fixture('vscode-user-settings-off.jsonc');
    const file = write((p.steps[0] as { file: string }).file, text);
    await applyHostTrust(p);
    assert.equal(readFileSync(file, 'utf8'), text.replace('"http.systemCertificates": false', '"http.systemCertificates": true'));
    await undoHostTrust(file, { home: h });
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  it('no settings.json yet: created (owner-only), and undo removes it again', async () => {
    const h = home();
    const p = plan(h);
    const file = (p.steps[0] as { file: string }).file;
    const result = await applyHostTrust(p);
    assert.equal(readFileSync(file, 'utf8'), '{\n  "http.systemCertificates": true,\n  "http.systemCertificatesNode": true\n}\n');
    assert.equal(result.files[0]?.created, true);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const undone = await undoHostTrust(file, { home: h });
    assert.equal(existsSync(file), false);
    assert.equal(undone.identical, true);
  });

  it('an empty (whitespace) settings.json is filled, and undo puts the whitespace back', async () => {
    const h = home();
    const p = plan(h);
    const file = write((p.steps[0] as { file: string }).file, '\r\n');
    await applyHostTrust(p);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { 'http.systemCertificates': true, 'http.systemCertificatesNode': true });
    await undoHostTrust(file, { home: h });
    assert.equal(readFileSync(file, 'utf8'), '\r\n');
  });

  it('Claude Code settings.json with env: NODE_EXTRA_CA_CERTS appended beside HTTPS_PROXY; undo byte-exact', async () => {
    for (const [label, make] of variants) {
      const h = home();
      const p = plan(h, { hostApp: 'claude-code' });
      const text = make(fixture('claude-settings.json'));
      const file = write(path.join(h, '.claude', 'settings.json'), text);
      const result = await applyHostTrust(p);
      const edited = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').replace(/\r\n/g, '\n');
      const bundle = path.join(h, '.mcp-ssl-doctor', 'ca-bundle-0123456789ab.pem');
      assert.deepEqual(JSON.parse(edited).env, { HTTPS_PROXY: 'http://127.0.0.1:8081', NODE_EXTRA_CA_CERTS: bundle }, label);
      assert.ok(onlyInsertions(text, readFileSync(file, 'utf8')), label);
      assert.deepEqual(result.steps.map((s) => [s.step.kind, s.outcome]), [['claude-code-env', 'changed'], ['explain', 'shown']]);
      const before = readFileSync(file);
      await applyHostTrust(p);
      assert.ok(readFileSync(file).equals(before), `${label}: idempotent`);
      await undoHostTrust(file, { home: h });
      assert.equal(readFileSync(file, 'utf8'), text, label);
    }
  });

  it('Claude Code settings.json without env: an env object is added; no file and no ~/.claude: both created', async () => {
    const h = home();
    const p = plan(h, { hostApp: 'claude-code' });
    const bundle = path.join(h, '.mcp-ssl-doctor', 'ca-bundle-0123456789ab.pem');
    const text = fixture('claude-settings-noenv.json');
    const file = write(path.join(h, '.claude', 'settings.json'), text);
    await applyHostTrust(p);
    assert.equal(readFileSync(file, 'utf8'), text.replace('    "deny": []\n  }\n}', `    "deny": []\n  },\n  "env": {\n    "NODE_EXTRA_CA_CERTS": ${JSON.stringify(bundle)}\n  }\n}`));
    await undoHostTrust(file, { home: h });
    assert.equal(readFileSync(file, 'utf8'), text);

    const fresh = home();
    const q = plan(fresh, { hostApp: 'claude-code' });
    const created = path.join(fresh, '.claude', 'settings.json');
    await applyHostTrust(q);
    assert.deepEqual(JSON.parse(readFileSync(created, 'utf8')), { env: { NODE_EXTRA_CA_CERTS: path.join(fresh, '.mcp-ssl-doctor', 'ca-bundle-0123456789ab.pem') } });
    await undoHostTrust(created, { home: fresh });
    assert.equal(existsSync(created), false);
  });

  it('another NODE_EXTRA_CA_CERTS is kept unless replacing is asked for (it takes one file); replace is undone exactly', async () => {
    const h = home();
    const p = plan(h, { hostApp: 'claude-code' });
    const text = '{\n  "env": {\n    "NODE_EXTRA_CA_CERTS": "/Users/me/zscaler.pem" // IT\n  }\n}\n';
    const file = write(path.join(h, '.claude', 'settings.json'), text);
    const kept = await applyHostTrust(p);
    assert.deepEqual(kept.steps[0]?.outcome, 'kept-existing');
    assert.equal(kept.steps[0]?.detail, '"/Users/me/zscaler.pem"');
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.deepEqual(manifests(h), []);
    await applyHostTrust(p, { replaceExisting: true });
    assert.match(readFileSync(file, 'utf8'), /"NODE_EXTRA_CA_CERTS": ".*ca-bundle-0123456789ab\.pem" \/\/ IT/);
    await undoHostTrust(file, { home: h });
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  it('undo after later edits takes out only what the fix added', async () => {
    const h = home();
    const p = plan(h, { hostApp: 'claude-code' });
    const file = path.join(h, '.claude', 'settings.json');
    write(file, fixture('claude-settings-noenv.json'));
    await applyHostTrust(p);
    // The user adds a variable to the env object the fix created, and a setting elsewhere.
    const edited = readFileSync(file, 'utf8')
      .replace('"env": {\n', '"env": {\n    "HTTPS_PROXY": "http://proxy:3128",\n')
      .replace('"model": "sonnet",', '"model": "opus",');
    writeFileSync(file, edited);
    const undone = await undoHostTrust(file, { home: h });
    assert.equal(undone.identical, false);
    assert.deepEqual(undone.removed, ['env']);
    const left = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(left.env, { HTTPS_PROXY: 'http://proxy:3128' });
    assert.equal(left.model, 'opus');
  });

  it('reports a verification-disabling variable already in Claude Code env (never removes it here)', async () => {
    const h = home();
    const text = '{ "env": { "NODE_TLS_REJECT_UNAUTHORIZED": "0" } }';
    const file = write(path.join(h, '.claude', 'settings.json'), text);
    const result = await applyHostTrust(plan(h, { hostApp: 'claude-code' }));
    assert.deepEqual(result.insecure, [{ file, where: 'env.NODE_TLS_REJECT_UNAUTHORIZED', setting: 'NODE_TLS_REJECT_UNAUTHORIZED=0' }]);
    assert.match(readFileSync(file, 'utf8'), /^\{ "env": \{ "NODE_TLS_REJECT_UNAUTHORIZED": "0", "NODE_EXTRA_CA_CERTS": ".*" \} \}$/);
  });

  it('broken files are refused and left untouched: syntax error, duplicate key, not an object, env not an object', async () => {
    const cases: [string, string, RegExp][] = [
      ['{ "a": 1,, }', 'malformed-config', /not valid JSON/],
      ['{ "http.systemCertificates": false, "http.systemCertificates": false }', 'malformed-config', /appears twice/],
      ['[1, 2]', 'unknown-config', /not a JSON object/],
    ];
    for (const [text, kind, message] of cases) {
      const h = home();
      const p = plan(h);
      const file = write((p.steps[0] as { file: string }).file, text);
      await assert.rejects(applyHostTrust(p), (error: unknown) => error instanceof DoctorError && error.kind === kind && message.test(error.message));
      assert.equal(readFileSync(file, 'utf8'), text);
      assert.deepEqual(manifests(h), []);
    }
    const h = home();
    const file = write(path.join(h, '.claude', 'settings.json'), '{ "env": "NODE_EXTRA_CA_CERTS=/x" }');
    await assert.rejects(applyHostTrust(plan(h, { hostApp: 'claude-code' })), /"env" is not an object/);
    assert.equal(readFileSync(file, 'utf8'), '{ "env": "NODE_EXTRA_CA_CERTS=/x" }');
  });

  it('a symlinked settings.json (dotfiles repo) is written through; the link stays', async () => {
    const h = home();
    const p = plan(h, { hostApp: 'claude-code' });
    const real = write(path.join(h, 'dotfiles', 'claude-settings.json'), fixture('claude-settings.json'));
    mkdirSync(path.join(h, '.claude'));
    const link = path.join(h, '.claude', 'settings.json');
    symlinkSync(real, link);
    await applyHostTrust(p);
    assert.match(readFileSync(real, 'utf8'), /NODE_EXTRA_CA_CERTS/);
    await undoHostTrust(link, { home: h });
    assert.equal(readFileSync(real, 'utf8'), fixture('claude-settings.json'));
  });

  it("as root for another user's home: created files and folders, the manifest and edited files stay that user's", { skip: process.getuid?.() === 0 ? false : 'needs root' }, async () => {
    const h = home();
    const uid = 4242;
    const gid = 4343;
    chownSync(h, uid, gid);
    chownSync(path.join(h, '.mcp-ssl-doctor'), uid, gid);
    const p = plan(h, { hostApp: 'claude-code' });
    const file = path.join(h, '.claude', 'settings.json');
    await applyHostTrust(p);
    for (const made of [path.join(h, '.claude'), file, path.join(h, '.mcp-ssl-doctor', 'undo'), path.join(h, '.mcp-ssl-doctor', 'undo', manifests(h)[0] ?? '')]) {
      assert.deepEqual([statSync(made).uid, statSync(made).gid], [uid, gid], made);
    }
    // An existing file of theirs keeps its owner through the edit and the undo.
    const q = plan(h);
    const settings = write((q.steps[0] as { file: string }).file, '{}');
    chownSync(settings, uid, gid);
    await applyHostTrust(q);
    assert.equal(statSync(settings).uid, uid);
    await undoHostTrust(settings, { home: h });
    assert.deepEqual([statSync(settings).uid, readFileSync(settings, 'utf8')], [uid, '{}']);
  });

  it('as root for another user: a settings path that a symlink sends outside their home is refused, nothing written there', { skip: process.getuid?.() === 0 ? false : 'needs root' }, async () => {
    const h = home();
    chownSync(h, 4242, 4343);
    const outside = path.join(dir, `outside${n}`);
    mkdirSync(outside);
    symlinkSync(outside, path.join(h, '.claude'));
    await assert.rejects(applyHostTrust(plan(h, { hostApp: 'claude-code' })), (error: unknown) => error instanceof DoctorError && error.kind === 'refused' && /outside that home/.test(error.message));
    assert.deepEqual(readdirSync(outside), []);
    assert.deepEqual(manifests(h), []);
  });

  it('core/fix undo does not take a host-trust manifest for its own', async () => {
    const h = home();
    const p = plan(h);
    const file = write((p.steps[0] as { file: string }).file, '{}');
    await applyHostTrust(p);
    await assert.rejects(undoFix({ configPath: file, home: h }), /nothing to undo/);
    await undoHostTrust(file, { home: h });
    assert.equal(readFileSync(file, 'utf8'), '{}');
  });
});

describe('host trust: the OS store step', () => {
  function recorder(code = 0, stderr = ''): { run: CommandRunner; calls: string[][] } {
    const calls: string[][] = [];
    return {
      calls,
      run: async (argv) => {
        calls.push(argv);
        return { code, stdout: '', stderr };
      },
    };
  }

  it('macOS: runs nothing until confirmed; confirmed, runs exactly the planned argv on the written root file', async () => {
    const h = home();
    const p = plan(h, { platform: 'darwin', rootInOsStore: false });
    const step = p.steps[0];
    assert.ok(step?.kind === 'os-store');
    const unconfirmed = recorder();
    const first = await applyHostTrust(p, { run: unconfirmed.run });
    assert.equal(first.steps[0]?.outcome, 'needs-confirmation');
    assert.deepEqual(unconfirmed.calls, []);
    const confirmed = recorder();
    const second = await applyHostTrust(p, { run: confirmed.run, confirmedOsStore: true });
    assert.equal(second.steps[0]?.outcome, 'ran');
    assert.deepEqual(confirmed.calls, [step.argv]);
    assert.equal(readFileSync(step.certFile, 'utf8'), root.pem, 'the file holds the root alone');
    const undo = recorder();
    assert.equal((await undoOsStore(step, { confirmed: true, run: undo.run })).outcome, 'ran');
    assert.deepEqual(undo.calls, [step.undoArgv, step.undoCleanupArgv]);
  });

  it("a refused or failed store command is reported with the tool's own message", async () => {
    const h = home();
    // (macOS paths: a win32 plan's paths mean nothing on this POSIX test machine.)
    const p = plan(h, { platform: 'darwin', rootInOsStore: false });
    const failing = recorder(1, 'SecTrustSettingsSetTrustSettings: The authorization was canceled by the user.\n');
    const result = await applyHostTrust(p, { run: failing.run, confirmedOsStore: true });
    assert.deepEqual([result.steps[0]?.outcome, result.steps[0]?.detail], ['failed', 'SecTrustSettingsSetTrustSettings: The authorization was canceled by the user.']);
    // Nothing is written after it: the settings alone would not help without the root in the store.
    assert.deepEqual(result.steps.slice(1).map((s) => [s.step.kind, s.outcome]), [
      ['editor-setting', 'not-run'],
      ['editor-setting', 'not-run'],
    ]);
    assert.equal(result.stopped, 'os-store-failed');
    assert.deepEqual(result.files, []);
    assert.equal(existsSync((p.steps[1] as { file: string }).file), false, 'no settings file was created');
    assert.deepEqual(manifests(h), [], 'no undo record');
  });

  it('Linux: never runs, even confirmed: the root file is written for the administrator and the command shown', async () => {
    const h = home();
    const p = plan(h, { rootInOsStore: false });
    const never = recorder();
    const result = await applyHostTrust(p, { run: never.run, confirmedOsStore: true });
    assert.deepEqual(never.calls, []);
    assert.deepEqual(result.steps.map((s) => [s.step.kind, s.outcome]), [
      ['os-store', 'shown'],
      ['editor-setting', 'changed'],
      ['editor-setting', 'changed'],
      ['editor-process-env', 'shown'],
    ]);
    const step = p.steps[0];
    assert.ok(step?.kind === 'os-store');
    assert.equal(readFileSync(step.certFile, 'utf8'), root.pem);
    assert.ok(step.command.includes(step.certFile));
  });
});
