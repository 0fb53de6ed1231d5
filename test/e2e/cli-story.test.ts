// The whole story with the CLI alone, as a Claude Desktop or Cursor user lives it: an MCP server in a
// `mcpServers` config fails behind a TLS-inspecting proxy with its runtime's real error; `scan` reads
// that error, `chain` finds the interception root, `fix` writes the right CA variable for the
// server's runtime, the server started again succeeds, and `undo` gives the file back byte for byte.
// Both proxies (mitmproxy: leaf only; the interceptor: sends its root, the blog post's case) × both
// servers (Python stdlib, Node SDK). Every child process gets a clean environment and HOME=<temp>.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { TestNetwork, TestProxy, startNetwork } from '../fixtures/network';
import { type CliRun, ensureBuiltCli, runBuiltCli } from '../support/builtCli';

const REPO = resolve(__dirname, '..', '..');
const SERVERS_DIR = join(REPO, 'test', 'fixtures', 'mcp-servers');
/** Debian's python3: reads the OS store (which holds no test CA), honours SSL_CERT_FILE. */
const PYTHON = '/usr/bin/python3';

interface ServerCase {
  runtime: 'python' | 'node';
  command: string;
  script: string;
  /** The variables `fix` must set for this runtime (docs/design.md: runtime → what to set). */
  variables: string[];
  /** What the runtime prints when the chain ends at a CA it does not trust. */
  error: Record<TestProxy['name'], RegExp>;
  skip: string | false;
}

const SERVER_CASES: ServerCase[] = [
  {
    runtime: 'python',
    command: PYTHON,
    script: join(SERVERS_DIR, 'docs_server.py'),
    variables: ['SSL_CERT_FILE', 'REQUESTS_CA_BUNDLE'],
    error: {
      mitmproxy: /ssl\.SSLCertVerificationError: \[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed: unable to get local issuer certificate/,
      interceptor: /ssl\.SSLCertVerificationError: \[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed: self[- ]signed certificate in certificate chain/,
    },
    skip: existsSync(PYTHON) ? false : `${PYTHON} is absent`,
  },
  {
    runtime: 'node',
    command: process.execPath,
    script: join(SERVERS_DIR, 'docs_server.mjs'),
    variables: ['NODE_EXTRA_CA_CERTS'],
    error: {
      mitmproxy: /unable to verify the first certificate[\s\S]*code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'/,
      interceptor: /self[- ]signed certificate in certificate chain[\s\S]*code: 'SELF_SIGNED_CERT_IN_CHAIN'/,
    },
    skip: false,
  },
];

let net: TestNetwork;
let work: string;

/** `mcp-ssl-doctor ARGS` as a user runs it: the built bin, a clean env, HOME=<temp>. */
function doctor(args: string[]): Promise<CliRun> {
  return runBuiltCli(args, net.cleanEnv(), work);
}

function parseJson<T>(result: CliRun, what: string): T {
  assert.equal(result.code, 0, `${what} exited ${result.code}: ${result.stderr}`);
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    assert.fail(`${what} printed no JSON: ${result.stdout}\n${result.stderr}`);
  }
}

function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
}

function fingerprintsOf(bundlePem: string): string[] {
  return (bundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(fingerprint);
}

interface ServerEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

interface HostRun {
  /** The MCP handshake succeeded. */
  connected: boolean;
  stderr: string;
  tools: string[];
  /** The text fetch_docs returned, when connected. */
  toolText: string | null;
}

/**
 * Starts the server as an MCP host does (the MCP TypeScript SDK's stdio client, as Claude Desktop
 * uses it: a few inherited variables plus the env given), runs the handshake, lists the tools and
 * calls fetch_docs. The env given: the entry's `env` over a clean one with HTTPS_PROXY.
 */
async function startAsHost(entry: ServerEntry, env: Record<string, string>): Promise<HostRun> {
  const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env, cwd: work, stderr: 'pipe' });
  let stderr = '';
  const stderrStream = transport.stderr;
  assert.ok(stderrStream, 'the stdio transport gives the server stderr');
  const stderrDone = new Promise<void>((done) => {
    stderrStream.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    stderrStream.on('end', done);
    stderrStream.on('close', done);
  });
  const client = new Client({ name: 'cli-story-host', version: '1.0.0' });
  let connected = false;
  let tools: string[] = [];
  let toolText: string | null = null;
  try {
    await client.connect(transport);
    connected = true;
    tools = (await client.listTools()).tools.map((tool) => tool.name);
    const result = await client.callTool({ name: 'fetch_docs', arguments: {} });
    const content = result.content as { type: string; text?: string }[];
    toolText = content.map((part) => part.text ?? '').join('');
  } catch (error) {
    if (connected) throw error;
    // Not connected: the server exited before the handshake; its stderr says why.
  } finally {
    await client.close().catch(() => undefined);
  }
  await stderrDone;
  return { connected, stderr, tools, toolText };
}

async function readResults(file: string): Promise<string[]> {
  return existsSync(file) ? (await readFile(file, 'utf8')).split('\n').filter(Boolean) : [];
}

interface ScanFinding {
  file: string;
  line: number;
  kind: string;
  runtime: string;
  host: string | null;
  port: number | null;
  fixable: boolean;
  message: string;
}

interface ChainJson {
  warnings: { code: string; message: string }[];
  host: string;
  port: number;
  proxy: string | null;
  presented: { sha256: string; selfSigned: boolean }[];
  root: { subject: string; sha256: string; source: string } | null;
  verdict: string;
  trust: { public: boolean; system: boolean };
}

interface FixJson {
  config: string;
  bundle: string;
  changed: { server: string; env: Record<string, string> }[];
  skipped: { server: string; reason: string }[];
  warnings: { code: string; server?: string; message: string }[];
}

before(async () => {
  ensureBuiltCli();
  net = await startNetwork();
  work = await mkdtemp(join(net.dir, 'work-'));
});

after(async () => {
  await net?.close();
});

describe('CLI-only story: a Claude Desktop style mcpServers file behind a TLS-inspecting proxy', () => {
  for (const proxyName of ['mitmproxy', 'interceptor'] as const) {
    for (const server of SERVER_CASES) {
      test(`${server.runtime} server behind ${proxyName}: fails, scan, chain, fix, works, undo`, { skip: server.skip }, async (t) => {
        const proxy = proxyName === 'mitmproxy' ? net.mitmproxy : net.interceptor;
        if (!proxy) {
          t.skip(net.mitmproxySkip ?? 'mitmproxy is not running');
          return;
        }
        const caPem = await readFile(proxy.caFile, 'utf8');
        const caSha256 = fingerprint(caPem);
        const dir = join(work, `${server.runtime}-${proxy.name}`);
        await mkdir(dir);
        const resultFile = join(dir, 'server-results.txt');
        const configFile = join(dir, 'claude_desktop_config.json');
        const bundleDir = join(dir, 'bundles');
        const serverName = `docs-${server.runtime}`;
        const original =
          '{\n' +
          '  "mcpServers": {\n' +
          `    ${JSON.stringify(serverName)}: {\n` +
          `      "command": ${JSON.stringify(server.command)},\n` +
          `      "args": [${JSON.stringify(server.script)}, ${JSON.stringify(net.origin.url)}],\n` +
          '      "env": {\n' +
          '        "DOCS_LANG": "en"\n' +
          '      }\n' +
          '    }\n' +
          '  },\n' +
          '  "globalShortcut": ""\n' +
          '}\n';
        await writeFile(configFile, original);
        const hostEnv = net.cleanEnv({ HTTPS_PROXY: proxy.url, MCP_TEST_RESULT_FILE: resultFile });
        const entryOf = async (): Promise<ServerEntry> => {
          const config = JSON.parse(await readFile(configFile, 'utf8')) as { mcpServers: Record<string, ServerEntry> };
          const entry = config.mcpServers[serverName];
          assert.ok(entry, `${serverName} is still in the config`);
          return entry;
        };
        const envFor = (entry: ServerEntry): Record<string, string> => ({ ...(hostEnv as Record<string, string>), ...(entry.env ?? {}) });

        // 1. The host starts the server: it fails with its runtime's own error.
        const initial = await entryOf();
        const failed = await startAsHost(initial, envFor(initial));
        assert.equal(failed.connected, false, `the server should fail before the handshake; stderr:\n${failed.stderr}`);
        assert.match(failed.stderr, server.error[proxy.name]);
        assert.deepEqual((await readResults(resultFile)).map((line) => line.slice(0, 5)), ['FAIL ']);

        // 2. scan: the stderr is an untrusted-ca failure of this runtime, one event.
        const stderrFile = join(dir, 'server-stderr.log');
        await writeFile(stderrFile, failed.stderr);
        const findings = parseJson<ScanFinding[]>(await doctor(['scan', stderrFile, '--json']), 'scan');
        assert.equal(findings.length, 1, `one failure event, got ${JSON.stringify(findings, null, 2)}`);
        const [finding] = findings as [ScanFinding];
        assert.equal(finding.kind, 'untrusted-ca');
        assert.equal(finding.fixable, true);
        assert.equal(finding.runtime, server.runtime);
        assert.equal(finding.file, stderrFile);

        // 3. chain: through the proxy, the path ends at the interception root the "OS store" trusts.
        const chain = parseJson<ChainJson>(
          await doctor(['chain', net.origin.hostPort, '--proxy', proxy.url, '--system-ca', proxy.caFile, '--json']),
          'chain',
        );
        assert.equal(chain.verdict, 'intercepted');
        assert.equal(chain.root?.sha256, caSha256);
        assert.deepEqual(chain.trust, { public: false, system: true });
        assert.equal(chain.port, net.origin.port);
        // mitmproxy sends its leaf only; the interceptor sends its root after the leaf.
        assert.equal(chain.presented.length, proxy.sendsRoot ? 2 : 1);
        if (proxy.sendsRoot) assert.equal(chain.presented[1]?.sha256, caSha256);

        // mitmproxy 8 (Debian 12) mints leaves without an Authority Key Identifier, which Python 3.13+
        // rejects in strict mode whatever it trusts; the interceptor's leaves carry one.
        const leafLacksAki = proxy.name === 'mitmproxy';
        assert.equal(chain.warnings.some((w) => w.code === 'python-strict-missing-aki'), leafLacksAki, JSON.stringify(chain.warnings));

        // 4. fix: the right variable for this runtime, pointing at a bundle that holds the CA.
        const fixArgs = ['--bundle-dir', bundleDir, '--json'];
        const fixed = parseJson<FixJson>(
          await doctor(['fix', '--config', configFile, '--host', net.origin.hostPort, '--proxy', proxy.url, '--system-ca', proxy.caFile, ...fixArgs]),
          'fix',
        );
        const strictWarning = fixed.warnings.find((w) => w.code === 'strict-ca' && w.server === serverName)?.message;
        if (server.runtime === 'python' && leafLacksAki) {
          // `/usr/bin/python3` names no version (Debian's is 3.11, no strict mode): fix writes the bundle
          // and warns that Python 3.13+ would still refuse mitmproxy's leaf, naming the proxy, not the CA.
          assert.match(strictWarning ?? '', /fixed for Python 3\.12 and older.*the proxy-issued leaf \(.*\): Missing Authority Key Identifier/);
          assert.match(strictWarning ?? '', /the TLS-inspecting proxy \(its CA: .*mitmproxy.*\) must issue standards-conformant leaf certificates.*pin the server to Python 3\.12/);
          assert.doesNotMatch(strictWarning ?? '', /IT reissues the CA/);
        } else {
          assert.equal(strictWarning, undefined, 'no strict X.509 warning');
        }
        assert.equal(resolve(fixed.config), configFile);
        assert.equal(fixed.changed.length, 1, JSON.stringify(fixed));
        const change = fixed.changed[0]!;
        assert.equal(change.server, serverName);
        assert.deepEqual(Object.keys(change.env).sort(), [...server.variables].sort());
        for (const variable of server.variables) assert.equal(change.env[variable], fixed.bundle);
        assert.ok(resolve(fixed.bundle).startsWith(bundleDir), `bundle ${fixed.bundle} is in --bundle-dir`);
        assert.ok(fingerprintsOf(await readFile(fixed.bundle, 'utf8')).includes(caSha256), 'the bundle holds the interception CA');
        const fixedEntry = await entryOf();
        assert.equal(fixedEntry.env?.DOCS_LANG, 'en', 'the entry keeps its other env');
        for (const variable of server.variables) assert.equal(fixedEntry.env?.[variable], fixed.bundle);

        // 5. The host starts the server again with the config's new env: it works.
        const succeeded = await startAsHost(fixedEntry, envFor(fixedEntry));
        assert.equal(succeeded.connected, true, `the server should start; stderr:\n${succeeded.stderr}`);
        assert.match(succeeded.stderr, /^docs-server: OK 200 ok$/m);
        assert.deepEqual(succeeded.tools, ['fetch_docs']);
        assert.equal(succeeded.toolText, '200 ok');
        const results = await readResults(resultFile);
        assert.equal(results[1], 'OK 200 ok', `the server's own outcome: ${results.join(' | ')}`);

        // 6. undo: the file is byte for byte what it was.
        const undone = parseJson<{ identical?: boolean }>(await doctor(['undo', '--config', configFile, '--json']), 'undo');
        assert.equal(await readFile(configFile, 'utf8'), original);
        assert.equal(undone.identical, true);
        await rm(dir, { recursive: true, force: true });
      });
    }
  }
});
