// Lint: the rules that catch what the type checker cannot (floating promises), and the walls between layers.
import tseslint from 'typescript-eslint';

const IO_AND_ENGINES = [
  { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'http', 'child_process'], message: 'Workflow code is deterministic: do I/O in an activity.' },
  { group: ['@duckdb/*', 'apache-arrow', 'ajv', 'ajv/*', 'ajv-formats'], message: 'Workflow code runs in a sandbox: use DuckDB, Arrow and ajv from activities.' },
  { group: ['**/framework/compute.js', '**/framework/publish.js', '**/framework/check.js', '**/framework/duckdb.js', '**/lineage/*', '**/expectations/*', '**/sources/*'], allowTypeImports: true, message: 'Import types only from I/O modules into workflow code.' },
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
);
