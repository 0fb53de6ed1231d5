import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { HostId } from '../../src/core/hosts/locations';
import { HostTrustOptions, planHostTrust, settingsToSet } from '../../src/core/hostTrust/plan';
import type { OsStoreStep } from '../../src/core/hostTrust/types';
import { createHash, X509Certificate } from 'node:crypto';
import { createCa, createLeaf } from '../fixtures/pki';

let root: HostTrustOptions['root'];
let sha1: string;

before(async () => {
  const ca = await createCa('Corporate Inspection Root');
  const cert = new X509Certificate(ca.pem);
  root = { pem: ca.pem, subject: ca.subject, sha256: createHash('sha256').update(cert.raw).digest('hex') };
  sha1 = cert.fingerprint.replace(/:/g, '');
});

function options(extra: Partial<HostTrustOptions>): HostTrustOptions {
  return {
    hostApp: 'vscode',
    platform: 'linux',
    home: '/home/ann',
    root,
    rootInOsStore: true,
    bundlePath: '/home/ann/.mcp-ssl-doctor/ca-bundle-0123456789ab.pem',
    ...extra,
  };
}

function osStore(plan: ReturnType<typeof planHostTrust>): OsStoreStep {
  const step = plan.steps.find((s) => s.kind === 'os-store');
  assert.ok(step && step.kind === 'os-store');
  return step;
}

describe('host trust: plan', () => {
  it('editor with the root in the OS store: only the settings, the Node loader where the editor has it', () => {
    const plan = planHostTrust(options({ availableSettings: ['http.systemCertificates', 'http.systemCertificatesNode', 'http.experimental.systemCertificatesV2'] }));
    assert.deepEqual(plan.steps, [
      { kind: 'editor-setting', file: '/home/ann/.config/Code/User/settings.json', key: 'http.systemCertificates', value: true },
      { kind: 'editor-setting', file: '/home/ann/.config/Code/User/settings.json', key: 'http.systemCertificatesNode', value: true },
    ]);
    assert.deepEqual(plan.reasons, ['editor-host', 'root-in-os-store', 'settings-feature-detected']);
    assert.equal(plan.hostClass, 'editor');
  });

  it('feature detection: default, Node loader absent (Cursor 1.x, Node 20), only the experimental name, none', () => {
    assert.deepEqual(settingsToSet(undefined), ['http.systemCertificates']);
    assert.deepEqual(settingsToSet(['http.systemCertificates', 'http.experimental.systemCertificatesV2']), ['http.systemCertificates']);
    assert.deepEqual(settingsToSet(['http.experimental.systemCertificatesV2']), ['http.experimental.systemCertificatesV2']);
    assert.deepEqual(settingsToSet([]), []);
    const plan = planHostTrust(options({ availableSettings: [] }));
    assert.deepEqual(plan.steps, [{ kind: 'explain', code: 'no-system-certificates-setting' }]);
  });

  it('the default settings path follows the editor and the OS; an explicit one wins', () => {
    const file = (hostApp: HostId, platform: NodeJS.Platform, home: string, env?: NodeJS.ProcessEnv): string => {
      const step = planHostTrust(options({ hostApp, platform, home, env })).steps[0];
      assert.ok(step?.kind === 'editor-setting');
      return step.file;
    };
    assert.equal(file('cursor', 'darwin', '/Users/ann'), '/Users/ann/Library/Application Support/Cursor/User/settings.json');
    assert.equal(file('vscode', 'win32', 'C:\\Users\\ann', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }), 'C:\\Users\\ann\\AppData\\Roaming\\Code\\User\\settings.json');
    assert.equal(file('vscode-insiders', 'linux', '/home/ann', { XDG_CONFIG_HOME: '/xdg' }), '/xdg/Code - Insiders/User/settings.json');
    const explicit = planHostTrust(options({ editorSettingsPath: '/srv/ud/User/settings.json' })).steps[0];
    assert.ok(explicit?.kind === 'editor-setting' && explicit.file === '/srv/ud/User/settings.json');
    // Cline runs inside some editor: the caller must say which settings file.
    assert.throws(() => planHostTrust(options({ hostApp: 'cline' })), /user settings.json/);
    assert.ok(planHostTrust(options({ hostApp: 'windsurf' })).reasons.includes('not-measured-in-this-host'));
  });

  it('macOS, root not in the store: the login keychain for the user, then the settings; undo as data', () => {
    const plan = planHostTrust(options({ platform: 'darwin', home: '/Users/ann', bundlePath: '/Users/ann/.mcp-ssl-doctor/ca-bundle-x.pem', rootInOsStore: false }));
    assert.deepEqual(plan.steps.map((s) => s.kind), ['os-store', 'editor-setting']);
    const step = osStore(plan);
    const certFile = `/Users/ann/.mcp-ssl-doctor/root-${root.sha256.slice(0, 16)}.crt`;
    assert.equal(step.certFile, certFile);
    assert.equal(step.certPem, root.pem);
    assert.deepEqual(step.argv, ['security', 'add-trusted-cert', '-r', 'trustRoot', '-k', '/Users/ann/Library/Keychains/login.keychain-db', certFile]);
    assert.equal(step.runsHere, true);
    assert.deepEqual(step.undoArgv, ['security', 'remove-trusted-cert', certFile]);
    assert.deepEqual(step.undoCleanupArgv, ['security', 'delete-certificate', '-Z', sha1, '/Users/ann/Library/Keychains/login.keychain-db']);
    assert.ok(!step.argv.includes('-d'), 'the user domain, not the admin domain');
  });

  it('Windows, root not in the store: the current user Root store; undo by thumbprint', () => {
    const plan = planHostTrust(options({ platform: 'win32', home: 'C:\\Users\\ann', bundlePath: 'C:\\Users\\ann\\.mcp-ssl-doctor\\ca-bundle-x.pem', rootInOsStore: false, env: {} }));
    const step = osStore(plan);
    const certFile = `C:\\Users\\ann\\.mcp-ssl-doctor\\root-${root.sha256.slice(0, 16)}.crt`;
    assert.deepEqual(step.argv, ['certutil', '-user', '-addstore', 'Root', certFile]);
    assert.deepEqual(step.undoArgv, ['certutil', '-user', '-delstore', 'Root', sha1]);
    assert.equal(step.runsHere, true);
    assert.equal(step.command, `certutil -user -addstore Root ${certFile}`);
    assert.ok(!plan.steps.some((s) => s.kind === 'editor-process-env'));
  });

  it('Linux, root not in the store: the admin command shown (Debian and Fedora), and the editor-process alternative', () => {
    const plan = planHostTrust(options({ home: "/home/o'neil", bundlePath: "/home/o'neil/.mcp-ssl-doctor/ca-bundle-x.pem", rootInOsStore: false }));
    assert.deepEqual(plan.steps.map((s) => s.kind), ['os-store', 'editor-setting', 'editor-process-env']);
    assert.ok(plan.reasons.includes('no-per-user-store'));
    const step = osStore(plan);
    const name = `mcp-ssl-doctor-${root.sha256.slice(0, 16)}.crt`;
    const quoted = `'/home/o'\\''neil/.mcp-ssl-doctor/root-${root.sha256.slice(0, 16)}.crt'`;
    assert.equal(step.runsHere, false);
    assert.equal(step.command, `sudo install -m 0644 ${quoted} /usr/local/share/ca-certificates/${name} && sudo update-ca-certificates`);
    assert.deepEqual(step.argv, ['sh', '-c', step.command]);
    assert.equal(step.undoCommand, `sudo rm -f /usr/local/share/ca-certificates/${name} && sudo update-ca-certificates`);
    assert.deepEqual(step.alternatives?.map((a) => [a.family, a.command, a.undoCommand]), [
      ['fedora', `sudo install -m 0644 ${quoted} /etc/pki/ca-trust/source/anchors/${name} && sudo update-ca-trust`, `sudo rm -f /etc/pki/ca-trust/source/anchors/${name} && sudo update-ca-trust`],
    ]);
    assert.deepEqual(plan.steps[2], {
      kind: 'editor-process-env',
      variable: 'SSL_CERT_FILE',
      value: "/home/o'neil/.mcp-ssl-doctor/ca-bundle-x.pem",
      note: 'replaces-os-bundle-for-editor',
    });
    // Without the Node loader the editor reads fixed paths and ignores SSL_CERT_FILE: no such advice.
    const old = planHostTrust(options({ rootInOsStore: false, availableSettings: ['http.systemCertificates'] }));
    assert.ok(!old.steps.some((s) => s.kind === 'editor-process-env'));
  });

  it('Claude Code: env.NODE_EXTRA_CA_CERTS in ~/.claude/settings.json, an absolute path (forward slashes on Windows)', () => {
    const plan = planHostTrust(options({ hostApp: 'claude-code' }));
    assert.deepEqual(plan.steps, [
      { kind: 'claude-code-env', file: '/home/ann/.claude/settings.json', variable: 'NODE_EXTRA_CA_CERTS', value: '/home/ann/.mcp-ssl-doctor/ca-bundle-0123456789ab.pem' },
      { kind: 'explain', code: 'claude-settings-env-read-late' },
    ]);
    const win = planHostTrust(options({ hostApp: 'claude-code', platform: 'win32', home: 'C:\\Users\\ann', bundlePath: 'C:\\Users\\ann\\.mcp-ssl-doctor\\b.pem' }));
    assert.deepEqual(win.steps[0], { kind: 'claude-code-env', file: 'C:\\Users\\ann\\.claude\\settings.json', variable: 'NODE_EXTRA_CA_CERTS', value: 'C:/Users/ann/.mcp-ssl-doctor/b.pem' });
    // The OS store does not matter to Claude Code's Node: the same plan either way.
    assert.deepEqual(planHostTrust(options({ hostApp: 'claude-code', rootInOsStore: false })).steps, plan.steps);
  });

  it('Claude Desktop: nothing local to fix, say so (and that a local mcp-remote bridge is a stdio server)', () => {
    const plan = planHostTrust(options({ hostApp: 'claude-desktop', rootInOsStore: false }));
    assert.deepEqual(plan.steps, [
      { kind: 'explain', code: 'cloud-connector' },
      { kind: 'explain', code: 'local-bridge-is-stdio' },
    ]);
    assert.equal(plan.hostClass, 'cloud');
  });

  it('no plan for any host or OS holds anything that turns verification off', () => {
    const hosts: HostId[] = ['vscode', 'vscode-insiders', 'vscodium', 'cursor', 'windsurf', 'kiro', 'claude-code', 'claude-desktop'];
    for (const hostApp of hosts) {
      for (const platform of ['linux', 'darwin', 'win32'] as NodeJS.Platform[]) {
        for (const rootInOsStore of [true, false]) {
          const plan = planHostTrust(options({ hostApp, platform, rootInOsStore, env: {} }));
          const text = JSON.stringify(plan);
          assert.doesNotMatch(text, /REJECT_UNAUTHORIZED|PYTHONHTTPSVERIFY|proxyStrictSSL|insecure|--use-openssl-ca/i, `${hostApp} ${platform}`);
          for (const step of plan.steps) if (step.kind === 'editor-setting') assert.equal(step.value, true, 'settings are only ever switched on');
        }
      }
    }
  });

  it('refuses a malformed fingerprint (it names files and commands)', () => {
    assert.throws(() => planHostTrust(options({ root: { ...root, sha256: '../../etc/x' } })), /64 lower-case hex/);
  });

  it('installs only what was shown: one CA certificate whose sha256 is the one given', async () => {
    const other = await createCa('Someone Else');
    assert.throws(() => planHostTrust(options({ root: { ...root, sha256: 'a'.repeat(64) } })), /exactly the one certificate/);
    assert.throws(() => planHostTrust(options({ root: { ...root, pem: root.pem + other.pem } })), /exactly the one certificate/);
    assert.throws(() => planHostTrust(options({ root: { ...root, pem: 'not a pem' } })), /no certificate/);
    const leaf = await createLeaf(['example.test'], other);
    const leafSha = createHash('sha256').update(new X509Certificate(leaf.pem).raw).digest('hex');
    assert.throws(() => planHostTrust(options({ root: { pem: leaf.pem, subject: leaf.subject, sha256: leafSha } })), /not a CA certificate/);
  });
});
