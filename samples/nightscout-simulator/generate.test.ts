import { describe, expect, it } from 'vitest';
import { DEFAULT_END, DIRECTIONS, generateEntries, subjectProfile } from './generate.js';
import type { SimulatedEntry } from './generate.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function sgvs(entries: SimulatedEntry[]): SimulatedEntry[] {
  return entries.filter((entry) => entry.type === 'sgv');
}

/** Distinct reading times, oldest first. */
function readingTimes(entries: SimulatedEntry[]): number[] {
  return [...new Set(sgvs(entries).map((entry) => entry.date))].sort((a, b) => a - b);
}

describe('generateEntries', () => {
  const subjects = ['sim-01', 'sim-02', 'sim-03'].map((subjectId) => ({
    subjectId,
    entries: generateEntries({ subjectId, days: 30, seed: 42 }),
  }));

  it('is reproducible for a seed and differs across seeds and subjects', () => {
    const again = generateEntries({ subjectId: 'sim-01', days: 30, seed: 42 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(subjects[0]!.entries));
    const otherSeed = generateEntries({ subjectId: 'sim-01', days: 30, seed: 43 });
    expect(JSON.stringify(otherSeed)).not.toBe(JSON.stringify(subjects[0]!.entries));
    expect(subjectProfile('sim-01', 42)).not.toEqual({ ...subjectProfile('sim-02', 42), subjectId: 'sim-01' });
  });

  it('returns entries newest first inside [end - days, end)', () => {
    for (const { entries } of subjects) {
      expect(entries.every((entry, i) => i === 0 || entries[i - 1]!.date >= entry.date)).toBe(true);
      expect(entries[0]!.date).toBeLessThan(DEFAULT_END);
      expect(entries.at(-1)!.date).toBeGreaterThanOrEqual(DEFAULT_END - 30 * DAY);
    }
    const end = Date.UTC(2023, 5, 1);
    const shifted = generateEntries({ subjectId: 'x', days: 2, seed: 1, end });
    expect(shifted[0]!.date).toBeLessThan(end);
    expect(shifted.at(-1)!.date).toBeGreaterThanOrEqual(end - 2 * DAY);
  });

  it('has Nightscout-shaped fields', () => {
    const { entries } = subjects[0]!;
    const ids = new Set(entries.map((entry) => entry._id));
    expect(ids.size).toBe(entries.length);
    const problems = entries.filter(
      (entry) =>
        !/^[0-9a-f]{24}$/.test(entry._id) ||
        !Number.isInteger(entry.date) ||
        entry.dateString !== new Date(entry.date).toISOString() ||
        entry.sysTime !== entry.dateString ||
        typeof entry.utcOffset !== 'number' ||
        typeof entry.device !== 'string' ||
        (entry.type === 'sgv' && (!(entry.trend! >= 1 && entry.trend! <= 9) || entry.direction !== DIRECTIONS[entry.trend!])),
    );
    expect(problems).toEqual([]);
    const sgv = entries.find((entry) => entry.type === 'sgv')!;
    expect(Object.keys(sgv).slice(0, 8)).toEqual(['_id', 'sgv', 'date', 'dateString', 'trend', 'direction', 'device', 'type']);
  });

  it('mixes in finger sticks and calibrations', () => {
    for (const { entries } of subjects) {
      const mbg = entries.filter((entry) => entry.type === 'mbg');
      const cal = entries.filter((entry) => entry.type === 'cal');
      expect(mbg.length).toBeGreaterThan(0);
      expect(cal.length).toBeGreaterThan(0);
      expect(mbg.every((entry) => typeof entry.mbg === 'number' && entry.sgv === undefined)).toBe(true);
      expect(cal.every((entry) => typeof entry.slope === 'number' && typeof entry.intercept === 'number')).toBe(true);
      expect(mbg.length + cal.length).toBeLessThan(entries.length * 0.05);
    }
  });

  it('reads every 5 minutes with a few seconds of jitter', () => {
    const times = readingTimes(subjects[0]!.entries);
    const steps = times.slice(1).map((time, i) => time - times[i]!).filter((step) => step < 7 * MINUTE);
    steps.sort((a, b) => a - b);
    expect(Math.abs(steps[steps.length >> 1]! - 5 * MINUTE)).toBeLessThan(1000);
    expect(steps[0]!).toBeGreaterThan(4.8 * MINUTE);
    expect(steps.at(-1)!).toBeLessThan(5.2 * MINUTE);
    expect(new Set(steps).size).toBeGreaterThan(100);
    // ~288 readings a day when there is no gap
    expect(times.length / 30).toBeGreaterThan(260);
    expect(times.length / 30).toBeLessThanOrEqual(288);
  });

  it('has sensor warm-up gaps and random signal losses', () => {
    for (const { entries } of subjects) {
      const times = readingTimes(entries);
      const gaps = times.slice(1).map((time, i) => time - times[i]!).filter((step) => step > 10 * MINUTE);
      expect(gaps.filter((gap) => gap >= 2 * 60 * MINUTE).length).toBeGreaterThanOrEqual(2); // 30 days: ≥ 2 sensor changes
      expect(gaps.filter((gap) => gap >= 15 * MINUTE && gap < 2 * 60 * MINUTE).length).toBeGreaterThanOrEqual(1);
      expect(gaps.every((gap) => gap < 6 * 60 * MINUTE)).toBe(true);
      // the first reading after a gap has no computable trend
      const sgv = sgvs(entries).reverse();
      const afterGap = sgv.filter((entry, i) => i > 0 && entry.date - sgv[i - 1]!.date > 15 * MINUTE);
      expect(afterGap.every((entry) => entry.direction === 'NOT COMPUTABLE')).toBe(true);
    }
  });

  it('uploads some readings twice with a new _id', () => {
    for (const { entries } of subjects) {
      const readings = sgvs(entries);
      const byDate = new Map<number, SimulatedEntry[]>();
      for (const entry of readings) byDate.set(entry.date, [...(byDate.get(entry.date) ?? []), entry]);
      const duplicates = [...byDate.values()].filter((group) => group.length > 1);
      const rate = duplicates.length / byDate.size;
      expect(rate).toBeGreaterThan(0.001);
      expect(rate).toBeLessThan(0.02);
      for (const [first, second] of duplicates) {
        expect(second!._id).not.toBe(first!._id);
        expect({ ...second, _id: '' }).toEqual({ ...first, _id: '' });
      }
    }
  });

  it('is physiologically plausible and differs per subject', () => {
    const means: number[] = [];
    for (const { entries } of subjects) {
      const values = sgvs(entries).map((entry) => entry.sgv!);
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      const sd = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
      const share = (test: (value: number) => boolean) => values.filter(test).length / values.length;
      means.push(mean);
      expect(mean).toBeGreaterThan(100);
      expect(mean).toBeLessThan(200);
      expect(sd / mean).toBeGreaterThan(0.15);
      expect(sd / mean).toBeLessThan(0.5);
      expect(share((value) => value >= 70 && value <= 180)).toBeGreaterThan(0.5); // time in range
      expect(share((value) => value >= 70 && value <= 180)).toBeLessThan(0.97);
      expect(share((value) => value < 70)).toBeGreaterThan(0); // occasional hypos
      expect(share((value) => value < 70)).toBeLessThan(0.1);
      expect(share((value) => value > 180)).toBeGreaterThan(0.02); // meal excursions
      expect(values.every((value) => value === 39 || value === 401 || (value >= 40 && value <= 400))).toBe(true);
      expect(share((value) => value === 39 || value === 401)).toBeLessThan(0.01);
    }
    expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(5);
  });

  it('shows meal excursions: higher after meals than at night', () => {
    const { entries } = subjects[0]!;
    const offset = subjectProfile('sim-01', 42).utcOffset * MINUTE;
    const hourOf = (entry: SimulatedEntry) => Math.floor((((entry.date + offset) % DAY) + DAY) % DAY / (60 * MINUTE));
    const meanAt = (hours: number[]) => {
      const values = sgvs(entries).filter((entry) => hours.includes(hourOf(entry))).map((entry) => entry.sgv!);
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    };
    expect(meanAt([20, 21])).toBeGreaterThan(meanAt([2, 3]) + 15);
  });
});
