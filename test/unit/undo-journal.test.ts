// The one undo journal: config fixes and host-level edits recorded with the same checks, found by the
// home they were written for, and all taken back by `undo --home` (or `undo` alone), newest first.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { journalPath, sha256 } from '../../src/core/fix/journal';
import { undoDir } from '../../src/core/fix/paths';
import { recordedConfigFixes } from '../../src/core/fix/undo';
import { UndoStore } from '../../src/extension/undoStore';
import { applyHostTrust, undoHostTrust } from '../../src/core/hostTrust/apply';
import { planHostTrust } from '../../src/core/hostTrust/plan';
import { DoctorError } from '../../src/core/types';
import { cleanup, fixture, runCli, tempDir, testCas } from '../fixtures/configs/harness';

const JOURNAL_FIXTURES = path.join(__dirname, '..', 'fixtures', 'journal');
const journalFixture = (name: string): string => readFileSync(path.join(JOURNAL_FIXTURES, name), 'utf8');

let dir: string;
let caFile: string;
let publicFile: string;
let root: { pem: string; subject: string; sha256: string };

before(async () => {
  dir = tempDir('mcp-undo-journal-');
  const cas = await testCas();
  caFile = path.join(dir, 'corp.pem');
  publicFile = path.join(dir, 'public.pem');
  writeFileSync(caFile, cas.corporate.pem);
  writeFileSync(publicFile, cas.publicRoot.pem);
  root = { pem: cas.corporate.pem, subject: cas.corporate.subject, sha256: createHash('sha256').update(new X509Certificate(cas.corporate.pem).raw).digest('hex') };
});
after(() => cleanup(dir));

let n = 0;
function freshHome(): string {
  n += 1;
  const home = path.join(dir, `home${n}`);
  mkdirSync(home);
  return home;
}

function write(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

/** Every file and folder under `root` with its bytes (folders as ''): what a run left behind. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        out.set(`${full}/`, '');
        walk(full);
      } else out.set(full, readFileSync(full, 'latin1'));
    }
  };
  walk(root);
  return out;
}

// The OS store (IT's) holds the corporate CA: `--ca` trusts only a CA some store knows.
const trust = (): string[] => ['--ca', caFile, '--public-ca', publicFile, '--system-ca', caFile];

describe('undo: one journal for every file the tool writes', () => {
  it('undo --home takes back every config fix and host-level edit, newest first, byte for byte; the bundle and the folders the fixes created go too', async () => {
    const home = freshHome();
    const claudeJson = write(path.join(home, '.claude.json'), fixture('dot-mcp.json'));
    const cursor = write(path.join(home, '.cursor', 'mcp.json'), fixture('vscode-mcp.json'));
    const before = snapshot(home);
    const env = { HOME: home };
    // Two fixes of one file (the second points the variable at another bundle), one of another.
    for (const [config, ...extra] of [[claudeJson, '--mode', 'ca-only'], [cursor], [claudeJson, '--replace']] as const) {
      const fixed = await runCli(['fix', '--config', config, ...trust(), ...extra], { env, cwd: home });
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.match(fixed.stdout, /SSL_CERT_FILE|NODE_EXTRA_CA_CERTS/);
    }
    assert.equal(readdirSync(undoDir(home)).length, 2, 'one journal file per config');
    // Claude Code's settings file does not exist yet: the host-level fix creates it and its folder.
    const hostLevel = await runCli(['fix', '--host-level', 'claude-code', ...trust()], { env, cwd: home });
    assert.equal(hostLevel.code, 0, hostLevel.stderr);
    assert.ok(existsSync(path.join(home, '.claude', 'settings.json')));
    assert.notDeepEqual(snapshot(home), before);

    // Run by someone else (root for this home, an IT script): --home names whose journal.
    const undo = await runCli(['undo', '--home', home, '--json'], { env: { HOME: freshHome() }, cwd: dir });
    assert.equal(undo.code, 0, undo.stderr + undo.stdout);
    const json = JSON.parse(undo.stdout) as { undone: { kind: string; result: { config?: string; file?: string; identical: boolean } }[]; removedFiles: string[]; removedFolders: string[]; failed: unknown[] };
    assert.deepEqual(
      json.undone.map((done) => [done.kind, done.result.config ?? done.result.file, done.result.identical]),
      [
        ['host-trust', path.join(home, '.claude', 'settings.json'), true],
        ['config', claudeJson, true],
        ['config', cursor, true],
        ['config', claudeJson, true],
      ],
    );
    assert.deepEqual(json.failed, []);
    assert.equal(json.removedFiles.length, 2, 'the two bundles (ca-only and combined)');
    assert.deepEqual(snapshot(home), before, 'every file as it was, nothing left behind');
    assert.ok(json.removedFolders.includes(path.join(home, '.claude')));
    assert.ok(json.removedFolders.includes(path.join(home, '.mcp-ssl-doctor')));
  });

  it('undo with neither --config nor --home takes back everything recorded for your home; then there is nothing to undo', async () => {
    const home = freshHome();
    const config = write(path.join(home, '.cursor', 'mcp.json'), fixture('vscode-mcp.json'));
    const before = snapshot(home);
    assert.equal((await runCli(['fix', '--config', config, ...trust()], { env: { HOME: home }, cwd: home })).code, 0);
    const undo = await runCli(['undo'], { env: { HOME: home }, cwd: dir });
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stdout, /Everything the tool recorded for this home is taken back/);
    assert.deepEqual(snapshot(home), before);
    const again = await runCli(['undo'], { env: { HOME: home }, cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /nothing to undo/);
  });

  it('undo --config FILE finds the record in the journal of the home the file lies in (doctor --home H as another user)', async () => {
    const home = freshHome();
    const config = write(path.join(home, '.claude.json'), fixture('dot-mcp.json'));
    assert.equal((await runCli(['fix', '--config', config, ...trust()], { env: { HOME: home }, cwd: home })).code, 0);
    assert.equal(readdirSync(undoDir(home)).length, 1, 'recorded under that home');
    const undo = await runCli(['undo', '--config', config, '--json'], { env: { HOME: freshHome() }, cwd: dir });
    assert.equal(undo.code, 0, undo.stderr);
    assert.equal((JSON.parse(undo.stdout) as { identical: boolean }).identical, true);
    assert.equal(readFileSync(config, 'utf8'), fixture('dot-mcp.json'));
  });

  it('journal files the previous release wrote (both prefixes) are still read and taken back', async () => {
    const home = freshHome();
    const fill = (text: string): string => text.replaceAll('__HOME__', home);
    const mcp = write(path.join(home, '.mcp.json'), fill(journalFixture('dot-mcp.fixed.json')));
    const settings = write(path.join(home, '.claude', 'settings.json'), fill(journalFixture('claude-settings.fixed.json')));
    const settingsBefore = '{\n  "model": "opus"\n}\n';
    // The hashes are of the bytes with the home path the records name: recomputed for this home.
    const config = JSON.parse(fill(journalFixture('old-config-journal.json'))) as { fixes: { priorHash: string; postHash: string }[] };
    Object.assign(config.fixes[0] ?? {}, { priorHash: sha256(fixture('dot-mcp.json')), postHash: sha256(readFileSync(mcp)) });
    const host = JSON.parse(fill(journalFixture('old-host-trust-journal.json'))) as { records: { priorHash: string; postHash: string }[] };
    Object.assign(host.records[0] ?? {}, { priorHash: sha256(settingsBefore), postHash: sha256(readFileSync(settings)) });
    mkdirSync(undoDir(home), { recursive: true, mode: 0o700 });
    writeFileSync(journalPath(undoDir(home), 'config', mcp), JSON.stringify(config, null, 2), { mode: 0o600 });
    writeFileSync(journalPath(undoDir(home), 'host-trust', settings), JSON.stringify(host, null, 2), { mode: 0o600 });

    const undo = await runCli(['undo', '--home', home], { env: { HOME: home }, cwd: dir });
    assert.equal(undo.code, 0, undo.stderr + undo.stdout);
    assert.equal(readFileSync(mcp, 'utf8'), fixture('dot-mcp.json'));
    assert.equal(readFileSync(settings, 'utf8'), settingsBefore);
    // An old record names no host: Claude Code's by the file's place.
    assert.match(undo.stdout, /Restart Claude Code/);
    assert.equal(existsSync(undoDir(home)), false);
  });

  it('the message after undoing VS Code\'s settings names VS Code, not Claude Code', async () => {
    const home = freshHome();
    const settings = write(path.join(home, '.config', 'Code', 'User', 'settings.json'), '{\n  "editor.fontSize": 13\n}\n');
    const plan = planHostTrust({
      hostApp: 'vscode',
      platform: 'linux',
      home,
      root,
      rootInOsStore: true,
      bundlePath: path.join(home, '.mcp-ssl-doctor', 'ca-bundle-0123456789ab.pem'),
      editorSettingsPath: settings,
      availableSettings: ['http.systemCertificates', 'http.systemCertificatesNode'],
    });
    await applyHostTrust(plan);
    assert.notEqual(readFileSync(settings, 'utf8'), '{\n  "editor.fontSize": 13\n}\n');
    const undo = await runCli(['undo', '--config', settings], { env: { HOME: home }, cwd: dir });
    assert.equal(undo.code, 0, undo.stderr);
    assert.match(undo.stdout, /VS Code/);
    assert.doesNotMatch(undo.stdout, /Claude Code/);
    assert.equal(readFileSync(settings, 'utf8'), '{\n  "editor.fontSize": 13\n}\n');
  });

  it('undo --help lists undo\'s own options (--home, --bundle-dir), not fix\'s or doctor\'s', async () => {
    const help = await runCli(['undo', '--help']);
    assert.equal(help.code, 0);
    for (const option of ['--config FILE', '--home DIR', '--bundle-dir DIR', '--json']) assert.ok(help.stdout.includes(option), option);
    for (const foreign of ['--trust-unknown-ca', '--remove-insecure', '--yes-os-store', 'doctor --check']) assert.ok(!help.stdout.includes(foreign), foreign);
    assert.equal((await runCli(['help', 'undo'])).stdout, help.stdout);
  });

  it('an undo folder writable by others is not read; a record owned by someone else is named, not used', async () => {
    const home = freshHome();
    const config = write(path.join(home, '.cursor', 'mcp.json'), fixture('vscode-mcp.json'));
    assert.equal((await runCli(['fix', '--config', config, ...trust()], { env: { HOME: home }, cwd: home })).code, 0);
    const fixed = readFileSync(config, 'utf8');
    chmodSync(undoDir(home), 0o777);
    const open = await runCli(['undo', '--home', home], { env: { HOME: home }, cwd: dir });
    assert.equal(open.code, 2);
    assert.match(open.stdout, /Not used: .*undo \(the undo folder is writable by other users\)/);
    assert.equal(readFileSync(config, 'utf8'), fixed);
    chmodSync(undoDir(home), 0o700);
    if (process.getuid?.() === 0) {
      const { chownSync } = await import('node:fs');
      chownSync(journalPath(undoDir(home), 'config', config), 65534, 65534);
      const foreign = await runCli(['undo', '--config', config], { env: { HOME: home }, cwd: dir });
      assert.equal(foreign.code, 2);
      assert.match(foreign.stderr, /nothing to undo: .*\(ignored: a record owned by uid 65534, not by you\)/);
      assert.equal(readFileSync(config, 'utf8'), fixed);
    }
  });

  it('--home "" is bad input, nothing undone', async () => {
    const result = await runCli(['undo', '--home', ''], { env: { HOME: freshHome() }, cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--home needs a path/);
  });
});

describe('host-level records get the checks config records get', () => {
  function vscodePlan(home: string): ReturnType<typeof planHostTrust> {
    return planHostTrust({
      hostApp: 'vscode',
      platform: 'linux',
      home,
      root,
      rootInOsStore: true,
      bundlePath: path.join(home, '.mcp-ssl-doctor', 'ca-bundle-0123456789ab.pem'),
      editorSettingsPath: path.join(home, 'ud', 'User', 'settings.json'),
      availableSettings: ['http.systemCertificates'],
    });
  }
  const SETTINGS = '{\n  "editor.fontSize": 13\n}\n';

  it('a journal file that is a symbolic link is refused: neither written through nor read', async () => {
    const home = freshHome();
    const settings = write(path.join(home, 'ud', 'User', 'settings.json'), SETTINGS);
    const victim = write(path.join(home, 'victim.txt'), 'keep me\n');
    mkdirSync(undoDir(home), { recursive: true, mode: 0o700 });
    symlinkSync(victim, journalPath(undoDir(home), 'host-trust', settings));
    await assert.rejects(applyHostTrust(vscodePlan(home)), (e: DoctorError) => e instanceof DoctorError && e.kind === 'refused' && /symbolic link/.test(e.message));
    assert.equal(readFileSync(victim, 'utf8'), 'keep me\n');
    assert.equal(readFileSync(settings, 'utf8'), SETTINGS, 'the settings file is not written without a trustworthy record');
  });

  it('a journal file writable by others, or with a crafted step, is refused by undo; the file stays as it is', async () => {
    const home = freshHome();
    const settings = write(path.join(home, 'ud', 'User', 'settings.json'), SETTINGS);
    await applyHostTrust(vscodePlan(home));
    const fixed = readFileSync(settings, 'utf8');
    const journal = journalPath(undoDir(home), 'host-trust', settings);
    chmodSync(journal, 0o666);
    await assert.rejects(undoHostTrust(settings, { home }), (e: DoctorError) => e instanceof DoctorError && e.kind === 'refused' && /writable by other users/.test(e.message));
    chmodSync(journal, 0o600);
    const record = JSON.parse(readFileSync(journal, 'utf8')) as { records: { steps: unknown[] }[] };
    // A step that would put a removed member back: never something a host-level fix records.
    record.records[0]?.steps.push({ op: 'remove-member', path: ['env'], index: 0, raw: '"NODE_TLS_REJECT_UNAUTHORIZED": "0"' });
    writeFileSync(journal, JSON.stringify(record));
    await assert.rejects(undoHostTrust(settings, { home }), (e: DoctorError) => e instanceof DoctorError && e.kind === 'refused' && /never records/.test(e.message));
    assert.equal(readFileSync(settings, 'utf8'), fixed);
    const listed = await runCli(['undo', '--home', home], { env: { HOME: home }, cwd: dir });
    assert.equal(listed.code, 2, 'undo --home says what it could not use');
    assert.match(listed.stdout, /Not used: .*host-trust-[0-9a-f]{16}\.json \(a step has an operation/);
    assert.equal(readFileSync(settings, 'utf8'), fixed);
  });

  it('a crafted replace-value is refused when the file is untouched, and not applied once it changed: no member can be slipped in', async () => {
    const home = freshHome();
    const settings = write(path.join(home, '.claude', 'settings.json'), '{\n  "env": {\n    "NODE_EXTRA_CA_CERTS": "/old/ca.pem"\n  }\n}\n');
    const plan = planHostTrust({ hostApp: 'claude-code', platform: 'linux', home, root, rootInOsStore: true, bundlePath: path.join(home, '.mcp-ssl-doctor', 'ca-bundle-0123456789ab.pem') });
    await applyHostTrust(plan, { replaceExisting: true });
    const fixed = readFileSync(settings, 'utf8');
    const journal = journalPath(undoDir(home), 'host-trust', settings);
    const record = JSON.parse(readFileSync(journal, 'utf8')) as { records: { steps: { op: string; priorRaw?: string }[] }[] };
    const step = record.records[0]?.steps[0];
    assert.equal(step?.op, 'replace-value');
    if (step) step.priorRaw = '"/old/ca.pem", "NODE_TLS_REJECT_UNAUTHORIZED": "0"';
    writeFileSync(journal, JSON.stringify(record));
    await assert.rejects(undoHostTrust(settings, { home }), (e: DoctorError) => e instanceof DoctorError && e.kind === 'refused' && /does not match/.test(e.message));
    assert.equal(readFileSync(settings, 'utf8'), fixed);
    // Edited since (another key added): the hashes prove nothing, the crafted value is not put back.
    writeFileSync(settings, fixed.replace('{\n', '{\n  "model": "opus",\n'));
    const undone = await undoHostTrust(settings, { home });
    assert.deepEqual(undone.kept, [{ what: 'env.NODE_EXTRA_CA_CERTS', reason: 'changed-since' }]);
    assert.doesNotMatch(readFileSync(settings, 'utf8'), /NODE_TLS_REJECT_UNAUTHORIZED/);
  });

  it('as root for another user\'s home, the journal and the folders the fix made belong to that user', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const home = freshHome();
    const { chownSync } = await import('node:fs');
    chownSync(home, 65534, 65534);
    const plan = vscodePlan(home);
    await applyHostTrust(plan);
    const settings = path.join(home, 'ud', 'User', 'settings.json');
    for (const made of [path.join(home, 'ud'), settings, undoDir(home), journalPath(undoDir(home), 'host-trust', settings)]) {
      assert.equal(statSync(made).uid, 65534, made);
    }
    const undone = await undoHostTrust(settings, { home });
    assert.equal(undone.fileRemoved, true);
    assert.deepEqual(undone.removedFolders, [path.join(home, 'ud', 'User'), path.join(home, 'ud')]);
    assert.equal(existsSync(path.join(home, 'ud')), false);
  });
});

describe('the editor\'s Undo reads the journal', () => {
  it('lists the config fixes recorded for the user, newest first, the CLI\'s included; an older release\'s globalState list is dropped', async () => {
    const home = freshHome();
    const first = write(path.join(home, '.cursor', 'mcp.json'), fixture('vscode-mcp.json'));
    const second = write(path.join(home, '.claude.json'), fixture('dot-mcp.json'));
    for (const config of [first, second]) assert.equal((await runCli(['fix', '--config', config, ...trust()], { env: { HOME: home }, cwd: home })).code, 0);
    const state = new Map<string, unknown>([['mcpSslDoctor.fixes', [{ configPath: '/elsewhere/mcp.json', servers: ['x'], bundle: '/b.pem', at: 1 }]]]);
    const memento = {
      keys: () => [...state.keys()],
      get: <T>(key: string, fallback?: T): T | undefined => (state.has(key) ? (state.get(key) as T) : fallback),
      update: async (key: string, value: unknown): Promise<void> => {
        if (value === undefined) state.delete(key);
        else state.set(key, value);
      },
    };
    const store = new UndoStore(memento, (options) => recordedConfigFixes({ ...options, home }));
    assert.deepEqual((await store.list()).map((fix) => fix.configPath), [second, first]);
    assert.equal(state.has('mcpSslDoctor.fixes'), false);
    // Taken back from the CLI: the editor offers it no more.
    assert.equal((await runCli(['undo', '--config', second], { env: { HOME: home }, cwd: dir })).code, 0);
    assert.deepEqual((await store.list()).map((fix) => fix.configPath), [first]);
  });
});
