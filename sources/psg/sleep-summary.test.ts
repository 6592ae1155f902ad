import { describe, expect, it } from 'vitest';
import type { SleepStage } from './hypnogram.js';
import { summarizeNight } from './sleep-summary.js';

const night = (pattern: string): SleepStage[] =>
  [...pattern].map((c) => ({ W: 'W', '1': 'N1', '2': 'N2', '3': 'N3', R: 'R', M: 'MOVEMENT', '?': 'UNKNOWN' })[c] as SleepStage);

describe('night summary', () => {
  it('derives sleep time, latencies, WASO and stage minutes from 30-s epochs', () => {
    // 20 epochs = 10 min in bed: 2 wake, sleep from epoch 2, REM from epoch 9, wake and movement after onset.
    const stages = night('WW1223332RRWM22RRWW?');
    expect(summarizeNight(stages)).toEqual({
      timeInBedMin: 10,
      totalSleepTimeMin: 6.5,
      sleepEfficiencyPct: 65,
      sleepOnsetLatencyMin: 1,
      remLatencyMin: 3.5,
      wasoMin: 2.5,
      n1Min: 0.5,
      n2Min: 2.5,
      n3Min: 1.5,
      remMin: 2,
      apneaCount: 0,
      hypopneaCount: 0,
      ahi: 0,
      arousalIndex: 0,
      odi: 0,
    });
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
