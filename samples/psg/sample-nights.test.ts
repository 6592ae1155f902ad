import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEdf } from '../../sources/edf/reader.js';
import { edfBandPowers, type BandName } from '../../sources/psg/band-power.js';
import { epochStages, stageCounts, type SleepStage } from '../../sources/psg/hypnogram.js';
import { generateSampleNights, hypnogramAnnotations, type SampleNightsResult } from './sample-nights.js';
import { summarizeNight } from '../../sources/psg/sleep-summary.js';

let root: string;
let night: SampleNightsResult;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sample-nights-'));
  night = await generateSampleNights({ dir: join(root, 'a'), subjects: 2, nights: 2, hours: 3, seed: 11 });
}, 60_000);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const parseCsv = (text: string) => {
  const [header, ...rows] = text.trimEnd().split('\n').map((line) => line.split(','));
  return rows.map((row) => Object.fromEntries(header!.map((column, i) => [column, row[i]!])));
};

describe('sample nights', () => {
  it('writes Sleep-EDF style PSG and hypnogram files per subject and night, plus the two CSVs', async () => {
    expect((await readdir(join(root, 'a'))).sort()).toEqual([
      'SC4001E0-PSG.edf',
      'SC4001EC-Hypnogram.edf',
      'SC4002E0-PSG.edf',
      'SC4002EC-Hypnogram.edf',
      'SC4011E0-PSG.edf',
      'SC4011EC-Hypnogram.edf',
      'SC4012E0-PSG.edf',
      'SC4012EC-Hypnogram.edf',
      'events.csv',
      'studies.csv',
    ]);
    expect(night.studies.map((s) => [s.studyId, s.subjectId, s.night])).toEqual([
      ['SC4001', 'SC400', 1],
      ['SC4002', 'SC400', 2],
      ['SC4011', 'SC401', 1],
      ['SC4012', 'SC401', 2],
    ]);
  });

  it('writes a 100-Hz two-channel EDF+ recording with 30-s records', async () => {
    const study = night.studies[0]!;
    const psg = await readEdf(study.psgFile);
    expect(psg.header).toMatchObject({ variant: 'EDF+C', recordDuration: 30, recordCount: 360 });
    expect(psg.header.startDate).toBe(study.studyDate);
    expect(`${psg.header.startDate}T${psg.header.startTime}`).toBe(study.recordingStart);
    expect(psg.header.patient).toMatchObject({ code: 'SC400' });
    expect(psg.signals.map((s) => [s.header.label, s.header.sampleRate, s.header.unit, s.samples.length])).toEqual([
      ['EEG Fpz-Cz', 100, 'uV', 360 * 3000],
      ['EEG Pz-Oz', 100, 'uV', 360 * 3000],
    ]);
  });

  it('writes a hypnogram whose annotations give back the generated stages', async () => {
    for (const study of night.studies) {
      const hypnogram = await readEdf(study.hypnogramFile);
      expect(hypnogram.header).toMatchObject({ variant: 'EDF+C', recordCount: 1, recordDuration: 0 });
      expect(new Set(hypnogram.annotations.map((a) => a.text))).toSatisfy((labels: Set<string>) =>
        [...labels].every((l) => /^Sleep stage [W1234R]$|^Movement time$/.test(l)),
      );
      expect(epochStages(hypnogram.annotations, 360 * 30)).toEqual(study.stages);
    }
  });

  it('follows sleep cycles: wake first and last, then N1, N2, N3 before the first REM', () => {
    for (const { stages } of night.studies) {
      const counts = stageCounts(stages);
      expect(stages[0]).toBe('W');
      expect(stages.at(-1)).toBe('W');
      expect(counts.N2).toBeGreaterThan(counts.N1);
      expect(counts.N3).toBeGreaterThan(0);
      expect(counts.R).toBeGreaterThan(0);
      const first = (stage: SleepStage) => stages.indexOf(stage);
      expect(first('N1')).toBeLessThan(first('N2'));
      expect(first('N2')).toBeLessThan(first('N3'));
      expect(first('N3')).toBeLessThan(first('R'));
    }
  });

  it('labels the deepest part of each N3 run as R&K stage 4', () => {
    const stages: SleepStage[] = ['N2', 'N3', 'N3', 'N3', 'N3', 'N3', 'N2'];
    expect(hypnogramAnnotations(stages).map((a) => [a.onset, a.duration, a.text])).toEqual([
      [0, 30, 'Sleep stage 2'],
      [30, 60, 'Sleep stage 3'],
      [90, 60, 'Sleep stage 4'],
      [150, 30, 'Sleep stage 3'],
      [180, 30, 'Sleep stage 2'],
    ]);
  });

  it('gives each stage its spectrum: alpha in wake, theta in N1, spindles in N2, delta in N3', async () => {
    const study = night.studies[0]!;
    const [fpz, pz] = await edfBandPowers(study.psgFile);
    const mean = (channel: typeof fpz, stage: SleepStage, band: BandName) => {
      const values = channel!.epochs.filter((_, i) => study.stages[i] === stage).map((e) => e.relative[band]!);
      return values.reduce((s, v) => s + v, 0) / values.length;
    };
    const others = (stage: SleepStage) => (['W', 'N1', 'N2', 'N3', 'R'] as const).filter((s) => s !== stage);
    for (const [stage, band, channel] of [
      ['W', 'alpha', pz],
      ['N1', 'theta', fpz],
      ['N2', 'sigma', fpz],
      ['N3', 'delta', fpz],
    ] as const) {
      for (const other of others(stage)) expect(mean(channel, stage, band)).toBeGreaterThan(mean(channel, other, band));
    }
    expect(mean(pz, 'W', 'alpha')).toBeGreaterThan(0.4);
    expect(mean(fpz, 'N3', 'delta')).toBeGreaterThan(0.8);
  });

  it('writes study summaries that agree with the hypnograms and events', async () => {
    const rows = parseCsv(await readFile(night.studiesCsv, 'utf8'));
    expect(rows).toHaveLength(4);
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['study_id', 'subject_id', 'study_date', 'total_sleep_time_min', 'ahi']));
    night.studies.forEach((study, i) => {
      const summary = summarizeNight(study.stages, study.events);
      expect(rows[i]).toMatchObject({
        study_id: study.studyId,
        subject_id: study.subjectId,
        study_date: study.studyDate,
        psg_file: `${study.studyId}E0-PSG.edf`,
        time_in_bed_min: '180',
        total_sleep_time_min: String(summary.totalSleepTimeMin),
        ahi: String(summary.ahi),
      });
    });
  });

  it('writes scored events inside the recording, respiratory ones during sleep', async () => {
    const rows = parseCsv(await readFile(night.eventsCsv, 'utf8'));
    expect(rows.length).toBe(night.studies.reduce((n, s) => n + s.events.length, 0));
    expect(Object.keys(rows[0]!)).toEqual(['study_id', 'study_date', 'event_type', 'onset_s', 'duration_s', 'sleep_stage']);
    const types = new Set(rows.map((r) => r.event_type));
    for (const type of ['apnea', 'hypopnea', 'arousal', 'desaturation']) expect(types).toContain(type);
    for (const row of rows) {
      expect(Number(row.onset_s)).toBeGreaterThanOrEqual(0);
      expect(Number(row.onset_s) + Number(row.duration_s)).toBeLessThanOrEqual(3 * 3600);
      expect(Number(row.duration_s)).toBeGreaterThan(0);
      if (row.event_type === 'apnea' || row.event_type === 'hypopnea') expect(['N1', 'N2', 'N3', 'R']).toContain(row.sleep_stage);
    }
  });

  it('is deterministic, and a study does not depend on how many are generated', async () => {
    const again = await generateSampleNights({ dir: join(root, 'b'), subjects: 1, nights: 1, hours: 3, seed: 11 });
    const other = await generateSampleNights({ dir: join(root, 'c'), subjects: 1, nights: 1, hours: 3, seed: 12 });
    for (const file of ['SC4001E0-PSG.edf', 'SC4001EC-Hypnogram.edf']) {
      expect((await readFile(join(root, 'b', file))).equals(await readFile(join(root, 'a', file)))).toBe(true);
      expect((await readFile(join(root, 'c', file))).equals(await readFile(join(root, 'a', file)))).toBe(false);
    }
    expect(again.studies[0]!.events).toEqual(night.studies[0]!.events);
  }, 30_000);
});
