// The durable fix of a dev container: devcontainer.json gets the bundle mount and containerEnv,
// byte-exact (comments, tabs, the rest untouched), journaled, and undo gives back the exact bytes.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyDevcontainerFix, DEVCONTAINER_BUNDLE_TARGET, editDevcontainer } from '../../src/core/fix/devcontainer';
import { undoHostTrust } from '../../src/core/hostTrust/apply';
import { DoctorError } from '../../src/core/types';
import { cleanup, tempDir } from '../fixtures/configs/harness';

/** The typescript-node template of devcontainers/templates, as "Add Dev Container Configuration Files" writes it. */
const TEMPLATE = readFileSync(path.join(__dirname, '..', 'fixtures', 'devcontainer', 'typescript-node.jsonc'), 'utf8');
const SOURCE = '${localEnv:HOME}${localEnv:USERPROFILE}/.mcp-ssl-doctor/remote-ca/ca-0123456789abcdef.pem';
const MOUNT = `source=${SOURCE},target=${DEVCONTAINER_BUNDLE_TARGET},type=bind,readonly`;

let dir: string;
before(() => {
  dir = tempDir('mcp-devcontainer-');
});
after(() => cleanup(dir));

describe('devcontainer.json: the durable fix of a dev container', () => {
  it('adds mounts and containerEnv to the template, leaving every comment and tab where it was', () => {
    const edit = editDevcontainer('devcontainer.json', TEMPLATE, { source: SOURCE, variables: ['NODE_EXTRA_CA_CERTS'] });
    const expected = TEMPLATE.replace(
      '"image": "mcr.microsoft.com/devcontainers/typescript-node:1-22-bookworm"\n',
      `"image": "mcr.microsoft.com/devcontainers/typescript-node:1-22-bookworm",\n\t"mounts": ["${MOUNT}"],\n\t"containerEnv": {\n\t\t"NODE_EXTRA_CA_CERTS": "${DEVCONTAINER_BUNDLE_TARGET}"\n\t}\n`,
    );
    assert.equal(edit.content, expected);
    assert.deepEqual(edit.containerEnv, { NODE_EXTRA_CA_CERTS: DEVCONTAINER_BUNDLE_TARGET });
    assert.deepEqual(edit.steps.map((step) => `${step.op} ${step.path.join('.')}`), ['add-member mounts', 'add-member containerEnv']);
  });

  it('appends to an existing multi-line mounts list and to an existing containerEnv', () => {
    const text = '{\n  "image": "x",\n  "mounts": [\n    "source=a,target=/a,type=bind"\n  ],\n  "containerEnv": { "FOO": "1" }\n}\n';
    const edit = editDevcontainer('devcontainer.json', text, { source: SOURCE, variables: ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE'] });
    assert.equal(
      edit.content,
      `{\n  "image": "x",\n  "mounts": [\n    "source=a,target=/a,type=bind",\n    "${MOUNT}"\n  ],\n  "containerEnv": { "FOO": "1", "NODE_EXTRA_CA_CERTS": "${DEVCONTAINER_BUNDLE_TARGET}", "SSL_CERT_FILE": "${DEVCONTAINER_BUNDLE_TARGET}" }\n}\n`,
    );
  });

  it('changes nothing when the mount and variables are there already; refuses another value of a variable', () => {
    const once = editDevcontainer('devcontainer.json', TEMPLATE, { source: SOURCE, variables: ['NODE_EXTRA_CA_CERTS'] }).content ?? '';
    assert.equal(editDevcontainer('devcontainer.json', once, { source: SOURCE, variables: ['NODE_EXTRA_CA_CERTS'] }).content, null);
    const other = '{ "containerEnv": { "NODE_EXTRA_CA_CERTS": "/their/ca.pem" } }';
    assert.throws(() => editDevcontainer('devcontainer.json', other, { source: SOURCE, variables: ['NODE_EXTRA_CA_CERTS'] }), (error: unknown) => error instanceof DoctorError && error.kind === 'refused');
    assert.throws(() => editDevcontainer('devcontainer.json', TEMPLATE, { source: 'a,b', variables: [] }), DoctorError);
    assert.throws(() => editDevcontainer('devcontainer.json', TEMPLATE, { source: SOURCE, variables: ['X=1'] }), DoctorError);
  });

  it('writes it with an undo record; undo restores the file byte for byte', async () => {
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, '.mcp-ssl-doctor'), { recursive: true });
    const folder = path.join(dir, 'project', '.devcontainer');
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'devcontainer.json');
    writeFileSync(file, TEMPLATE);
    const result = await applyDevcontainerFix(file, { source: SOURCE, variables: ['NODE_EXTRA_CA_CERTS'] }, { home, platform: 'linux' });
    assert.equal(result.changed, true);
    assert.match(readFileSync(file, 'utf8'), /"mounts": \[/);
    const undone = await undoHostTrust(file, { home, platform: 'linux' });
    assert.equal(undone.identical, true);
    assert.equal(undone.hostApp, 'devcontainer');
    assert.equal(readFileSync(file, 'utf8'), TEMPLATE);
  });
});
