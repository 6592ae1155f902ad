import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Where the Temporal CLI (which contains the dev server) is: `TEMPORAL_CLI_PATH`, `temporal` on PATH, or the
 * project's cache (`scripts/temporal-cli.sh` installs it there). `undefined` lets `@temporalio/testing` download it.
 */
export function findTemporalCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TEMPORAL_CLI_PATH) {
    if (!existsSync(env.TEMPORAL_CLI_PATH)) {
      throw new Error(`TEMPORAL_CLI_PATH is ${env.TEMPORAL_CLI_PATH}, but no file is there`);
    }
    return env.TEMPORAL_CLI_PATH;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  const cached = join(env.ASSAY_CACHE ?? join(homedir(), '.cache', 'assay'), 'bin', 'temporal');
  return existsSync(cached) ? cached : undefined;
}
