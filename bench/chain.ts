// Chain listing, side by side in one run on loopback:
//  1. the CLI (`node dist/cli.js chain ... --json`) vs the blog post's pipeline
//     `echo | openssl s_client -showcerts | awk | openssl x509 -noout -subject -issuer` (goal: faster);
//  2. in-process analyzeHost (stores warm, as in the worker) vs a bare tls.connect handshake (goal <= 1.5x).
// Child processes get a clean environment: a machine-wide NODE_EXTRA_CA_CERTS alone costs Node ~75 ms
// at start-up here (it parses the whole bundle before any code runs), which says nothing about either tool.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import * as esbuild from 'esbuild';
import { analyzeHost } from '../src/core/chain/index';
import { createPublicPki, startOrigin } from '../test/fixtures/origin';
import { createCa } from '../test/fixtures/pki';
import { median } from './stats';
import type { BenchRow } from './types';

const RUNS = 10;
const IN_PROCESS_RUNS = 40;


function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, stdout, code }));
  });
}

/** dist/cli.js as `npm run build` makes it; if the full build fails (another area unfinished), the CLI alone. */
async function cliBundle(dir: string): Promise<{ path: string; note: string }> {
  const dist = 'dist/cli.js';
  const built = await new Promise<number | null>((resolve) => {
    spawn(process.execPath, ['esbuild.config.mjs', '--production'], { stdio: 'ignore' }).once('close', resolve);
  });
  if (built === 0 && existsSync(dist) && Date.now() - statSync(dist).mtimeMs < 60_000) return { path: dist, note: 'dist/cli.js' };
  const path = join(dir, 'cli.js');
  await esbuild.build({
    entryPoints: ['src/cli/main.ts'],
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: path,
    logLevel: 'silent',
    plugins: [
      {
        name: 'missing-commands-external',
        setup(build) {
          build.onResolve({ filter: /^\.\.?\// }, async (args) => {
            if (args.pluginData === 'probe') return undefined;
            const result = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: 'probe' });
            return result.errors.length > 0 ? { path: args.path, external: true } : undefined;
          });
        },
      },
    ],
  });
  return { path, note: 'CLI bundled alone (full build failed)' };
}

export async function bench(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-chain-'));
  const pki = await createPublicPki();
  const corp = await createCa('Bench Corp Root');
  const origin = await startOrigin(pki.leaf);
  const publicCa = join(dir, 'public.pem');
  const systemCa = join(dir, 'system.pem');
  await writeFile(publicCa, pki.root.pem);
  await writeFile(systemCa, corp.pem);
  try {
    const cli = await cliBundle(dir);
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C.UTF-8' };
    const target = `127.0.0.1:${origin.port}`;
    const ours = [process.execPath, [cli.path, 'chain', target, '--json', '--system-ca', systemCa, '--public-ca', publicCa]] as const;
    const pipeline = `echo | openssl s_client -connect ${target} -showcerts 2>/dev/null | awk '/BEGIN/,/END/' | openssl x509 -noout -subject -issuer`;
    const blog = ['/bin/sh', ['-c', pipeline]] as const;

    // Sanity: both list the chain.
    const check = await timeCommand(ours[0], [...ours[1]], env);
    if (check.code !== 0 || JSON.parse(check.stdout).verdict !== 'trusted') throw new Error(`chain CLI failed: ${check.stdout}`);
    const baseCheck = await timeCommand(blog[0], [...blog[1]], env);
    if (!/subject=/.test(baseCheck.stdout)) throw new Error('openssl pipeline printed no subject');

    // The floor for any Node CLI: start Node, load tls, one handshake, print the leaf's subject.
    const floorScript = join(dir, 'floor.js');
    await writeFile(
      floorScript,
      `const s=require('tls').connect({host:'127.0.0.1',port:${origin.port},rejectUnauthorized:false,ca:[]},()=>{console.log(s.getPeerCertificate(true).subject.CN);s.destroy();});`,
    );

    const cliTimes: number[] = [];
    const blogTimes: number[] = [];
    const floorTimes: number[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      const a = await timeCommand(ours[0], [...ours[1]], env);
      const b = await timeCommand(blog[0], [...blog[1]], env);
      const c = await timeCommand(process.execPath, [floorScript], env);
      if (i >= 2) {
        cliTimes.push(a.ms);
        blogTimes.push(b.ms);
        floorTimes.push(c.ms);
      }
    }

    const options = { host: '127.0.0.1', port: origin.port, proxy: null, env: {}, publicCaFile: publicCa, systemCaFile: systemCa };
    const bare = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port: origin.port, ca: pki.root.pem, servername: 'localhost' }, () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      });
    await analyzeHost(options);
    await bare();
    const analyzeTimes: number[] = [];
    const bareTimes: number[] = [];
    for (let i = 0; i < IN_PROCESS_RUNS; i++) {
      let t = process.hrtime.bigint();
      await analyzeHost(options);
      analyzeTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
      t = process.hrtime.bigint();
      await bare();
      bareTimes.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return [
      {
        area: 'chain',
        what: `list + analyze a loopback chain, whole command (${cli.note}), median of ${RUNS}`,
        ours: median(cliTimes),
        baseline: median(blogTimes),
        unit: 'ms',
        baselineName: 'openssl s_client | awk | openssl x509',
        goal: '< 1',
      },
      {
        area: 'chain',
        what: `same command vs the floor of any Node CLI (start, load tls, one handshake), median of ${RUNS}`,
        ours: median(cliTimes),
        baseline: median(floorTimes),
        unit: 'ms',
        baselineName: 'node -e tls.connect',
        goal: 'report',
      },
      {
        area: 'chain',
        what: `analyzeHost in-process (warm stores), median of ${IN_PROCESS_RUNS}`,
        ours: median(analyzeTimes),
        baseline: median(bareTimes),
        unit: 'ms',
        baselineName: 'bare tls.connect handshake',
        goal: '<= 1.5',
      },
    ];
  } finally {
    await origin.close();
    await rm(dir, { recursive: true, force: true });
  }
}
