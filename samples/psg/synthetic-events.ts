/**
 * Scored events of a synthetic night, placed in sleep epochs (more in REM, fewer in N3): apneas and hypopneas at a
 * per-study apnea–hypopnea index, each often followed by an oxygen desaturation and an arousal, plus spontaneous
 * arousals and limb movements. Times are in seconds from the recording start, rounded to 0.1 s.
 */
import type { SleepStage } from '../../sources/psg/hypnogram.js';
import type { Random } from './random.js';

export const EVENT_TYPES = ['apnea', 'hypopnea', 'arousal', 'desaturation', 'limb_movement'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface ScoredEvent {
  readonly type: EventType;
  readonly onset: number;
  readonly duration: number;
  /** Stage of the epoch the event starts in. */
  readonly stage: SleepStage;
}

export interface EventRates {
  /** Apneas plus hypopneas per hour of sleep. */
  readonly ahi: number;
  /** Share of respiratory events that are apneas. */
  readonly apneaShare: number;
  readonly spontaneousArousalsPerHour: number;
  readonly limbMovementsPerHour: number;
}

const STAGE_WEIGHT: Partial<Record<SleepStage, number>> = { N1: 1, N2: 1, N3: 0.4, R: 1.6 };
const EPOCH_SECONDS = 30;

export function synthesizeEvents(random: Random, stages: readonly SleepStage[], rates: EventRates): ScoredEvent[] {
  const sleepEpochs = stages.flatMap((stage, epoch) => (STAGE_WEIGHT[stage] ? [epoch] : []));
  if (sleepEpochs.length === 0) return [];
  const cumulative: number[] = [];
  let totalWeight = 0;
  for (const epoch of sleepEpochs) cumulative.push((totalWeight += STAGE_WEIGHT[stages[epoch]!]!));
  const sleepHours = (sleepEpochs.length * EPOCH_SECONDS) / 3600;
  const end = stages.length * EPOCH_SECONDS;

  const randomSleepTime = () => {
    const target = random.next() * totalWeight;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    return (sleepEpochs[low]! + random.next()) * EPOCH_SECONDS;
  };

  const events: ScoredEvent[] = [];
  const add = (type: EventType, onset: number, duration: number) => {
    if (onset < 0 || onset >= end) return;
    const stage = stages[Math.floor(onset / EPOCH_SECONDS)]!;
    events.push({ type, onset: round(onset), duration: round(Math.min(duration, end - onset)), stage });
  };

  const respiratory: [number, number][] = [];
  for (let n = poisson(random, rates.ahi * sleepHours); n > 0; n--) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const apnea = random.chance(rates.apneaShare);
      const onset = randomSleepTime();
      const duration = apnea ? random.uniform(10, 40) : random.uniform(10, 60);
      if (respiratory.some(([s, e]) => onset < e + 10 && onset + duration + 10 > s)) continue;
      respiratory.push([onset, onset + duration]);
      add(apnea ? 'apnea' : 'hypopnea', onset, duration);
      const eventEnd = onset + duration;
      if (random.chance(apnea ? 0.8 : 0.6)) {
        add('desaturation', eventEnd - 5 + random.uniform(0, 10), random.uniform(10, 40));
      }
      if (random.chance(0.6)) add('arousal', eventEnd + random.uniform(0, 3), random.uniform(3, 15));
      break;
    }
  }
  for (let n = poisson(random, rates.spontaneousArousalsPerHour * sleepHours); n > 0; n--) {
    add('arousal', randomSleepTime(), random.uniform(3, 15));
  }
  for (let n = poisson(random, rates.limbMovementsPerHour * sleepHours); n > 0; n--) {
    add('limb_movement', randomSleepTime(), random.uniform(0.5, 5));
  }
  return events.sort((a, b) => a.onset - b.onset || EVENT_TYPES.indexOf(a.type) - EVENT_TYPES.indexOf(b.type));
}

const round = (seconds: number) => Math.round(seconds * 10) / 10;

/** Poisson-distributed count: Knuth's method for small means, a rounded normal approximation for large ones. */
function poisson(random: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * random.normal()));
  const limit = Math.exp(-mean);
  let count = 0;
  for (let p = random.next(); p > limit; p *= random.next()) count++;
  return count;
}
