// The proxy macOS and Windows keep outside the environment (issue 22, section 1): read from
// `scutil --proxy` and the user's Internet settings (outputs in the shape those commands print), taken
// as the session's proxy when no proxy variable is set — no MCP server gets it, whatever its host
// passes on — and a PAC file said, never evaluated.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseScutilProxy, parseWindowsInternetSettings, readSystemProxy } from '../../src/core/hosts/systemProxy';
import { runDoctor } from '../../src/core/usecases/doctor';
import type { ChainReport } from '../../src/core/types';
import type { ServerTarget } from '../../src/core/model/server';

const SCUTIL = `<dictionary> {
  ExceptionsList : <array> {
    0 : *.local
    1 : 169.254/16
    2 : *.corp.example
  }
  FTPPassive : 1
  HTTPEnable : 1
  HTTPPort : 8080
  HTTPProxy : proxy.corp.example
  HTTPSEnable : 1
  HTTPSPort : 8443
  HTTPSProxy : proxy.corp.example
  ProxyAutoConfigEnable : 0
}
`;

const SCUTIL_PAC = `<dictionary> {
  ExceptionsList : <array> {
    0 : *.local
    1 : 169.254/16
  }
  FTPPassive : 1
  ProxyAutoConfigEnable : 1
  ProxyAutoConfigURLString : http://wpad.corp.example/wpad.dat
}
`;

const REG = `
HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings
    CertificateRevocation    REG_DWORD    0x1
    DisableCachingOfSSLPages    REG_DWORD    0x0
    User Agent    REG_SZ    Mozilla/4.0 (compatible; MSIE 8.0; Win32)
    EnableNegotiate    REG_DWORD    0x1
    ProxyEnable    REG_DWORD    0x1
    MigrateProxy    REG_DWORD    0x1
    ProxyServer    REG_SZ    http=proxy.corp.example:8080;https=proxy.corp.example:8443;ftp=proxy.corp.example:2121
    ProxyOverride    REG_SZ    *.corp.example;intranet;<local>
    AutoConfigURL    REG_SZ    http://wpad.corp.example/proxy.pac

HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\5.0
HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\Cache
`;

describe('the system proxy', () => {
  it('macOS: scutil --proxy as HTTPS_PROXY / HTTP_PROXY / NO_PROXY (*.x as .x)', () => {
    assert.deepEqual(parseScutilProxy(SCUTIL), {
      env: { HTTPS_PROXY: 'http://proxy.corp.example:8443', HTTP_PROXY: 'http://proxy.corp.example:8080', NO_PROXY: '.local,169.254/16,.corp.example' },
      source: 'scutil --proxy',
    });
    assert.deepEqual(parseScutilProxy(SCUTIL_PAC), { env: {}, pac: 'http://wpad.corp.example/wpad.dat', source: 'scutil --proxy' });
  });

  it('Windows: the Internet settings (per-scheme ProxyServer, ProxyOverride without <local>, AutoConfigURL); disabled: none', () => {
    const read = parseWindowsInternetSettings(REG);
    assert.deepEqual(read.env, { HTTPS_PROXY: 'http://proxy.corp.example:8443', HTTP_PROXY: 'http://proxy.corp.example:8080', NO_PROXY: '.corp.example,intranet' });
    assert.equal(read.pac, 'http://wpad.corp.example/proxy.pac');
    assert.deepEqual(parseWindowsInternetSettings(REG.replace('0x1\n    MigrateProxy', '0x0\n    MigrateProxy').replace(/ProxyEnable {4}REG_DWORD {4}0x1/, 'ProxyEnable    REG_DWORD    0x0')).env, {});
    assert.deepEqual(parseWindowsInternetSettings('    ProxyEnable    REG_DWORD    0x1\n    ProxyServer    REG_SZ    10.0.0.1:3128\n').env, { HTTPS_PROXY: 'http://10.0.0.1:3128', HTTP_PROXY: 'http://10.0.0.1:3128' });
  });

  it('read with the platform\'s command; Linux has none', async () => {
    const asked: string[] = [];
    const run = async (command: string, args: string[]): Promise<string> => {
      asked.push([command, ...args].join(' '));
      return command.endsWith('scutil') ? SCUTIL : REG;
    };
    assert.equal((await readSystemProxy('darwin', run))?.env.HTTPS_PROXY, 'http://proxy.corp.example:8443');
    assert.equal((await readSystemProxy('win32', run))?.env.HTTPS_PROXY, 'http://proxy.corp.example:8443');
    assert.equal(await readSystemProxy('linux', run), null);
    assert.deepEqual(asked, ['/usr/sbin/scutil --proxy', 'reg query HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings']);
  });
});

describe('doctor with the system\'s proxy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'system-proxy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (file: string, text: string): void => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  const report = (proxy: string | null): ChainReport => ({
    host: 'docs.corp.example', port: 443, proxy, presented: [],
    path: [
      { subject: 'CN=docs.corp.example', issuer: 'CN=Corp Root', sha256: 'leaf', notBefore: '', notAfter: '', selfSigned: false, ca: false, source: 'presented' },
      { subject: 'CN=Corp Root', issuer: 'CN=Corp Root', sha256: 'sha-corp', notBefore: '', notAfter: '', selfSigned: true, ca: true, source: 'system', pem: 'PEM' },
    ],
    root: { subject: 'CN=Corp Root', sha256: 'sha-corp', source: 'system' },
    verdict: 'intercepted', trust: { public: false, system: true }, warnings: [],
  });

  it('on macOS without proxy variables, a server of any host (VS Code passes its environment on, which has none) goes directly; the system\'s proxy is its fix', async () => {
    const home = join(dir, 'mac');
    // Its target is outside the exceptions (*.corp.example is direct by the system's own list).
    write(join(home, 'Library', 'Application Support', 'Code', 'User', 'mcp.json'), JSON.stringify({
      servers: { docs: { command: 'uvx', args: ['mcp-docs', 'https://docs.vendor.example/'] }, wiki: { command: 'uvx', args: ['mcp-wiki', 'https://wiki.corp.example/'] } },
    }));
    const probed: ServerTarget[] = [];
    const run = await runDoctor({
      scopes: [{ home, workspaceFolders: [], platform: 'darwin', env: {} }],
      hostEnv: { HOME: home, PATH: '/usr/bin:/bin' },
      analyzer: {
        analyze: async (target) => {
          probed.push(target);
          if (!target.proxyEnv?.HTTPS_PROXY) throw new Error('connect ETIMEDOUT 10.1.2.3:443');
          return report(target.proxyEnv.HTTPS_PROXY);
        },
        verify: async () => ({ ok: true }),
      },
      readLogs: false,
      readSystemProxy: async (platform) => (platform === 'darwin' ? parseScutilProxy(SCUTIL) : null),
    });
    const docs = run.result.servers.find((s) => s.server === 'docs');
    assert.deepEqual([docs?.state, docs?.reason, docs?.fix.kind], ['will-fail', 'proxy-dropped', 'env']);
    assert.equal(docs?.droppedProxy?.from, 'scutil --proxy');
    assert.deepEqual(docs?.droppedProxy?.adds, ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']);
    assert.match(docs?.fix.detail ?? '', /the system's proxy, which no environment carries \(scutil --proxy\)/);
    assert.equal(probed.at(-1)?.proxyEnv?.HTTPS_PROXY, 'http://proxy.corp.example:8443', 'probed through the system\'s proxy');
    assert.equal(run.pending, 1);
    const wiki = run.result.servers.find((s) => s.server === 'wiki');
    assert.deepEqual([wiki?.state, wiki?.droppedProxy], ['unreachable', undefined], 'NO_PROXY covers it: going directly is its route');
  });

  it('a PAC file is said (not evaluated); a proxy variable in the environment wins over the system\'s', async () => {
    const home = join(dir, 'pac');
    write(join(home, '.cursor', 'mcp.json'), JSON.stringify({ mcpServers: { docs: { command: 'uvx', args: ['mcp-docs', 'https://docs.corp.example/'] } } }));
    let asked = 0;
    const options = {
      scopes: [{ home, workspaceFolders: [], platform: 'darwin' as const, env: {} }],
      analyzer: { analyze: async () => report(null), verify: async () => ({ ok: true }) },
      readLogs: false,
      readSystemProxy: async () => {
        asked += 1;
        return parseScutilProxy(SCUTIL_PAC);
      },
    };
    const pac = await runDoctor({ ...options, hostEnv: { HOME: home } });
    assert.match(pac.result.warnings.find((w) => w.code === 'system-pac')?.message ?? '', /PAC file \(http:\/\/wpad\.corp\.example\/wpad\.dat\), which is not evaluated here/);
    await runDoctor({ ...options, hostEnv: { HOME: home, HTTPS_PROXY: 'http://127.0.0.1:3128' } });
    assert.equal(asked, 1, 'not read when the environment names a proxy');
  });
});
