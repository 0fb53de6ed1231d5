// Activation cost: load + activate of dist/extension.js in a plain Node harness with a stand-in
// `vscode`, each sample in a fresh process, against the same harness loading an entry that
// pulls @peculiar/x509 in at activation (what keeping x509 in the worker avoids).
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { median } from './stats';
import type { BenchRow } from './types';

const root = path.resolve(__dirname, '..');
const work = path.join(root, '.bench');
const RUNS = 15;


function sample(entry: string): number {
  const script = `
    const { createStandIn, installStandIn, fakeContext } = require(${JSON.stringify(path.join(root, 'test/support/vscodeStandIn.ts'))});
    const standIn = createStandIn({ settings: { 'mcpSslDoctor.autoDetect': false, 'mcpSslDoctor.preflight': false } });
    installStandIn(standIn);
    const context = fakeContext(${JSON.stringify(root)}, ${JSON.stringify(path.join(work, 'logs/window1/exthost/ext'))});
    const start = process.hrtime.bigint();
    require(${JSON.stringify(entry)}).activate(context);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    process.stdout.write(String(ms));
    for (const d of context.subscriptions) d.dispose();
  `;
  return Number(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' }));
}

export async function bench(): Promise<BenchRow[]> {
  mkdirSync(work, { recursive: true });
  const extension = path.join(root, 'dist/extension.js');
  if (!existsSync(extension)) execFileSync(process.execPath, ['esbuild.config.mjs', '--production'], { cwd: root, stdio: 'ignore' });
  const eagerSource = path.join(work, 'eager-x509-entry.ts');
  writeFileSync(eagerSource, `import 'reflect-metadata';\nimport * as x509 from '@peculiar/x509';\nexport function activate(): void { void x509.X509Certificate; }\n`);
  const eager = path.join(work, 'eager-x509-entry.js');
  await build({ entryPoints: [eagerSource], bundle: true, minify: true, platform: 'node', format: 'cjs', outfile: eager, logLevel: 'silent', nodePaths: [path.join(root, 'node_modules')] });
  const ours: number[] = [];
  const baseline: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    ours.push(sample(extension));
    baseline.push(sample(eager));
  }
  return [
    { area: 'activation', what: 'load + activate (Node harness)', ours: median(ours), baseline: median(baseline), unit: 'ms', baselineName: 'an entry loading @peculiar/x509', goal: '<= 0.1' },
    { area: 'activation', what: 'entry bundle size', ours: statSync(extension).size / 1024, baseline: statSync(eager).size / 1024, unit: 'KB', baselineName: 'x509 alone, minified', goal: '<= 60 KB' },
  ];
}
