import { startSimulator, type NightscoutSimulator } from '../sources/nightscout/simulator/index.js';

/**
 * The sample project's sources for a local run: when no Nightscout site is configured, a simulator with
 * 14 days of 3 subjects, exported to the worker through `NIGHTSCOUT_URL`.
 */
export async function startSampleSources(env: NodeJS.ProcessEnv = process.env): Promise<{
  nightscout: NightscoutSimulator | undefined;
  stop(): Promise<void>;
}> {
  if (env.NIGHTSCOUT_URL) return { nightscout: undefined, stop: async () => {} };
  const nightscout = await startSimulator({ subjects: 3, days: 14, seed: 42 });
  env.NIGHTSCOUT_URL = nightscout.sites.map((s) => `${s.subjectId}=${s.baseUrl}`).join(',');
  return {
    nightscout,
    async stop() {
      await nightscout.close();
      delete env.NIGHTSCOUT_URL;
    },
  };
}
