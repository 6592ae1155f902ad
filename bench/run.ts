/** `npm run bench`: medians and ratios for the goals in the issues. Not a test: nothing here asserts a time. */
import { DefaultLogger, Runtime } from '@temporalio/worker';
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
