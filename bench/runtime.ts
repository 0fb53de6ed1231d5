// Runtime verification cost: runtimeCheck (resolve the interpreter through the env's PATH, start it
// with the probe, one verified handshake, parse its answer) against the runtime's bare start-up plus
// one handshake (`python3 -I -c "<connect once>"`, `node -e "<connect once>"`), measured interleaved
// in one run against the same loopback origin. Children get an explicit environment (a machine-wide
// NODE_EXTRA_CA_CERTS or SSL_CERT_FILE would make both sides parse a big bundle at start-up).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runtimeCheck } from '../src/core/runtime/check';
import type { ServerRuntime } from '../src/core/runtime/detect';
import { createPublicPki, startOrigin } from '../test/fixtures/origin';
import { median } from './stats';
import type { BenchRow } from './types';

const RUNS = 15;
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function timeCommand(command: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'ignore'] });
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`${command} exited with ${code}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

async function timeCheck(runtime: Extract<ServerRuntime, 'python' | 'node'>, command: string, env: Record<string, string>, port: number): Promise<number> {
  const started = process.hrtime.bigint();
  const result = await runtimeCheck({ runtime, command, args: [], env, target: { host: 'localhost', port } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.ok !== true) throw new Error(`runtimeCheck ${runtime}: ${result.message}`);
  return ms;
}

export async function bench(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-runtime-'));
  const pki = await createPublicPki();
  const origin = await startOrigin(pki.leaf);
  try {
    const caFile = join(dir, 'root.pem');
    await writeFile(caFile, pki.root.pem);
    const path = `${dirname(PYTHON)}:/usr/bin:/bin:${dirname(process.execPath)}`;
    const pyEnv = { HOME: dir, PATH: path, SSL_CERT_FILE: caFile };
    const nodeEnv = { HOME: dir, PATH: path, NODE_EXTRA_CA_CERTS: caFile };
    const port = origin.port;
    const pyBare = `import socket, ssl\nc = ssl.create_default_context()\ns = socket.create_connection(("localhost", ${port}))\nc.wrap_socket(s, server_hostname="localhost").close()`;
    const nodeBare = `require('tls').connect({ host: 'localhost', port: ${port}, servername: 'localhost' }, function () { this.destroy(); })`;
    const times = { pyOurs: [] as number[], pyBase: [] as number[], nodeOurs: [] as number[], nodeBase: [] as number[] };
    // One warm-up of each (page cache), then interleaved runs.
    for (let i = 0; i <= RUNS; i += 1) {
      const pyOurs = await timeCheck('python', PYTHON, pyEnv, port);
      const pyBase = await timeCommand(PYTHON, ['-I', '-c', pyBare], pyEnv);
      const nodeOurs = await timeCheck('node', 'node', nodeEnv, port);
      const nodeBase = await timeCommand(process.execPath, ['-e', nodeBare], nodeEnv);
      if (i === 0) continue;
      times.pyOurs.push(pyOurs);
      times.pyBase.push(pyBase);
      times.nodeOurs.push(nodeOurs);
      times.nodeBase.push(nodeBase);
    }
    return [
      { area: 'runtime', what: 'runtimeCheck, python (one verified handshake)', ours: median(times.pyOurs), baseline: median(times.pyBase), unit: 'ms', baselineName: 'python3 -I -c <connect once>', goal: '<= 1.3' },
      { area: 'runtime', what: 'runtimeCheck, node (one verified handshake)', ours: median(times.nodeOurs), baseline: median(times.nodeBase), unit: 'ms', baselineName: 'node -e <connect once>', goal: '<= 1.3' },
    ];
  } finally {
    await origin.close();
    await rm(dir, { recursive: true, force: true });
  }
}
