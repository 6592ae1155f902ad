/**
 * `npm run bench [section…]`: medians and ratios for the goals in the issues. Not a test: nothing here asserts a time.
 * Each section runs in a process of its own, so its peak memory is its own.
 */
import { spawnSync } from 'node:child_process';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { benchExpectations } from '../expectations/bench.js';
import { benchPsg } from '../sources/psg/bench.js';
import { benchBackfill, describeBackfillBench } from './backfill.js';
import { startMarquezReceiver } from '../lineage/test-support/marquez-receiver.js';
import { benchGraph } from './graph.js';
import { median } from './stats.js';
import { benchNightscoutGraph, describeGraphBench, describeNightscoutBench } from './nightscout.js';
import { wideGraph } from './wide-graph.js';

const SECTIONS: Record<string, () => Promise<string[]>> = {
  'nightscout-7d': async () =>
    describeNightscoutBench(
      'Nightscout graph, 1 subject × 7 days, dev server tuned (target ≤ 500 ms, ≤ 15 ms orchestration/asset)',
      await benchNightscoutGraph({ subjects: 1, days: 7, runs: 9, throttle: 'tuned' }),
    ),
  'nightscout-7d-default-throttle': async () =>
    describeNightscoutBench(
      'Nightscout graph, 1 subject × 7 days, dev server with its default throttles',
      await benchNightscoutGraph({ subjects: 1, days: 7, runs: 9, throttle: 'default' }),
    ),
  'graph-100': async () => [
    '100 trivial SQL assets, 10 levels deep, dev server tuned (target ≤ 2 s)',
    ...describeGraphBench(await benchGraph({ definitions: wideGraph(), input: { maxParallel: 8 }, runs: 3, throttle: 'tuned' })),
  ],
  'graph-100-default-throttle': async () => [
    '100 trivial SQL assets, 10 levels deep, dev server with its default throttles',
    ...describeGraphBench(await benchGraph({ definitions: wideGraph(), input: { maxParallel: 8 }, runs: 3, throttle: 'default' })),
  ],
  expectations: async () => {
    const r = await benchExpectations();
    return [
      `Expectations: ${r.expectations} expectations over ${r.rows.toLocaleString('en-US')} rows (target ≤ 300 ms)`,
      `  median of 5: ${r.medianMs.toFixed(0)} ms, ${r.scans} table scan(s)`,
    ];
  },
  psg: async () => {
    const r = await benchPsg();
    return [
      `PSG: one night, 2 EEG channels × 100 Hz × 8 h, ${r.epochs} epochs (target ≤ 1 s)`,
      `  decode + band power, median of 5: ${r.medianMs.toFixed(0)} ms; decode ${r.decodeMBps.toFixed(0)} MB/s`,
    ];
  },
  'nightscout-2m': async () =>
    describeNightscoutBench(
      'Nightscout graph, 1,000 subjects × 7 days, dev server tuned (target ≤ 10 s, worker peak RSS ≤ 1.5 GiB)',
      await benchNightscoutGraph({ subjects: 1000, days: 7, runs: 1, throttle: 'tuned' }),
    ),
  'nightscout-2m-default-throttle': async () =>
    describeNightscoutBench(
      'Nightscout graph, 1,000 subjects × 7 days, dev server with its default throttles',
      await benchNightscoutGraph({ subjects: 1000, days: 7, runs: 1, throttle: 'default' }),
    ),
  'lineage-delays': async () => {
    const receiver = await startMarquezReceiver();
    const lines = ['Nightscout graph, 1 subject × 7 days, lineage to a Marquez that answers at once, in 1 s, or not at all'];
    const walls: number[] = [];
    for (const [label, set] of [
      ['at once', async () => receiver.setDown(false)],
      ['in 1 s', async () => ((receiver.delayMs = 1_000), receiver.setDown(false))],
      ['not at all', async () => receiver.setDown('refuse')],
    ] as const) {
      await set();
      const r = await benchNightscoutGraph({ subjects: 1, days: 7, runs: 5, throttle: 'tuned', lineageUrl: receiver.url });
      walls.push(median(r.wallMs));
      lines.push(`  ${label}: end to end median ${median(r.wallMs).toFixed(0)} ms [${r.wallMs.map((v) => v.toFixed(0)).join(', ')}]`);
    }
    lines.push(`  slowest / fastest median: ${(Math.max(...walls) / Math.min(...walls)).toFixed(2)}× (target within 1.10×)`);
    await receiver.close();
    return lines;
  },
  'backfill-365-single-run': async () =>
    describeBackfillBench('Backfill of the Nightscout graph, 1 subject × 365 days, single run (target ≤ 5 s)', await benchBackfill('single-run')),
  'backfill-365-per-partition': async () =>
    describeBackfillBench(
      'Backfill of the Nightscout graph, 1 subject × 365 days, per partition (target ≤ 60 s, stretch ≤ 30 s)',
      await benchBackfill('per-partition'),
    ),
};

async function main(): Promise<number> {
  const [flag, name] = process.argv.slice(2);
  if (flag === '--section' && name) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    console.log((await SECTIONS[name]!()).join('\n'));
    return 0;
  }
  const wanted = process.argv.slice(2);
  const names = Object.keys(SECTIONS).filter((n) => wanted.length === 0 || wanted.some((w) => n.startsWith(w)));
  let failed = 0;
  for (const section of names) {
    console.error(`… ${section}`);
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--section', section], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (child.status !== 0) failed++;
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
