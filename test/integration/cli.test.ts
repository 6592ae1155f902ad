import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertValidResults, type ValidationResult } from '../../expectations/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GLUCOSE_SUITE = 'expectations/suites/stg_nightscout_glucose.json';

/** The sample project (`assets/definitions.ts`): every asset and its direct dependencies. */
const SAMPLE_DEPS: Record<string, string[]> = {
  raw_nightscout_entries: [],
  stg_nightscout_glucose: ['raw_nightscout_entries'],
  int_glucose_enriched: ['stg_nightscout_glucose'],
  fact_glucose_readings: ['int_glucose_enriched'],
  dim_glucose_date: ['fact_glucose_readings'],
  mart_glucose_hourly_patterns: ['fact_glucose_readings'],
  mart_glucose_overview: ['dim_glucose_date'],
  raw_psg_recordings: [],
  raw_sleep_events: [],
  raw_sleep_studies: [],
  psg_hypnogram: ['raw_psg_recordings'],
  psg_lights: ['raw_psg_recordings'],
  stg_events: ['raw_sleep_events'],
  stg_sleep_study: ['raw_sleep_studies'],
  stg_signal_features: ['psg_hypnogram', 'raw_psg_recordings'],
  dim_time: ['stg_events', 'stg_sleep_study'],
  fct_event_rates: ['stg_events', 'stg_sleep_study'],
  fct_sleep_summary: ['psg_hypnogram', 'psg_lights'],
  fct_signal_analytics: ['stg_signal_features'],
  raw_fitbit_daily_activity: [],
  raw_fitbit_sleep_day: [],
  raw_fitbit_hourly_steps: [],
  stg_daily_activity: ['raw_fitbit_daily_activity', 'raw_fitbit_hourly_steps'],
  stg_sleep: ['raw_fitbit_sleep_day'],
  user_daily_activity: ['stg_daily_activity'],
  user_baseline_activity: ['user_daily_activity'],
  user_activity_deviation: ['user_baseline_activity', 'user_daily_activity'],
  daily_user_summary: ['stg_sleep', 'user_activity_deviation', 'user_daily_activity'],
  mart_daily_health_metrics: ['daily_user_summary'],
  mart_data_volume_anomaly: ['daily_user_summary'],
};
const SAMPLE_KEYS = Object.keys(SAMPLE_DEPS).sort();
const NIGHTSCOUT_KEYS = [
  'dim_glucose_date',
  'fact_glucose_readings',
  'int_glucose_enriched',
  'mart_glucose_hourly_patterns',
  'mart_glucose_overview',
  'raw_nightscout_entries',
  'stg_nightscout_glucose',
];
const ASSET_RESULT_FIELDS = ['key', 'partition', 'status', 'rows', 'bytes', 'durationMs', 'path', 'error'];

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/assay.js <args>` from the repository root. The environment is this process's without anything that
 * would point the CLI elsewhere (a Nightscout site, a PSG or wearables folder — so the sample sources start —, a
 * Temporal server, a lineage backend, other definitions), plus `env`.
 */
function runCli(args: string[], env: Record<string, string>, timeoutMs = 170_000): Promise<CliResult> {
  return runIn([process.execPath, join(ROOT, 'bin', 'assay.js'), ...args], env, timeoutMs);
}

/** Runs `argv` from the repository root with this process's environment minus what points elsewhere, plus `env`. */
function runIn(argv: string[], env: Record<string, string>, timeoutMs: number): Promise<CliResult> {
  const elsewhere = (k: string) =>
    /^(NIGHTSCOUT_|TEMPORAL_|OPENLINEAGE_)/.test(k) || ['ASSAY_HOME', 'ASSAY_PSG_DIR', 'ASSAY_WEARABLES_DIR', 'ASSAY_DEFINITIONS'].includes(k);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !elsewhere(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const homes: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'assay-cli-it-'));
  homes.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(homes.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** `n` distinct ports that were free a moment ago (all held open together, so they differ). */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: n }, () => {
      const server = createServer();
      return new Promise<Server>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

interface ListedAsset {
  key: string;
  group: string;
  deps: string[];
}

describe('the assay CLI, run as a subprocess', () => {
  it('lists every asset of the sample project with its dependencies, and its groups, as one JSON object', { timeout: 60_000 }, async () => {
    const out = await runCli(['list', '--json'], { ASSAY_HOME: await tempDir() });
    expect(out.code, out.stderr).toBe(0);
    const listed = JSON.parse(out.stdout) as { assets: ListedAsset[]; groups: Record<string, string[]> };

    expect(listed.assets.map((a) => a.key).sort()).toEqual(SAMPLE_KEYS);
    expect(Object.fromEntries(listed.assets.map((a) => [a.key, [...a.deps].sort()]))).toEqual(SAMPLE_DEPS);
    // Listed in dependency order.
    const position = new Map(listed.assets.map((a, i) => [a.key, i]));
    for (const a of listed.assets) {
      for (const d of a.deps) expect(position.get(d)!, `${d} before ${a.key}`).toBeLessThan(position.get(a.key)!);
    }

    expect(Object.keys(listed.groups).sort()).toEqual(['nightscout', 'psg', 'wearables']);
    expect([...listed.groups.nightscout!].sort()).toEqual(NIGHTSCOUT_KEYS);
    expect([...listed.groups.nightscout!, ...listed.groups.psg!, ...listed.groups.wearables!].sort()).toEqual(SAMPLE_KEYS);
    for (const a of listed.assets) expect(listed.groups[a.group], a.key).toContain(a.key);
  });

  it('rejects a mistyped selection before starting anything, naming it and suggesting a near miss', { timeout: 60_000 }, async () => {
    const home = await tempDir();
    const typo = await runCli(['materialize', 'dubled_typo', '--embedded', '--json'], { ASSAY_HOME: home });
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain("assay: no asset 'dubled_typo'");
    expect(typo.stdout).toBe('');

    const nearMiss = await runCli(['materialize', 'stg_nightscout_glucos', '--embedded', '--json'], { ASSAY_HOME: home });
    expect(nearMiss.code).not.toBe(0);
    expect(nearMiss.stderr).toContain(
      "no asset 'stg_nightscout_glucos' (selection position 0); did you mean 'stg_nightscout_glucose'?",
    );
    expect(nearMiss.stdout).toBe('');
    // Refused up front: no sample data generated, no run started (so no SDK warnings about a failed workflow).
    expect(existsSync(join(home, 'samples'))).toBe(false);
    expect(typo.stderr + nearMiss.stderr).not.toMatch(/Workflow failed|Activity failed/);
  });

  describe('on the lake of `materialize group:nightscout --embedded --json`', () => {
    let home: string;
    let materialized: CliResult;
    let published: (key: string) => string;

    beforeAll(async () => {
      home = await tempDir();
      materialized = await runCli(['materialize', 'group:nightscout', '--embedded', '--json'], { ASSAY_HOME: home });
      published = (key) => {
        const { assets } = JSON.parse(materialized.stdout) as { assets: { key: string; path: string }[] };
        const asset = assets.find((a) => a.key === key);
        if (!asset) throw new Error(`'${key}' was not materialized:\n${materialized.stdout}\n${materialized.stderr}`);
        return asset.path;
      };
    }, 180_000);

    it('exits 0 and prints exactly one JSON result object, every asset materialized to a Parquet file that exists', { timeout: 60_000 }, async () => {
      expect(materialized.code, materialized.stderr).toBe(0);
      expect(materialized.stdout.trimStart().startsWith('{')).toBe(true);
      const result = JSON.parse(materialized.stdout) as {
        runId: string;
        workflowId: string;
        status: string;
        assets: Record<string, unknown>[];
      };
      expect(Object.keys(result).sort()).toEqual(['assets', 'runId', 'status', 'workflowId']);
      expect(result).toMatchObject({
        runId: expect.any(String),
        workflowId: expect.stringMatching(/^assay-group:nightscout-/),
        status: 'success',
      });
      expect(result.assets.map((a) => a.key).sort()).toEqual(NIGHTSCOUT_KEYS);
      for (const asset of result.assets) {
        expect(Object.keys(asset).sort(), String(asset.key)).toEqual([...ASSET_RESULT_FIELDS].sort());
        expect(asset, String(asset.key)).toMatchObject({
          // Without --partition, a daily asset materializes its latest complete day; the hourly patterns are not partitioned.
          partition: asset.key === 'mart_glucose_hourly_patterns' ? null : expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          status: 'materialized',
          rows: expect.any(Number),
          bytes: expect.any(Number),
          durationMs: expect.any(Number),
          path: expect.stringMatching(/\.parquet$/),
          error: null,
        });
        const path = asset.path as string;
        expect(path.startsWith(join(home, 'lake'))).toBe(true);
        expect(existsSync(path), path).toBe(true);
        expect((await stat(path)).size, path).toBe(asset.bytes);
        expect(asset.rows as number, String(asset.key)).toBeGreaterThan(0);
      }
      // Not on a terminal, the logs are JSON lines: one per materialization, with its run, asset, step and duration.
      const logged = materialized.stderr
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === 'asset materialized');
      expect(logged.map((l) => l.asset).sort()).toEqual(NIGHTSCOUT_KEYS);
      for (const line of logged) {
        expect(line).toMatchObject({ runId: result.runId, step: 'materialize', status: 'materialized', duration_ms: expect.any(Number) });
      }
    });

    it('validates a published Parquet file: exit 0 when its suite passes, exit 1 and a failed results document when not', { timeout: 60_000 }, async () => {
      const data = published('stg_nightscout_glucose');
      const suite = JSON.parse(await readFile(join(ROOT, GLUCOSE_SUITE), 'utf8')) as { expectations: unknown[] };
      const pass = await runCli(['validate', '--suite', GLUCOSE_SUITE, data], { ASSAY_HOME: home });
      expect(pass.code, pass.stdout + pass.stderr).toBe(0);
      expect(pass.stdout).toContain(`all ${suite.expectations.length} expectations passed`);

      const dir = await tempDir();
      const impossible = join(dir, 'impossible.json');
      await writeFile(
        impossible,
        JSON.stringify({
          name: 'impossible',
          expectations: [{ type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 0, max_value: 0 }, meta: {} }],
          meta: { great_expectations_version: '1.11.3' },
        }),
      );
      const fail = await runCli(['validate', '--suite', impossible, data], { ASSAY_HOME: home });
      expect(fail.code, fail.stderr).toBe(1);
      expect(fail.stdout).toContain('1 of 1 expectations failed');
      expect(fail.stdout).toContain('expect_table_row_count_to_be_between (impossible)');

      const failJson = await runCli(['validate', '--json', '--suite', impossible, data], { ASSAY_HOME: home });
      expect(failJson.code, failJson.stderr).toBe(1);
      const document = JSON.parse(failJson.stdout) as ValidationResult;
      assertValidResults(document);
      expect(document.success).toBe(false);
      expect(document.statistics).toMatchObject({
        evaluated_expectations: 1,
        successful_expectations: 0,
        unsuccessful_expectations: 1,
      });
      expect(document.results).toEqual([
        expect.objectContaining({
          success: false,
          severity: 'error',
          suite_name: 'impossible',
          expectation_config: expect.objectContaining({ type: 'expect_table_row_count_to_be_between' }),
          result: expect.objectContaining({ observed_value: expect.any(Number) }),
        }),
      ]);
      expect(document.results[0]!.result.observed_value).toBeGreaterThan(0);
    });

    it('checks stg_nightscout_glucose against its suites and exits 0, since every expectation passes', { timeout: 60_000 }, async () => {
      // Every expectation of the suite must pass for check to exit 0 (warn-level ones included).
      const suite = JSON.parse(await readFile(join(ROOT, GLUCOSE_SUITE), 'utf8')) as { expectations: unknown[] };
      const data = published('stg_nightscout_glucose');
      const day = /date=([\d-]+)/.exec(data)![1]!;
      const out = await runCli(['check', 'stg_nightscout_glucose', '--partition', day], { ASSAY_HOME: home });
      expect(out.code, out.stdout + out.stderr).toBe(0);
      expect(out.stdout).toContain(
        `all ${suite.expectations.length} expectations passed on read_parquet('${data}', hive_partitioning = false)`,
      );
      // Without --partition: every published partition at once.
      const all = await runCli(['check', 'stg_nightscout_glucose'], { ASSAY_HOME: home });
      expect(all.code, all.stdout + all.stderr).toBe(0);
      expect(all.stdout).toContain(`stg_nightscout_glucose/date=*/data.parquet`);

      const json = await runCli(['check', 'stg_nightscout_glucose', '--json'], { ASSAY_HOME: home });
      expect(json.code, json.stderr).toBe(0);
      const document = JSON.parse(json.stdout) as ValidationResult;
      assertValidResults(document);
      expect(document.success).toBe(true);
      expect(document.meta.suite_names).toEqual(['stg_nightscout_glucose']);
      expect(document.results).toHaveLength(suite.expectations.length);
      expect(document.results.filter((r) => !r.success)).toEqual([]);
    });
  });

  it('runs every asset once with `dev --once`, then prints the result table and the Web UI link on the given port', { timeout: 240_000 }, async () => {
    const home = await tempDir();
    const [port, uiPort] = await freePorts(2);
    const args = ['dev', '--once', '--port', String(port), '--ui-port', String(uiPort)];
    const out = await runCli(args, { ASSAY_HOME: home, NO_COLOR: '1' }, 230_000);
    expect(out.code, out.stderr.slice(-4000)).toBe(0);
    // Not a terminal and NO_COLOR: plain text, table borders included.
    expect(out.stdout.includes('\u001b[')).toBe(false);
    expect(out.stdout).toMatch(/│ asset +│ status +│ +rows │ +bytes │ +ms │/);
    // Daily assets over the sample's 14 days in one single-run step each, e.g. `raw_nightscout_entries [2026-11-18..2026-12-01]`.
    for (const key of SAMPLE_KEYS) expect(out.stdout).toMatch(new RegExp(`│ ${key}( \\[[\\d.-]+\\])? +│ materialized +│ +[\\d,]+ │`));
    const webUi = `^Temporal Web UI +http://localhost:${uiPort}/namespaces/default/workflows/assay-all-\\S+$`;
    expect(out.stdout).toMatch(new RegExp(webUi, 'm'));
    expect(out.stdout).toMatch(new RegExp(`^Temporal address +127\\.0\\.0\\.1:${port} `, 'm'));
    expect(out.stdout).toContain(join(home, 'lake'));
  });

  it('keeps worker logs off a terminal: a failed run shows its table and one line on where the details are', { timeout: 120_000 }, async () => {
    // A "Nightscout site" that answers 404: the raw asset fails at once, without retries.
    const site = createHttpServer((_req, res) => res.writeHead(404).end('not here'));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
    try {
      const home = await tempDir();
      const command = `node bin/assay.js materialize raw_nightscout_entries+ --embedded`;
      // `script` runs the command in a pseudo-terminal, as a user's shell would.
      const env = { ASSAY_HOME: home, NIGHTSCOUT_URL: `alice=${url}`, NO_COLOR: '1' };
      const out = await runIn(['script', '-qec', command, '/dev/null'], env, 110_000);
      expect(out.code).not.toBe(0);
      const screen = out.stdout.replaceAll('\r', '');
      expect(screen).toMatch(/│ raw_nightscout_entries \[[\d-]+\] +│ failed +│/);
      expect(screen).toMatch(/│ stg_nightscout_glucose \[[\d-]+\] +│ skipped +│/);
      const logFile = join(home, 'logs', 'assay.log');
      expect(screen).toContain(`1 asset(s) failed; the worker's log has the details: ${logFile}`);
      // None of the SDK's log records (task tokens, stack traces) reach the terminal; they are in the log file.
      expect(screen).not.toMatch(/taskToken|Activity failed|at async|"level"/);
      const log = await readFile(logFile, 'utf8');
      expect(log).toMatch(/"msg":"Activity failed"/);
      expect(log).toContain('not a Nightscout site');
    } finally {
      await new Promise((resolve) => site.close(resolve));
    }
  });

  it('backfills a range with a per-partition report; the same backfill again does nothing unless --force', { timeout: 240_000 }, async () => {
    const home = await tempDir();
    const day = (daysAgo: number) => new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
    // The sample's simulated readings cover the 14 days up to yesterday.
    const args = ['backfill', 'group:nightscout', '--from', day(3), '--to', day(1), '--embedded'];
    const first = await runCli([...args, '--json'], { ASSAY_HOME: home });
    expect(first.code, first.stderr.slice(-2000)).toBe(0);
    const report = JSON.parse(first.stdout) as { status: string; partitions: { partition: string; status: string; materialized: number; rows: number }[] };
    expect(report.status).toBe('success');
    expect(report.partitions.map((p) => [p.partition, p.status, p.materialized])).toEqual([
      [day(3), 'materialized', 6],
      [day(2), 'materialized', 6],
      [day(1), 'materialized', 6],
    ]);
    expect(report.partitions.every((p) => p.rows > 0)).toBe(true);

    const again = await runCli(args, { ASSAY_HOME: home, NO_COLOR: '1' });
    expect(again.code, again.stderr.slice(-2000)).toBe(0);
    expect(again.stdout).toMatch(/already finished at .*; nothing to do\. Run it again with --force\./);
    expect(again.stdout).toContain('3/3 partitions');

    const forced = await runCli([...args, '--force'], { ASSAY_HOME: home, NO_COLOR: '1' });
    expect(forced.code, forced.stderr.slice(-2000)).toBe(0);
    expect(forced.stdout).toMatch(/: success — 3\/3 partitions of 'group:nightscout' materialized/);
  });
});
