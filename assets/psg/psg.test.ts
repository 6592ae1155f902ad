/**
 * The PSG group materialized in-process (no Temporal): on generated sample nights (1 h), on the real Sleep-EDF
 * SC4001 excerpt (first 5 min of PSG + full-night hypnogram), on hand-made study/event CSVs for AHI and
 * severity boundaries, and on a broken EDF file.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDataError } from '../../framework/errors.js';
import { defineDefinitions } from '../../framework/index.js';
import { publishedPath } from '../../engine/lake.js';
import { materializeLocally, readAsset } from '../../engine/testing.js';
import { readParquet } from '../../framework/sql.js';
import { withConnection } from '../../engine/duckdb.js';
import { loadSuite } from '../../expectations/load.js';
import { validateRelation } from '../../expectations/run.js';
import { fixture } from '../../sources/edf/fixtures.test-helpers.js';
import { readEdf } from '../../sources/edf/reader.js';
import { epochStages, lightsPeriod, type SleepStage } from '../../sources/psg/hypnogram.js';
import { summarizeNight } from '../../sources/psg/sleep-summary.js';
import { writeEdf } from '../../sources/edf/writer.js';
import { generateSampleNights, type SampleNightsResult } from '../../samples/psg/sample-nights.js';
import {
  dimTime,
  fctEventRates,
  fctSignalAnalytics,
  fctSleepSummary,
  psgAssets,
  psgHypnogram,
  psgLights,
  rawPsgRecordings,
  rawSleepStudies,
  stgEvents,
  stgSignalFeatures,
  stgSleepStudy,
} from './assets.js';
import { manifestPath } from './source.js';

type Row = Record<string, unknown>;
const definitions = defineDefinitions({ assets: psgAssets });
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const BANDS = ['delta', 'theta', 'alpha', 'sigma', 'beta', 'gamma'];

async function setup(prefix: string): Promise<{ home: string; dir: string }> {
  const root = await mkdtemp(join(tmpdir(), `assay-psg-${prefix}-`));
  const home = join(root, 'home');
  const dir = join(root, 'psg');
  await mkdir(dir, { recursive: true });
  return { home, dir };
}

describe('group psg on generated sample nights (2 subjects × 1 h)', () => {
  let home: string;
  let dir: string;
  let sample: SampleNightsResult;
  const rows: Record<string, Row[]> = {};

  beforeAll(async () => {
    ({ home, dir } = await setup('sample'));
    sample = await generateSampleNights({ dir, subjects: 2, nights: 1, hours: 1, seed: 3 });
    const records = await materializeLocally({ definitions, home, selection: 'group:psg', env: { ASSAY_PSG_DIR: dir } });
    expect(records.map((r) => r.asset).sort()).toEqual(psgAssets.map((a) => a.key).sort());
    for (const asset of psgAssets) rows[asset.key] = await readAsset(home, asset);
  });
  afterAll(async () => {
    if (home) await rm(join(home, '..'), { recursive: true, force: true });
  });

  it('inventories each recording with its hypnogram, checksum and header facts', () => {
    const raw = rows.raw_psg_recordings!;
    expect(raw.map((r) => [r.subject_id, r.night, r.recording_id, r.hypnogram_source])).toEqual([
      ['SC400', 1, 'SC4001', 'file'],
      ['SC401', 1, 'SC4011', 'file'],
    ]);
    for (const r of raw) {
      expect(r.psg_path).toBe(join(dir, `${String(r.recording_id)}E0-PSG.edf`));
      expect(r.hypnogram_path).toBe(join(dir, `${String(r.recording_id)}EC-Hypnogram.edf`));
      expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(num(r.duration_s)).toBe(3600);
      expect(r.signal_labels).toEqual(['EEG Fpz-Cz', 'EEG Pz-Oz']);
      expect(r.sampling_rates_hz).toEqual([100, 100]);
      expect(r.eeg_channels).toEqual(['EEG Fpz-Cz', 'EEG Pz-Oz']);
    }
    const study = sample.studies[0]!;
    expect(String(raw[0]!.start_time).replace(' ', 'T').slice(0, 19)).toBe(study.recordingStart);
  });

  it('gives every 30-s epoch the generated stage', () => {
    const hyp = rows.psg_hypnogram!;
    expect(hyp).toHaveLength(2 * 120);
    for (const study of sample.studies) {
      const mine = hyp.filter((r) => r.recording_id === study.studyId).sort((a, b) => num(a.epoch)! - num(b.epoch)!);
      expect(mine.map((r) => r.stage)).toEqual(study.stages);
    }
  });

  it('computes band powers per epoch and EEG channel whose relative powers add up to 1', () => {
    const features = rows.stg_signal_features!;
    expect(features).toHaveLength(2 * 120 * 2);
    for (const f of features) {
      const rel = BANDS.map((b) => num(f[`${b}_rel`])!);
      expect(rel.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      const abs = BANDS.map((b) => num(f[`${b}_abs`])!);
      expect(abs.reduce((a, b) => a + b, 0)).toBeCloseTo(num(f.total_power)!, 6);
    }
    const hypStage = new Map(rows.psg_hypnogram!.map((r) => [`${String(r.recording_id)}/${String(r.epoch)}`, r.stage]));
    for (const f of features) expect(f.stage).toBe(hypStage.get(`${String(f.recording_id)}/${String(f.epoch)}`));
  });

  it('profiles stages per subject: delta-rich N3, alpha-rich W', () => {
    const analytics = rows.fct_signal_analytics!;
    const hyp = rows.psg_hypnogram!;
    for (const a of analytics) {
      const epochs = hyp.filter((h) => h.subject_id === a.subject_id && h.stage === a.stage).length;
      expect(num(a.epochs)).toBe(epochs);
    }
    const mean = (stage: string, band: string) => {
      const found = analytics.filter((a) => a.stage === stage).map((a) => num(a[`mean_${band}_rel`])!);
      return found.reduce((x, y) => x + y, 0) / found.length;
    };
    if (analytics.some((a) => a.stage === 'N3')) expect(mean('N3', 'delta')).toBeGreaterThan(mean('W', 'delta'));
    expect(mean('W', 'alpha')).toBeGreaterThan(mean('N2', 'alpha'));
  });

  it('summarizes each night like summarizeNight', () => {
    const summary = rows.fct_sleep_summary!;
    expect(summary).toHaveLength(2);
    for (const study of sample.studies) {
      const s = summary.find((r) => r.recording_id === study.studyId)!;
      const m = study.summary;
      expect(s.in_bed_rule).toBe(m.inBedRule);
      expect(num(s.time_in_bed_min)).toBe(m.timeInBedMin);
      expect(num(s.total_sleep_time_min)).toBe(m.totalSleepTimeMin);
      expect(num(s.sleep_efficiency_pct)).toBeCloseTo(m.sleepEfficiencyPct!, 1);
      expect(num(s.sleep_onset_latency_min)).toBe(m.sleepOnsetLatencyMin);
      expect(num(s.rem_latency_min)).toBe(m.remLatencyMin);
      expect(num(s.waso_min)).toBe(m.wasoMin);
      expect([num(s.n1_min), num(s.n2_min), num(s.n3_min), num(s.rem_min)]).toEqual([m.n1Min, m.n2Min, m.n3Min, m.remMin]);
      expect(num(s.awakenings)).toBe(m.awakenings);
    }
  });

  it('rates respiratory events per study and date like the generator’s summary', () => {
    const rates = rows.fct_event_rates!;
    expect(rates).toHaveLength(2);
    for (const study of sample.studies) {
      const r = rates.find((x) => x.study_id === study.studyId)!;
      expect(num(r.apnea_count)).toBe(study.summary.apneaCount);
      expect(num(r.hypopnea_count)).toBe(study.summary.hypopneaCount);
      expect(num(r.ahi)).toBeCloseTo(study.summary.ahi!, 1);
    }
    for (const e of rows.stg_events!) expect(['apnea', 'hypopnea', 'arousal', 'other']).toContain(e.event_type);
    expect(rows.dim_time!.length).toBeGreaterThanOrEqual(1);
  });

  it('passes the expectation suites of psg_hypnogram, stg_signal_features and fct_sleep_summary', async () => {
    for (const asset of [psgHypnogram, stgSignalFeatures, fctSleepSummary]) {
      expect(asset.suites).toHaveLength(1);
      const suites = await Promise.all(asset.suites.map((path) => loadSuite(path)));
      const result = await withConnection((c) => validateRelation(c, readParquet(publishedPath(home, asset)), suites));
      expect(result.results.filter((r) => !r.success).map((r) => r.expectation_config), asset.key).toEqual([]);
      expect(result.results.length).toBeGreaterThan(5);
    }
  });

  it('reuses the manifest for unchanged files and re-reads changed ones', async () => {
    const file = manifestPath({ home });
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    const psg = join(dir, 'SC4001E0-PSG.edf');
    expect(manifest.files[psg].sha256).toBe(rows.raw_psg_recordings![0]!.sha256);
    // Tamper with the cached header facts: an unchanged file is not opened again, so the tampered value shows.
    manifest.files[psg].info.recordCount = 7;
    await writeFile(file, JSON.stringify(manifest));
    await materializeLocally({ definitions, home, selection: 'raw_psg_recordings', env: { ASSAY_PSG_DIR: dir } });
    let raw = await readAsset(home, rawPsgRecordings);
    expect(num(raw[0]!.record_count)).toBe(7);
    // A new modification time makes it read again.
    const later = new Date(Date.now() + 5000);
    await utimes(psg, later, later);
    await materializeLocally({ definitions, home, selection: 'raw_psg_recordings', env: { ASSAY_PSG_DIR: dir } });
    raw = await readAsset(home, rawPsgRecordings);
    expect(num(raw[0]!.record_count)).toBe(120);
  });
});

describe('group psg on the real Sleep-EDF SC4001 excerpt', () => {
  let home: string;
  const rows: Record<string, Row[]> = {};

  beforeAll(async () => {
    let dir: string;
    ({ home, dir } = await setup('sc4001'));
    await copyFile(fixture('SC4001E0-PSG-first5min.edf'), join(dir, 'SC4001E0-PSG.edf'));
    await copyFile(fixture('SC4001EC-Hypnogram.edf'), join(dir, 'SC4001EC-Hypnogram.edf'));
    await materializeLocally({ definitions, home, selection: 'group:psg', env: { ASSAY_PSG_DIR: dir } });
    for (const asset of [rawPsgRecordings, psgHypnogram, stgSignalFeatures, fctSignalAnalytics, fctSleepSummary, fctEventRates]) {
      rows[asset.key] = await readAsset(home, asset);
    }
  });
  afterAll(async () => {
    if (home) await rm(join(home, '..'), { recursive: true, force: true });
  });

  it('pairs the recording with its hypnogram and reads the header', () => {
    const [raw] = rows.raw_psg_recordings!;
    expect(rows.raw_psg_recordings).toHaveLength(1);
    expect([raw!.subject_id, raw!.night, raw!.recording_id, raw!.hypnogram_source]).toEqual(['SC400', 1, 'SC4001', 'file']);
    expect(raw!.start_time).toMatch(/^1989-04-24[ T]16:13:00/);
    expect(num(raw!.duration_s)).toBe(300);
    expect(raw!.eeg_channels).toEqual(['EEG Fpz-Cz', 'EEG Pz-Oz']);
  });

  it('stages the ten 30-s epochs from the full-night hypnogram', async () => {
    const { annotations } = await readEdf(fixture('SC4001EC-Hypnogram.edf'));
    const expected = epochStages(annotations, 300);
    const hyp = rows.psg_hypnogram!;
    expect(hyp.map((r) => r.stage)).toEqual(expected);
    expect(hyp.map((r) => num(r.epoch))).toEqual([...Array(10).keys()]);
  });

  it('computes band powers on both EEG channels at 100 Hz', () => {
    const features = rows.stg_signal_features!;
    expect(features).toHaveLength(20);
    for (const f of features) {
      expect(num(f.sampling_rate_hz)).toBe(100);
      expect(num(f.total_power)).toBeGreaterThan(0);
      const rel = BANDS.map((b) => num(f[`${b}_rel`])!);
      expect(rel.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    }
    expect(rows.fct_signal_analytics!.reduce((n, a) => n + num(a.epochs)!, 0)).toBe(10);
  });

  it('summarizes the excerpt and publishes no event rates without CSVs', () => {
    const [s] = rows.fct_sleep_summary!;
    expect(num(s!.time_in_bed_min)).toBe(5);
    expect(s!.in_bed_rule).toBe('recording'); // the first 5 min are all wake and there are no lights annotations
    expect(num(s!.sleep_efficiency_pct)).toBeGreaterThanOrEqual(0);
    // The first epoch starts at the recording start (16:13 for SC4001), hours before lights off (00:38 in the
    // Sleep-EDF subject sheet): the column must not be called lights_off.
    expect(s!.recording_start).toMatch(/^1989-04-24[ T]16:13:00/);
    expect(s).not.toHaveProperty('lights_off');
    expect(rows.fct_event_rates).toEqual([]);
  });
});

describe('fct_sleep_summary on full nights: in-bed period, movement and unscored epochs', () => {
  let home: string;
  let labDir: string;
  let rows: Row[] = [];
  let lights: Row[] = [];
  // A 40-min night with embedded annotations: lights off at 95 s, lights on at 1800 s; sleep before lights off,
  // movement and unscored epochs inside the night, awakenings through them.
  const labNight: SleepStage[] = [
    ...(['W', 'N2', 'W', 'W', 'W', 'W', 'N1', 'N2', 'N2', 'MOVEMENT', 'W', 'N2', 'UNKNOWN', 'W', 'UNKNOWN', 'W'] as const),
    ...Array<SleepStage>(20).fill('N2'),
    ...(['R', 'R', 'MOVEMENT', 'MOVEMENT', 'W', 'N2'] as const),
    ...Array<SleepStage>(20).fill('N3'),
    ...Array<SleepStage>(18).fill('W'),
  ];
  const labels: Record<SleepStage, string> = {
    W: 'Sleep stage W', N1: 'Sleep stage N1', N2: 'Sleep stage N2', N3: 'Sleep stage N3', R: 'Sleep stage R',
    MOVEMENT: 'Movement time', UNKNOWN: 'Sleep stage ?',
  };

  beforeAll(async () => {
    let dir: string;
    ({ home, dir } = await setup('in-bed'));
    labDir = dir;
    // The real SC4001 hypnogram (24 h of annotations) with a 24-h recording of one 1-Hz respiration channel.
    const hypnogram = await readEdf(fixture('SC4001EC-Hypnogram.edf'));
    await copyFile(fixture('SC4001EC-Hypnogram.edf'), join(dir, 'SC4001EC-Hypnogram.edf'));
    const resp = { label: 'Resp oro-nasal', unit: 'uV', sampleRate: 1, physicalMin: -100, physicalMax: 100 };
    await writeEdf(join(dir, 'SC4001E0-PSG.edf'), {
      start: hypnogram.header.start,
      recordDuration: 30,
      signals: [{ ...resp, samples: new Float64Array(86400) }],
    });
    await writeEdf(join(dir, 'lab01.edf'), {
      plus: true,
      start: new Date('2024-03-01T22:00:00Z'),
      recordDuration: 30,
      signals: [{ ...resp, samples: new Float64Array(labNight.length * 30) }],
      annotations: [
        ...labNight.map((stage, i) => ({ onset: i * 30, duration: 30, text: labels[stage] })),
        { onset: 95, duration: null, text: 'Lights off' },
        { onset: 1800, duration: null, text: 'LIGHTS ON' },
      ],
    });
    await materializeLocally({ definitions, home, selection: '+fct_sleep_summary', env: { ASSAY_PSG_DIR: dir } });
    rows = await readAsset(home, fctSleepSummary);
    lights = await readAsset(home, psgLights);
  });
  afterAll(async () => {
    if (home) await rm(join(home, '..'), { recursive: true, force: true });
  });

  const expectLike = (s: Row, m: ReturnType<typeof summarizeNight>) => {
    expect(s.in_bed_rule).toBe(m.inBedRule);
    expect(num(s.time_in_bed_min)).toBe(m.timeInBedMin);
    expect(num(s.total_sleep_time_min)).toBe(m.totalSleepTimeMin);
    expect(num(s.sleep_efficiency_pct)).toBeCloseTo(m.sleepEfficiencyPct!, 1);
    expect(num(s.sleep_onset_latency_min)).toBe(m.sleepOnsetLatencyMin);
    expect(num(s.rem_latency_min)).toBe(m.remLatencyMin);
    expect(num(s.waso_min)).toBe(m.wasoMin);
    expect(num(s.awakenings)).toBe(m.awakenings);
    expect([s.w_min, s.n1_min, s.n2_min, s.n3_min, s.rem_min, s.movement_min, s.unknown_min].map(num)).toEqual([
      m.wMin, m.n1Min, m.n2Min, m.n3Min, m.remMin, m.movementMin, m.unscoredMin,
    ]);
  };

  it('takes the in-bed period of a 22-h Sleep-EDF night from 30 min before sleep onset to 30 min after the final awakening', async () => {
    const s = rows.find((r) => r.recording_id === 'SC4001')!;
    const { annotations } = await readEdf(fixture('SC4001EC-Hypnogram.edf'));
    const m = summarizeNight(epochStages(annotations, 86400));
    expectLike(s, m);
    expect(s.in_bed_rule).toBe('sleep_edf_30min');
    // Sleep onset 00:43:30 (recording start 16:13:00 + 1021 epochs); last sleep epoch ends 06:44:00.
    expect(String(s.in_bed_start).replace('T', ' ')).toMatch(/^1989-04-25 00:13:30/);
    expect(String(s.in_bed_end).replace('T', ' ')).toMatch(/^1989-04-25 07:14:00/);
    expect(num(s.time_in_bed_min)).toBe(420.5);
    expect(num(s.sleep_efficiency_pct)).toBeCloseTo(77.6, 1);
    expect(num(s.sleep_onset_latency_min)).toBe(30);
    expect(num(s.waso_min)).toBe(64);
    expect(lights.find((r) => r.recording_id === 'SC4001')).toMatchObject({ lights_off: null, lights_on: null });
  });

  it('takes the in-bed period from lights-off and lights-on annotations, like summarizeNight', async () => {
    const s = rows.find((r) => r.recording_id === 'lab01')!;
    const { annotations } = await readEdf(join(labDir, 'lab01.edf'));
    const period = lightsPeriod(annotations);
    expect(period).toEqual({ off: 95, on: 1800 });
    const m = summarizeNight(labNight, [], { lights: period });
    expectLike(s, m);
    expect(s.in_bed_rule).toBe('lights');
    expect(String(s.in_bed_start).replace('T', ' ')).toMatch(/^2024-03-01 22:02:00/);
    expect(String(s.in_bed_end).replace('T', ' ')).toMatch(/^2024-03-01 22:30:00/);
    const row = lights.find((r) => r.recording_id === 'lab01')!;
    expect(String(row.lights_off).replace('T', ' ')).toMatch(/^2024-03-01 22:01:35/);
    expect(String(row.lights_on).replace('T', ' ')).toMatch(/^2024-03-01 22:30:00/);
    // Epochs 4..59: the sleep at epoch 1 is before lights off; MOVEMENT counts in bed, UNKNOWN does not count.
    expect(m).toMatchObject({ timeInBedMin: 28, unscoredMin: 1, movementMin: 1.5, sleepOnsetLatencyMin: 1 });
  });
});

describe('event rates on hand-made CSVs', () => {
  it('computes AHI = (apneas + hypopneas) / hours of sleep with severity boundaries, keyed by study and date', async () => {
    const { home, dir } = await setup('ahi');
    try {
      // Every study sleeps 120 min (2 h): AHI = events / 2.
      const studies: [string, string, number, number][] = [
        // study, date, total sleep (min), apneas+hypopneas
        ['S1', '2024-01-01', 120, 9], // 4.5 normal
        ['S1', '2024-02-01', 120, 10], // 5 mild — the same study id on another date
        ['S2', '2024-01-02', 120, 29], // 14.5 mild
        ['S3', '2024-01-03', 120, 30], // 15 moderate
        ['S4', '2024-01-04', 120, 59], // 29.5 moderate
        ['S5', '2024-01-05', 120, 60], // 30 severe
        ['S6', '2024-01-06', 0, 3], // no sleep: null
      ];
      const header =
        'study_id,subject_id,night,study_date,recording_start,psg_file,hypnogram_file,time_in_bed_min,' +
        'total_sleep_time_min,sleep_efficiency_pct,sleep_onset_latency_min,rem_latency_min,waso_min,n1_min,n2_min,' +
        'n3_min,rem_min,apnea_count,hypopnea_count,ahi,arousal_index,odi';
      const studyLines = studies.map(
        ([id, date, tst]) => `${id},P${id},1,${date},${date}T22:00:00,,,480,${tst},,,,,,,,,,,,,`,
      );
      // Also a duplicate export row of S1 on 2024-01-01 (kept once).
      studyLines.push('S1,PS1,1,2024-01-01,2024-01-01T22:00:00,,,480,120,,,,,,,,,,,,,');
      await writeFile(join(dir, 'studies.csv'), [header, ...studyLines].join('\n') + '\n');
      const events = ['study_id,study_date,event_type,onset_s,duration_s,sleep_stage'];
      for (const [id, date, , n] of studies) {
        for (let i = 0; i < n; i++) {
          const type = ['apnea', 'Obstructive Apnea', 'hypopnea', 'Central apnea'][i % 4];
          events.push(`${id},${date},${type},${i * 60},12,N2`);
        }
        events.push(`${id},${date},arousal,5,3,N2`, `${id},${date},desaturation,7,10,N2`, `${id},${date},limb_movement,9,2,N2`);
      }
      await writeFile(join(dir, 'events.csv'), events.join('\n') + '\n');
      await materializeLocally({ definitions, home, selection: 'raw_sleep_studies+ or raw_sleep_events+', env: { ASSAY_PSG_DIR: dir } });
      const rates = await readAsset(home, fctEventRates);
      const byKey = new Map(rates.map((r) => [`${String(r.study_id)} ${String(r.study_date)}`, r]));
      const expectations: [string, number | null, string | null][] = [
        ['S1 2024-01-01', 4.5, 'normal'],
        ['S1 2024-02-01', 5, 'mild'],
        ['S2 2024-01-02', 14.5, 'mild'],
        ['S3 2024-01-03', 15, 'moderate'],
        ['S4 2024-01-04', 29.5, 'moderate'],
        ['S5 2024-01-05', 30, 'severe'],
        ['S6 2024-01-06', null, null],
      ];
      expect(rates).toHaveLength(7);
      for (const [key, ahi, severity] of expectations) {
        const r = byKey.get(key)!;
        expect(r, key).toBeDefined();
        if (ahi === null) expect(r.ahi).toBeNull();
        else expect(num(r.ahi)).toBeCloseTo(ahi, 12);
        expect(r.severity).toBe(severity);
        expect(num(r.arousal_count)).toBe(1);
        expect(num(r.other_event_count)).toBe(2);
      }
      const stg = await readAsset(home, stgSleepStudy);
      expect(stg).toHaveLength(7);
      const ev = await readAsset(home, stgEvents);
      expect(new Set(ev.map((e) => e.event_type))).toEqual(new Set(['apnea', 'hypopnea', 'arousal', 'other']));
      const days = await readAsset(home, dimTime);
      expect(days).toHaveLength(32); // 2024-01-01 … 2024-02-01
    } finally {
      await rm(join(home, '..'), { recursive: true, force: true });
    }
  });
});

describe('event rates during sleep only, and CSV headers', () => {
  const header =
    'study_id,subject_id,night,study_date,recording_start,psg_file,hypnogram_file,time_in_bed_min,' +
    'total_sleep_time_min,sleep_efficiency_pct,sleep_onset_latency_min,rem_latency_min,waso_min,n1_min,n2_min,' +
    'n3_min,rem_min,apnea_count,hypopnea_count,ahi,arousal_index,odi';

  it('counts only apneas, hypopneas and arousals scored during sleep in AHI (AASM), keeping events without a stage', async () => {
    const { home, dir } = await setup('ahi-sleep');
    try {
      await writeFile(join(dir, 'studies.csv'), `${header}\nS1,P1,1,2024-01-01,2024-01-01T22:00:00,,,480,60,,,,,,,,,,,,,\n`);
      const events = [
        'study_id,study_date,event_type,onset_s,duration_s,sleep_stage',
        'S1,2024-01-01,apnea,10,12,N2',
        'S1,2024-01-01,apnea,20,12,R',
        'S1,2024-01-01,Obstructive apnea,30,12,N3',
        'S1,2024-01-01,apnea,40,12,W',
        'S1,2024-01-01,apnea,50,12, wake ',
        'S1,2024-01-01,hypopnea,60,12,Sleep stage W',
        'S1,2024-01-01,hypopnea,70,12,',
        'S1,2024-01-01,arousal,80,3,Sleep_Stage_W',
        'S1,2024-01-01,arousal,90,3,N1',
        'S1,2024-01-01,desaturation,100,10,W',
      ];
      await writeFile(join(dir, 'events.csv'), events.join('\n') + '\n');
      await materializeLocally({ definitions, home, selection: 'raw_sleep_studies+ or raw_sleep_events+', env: { ASSAY_PSG_DIR: dir } });
      const [r] = await readAsset(home, fctEventRates);
      expect([r!.apnea_count, r!.hypopnea_count, r!.arousal_count, r!.wake_event_count, r!.other_event_count].map(num)).toEqual([3, 1, 1, 4, 1]);
      expect(num(r!.ahi)).toBeCloseTo(4, 12); // (3 + 1) / 1 h of sleep, not 7
      expect(num(r!.arousal_index)).toBeCloseTo(1, 12);
      expect(r!.severity).toBe('normal');
    } finally {
      await rm(join(home, '..'), { recursive: true, force: true });
    }
  });

  it('fails raw_sleep_studies with an InvalidDataError naming the file, the missing columns and the expected header', async () => {
    const { home, dir } = await setup('csv-header');
    try {
      const file = join(dir, 'studies.csv');
      const partial = header.split(',').filter((c) => c !== 'waso_min' && c !== 'odi');
      await writeFile(file, `${partial.join(',')}\n${partial.map(() => '1').join(',')}\n`);
      const run = materializeLocally({ definitions, home, selection: 'raw_sleep_studies', env: { ASSAY_PSG_DIR: dir } });
      await expect(run).rejects.toBeInstanceOf(InvalidDataError);
      await expect(run).rejects.toThrow(`${file}: missing columns waso_min, odi; expected header: ${header}`);
      expect(existsSync(publishedPath(home, rawSleepStudies))).toBe(false);
    } finally {
      await rm(join(home, '..'), { recursive: true, force: true });
    }
  });
});

describe('a broken EDF file', () => {
  it('fails raw_psg_recordings with an InvalidDataError naming the file, and publishes nothing', async () => {
    const { home, dir } = await setup('bad');
    try {
      await copyFile(fixture('SC4001EC-Hypnogram.edf'), join(dir, 'SC4002EC-Hypnogram.edf'));
      const bytes = await readFile(fixture('SC4001E0-PSG-first5min.edf'));
      const broken = Buffer.from(bytes);
      broken.write('abc     ', 236, 'ascii'); // number of data records: not a number
      const bad = join(dir, 'SC4002E0-PSG.edf');
      await writeFile(bad, broken);
      const run = materializeLocally({ definitions, home, selection: 'group:psg', env: { ASSAY_PSG_DIR: dir } });
      await expect(run).rejects.toBeInstanceOf(InvalidDataError);
      await expect(run).rejects.toThrow(bad);
      for (const asset of psgAssets.filter((a) => a.key !== 'raw_sleep_studies' && a.key !== 'raw_sleep_events')) {
        expect(existsSync(publishedPath(home, asset)), asset.key).toBe(false);
      }
    } finally {
      await rm(join(home, '..'), { recursive: true, force: true });
    }
  });

  it('fails with a clear error when the data are truncated', async () => {
    const { home, dir } = await setup('truncated');
    try {
      const bytes = await readFile(fixture('SC4001E0-PSG-first5min.edf'));
      const bad = join(dir, 'SC4003E0-PSG.edf');
      await writeFile(bad, bytes.subarray(0, bytes.length - 1000));
      const run = materializeLocally({ definitions, home, selection: 'raw_psg_recordings+', env: { ASSAY_PSG_DIR: dir } });
      await expect(run).rejects.toThrow(/SC4003E0-PSG\.edf.*(truncat|record)/i);
      expect(existsSync(publishedPath(home, rawPsgRecordings))).toBe(false);
    } finally {
      await rm(join(home, '..'), { recursive: true, force: true });
    }
  });
});
