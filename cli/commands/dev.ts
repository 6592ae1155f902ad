import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import type { AssayConfig } from '../../assay.config.js';
import { loadDefinitions } from '../../engine/load-definitions.js';
import { startEmbedded } from '../../runtime/embedded.js';
import { applySchedules } from '../../runtime/schedules.js';
import { resultTable } from '../render.js';
import { runWithProgress } from '../progress.js';

export interface DevOptions {
  once?: boolean;
  port: number;
  uiPort: number;
}

/**
 * `assay dev` (`npm start`): an embedded Temporal dev server with its Web UI, a worker, and the project's sample
 * sources (the sample project serves simulated Nightscout sites and PSG nights unless real ones are configured);
 * materializes every asset once, then keeps serving.
 */
export async function devCommand(config: AssayConfig, options: DevOptions): Promise<number> {
  const definitions = await loadDefinitions(config.definitionsModule);
  mkdirSync(config.home, { recursive: true });
  console.log(pc.dim('Starting the Temporal dev server and the Assay worker…'));
  const embedded = await startEmbedded(definitions, config, {
    port: options.port,
    uiPort: options.uiPort,
    dbFilename: join(config.home, 'temporal-dev.sqlite'),
  });
  try {
    const { namespace, taskQueue, maxParallelAssets } = embedded.config.temporal;
    // The project's schedules, so a newcomer sees them on the Web UI's Schedules page (pause, trigger now, …).
    const schedules = await applySchedules(embedded.client, definitions, taskQueue);
    // The sample data's days when the samples say (the Nightscout simulator's 14), else each asset's latest partition.
    const result = await runWithProgress(embedded.client, taskQueue, {
      selection: '*',
      maxParallel: maxParallelAssets,
      ...(embedded.range ? { range: embedded.range } : {}),
    });
    const ui = embedded.server.uiUrl!;
    const where: (readonly [string, string])[] = [
      ['Temporal Web UI', `${ui}/namespaces/${namespace}/workflows/${encodeURIComponent(result.workflowId)}`],
      ['Temporal address', `${embedded.server.address} (task queue '${taskQueue}')`],
      ['Lake', join(config.home, 'lake')],
      ['Metadata', join(config.home, 'metadata', 'materializations')],
      ['Logs', config.logFile],
      ...(schedules.length ? [['Schedules', `${ui}/namespaces/${namespace}/schedules (${schedules.map((s) => s.scheduleId).join(', ')})`] as const] : []),
      ...embedded.describe,
    ];
    console.log(resultTable(result, config.logFile));
    console.log('\n' + where.map(([label, value]) => `${pc.bold(label.padEnd(17))} ${value}`).join('\n') + '\n');
    if (options.once) {
      await embedded.stop();
      return result.status === 'success' ? 0 : 1;
    }
    console.log(
      `Serving. Start more runs from the Web UI (workflow type ${pc.bold('graphRun')}, task queue ` +
        `'${taskQueue}', input e.g. {"selection": "dim_glucose_date+"}). Ctrl-C stops.`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await embedded.stop();
    return 0;
  } catch (err) {
    await embedded.stop();
    throw err;
  }
}
