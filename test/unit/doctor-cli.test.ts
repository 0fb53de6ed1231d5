// `doctor --fix` at a terminal, run in-process with an injected terminal: what a person reads before
// answering (each root's subject, SHA-256, store, servers), the report printed once, and "no".
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { doctor } from '../../src/cli/doctor';
import type { CliIO } from '../../src/cli/io';
import { createCa, type TestCert } from '../fixtures/pki';

const dir = mkdtempSync(join(tmpdir(), 'doctor-cli-'));
let corporate: TestCert;
let stranger: TestCert;
const store = join(dir, 'store.pem');
const publicFile = join(dir, 'public.pem');

before(async () => {
  corporate = await createCa('Doctor CLI Corporate Root');
  stranger = await createCa('Doctor CLI Stranger Root');
  const publicRoot = await createCa('Doctor CLI Public Root');
  writeFileSync(store, corporate.pem);
  writeFileSync(publicFile, publicRoot.pem);
  writeFileSync(join(dir, 'corp.pem'), corporate.pem);
  writeFileSync(join(dir, 'stranger.pem'), stranger.pem);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A terminal that records what was written and asked, in order, and answers `answer`. */
function terminal(home: string, answer: string): { io: CliIO; events: string[] } {
  const events: string[] = [];
  const io: CliIO = {
    stdout: (text) => events.push(text),
    stderr: () => undefined,
    readStdin: async () => '',
    env: { HOME: home },
    cwd: dir,
    isTTY: { stdin: true, stdout: true, stderr: true },
    prompt: async (question) => {
      events.push(`<asked> ${question}`);
      return answer;
    },
  };
  return { io, events };
}

function home(name: string): { home: string; config: string } {
  const folder = join(dir, name);
  const config = join(folder, '.cursor', 'mcp.json');
  mkdirSync(join(folder, '.cursor'), { recursive: true });
  writeFileSync(config, JSON.stringify({ mcpServers: { docs: { command: 'uvx', args: ['mcp-x'] } } }, null, 2));
  return { home: folder, config };
}

const args = (ca: string, ...more: string[]): string[] => ['--fix', '--ca', join(dir, ca), '--system-ca', store, '--public-ca', publicFile, '--no-logs', '--no-runtime-check', ...more];

describe('doctor --fix at a terminal (injected)', () => {
  it('shows the root, its SHA-256 and that the OS store trusts it before asking; the report once; "no" changes nothing and says so', async () => {
    const { home: folder, config } = home('home-no');
    const before = readFileSync(config, 'utf8');
    const { io, events } = terminal(folder, 'n');
    const code = await doctor(args('corp.pem'), io);
    const asked = events.findIndex((event) => event.startsWith('<asked> Apply the fixes to 1 server(s)?'));
    assert.ok(asked > 0, events.join(''));
    const head = events.slice(0, asked).join('');
    const tail = events.slice(asked + 1).join('');
    assert.ok(head.includes(corporate.subject), head);
    assert.ok(head.includes(new X509Certificate(corporate.pem).fingerprint256), head);
    assert.match(head, /trusted by the OS store/);
    assert.match(head, /for 1 server\(s\): docs \(~\/\.cursor\/mcp\.json\)/);
    assert.equal(events.join('').match(/ {2}docs {2}python/g)?.length, 1, 'the report once');
    assert.match(tail, /^Nothing changed/m);
    assert.equal(code, 0, 'declined: nothing applied, as a report');
    assert.equal(readFileSync(config, 'utf8'), before);
  });

  it('a CA no store holds, with --trust-unknown-ca: the warning that this may be an attack comes before the question', async () => {
    const { home: folder } = home('home-unknown');
    const { io, events } = terminal(folder, 'n');
    await doctor(args('stranger.pem', '--trust-unknown-ca'), io);
    const asked = events.findIndex((event) => event.startsWith('<asked> '));
    const head = events.slice(0, asked).join('');
    assert.ok(head.includes(new X509Certificate(stranger.pem).fingerprint256), head);
    assert.match(head, /no trust store holds it: this may be an attack/);
  });

  it('"yes" applies, and the closing line says done', async () => {
    const { home: folder, config } = home('home-yes');
    const { io, events } = terminal(folder, 'y');
    const code = await doctor(args('corp.pem'), io);
    assert.equal(code, 0, events.join(''));
    assert.match(readFileSync(config, 'utf8'), /"SSL_CERT_FILE"/);
    assert.match(events.join(''), /^done: 1 change\(s\) applied$/m);
  });
});
