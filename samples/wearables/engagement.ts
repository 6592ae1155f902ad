/**
 * How a sample user keeps up (or not) with wearing and syncing their tracker over the sample period: the behaviours
 * the wearables marts are built to tell apart.
 *
 * - `steady`: wears it nearly every day, as active as usual throughout;
 * - `declining`: like steady for two weeks, then fewer steps (down to 35 % of usual), more days without wearing it,
 *   and no sync at all for the last 3 days (it stopped reaching Fitbit);
 * - `sporadic`: wears it on 2 days in 5, so 30 days give 12 active days: fewer than a full 14-day baseline;
 * - `improving`: starts at 60 % of usual and ends at 130 %.
 */
import type { Random } from '../psg/random.js';

export type EngagementProfile = 'steady' | 'declining' | 'sporadic' | 'improving';

/** The profiles sample users take in turn (user 0 steady, user 1 declining, …). */
export const PROFILES: readonly EngagementProfile[] = ['steady', 'declining', 'sporadic', 'improving'];

/** The first days of every profile are ordinary, so the baseline window is ordinary too. */
export const ORDINARY_DAYS = 14;

export interface DayPlan {
  /** Whether the day reaches the export at all (false: no daily, hourly or sleep rows). */
  readonly synced: boolean;
  /** Whether the tracker was worn (false: a record of 0 steps and 1440 sedentary minutes). */
  readonly worn: boolean;
  /** Factor on the user's usual steps. */
  readonly stepFactor: number;
}

/** What a user of `profile` does on day `day` (0-based) of `days`. */
export function dayPlan(profile: EngagementProfile, day: number, days: number, random: Random): DayPlan {
  const progress = days > 1 ? day / (days - 1) : 0;
  const later = Math.max(0, (day - ORDINARY_DAYS + 1) / Math.max(1, days - ORDINARY_DAYS));
  switch (profile) {
    case 'steady':
      return { synced: true, worn: random.chance(0.97), stepFactor: 1 };
    case 'declining':
      if (day < ORDINARY_DAYS) return { synced: true, worn: random.chance(0.97), stepFactor: 1 };
      return {
        synced: days < ORDINARY_DAYS + 6 || day < days - 3,
        worn: random.chance(0.97 - 0.4 * later),
        stepFactor: 1 - 0.65 * later,
      };
    case 'sporadic':
      return { synced: true, worn: day % 5 === 0 || day % 5 === 2, stepFactor: 1 };
    case 'improving':
      return { synced: true, worn: random.chance(0.95), stepFactor: 0.6 + 0.7 * progress };
  }
}
