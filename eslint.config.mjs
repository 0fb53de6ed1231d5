import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', '.vscode-test/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The core runs in plain Node (CLI, worker, unit tests): it must never reach for the editor.
    files: ['src/core/**/*.ts', 'src/worker/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The core, worker and CLI must not depend on the editor.' }],
        patterns: [{ group: ['**/extension/**', '../extension/*'], message: 'Imports go one way: extension → core.' }],
      }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'The core must not depend on the editor.' }],
        patterns: [{ group: ['**/extension/**', '**/worker/**', '**/cli/**'], message: 'The core imports nothing above it.' }],
      }],
    },
  },
);
