import { startSimulator } from '../../samples/nightscout-simulator/index.js';

export interface NightscoutSimOptions {
  port: number;
  subjects: number;
  days: number;
  seed: number;
  entries?: string;
  apiSecret?: string;
}

/** `assay nightscout-sim`: serves a Nightscout-compatible API v1 until Ctrl-C. */
export async function nightscoutSimCommand(options: NightscoutSimOptions): Promise<number> {
  const simulator = await startSimulator({
    port: options.port,
    subjects: options.subjects,
    days: options.days,
    seed: options.seed,
    ...(options.entries ? { entriesFile: options.entries } : {}),
    ...(options.apiSecret ? { apiSecret: options.apiSecret } : {}),
  });
  console.log(`Nightscout simulator on port ${simulator.port}:`);
  for (const site of simulator.sites) console.log(`  ${site.subjectId}  ${site.baseUrl}/api/v1/entries.json`);
  console.log(`NIGHTSCOUT_URL=${simulator.sites.map((s) => `${s.subjectId}=${s.baseUrl}`).join(',')}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.close();
  return 0;
}
