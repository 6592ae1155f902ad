/**
 * Ingestion of the raw wearables assets (in-process, no Temporal): the checksum manifest skips unchanged files, a
 * changed file replaces exactly its own rows, a file that cannot be parsed publishes nothing, and Excel re-saves
 * read the same as Fitbit's own files.
 */
import { existsSync } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDataError } from '../../framework/index.js';
import { publishedPath } from '../../engine/lake.js';
import { materializeLocally } from '../../engine/testing.js';
import { FitbitExportError } from '../../sources/wearables/read-export.js';
import {
  dailyUserSummary,
  martDailyHealthMetrics,
  martDataVolumeAnomaly,
  rawFitbitDailyActivity,
  rawFitbitHourlySteps,
  rawFitbitSleepDay,
  stgSleep,
} from './assets.js';
import { ingestStore, type IngestManifest } from './manifest.js';
import {
  copyFixtures,
  crlf,
  definitions,
  num,
  readFixture,
  withoutLineage,
  workspace,
  type Row,
  type Workspace,
} from './wearables.test-helpers.js';

const RAW = 'raw_fitbit_daily_activity or raw_fitbit_sleep_day or raw_fitbit_hourly_steps';
const rawAssets = [rawFitbitDailyActivity, rawFitbitSleepDay, rawFitbitHourlySteps];

describe('ingesting the real excerpt twice', () => {
  let ws: Workspace;
  const first: Record<string, Row[]> = {};
  const firstManifests: Record<string, IngestManifest> = {};

  beforeAll(async () => {
    ws = await workspace('twice');
    await copyFixtures(ws);
    await ws.materialize(RAW);
    for (const asset of rawAssets) {
      first[asset.key] = await ws.rows(asset);
      firstManifests[asset.key] = await ws.manifest(asset);
    }
  });
  afterAll(() => ws?.remove());

  it('reads every data row of each file once, with its file, line, checksum and ingestion time', async () => {
    expect(first.raw_fitbit_daily_activity).toHaveLength(66);
    expect(first.raw_fitbit_sleep_day).toHaveLength(57);
    expect(first.raw_fitbit_hourly_steps).toHaveLength(1540);
    const manifest = firstManifests.raw_fitbit_sleep_day!;
    const entry = manifest.files['sleepDay_merged.csv']!;
    expect(entry).toMatchObject({ bytes: 1946, rows: 57, segment: `${entry.sha256}.v1.parquet` });
    expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.lastRun).toMatchObject({ parsed: ['sleepDay_merged.csv'], skipped: [], removed: [], dir: ws.dir });
    const [row] = first.raw_fitbit_sleep_day!;
    expect(row).toEqual({
      id: '1503960366',
      sleep_day: '2016-04-12',
      total_sleep_records: 1,
      total_minutes_asleep: 327,
      total_time_in_bed: 346,
      source_file: 'sleepDay_merged.csv',
      source_line: 2,
      source_sha256: entry.sha256,
      ingested_at: expect.any(String),
    });
    expect(Date.parse(String(row!.ingested_at).replace(' ', 'T').replace(/\+00$/, 'Z'))).toBe(Date.parse(entry.ingestedAt));
  });

  it('skips every unchanged file the second time (the manifest says so) and publishes the same rows', async () => {
    await ws.materialize(RAW);
    for (const asset of rawAssets) {
      const manifest = await ws.manifest(asset);
      const file = Object.keys(firstManifests[asset.key]!.files);
      expect(manifest.lastRun, asset.key).toMatchObject({ parsed: [], skipped: file, removed: [] });
      expect(manifest.files, asset.key).toEqual(firstManifests[asset.key]!.files);
      expect(await ws.rows(asset), asset.key).toEqual(first[asset.key]);
    }
  });
});

describe('changing one file of two', () => {
  let ws: Workspace;
  afterEach(() => ws?.remove());

  it('replaces exactly that file’s rows, keeps the other file’s as they were, and drops the old segment', async () => {
    ws = await workspace('change');
    const [header, ...lines] = (await readFixture('dailyActivity_merged.csv')).trimEnd().split('\r\n');
    const april = lines.filter((l) => /^\d+,4\//.test(l));
    const may = lines.filter((l) => /^\d+,5\//.test(l));
    await ws.write('dailyActivity_merged.csv', crlf([header!, ...april]));
    await ws.write('2016-05/dailyActivity_merged.csv', crlf([header!, ...may]));
    await ws.materialize('raw_fitbit_daily_activity');
    const before = await ws.rows(rawFitbitDailyActivity);
    const fromFile = (rows: Row[], file: string) => rows.filter((r) => r.source_file === file);
    expect(fromFile(before, 'dailyActivity_merged.csv')).toHaveLength(april.length);
    expect(fromFile(before, '2016-05/dailyActivity_merged.csv')).toHaveLength(may.length);
    const oldSegment = (await ws.manifest(rawFitbitDailyActivity)).files['2016-05/dailyActivity_merged.csv']!.segment;

    // May, re-exported: one day's steps corrected, the last day dropped.
    const corrected = may
      .slice(0, -1)
      .map((l) => (l.startsWith('1503960366,5/1/2016,') ? l.replace(/^([^,]+,[^,]+),\d+,/, '$1,12345,') : l));
    await ws.write('2016-05/dailyActivity_merged.csv', crlf([header!, ...corrected]));
    await ws.materialize('raw_fitbit_daily_activity');
    const after = await ws.rows(rawFitbitDailyActivity);

    expect(fromFile(after, 'dailyActivity_merged.csv')).toEqual(fromFile(before, 'dailyActivity_merged.csv'));
    const newMay = fromFile(after, '2016-05/dailyActivity_merged.csv');
    expect(newMay).toHaveLength(may.length - 1);
    expect(newMay.find((r) => r.id === '1503960366' && r.activity_date === '2016-05-01')!.total_steps).toBe(12345);
    expect(withoutLineage(newMay).filter((r) => r.activity_date !== '2016-05-01')).toEqual(
      withoutLineage(fromFile(before, '2016-05/dailyActivity_merged.csv'))
        .filter((r) => r.activity_date !== '2016-05-01')
        .slice(0, -1),
    );
    const manifest = await ws.manifest(rawFitbitDailyActivity);
    expect(manifest.lastRun).toMatchObject({ parsed: ['2016-05/dailyActivity_merged.csv'], skipped: ['dailyActivity_merged.csv'] });
    expect(manifest.files['2016-05/dailyActivity_merged.csv']!.rows).toBe(may.length - 1);
    const segments = await readdir(ingestStore(ws.home, rawFitbitDailyActivity.key).segments);
    expect(segments).not.toContain(oldSegment);
    expect(segments.sort()).toEqual(Object.values(manifest.files).map((f) => f.segment).sort());
  });

  it('drops the rows of a file that is gone, and reads again a file whose segment is missing or was read by an older reader', async () => {
    ws = await workspace('remove');
    await copyFixtures(ws, ['sleepDay_merged.csv']);
    await ws.write('old/sleepDay_merged.csv', crlf(['Id,SleepDay,TotalSleepRecords,TotalMinutesAsleep,TotalTimeInBed', '42,3/1/2016,1,400,420']));
    await ws.materialize('raw_fitbit_sleep_day');
    expect((await ws.rows(rawFitbitSleepDay)).filter((r) => r.id === '42')).toHaveLength(1);

    await rm(join(ws.dir, 'old'), { recursive: true });
    await ws.materialize('raw_fitbit_sleep_day');
    expect((await ws.rows(rawFitbitSleepDay)).filter((r) => r.id === '42')).toEqual([]);
    expect((await ws.manifest(rawFitbitSleepDay)).lastRun).toMatchObject({ removed: ['old/sleepDay_merged.csv'], skipped: ['sleepDay_merged.csv'] });

    const store = ingestStore(ws.home, rawFitbitSleepDay.key);
    const { segment } = (await ws.manifest(rawFitbitSleepDay)).files['sleepDay_merged.csv']!;
    await rm(join(store.segments, segment));
    await ws.materialize('raw_fitbit_sleep_day');
    expect((await ws.manifest(rawFitbitSleepDay)).lastRun).toMatchObject({ parsed: ['sleepDay_merged.csv'], skipped: [] });
    expect(await ws.rows(rawFitbitSleepDay)).toHaveLength(57);

    const manifest = await ws.manifest(rawFitbitSleepDay);
    await writeFile(store.manifest, JSON.stringify({ ...manifest, readerVersion: 0 }));
    await ws.materialize('raw_fitbit_sleep_day');
    expect((await ws.manifest(rawFitbitSleepDay)).lastRun).toMatchObject({ parsed: ['sleepDay_merged.csv'], skipped: [] });
  });
});

describe('a row that cannot be parsed', () => {
  let ws: Workspace;
  afterEach(() => ws?.remove());

  it('fails the asset naming file, line, column and value, and publishes nothing of it or downstream', async () => {
    ws = await workspace('bad-date');
    const text = await readFixture('sleepDay_merged.csv');
    const lines = text.split('\r\n');
    lines[9] = lines[9]!.replace('04/23/2016', '04/31/2016'); // line 10 of the file: 31 April does not exist
    const path = await ws.write('sleepDay_merged.csv', lines.join('\r\n'));
    await copyFixtures(ws, ['dailyActivity_merged.csv', 'hourlySteps_merged.csv']);

    const run = ws.materialize();
    await expect(run).rejects.toBeInstanceOf(FitbitExportError);
    await expect(run).rejects.toBeInstanceOf(InvalidDataError);
    await expect(run).rejects.toThrow(`${path}:10: column SleepDay value '04/31/2016' is not a date`);
    for (const asset of [rawFitbitSleepDay, stgSleep, dailyUserSummary, martDailyHealthMetrics, martDataVolumeAnomaly]) {
      expect(existsSync(publishedPath(ws.home, asset)), asset.key).toBe(false);
    }
    expect(existsSync(ingestStore(ws.home, rawFitbitSleepDay.key).manifest)).toBe(false);
  });

  it('leaves the published rows and the manifest of an earlier run as they were', async () => {
    ws = await workspace('bad-later');
    await copyFixtures(ws, ['hourlySteps_merged.csv']);
    await ws.materialize('raw_fitbit_hourly_steps');
    const published = await ws.rows(rawFitbitHourlySteps);
    const manifest = await ws.manifest(rawFitbitHourlySteps);

    const path = await ws.write('hourlySteps_merged.csv', (await readFixture('hourlySteps_merged.csv')).replace('4/12/2016 3:00:00 AM', '4/12/2016 3:00:00 XM'));
    const run = ws.materialize('raw_fitbit_hourly_steps');
    await expect(run).rejects.toThrow(`${path}:5: column ActivityHour value '4/12/2016 3:00:00 XM' is not a date and time`);
    expect(await ws.rows(rawFitbitHourlySteps)).toEqual(published);
    expect(await ws.manifest(rawFitbitHourlySteps)).toEqual(manifest);
  });
});

describe('export dialects', () => {
  let ws: Workspace;
  afterEach(() => ws?.remove());

  it('reads an Excel re-save (BOM, quoted fields, MM/DD/YYYY h:mm:ss AM days, 24-hour hours, LF, trailing empty rows) like the Fitbit file', async () => {
    ws = await workspace('excel');
    await copyFixtures(ws);
    await ws.materialize(RAW);
    const fitbit = Object.fromEntries(await Promise.all(rawAssets.map(async (a) => [a.key, withoutLineage(await ws.rows(a))] as const)));

    const resave = (text: string, field: (value: string, column: number) => string) =>
      '\uFEFF' +
      text
        .trimEnd()
        .split('\r\n')
        .map((line) => line.split(',').map(field).join(','))
        .join('\n') +
      '\n,,,,\n\n';
    const quoted = (v: string) => `"${v}"`;
    const usDateTime = (v: string, column: number) => (column === 1 && /^\d/.test(v) ? quoted(`${v} 12:00:00 AM`) : quoted(v));
    const twentyFourHour = (v: string, column: number) => {
      const m = /^(\d+\/\d+\/\d{4}) (\d+):(\d\d):00 ([AP])M$/.exec(v);
      if (column !== 1 || !m) return v;
      const hour = (Number(m[2]) % 12) + (m[4] === 'P' ? 12 : 0);
      return `${m[1]} ${hour}:${m[3]}`;
    };
    await ws.write('dailyActivity_merged.csv', resave(await readFixture('dailyActivity_merged.csv'), quoted));
    await ws.write('sleepDay_merged.csv', resave(await readFixture('sleepDay_merged.csv'), usDateTime));
    await ws.write('hourlySteps_merged.csv', resave(await readFixture('hourlySteps_merged.csv'), twentyFourHour));
    await ws.materialize(RAW);
    for (const asset of rawAssets) {
      expect((await ws.manifest(asset)).lastRun?.parsed, asset.key).toHaveLength(1);
      expect(withoutLineage(await ws.rows(asset)), asset.key).toEqual(fitbit[asset.key]);
    }
  });

  it('finds exports in subfolders by name, in any case, and leaves other files and hidden folders alone', async () => {
    ws = await workspace('names');
    const sleep = crlf(['Id,SleepDay,TotalSleepRecords,TotalMinutesAsleep,TotalTimeInBed', '1,4/12/2016,1,300,320']);
    await ws.write('SLEEPDAY_merged.CSV', sleep);
    await ws.write('Fitabase Data 4.12.16-5.12.16/sleepDay_merged.csv', sleep);
    await ws.write('.trash/sleepDay_merged.csv', sleep);
    await ws.write('minuteSleep_merged.csv', 'Id,date,value,logId\r\n');
    await ws.write('sleepDay_merged.xlsx', 'not a csv');
    await ws.materialize('raw_fitbit_sleep_day');
    const rows = await ws.rows(rawFitbitSleepDay);
    expect(rows.map((r) => r.source_file)).toEqual(['Fitabase Data 4.12.16-5.12.16/sleepDay_merged.csv', 'SLEEPDAY_merged.CSV']);
  });

  it('publishes typed, empty tables when the folder has no export of a kind', async () => {
    ws = await workspace('empty');
    await ws.materialize(RAW);
    expect(await ws.rows(rawFitbitDailyActivity)).toEqual([]);
    expect((await ws.manifest(rawFitbitDailyActivity)).files).toEqual({});
  });

  it('fails with a clear error when ASSAY_WEARABLES_DIR is not set or not a folder', async () => {
    ws = await workspace('no-dir');
    const unset = materializeLocally({ definitions, home: ws.home, selection: 'raw_fitbit_sleep_day' });
    await expect(unset).rejects.toThrow('ASSAY_WEARABLES_DIR is not set');
    const missing = join(ws.root, 'nowhere');
    const absent = materializeLocally({ definitions, home: ws.home, selection: 'raw_fitbit_sleep_day', env: { ASSAY_WEARABLES_DIR: missing } });
    await expect(absent).rejects.toThrow(`ASSAY_WEARABLES_DIR ${missing}: cannot list ${missing}`);
  });
});

describe('the hourly fixture', () => {
  it('is read with its 12-hour clock: midnight, noon and afternoon hours', async () => {
    const ws = await workspace('hours');
    try {
      await copyFixtures(ws, ['hourlySteps_merged.csv']);
      await ws.materialize('raw_fitbit_hourly_steps');
      const rows = await ws.rows(rawFitbitHourlySteps);
      const at = (hour: string) => rows.find((r) => r.id === '1503960366' && r.activity_hour === hour);
      expect(num(at('2016-04-12 00:00:00')?.step_total)).toBe(373);
      expect(at('2016-04-12 12:00:00')).toBeDefined();
      expect(at('2016-04-12 23:00:00')).toBeDefined();
      expect(new Set(rows.map((r) => String(r.activity_hour).slice(14)))).toEqual(new Set(['00:00']));
    } finally {
      await ws.remove();
    }
  });
});
