// The layer rules as a test: no import cycle anywhere in src (type-only and lazy imports count),
// and imports go one way: core imports no front end, and each core layer only the layers below it.
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

/**
 * The core's layers (docs/ARCHITECTURE.md), each importing only its own layer and those below:
 * 0 the vocabulary and safe file access; 1 the domain model and what is known of the world (chains,
 * stores, logs, runtimes, MCP hosts, config files); 2 the write path (a fix, host-level trust); 3 the one
 * assessment; 4 the use cases the front ends call.
 */
const LAYERS: [RegExp, number][] = [
  [/^core\/(types|pem|text)\.ts$|^core\/files\//, 0],
  [/^core\/(model|chain|trust|logs|runtime|hosts|config)\//, 1],
  [/^core\/(fix|hostTrust)\//, 2],
  [/^core\/assess\//, 3],
  [/^core\/usecases\//, 4],
];
function layerOf(file: string): number {
  const found = LAYERS.find(([pattern]) => pattern.test(file));
  if (!found) throw new Error(`${file}: in no layer of the core (add its folder to LAYERS and to docs/ARCHITECTURE.md)`);
  return found[1];
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

  it('imports go one way: core imports no front end or worker; each core layer imports only its own and those below', () => {
    const wrong: string[] = [];
    for (const [file, deps] of edges) {
      const from = name(file);
      for (const dep of deps.map(name)) {
        if (from.startsWith('core/') && /^(extension|cli|worker)\//.test(dep)) wrong.push(`${from} → ${dep}`);
        if (from.startsWith('core/') && dep.startsWith('core/') && layerOf(dep) > layerOf(from)) wrong.push(`${from} → ${dep} (layer ${layerOf(from)} imports layer ${layerOf(dep)})`);
        if (from.startsWith('cli/') && /^(extension|worker)\//.test(dep)) wrong.push(`${from} → ${dep}`);
        if (from.startsWith('extension/') && dep.startsWith('cli/')) wrong.push(`${from} → ${dep}`);
      }
    }
    assert.deepEqual(wrong, []);
  });
});
