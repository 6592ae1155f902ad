import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import { loadDefinitions } from '../../framework/definitions.js';
import { assayHome } from '../../framework/lake.js';
import { startEmbedded } from '../../runtime/embedded.js';
import { startSampleSources } from '../../runtime/sample-sources.js';
import { resultTable } from '../render.js';
import { runWithProgress } from '../progress.js';

export interface DevOptions {
  once?: boolean;
  port: number;
  uiPort: number;
}

/**
 * `assay dev` (`npm start`): an embedded Temporal dev server with its Web UI, a worker, and — when no Nightscout
 * site is configured — a simulator with 14 days of 3 subjects; materializes every asset once, then keeps serving.
 */
export async function devCommand(options: DevOptions): Promise<number> {
  const home = assayHome();
  const sources = await startSampleSources();
  const simulator = sources.nightscout;
  const definitions = await loadDefinitions();
  mkdirSync(home, { recursive: true });
  console.log(pc.dim('Starting the Temporal dev server and the Assay worker…'));
  const embedded = await startEmbedded(definitions, home, {
    port: options.port,
    uiPort: options.uiPort,
    dbFilename: join(home, 'temporal-dev.sqlite'),
  });
  const stop = async () => {
    await embedded.stop();
    await sources.stop();
  };
  try {
    const result = await runWithProgress(embedded.client, embedded.config.taskQueue, {
      selection: '*',
      maxParallel: embedded.config.maxParallelAssets,
    });
    const ui = embedded.server.uiUrl!;
    console.log(resultTable(result));
    console.log(`
${pc.bold('Temporal Web UI')}   ${ui}/namespaces/${embedded.config.namespace}/workflows/${encodeURIComponent(result.workflowId)}
${pc.bold('Temporal address')}  ${embedded.server.address} (task queue '${embedded.config.taskQueue}')
${pc.bold('Lake')}              ${join(home, 'lake')}
${pc.bold('Metadata')}          ${join(home, 'metadata', 'materializations')}
${simulator ? `${pc.bold('Nightscout sim')}    ${simulator.sites.map((s) => s.baseUrl).join(' ')}\n` : ''}`);
    if (options.once) {
      await stop();
      return result.status === 'success' ? 0 : 1;
    }
    console.log(
      `Serving. Start more runs from the Web UI (workflow type ${pc.bold('graphRun')}, task queue ` +
        `'${embedded.config.taskQueue}', input e.g. {"selection": "dim_glucose_date+"}). Ctrl-C stops.`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await stop();
    return 0;
  } catch (err) {
    await stop();
    throw err;
  }
}
