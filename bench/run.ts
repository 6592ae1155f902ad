/** `npm run bench`: medians and ratios for the goals in the issues. Not a test: nothing here asserts a time. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { benchExpectations } from '../expectations/bench.js';
import { benchPsg } from '../sources/psg/bench.js';
import { benchNightscoutGraph, describeGraphBench } from './nightscout.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

async function main(): Promise<void> {
  const only = process.argv[2];
  const lines: string[] = [];
  const section = async (name: string, fn: () => Promise<string[]>) => {
    if (only && !name.startsWith(only)) return;
    console.error(`… ${name}`);
    const out = await fn();
    console.log(out.join('\n'));
    lines.push(...out);
  };
  await section('nightscout-7d', async () =>
    describeGraphBench('Nightscout graph, 1 subject × 7 days (target ≤ 500 ms, ≤ 10 ms overhead/asset)', await benchNightscoutGraph({ subjects: 1, days: 7, runs: 5 })),
  );
  await section('expectations', async () => {
    const r = await benchExpectations();
    return [
      `Expectations: ${r.expectations} expectations over ${r.rows.toLocaleString('en-US')} rows (target ≤ 300 ms)`,
      `  median of 5: ${r.medianMs.toFixed(0)} ms, ${r.scans} table scan(s)`,
    ];
  });
  await section('psg', async () => {
    const r = await benchPsg();
    return [
      `PSG: one night, 2 EEG channels × 100 Hz × 8 h, ${r.epochs} epochs (target ≤ 1 s)`,
      `  decode + band power, median of 5: ${r.medianMs.toFixed(0)} ms; decode ${r.decodeMBps.toFixed(0)} MB/s`,
    ];
  });
  await section('nightscout-2m', async () =>
    describeGraphBench('Nightscout graph, 1,000 subjects × 7 days (target ≤ 10 s)', await benchNightscoutGraph({ subjects: 1000, days: 7, runs: 1 })),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
