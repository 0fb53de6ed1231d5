// doctor over a machine with 200 servers in 50 configs reaching 10 distinct hosts through a
// loopback interceptor, against 10 sequential `chain` runs (the manual way: one host at a time).
// Both are the built CLI in a fresh process, measured interleaved; the ratio is the row.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInterceptor } from '../test/fixtures/interceptor';
import { createPublicPki, startOrigin, type Origin } from '../test/fixtures/origin';
import { createCa } from '../test/fixtures/pki';
import { ensureBuiltCli, runBuiltCli } from '../test/support/builtCli';
import { median } from './stats';
import type { BenchRow } from './types';

const HOSTS = 10;
const CONFIGS = 50;
const SERVERS_PER_CONFIG = 4;
const RUNS = 5;

export async function bench(): Promise<BenchRow[]> {
  ensureBuiltCli();
  const dir = await mkdtemp(join(tmpdir(), 'bench-doctor-'));
  const pki = await createPublicPki();
  const origins: Origin[] = [];
  const corporate = await createCa('Bench Corporate Root');
  const proxy = await startInterceptor({ issuer: corporate, sendChain: [corporate], upstreamCa: pki.root.pem });
  try {
    for (let i = 0; i < HOSTS; i += 1) origins.push(await startOrigin(pki.leaf));
    const home = join(dir, 'home');
    // 50 configs: Cursor project configs in 50 workspace folders, 4 servers each, hosts round-robin.
    const workspaces: string[] = [];
    for (let c = 0; c < CONFIGS; c += 1) {
      const folder = join(dir, `ws${c}`);
      workspaces.push(folder);
      await mkdir(join(folder, '.cursor'), { recursive: true });
      const servers = Object.fromEntries(
        Array.from({ length: SERVERS_PER_CONFIG }, (_, s) => {
          const origin = origins[(c * SERVERS_PER_CONFIG + s) % HOSTS] as Origin;
          return [`s${s}`, { command: s % 2 ? 'npx' : 'uvx', args: ['pkg', `https://localhost:${origin.port}/`], env: { HTTPS_PROXY: proxy.url } }];
        }),
      );
      await writeFile(join(folder, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: servers }, null, 2));
    }
    await mkdir(home);
    const systemFile = join(dir, 'system.pem');
    const publicFile = join(dir, 'public.pem');
    await writeFile(systemFile, corporate.pem);
    await writeFile(publicFile, pki.root.pem);
    const env = { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', HTTPS_PROXY: proxy.url };
    const doctorArgs = ['doctor', '--no-logs', '--json', '--system-ca', systemFile, '--public-ca', publicFile, ...workspaces.flatMap((folder) => ['--workspace', folder])];
    const timeOf = async (body: () => Promise<void>): Promise<number> => {
      const started = performance.now();
      await body();
      return performance.now() - started;
    };
    const ours: number[] = [];
    const baseline: number[] = [];
    for (let run = 0; run <= RUNS; run += 1) {
      const doctorMs = await timeOf(async () => {
        const result = await runBuiltCli(doctorArgs, env, dir);
        const servers = (JSON.parse(result.stdout) as { servers: { state: string }[] }).servers;
        if (servers.length !== CONFIGS * SERVERS_PER_CONFIG || servers.some((server) => server.state !== 'will-fail')) throw new Error(`doctor: unexpected report ${result.stderr} ${JSON.stringify(servers.slice(0, 2))} ${servers.length}`);
      });
      const chainMs = await timeOf(async () => {
        for (const origin of origins) {
          const result = await runBuiltCli(['chain', `localhost:${origin.port}`, '--json', '--system-ca', systemFile, '--public-ca', publicFile], env, dir);
          if (result.code !== 0) throw new Error(`chain failed: ${result.stderr}`);
        }
      });
      if (run === 0) continue; // warm-up
      ours.push(doctorMs);
      baseline.push(chainMs);
    }
    return [
      {
        area: 'doctor',
        what: `doctor: ${CONFIGS * SERVERS_PER_CONFIG} servers in ${CONFIGS} configs, ${HOSTS} hosts (whole process)`,
        ours: median(ours),
        baseline: median(baseline),
        unit: 'ms',
        baselineName: `${HOSTS} sequential chain runs`,
        goal: '<= 0.5',
      },
    ];
  } finally {
    await proxy.close();
    for (const origin of origins) await origin.close();
    await rm(dir, { recursive: true, force: true });
  }
}
