import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineDefinitions } from '../../framework/index.js';
import { materializeLocally, readAsset } from '../../engine/testing.js';
import { userActivityDeviation, userBaselineActivity, wearablesAssets } from '../../assets/wearables/assets.js';
import { DAILY_ACTIVITY, HOURLY_STEPS, SLEEP_DAY } from '../../sources/wearables/fitbit-exports.js';
import { parseFitbitExport } from '../../sources/wearables/read-export.js';
import { ORDINARY_DAYS } from './engagement.js';
import { generateSampleWearables, SAMPLE_FILES, type SampleWearablesResult } from './sample-drops.js';

let root: string;
let sample: SampleWearablesResult;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sample-wearables-'));
  sample = await generateSampleWearables({ dir: join(root, 'a'), seed: 7 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const text = (file: string) => readFile(file, 'utf8');
const dataLines = (content: string) => content.replace(/^\uFEFF/, '').split('\r\n').slice(1).filter((l) => l !== '');

describe('sample wearables drops', () => {
  it('writes the three exports with Fitbit’s headers, CRLF line ends and their real date spellings', async () => {
    const daily = await text(sample.files.dailyActivity);
    const sleep = await text(sample.files.sleepDay);
    const hourly = await text(sample.files.hourlySteps);
    for (const content of [daily, sleep, hourly]) {
      expect(content.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      expect(content.endsWith('\r\n')).toBe(true);
    }
    expect(daily.startsWith(`${DAILY_ACTIVITY.columns.map((c) => c.header).join(',')}\r\n`)).toBe(true);
    expect(hourly.startsWith(`${HOURLY_STEPS.columns.map((c) => c.header).join(',')}\r\n`)).toBe(true);
    // The sleep file looks re-saved by Excel: byte-order mark, padded dates with a time, an empty last line.
    expect(sleep.startsWith(`\uFEFF${SLEEP_DAY.columns.map((c) => c.header).join(',')}\r\n`)).toBe(true);
    expect(sleep.endsWith('\r\n\r\n')).toBe(true);
    for (const line of dataLines(daily)) expect(line).toMatch(/^\d{10},\d{1,2}\/\d{1,2}\/\d{4},\d+,/);
    for (const line of dataLines(sleep)) expect(line).toMatch(/^\d{10},\d{2}\/\d{2}\/\d{4} 12:00:00 AM,[12],\d+,\d+$/);
    for (const line of dataLines(hourly)) expect(line).toMatch(/^\d{10},\d{1,2}\/\d{1,2}\/\d{4} (1[0-2]|[1-9]):00:00 [AP]M,\d+$/);
    // One sleep row repeated exactly, as in the real export.
    const sleepLines = dataLines(sleep);
    expect(sleepLines.length - new Set(sleepLines).size).toBe(1);
  });

  it('reads back through the Fitbit reader as generated', async () => {
    const synced = sample.days.filter((d) => d.synced);
    const daily = parseFitbitExport(await text(sample.files.dailyActivity), DAILY_ACTIVITY, sample.files.dailyActivity);
    expect(daily.columns.id).toEqual(synced.map((d) => d.userId));
    expect(daily.columns.activity_date).toEqual(synced.map((d) => d.date));
    expect(daily.columns.total_steps).toEqual(synced.map((d) => d.steps));
    expect(daily.columns.sedentary_minutes).toEqual(synced.map((d) => d.sedentaryMinutes));
    const sleep = parseFitbitExport(await text(sample.files.sleepDay), SLEEP_DAY, sample.files.sleepDay);
    expect(sleep.rows).toBe(synced.filter((d) => d.sleep).length + 1);
    const hourly = parseFitbitExport(await text(sample.files.hourlySteps), HOURLY_STEPS, sample.files.hourlySteps);
    expect(hourly.rows).toBe(synced.length * 24);
    expect(hourly.columns.activity_hour!.slice(0, 2)).toEqual([`${synced[0]!.date} 00:00:00`, `${synced[0]!.date} 01:00:00`]);
  });

  it('makes days that hang together: hourly steps add up, unworn days are 0 steps and 1440 sedentary minutes', () => {
    for (const day of sample.days) {
      expect(day.hourlySteps).toHaveLength(24);
      expect(day.hourlySteps.reduce((a, b) => a + b, 0)).toBe(day.steps);
      expect(day.veryActiveMinutes + day.fairlyActiveMinutes + day.lightlyActiveMinutes + day.sedentaryMinutes + (day.sleep?.minutesAsleep ?? 0)).toBeLessThanOrEqual(1440);
      if (!day.worn) expect([day.steps, day.sedentaryMinutes, day.sleep]).toEqual([0, 1440, null]);
      if (day.sleep) expect(day.sleep.minutesInBed).toBeGreaterThan(day.sleep.minutesAsleep);
    }
  });

  it('gives each user an engagement profile: the declining one stops syncing, the sporadic one has 12 active days', () => {
    expect(sample.users.map((u) => u.profile)).toEqual(['steady', 'declining', 'sporadic', 'improving']);
    const daysOf = (i: number) => sample.days.filter((d) => d.userId === sample.users[i]!.userId);
    expect(daysOf(1).map((d) => d.synced).slice(-4)).toEqual([true, false, false, false]);
    expect(daysOf(2).filter((d) => d.worn)).toHaveLength(12);
    expect(daysOf(0).every((d) => d.synced)).toBe(true);
  });

  it('is deterministic: the same seed gives the same bytes, and a user’s data does not depend on the user count', async () => {
    const again = await generateSampleWearables({ dir: join(root, 'b'), seed: 7 });
    for (const file of Object.values(SAMPLE_FILES)) {
      expect(await readFile(join(root, 'b', file)), file).toEqual(await readFile(join(root, 'a', file)));
    }
    const two = await generateSampleWearables({ dir: join(root, 'c'), seed: 7, users: 2 });
    expect(two.users).toEqual(again.users.slice(0, 2));
    expect(two.days).toEqual(again.days.filter((d) => two.users.some((u) => u.userId === d.userId)));
    const other = await generateSampleWearables({ dir: join(root, 'd'), seed: 8, users: 1, days: 3 });
    expect(other.users[0]!.userId).not.toBe(again.users[0]!.userId);
  });

  it('rejects impossible options', async () => {
    await expect(generateSampleWearables({ dir: join(root, 'e'), users: 0 })).rejects.toThrow('users must be 1–1000, got 0');
    await expect(generateSampleWearables({ dir: join(root, 'e'), days: 1.5 })).rejects.toThrow('days must be 1–3660, got 1.5');
    await expect(generateSampleWearables({ dir: join(root, 'e'), start: '3/4/2024' })).rejects.toThrow("start must be 'YYYY-MM-DD', got '3/4/2024'");
  });

  it('materializes the wearables group, whose marts tell the profiles apart', async () => {
    const home = join(root, 'home');
    const definitions = defineDefinitions({ assets: wearablesAssets });
    const records = await materializeLocally({ definitions, home, selection: 'group:wearables', env: { ASSAY_WEARABLES_DIR: join(root, 'a') } });
    expect(records).toHaveLength(wearablesAssets.length);
    const baselines = await readAsset(home, userBaselineActivity);
    const profileOf = new Map(sample.users.map((u) => [u.userId, u.profile]));
    const baseline = (profile: string) => baselines.find((b) => profileOf.get(String(b.user_id)) === profile)!;
    expect(baseline('sporadic')).toMatchObject({ baseline_active_days: 12, is_baseline_complete: false });
    expect(baseline('steady')).toMatchObject({ baseline_active_days: ORDINARY_DAYS, is_baseline_complete: true });
    const deviation = await readAsset(home, userActivityDeviation);
    const lastRatio = (profile: string) =>
      Number(deviation.filter((d) => profileOf.get(String(d.user_id)) === profile).at(-1)!.rolling_7d_steps_ratio);
    expect(lastRatio('declining')).toBeLessThan(0.6);
    expect(lastRatio('steady')).toBeGreaterThan(0.75);
    expect(lastRatio('steady')).toBeLessThan(1.33);
    expect(lastRatio('improving')).toBeGreaterThan(1.2);
  });
});
