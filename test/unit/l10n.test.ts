// Every user-facing string exists in English and Japanese: the runtime strings of the extension
// (vscode.l10n.t in src/extension) and the manifest's (package.nls.json).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const readJson = (file: string): Record<string, string> => JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, string>;

/** The first argument of every vscode.l10n.t('...') call, unescaped as JavaScript would. */
function sourceStrings(): string[] {
  const strings = new Set<string>();
  const folder = join(root, 'src', 'extension');
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
    const text = readFileSync(join(folder, file), 'utf8');
    for (const match of text.matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) {
      strings.add(JSON.parse(`"${match[1].replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string);
    }
  }
  return [...strings];
}

const placeholders = (text: string): string[] => [...new Set(text.match(/\{\d+\}/g) ?? [])].sort();

test('every runtime string of the extension has a Japanese translation with the same placeholders', () => {
  const ja = readJson('l10n/bundle.l10n.ja.json');
  const strings = sourceStrings();
  assert.ok(strings.length > 50, `found only ${strings.length} strings: the extraction is broken`);
  const missing = strings.filter((text) => !(text in ja));
  assert.deepEqual(missing, [], 'strings without a Japanese translation');
  for (const text of strings) assert.deepEqual(placeholders(ja[text]), placeholders(text), `placeholders differ for: ${text}`);
});

test('every manifest string has a Japanese translation', () => {
  const en = readJson('package.nls.json');
  const ja = readJson('package.nls.ja.json');
  assert.deepEqual(Object.keys(ja).sort(), Object.keys(en).sort());
  const manifest = readFileSync(join(root, 'package.json'), 'utf8');
  for (const match of manifest.matchAll(/"%([\w.]+)%"/g)) assert.ok(match[1] in en, `package.json uses %${match[1]}% but package.nls.json lacks it`);
});
