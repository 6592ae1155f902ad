/**
 * Seeded, physiologically plausible CGM histories in the shape Nightscout stores them.
 *
 * Glucose = fasting baseline + dawn phenomenon + meal excursions (3 meals a day, random timing
 * and size, peak after 30–60 min, back within 2–3 h) + a slow random drift (Ornstein-Uhlenbeck),
 * with occasional hypoglycaemia followed by a treated rebound. The sensor adds noise, reads every
 * 5 min with a few seconds of jitter, clamps like Dexcom (39 = LOW, 401 = HIGH), goes silent for a
 * 2-h warm-up after every sensor change (10 days) and for random signal losses (15 min–3 h), and
 * sometimes uploads a reading twice (same `date` and values, new `_id`). Finger sticks (`mbg`) and
 * calibrations (`cal`) are mixed in. Same (subjectId, seed, days, end) → identical entries.
 */
import type { NightscoutEntry } from '../../sources/nightscout/entry.js';
import { Random, hashSeed } from './prng.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const CADENCE = 5 * MINUTE;

/** Default end of simulated histories (fixed, so output does not depend on the wall clock). */
export const DEFAULT_END = Date.UTC(2025, 0, 1);

/** An entry as the simulator serves it: `cal` entries carry calibration fields. */
export interface SimulatedEntry extends NightscoutEntry {
  slope?: number;
  intercept?: number;
  scale?: number;
}

/** Per-subject parameters. */
export interface SubjectProfile {
  subjectId: string;
  /** Fasting baseline, mg/dL. */
  baseline: number;
  /** Scales meal excursions and drift (1 = typical). */
  variability: number;
  /** Dawn-phenomenon rise around 06:30 local, mg/dL. */
  dawnAmplitude: number;
  /** Minutes east of UTC. */
  utcOffset: number;
  device: string;
  /** Sensor noise SD, mg/dL. */
  noiseSd: number;
  hypoPerDay: number;
  signalLossPerDay: number;
  /** Fraction of readings uploaded twice. */
  duplicateRate: number;
  mbgPerDay: number;
  calPerDay: number;
  sensorDays: number;
  warmupMinutes: number;
}

export interface GenerateOptions {
  subjectId: string;
  /** History length in days (fractions allowed). */
  days: number;
  seed: number;
  /** Epoch ms where the history ends (exclusive). Default {@link DEFAULT_END}. */
  end?: number;
  /** Overrides of the subject's derived profile. */
  profile?: Partial<Omit<SubjectProfile, 'subjectId'>>;
}

/** Dexcom trend arrows by trend number. */
export const DIRECTIONS = [
  'NONE',
  'DoubleUp',
  'SingleUp',
  'FortyFiveUp',
  'Flat',
  'FortyFiveDown',
  'SingleDown',
  'DoubleDown',
  'NOT COMPUTABLE',
  'RATE OUT OF RANGE',
] as const;

/** Trend number for a rate of change in mg/dL per minute (`undefined`: not computable). */
export function trendFor(ratePerMinute: number | undefined): number {
  if (ratePerMinute === undefined) return 8;
  if (Math.abs(ratePerMinute) > 6) return 9;
  if (ratePerMinute > 3) return 1;
  if (ratePerMinute > 2) return 2;
  if (ratePerMinute > 1) return 3;
  if (ratePerMinute >= -1) return 4;
  if (ratePerMinute >= -2) return 5;
  if (ratePerMinute >= -3) return 6;
  return 7;
}

const DEVICES = ['xDrip-DexcomG6', 'share2', 'xDrip-LibreReceiver', 'AndroidAPS-DexcomG6'] as const;
const UTC_OFFSETS = [-480, -300, -240, 0, 60, 120, 330, 600] as const;

/** The subject's parameters, derived from (subjectId, seed). */
export function subjectProfile(subjectId: string, seed: number): SubjectProfile {
  const rng = new Random(hashSeed('profile', seed, subjectId));
  return {
    subjectId,
    baseline: Math.round(rng.uniform(110, 160)),
    variability: Number(rng.uniform(0.8, 1.6).toFixed(2)),
    dawnAmplitude: Math.round(rng.uniform(8, 35)),
    utcOffset: rng.pick(UTC_OFFSETS),
    device: rng.pick(DEVICES),
    noiseSd: Number(rng.uniform(2, 5).toFixed(1)),
    hypoPerDay: Number(rng.uniform(0.15, 0.6).toFixed(2)),
    signalLossPerDay: Number(rng.uniform(0.2, 0.6).toFixed(2)),
    duplicateRate: Number(rng.uniform(0.002, 0.01).toFixed(4)),
    mbgPerDay: Number(rng.uniform(0.3, 2).toFixed(2)),
    calPerDay: Number(rng.uniform(0.2, 1).toFixed(2)),
    sensorDays: 10,
    warmupMinutes: 120,
  };
}

interface Excursion {
  at: number;
  amplitude: number;
  /** Time to peak, ms. */
  peak: number;
}

interface Hypo {
  at: number;
  target: number;
  /** Gaussian width, ms. */
  width: number;
}

/** Gamma-like meal response: 0 at start, 1 at `peak`, ~0.17 at 3×peak, ~0.04 at 4×peak. */
function response(elapsed: number, peak: number): number {
  const x = elapsed / peak;
  return x * x * Math.exp(2 * (1 - x));
}

/** Random times (sorted) at local hours in [fromHour, toHour) on `count` random days of the span. */
function localTimes(rng: Random, count: number, start: number, end: number, utcOffset: number, fromHour: number, toHour: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const at = rng.uniform(start, end);
    const localDay = Math.floor((at + utcOffset * MINUTE) / DAY) * DAY - utcOffset * MINUTE;
    times.push(Math.round(localDay + rng.uniform(fromHour, toHour) * HOUR));
  }
  return times.sort((a, b) => a - b);
}

/** Generates a subject's entries, newest first (Nightscout order: by `date` descending). */
export function generateEntries(options: GenerateOptions): SimulatedEntry[] {
  const { subjectId, days, seed } = options;
  if (!(days > 0)) throw new RangeError(`days must be positive, got ${days}`);
  const profile: SubjectProfile = { ...subjectProfile(subjectId, seed), ...options.profile, subjectId };
  const end = options.end ?? DEFAULT_END;
  const start = end - Math.round(days * DAY);
  const offsetMs = profile.utcOffset * MINUTE;
  const events = new Random(hashSeed('events', seed, subjectId));
  const sensor = new Random(hashSeed('sensor', seed, subjectId));
  const ids = new Random(hashSeed('ids', seed, subjectId));

  // Meals: breakfast, lunch, dinner every local day, sometimes a snack.
  const excursions: Excursion[] = [];
  const firstDay = Math.floor((start + offsetMs) / DAY) - 1;
  const lastDay = Math.floor((end + offsetMs) / DAY);
  const meals = [
    { hour: 7.25, spread: 0.75, size: 65 },
    { hour: 12.5, spread: 1, size: 55 },
    { hour: 19, spread: 1.25, size: 75 },
  ];
  for (let day = firstDay; day <= lastDay; day++) {
    const midnight = day * DAY - offsetMs;
    for (const meal of meals) {
      // One meal in twenty is under-bolused: a bigger, slower excursion.
      const missed = events.chance(0.05);
      excursions.push({
        at: Math.round(midnight + events.normal(meal.hour, meal.spread / 2) * HOUR),
        amplitude: meal.size * profile.variability * Math.min(2.2, Math.exp(events.normal(0, 0.3))) * (missed ? 1.7 : 1),
        peak: events.uniform(35, 60) * (missed ? 1.6 : 1) * MINUTE,
      });
    }
    if (events.chance(0.35)) {
      excursions.push({
        at: Math.round(midnight + events.uniform(15, 22) * HOUR),
        amplitude: 25 * profile.variability * Math.exp(events.normal(0, 0.3)),
        peak: events.uniform(25, 45) * MINUTE,
      });
    }
  }

  // Hypos (40 % at night), each treated with fast carbs: a rebound excursion.
  const hypos: Hypo[] = [];
  const hypoCount = events.poisson(profile.hypoPerDay * days);
  for (let i = 0; i < hypoCount; i++) {
    // At night, late morning or late afternoon: when the last meal has worn off.
    const [from, to] = events.pick([[0, 6], [0, 6], [10, 11.5], [15, 18]] as const);
    const [at] = localTimes(events, 1, start, end, profile.utcOffset, from, to);
    if (at === undefined) continue;
    hypos.push({ at, target: events.uniform(45, 66), width: events.uniform(20, 35) * MINUTE });
    excursions.push({ at: at + 10 * MINUTE, amplitude: events.uniform(40, 80), peak: events.uniform(30, 40) * MINUTE });
  }
  hypos.sort((a, b) => a.at - b.at);
  excursions.sort((a, b) => a.at - b.at);

  // Gaps: warm-up after each sensor change, random signal losses.
  const gaps: Array<{ from: number; to: number; warmup: boolean }> = [];
  for (let change = start + sensor.uniform(0, profile.sensorDays) * DAY; change < end; ) {
    const insertion = sensor.uniform(10, 90) * MINUTE;
    gaps.push({ from: change, to: change + insertion + profile.warmupMinutes * MINUTE, warmup: true });
    change += insertion + profile.sensorDays * DAY;
  }
  const losses = sensor.poisson(profile.signalLossPerDay * days);
  for (let i = 0; i < losses; i++) {
    const from = sensor.uniform(start, end);
    gaps.push({ from, to: from + sensor.logUniform(15, 180) * MINUTE, warmup: false });
  }
  gaps.sort((a, b) => a.from - b.from);

  const mbgTimes = localTimes(events, events.poisson(profile.mbgPerDay * days), start, end, profile.utcOffset, 7, 22);
  const calTimes = localTimes(events, events.poisson(profile.calPerDay * days), start, end, profile.utcOffset, 0, 24);

  const machine = ids.hex(5);
  let counter = ids.int(0, 0xffffff);
  const objectId = (uploadedAt: number) => {
    const id = Math.floor(uploadedAt / 1000).toString(16).padStart(8, '0') + machine + (counter & 0xffffff).toString(16).padStart(6, '0');
    counter++;
    return id;
  };
  const xdrip = profile.device.startsWith('xDrip');

  const iso = (time: number) => new Date(time).toISOString();
  const entries: SimulatedEntry[] = [];
  const recent: Array<{ at: number; value: number }> = [];
  const tau = 3 * HOUR;
  const decay = Math.exp(-CADENCE / tau);
  /** Log-scale drift: multiplies the level, so it widens highs more than lows. */
  const driftSd = 0.15 * profile.variability;
  let drift = sensor.normal(0, driftSd);
  let mealLow = 0;
  let hypoLow = 0;
  let gapIndex = 0;
  let gapUntil = Number.NEGATIVE_INFINITY;
  let gapIsWarmup = false;
  let calibrateAfterWarmup = false;
  let mbgIndex = 0;
  let calIndex = 0;
  const phase = sensor.uniform(0, CADENCE);

  for (let k = 0; ; k++) {
    const nominal = start + phase + k * CADENCE;
    if (nominal >= end) break;
    drift = drift * decay + driftSd * Math.sqrt(1 - decay * decay) * sensor.normal();
    const at = Math.round(nominal + Math.max(-4000, Math.min(4000, sensor.normal(0, 1500))));
    const local = (((at + offsetMs) % DAY) + DAY) % DAY / HOUR;

    let glucose = profile.baseline + profile.dawnAmplitude * Math.exp(-((local - 6.5) ** 2) / (2 * 1.2 ** 2));
    while (mealLow < excursions.length && (excursions[mealLow] as Excursion).at < at - 8 * HOUR) mealLow++;
    for (let i = mealLow; i < excursions.length; i++) {
      const meal = excursions[i] as Excursion;
      if (meal.at > at) break;
      glucose += meal.amplitude * response(at - meal.at, meal.peak);
    }
    glucose *= Math.exp(drift);
    while (hypoLow < hypos.length && (hypos[hypoLow] as Hypo).at < at - 2 * HOUR) hypoLow++;
    for (let i = hypoLow; i < hypos.length; i++) {
      const hypo = hypos[i] as Hypo;
      if (hypo.at > at + 2 * HOUR) break;
      // Falls over ~one width, recovers a little slower.
      const width = at <= hypo.at ? hypo.width : hypo.width * 1.4;
      const weight = Math.exp(-0.5 * ((at - hypo.at) / width) ** 2);
      glucose = glucose * (1 - weight) + hypo.target * weight;
    }
    glucose = Math.max(25, glucose);
    const reading = glucose + sensor.normal(0, profile.noiseSd);

    while (gapIndex < gaps.length && (gaps[gapIndex] as { from: number }).from <= at) {
      const gap = gaps[gapIndex] as { to: number; warmup: boolean };
      if (gap.to > gapUntil) {
        gapUntil = gap.to;
        gapIsWarmup = gap.warmup;
      }
      gapIndex++;
    }
    const inGap = at < gapUntil;
    if (inGap && gapIsWarmup) calibrateAfterWarmup = true;

    while (mbgIndex < mbgTimes.length && (mbgTimes[mbgIndex] as number) <= at) {
      const time = mbgTimes[mbgIndex++] as number;
      entries.push({
        _id: objectId(time + ids.int(5, 120) * 1000),
        mbg: Math.round(glucose * (1 + ids.normal(0, 0.05))),
        date: time,
        dateString: iso(time),
        device: profile.device,
        type: 'mbg',
        utcOffset: profile.utcOffset,
        sysTime: iso(time),
      });
    }
    let calibrate = false;
    while (calIndex < calTimes.length && (calTimes[calIndex] as number) <= at) {
      calIndex++;
      calibrate = !inGap;
    }
    if (inGap) continue;
    if (calibrateAfterWarmup) {
      calibrate = true;
      calibrateAfterWarmup = false;
    }

    const sgv = reading < 39.5 ? 39 : reading > 400.5 ? 401 : Math.round(reading);
    while (recent.length > 0 && (recent[0] as { at: number }).at < at - 16 * MINUTE) recent.shift();
    const previous = recent[recent.length - 1];
    const oldest = recent[0];
    const rate =
      previous !== undefined && oldest !== undefined && at - previous.at <= 11 * MINUTE
        ? (reading - oldest.value) / ((at - oldest.at) / MINUTE)
        : undefined;
    recent.push({ at, value: reading });
    const trend = trendFor(rate);
    const iso8601 = iso(at);
    const entry: SimulatedEntry = {
      _id: objectId(at + ids.int(2, 40) * 1000),
      sgv,
      date: at,
      dateString: iso8601,
      trend,
      direction: DIRECTIONS[trend] as string,
      device: profile.device,
      type: 'sgv',
    };
    if (xdrip) entry.noise = profile.noiseSd > 4 ? 2 : 1;
    entry.utcOffset = profile.utcOffset;
    entry.sysTime = iso8601;
    entries.push(entry);
    if (ids.chance(profile.duplicateRate)) {
      entries.push({ ...entry, _id: objectId(at + ids.int(60, 900) * 1000) });
    }
    if (calibrate) {
      const time = at + ids.int(20, 200) * 1000;
      entries.push({
        _id: objectId(time + ids.int(2, 30) * 1000),
        device: profile.device,
        date: time,
        dateString: iso(time),
        scale: 1,
        intercept: Math.round(ids.normal(30000, 3000)),
        slope: Math.round(ids.normal(850, 60)),
        type: 'cal',
        utcOffset: profile.utcOffset,
        sysTime: iso(time),
      });
    }
  }
  const inRange = entries.filter((entry) => entry.date >= start && entry.date < end);
  return inRange.sort((a, b) => b.date - a.date || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0));
}
