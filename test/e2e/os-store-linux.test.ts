// The Linux OS-store step. Everywhere: the administrator's command is well-formed shell that names the
// root file apply wrote. Only as root and with MCP_SSL_DOCTOR_REAL_OS_STORE=1: the real
// update-ca-certificates flow (docs/testbed.md "A real OS store"): the planned command is run (with a
// `sudo` shim, as root), the editor's Node loader then sees the root and a VS Code fetch-style client
// trusts the interceptor with no CA variable at all; the planned undo takes it out again, and an
// after-hook removes what is left even when an assertion failed. Nothing else in the store is touched.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyHostTrust } from '../../src/core/hostTrust/apply';
import { planHostTrust } from '../../src/core/hostTrust/plan';
import type { HostTrustPlan, OsStoreStep } from '../../src/core/hostTrust/types';
import { startNetwork, TestNetwork } from '../fixtures/network';

const REAL = process.platform === 'linux' && process.getuid?.() === 0 && process.env.MCP_SSL_DOCTOR_REAL_OS_STORE === '1';
const ANCHORS = '/usr/local/share/ca-certificates';
const OS_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

let net: TestNetwork;
let plan: HostTrustPlan;
let step: OsStoreStep;

before(async () => {
  net = await startNetwork({ mitmproxy: false });
  const pem = net.corporateRoot.pem;
  plan = planHostTrust({
    hostApp: 'vscode',
    platform: 'linux',
    home: net.home,
    root: { pem, subject: net.corporateRoot.subject, sha256: createHash('sha256').update(new X509Certificate(pem).raw).digest('hex') },
    rootInOsStore: false,
    bundlePath: path.join(net.home, '.mcp-ssl-doctor', 'ca-bundle-x.pem'),
    editorSettingsPath: path.join(net.home, 'ud', 'User', 'settings.json'),
  });
  const found = plan.steps.find((s): s is OsStoreStep => s.kind === 'os-store');
  assert.ok(found);
  step = found;
  await applyHostTrust(plan);
});

const anchorFile = (): string => path.join(ANCHORS, `mcp-ssl-doctor-${plan.root.sha256.slice(0, 16)}.crt`);

after(async () => {
  if (REAL && existsSync(anchorFile())) {
    execFileSync('rm', ['-f', anchorFile()]);
    execFileSync('update-ca-certificates', [], { stdio: 'ignore' });
  }
  await net.close();
});

/** The PEM body on one line: how to find a certificate inside a bundle file. */
const body = (pem: string): string => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
const inOsBundle = (pem: string): boolean => readFileSync(OS_BUNDLE, 'utf8').replace(/\s/g, '').includes(body(pem));

describe('host trust: Linux OS store', () => {
  it('the admin command and its undo are valid shell naming the root file apply wrote (never run here)', () => {
    assert.equal(step.runsHere, false);
    assert.equal(readFileSync(step.certFile, 'utf8'), net.corporateRoot.pem);
    for (const command of [step.command, step.undoCommand, ...(step.alternatives ?? []).flatMap((a) => [a.command, a.undoCommand])]) {
      execFileSync('sh', ['-n', '-c', command]);
    }
    assert.ok(step.command.includes(step.certFile));
  });

  it('real flow: install + update-ca-certificates, the editor-side Node trusts the interceptor, undo takes it out', { skip: REAL ? false : 'needs root and MCP_SSL_DOCTOR_REAL_OS_STORE=1' }, async () => {
    assert.ok(!existsSync(anchorFile()) && !inOsBundle(net.corporateRoot.pem), 'starts without the test root');
    // As root, `sudo` is a shim that runs the command: the planned text runs unchanged.
    const shim = path.join(net.dir, 'shim');
    mkdirSync(shim);
    writeFileSync(path.join(shim, 'sudo'), '#!/bin/sh\nexec "$@"\n');
    chmodSync(path.join(shim, 'sudo'), 0o755);
    const run = (argv: string[]): Promise<{ code: number; stderr: string }> =>
      new Promise((resolve) => {
        execFile(argv[0] as string, argv.slice(1), { env: { PATH: `${shim}:${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}` } }, (error, _out, stderr) =>
          resolve({ code: error ? 1 : 0, stderr: String(stderr) }),
        );
      });
    const installed = await run(step.argv);
    assert.equal(installed.code, 0, installed.stderr);
    assert.ok(existsSync(anchorFile()));
    assert.ok(inOsBundle(net.corporateRoot.pem), 'update-ca-certificates put it in the OS bundle');

    const node24 = path.join(os.homedir(), '.cache', 'mcp-ssl-doctor', 'testbed', 'node24', 'node_modules', 'node', 'bin', 'node');
    const client = `
      const http = require('node:http'); const tls = require('node:tls');
      const ca = [...tls.rootCertificates, ...tls.getCACertificates('system')];
      const req = http.request({ host: '127.0.0.1', port: ${net.interceptor.port}, method: 'CONNECT', path: 'localhost:${net.origin.port}' });
      req.on('connect', (res, socket) => {
        const s = tls.connect({ socket, servername: 'localhost', ca }, () => { console.log('ok'); process.exit(0); });
        s.on('error', (e) => { console.log(e.code); process.exit(1); });
      });
      req.end();`;
    const connect = (): Promise<string> =>
      new Promise((resolve) => execFile(node24, ['-e', client], { env: net.cleanEnv(), timeout: 20_000 }, (_e, out) => resolve(String(out).trim())));
    if (existsSync(node24)) assert.equal(await connect(), 'ok', 'no CA variable: the OS store alone');

    const removed = await run(step.undoArgv);
    assert.equal(removed.code, 0, removed.stderr);
    assert.ok(!existsSync(anchorFile()));
    assert.ok(!inOsBundle(net.corporateRoot.pem), 'undo took it out of the OS bundle');
    if (existsSync(node24)) assert.equal(await connect(), 'SELF_SIGNED_CERT_IN_CHAIN');
  });
});
