import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { tableFromArrays } from 'apache-arrow';
import { afterEach, describe, expect, it } from 'vitest';
import { defineAsset, defineDefinitions, sql, ts } from '../../framework/index.js';
import { SourceUnavailableError } from '../../framework/errors.js';
import { publishedPath } from '../../engine/lake.js';
import { startTestWorker, type TestWorker } from './harness.js';

const numbers = defineAsset({
  key: 'numbers',
  layer: 'raw',
  compute: ts(async () => tableFromArrays({ n: Int32Array.from([1, 2, 3, 4]) })),
});
const doubled = defineAsset({ key: 'doubled', compute: sql`select n * 2 as n2 from ${numbers}` });
const broken = defineAsset({ key: 'broken', compute: sql`select no_such_column from ${doubled}` });
const afterBroken = defineAsset({ key: 'after_broken', layer: 'marts', compute: sql`select * from ${broken}` });
const independent = defineAsset({ key: 'independent', compute: sql`select sum(n) as total from ${numbers}` });

let worker: TestWorker | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});

describe('graph runs on a real Temporal server', () => {
  it('materializes every asset in dependency order and publishes Parquet with metadata', async () => {
    worker = await startTestWorker(defineDefinitions({ assets: [numbers, doubled, independent] }));
    const result = await worker.run({ selection: '*' });
    expect(result.status).toBe('success');
    expect(result.assets.map((a) => [a.key, a.status, a.rows])).toEqual([
      ['numbers', 'materialized', 4],
      ['doubled', 'materialized', 4],
      ['independent', 'materialized', 1],
    ]);
    const path = publishedPath(worker.home, doubled);
    expect(result.assets[1]!.path).toBe(path);
    expect(existsSync(path)).toBe(true);
    expect(result.assets[1]!.activityId).toBe('doubled');
  });

  it('fails a bad SQL asset at once with a readable error, skips its downstream and finishes other branches', async () => {
    worker = await startTestWorker(defineDefinitions({ assets: [numbers, doubled, broken, afterBroken, independent] }));
    const result = await worker.run({ selection: '*' });
    const byKey = Object.fromEntries(result.assets.map((a) => [a.key, a]));
    expect(result.status).toBe('failed');
    expect(byKey.broken!.status).toBe('failed');
    expect(byKey.broken!.error).toMatch(/asset 'broken'.*no_such_column/s);
    expect(byKey.after_broken!.status).toBe('skipped');
    expect(byKey.after_broken!.error).toBe("upstream asset 'broken' failed");
    expect(byKey.independent!.status).toBe('materialized');
    expect(byKey.doubled!.status).toBe('materialized');
  });

  it('leaves the previously published Parquet intact and no partial file when an asset fails', async () => {
    const good = defineAsset({ key: 'report', compute: sql`select n from ${numbers}` });
    const home = await mkdtemp(join(tmpdir(), 'assay-it-'));
    worker = await startTestWorker(defineDefinitions({ assets: [numbers, good] }), { home });
    expect((await worker.run()).status).toBe('success');
    const path = publishedPath(home, good);
    const before = readFileSync(path);
    await worker.stop();

    const bad = defineAsset({ key: 'report', compute: sql`select n / 'x' from ${numbers}` });
    worker = await startTestWorker(defineDefinitions({ assets: [numbers, bad] }), { home });
    const result = await worker.run({ selection: 'report' });
    expect(result.assets[0]!.status).toBe('failed');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dirname(path))).toEqual(['data.parquet']);
  });

  it('retries a source that is unavailable and succeeds once it answers', async () => {
    let calls = 0;
    const flaky = defineAsset({
      key: 'flaky',
      retry: { initialInterval: '50 milliseconds', maximumAttempts: 5 },
      compute: ts(async () => {
        calls += 1;
        if (calls <= 2) throw new SourceUnavailableError(`HTTP 503 on attempt ${calls}`);
        return tableFromArrays({ attempt: Int32Array.from([calls]) });
      }),
    });
    worker = await startTestWorker(defineDefinitions({ assets: [flaky] }));
    const result = await worker.run();
    expect(result.status).toBe('success');
    expect(calls).toBe(3);
  });

  it('names the unknown asset in a bad selection, with a suggestion', async () => {
    worker = await startTestWorker(defineDefinitions({ assets: [numbers, doubled] }));
    await expect(worker.run({ selection: 'dubled' })).rejects.toThrow(/dubled.*did you mean 'doubled'/s);
  });
});
