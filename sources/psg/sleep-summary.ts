/**
 * Summary measures of a scored night from its 30-s epoch stages (and optionally its lights-off/on times and its
 * scored events). The SQL model assets/psg/fct_sleep_summary.sql applies the same definitions.
 *
 * In-bed period, [in-bed start, in-bed end) on the epoch grid (`inBedRule` says which rule applied):
 *   'lights'           the night has lights-off and lights-on annotations: the epochs that start at or after
 *                      lights off and before lights on.
 *   'sleep_edf_30min'  otherwise, when there is sleep (the usual Sleep-EDF convention, whose recordings run ~22 h):
 *                      from 30 min before the first sleep epoch (not before the recording start) to 30 min after
 *                      the end of the last sleep epoch, i.e. the final awakening (not after the last epoch).
 *                      Sleep onset latency is then 30 min by construction unless the recording starts later.
 *   'recording'        no lights annotations and no sleep: the whole recording.
 * Everything below counts only epochs inside the in-bed period.
 *
 * Stage rules: sleep is N1, N2, N3 and R. W is wake. MOVEMENT is neither sleep nor wake: it is part of time in
 * bed (and of the sleep-efficiency denominator) but not of total sleep time or WASO. UNKNOWN (unscored, '?') is
 * neither either and is left out of the time-in-bed-based measures: sleep efficiency and W % use the scored
 * time in bed (time in bed − unscored epochs), and WASO does not count it.
 *
 *   time in bed (TIB)      in-bed end − in-bed start (clock time; unscored epochs included, see unscoredMin)
 *   total sleep time (TST) sleep epochs
 *   sleep efficiency       100 · TST / (TIB − unscored); null when nothing in bed is scored
 *   sleep onset latency    in-bed start → first sleep epoch; null without sleep
 *   REM latency            sleep onset → first R epoch; null without sleep or REM
 *   WASO                   W epochs after sleep onset, the final awakening up to the in-bed end included
 *   awakenings             W runs after sleep onset entered from sleep; MOVEMENT and UNKNOWN epochs in between
 *                          are skipped (sleep, MOVEMENT, W counts once; W, ?, W is one run)
 * So TIB = latency + TST + WASO + MOVEMENT and UNKNOWN after onset.
 *
 * Indices are events per hour of TST, counting only events during sleep (AASM): an event whose `stage` is known
 * and is wake is left out of the counts and indices; events without a stage count. Indices are null without sleep.
 */
import { stageOf, type LightsPeriod, type SleepStage } from './hypnogram.js';

export type InBedRule = 'lights' | 'sleep_edf_30min' | 'recording';

export interface NightSummary {
  readonly inBedRule: InBedRule;
  /** First in-bed epoch. */
  readonly inBedStartEpoch: number;
  /** First epoch after the in-bed period (exclusive end). */
  readonly inBedEndEpoch: number;
  readonly timeInBedMin: number;
  readonly totalSleepTimeMin: number;
  readonly sleepEfficiencyPct: number | null;
  readonly sleepOnsetLatencyMin: number | null;
  readonly remLatencyMin: number | null;
  readonly wasoMin: number;
  readonly awakenings: number;
  readonly wMin: number;
  readonly n1Min: number;
  readonly n2Min: number;
  readonly n3Min: number;
  readonly remMin: number;
  readonly movementMin: number;
  /** UNKNOWN epochs in bed. */
  readonly unscoredMin: number;
  readonly apneaCount: number;
  readonly hypopneaCount: number;
  /** (apneas + hypopneas) per hour of sleep. */
  readonly ahi: number | null;
  readonly arousalIndex: number | null;
  /** Oxygen desaturations per hour of sleep. */
  readonly odi: number | null;
}

export interface SummaryEvent {
  readonly type: string;
  /** Stage of the epoch the event starts in; a wake stage ('W', 'Sleep stage W', 'Wake') leaves it out. */
  readonly stage?: string | null;
}

export interface NightSummaryOptions {
  /** Seconds per epoch (default 30). */
  readonly epochSeconds?: number;
  /** Lights off and on in seconds from the start of epoch 0; null or absent when the night has none. */
  readonly lights?: LightsPeriod | null;
}

export const SLEEP_STAGES_ASLEEP: ReadonlySet<SleepStage> = new Set(['N1', 'N2', 'N3', 'R']);
/** The Sleep-EDF convention's margin around the sleep period. */
export const IN_BED_MARGIN_MIN = 30;
const TOLERANCE = 1e-6;

/** The in-bed period of a night (see the module comment). */
export function inBedPeriod(
  stages: readonly SleepStage[],
  options: NightSummaryOptions = {},
): { rule: InBedRule; start: number; end: number } {
  const epochSeconds = options.epochSeconds ?? 30;
  const n = stages.length;
  const clamp = (i: number, low: number) => Math.min(n, Math.max(low, i));
  if (options.lights) {
    const epochAtOrAfter = (seconds: number) => Math.ceil(seconds / epochSeconds - TOLERANCE);
    const start = clamp(epochAtOrAfter(options.lights.off), 0);
    return { rule: 'lights', start, end: clamp(epochAtOrAfter(options.lights.on), start) };
  }
  const first = stages.findIndex((s) => SLEEP_STAGES_ASLEEP.has(s));
  if (first === -1) return { rule: 'recording', start: 0, end: n };
  let last = n - 1;
  while (!SLEEP_STAGES_ASLEEP.has(stages[last]!)) last--;
  const margin = Math.round((IN_BED_MARGIN_MIN * 60) / epochSeconds);
  return { rule: 'sleep_edf_30min', start: clamp(first - margin, 0), end: clamp(last + 1 + margin, 0) };
}

export function summarizeNight(
  stages: readonly SleepStage[],
  events: readonly SummaryEvent[] = [],
  options: NightSummaryOptions = {},
): NightSummary {
  const epochSeconds = options.epochSeconds ?? 30;
  const minutes = (epochs: number) => (epochs * epochSeconds) / 60;
  const period = inBedPeriod(stages, options);
  const inBed = stages.slice(period.start, period.end);
  const count = (stage: SleepStage) => inBed.filter((s) => s === stage).length;
  const isSleep = (s: SleepStage) => SLEEP_STAGES_ASLEEP.has(s);
  const onset = inBed.findIndex(isSleep);
  const firstRem = inBed.indexOf('R');
  const sleepEpochs = inBed.filter(isSleep).length;
  const unscored = count('UNKNOWN');
  const scoredInBed = inBed.length - unscored;
  let waso = 0;
  let awakenings = 0;
  if (onset !== -1) {
    let previousScored: SleepStage = inBed[onset]!; // the last W or sleep epoch seen
    for (let i = onset + 1; i < inBed.length; i++) {
      const stage = inBed[i]!;
      if (stage === 'W') {
        waso++;
        if (isSleep(previousScored)) awakenings++;
      }
      if (stage === 'W' || isSleep(stage)) previousScored = stage;
    }
  }
  const sleepHours = minutes(sleepEpochs) / 60;
  const duringSleep = events.filter((e) => e.stage === undefined || e.stage === null || stageOf(e.stage) !== 'W');
  const events_ = (type: string) => duringSleep.filter((e) => e.type === type).length;
  const perHour = (n: number) => (sleepHours > 0 ? round(n / sleepHours, 1) : null);
  const apneaCount = events_('apnea');
  const hypopneaCount = events_('hypopnea');
  return {
    inBedRule: period.rule,
    inBedStartEpoch: period.start,
    inBedEndEpoch: period.end,
    timeInBedMin: minutes(inBed.length),
    totalSleepTimeMin: minutes(sleepEpochs),
    sleepEfficiencyPct: scoredInBed > 0 ? round((100 * sleepEpochs) / scoredInBed, 1) : null,
    sleepOnsetLatencyMin: onset === -1 ? null : minutes(onset),
    remLatencyMin: onset === -1 || firstRem === -1 ? null : minutes(firstRem - onset),
    wasoMin: minutes(waso),
    awakenings,
    wMin: minutes(count('W')),
    n1Min: minutes(count('N1')),
    n2Min: minutes(count('N2')),
    n3Min: minutes(count('N3')),
    remMin: minutes(count('R')),
    movementMin: minutes(count('MOVEMENT')),
    unscoredMin: minutes(unscored),
    apneaCount,
    hypopneaCount,
    ahi: perHour(apneaCount + hypopneaCount),
    arousalIndex: perHour(events_('arousal')),
    odi: perHour(events_('desaturation')),
  };
}

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;
