// Lint: the rules that catch what the type checker cannot (floating promises), and the walls between layers.
import tseslint from 'typescript-eslint';

const IO_AND_ENGINES = [
  { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'child_process'], message: 'Workflow code is deterministic: do I/O in an activity.' },
  { group: ['@duckdb/*', 'apache-arrow', 'ajv', 'ajv/*', 'ajv-formats'], message: 'Workflow code runs in a sandbox: use DuckDB, Arrow and ajv from activities.' },
  { group: ['**/engine/*', '**/lineage/*', '**/expectations/*', '**/sources/*', '**/samples/*'], allowTypeImports: true, message: 'Import types only from I/O modules into workflow code.' },
];

// The public asset API declares; the engine does. Nothing under framework/ reads files, runs DuckDB or loads an engine.
const FRAMEWORK_BANS = [
  { group: ['node:fs', 'node:fs/*', 'node:child_process', 'node:net', 'node:http', 'node:os', 'fs', 'child_process'], message: 'framework/ does no I/O: do it in engine/.' },
  { group: ['@duckdb/*', 'apache-arrow', 'ajv', 'ajv/*'], allowTypeImports: true, message: 'framework/ may name engine types, not load engines.' },
  { group: ['**/engine/*', '**/activities/*', '**/workflows/*', '**/lineage/*', '**/expectations/*', '**/runtime/*', '**/assets/*', '**/samples/*', '**/sources/*'], allowTypeImports: true, message: 'framework/ depends on nothing of Assay but itself.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.assay/**', '.scratch/**', 'dist/**', 'bin/**', 'eslint.config.js'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Forgetting to await activities, child workflows or DuckDB calls is a bug.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: IO_AND_ENGINES }] },
  },
  {
    files: ['framework/**/*.ts'],
    ignores: ['framework/**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: FRAMEWORK_BANS }] },
  },
);
