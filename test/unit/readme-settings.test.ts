// The settings tables of README.md and README.ja.md list every setting of the manifest with the
// manifest's own default: two places that drifted once (probeHost: `""` in the README, a fixed host
// in package.json while the code meant "empty: by runtime").
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');

interface Manifest {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } | { properties: Record<string, { default?: unknown }> }[] };
}

function manifestDefaults(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
  const sections = Array.isArray(manifest.contributes.configuration) ? manifest.contributes.configuration : [manifest.contributes.configuration];
  const defaults = new Map<string, string>();
  for (const section of sections) {
    for (const [key, schema] of Object.entries(section.properties)) defaults.set(key, JSON.stringify(schema.default));
  }
  return defaults;
}

/** `| \`mcpSslDoctor.x\` | \`default\` | ... |` rows; a default written without quotes (`combined`) is a string. */
function readmeDefaults(file: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const match of readFileSync(join(root, file), 'utf8').matchAll(/^\|\s*`(mcpSslDoctor\.[\w.]+)`\s*\|\s*`([^`]*)`\s*\|/gm)) {
    const written = match[2];
    let value: string;
    try {
      value = JSON.stringify(JSON.parse(written));
    } catch {
      value = JSON.stringify(written);
    }
    rows.set(match[1], value);
  }
  return rows;
}

for (const readme of ['README.md', 'README.ja.md']) {
  test(`${readme}: the settings table lists every setting with the manifest's default`, () => {
    const manifest = manifestDefaults();
    const table = readmeDefaults(readme);
    assert.ok(manifest.size > 0, 'no settings found in package.json');
    assert.deepEqual([...table.keys()].sort(), [...manifest.keys()].sort(), 'settings in the table vs in package.json');
    for (const [key, value] of manifest) assert.equal(table.get(key), value, `${readme}: default of ${key}`);
  });
}
