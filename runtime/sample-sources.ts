import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { assayHome } from '../framework/lake.js';
import { startSimulator, type NightscoutSimulator } from '../sources/nightscout/simulator/index.js';
import { generateSampleNights } from '../sources/psg/sample-nights.js';

/**
 * The sample project's sources for a local run: when no Nightscout site is configured, a simulator with
 * 14 days of 3 subjects, exported to the worker through `NIGHTSCOUT_URL`; when no PSG folder is configured,
 * generated sample nights (2 subjects × 1 night × 2 h of EDF+ with hypnograms, studies.csv and events.csv) in
 * `${ASSAY_HOME}/samples/psg`, generated once and exported through `ASSAY_PSG_DIR`.
 */
export async function startSampleSources(env: NodeJS.ProcessEnv = process.env): Promise<{
  nightscout: NightscoutSimulator | undefined;
  psgDir: string | undefined;
  stop(): Promise<void>;
}> {
  let psgDir: string | undefined;
  if (!env.ASSAY_PSG_DIR) {
    psgDir = join(assayHome(env), 'samples', 'psg');
    if (!existsSync(join(psgDir, 'events.csv'))) {
      await generateSampleNights({ dir: psgDir, subjects: 2, nights: 1, hours: 2, seed: 42 });
    }
    env.ASSAY_PSG_DIR = psgDir;
  }
  const stopPsg = () => {
    if (psgDir) delete env.ASSAY_PSG_DIR;
  };
  if (env.NIGHTSCOUT_URL) return { nightscout: undefined, psgDir, stop: async () => stopPsg() };
  const nightscout = await startSimulator({ subjects: 3, days: 14, seed: 42 });
  env.NIGHTSCOUT_URL = nightscout.sites.map((s) => `${s.subjectId}=${s.baseUrl}`).join(',');
  return {
    nightscout,
    psgDir,
    async stop() {
      await nightscout.close();
      delete env.NIGHTSCOUT_URL;
      stopPsg();
    },
  };
}
