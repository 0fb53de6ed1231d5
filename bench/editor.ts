// The extension's own flows, timed in a plain Node harness (stand-in `vscode`, the real
// dist/extension.js, its real worker and fix bundles), each beside a baseline measured in the same
// run: a failure line appended to an MCP log → the notification (vs `tail -F | grep -m1` over the
// same anchors), and the notification's Fix → a written, verified config (vs the CLI's
// `fix --host` on the same config, proxy and CA).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ANCHORS } from '../src/core/logs/signatures';
import { startNetwork } from '../test/fixtures/network';
import { createStandIn, fakeContext, installStandIn, type Shown } from '../test/support/vscodeStandIn';
import { median } from './stats';
import type { BenchRow } from './types';

const root = path.resolve(__dirname, '..');
const RUNS = 7;


const FAILURE = (port: number) =>
  `2026-11-26 20:33:55.107 [warning] [server stderr] requests.exceptions.SSLError: HTTPSConnectionPool(host='localhost', port=${port}): Max retries exceeded with url: / (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))\n`;

/** Time from appending a failure line to `tail -F FILE | grep -m1 -E anchors` exiting. */
async function grepReaction(file: string, line: string): Promise<number> {
  const pattern = ANCHORS.map((anchor) => anchor.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const child = spawn('bash', ['-c', `tail -n0 -F ${JSON.stringify(file)} | grep -m1 -E ${JSON.stringify(pattern)} > /dev/null`]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const start = performance.now();
  appendFileSync(file, line);
  await new Promise((resolve) => child.on('exit', resolve));
  return performance.now() - start;
}

export async function bench(): Promise<BenchRow[]> {
  if (!existsSync(path.join(root, 'dist/extension.js'))) execFileSync(process.execPath, ['esbuild.config.mjs', '--production'], { cwd: root, stdio: 'ignore' });
  const network = await startNetwork({ mitmproxy: false });
  const work = mkdtempSync(path.join(tmpdir(), 'mcp-ssl-bench-editor-'));
  const restoreHome = process.env.HOME;
  const restoreProxy = process.env.HTTPS_PROXY;
  process.env.HOME = network.home;
  process.env.HTTPS_PROXY = network.interceptor.url;
  try {
    const folder = path.join(work, 'ws');
    mkdirSync(path.join(folder, '.vscode'), { recursive: true });
    const config = path.join(folder, '.vscode', 'mcp.json');
    // One server (and log) per run: the notifier rightly stays quiet about a server it just reported.
    const names = Array.from({ length: RUNS }, (_, run) => `docs${run}`);
    const original = `{\n  "servers": {\n${names.map((name) => `    "${name}": { "command": "python3", "args": ["server.py", "${network.origin.url}"] }`).join(',\n')}\n  }\n}\n`;
    const logFolder = path.join(work, 'logs', '20261126T203355', 'window1');
    mkdirSync(path.join(logFolder, 'exthost', 'ext'), { recursive: true });
    const logs = names.map((name) => path.join(logFolder, `mcpServer.mcp.config.ws0.${name}.log`));
    for (const [run, log] of logs.entries()) writeFileSync(log, `2026-11-26 20:33:54.001 [info] Starting server ${names[run]}\n`);

    const standIn = createStandIn({
      workspaceFolders: [folder],
      settings: { 'mcpSslDoctor.preflight': false, 'mcpSslDoctor.systemCaFile': network.interceptor.caFile },
    });
    const restoreVscode = installStandIn(standIn);
    const context = fakeContext(root, path.join(logFolder, 'exthost', 'ext')) as { subscriptions: { dispose(): void }[] };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const extension = require(path.join(root, 'dist/extension.js')) as { activate(context: unknown): void };
    extension.activate(context);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const waitFor = (match: (shown: Shown) => boolean) =>
      new Promise<Shown>((resolve) => {
        const subscription = standIn.onShow.event((shown) => {
          if (match(shown)) {
            subscription.dispose();
            resolve(shown);
          }
        });
      });

    const toNotification: number[] = [];
    const toGrep: number[] = [];
    const toFixed: number[] = [];
    const cliFix: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      writeFileSync(config, original);
      // The user's answers: Fix on the notification, then the confirmation.
      standIn.answer = (shown) => (/failed: the certificate of/.test(shown.message) ? 'Fix' : shown.actions.includes('Trust and Fix') ? 'Trust and Fix' : undefined);
      const seen = waitFor((shown) => shown.message.includes(names[run]) && /failed: the certificate of/.test(shown.message));
      const fixed = waitFor((shown) => /^Fixed: /.test(shown.message));
      const start = performance.now();
      appendFileSync(logs[run], FAILURE(network.origin.port));
      const notified = await seen;
      toNotification.push(notified.at - start);
      const done = await fixed;
      toFixed.push(done.at - notified.at);
      if (!readFileSync(config, 'utf8').includes('SSL_CERT_FILE')) throw new Error('the fix did not write the config');

      toGrep.push(await grepReaction(path.join(work, `grep-${run}.log`), FAILURE(network.origin.port)));
      writeFileSync(config, original);
      const cliStart = performance.now();
      // Asynchronous: the interceptor runs in this process and must keep answering.
      await promisify(execFile)(process.execPath, [path.join(root, 'dist/cli.js'), 'fix', '--config', config, '--server', names[run], '--host', network.origin.hostPort, '--proxy', network.interceptor.url, '--system-ca', network.interceptor.caFile, '--json']);
      cliFix.push(performance.now() - cliStart);
    }
    for (const disposable of context.subscriptions) disposable.dispose();
    restoreVscode();
    return [
      { area: 'editor', what: 'failure line → notification', ours: median(toNotification), baseline: median(toGrep), unit: 'ms', baselineName: 'tail -F | grep -m1', goal: '<= 3' },
      { area: 'editor', what: 'Fix → written, verified config', ours: median(toFixed), baseline: median(cliFix), unit: 'ms', baselineName: 'CLI fix --host (new process)', goal: '<= 1' },
    ];
  } finally {
    if (restoreHome === undefined) delete process.env.HOME;
    else process.env.HOME = restoreHome;
    if (restoreProxy === undefined) delete process.env.HTTPS_PROXY;
    else process.env.HTTPS_PROXY = restoreProxy;
    rmSync(work, { recursive: true, force: true });
    await network.close();
  }
}
