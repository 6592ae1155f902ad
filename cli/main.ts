import type { LogLevel } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import { loadAssayConfig, type AssayConfig } from '../assay.config.js';
import { installLogging } from '../runtime/logging.js';
import { backfillCommand, backfillStatusCommand } from './commands/backfill.js';
import { checkCommand, validateCommand } from './commands/check.js';
import { runsCommand, runsShowCommand } from './commands/runs.js';
import { schedulesApplyCommand, schedulesListCommand } from './commands/schedules.js';
import { devCommand } from './commands/dev.js';
import { lineageFlushCommand, lineagePublishCommand } from './commands/lineage.js';
import { listCommand } from './commands/list.js';
import { materializeCommand } from './commands/materialize.js';
import { nightscoutSimCommand } from './commands/nightscout-sim.js';
import { workerCommand } from './commands/worker.js';

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

const program = new Command()
  .name('assay')
  .description('Durable data assets for TypeScript, materialized as Temporal workflows with DuckDB')
  .option('--verbose', "also print the worker's and the SDK's logs (they always go to ASSAY_HOME/logs/assay.log)")
  .showHelpAfterError();

let loaded: AssayConfig | undefined;
/** The configuration, loaded once; the first call also sends the SDK's and the worker's logs to their file. */
function config(): AssayConfig {
  if (!loaded) {
    loaded = loadAssayConfig();
    installLogging({
      file: loaded.logFile,
      level: (loaded.env.ASSAY_LOG_LEVEL?.toUpperCase() ?? 'INFO') as LogLevel,
      verbose: Boolean(program.opts().verbose),
    });
  }
  return loaded;
}

program
  .command('dev')
  .description('embedded Temporal dev server + worker; materialize every asset, then keep serving')
  .option('--once', 'exit after the run (code 0 only if every asset succeeded)')
  .option('--port <port>', 'Temporal frontend port', wholeNumber, 7233)
  .option('--ui-port <port>', 'Temporal Web UI port', wholeNumber, 8233)
  .action(async (options) => exit(await devCommand(config(), options)));

program
  .command('list')
  .description('list assets, groups and dependencies')
  .option('--json', 'print JSON')
  .action(async (options) => exit(await listCommand(config(), options)));

program
  .command('materialize')
  .description('materialize a selection of assets (e.g. "*", "dim_glucose_date+", "group:nightscout")')
  .argument('[selection]', 'asset selection', '*')
  .option('--partition <key>', 'partition to materialize (default: each daily asset’s latest complete day)')
  .option('--from <key>', 'first partition of a range to materialize in this one run (with --to)')
  .option('--to <key>', 'last partition of the range')
  .option('--json', 'print one JSON object with the result')
  .option('--embedded', 'start a Temporal dev server and a worker in this process')
  .option('--max-parallel <n>', 'asset workflows running at once', wholeNumber)
  .action(async (selection, options) => exit(await materializeCommand(config(), selection, options)));

const backfill = program
  .command('backfill')
  .description('materialize every partition of a range: a durable backfill workflow (same selection and range: same backfill)')
  .argument('<selection>', 'asset selection, e.g. "group:nightscout"')
  .requiredOption('--from <key>', 'first partition')
  .requiredOption('--to <key>', 'last partition')
  .option('--concurrency <n>', 'assets materializing at once', wholeNumber)
  .option('--force', 'run a backfill that already finished again')
  .option('--json', 'print the per-partition report as JSON')
  .option('--embedded', 'start a Temporal dev server and a worker in this process')
  .action(async (selection, options) => exit(await backfillCommand(config(), selection, options)));

backfill
  .command('status')
  .description('where a running backfill is, or its per-partition report once it ended')
  .argument('<id>', 'the backfill workflow id (printed when it starts; listed in the Web UI)')
  .option('--json', 'print JSON')
  .action(async (id, options) => exit(await backfillStatusCommand(config(), id, options)));

const runs = program
  .command('runs')
  .description('recent graph runs and backfills with their asset materializations (ASSAY_HOME/metadata/runs)')
  .option('--json', 'print JSON')
  .option('--limit <n>', 'runs to show (default 10)', wholeNumber)
  .action(async (options) => exit(await runsCommand(config(), options)));

runs
  .command('show')
  .description('one run and every materialization in it')
  .argument('<runId>', 'the run id (the graph run’s Temporal run id)')
  .option('--json', 'print JSON')
  .action(async (runId, options) => exit(await runsShowCommand(config(), runId, options)));

const schedules = program
  .command('schedules')
  .description('Temporal Schedules declared in code (defineSchedule in the definitions)');

schedules
  .command('apply')
  .description('create or update, idempotently, the declared schedules on TEMPORAL_ADDRESS')
  .option('--json', 'print JSON')
  .action(async (options) => exit(await schedulesApplyCommand(config(), options)));

schedules
  .command('list')
  .description("Assay's schedules on the server, with their next run times")
  .option('--json', 'print JSON')
  .action(async (options) => exit(await schedulesListCommand(config(), options)));

program
  .command('check')
  .description("run an asset's expectation suites against its published data (exit 0 only if all pass)")
  .argument('<asset>', 'asset key')
  .option('--partition <key>', 'partition to check')
  .option('--json', 'print the Great Expectations results document')
  .action(async (asset, options) => exit(await checkCommand(config(), asset, options)));

program
  .command('validate')
  .description('check a Parquet or CSV file against Great Expectations suites (exit 0 only if all pass)')
  .argument('<data>', 'data file (.parquet or .csv)')
  .requiredOption('--suite <file>', 'suite file (legacy 0.x or GX 1.x JSON); repeatable', (v: string, all: string[]) => [...all, v], [])
  .option('--json', 'print the Great Expectations results document')
  .action(async (data, options) => exit(await validateCommand(data, options)));

program
  .command('worker')
  .description('run the Assay worker against TEMPORAL_ADDRESS')
  .action(async () => exit(await workerCommand(config())));

const lineage = program
  .command('lineage')
  .description('OpenLineage: send the static asset graph, re-send spooled events (OPENLINEAGE_URL, openlineage.yml)');

lineage
  .command('publish')
  .description('send the graph job and one job per asset with its datasets and schemas, without running anything')
  .action(async () => exit(await lineagePublishCommand(config())));

lineage
  .command('flush')
  .description('re-send spooled lineage events, in order (exit 1 if some remain)')
  .action(async () => exit(await lineageFlushCommand(config())));

program
  .command('nightscout-sim')
  .description('serve a Nightscout-compatible API v1 with generated or real entries')
  .option('--port <port>', 'port (0 = any free port)', wholeNumber, 1337)
  .option('--subjects <n>', 'subjects, one site each', wholeNumber, 3)
  .option('--days <n>', 'days of readings per subject', wholeNumber, 14)
  .option('--seed <n>', 'random seed (same seed, same data)', wholeNumber, 42)
  .option('--entries <file>', 'serve these entries (entries.json array or mongoexport NDJSON) instead')
  .option('--api-secret <secret>', 'require this API secret')
  .action(async (options) => exit(await nightscoutSimCommand(options)));

// Exit explicitly: the DuckDB instance and Temporal connections would otherwise keep the process alive.
function exit(code: number): void {
  process.exit(code);
}

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof Error ? `assay: ${err.message}` : err);
  process.exit(1);
});
