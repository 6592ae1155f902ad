import { describe, expect, it } from 'vitest';
import { readEdf } from '../edf/reader.js';
import { fixture } from '../edf/fixtures.test-helpers.js';
import { epochStages, lightsOf, lightsPeriod, stageCounts, stageOf } from './hypnogram.js';

describe('sleep stage labels', () => {
  it.each([
    ['Sleep stage W', 'W'],
    ['Sleep stage 1', 'N1'],
    ['Sleep stage 2', 'N2'],
    ['Sleep stage 3', 'N3'],
    ['Sleep stage 4', 'N3'],
    ['Sleep stage R', 'R'],
    ['Sleep stage ?', 'UNKNOWN'],
    ['Movement time', 'MOVEMENT'],
    ['Sleep stage N1', 'N1'],
    ['Sleep stage N2', 'N2'],
    ['Sleep stage N3', 'N3'],
    ['Sleep stage REM', 'R'],
    ['W', 'W'],
    ['Wake', 'W'],
    ['N1', 'N1'],
    ['n2', 'N2'],
    ['N3', 'N3'],
    ['R', 'R'],
    ['REM', 'R'],
    ['Stage 4', 'N3'],
    ['sleep_stage_w', 'W'],
    ['  Sleep  stage  2 ', 'N2'],
  ])('maps %j to %s', (text, stage) => {
    expect(stageOf(text)).toBe(stage);
  });

  it.each(['Obstructive apnea', 'Lights off', '2', 'Sleep stage 5', 'Arousal', ''])('does not take %j for a stage', (text) => {
    expect(stageOf(text)).toBeNull();
  });
});

describe('epoch stages', () => {
  it('gives each epoch the stage of the annotation covering its start', () => {
    const stages = epochStages(
      [
        { onset: 0, duration: 60, text: 'Sleep stage W' },
        { onset: 60, duration: 45, text: 'Sleep stage 1' }, // covers the starts at 60 and 90
        { onset: 105, duration: 45, text: 'Sleep stage 2' }, // covers 120 only: 105 is mid-epoch
        { onset: 150, duration: 30, text: 'Lights on' },
      ],
      210,
    );
    expect(stages).toEqual(['W', 'W', 'N1', 'N1', 'N2', 'UNKNOWN', 'UNKNOWN']);
  });

  it('lets a duration-less annotation cover one epoch and the later-starting annotation win', () => {
    const stages = epochStages(
      [
        { onset: 0, duration: 150, text: 'N2' },
        { onset: 60, duration: null, text: 'REM' },
        { onset: 90, duration: 0, text: 'W' },
      ],
      150,
    );
    expect(stages).toEqual(['N2', 'N2', 'R', 'W', 'N2']);
  });

  it('counts whole epochs only and honours a sub-second start', () => {
    expect(epochStages([{ onset: 0.39, duration: 90, text: 'W' }], 89.9, { start: 0.39 })).toEqual(['W', 'W']);
    expect(epochStages([], 29.999)).toEqual([]);
  });

  it('scores the real Sleep-EDF hypnogram into 2650 epochs', async () => {
    const { annotations } = await readEdf(fixture('SC4001EC-Hypnogram.edf'));
    // SC4001E0-PSG.edf has 2650 records of 30 s; the last annotation ('Sleep stage ?') starts at its end.
    const stages = epochStages(annotations, 2650 * 30);
    expect(stages).toHaveLength(2650);
    // Cross-checked with a standard-library Python script that applies the same rule to the raw TALs.
    expect(stageCounts(stages)).toEqual({ W: 1997, N1: 58, N2: 250, N3: 220, R: 125, MOVEMENT: 0, UNKNOWN: 0 });
    expect(stages[1020]).toBe('W');
    expect(stages[1021]).toBe('N1');
  });
});

describe('lights annotations', () => {
  it.each([
    ['Lights off', 'off'],
    ['LIGHTS OFF', 'off'],
    ['lights_out', 'off'],
    ['Lights on', 'on'],
    ['  lights  ON ', 'on'],
    ['Sleep stage W', null],
    ['Lights dimmed', null],
  ] as const)('reads %j as %s', (text, expected) => {
    expect(lightsOf(text)).toBe(expected);
  });

  it('takes the first lights off and the last lights on after it, and needs both', () => {
    const at = (onset: number, text: string) => ({ onset, duration: null, text });
    expect(lightsPeriod([at(5, 'Lights on'), at(100, 'Lights off'), at(130, 'lights off'), at(900, 'LIGHTS ON'), at(950, 'Lights on')])).toEqual({ off: 100, on: 950 });
    expect(lightsPeriod([at(100, 'Lights off')])).toBeNull();
    expect(lightsPeriod([at(100, 'Lights on'), at(200, 'Lights off')])).toBeNull();
    expect(lightsPeriod([at(0, 'Sleep stage W')])).toBeNull();
  });
});
