import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tableFromArrays } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssetDefinition } from '../../framework/asset.js';
import { parquetSchema } from '../../engine/duckdb.js';
import type { Definitions } from '../../framework/definitions.js';
import { quoteLiteral, readParquet } from '../../framework/sql.js';
import { withConnection } from '../../engine/duckdb.js';
import { declaredSql } from '../../engine/sql-text.js';
import { lakeDatasetName } from '../../lineage/naming.js';
import { startMarquezReceiver } from '../../lineage/test-support/marquez-receiver.js';
import { SourceUnavailableError } from '../../framework/errors.js';
import { defineAsset, defineDefinitions, sql, ts } from '../../framework/index.js';
import { publishedPath } from '../../engine/lake.js';
import {
  validateAgainstAssaySchema,
  validateAgainstSpec,
  validateEvent,
  type DataQualityAssertionsDatasetFacet,
  type DataQualityMetricsInputDatasetFacet,
  type JobEvent,
  type LineageEvent,
  type RunEvent,
} from '../../lineage/index.js';
import { startTestWorker, type TestWorker } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NAME = 'lineage_it';

// A small graph with a fan-out (numbers → doubled, numbers → tripled) and a fan-in (combined).
const numbers = defineAsset({
  key: 'numbers',
  layer: 'raw',
  description: 'The numbers one to four',
  columns: { n: 'a number' },
  compute: ts(async () => tableFromArrays({ n: Int32Array.from([1, 2, 3, 4]) }), import.meta.url),
});
const doubled = defineAsset({ key: 'doubled', compute: sql`select n, n * 2 as n2 from ${numbers}` });
const tripled = defineAsset({ key: 'tripled', compute: sql`select n, n * 3 as n3, 'x' as label from ${numbers}` });
const combined = defineAsset({
  key: 'combined',
  layer: 'marts',
  compute: sql`select d.n, d.n2 + t.n3 as total from ${doubled} d join ${tripled} t using (n) where d.n > 1`,
});

let worker: TestWorker | undefined;
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function tempHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'assay-lineage-it-'));
  cleanup.push(() => rm(home, { recursive: true, force: true }));
  return home;
}

function readJsonLines(file: string): LineageEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LineageEvent);
}

/** Whether the graph run's final event (COMPLETE or FAIL of the graph job) is among `events`. */
function graphRunEnded(events: readonly RunEvent[]): boolean {
  return events.some((e) => e.job.name === NAME && (e.eventType === 'COMPLETE' || e.eventType === 'FAIL'));
}

/** The run events in ASSAY_HOME's events file once `done` holds of them: lineage is delivered in the background. */
async function eventsWhen(home: string, done: (events: readonly RunEvent[]) => boolean, timeoutMs = 10_000): Promise<RunEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = runEvents(readJsonLines(eventsFile(home)));
    if (done(events)) return events;
    if (Date.now() > deadline) throw new Error(`lineage events in ${eventsFile(home)} did not arrive within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const eventsFile = (home: string) => join(home, 'lineage', 'events.jsonl');
const runEvents = (events: readonly LineageEvent[]) => events.filter((e): e is RunEvent => 'run' in e);
const jobName = (key: string) => `${NAME}.${key}`;
const ofAsset = (events: readonly RunEvent[], key: string) => events.filter((e) => e.job.name === jobName(key));
const graphEvents = (events: readonly RunEvent[]) => events.filter((e) => e.job.name === NAME);

/** Each event against the official 2-0-2 spec (and its facets' schemas) and against Assay's own schema. */
function validateAll(events: readonly LineageEvent[]): void {
  for (const event of events) {
    validateAgainstSpec(event);
    validateAgainstAssaySchema(event);
    validateEvent(event);
  }
}

/** Per run: START first, exactly one terminal event (COMPLETE / FAIL / ABORT), and nothing after it. */
function expectWellFormedRuns(events: readonly RunEvent[]): void {
  const byRun = new Map<string, RunEvent[]>();
  for (const e of events) byRun.set(e.run.runId, [...(byRun.get(e.run.runId) ?? []), e]);
  for (const [runId, list] of byRun) {
    const types = list.map((e) => e.eventType);
    expect(types[0], `run ${runId}`).toBe('START');
    const terminal = types.findIndex((t) => t === 'COMPLETE' || t === 'FAIL' || t === 'ABORT');
    expect(terminal, `run ${runId} (${types.join(', ')}) has a terminal event`).toBeGreaterThan(0);
    expect(terminal, `run ${runId} (${types.join(', ')}) ends with its terminal event`).toBe(types.length - 1);
    expect(new Set(list.map((e) => e.job.name)).size, `run ${runId} belongs to one job`).toBe(1);
  }
}

/** Asset events point at the graph run as parent and root; returns the graph run id. */
function expectParentedByGraph(events: readonly RunEvent[], keys: readonly string[]): string {
  const graph = graphEvents(events);
  const graphRunId = graph[0]!.run.runId;
  expect(new Set(graph.map((e) => e.run.runId))).toEqual(new Set([graphRunId]));
  for (const key of keys) {
    for (const e of ofAsset(events, key)) {
      expect(e.run.runId).not.toBe(graphRunId);
      const parentJob = { namespace: 'assay', name: NAME };
      expect(e.run.facets?.parent).toMatchObject({
        run: { runId: graphRunId },
        job: parentJob,
        root: { run: { runId: graphRunId }, job: parentJob },
      });
    }
  }
  return graphRunId;
}

async function rowCount(path: string): Promise<number> {
  return withConnection(async (c) => {
    const reader = await c.runAndReadAll(`select count(*)::INTEGER as n from ${readParquet(path)}`);
    return Number(reader.getRows()[0]![0]);
  });
}

/** How lineage names an asset's lake folder. */
function lakeName(home: string, asset: { key: string; layer: string }): { namespace: string; name: string } {
  return lakeDatasetName({ home, layer: asset.layer, key: asset.key });
}

function datasetId(d: { namespace: string; name: string }): string {
  return `${d.namespace}:${d.name}`;
}

function assetEdges(definitions: Definitions): string[] {
  return definitions.assets.flatMap((a) => a.deps.map((d) => `${d.key} -> ${a.key}`)).sort();
}

describe('lineage of graph runs on a real Temporal server', () => {
  it('reports a graph run and every asset materialization as valid, parented runs whose lineage is the asset graph', async () => {
    const definitions = defineDefinitions({ name: NAME, assets: [numbers, doubled, tripled, combined] });
    worker = await startTestWorker(definitions, { home: await tempHome() });
    const { home } = worker;
    const result = await worker.run();
    expect(result.status).toBe('success');

    await eventsWhen(home, graphRunEnded);
    const all = readJsonLines(eventsFile(home));
    validateAll(all);
    const events = runEvents(all);
    expect(events).toHaveLength(all.length);
    expect(events).toHaveLength(2 + 2 * definitions.assets.length);

    // The graph run: START first, COMPLETE last.
    expect([events[0]!.job.name, events[0]!.eventType]).toEqual([NAME, 'START']);
    expect([events.at(-1)!.job.name, events.at(-1)!.eventType]).toEqual([NAME, 'COMPLETE']);
    expect(graphEvents(events).map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    expect(events[0]!.job.facets?.jobType).toMatchObject({ processingType: 'BATCH', integration: 'ASSAY', jobType: 'GRAPH' });
    expectWellFormedRuns(events);
    expectParentedByGraph(
      events,
      definitions.assets.map((a) => a.key),
    );
    expect(new Set(events.map((e) => e.job.name))).toEqual(new Set([NAME, ...definitions.assets.map((a) => jobName(a.key))]));

    for (const asset of definitions.assets) {
      const own = ofAsset(events, asset.key);
      expect(own.map((e) => e.eventType), asset.key).toEqual(['START', 'COMPLETE']);
      expect(new Set(own.map((e) => e.run.runId)).size, asset.key).toBe(1);
      for (const e of own) {
        expect(e.job.namespace).toBe('assay');
        expect(e.job.facets?.jobType).toEqual(expect.objectContaining({ processingType: 'BATCH', integration: 'ASSAY', jobType: 'ASSET' }));
        if (asset.compute.kind === 'sql') {
          // The SQL as written is kept in a custom facet; the sql facet is the SQL that ran (once it ran).
          expect(e.job.facets?.assay_declaredSql).toMatchObject({ query: declaredSql(asset) });
          expect(e.job.facets?.sql).toMatchObject({ dialect: 'duckdb' });
          if (e.eventType === 'COMPLETE') {
            const ran = (e.job.facets?.sql as { query: string }).query;
            expect(ran).not.toContain('{{');
            for (const dep of asset.deps) expect(ran).toContain(publishedPath(home, dep));
          }
        } else {
          expect(e.job.facets?.sql).toBeUndefined();
          expect(e.job.facets?.sourceCodeLocation).toMatchObject({ type: 'file', url: import.meta.url });
        }
        // Named by the naming spec, the key first: namespace the layer folder's URI, name the asset key.
        expect(e.outputs.map((o) => ({ namespace: o.namespace, name: o.name }))).toEqual([lakeName(home, asset)]);
      }
      // The output of COMPLETE: the published Parquet's columns and rows.
      const complete = own[1]!;
      const path = publishedPath(home, asset);
      const columns = await parquetSchema(path);
      const output = complete.outputs[0]!;
      expect(output.facets?.schema?.fields.map((f) => ({ name: f.name, type: f.type }))).toEqual(columns);
      expect(output.outputFacets?.outputStatistics?.rowCount).toBe(await rowCount(path));
      expect(output.outputFacets?.outputStatistics?.size).toBe((await stat(path)).size);
      expect(output.facets?.storage).toMatchObject({ storageLayer: 'file', fileFormat: 'parquet' });
    }
    const numbersOutput = ofAsset(events, 'numbers')[1]!.outputs[0]!;
    expect(numbersOutput.facets?.schema?.fields).toEqual([{ name: 'n', type: 'INTEGER', description: 'a number' }]);
    expect(numbersOutput.facets?.documentation?.description).toBe('The numbers one to four');
    expect(ofAsset(events, 'combined')[1]!.outputs[0]!.outputFacets?.outputStatistics?.rowCount).toBe(3);

    // The lineage graph: input dataset → job → output dataset, datasets matched by namespace + name.
    const jobEdges = new Set<string>();
    const producer = new Map<string, string>();
    for (const e of events.filter((e) => e.eventType === 'COMPLETE' && e.job.name !== NAME)) {
      for (const i of e.inputs) jobEdges.add(`${datasetId(i)} -> ${e.job.name}`);
      for (const o of e.outputs) {
        jobEdges.add(`${e.job.name} -> ${datasetId(o)}`);
        producer.set(datasetId(o), e.job.name.slice(NAME.length + 1));
      }
    }
    const expectedJobEdges = definitions.assets.flatMap((a) => [
      ...a.deps.map((d) => `${datasetId(lakeName(home, d))} -> ${jobName(a.key)}`),
      `${jobName(a.key)} -> ${datasetId(lakeName(home, a))}`,
    ]);
    expect([...jobEdges].sort()).toEqual(expectedJobEdges.sort());
    const datasetEdges = [...jobEdges]
      .filter((edge) => edge.startsWith('file:'))
      .map((edge) => {
        const [input, job] = edge.split(' -> ') as [string, string];
        return `${producer.get(input)} -> ${job.slice(NAME.length + 1)}`;
      });
    expect(datasetEdges.sort()).toEqual(assetEdges(definitions));
  });

  it('reports a failed asset as START then FAIL with its error, fails the graph run, and says nothing of skipped assets', async () => {
    const broken = defineAsset({ key: 'broken', compute: sql`select no_such_column from ${doubled}` });
    const afterBroken = defineAsset({ key: 'after_broken', layer: 'marts', compute: sql`select * from ${broken}` });
    const definitions = defineDefinitions({ name: NAME, assets: [numbers, doubled, tripled, broken, afterBroken] });
    worker = await startTestWorker(definitions, { home: await tempHome() });
    const result = await worker.run();
    expect(result.status).toBe('failed');
    expect(result.assets.find((a) => a.key === 'after_broken')!.status).toBe('skipped');

    const events = await eventsWhen(worker.home, graphRunEnded);
    validateAll(events);
    expectWellFormedRuns(events);
    expectParentedByGraph(events, ['numbers', 'doubled', 'tripled', 'broken']);

    const failed = ofAsset(events, 'broken');
    expect(failed.map((e) => e.eventType)).toEqual(['START', 'FAIL']);
    expect(failed[1]!.run.facets?.errorMessage?.message).toMatch(/no_such_column/);
    expect(failed[1]!.run.facets?.errorMessage).toMatchObject({ programmingLanguage: expect.any(String) });
    expect(failed[1]!.outputs[0]!.outputFacets?.outputStatistics).toBeUndefined();
    expect(ofAsset(events, 'after_broken')).toEqual([]);
    for (const key of ['numbers', 'doubled', 'tripled']) {
      expect(ofAsset(events, key).map((e) => e.eventType), key).toEqual(['START', 'COMPLETE']);
    }
    const graph = graphEvents(events);
    expect(graph.map((e) => e.eventType)).toEqual(['START', 'FAIL']);
    expect(graph[1]!.run.facets?.errorMessage?.message).toMatch(/1 asset\(s\) failed/);
    expect(events.at(-1)).toBe(graph[1]);
  });

  it('reports a retried compute as one run: a single START, stamped before the first attempt, then COMPLETE', async () => {
    const home = await tempHome();
    let calls = 0;
    let firstAttemptAt = 0;
    const flaky = defineAsset({
      key: 'flaky',
      retry: { initialInterval: '50 milliseconds', maximumAttempts: 3 },
      compute: ts(async () => {
        calls += 1;
        if (calls === 1) {
          firstAttemptAt = Date.now();
          throw new SourceUnavailableError('HTTP 503 on the first attempt');
        }
        return tableFromArrays({ attempt: Int32Array.from([calls]) });
      }),
    });
    const definitions = defineDefinitions({ name: NAME, assets: [numbers, flaky] });
    worker = await startTestWorker(definitions, { home });
    const result = await worker.run();
    expect(result.status).toBe('success');
    expect(calls).toBe(2);

    // Lineage is delivered in the background: wait for the run's last event to be written.
    const events = await eventsWhen(home, graphRunEnded);
    validateAll(events);
    expectWellFormedRuns(events);
    const own = ofAsset(events, 'flaky');
    expect(own.map((e) => e.eventType)).toEqual(['START', 'COMPLETE']);
    expect(Date.parse(own[0]!.eventTime)).toBeLessThanOrEqual(firstAttemptAt);
    expect(new Set(own.map((e) => e.run.runId)).size).toBe(1);
    expect(own[1]!.outputs[0]!.outputFacets?.outputStatistics?.rowCount).toBe(1);
  });

  it('reports a failed error-level expectation as a failed data-quality assertion on the FAIL of the checked dataset', async () => {
    const home = await tempHome();
    const suiteFile = join(home, 'checked_suite.json');
    await writeFile(
      suiteFile,
      JSON.stringify({
        name: 'checked_suite',
        expectations: [
          { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'n' }, meta: {}, severity: 'critical' },
          { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 1, max_value: 10 }, meta: {}, severity: 'critical' },
          { type: 'expect_column_max_to_be_between', kwargs: { column: 'n', max_value: 2 }, meta: { severity: 'warn' } },
        ],
        meta: { great_expectations_version: '1.11.3' },
      }),
    );
    const checked = defineAsset({
      key: 'checked',
      suites: [suiteFile],
      compute: sql`select n from (values (1), (null), (3)) t(n)`,
    });
    worker = await startTestWorker(defineDefinitions({ name: NAME, assets: [checked] }), { home });
    const result = await worker.run();
    expect(result.status).toBe('failed');
    expect(result.assets[0]!.error).toMatch(/error-level expectation/);

    const events = await eventsWhen(home, graphRunEnded);
    validateAll(events);
    expectWellFormedRuns(events);
    const own = ofAsset(events, 'checked');
    expect(own.map((e) => e.eventType)).toEqual(['START', 'FAIL']);
    const fail = own[1]!;
    expect(fail.run.facets?.errorMessage?.message).toMatch(/error-level expectation/);
    const output = fail.outputs[0]!;
    expect(output.name).toBe('checked');
    const assertions = (output.facets?.dataQualityAssertions as DataQualityAssertionsDatasetFacet | undefined)?.assertions;
    expect(assertions).toEqual([
      expect.objectContaining({ assertion: 'expect_column_values_to_not_be_null', column: 'n', success: false, severity: 'error', actual: '1' }),
      expect.objectContaining({ assertion: 'expect_table_row_count_to_be_between', success: true, severity: 'error', actual: '3' }),
      expect.objectContaining({ assertion: 'expect_column_max_to_be_between', column: 'n', success: false, severity: 'warn' }),
    ]);
    expect(assertions![1]).not.toHaveProperty('column');
    expect((output.facets?.dataQualityMetrics as DataQualityMetricsInputDatasetFacet | undefined)?.rowCount).toBe(3);
    // Nothing was published, so nothing counts as written.
    expect(output.outputFacets?.outputStatistics).toBeUndefined();
    expect(existsSync(publishedPath(home, checked))).toBe(false);
    expect(graphEvents(events).map((e) => e.eventType)).toEqual(['START', 'FAIL']);
  });
});

// ------------------------------------------------------------------ HTTP transport

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  event: LineageEvent;
}

/** A lineage backend that records what it receives and answers 201, as Marquez does; it can stop and restart on its port. */
class Receiver {
  readonly received: Received[] = [];
  private server: Server | undefined;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          event: JSON.parse(Buffer.concat(chunks).toString('utf8')) as LineageEvent,
        });
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Runs the `assay` CLI (through tsx) with exactly these environment additions. */
function assayCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OPENLINEAGE_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'assay.js'), ...args], {
      cwd: ROOT,
      env: { ...inherited, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}


describe('lineage over HTTP', () => {
  it('delivers in the background to a slow, then down, then back Marquez: every run ends in its true state, nothing lost', async () => {
    const receiver = await startMarquezReceiver();
    cleanup.push(() => receiver.close());
    const home = await tempHome();
    const definitions = defineDefinitions({ name: NAME, assets: [numbers, doubled, tripled] });
    worker = await startTestWorker(definitions, { home, env: { OPENLINEAGE_URL: receiver.url } });
    const perRun = 2 + 2 * definitions.assets.length;

    // Marquez holds every write (a request outlives the client's 5-s time-out): the run does not wait for it.
    receiver.pause();
    const slow = await worker.run();
    expect(slow.status).toBe('success');
    // Marquez down (connection refused): the next run does not wait either.
    await receiver.setDown('refuse');
    receiver.resume();
    const down = await worker.run();
    expect(down.status).toBe('success');

    // Marquez back: the worker delivers on its own (no manual flush), until every run has its final event.
    await receiver.setDown(false);
    const graphRuns = [slow, down].map((r) => r.runId);
    await receiver.until((r) => r.runs().filter((run) => run.state === 'COMPLETED').length >= 2 * (1 + definitions.assets.length));
    const written = runEvents(receiver.written as unknown as LineageEvent[]);
    validateAll(written);
    // Nothing lost: each of the 8 runs (2 graph runs, 6 asset runs) has its START and its COMPLETE.
    const runIds = new Set(written.map((e) => e.run.runId));
    expect(runIds.size).toBe(2 * (1 + definitions.assets.length));
    expect(new Set(written.filter((e) => e.job.name === NAME).map((e) => e.run.runId)).size).toBe(graphRuns.length);
    for (const run of receiver.runs()) {
      // No regression: Marquez's state is decided by the last event received, and that is the final one.
      expect(run.state, run.runId).toBe('COMPLETED');
      expect(run.events.at(-1), run.runId).toBe('COMPLETE');
      expect(run.events.lastIndexOf('START')).toBeLessThan(run.events.indexOf('COMPLETE'));
    }
    expect(written.filter((e) => e.eventType === 'COMPLETE')).toHaveLength(perRun);
    // Every output's current version carries its schema.
    for (const asset of definitions.assets) {
      const { namespace, name } = lakeName(home, asset);
      expect(receiver.current(namespace, name)?.facets.schema, asset.key).toBeDefined();
    }
    expect(existsSync(eventsFile(home))).toBe(false);

    // The worker left nothing for an operator to flush.
    await worker.stop();
    worker = undefined;
    const flush = await assayCli(['lineage', 'flush'], { ASSAY_HOME: home, OPENLINEAGE_URL: receiver.url });
    expect(flush.code, flush.stdout + flush.stderr).toBe(0);
    expect(flush.stdout).toMatch(/lineage flush: (nothing to send|sent 0)/);
  });

  it('publishes the static graph with `assay lineage publish`: the graph job and one job per asset, with published schemas', async () => {
    const receiver = new Receiver();
    await receiver.start();
    cleanup.push(() => receiver.stop());
    const home = await tempHome();
    const module = join(home, 'definitions.mts');
    const framework = pathToFileURL(join(ROOT, 'framework', 'index.ts')).href;
    await writeFile(
      module,
      `import { defineAsset, defineDefinitions, sql } from ${JSON.stringify(framework)};
const numbers = defineAsset({ key: 'numbers', layer: 'raw', columns: { n: 'a number' }, compute: sql\`select 1 as n\` });
const doubled = defineAsset({ key: 'doubled', compute: sql\`select n * 2 as n2 from \${numbers}\` });
const tripled = defineAsset({ key: 'tripled', compute: sql\`select n * 3 as n3 from \${numbers}\` });
export default defineDefinitions({ name: 'published', assets: [numbers, doubled, tripled] });
`,
    );
    const numbersDir = join(home, 'lake', 'raw', 'numbers');
    // `numbers` has been published; the others have not.
    await mkdir(numbersDir, { recursive: true });
    await withConnection((c) => c.run(`COPY (select 1::INTEGER as n) TO ${quoteLiteral(join(numbersDir, 'data.parquet'))} (FORMAT parquet)`));

    const out = await assayCli(['lineage', 'publish'], { ASSAY_HOME: home, ASSAY_DEFINITIONS: module, OPENLINEAGE_URL: receiver.url });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain(`lineage publish: sent 4 of 4 job event(s) (graph 'published' and 3 asset(s)) to ${receiver.url}/api/v1/lineage`);
    const events = receiver.received.map((r) => r.event);
    validateAll(events);
    expect(events.every((e) => !('run' in e) && !('dataset' in e))).toBe(true);
    expect(events.map((e) => (e as JobEvent).job.name)).toEqual(['published', 'published.numbers', 'published.doubled', 'published.tripled']);
    const [, numbersJob, doubledJob] = events as JobEvent[];
    expect(numbersJob!.outputs[0]).toMatchObject(lakeName(home, { key: 'numbers', layer: 'raw' }));
    expect(numbersJob!.outputs[0]!.facets?.schema?.fields).toEqual([{ name: 'n', type: 'INTEGER', description: 'a number' }]);
    expect(doubledJob!.job.facets?.sql).toMatchObject({ dialect: 'duckdb' });
    expect(doubledJob!.inputs.map((d) => d.name)).toEqual(['numbers']);
    expect(doubledJob!.inputs[0]!.facets?.schema?.fields.map((f) => f.name)).toEqual(['n']);
    expect(doubledJob!.outputs[0]!.facets?.schema).toBeUndefined();
  });
});
