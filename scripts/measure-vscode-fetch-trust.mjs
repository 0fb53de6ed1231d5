#!/usr/bin/env node
// Measures which settings and which editor-process variables make VS Code's extension-host `fetch`
// (the one that connects to remote MCP servers) trust an intercepting proxy's root. It loads the very
// `@vscode/proxy-agent` that a code-server install bundles, wires it the way the extension host does
// (lib/vscode/out/vs/workbench/api/node/extensionHostProcess.js: `addCertificatesV1 = !V2 && systemCertificates`,
// `addCertificatesV2 = V2 && systemCertificates`, `loadSystemCertificatesFromNode = systemCertificatesNode`,
// `loadAdditionalCertificates = loadSystemCertificates(...)`), and fetches through the test interceptor
// from a fresh process per row (NODE_EXTRA_CA_CERTS / SSL_CERT_FILE are read at process start), with a
// clean environment. Results: docs/remote-servers.md.
//
//   node24 --import tsx scripts/measure-vscode-fetch-trust.mjs ~/.cache/mcp-ssl-doctor/testbed/cs/node_modules/code-server [--os-store]
//
// --os-store (root, Debian): also the rows with the root in the real OS store: it is installed as
// /usr/local/share/ca-certificates/mcp-ssl-doctor-measure.crt + update-ca-certificates, and removed
// (file + update-ca-certificates) before the script ends, whatever happens.
import { execFile, execFileSync } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { buildBundle, readCertificates, writeBundle } from '../src/core/fix/bundle.ts';
import { startNetwork } from '../test/fixtures/network.ts';

const codeServer = process.argv[2];
if (!codeServer) {
  console.error('usage: node24 --import tsx scripts/measure-vscode-fetch-trust.mjs <code-server package dir>');
  process.exit(2);
}
const proxyAgent = path.join(codeServer, 'lib', 'vscode', 'node_modules', '@vscode', 'proxy-agent');

const CHILD = `
const pa = require(${JSON.stringify(proxyAgent)});
const s = JSON.parse(process.argv[1]);
const [proxyUrl, url] = process.argv.slice(2);
const get = (key, fallback) => (key in s ? s[key] : fallback);
const log = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const nodeLoader = () => get('http.systemCertificatesNode', true);
const params = {
  isAdditionalFetchSupportEnabled: () => get('http.fetchAdditionalSupport', true),
  getProxySupport: () => get('http.proxySupport', 'override'),
  addCertificatesV1: () => !get('http.experimental.systemCertificatesV2', false) && !!get('http.systemCertificates', true),
  addCertificatesV2: () => !!get('http.experimental.systemCertificatesV2', false) && !!get('http.systemCertificates', true),
  loadSystemCertificatesFromNode: nodeLoader,
  loadAdditionalCertificates: () => pa.loadSystemCertificates({ loadSystemCertificatesFromNode: nodeLoader, log }),
  log,
};
const patched = pa.createFetchPatch(params, globalThis.fetch, async () => proxyUrl);
patched(url).then(
  async (res) => { console.log(res.status === 200 && (await res.text()) === 'ok' ? 'works' : 'bad response'); },
  (e) => { console.log('fails: ' + (e.cause && (e.cause.code || e.cause.message) || e.message)); },
);
`;

function run(settings, env, net) {
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', CHILD, JSON.stringify(settings), net.interceptor.url, net.origin.url], { env: net.cleanEnv(env), timeout: 30_000 }, (error, stdout, stderr) => {
      resolve(String(stdout).trim() || `error: ${String(stderr).trim().split('\n')[0] || error?.message}`);
    });
  });
}

const net = await startNetwork({ mitmproxy: false });
try {
  const root = readCertificates(net.corporateRoot.pem, 'root');
  const bundle = (await writeBundle(buildBundle(root, 'combined'), path.join(net.home, '.mcp-ssl-doctor'))).path;
  const caOnly = path.join(net.dir, 'ca-only.pem');
  await writeFile(caOnly, net.corporateRoot.pem);
  const rows = [
    ['defaults (root not in the OS store)', {}, {}],
    ['defaults', {}, { NODE_EXTRA_CA_CERTS: caOnly }],
    ['http.systemCertificates: false', { 'http.systemCertificates': false }, { NODE_EXTRA_CA_CERTS: caOnly }],
    ['defaults', {}, { SSL_CERT_FILE: bundle }],
    ['http.systemCertificatesNode: false', { 'http.systemCertificatesNode': false }, { SSL_CERT_FILE: bundle }],
    ['http.experimental.systemCertificatesV2: true', { 'http.experimental.systemCertificatesV2': true }, { SSL_CERT_FILE: bundle }],
    ['http.systemCertificates: false, V2: true', { 'http.systemCertificates': false, 'http.experimental.systemCertificatesV2': true }, { SSL_CERT_FILE: bundle }],
    ['http.fetchAdditionalSupport: false (fetch unpatched: no proxy either, goes direct)', { 'http.fetchAdditionalSupport': false }, { SSL_CERT_FILE: bundle }],
  ];
  const osStoreRows = [
    ['root in the OS store, defaults', {}, {}],
    ['root in the OS store, http.systemCertificates: false', { 'http.systemCertificates': false }, {}],
    ['root in the OS store, http.systemCertificatesNode: false', { 'http.systemCertificatesNode': false }, {}],
  ];
  console.log(`node ${process.version}, proxy-agent ${(await import(path.join(proxyAgent, 'package.json'), { with: { type: 'json' } })).default.version}`);
  console.log('| settings | editor process env | fetch through the interceptor |\n|---|---|---|');
  for (const [label, settings, env] of rows) {
    const envText = Object.keys(env).length === 0 ? '(none)' : Object.entries(env).map(([k, v]) => `${k}=${v === bundle ? 'public+CA bundle' : 'CA only'}`).join(' ');
    console.log(`| ${label} | ${envText} | ${await run(settings, env, net)} |`);
  }
  if (process.argv.includes('--os-store')) {
    const anchor = '/usr/local/share/ca-certificates/mcp-ssl-doctor-measure.crt';
    await writeFile(anchor, net.corporateRoot.pem, { mode: 0o644 });
    try {
      execFileSync('update-ca-certificates', [], { stdio: 'ignore' });
      for (const [label, settings, env] of osStoreRows) console.log(`| ${label} | (none) | ${await run(settings, env, net)} |`);
    } finally {
      await rm(anchor, { force: true });
      execFileSync('update-ca-certificates', [], { stdio: 'ignore' });
    }
  }
} finally {
  await net.close();
}
