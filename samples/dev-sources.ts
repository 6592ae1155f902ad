import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AssetConfig, DevSources, StartedDevSources } from '../framework/index.js';
import { startSimulator } from './nightscout-simulator/index.js';
import { generateSampleNights } from './psg/sample-nights.js';
import { generateSampleWearables, SAMPLE_FILES } from './wearables/sample-drops.js';

const SAMPLE_DAYS = 14;
const DAY_MS = 86_400_000;

/**
 * The sample project's sources for a local run (`npm start`, `--embedded`): when no Nightscout site is configured, a
 * simulator with the 14 days of 3 subjects up to today (UTC), handed to the worker as `NIGHTSCOUT_URL`, and those days
 * as the run's range (so the daily schedule's partition, yesterday, has readings too); when no PSG folder is
 * configured, generated sample nights (2 subjects × 1 night × 2 h of EDF+ with hypnograms, studies.csv and
 * events.csv) in `${ASSAY_HOME}/samples/psg`, generated once and handed over as `ASSAY_PSG_DIR`; when no wearables
 * folder is configured, generated Fitbit drops (4 users × 30 days: steady, declining, sporadic, improving) in
 * `${ASSAY_HOME}/samples/wearables`, generated once and handed over as `ASSAY_WEARABLES_DIR`.
 */
export const sampleSources: DevSources = {
  async start(config: AssetConfig): Promise<StartedDevSources> {
    const env: Record<string, string> = {};
    const describe: [string, string][] = [];
    if (!config.env.ASSAY_PSG_DIR) {
      const psgDir = join(config.home, 'samples', 'psg');
      if (!existsSync(join(psgDir, 'events.csv'))) {
        await generateSampleNights({ dir: psgDir, subjects: 2, nights: 1, hours: 2, seed: 42 });
      }
      env.ASSAY_PSG_DIR = psgDir;
      describe.push(['PSG samples', psgDir]);
    }
    if (!config.env.ASSAY_WEARABLES_DIR) {
      const wearablesDir = join(config.home, 'samples', 'wearables');
      if (!Object.values(SAMPLE_FILES).every((file) => existsSync(join(wearablesDir, file)))) {
        await generateSampleWearables({ dir: wearablesDir, users: 4, days: 30, seed: 42 });
      }
      env.ASSAY_WEARABLES_DIR = wearablesDir;
      describe.push(['Wearables samples', wearablesDir]);
    }
    const nightscoutConfigured = Boolean(config.env.NIGHTSCOUT_URL) || config.settings.nightscout !== undefined;
    if (nightscoutConfigured) return { env, describe, stop: async () => {} };
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const nightscout = await startSimulator({ subjects: 3, days: SAMPLE_DAYS, seed: 42, end: today });
    env.NIGHTSCOUT_URL = nightscout.sites.map((s) => `${s.subjectId}=${s.baseUrl}`).join(',');
    describe.push(['Nightscout sim', nightscout.sites.map((s) => s.baseUrl).join(' ')]);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    return {
      env,
      describe,
      range: { from: day(today - SAMPLE_DAYS * DAY_MS), to: day(today - DAY_MS) },
      stop: () => nightscout.close(),
    };
  },
};
