/**
 * How long lineage costs a run, against a Marquez stand-in that answers at once, in 1 s, or never.
 *
 *   npx tsx lineage/bench.ts [emit repetitions, default 21] [delivery repetitions, default 3]
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
  /** From the first emit's call to the last one's return. */
  emitMs: number;
  /** Each emit's own time. */
  perEmitMs: number[];
  deliveredMs: number | undefined;
}

type Scenario = { name: string; delayMs: number } | { name: string; silent: true };

const SCENARIOS: Scenario[] = [
  { name: 'answers at once', delayMs: 0 },
  { name: 'answers in 1 s', delayMs: 1_000 },
  { name: 'never answers', silent: true },
];

async function once(scenario: Scenario, seed: string, waitForDelivery: boolean): Promise<Sample> {
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
    const perEmitMs: number[] = [];
    for (const event of events) {
      const t = performance.now();
      await lineage.emit(event);
      perEmitMs.push(performance.now() - t);
    }
    const emitMs = performance.now() - started;
    let deliveredMs: number | undefined;
    if (waitForDelivery && !('silent' in scenario)) {
      await marquez.until((m) => m.written.length >= events.length);
      deliveredMs = performance.now() - started;
    }
    return { emitMs, perEmitMs, deliveredMs };
  } finally {
    await lineage.close(0);
    await marquez.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

const median = (values: readonly number[]) => quantile(values, 0.5);

async function main(): Promise<void> {
  const repetitions = Number(process.argv[2] ?? 21);
  const deliveries = Number(process.argv[3] ?? 3);
  // Warm up ajv, undici and the file system once.
  await once(SCENARIOS[0]!, 'warm-up', true);
  // Emits: round robin, each round in another order, so that the machine's drift (disk cache, other load)
  // spreads over every scenario alike. Delivery is not awaited here (the emitter is closed after the emits).
  const samplesOf = new Map<Scenario, Sample[]>(SCENARIOS.map((s) => [s, []]));
  for (let i = 0; i < repetitions; i++) {
    const order = SCENARIOS.map((_, k) => SCENARIOS[(i + k) % SCENARIOS.length]!);
    for (const scenario of order) samplesOf.get(scenario)!.push(await once(scenario, `${scenario.name}-${i}`, false));
  }
  // Full delivery, fewer times: it takes seconds against the slow backend.
  const deliveredOf = new Map<Scenario, number[]>(SCENARIOS.map((s) => [s, []]));
  for (let i = 0; i < deliveries; i++) {
    for (const scenario of SCENARIOS.filter((s) => !('silent' in s))) {
      const sample = await once(scenario, `${scenario.name}-delivery-${i}`, true);
      deliveredOf.get(scenario)!.push(sample.deliveredMs!);
    }
  }
  const results: {
    scenario: Scenario;
    emit: number;
    perEmit: number;
    p95: number;
    delivered: number | undefined;
  }[] = [];
  for (const scenario of SCENARIOS) {
    const samples = samplesOf.get(scenario)!;
    const delivered = deliveredOf.get(scenario)!;
    const perEmit = samples.flatMap((s) => s.perEmitMs);
    results.push({
      scenario,
      emit: median(samples.map((s) => s.emitMs)),
      perEmit: median(perEmit),
      p95: quantile(perEmit, 0.95),
      delivered: delivered.length > 0 ? median(delivered) : undefined,
    });
  }
  const base = results[0]!;
  console.log(
    `40 events of 20 runs; emits: ${repetitions} repetitions, delivery: ${deliveries} (node ${process.version})`,
  );
  console.log('backend            40 emits (median)   one emit: median    p95   ratio to "at once"   all delivered (median)');
  for (const r of results) {
    const delivered = r.delivered === undefined ? 'never (nothing answers)' : `${(r.delivered / 1000).toFixed(2)} s`;
    const ratio = `${(r.emit / base.emit).toFixed(2)}× / ${(r.perEmit / base.perEmit).toFixed(2)}×`;
    console.log(
      `${r.scenario.name.padEnd(18)} ${`${r.emit.toFixed(1)} ms`.padStart(17)}   ${`${r.perEmit.toFixed(2)} ms`.padStart(16)}` +
        `   ${`${r.p95.toFixed(1)} ms`.padStart(7)}   ${ratio.padStart(18)}   ${delivered}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
