// Why a renewal takes the superseded root out (measured, not assumed): a bundle holding the old and
// the renewed root of the same subject, old first, fails in Python and Node when the leaf names no
// Authority Key Identifier (the runtime picks the issuer by name: CERT_SIGNATURE_FAILURE); with the
// new root alone, or first, it works. With an Authority Key Identifier both orders work.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tls from 'node:tls';
import { createCa, createLeaf, type TestCert } from '../fixtures/pki';

let dir: string;
let oldRoot: TestCert;
let renewed: TestCert;

function handshake(runtime: 'python' | 'node', bundle: string, port: number): Promise<string> {
  const [command, args, env] =
    runtime === 'python'
      ? ['python3', ['-c', `import socket, ssl\ntry:\n  ssl.create_default_context().wrap_socket(socket.create_connection(("127.0.0.1", ${port})), server_hostname="localhost"); print("ok")\nexcept Exception as e: print(e)`], { SSL_CERT_FILE: bundle }]
      : [process.execPath, ['-e', `const t=require('tls').connect({host:'127.0.0.1',port:${port},servername:'localhost'},()=>{console.log('ok');process.exit(0)});t.on('error',(e)=>{console.log(e.code);process.exit(0)})`], { NODE_EXTRA_CA_CERTS: bundle }];
  return new Promise((resolve) => execFile(command as string, args as string[], { env: { PATH: process.env.PATH, ...(env as Record<string, string>) }, timeout: 15_000 }, (_e, stdout) => resolve(stdout.trim())));
}

async function serve(leaf: TestCert): Promise<{ port: number; close: () => void }> {
  const server = tls.createServer({ key: leaf.keyPem, cert: leaf.pem }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-renewal-measure-'));
  oldRoot = await createCa('Renewed Inspection Root');
  renewed = await createCa('Renewed Inspection Root');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('measured: the old and the renewed root of one name in one bundle', () => {
  it('leaf without an Authority Key Identifier: old+new fails in Python and Node (signature failure); the new root alone works', async () => {
    const server = await serve(await createLeaf(['localhost'], renewed, { authorityKeyIdentifier: false }));
    try {
      const both = join(dir, 'both.pem');
      const alone = join(dir, 'alone.pem');
      writeFileSync(both, oldRoot.pem + renewed.pem);
      writeFileSync(alone, renewed.pem);
      assert.match(await handshake('python', both, server.port), /certificate signature failure/);
      assert.equal(await handshake('node', both, server.port), 'CERT_SIGNATURE_FAILURE');
      assert.equal(await handshake('python', alone, server.port), 'ok');
      assert.equal(await handshake('node', alone, server.port), 'ok');
    } finally {
      server.close();
    }
  });

  it('leaf with an Authority Key Identifier: old+new works (the runtime matches the key)', async () => {
    const server = await serve(await createLeaf(['localhost'], renewed));
    try {
      const both = join(dir, 'both-akid.pem');
      writeFileSync(both, oldRoot.pem + renewed.pem);
      assert.equal(await handshake('python', both, server.port), 'ok');
      assert.equal(await handshake('node', both, server.port), 'ok');
    } finally {
      server.close();
    }
  });
});
