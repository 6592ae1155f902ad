import { describe, expect, it } from 'vitest';
import { fixture } from '../edf/fixtures.test-helpers.js';
import { readEdf } from '../edf/reader.js';
import { epochStages, lightsPeriod, type SleepStage } from './hypnogram.js';
import { summarizeNight } from './sleep-summary.js';

const night = (pattern: string): SleepStage[] =>
  [...pattern].map((c) => ({ W: 'W', '1': 'N1', '2': 'N2', '3': 'N3', R: 'R', M: 'MOVEMENT', '?': 'UNKNOWN' })[c] as SleepStage);

describe('night summary', () => {
  it('derives sleep time, latencies, WASO and stage minutes from 30-s epochs', () => {
    // 20 epochs = 10 min: 2 wake, sleep from epoch 2, REM from epoch 9, wake and movement after onset, and a
    // final unscored epoch. The 30-min margins reach past both ends, so the whole recording is in bed.
    const stages = night('WW1223332RRWM22RRWW?');
    expect(summarizeNight(stages)).toEqual({
      inBedRule: 'sleep_edf_30min',
      inBedStartEpoch: 0,
      inBedEndEpoch: 20,
      timeInBedMin: 10,
      totalSleepTimeMin: 6.5,
      sleepEfficiencyPct: 68.4, // 13 sleep epochs of 19 scored epochs in bed
      sleepOnsetLatencyMin: 1,
      remLatencyMin: 3.5,
      wasoMin: 1.5, // W epochs 11, 17, 18: neither the movement epoch nor the unscored one
      awakenings: 2,
      wMin: 2.5,
      n1Min: 0.5,
      n2Min: 2.5,
      n3Min: 1.5,
      remMin: 2,
      movementMin: 0.5,
      unscoredMin: 0.5,
      apneaCount: 0,
      hypopneaCount: 0,
      ahi: 0,
      arousalIndex: 0,
      odi: 0,
    });
  });

  it('takes time in bed from 30 min before sleep onset to 30 min after the final awakening on a long recording', () => {
    // 5 h of wake before sleep, 50 min N2, 10 min W, 50 min N2, 2.5 h wake, 25 min unscored.
    const stages = night('W'.repeat(600) + '2'.repeat(100) + 'W'.repeat(20) + '2'.repeat(100) + 'W'.repeat(300) + '?'.repeat(50));
    expect(summarizeNight(stages)).toMatchObject({
      inBedRule: 'sleep_edf_30min',
      inBedStartEpoch: 540,
      inBedEndEpoch: 880,
      timeInBedMin: 170,
      totalSleepTimeMin: 100,
      sleepEfficiencyPct: 58.8,
      sleepOnsetLatencyMin: 30,
      wasoMin: 40, // 10 min inside the night + the 30 min after the final awakening
      awakenings: 2,
      wMin: 70,
      unscoredMin: 0,
    });
  });

  it('does not extend the 30-min margins beyond the recording', () => {
    const stages = night('W'.repeat(10) + '2'.repeat(20) + 'W'.repeat(4));
    expect(summarizeNight(stages)).toMatchObject({ inBedRule: 'sleep_edf_30min', inBedStartEpoch: 0, inBedEndEpoch: 34, timeInBedMin: 17 });
  });

  it('uses lights-off and lights-on annotations when the night has them', () => {
    // Lights off at 95 s: the first in-bed epoch is the one starting at 120 s (epoch 4); lights on at 600 s
    // ends the period before epoch 20. Sleep before lights off (epoch 1) is not counted.
    const stages = night('W2WWWW2222RRWW2222WWWWW');
    const summary = summarizeNight(stages, [], { lights: { off: 95, on: 600 } });
    expect(summary).toMatchObject({
      inBedRule: 'lights',
      inBedStartEpoch: 4,
      inBedEndEpoch: 20,
      timeInBedMin: 8,
      totalSleepTimeMin: 5,
      sleepEfficiencyPct: 62.5,
      sleepOnsetLatencyMin: 1,
      remLatencyMin: 2,
      wasoMin: 2,
      awakenings: 2,
    });
  });

  it('falls back to the whole recording without lights annotations and without sleep', () => {
    expect(summarizeNight(night('WWWW?'))).toMatchObject({
      inBedRule: 'recording',
      inBedStartEpoch: 0,
      inBedEndEpoch: 5,
      timeInBedMin: 2.5,
      sleepEfficiencyPct: 0,
      unscoredMin: 0.5,
    });
  });

  it('counts movement as time in bed but neither sleep nor wake, and leaves unscored epochs out of efficiency and WASO', () => {
    // 2 2 M M ? ? W 2: TIB 8 epochs, 2 unscored → 6 scored; sleep 3; WASO only the one W epoch.
    const summary = summarizeNight(night('22MM??W2'));
    expect(summary).toMatchObject({
      timeInBedMin: 4,
      totalSleepTimeMin: 1.5,
      sleepEfficiencyPct: 50,
      wasoMin: 0.5,
      movementMin: 1,
      unscoredMin: 1,
      awakenings: 1,
    });
  });

  it('counts a transition from sleep to wake through movement or unscored epochs as one awakening', () => {
    // 2→M→W (one), 2→?→W→?→W (one: the second W continues the same run across the unscored epoch).
    expect(summarizeNight(night('2MW2?W?W2')).awakenings).toBe(2);
    expect(summarizeNight(night('2MW2?W?W2')).wasoMin).toBe(1.5);
    expect(summarizeNight(night('2WMW2')).awakenings).toBe(1);
  });

  it('counts only events during sleep in the counts and indices (AASM)', () => {
    const stages = night('2'.repeat(120)); // 1 h of N2
    const events = [
      { type: 'apnea', stage: 'N2' },
      { type: 'apnea', stage: 'W' },
      { type: 'hypopnea', stage: 'Sleep stage W' },
      { type: 'hypopnea', stage: null },
      { type: 'hypopnea' },
      { type: 'arousal', stage: 'wake' },
      { type: 'desaturation', stage: 'R' },
    ];
    expect(summarizeNight(stages, events)).toMatchObject({ apneaCount: 1, hypopneaCount: 2, ahi: 3, arousalIndex: 0, odi: 1 });
  });

  it('gives sensible values for the real full-night Sleep-EDF SC4001 hypnogram (about 22 h of recording)', async () => {
    const { annotations } = await readEdf(fixture('SC4001EC-Hypnogram.edf'));
    const end = Math.max(...annotations.map((a) => a.onset + (a.duration ?? 0)));
    expect(end / 3600).toBe(24);
    const summary = summarizeNight(epochStages(annotations, end), [], { lights: lightsPeriod(annotations) });
    // Sleep from epoch 1021 (00:43:30 for a 16:13 start) to the end of epoch 1741; no lights annotations.
    expect(summary).toMatchObject({
      inBedRule: 'sleep_edf_30min',
      inBedStartEpoch: 961,
      inBedEndEpoch: 1802,
      timeInBedMin: 420.5,
      totalSleepTimeMin: 326.5,
      sleepEfficiencyPct: 77.6,
      sleepOnsetLatencyMin: 30,
      remLatencyMin: 89,
      wasoMin: 64, // 34 min inside the sleep period + the 30-min margin after the final awakening
    });
    // Before: TIB 1325 min, SE 24.6 %, SOL 510 min, WASO 488 min.
    expect(summary.timeInBedMin).toBeLessThan(8 * 60);
    expect(summary.sleepEfficiencyPct).toBeGreaterThan(75);
    expect(summary.sleepOnsetLatencyMin).toBeLessThanOrEqual(30);
    expect(summary.wasoMin).toBeLessThan(90);
  });

  it('gives event indices per hour of sleep', () => {
    const stages = night('2'.repeat(240)); // 2 h of N2
    const events = [{ type: 'apnea' }, { type: 'hypopnea' }, { type: 'hypopnea' }, { type: 'arousal' }, { type: 'desaturation' }];
    expect(summarizeNight(stages, events)).toMatchObject({ apneaCount: 1, hypopneaCount: 2, ahi: 1.5, arousalIndex: 0.5, odi: 0.5 });
  });

  it('leaves latencies and indices empty without sleep', () => {
    expect(summarizeNight(night('WWWW'), [{ type: 'arousal' }])).toMatchObject({
      totalSleepTimeMin: 0,
      sleepOnsetLatencyMin: null,
      remLatencyMin: null,
      wasoMin: 0,
      ahi: null,
      arousalIndex: null,
    });
  });
});
