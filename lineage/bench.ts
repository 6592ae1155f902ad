/**
 * How long lineage costs a run, against a Marquez stand-in that answers at once, in 1 s, or never.
 *
 *   npx tsx lineage/bench.ts [repetitions]
 *
 * Emits the 40 events of a graph run with 19 assets (20 runs) one after the other, as the engine's activities
 * do, through an emitter as a worker should create it for an http backend (`mode: 'background'`, the Python
 * client's delivery defaults), and prints medians of: the time until every `emit` has returned, and the time until Marquez has
 * written every event (when it answers). Not a test: numbers vary with the machine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineageEmitter } from './emitter.js';
import { startMarquezReceiver } from './test-support/marquez-receiver.js';
import { pipelineEvents } from './test-support/pipeline-events.js';
import { HttpTransport } from './transports/http.js';

interface Sample {
  emitMs: number;
  maxEmitMs: number;
  deliveredMs: number | undefined;
}

type Scenario = { name: string; delayMs: number } | { name: string; silent: true };

const SCENARIOS: Scenario[] = [
  { name: 'answers at once', delayMs: 0 },
  { name: 'answers in 1 s', delayMs: 1_000 },
  { name: 'never answers', silent: true },
];

async function once(scenario: Scenario, seed: string): Promise<Sample> {
  const marquez = await startMarquezReceiver();
  const dir = await mkdtemp(join(tmpdir(), 'assay-lineage-bench-'));
  if ('silent' in scenario) marquez.pause();
  else marquez.delayMs = scenario.delayMs;
  const lineage = new LineageEmitter({
    transport: new HttpTransport({ url: marquez.url }),
    spoolDir: join(dir, 'spool'),
    mode: 'background',
    onError: () => undefined,
  });
  const { events } = pipelineEvents(19, { seed });
  try {
    const started = performance.now();
    let maxEmitMs = 0;
    for (const event of events) {
      const t = performance.now();
      await lineage.emit(event);
      maxEmitMs = Math.max(maxEmitMs, performance.now() - t);
    }
    const emitMs = performance.now() - started;
    let deliveredMs: number | undefined;
    if (!('silent' in scenario)) {
      await marquez.until((m) => m.written.length >= events.length);
      deliveredMs = performance.now() - started;
    }
    return { emitMs, maxEmitMs, deliveredMs };
  } finally {
    await lineage.close(0);
    await marquez.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function main(): Promise<void> {
  const repetitions = Number(process.argv[2] ?? 5);
  const results: { scenario: Scenario; emit: number; maxEmit: number; delivered: number | undefined }[] = [];
  // Warm up ajv, undici and the file system once.
  await once(SCENARIOS[0]!, 'warm-up');
  // Round robin, so that the machine's drift (disk cache, other load) spreads over every scenario alike.
  const samplesOf = new Map<Scenario, Sample[]>(SCENARIOS.map((s) => [s, []]));
  for (let i = 0; i < repetitions; i++) {
    for (const scenario of SCENARIOS) samplesOf.get(scenario)!.push(await once(scenario, `${scenario.name}-${i}`));
  }
  for (const scenario of SCENARIOS) {
    const samples = samplesOf.get(scenario)!;
    const delivered = samples.map((s) => s.deliveredMs).filter((v): v is number => v !== undefined);
    results.push({
      scenario,
      emit: median(samples.map((s) => s.emitMs)),
      maxEmit: median(samples.map((s) => s.maxEmitMs)),
      delivered: delivered.length > 0 ? median(delivered) : undefined,
    });
  }
  const base = results[0]!.emit;
  console.log(`40 events of 20 runs, ${repetitions} repetitions, medians (node ${process.version})`);
  console.log('backend            all emits returned   slowest emit   emits vs. "at once"   all delivered');
  for (const r of results) {
    const delivered = r.delivered === undefined ? 'never (nothing answers)' : `${(r.delivered / 1000).toFixed(2)} s`;
    console.log(
      `${r.scenario.name.padEnd(18)} ${`${r.emit.toFixed(1)} ms`.padStart(19)}   ${`${r.maxEmit.toFixed(1)} ms`.padStart(12)}   ` +
        `${`${(r.emit / base).toFixed(2)}×`.padStart(19)}   ${delivered}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
