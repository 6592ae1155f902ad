/**
 * Summary measures of a scored night from its 30-s epoch stages (and optionally its scored events).
 * Time in bed is the whole recording. Sleep is N1, N2, N3 and R; MOVEMENT and UNKNOWN epochs are not sleep.
 * Sleep onset is the first sleep epoch; REM latency runs from sleep onset to the first R epoch; WASO is every
 * non-sleep epoch after sleep onset, the final awakening included (AASM: time in bed − latency − sleep time).
 * Indices are events per hour of total sleep time. Latencies are null when there is no sleep (or no REM);
 * indices are null without sleep.
 */
import type { SleepStage } from './hypnogram.js';

export interface NightSummary {
  readonly timeInBedMin: number;
  readonly totalSleepTimeMin: number;
  readonly sleepEfficiencyPct: number | null;
  readonly sleepOnsetLatencyMin: number | null;
  readonly remLatencyMin: number | null;
  readonly wasoMin: number;
  readonly n1Min: number;
  readonly n2Min: number;
  readonly n3Min: number;
  readonly remMin: number;
  readonly apneaCount: number;
  readonly hypopneaCount: number;
  /** (apneas + hypopneas) per hour of sleep. */
  readonly ahi: number | null;
  readonly arousalIndex: number | null;
  /** Oxygen desaturations per hour of sleep. */
  readonly odi: number | null;
}

const SLEEP: ReadonlySet<SleepStage> = new Set(['N1', 'N2', 'N3', 'R']);

export function summarizeNight(
  stages: readonly SleepStage[],
  events: readonly { readonly type: string }[] = [],
  epochSeconds = 30,
): NightSummary {
  const minutes = (epochs: number) => (epochs * epochSeconds) / 60;
  const count = (stage: SleepStage) => stages.filter((s) => s === stage).length;
  const onset = stages.findIndex((s) => SLEEP.has(s));
  const firstRem = stages.indexOf('R');
  const sleepEpochs = stages.filter((s) => SLEEP.has(s)).length;
  const wakeAfterOnset = onset === -1 ? 0 : stages.slice(onset).filter((s) => !SLEEP.has(s)).length;
  const sleepHours = minutes(sleepEpochs) / 60;
  const events_ = (type: string) => events.filter((e) => e.type === type).length;
  const perHour = (n: number) => (sleepHours > 0 ? round(n / sleepHours, 1) : null);
  const apneaCount = events_('apnea');
  const hypopneaCount = events_('hypopnea');
  return {
    timeInBedMin: minutes(stages.length),
    totalSleepTimeMin: minutes(sleepEpochs),
    sleepEfficiencyPct: stages.length > 0 ? round((100 * sleepEpochs) / stages.length, 1) : null,
    sleepOnsetLatencyMin: onset === -1 ? null : minutes(onset),
    remLatencyMin: onset === -1 || firstRem === -1 ? null : minutes(firstRem - onset),
    wasoMin: minutes(wakeAfterOnset),
    n1Min: minutes(count('N1')),
    n2Min: minutes(count('N2')),
    n3Min: minutes(count('N3')),
    remMin: minutes(count('R')),
    apneaCount,
    hypopneaCount,
    ahi: perHour(apneaCount + hypopneaCount),
    arousalIndex: perHour(events_('arousal')),
    odi: perHour(events_('desaturation')),
  };
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
