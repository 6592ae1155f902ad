/**
 * Assay's public API: declare assets, group them into definitions.
 *
 * ```ts
 * import { defineAsset, defineDefinitions, sql } from '../framework/index.js';
 *
 * export const orders = defineAsset({ key: 'orders', compute: sql`select * from read_csv('orders.csv')` });
 * export const dailyOrders = defineAsset({
 *   key: 'daily_orders',
 *   layer: 'marts',
 *   compute: sql`select order_date, count(*) as orders from ${orders} group by order_date`,
 * });
 * export default defineDefinitions({ assets: [orders, dailyOrders] });
 * ```
 */
export { defineAsset, sql, sqlFile, ts, LAYERS } from './asset.js';
export type {
  AssetContext,
  AssetDefinition,
  AssetLogger,
  AssetRetryPolicy,
  AssetSpec,
  Layer,
  SqlCompute,
  TsCompute,
} from './asset.js';
export { arrowToDuckDB, duckDBToArrow } from './arrow-duckdb.js';
export { defineDefinitions, loadDefinitions } from './definitions.js';
export type { Definitions } from './definitions.js';
export { quoteIdent, quoteLiteral, readParquet } from './duckdb.js';
export { AssetGraph } from './graph.js';
export { assayHome } from './lake.js';
export { parseSelection, resolveSelection } from './selection.js';
export {
  AssayError,
  AssetDefinitionError,
  AssetGraphError,
  InvalidDataError,
  InvalidDocumentError,
  SelectionError,
  SourceRequestError,
  SourceUnavailableError,
  SqlError,
} from './errors.js';
