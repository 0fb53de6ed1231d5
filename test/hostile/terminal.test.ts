// #12 item 5 (terminal and names): control and bidi characters never reach the terminal raw,
// notification text has no live markdown or links, and a subject's CN is read from the parsed name.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Cert } from '../../src/core/chain/cert';
import { cleanup, tempDir, testCas } from '../fixtures/configs/harness';
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type TextModule = typeof import('../../src/core/text');
// Loaded per test, so that each test (not the whole file) fails where the module is missing.
const text = (): Promise<TextModule> => import('../../src/core/text');

const ROOT = path.resolve(__dirname, '..', '..');
let dir: string;
before(() => {
  dir = tempDir('mcp-terminal-');
});
after(() => cleanup(dir));

const ESC = '\u001b';
const HOSTILE = `a${ESC}]0;owned\u0007${ESC}[2J\rb\u009b31m\u202eRTL\u2066x\u2069\u200e`;
/** VS Code's own notification link syntax (vs/base/common/linkedText.ts). */
const VSCODE_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

async function hostileSubjectCert(): Promise<Cert> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'O=Evil\\, CN=Corporate CA, CN=Attacker Root',
    keys,
    signingAlgorithm: alg,
  });
  return new Cert(Buffer.from(cert.rawData));
}

describe('hostile: terminal and names', () => {
  it('terminal: terminalSafe makes C0, C1 and bidi controls visible, keeps \\n, \\t and ordinary text', async () => {
    const { terminalSafe } = await text();
    const out = terminalSafe(`${HOSTILE}\n\tZürich 東京 ok`);
    assert.doesNotMatch(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    assert.match(out, /\\u001b\]0;owned\\u0007\\u001b\[2J\\u000db\\u009b31m\\u202eRTL\\u2066x\\u2069\\u200e/);
    assert.ok(out.endsWith('\n\tZürich 東京 ok'));
    assert.equal(terminalSafe('plain text\n'), 'plain text\n');
  });

  it('terminal: markdownSafe leaves no live link or command link, and keeps names readable', async () => {
    const { markdownSafe } = await text();
    const out = markdownSafe('[Fix now](command:workbench.action.terminal.sendSequence?%7B%7D) *bold* _it_ `code` <b> [x](https://evil.example)');
    assert.equal(out.match(VSCODE_LINK), null, out);
    assert.doesNotMatch(out, /command:|https:/);
    assert.doesNotMatch(out, /\]\(/, out);
    assert.match(markdownSafe(`name${ESC}[31m\u202e`), /\\u001b\[31m\\u202e/);
    assert.equal(markdownSafe('py_docs (python 3.11)'), 'py_docs (python 3.11)');
    assert.equal(markdownSafe('pypi.org:443'), 'pypi.org:443');
  });

  it('terminal: the CN of "O=Evil\\, CN=Corporate CA, CN=Attacker Root" is "Attacker Root" (escaped comma, last CN)', async () => {
    const { commonNameOf, parseName } = await text();
    const cert = await hostileSubjectCert();
    const subject = cert.info().subject;
    assert.equal(commonNameOf(subject), 'Attacker Root');
    assert.deepEqual(parseName(subject), [
      { type: 'O', value: 'Evil, CN=Corporate CA' },
      { type: 'CN', value: 'Attacker Root' },
    ]);
    assert.equal(commonNameOf('CN=Caf\\C3\\A9 Root, O=Corp'), 'Café Root');
    assert.equal(commonNameOf('C=US, O=Corp'), 'C=US, O=Corp');
  });

  it('terminal: the CLI shows a hostile server name escaped; --json output stays exact JSON', async () => {
    const { corporate } = await testCas();
    const home = path.join(dir, 'home');
    mkdirSync(home, { recursive: true });
    const ca = path.join(dir, 'ca.pem');
    writeFileSync(ca, corporate.pem);
    const name = `evil${ESC}]0;pwned\u0007${ESC}[2J\r\u202eroot`;
    const config = path.join(dir, 'mcp.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { [name]: { command: 'npx', args: ['-y', 'srv'] } } }, null, 2));
    const run = (extra: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts'), 'fix', '--config', config, '--ca', ca, '--trust-unknown-ca', '--dry-run', ...extra], {
        cwd: ROOT,
        env: { ...process.env, HOME: home, USERPROFILE: home },
      });
    const human = await run([]);
    assert.match(human.stdout, /evil\\u001b\]0;pwned\\u0007\\u001b\[2J\\u000d\\u202eroot/, human.stdout);
    assert.doesNotMatch(human.stdout + human.stderr, /[\u001b\u0007\r\u202e]/);
    const json = await run(['--json']);
    const parsed = JSON.parse(json.stdout) as { changed: { server: string }[] };
    assert.equal(parsed.changed[0]?.server, name, 'JSON carries the name exactly');
    assert.equal(json.stdout, `${JSON.stringify(parsed, null, 2)}\n`, 'JSON output byte-identical to JSON.stringify');
  });
});
