import type { LineageConfig } from './config.js';
import { createLineageEmitter } from './create.js';
import type { LineageEmitter } from './emitter.js';
import type { LineageEvent } from './model.js';

/**
 * What the engine reports lineage through: `report` hands an event over and returns at once (delivery, retries and
 * the spool happen in the background, in the order of the calls), so lineage never slows or fails a run.
 */
export interface LineageReporter {
  report(event: LineageEvent): void;
  /** Waits (at most `timeoutMs`) for what was reported to be delivered or spooled. */
  close(timeoutMs?: number): Promise<void>;
}

export function createLineageReporter(config: LineageConfig, emitter?: LineageEmitter): LineageReporter {
  const lineage = emitter ?? createLineageEmitter(config, { flushIntervalMs: 30_000 });
  if (!emitter) void lineage.flushSpool().catch(() => {});
  let last: Promise<unknown> = Promise.resolve();
  return {
    report(event) {
      last = lineage.emit(event);
    },
    async close(timeoutMs = 5_000) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([last, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    },
  };
}
