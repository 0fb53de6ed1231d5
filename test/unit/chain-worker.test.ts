// The worker client against the real worker bundle (built here with esbuild into a temp dir).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import { ChainWorkerClient } from '../../src/core/chain/workerClient';
import { DoctorError } from '../../src/core/types';
import { startInterceptor } from '../fixtures/interceptor';
import { Origin, PublicPki, createPublicPki, startOrigin, writeTempPem } from '../fixtures/origin';
import { createCa } from '../fixtures/pki';

let dir: string;
let workerJs: string;
let pki: PublicPki;
let origin: Origin;
let publicCa: string;
const cleanups: Array<() => Promise<void>> = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chain-worker-'));
  workerJs = join(dir, 'worker.js');
  await esbuild.build({ entryPoints: ['src/worker/main.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: workerJs, logLevel: 'silent' });
  pki = await createPublicPki();
  origin = await startOrigin(pki.leaf);
  cleanups.push(() => origin.close());
  publicCa = await writeTempPem('p.pem', pki.root);
});
after(async () => {
  for (const close of cleanups.reverse()) await close();
  await rm(dir, { recursive: true, force: true });
});

function hangingPort(): Promise<number> {
  // Accepts and never answers; its connections are destroyed on close (a paused socket never sees EOF).
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => void sockets.add(socket));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      cleanups.push(
        () =>
          new Promise<void>((r) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => r());
          }),
      );
      resolve((server.address() as net.AddressInfo).port);
    }),
  );
}

describe('ChainWorkerClient', () => {
  test('starts lazily, analyzes and verifies in the worker, stops when idle', async () => {
    const corp = await createCa('Corp Worker Root');
    const proxy = await startInterceptor({ issuer: corp, upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const client = new ChainWorkerClient(workerJs, { idleMs: 100 });
    assert.equal(client.running, false);
    const options = { host: '127.0.0.1', port: origin.port, env: { HTTPS_PROXY: proxy.url }, publicCaFile: publicCa, systemCaFile: await writeTempPem('s.pem', corp) };
    const report = await client.analyze(options);
    assert.equal(client.running, true);
    assert.equal(report.verdict, 'intercepted');
    assert.equal(report.proxy, proxy.url);
    assert.deepEqual(await client.verify({ ...options, caPem: corp.pem }), { ok: true });
    assert.deepEqual(await client.verify({ ...options, caPem: pki.root.pem }), { ok: false, error: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(client.running, false, 'terminated after idleMs');
    // And starts again on the next call.
    assert.equal((await client.analyze({ ...options, env: {} })).verdict, 'trusted');
    client.dispose();
  });

  test('DoctorError kinds cross the thread boundary; cancellation by signal', async () => {
    const client = new ChainWorkerClient(workerJs);
    const port = await hangingPort();
    const base = { host: '127.0.0.1', port, env: {}, publicCaFile: publicCa, systemCaFile: publicCa };
    await assert.rejects(client.analyze({ ...base, timeoutMs: 150 }), (e: unknown) => e instanceof DoctorError && e.kind === 'timeout');
    await assert.rejects(client.analyze({ ...base, host: 'no-such-host.invalid' }), (e: unknown) => e instanceof DoctorError && e.kind === 'network');
    const controller = new AbortController();
    const pending = client.analyze({ ...base, timeoutMs: 60_000 }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, (e: unknown) => e instanceof DoctorError && e.kind === 'cancelled');
    client.dispose();
    await assert.rejects(client.analyze(base), (e: unknown) => e instanceof DoctorError && e.kind === 'cancelled');
  });

  test('pending calls are rejected when the worker dies', async () => {
    const client = new ChainWorkerClient(workerJs);
    const port = await hangingPort();
    const pending = client.analyze({ host: '127.0.0.1', port, env: {}, timeoutMs: 60_000, publicCaFile: publicCa, systemCaFile: publicCa });
    // Kill the thread from outside, as a crash would.
    const worker = (client as unknown as { worker: { terminate(): Promise<number> } }).worker;
    await worker.terminate();
    await assert.rejects(pending, /chain worker exited/);
    assert.equal(client.running, false);
    client.dispose();
  });

  test('a missing worker script rejects instead of hanging', async () => {
    const client = new ChainWorkerClient(join(dir, 'nope.js'));
    await assert.rejects(client.analyze({ host: '127.0.0.1', port: origin.port, env: {} }), /chain worker/);
    client.dispose();
  });
});
