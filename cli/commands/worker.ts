import { loadDefinitions } from '../../framework/definitions.js';
import { assayHome } from '../../framework/lake.js';
import { loadTemporalConfig } from '../../temporal.config.js';
import { createWorker } from '../../worker.js';

/** `assay worker`: runs the one Assay worker against `TEMPORAL_ADDRESS` until SIGINT/SIGTERM. */
export async function workerCommand(): Promise<number> {
  const config = loadTemporalConfig();
  const worker = await createWorker({ definitions: await loadDefinitions(), home: assayHome(), config });
  console.error(`Assay worker polling task queue '${config.taskQueue}' on ${config.address} (${config.namespace})`);
  await worker.run();
  return 0;
}
