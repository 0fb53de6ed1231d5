// The runtime check starts a server's own runtime with the environment its host would give it. For
// Codex that is a cleared environment plus the names in `env_vars`: a proxy passed that way is the
// one the server's traffic follows, so the handshake must go through it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkChangesInRuntime } from '../../src/core/usecases/runtimeVerify';
import type { McpServer } from '../../src/core/model/server';
import { cleanup, tempDir } from '../fixtures/configs/harness';
import { startInterceptor, type Interceptor } from '../fixtures/interceptor';
import { createCa, createLeaf } from '../fixtures/pki';
import { startOrigin, type Origin } from '../fixtures/origin';

let dir: string;
let origin: Origin;
let proxy: Interceptor;
let corporateOnly: string;

before(async () => {
  dir = tempDir('mcp-hosts2026-runtime-');
  const publicRoot = await createCa('Runtime Public Root');
  const corporate = await createCa('Runtime Corporate Root');
  origin = await startOrigin(await createLeaf(['localhost', '127.0.0.1'], publicRoot));
  proxy = await startInterceptor({ issuer: corporate, sendChain: [corporate], upstreamCa: publicRoot.pem });
  // Trusts only what the proxy re-signs: a direct connection to the origin fails with it.
  corporateOnly = path.join(dir, 'corporate-only.pem');
  writeFileSync(corporateOnly, corporate.pem);
});
after(async () => {
  await proxy?.close();
  await origin?.close();
  await cleanup(dir);
});

describe('runtime check with the host\'s environment (Codex env_vars)', () => {
  const server = (passEnv?: string[]): McpServer => ({
    config: { hostApp: 'codex', path: path.join(dir, 'config.toml'), scope: 'user', resolvesVariables: false },
    name: 'api',
    transport: 'stdio',
    runtime: 'node',
    command: process.execPath,
    args: ['server.js'],
    env: {},
    caVariables: [],
    ...(passEnv ? { passEnv } : {}),
  });
  const check = async (passEnv?: string[]) => {
    const results = await checkChangesInRuntime([server(passEnv)], [{ server: 'api', runtime: 'node', env: { NODE_EXTRA_CA_CERTS: corporateOnly } }], {
      hostEnv: { PATH: path.dirname(process.execPath), HOME: dir, HTTPS_PROXY: proxy.url },
      target: { host: 'localhost', port: origin.port },
      context: { home: dir, env: {} },
      timeoutMs: 10000,
    });
    return results.get('api');
  };

  it('a proxy named in env_vars reaches the runtime: the handshake goes through it and trusts the new bundle', async () => {
    const result = await check(['HTTPS_PROXY']);
    assert.equal(result?.ok, true, JSON.stringify(result));
  });

  it('without env_vars Codex clears HTTPS_PROXY: the runtime connects directly, where the corporate root is not the issuer', async () => {
    const result = await check();
    assert.equal(result?.ok, false, JSON.stringify(result));
  });
});
