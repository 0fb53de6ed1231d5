// The layer rules as a test: no import cycle anywhere in src (type-only and lazy imports count),
// and imports go one way: core imports no front end, core/doctor is not imported by the layers below it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const SRC = resolve(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const IMPORT = /(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)|typeof import\('(\.[^']+)'\)/g;

function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const deps: string[] = [];
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = join(dirname(file), match[1] ?? match[2] ?? match[3] ?? '');
      const withExt = target.endsWith('.ts') ? target : `${target}.ts`;
      if (existsSync(withExt)) deps.push(withExt);
    }
    edges.set(file, deps);
  }
  return edges;
}

describe('architecture', () => {
  const edges = graph();
  const name = (file: string): string => relative(SRC, file);

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const onStack: string[] = [];
    const done = new Set<string>();
    const visit = (file: string): void => {
      onStack.push(file);
      for (const dep of edges.get(file) ?? []) {
        const at = onStack.indexOf(dep);
        if (at >= 0) cycles.push([...onStack.slice(at), dep].map(name).join(' → '));
        else if (!done.has(dep)) visit(dep);
      }
      onStack.pop();
      done.add(file);
    };
    for (const file of edges.keys()) if (!done.has(file)) visit(file);
    assert.deepEqual(cycles, []);
  });

  it('imports go one way: core imports no front end or worker; core/doctor is above the other core folders', () => {
    const wrong: string[] = [];
    for (const [file, deps] of edges) {
      const from = name(file);
      for (const dep of deps.map(name)) {
        if (from.startsWith('core/') && /^(extension|cli|worker)\//.test(dep)) wrong.push(`${from} → ${dep}`);
        if (from.startsWith('core/') && !from.startsWith('core/doctor/') && dep.startsWith('core/doctor/')) wrong.push(`${from} → ${dep}`);
        if (from.startsWith('cli/') && /^(extension|worker)\//.test(dep)) wrong.push(`${from} → ${dep}`);
        if (from.startsWith('extension/') && dep.startsWith('cli/')) wrong.push(`${from} → ${dep}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
