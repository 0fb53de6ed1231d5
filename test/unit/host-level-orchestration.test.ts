// The host-level fix (remote MCP servers) has one orchestration in core/usecases/hostLevel.ts:
// plan → prove → confirm → write the bundle → apply. `fix --host-level`, `doctor --fix` and the
// editor's remoteTrust.ts all go through it; these tests hold each front end's path to its rules.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixHostLevel, HostLevelFlags } from '../../src/cli/hostLevel';
import type { CliIO } from '../../src/cli/io';
import { inProcessAnalyzer } from '../../src/core/usecases/analyzer';
import { describeHostTrustStep, hostLevelRequestOf, HostLevelHooks, planHostLevel, runHostLevelFix } from '../../src/core/usecases/hostLevel';
import { runDoctor } from '../../src/core/usecases/doctor';
import type { CommandRunner } from '../../src/core/hostTrust/apply';
import type { EditorSettingStep } from '../../src/core/hostTrust/types';
import { cleanup, tempDir } from '../fixtures/configs/harness';
import { startInterceptor, Interceptor } from '../fixtures/interceptor';
import { startOrigin, Origin } from '../fixtures/origin';
import { createCa, createLeaf, TestCert } from '../fixtures/pki';

const CLAUDE_SETTINGS = '{\n  "model": "opus",\n  "env": {\n    "GITHUB_TOKEN": "ghp_x"\n  }\n}\n';
const VSCODE_SETTINGS = '{\n  // mine\n  "editor.fontSize": 14\n}\n';

/** A store command that fails as macOS's does when the person cancels the password prompt. */
function failingStore(): { run: CommandRunner; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: async (argv) => {
      calls.push(argv);
      return { code: 1, stdout: '', stderr: 'SecTrustSettingsSetTrustSettings: The authorization was canceled by the user.\n' };
    },
  };
}

function captureIo(env: NodeJS.ProcessEnv, cwd: string): { io: CliIO; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => '',
    env,
    cwd,
  };
  return { io, out: () => stdout, err: () => stderr };
}

describe('host-level fix: one orchestration for the CLI, doctor and the editor', () => {
  let dir: string;
  let publicRoot: TestCert;
  let corporate: TestCert;
  let origin: Origin;
  let proxy: Interceptor;
  let publicFile: string;
  let systemFile: string;
  let caFile: string;
  let n = 0;

  before(async () => {
    dir = tempDir('mcp-host-orch-');
    publicRoot = await createCa('Orchestration Public Root');
    corporate = await createCa('Orchestration Corporate Root');
    origin = await startOrigin(await createLeaf(['localhost', '127.0.0.1'], publicRoot));
    proxy = await startInterceptor({ issuer: corporate, sendChain: [corporate], upstreamCa: publicRoot.pem });
    publicFile = path.join(dir, 'public.pem');
    systemFile = path.join(dir, 'system.pem');
    caFile = path.join(dir, 'corp.pem');
    writeFileSync(publicFile, publicRoot.pem);
    writeFileSync(systemFile, corporate.pem + publicRoot.pem);
    writeFileSync(caFile, corporate.pem);
  });
  after(async () => {
    await proxy.close();
    await origin.close();
    await cleanup(dir);
  });

  function home(): { home: string; settings: string; claude: string } {
    n += 1;
    const h = path.join(dir, `home${n}`);
    const user = path.join(h, '.config', 'Code', 'User');
    mkdirSync(user, { recursive: true });
    mkdirSync(path.join(h, '.claude'), { recursive: true });
    const settings = path.join(user, 'settings.json');
    writeFileSync(settings, VSCODE_SETTINGS);
    const claude = path.join(h, '.claude', 'settings.json');
    writeFileSync(claude, CLAUDE_SETTINGS);
    return { home: h, settings, claude };
  }

  const analyzer = (systemCa: string) => inProcessAnalyzer({ proxy: proxy.url, systemCaFile: systemCa, publicCaFile: publicFile, timeoutMs: 5000, env: {} });
  const target = () => ({ host: 'localhost', port: origin.port });

  it('core: a failed OS-store step stops the file steps: no settings file is written, neither by the file steps nor by the editor writing its own settings', async () => {
    const h = home();
    // A root no store knows (confirmed with trustUnknown), on macOS: the store step runs first.
    const report = await analyzer(publicFile).analyze(target());
    assert.equal(report.verdict, 'untrusted');
    const request = hostLevelRequestOf(report, { hostApp: 'vscode', home: h.home, platform: 'darwin', trustUnknown: true, settingsFile: h.settings, publicPem: publicRoot.pem, env: {} });
    const store = failingStore();
    const asked: string[] = [];
    const editorWrites: EditorSettingStep[][] = [];
    const hooks: HostLevelHooks = {
      confirmRoot: async (question) => {
        asked.push(`root ${question.root.sha256} ${String(question.trustedBy)} ${question.servers.join(',')}`);
        return true;
      },
      confirmOsStore: async (step) => {
        asked.push(`store ${step.command}`);
        return true;
      },
    };
    const analyze = analyzer(publicFile);
    const result = await runHostLevelFix({
      ...request,
      servers: ['remote-a'],
      proof: { target: target(), verify: (pem) => analyze.verify(target(), pem) },
      hooks,
      run: store.run,
    });
    assert.equal(result.status, 'os-store-failed');
    assert.equal(store.calls.length, 1);
    assert.deepEqual(asked.map((line) => line.split(' ')[0]), ['root', 'store']);
    assert.match(asked[0] ?? '', new RegExp(`^root ${report.root?.sha256 ?? '?'} null remote-a$`));
    assert.deepEqual(result.applied?.steps.map((s) => [s.step.kind, s.outcome]), [
      ['os-store', 'failed'],
      ['editor-setting', 'not-run'],
    ]);
    assert.equal(result.applied?.stopped, 'os-store-failed');
    assert.deepEqual(result.applied?.files, []);
    assert.equal(readFileSync(h.settings, 'utf8'), VSCODE_SETTINGS, 'the settings file is untouched');
    assert.equal(existsSync(path.join(h.home, '.mcp-ssl-doctor', 'undo')), false, 'no undo record either');

    // The editor's path: it writes its settings through its own API; after a failed store step it is never asked to.
    const again = await runHostLevelFix({
      ...request,
      proof: { target: target(), verify: (pem) => analyze.verify(target(), pem) },
      hooks,
      run: failingStore().run,
      writeEditorSettings: async (steps) => {
        editorWrites.push(steps);
        return steps.map(() => 'changed');
      },
    });
    assert.equal(again.status, 'os-store-failed');
    assert.deepEqual(editorWrites, []);
    assert.equal(readFileSync(h.settings, 'utf8'), VSCODE_SETTINGS);
  });

  it('core: a declined root and a failed proof write nothing at all (no bundle, no settings)', async () => {
    const h = home();
    const report = await analyzer(systemFile).analyze(target());
    const request = hostLevelRequestOf(report, { hostApp: 'claude-code', home: h.home, platform: 'linux', trustUnknown: false, publicPem: publicRoot.pem, env: {} });
    let osAsked = false;
    const declined = await runHostLevelFix({
      ...request,
      proof: { target: target(), verify: (pem) => analyzer(systemFile).verify(target(), pem) },
      hooks: { confirmRoot: async () => false, confirmOsStore: async () => (osAsked = true) },
    });
    assert.equal(declined.status, 'declined');
    assert.equal(declined.verified?.port, origin.port, 'proved before asking');
    assert.equal(osAsked, false);
    let rootAsked = false;
    const unproved = await runHostLevelFix({
      ...request,
      proof: { target: target(), verify: async () => ({ ok: false, error: 'unable to get local issuer certificate' }) },
      hooks: { confirmRoot: async () => (rootAsked = true), confirmOsStore: async () => true },
    });
    assert.deepEqual([unproved.status, unproved.proofError], ['proof-failed', 'unable to get local issuer certificate']);
    assert.equal(rootAsked, false, 'nothing is asked for a fix that cannot work');
    assert.equal(readFileSync(h.claude, 'utf8'), CLAUDE_SETTINGS);
    assert.equal(existsSync(path.join(h.home, '.mcp-ssl-doctor')), false);
  });

  it('CLI: fix --host-level with a failing OS-store step writes no settings file, says so and exits 2', async () => {
    const h = home();
    const { io, out } = captureIo({ HOME: h.home }, dir);
    const store = failingStore();
    const flags: HostLevelFlags = {
      'host-level': 'vscode',
      ca: caFile,
      'trust-unknown-ca': true,
      'system-ca': publicFile,
      'public-ca': publicFile,
      settings: h.settings,
      'yes-os-store': true,
    };
    const code = await fixHostLevel(flags, io, { platform: 'darwin', run: store.run });
    assert.equal(code, 2);
    assert.equal(store.calls.length, 1);
    assert.equal(readFileSync(h.settings, 'utf8'), VSCODE_SETTINGS, 'the settings file is untouched');
    assert.match(out(), /\[FAILED\] add the root to your OS store .*: SecTrustSettingsSetTrustSettings/);
    assert.match(out(), /\[not done: the OS store step failed\] set "http\.systemCertificates": true/);
    assert.doesNotMatch(out(), /To take it back/);
  });

  it('CLI: without --yes-os-store at a terminal, the OS-store step is asked for (with its command) and a "no" leaves it undone', async () => {
    const h = home();
    const { io, out } = captureIo({ HOME: h.home }, dir);
    const questions: string[] = [];
    io.isTTY = { stdin: true, stdout: true, stderr: true };
    io.prompt = async (question) => {
      questions.push(question);
      return questions.length === 1 ? 'y' : 'n';
    };
    const store = failingStore();
    const code = await fixHostLevel({ 'host-level': 'vscode', ca: caFile, 'trust-unknown-ca': true, 'system-ca': publicFile, 'public-ca': publicFile, settings: h.settings }, io, { platform: 'darwin', run: store.run });
    assert.equal(code, 0);
    assert.equal(questions.length, 2);
    assert.match(questions[0] ?? '', /Trust this root/);
    assert.match(questions[1] ?? '', /security add-trusted-cert/);
    // The root and its fingerprint are printed before the first question.
    assert.match(out(), /Orchestration Corporate Root[\s\S]*sha256 [0-9a-f]{64}[\s\S]*no trust store knows it/);
    assert.deepEqual(store.calls, []);
    assert.match(out(), /\[not done \(needs --yes-os-store\)\]/);
  });

  it('CLI: "no" to the root at a terminal writes nothing (no bundle, no settings), says "Nothing changed." and exits 1; --yes skips the question', async () => {
    const h = home();
    const { io, out } = captureIo({ HOME: h.home }, dir);
    io.isTTY = { stdin: true, stdout: true, stderr: true };
    const questions: string[] = [];
    io.prompt = async (question) => {
      questions.push(question);
      return 'n';
    };
    const flags: HostLevelFlags = { 'host-level': 'claude-code', ca: caFile, 'system-ca': systemFile, 'public-ca': publicFile };
    assert.equal(await fixHostLevel(flags, io), 1);
    assert.equal(questions.length, 1);
    assert.match(out(), /sha256 [0-9a-f]{64}\n {2}your OS trust store already holds it[\s\S]*Nothing changed\.\n$/);
    assert.equal(readFileSync(h.claude, 'utf8'), CLAUDE_SETTINGS);
    assert.equal(existsSync(path.join(h.home, '.mcp-ssl-doctor')), false);
    assert.equal(await fixHostLevel({ ...flags, yes: true }, io), 0);
    assert.equal(questions.length, 1, '--yes: not asked again');
    assert.match(readFileSync(h.claude, 'utf8'), /NODE_EXTRA_CA_CERTS/);
  });

  it('doctor --fix: a failing OS-store step (macOS) leaves the settings file untouched and says why the servers were skipped', async () => {
    const h = home();
    const user = path.join(h.home, 'Library', 'Application Support', 'Code', 'User');
    mkdirSync(user, { recursive: true });
    writeFileSync(path.join(user, 'mcp.json'), `${JSON.stringify({ servers: { r: { type: 'http', url: `https://localhost:${origin.port}/mcp` } } })}\n`);
    const settings = path.join(user, 'settings.json');
    writeFileSync(settings, VSCODE_SETTINGS);
    const store = failingStore();
    const run = await runDoctor({
      scopes: [{ home: h.home, workspaceFolders: [], platform: 'darwin', env: {} }],
      hostEnv: {},
      analyzer: analyzer(publicFile),
      publicPem: publicRoot.pem,
      trustUnknown: true,
      yesOsStore: true,
      runCommand: store.run,
      readLogs: false,
      noRuntimeCheck: true,
    });
    assert.equal(run.result.servers.find((server) => server.server === 'r')?.state, 'remote-host-trust');
    await run.applyFixes();
    assert.equal(store.calls.length, 1);
    assert.deepEqual(run.result.changed, []);
    assert.deepEqual(run.result.skipped.map((skip) => [skip.config, skip.server]), [[settings, 'r']]);
    assert.match(run.result.skipped[0]?.reason ?? '', /failed: SecTrustSettingsSetTrustSettings.*nothing was written after it/);
    assert.equal(readFileSync(settings, 'utf8'), VSCODE_SETTINGS);
  });

  it('the same home gives the same plan to fix --host-level, doctor and the editor path', async () => {
    const h = home();
    writeFileSync(path.join(h.home, '.config', 'Code', 'User', 'mcp.json'), `${JSON.stringify({ servers: { r: { type: 'http', url: `https://localhost:${origin.port}/mcp` } } })}\n`);
    // CLI
    const { io, out } = captureIo({ HOME: h.home }, dir);
    const cliCode = await fixHostLevel({ 'host-level': 'vscode', host: `localhost:${origin.port}`, proxy: proxy.url, 'system-ca': systemFile, 'public-ca': publicFile, 'dry-run': true, json: true }, io);
    assert.equal(cliCode, 0);
    const cli = (JSON.parse(out()) as { steps: { text: string }[] }).steps.map((step) => step.text);
    // doctor
    const run = await runDoctor({
      scopes: [{ home: h.home, workspaceFolders: [], platform: process.platform, env: {} }],
      hostEnv: {},
      analyzer: analyzer(systemFile),
      publicPem: publicRoot.pem,
      readLogs: false,
      noRuntimeCheck: true,
    });
    const doctorDetail = run.result.servers.find((server) => server.server === 'r')?.fix.detail;
    // the editor's path (remoteTrust.ts builds its request with hostLevelRequestOf from its probe's report)
    const report = await analyzer(systemFile).analyze(target());
    const editor = await planHostLevel(hostLevelRequestOf(report, { hostApp: 'vscode', home: h.home, platform: process.platform, trustUnknown: report.verdict === 'untrusted', env: {} }));
    const editorSteps = editor.plan.steps.map(describeHostTrustStep);
    assert.ok(cli.length > 0);
    assert.deepEqual(editorSteps, cli);
    assert.equal(doctorDetail, cli.join('; '));
  });
});
