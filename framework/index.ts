/**
 * Assay's public API: declare assets, group them into definitions. Nothing here does I/O; the engine
 * (`engine/`) computes, checks and publishes, and the worker runs it on Temporal.
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
export { defineAsset, singleRunBackfill, sql, sqlFile, ts, LAYERS } from './asset.js';
export type {
  AssetConfig,
  BackfillPolicy,
  PartitionScope,
  SourceDataset,
  AssetContext,
  AssetDefinition,
  AssetLogger,
  AssetRetryPolicy,
  AssetSpec,
  Layer,
  SqlCompute,
  TsCompute,
} from './asset.js';
export { defineDefinitions } from './definitions.js';
export type { Definitions, DevSources, StartedDevSources } from './definitions.js';
export { quoteIdent, quoteLiteral, readParquet } from './sql.js';
export { AssetGraph } from './graph.js';
export {
  allPartitionsMapping,
  dailyPartitions,
  hourlyPartitions,
  identityMapping,
  monthlyPartitions,
  partitionForTime,
  partitionKeysBetween,
  partitionWindow,
  staticPartitions,
  weeklyPartitions,
  windowMapping,
} from './partitions.js';
export type { Cadence, PartitionMapping, PartitionsDefinition, StaticPartitions, TimePartitions } from './partitions.js';
export { defineSchedule } from './schedules.js';
export type { OverlapPolicy, ScheduleDefinition, ScheduleSpec } from './schedules.js';
export { planRun } from './plan.js';
export type { PlanRequest, PlanStep, RunPlan } from './plan.js';
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
  UpstreamMissingError,
  ExpectationFailedError,
  PartitionError,
} from './errors.js';
