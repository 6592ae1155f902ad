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
  const lineage = emitter ?? createLineageEmitter(config);
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
