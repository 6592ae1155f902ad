/** Every workflow the Assay worker registers. Workflow code stays deterministic: no I/O, no DuckDB, no Node APIs. */
export { graphRun } from './graph-run.js';
export { backfill } from './backfill.js';
