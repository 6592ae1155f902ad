import Table from 'cli-table3';
import type { AssayConfig } from '../../assay.config.js';
import { loadDefinitions } from '../../engine/load-definitions.js';
import { applySchedules, listSchedules } from '../../runtime/schedules.js';
import { withTemporal } from '../../runtime/temporal-client.js';
import { TABLE_STYLE } from '../render.js';

/** `assay schedules apply`: creates or updates, idempotently, the Temporal Schedules declared in code. */
export async function schedulesApplyCommand(config: AssayConfig, options: { json?: boolean }): Promise<number> {
  const definitions = await loadDefinitions(config.definitionsModule);
  return withTemporal(config, {}, async ({ client, taskQueue }) => {
    const applied = await applySchedules(client, definitions, taskQueue);
    if (options.json) console.log(JSON.stringify(applied, null, 2));
    else if (applied.length === 0) console.log(`${config.definitionsModule} declares no schedules`);
    else for (const a of applied) console.log(`${a.outcome.padEnd(9)} ${a.scheduleId}`);
    return 0;
  });
}

/** `assay schedules list`: Assay's schedules on the server, with their next runs. */
export async function schedulesListCommand(config: AssayConfig, options: { json?: boolean }): Promise<number> {
  const definitions = await loadDefinitions(config.definitionsModule);
  return withTemporal(config, {}, async ({ client }) => {
    const listed = await listSchedules(client, definitions);
    if (options.json) {
      console.log(JSON.stringify(listed, null, 2));
      return 0;
    }
    const table = new Table({ head: ['schedule', 'selection', 'cron', 'state', 'next runs'], style: TABLE_STYLE });
    for (const s of listed) {
      table.push([
        s.scheduleId + (s.declared ? '' : ' (not declared)'),
        s.selection,
        `${s.cron} ${s.timezone}`,
        s.paused ? `paused${s.note ? `: ${s.note}` : ''}` : 'active',
        s.nextRuns.map((d) => d.toISOString().replace('.000Z', 'Z')).join('\n'),
      ]);
    }
    console.log(listed.length ? table.toString() : 'no Assay schedules on this namespace; `assay schedules apply` creates them');
    return 0;
  });
}
