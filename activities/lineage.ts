import type { Definitions } from '../framework/definitions.js';
import { createLineageEmitter, loadLineageConfig, type LineageEmitter } from '../lineage/index.js';
import { assetRunEvent, graphRunEvent, type AssetEventInput, type GraphRunRef, type LineageContext } from './lineage-events.js';

export type { AssetEventInput, GraphRunRef } from './lineage-events.js';

export interface GraphEventInput {
  eventType: 'START' | 'COMPLETE' | 'FAIL';
  graph: GraphRunRef;
  partition?: string;
  error?: string;
}

/**
 * Lineage activities. They never fail a materialization: the emitter spools what it cannot deliver and
 * re-sends it, in order, before the next event (or on `assay lineage flush`).
 */
export function createLineageActivities(definitions: Definitions, home: string, emitter?: LineageEmitter) {
  const config = loadLineageConfig({ ...process.env, ASSAY_HOME: home });
  // Emits run inside workflow tasks (local activities): a down endpoint may cost an event 2 s before it is
  // spooled, and the spool is re-sent every 30 s (and at start) rather than only before the next event.
  const lineage = emitter ?? createLineageEmitter(config, { totalTimeoutMs: 2_000, flushIntervalMs: 30_000 });
  if (!emitter) void lineage.flushSpool().catch(() => {});
  const context: LineageContext = { definitions, home, namespace: config.namespace };
  return {
    async emitGraphLineage(input: GraphEventInput): Promise<void> {
      await lineage.emit(graphRunEvent(context, input));
    },
    async emitAssetLineage(input: AssetEventInput): Promise<void> {
      await lineage.emit(assetRunEvent(context, input));
    },
  };
}
