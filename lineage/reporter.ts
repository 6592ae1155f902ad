import type { LineageConfig } from './config.js';
import { createLineageEmitter } from './create.js';
import type { LineageEmitter } from './emitter.js';
import type { LineageEvent } from './model.js';

/**
 * What the engine reports lineage through. `report` returns once the event is safe on disk (the spool; for an http
 * backend) or written (a file backend): delivery, retries and back-off happen in the background, in the order the
 * delivery guarantee gives (`lineage/README.md`), so a slow or absent Marquez never slows or fails a run. The
 * worker drains the spool on its own, and `close` gives it a last chance at shutdown.
 */
export interface LineageReporter {
  report(event: LineageEvent): Promise<void>;
  /** Delivers what it can within `timeoutMs`; the rest stays in the spool for the next worker (or `assay lineage flush`). */
  close(timeoutMs?: number): Promise<void>;
}

export function createLineageReporter(
  config: LineageConfig,
  options: { emitter?: LineageEmitter; onError?: (error: unknown) => void } = {},
): LineageReporter {
  const lineage =
    options.emitter ??
    createLineageEmitter(config, { mode: 'background', validate: true, ...(options.onError ? { onError: options.onError } : {}) });
  return {
    report: (event) => lineage.emit(event),
    close: (timeoutMs = 5_000) => lineage.close(timeoutMs),
  };
}
