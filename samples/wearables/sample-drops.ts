/**
 * Deterministic sample Fitbit drops for the wearables pipeline: `dailyActivity_merged.csv`, `sleepDay_merged.csv` and
 * `hourlySteps_merged.csv` for a few users over a few weeks, in the dialects real files come in:
 *
 * - all three with CRLF line ends and Fitbit's column names;
 * - daily activity with `M/D/YYYY` days, hourly steps with `M/D/YYYY h:mm:ss AM` hours;
 * - sleep day as after an Excel re-save: a byte-order mark, `MM/DD/YYYY 12:00:00 AM` days, a trailing empty line,
 *   and one row repeated exactly (as in the real export).
 *
 * Users take the engagement profiles of `engagement.ts` in turn, so the marts have something to tell: a steady user,
 * one whose activity and syncing decline after two weeks, one with too few active days for a full baseline, one who
 * improves. Hourly steps add up to the daily total; a day without the tracker has 0 steps and 1440 sedentary
 * minutes; sleep is dated to the day it ends. The same seed gives the same bytes, and a user's data depends only on
 * (seed, user), not on how many users are generated.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DAILY_ACTIVITY, HOURLY_STEPS, SLEEP_DAY } from '../../sources/wearables/fitbit-exports.js';
import { Random } from '../psg/random.js';
import { dayPlan, PROFILES, type EngagementProfile } from './engagement.js';
import { fitbitCsv, fitbitDay, fitbitHour, resavedDay } from './fitbit-format.js';

export interface SampleWearablesOptions {
  readonly dir: string;
  /** Default 4 (one of each profile). */
  readonly users?: number;
  /** Default 30. */
  readonly days?: number;
  /** First day, 'YYYY-MM-DD' (default 2024-03-04). */
  readonly start?: string;
  /** Default 1. */
  readonly seed?: number;
}

export interface SampleUser {
  /** A 10-digit id, like Fitbit's. */
  readonly userId: string;
  readonly profile: EngagementProfile;
  /** Steps on an ordinary worn day, before noise. */
  readonly usualSteps: number;
}

/** One generated user-day (also the days that were not synced, which are in no file). */
export interface SampleDay {
  readonly userId: string;
  /** 'YYYY-MM-DD'. */
  readonly date: string;
  readonly synced: boolean;
  readonly worn: boolean;
  readonly steps: number;
  /** Steps per hour 0–23; they add up to `steps`. */
  readonly hourlySteps: readonly number[];
  readonly veryActiveMinutes: number;
  readonly fairlyActiveMinutes: number;
  readonly lightlyActiveMinutes: number;
  readonly sedentaryMinutes: number;
  readonly calories: number;
  readonly distanceKm: number;
  /** The sleep that ended that morning, if logged. */
  readonly sleep: { readonly records: number; readonly minutesAsleep: number; readonly minutesInBed: number } | null;
}

export interface SampleWearablesResult {
  readonly users: readonly SampleUser[];
  readonly days: readonly SampleDay[];
  readonly files: { readonly dailyActivity: string; readonly sleepDay: string; readonly hourlySteps: string };
}

export const SAMPLE_FILES = {
  dailyActivity: 'dailyActivity_merged.csv',
  sleepDay: 'sleepDay_merged.csv',
  hourlySteps: 'hourlySteps_merged.csv',
} as const;

/** Relative walking rhythm over the hours of a day (nothing at night, peaks at lunch and after work). */
const HOUR_WEIGHTS = [0, 0, 0, 0, 0, 0.1, 0.5, 1.2, 1.5, 1.0, 0.9, 1.0, 1.4, 1.1, 0.9, 1.0, 1.2, 1.6, 1.5, 1.1, 0.8, 0.5, 0.3, 0.1];
const DAY_MS = 86_400_000;

export async function generateSampleWearables(options: SampleWearablesOptions): Promise<SampleWearablesResult> {
  const { dir, users: userCount = 4, days: dayCount = 30, start = '2024-03-04', seed = 1 } = options;
  if (!Number.isInteger(userCount) || userCount < 1 || userCount > 1000) throw new RangeError(`users must be 1–1000, got ${userCount}`);
  if (!Number.isInteger(dayCount) || dayCount < 1 || dayCount > 3660) throw new RangeError(`days must be 1–3660, got ${dayCount}`);
  const first = Date.parse(`${start}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || Number.isNaN(first)) throw new RangeError(`start must be 'YYYY-MM-DD', got '${start}'`);

  const users: SampleUser[] = [];
  const days: SampleDay[] = [];
  for (let u = 0; u < userCount; u++) {
    const traits = Random.derive(seed, u);
    const user: SampleUser = {
      userId: String(1_000_000_000 + traits.int(0, 8_999_999_999)),
      profile: PROFILES[u % PROFILES.length]!,
      usualSteps: traits.int(5000, 12000),
    };
    const body = { bmr: traits.int(1400, 2100), strideKm: traits.uniform(0.00068, 0.00082), sleepsLogged: traits.uniform(0.7, 0.95) };
    users.push(user);
    for (let d = 0; d < dayCount; d++) {
      const random = Random.derive(seed, u, d);
      const plan = dayPlan(user.profile, d, dayCount, random);
      const date = new Date(first + d * DAY_MS).toISOString().slice(0, 10);
      const weekend = [0, 6].includes(new Date(first + d * DAY_MS).getUTCDay());
      const steps = plan.worn
        ? Math.max(1, Math.round(user.usualSteps * plan.stepFactor * (weekend ? 1.1 : 1) * Math.exp(0.25 * random.normal())))
        : 0;
      const sleep =
        plan.worn && random.chance(body.sleepsLogged)
          ? (() => {
              const nap = random.chance(0.1) ? random.int(40, 90) : 0;
              const asleep = Math.round(Math.min(660, Math.max(240, 430 + 45 * random.normal()))) + nap;
              return { records: nap > 0 ? 2 : 1, minutesAsleep: asleep, minutesInBed: asleep + random.int(8, 50) };
            })()
          : null;
      const very = plan.worn ? Math.min(120, Math.round(Math.max(0, (steps - 6000) / 250) * random.uniform(0.5, 1.5))) : 0;
      const fairly = plan.worn ? Math.round((steps / 800) * random.uniform(0.5, 1.5)) : 0;
      const lightly = plan.worn ? Math.min(500, Math.round(120 + (steps / 45) * random.uniform(0.7, 1.3))) : 0;
      days.push({
        userId: user.userId,
        date,
        synced: plan.synced,
        worn: plan.worn,
        steps,
        hourlySteps: spreadOverHours(steps, random),
        veryActiveMinutes: very,
        fairlyActiveMinutes: fairly,
        lightlyActiveMinutes: lightly,
        sedentaryMinutes: Math.max(0, 1440 - (sleep?.minutesAsleep ?? 0) - very - fairly - lightly),
        calories: body.bmr + Math.round(steps * 0.045) + very * 5,
        distanceKm: round2(steps * body.strideKm),
        sleep,
      });
    }
  }

  await mkdir(dir, { recursive: true });
  const files = {
    dailyActivity: join(dir, SAMPLE_FILES.dailyActivity),
    sleepDay: join(dir, SAMPLE_FILES.sleepDay),
    hourlySteps: join(dir, SAMPLE_FILES.hourlySteps),
  };
  const synced = days.filter((d) => d.synced);
  await writeAtomically(files.dailyActivity, fitbitCsv(DAILY_ACTIVITY.columns.map((c) => c.header), synced.map(dailyRow)));
  const sleepRows = synced.filter((d) => d.sleep).map((d) => [d.userId, resavedDay(d.date), d.sleep!.records, d.sleep!.minutesAsleep, d.sleep!.minutesInBed]);
  if (sleepRows.length >= 3) sleepRows.splice(3, 0, sleepRows[2]!); // the real export repeats a few rows exactly
  await writeAtomically(files.sleepDay, fitbitCsv(SLEEP_DAY.columns.map((c) => c.header), sleepRows, { bom: true, trailingEmptyLine: true }));
  const hourlyRows = synced.flatMap((d) => d.hourlySteps.map((steps, hour) => [d.userId, fitbitHour(d.date, hour), steps]));
  await writeAtomically(files.hourlySteps, fitbitCsv(HOURLY_STEPS.columns.map((c) => c.header), hourlyRows));
  return { users, days, files };
}

/** A day's row in DAILY_ACTIVITY's column order. */
function dailyRow(d: SampleDay): (string | number)[] {
  const veryKm = round2(Math.min(d.distanceKm, d.veryActiveMinutes * 0.12));
  const moderateKm = round2(Math.min(d.distanceKm - veryKm, d.fairlyActiveMinutes * 0.09));
  const lightKm = round2(Math.max(0, d.distanceKm - veryKm - moderateKm));
  return [
    d.userId, fitbitDay(d.date), d.steps, d.distanceKm, d.distanceKm, 0, veryKm, moderateKm, lightKm, 0,
    d.veryActiveMinutes, d.fairlyActiveMinutes, d.lightlyActiveMinutes, d.sedentaryMinutes, d.calories,
  ];
}

/** `steps` over 24 hours by the walking rhythm with noise, as whole steps that add up to `steps`. */
function spreadOverHours(steps: number, random: Random): number[] {
  const weights = HOUR_WEIGHTS.map((w) => w * Math.exp(0.5 * random.normal()));
  const total = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (steps * w) / total);
  const hours = exact.map(Math.floor);
  let left = steps - hours.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    hours[i]!++;
  }
  return hours;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

async function writeAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.${randomUUID()}.tmp`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
