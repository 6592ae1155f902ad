import type { AssayConfig } from '../../assay.config.js';
import { loadDefinitions } from '../../engine/load-definitions.js';
import { createWorker } from '../../worker.js';

/** `assay worker`: runs the one Assay worker against `TEMPORAL_ADDRESS` until SIGINT/SIGTERM. */
export async function workerCommand(config: AssayConfig): Promise<number> {
  const worker = await createWorker({ definitions: await loadDefinitions(config.definitionsModule), config });
  const { address, namespace, taskQueue } = config.temporal;
  console.error(`Assay worker polling task queue '${taskQueue}' on ${address} (${namespace}); logs: ${config.logFile}`);
  await worker.run();
  return 0;
}
