// `mcp-ssl-doctor chain` in-process: exit codes, the JSON contract, the human output.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { startInterceptor } from '../fixtures/interceptor';
import { Origin, PublicPki, createPublicPki, startOrigin, writeTempPem } from '../fixtures/origin';
import { TestCert, createCa } from '../fixtures/pki';

function fakeIo(env: NodeJS.ProcessEnv = {}): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    readStdin: async () => '',
    env,
    cwd: process.cwd(),
  };
  return io;
}

let pki: PublicPki;
let origin: Origin;
let corp: TestCert;
let publicCa: string;
let systemCa: string;
const cleanups: Array<() => Promise<void>> = [];
before(async () => {
  pki = await createPublicPki();
  origin = await startOrigin(pki.leaf);
  cleanups.push(() => origin.close());
  corp = await createCa('Corp CLI Root');
  publicCa = await writeTempPem('p.pem', pki.root);
  systemCa = await writeTempPem('s.pem', corp);
});
after(async () => {
  for (const close of cleanups.reverse()) await close();
});

describe('chain command', () => {
  test('--json through an intercepting proxy: the contract, exactly', async () => {
    const proxy = await startInterceptor({ issuer: corp, sendChain: [corp], upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const io = fakeIo();
    const code = await main(['chain', `127.0.0.1:${origin.port}`, '--proxy', proxy.url, '--system-ca', systemCa, '--public-ca', publicCa, '--json'], io);
    assert.equal(code, 0, io.err);
    const report = JSON.parse(io.out);
    assert.deepEqual(Object.keys(report), ['host', 'port', 'proxy', 'presented', 'path', 'root', 'verdict', 'trust', 'warnings']);
    assert.equal(report.host, '127.0.0.1');
    assert.equal(report.port, origin.port);
    assert.equal(report.proxy, proxy.url);
    assert.equal(report.verdict, 'intercepted');
    assert.deepEqual(report.trust, { public: false, system: true });
    for (const cert of report.presented) {
      assert.deepEqual(Object.keys(cert), ['subject', 'issuer', 'sha256', 'notBefore', 'notAfter', 'selfSigned', 'ca']);
      assert.match(cert.sha256, /^[0-9a-f]{64}$/);
    }
    assert.deepEqual(Object.keys(report.path[0]), ['subject', 'issuer', 'sha256', 'notBefore', 'notAfter', 'selfSigned', 'ca', 'source']);
    assert.deepEqual(Object.keys(report.root), ['subject', 'sha256', 'source']);
    assert.deepEqual(report.warnings, []);
  });

  test('human output: the chain leaf to root and the verdict in words; HTTPS_PROXY from the environment', async () => {
    const proxy = await startInterceptor({ issuer: corp, upstreamCa: pki.root.pem });
    cleanups.push(() => proxy.close());
    const io = fakeIo({ HTTPS_PROXY: proxy.url });
    const code = await main(['chain', `127.0.0.1:${origin.port}`, '--system-ca', systemCa, '--public-ca', publicCa], io);
    assert.equal(code, 0, io.err);
    assert.match(io.out, /via http:\/\/127\.0\.0\.1/);
    assert.match(io.out, /0\. CN=127\.0\.0\.1/);
    assert.match(io.out, /1\. CN=Corp CLI Root.*\[self-signed\]/);
    assert.match(io.out, /from: +OS trust store/);
    assert.match(io.out, /sha256: +[0-9a-f]{64}/);
    assert.match(io.out, /Verdict: intercepted/);
  });

  test('exit 3 with one line when the host cannot be probed, within the timeout', async () => {
    // Accepts and never answers; its connections are destroyed on close (a paused socket never sees EOF).
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    );
    const io = fakeIo();
    const port = (server.address() as net.AddressInfo).port;
    const code = await main(['chain', `127.0.0.1:${port}`, '--timeout', '200', '--public-ca', publicCa, '--system-ca', systemCa], io);
    assert.equal(code, 3);
    assert.equal(io.out, '');
    assert.equal(io.err.trim().split('\n').length, 1);
    assert.match(io.err, /within 200 ms/);
  });

  test('exit 2 for usage errors', async () => {
    for (const argv of [
      ['chain'],
      ['chain', 'a:1', 'b:2'],
      ['chain', 'host:99999'],
      ['chain', 'host:443', '--bogus'],
      ['chain', 'host:443', '--timeout', 'soon'],
      ['chain', '127.0.0.1:443', '--public-ca', '/nonexistent/file.pem'],
    ]) {
      const io = fakeIo();
      assert.equal(await main(argv, io), 2, argv.join(' '));
      assert.notEqual(io.err, '');
      assert.equal(io.out, '');
    }
  });
});
