// #12 item 8: --remove-insecure takes out exactly the insecure token and keeps docker's argv order.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { applyFix } from '../../src/core/fix/apply';
import { parseConfig } from '../../src/core/config/config';
import type { FixOptions } from '../../src/core/fix/plan';
import { planFix } from '../../src/core/fix/plan';
import { detectRuntime } from '../../src/core/runtime/detect';
import { undoFix } from '../../src/core/fix/undo';
import { cleanup } from '../fixtures/configs/harness';
import { FixEnv, fixEnv } from './fix-harness';

let env: FixEnv;
before(async () => {
  env = await fixEnv();
});
after(() => cleanup(env.dir));

const verified: Partial<FixOptions> = { removeInsecure: true, verify: { host: 'h', port: 443, verifyTrust: async () => ({ ok: true }) } };

function serverConfig(server: object): string {
  return `{\n  "mcpServers": {\n    "s": ${JSON.stringify(server)}\n  }\n}\n`;
}

async function fixOne(server: object): Promise<{ file: string; original: string; args: string[]; env: Record<string, unknown>; command: string }> {
  const original = serverConfig(server);
  const file = env.configFile(original);
  await applyFix(await planFix(env.options(file, verified)));
  const entry = parseConfig(file, readFileSync(file, 'utf8')).servers[0]!;
  return { file, original, args: entry.args, env: entry.env, command: entry.command ?? '' };
}

function assertDockerOptionsBeforeImage(command: string, args: string[], image: string): void {
  const guess = detectRuntime(command, args);
  assert.equal(guess.runtime, 'docker');
  assert.equal(args[guess.dockerImageIndex ?? -1], image, `the image is still where docker looks for it: ${args.join(' ')}`);
  const mount = args.indexOf('--mount');
  assert.ok(mount !== -1 && mount < (guess.dockerImageIndex ?? -1), `--mount before the image: ${args.join(' ')}`);
  for (let i = (guess.dockerImageIndex ?? 0) + 1; i < args.length; i += 1) assert.notEqual(args[i], '--mount');
}

describe('hostile: --remove-insecure', () => {
  it('insecure: docker, an insecure option before the image and server args after it: options stay before the image', async () => {
    const { file, original, args, command } = await fixOne({ command: 'docker', args: ['run', '-i', '--rm', '--tls-skip-verify', 'ghcr.io/x/srv', '--port', '1'] });
    assert.ok(!args.includes('--tls-skip-verify'));
    assertDockerOptionsBeforeImage(command, args, 'ghcr.io/x/srv');
    assert.deepEqual(args.slice(-2), ['--port', '1'], "the container's own args are untouched");
    await undoFix({ configPath: file, home: env.home });
    assert.equal(readFileSync(file, 'utf8'), original);
  });

  it('insecure: docker, the image last: no internal insertBefore error, options before the image', async () => {
    const { args, command } = await fixOne({ command: 'docker', args: ['run', '-i', '--rm', '--tls-skip-verify', 'ghcr.io/x/srv'] });
    assertDockerOptionsBeforeImage(command, args, 'ghcr.io/x/srv');
  });

  it('insecure: docker -e NODE_TLS_REJECT_UNAUTHORIZED=0 before the image is taken out (both tokens), nothing else', async () => {
    const { args, command } = await fixOne({ command: 'docker', args: ['run', '-i', '-e', 'NODE_TLS_REJECT_UNAUTHORIZED=0', '-e', 'LOG=1', 'ghcr.io/x/srv'] });
    assert.ok(!args.includes('NODE_TLS_REJECT_UNAUTHORIZED=0'));
    assert.ok(args.includes('LOG=1'));
    assert.equal(args.filter((a) => a === '-e').length, 1 + 3, "the user's -e LOG=1 plus ours");
    assertDockerOptionsBeforeImage(command, args, 'ghcr.io/x/srv');
  });

  it('insecure: NODE_OPTIONS keeps its other flags; undo gives the file back byte for byte', async () => {
    const { file, original, env: serverEnv } = await fixOne({
      command: 'npx',
      args: ['-y', 'srv'],
      env: { NODE_OPTIONS: '--max-old-space-size=4096 --tls-reject-unauthorized=false' },
    });
    assert.equal(serverEnv.NODE_OPTIONS, '--max-old-space-size=4096');
    assert.ok(serverEnv.NODE_EXTRA_CA_CERTS);
    await undoFix({ configPath: file, home: env.home });
    assert.equal(readFileSync(file, 'utf8'), original);
  });

  it("insecure: a server's own -k (after the package) is reported, never removed", async () => {
    const original = serverConfig({ command: 'npx', args: ['-y', 'srv', '-k', 'key-name'] });
    const file = env.configFile(original);
    const result = await applyFix(await planFix(env.options(file, verified)));
    const args = parseConfig(file, readFileSync(file, 'utf8')).servers[0]!.args;
    assert.deepEqual(args, ['-y', 'srv', '-k', 'key-name']);
    assert.equal(result.removedInsecure.length, 0);
    assert.ok(result.insecure.some((s) => s.setting === '-k'), 'still reported');
  });

  it("insecure: curl's -k is curl's: removed", async () => {
    const { args } = await fixOne({ command: 'curl', args: ['-k', '-sS', 'https://example.com/mcp'] });
    assert.deepEqual(args, ['-sS', 'https://example.com/mcp']);
  });
});
