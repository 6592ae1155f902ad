/**
 * A plausible night of 30-s sleep stages: sleep-onset latency in wake, then ~90-minute NREM–REM cycles whose
 * deep sleep (N3) shrinks and whose REM lengthens through the night, brief awakenings and movement after some
 * REM periods, and a final awakening before the recording ends.
 */
import type { SleepStage } from '../../sources/psg/hypnogram.js';
import type { Random } from './random.js';

type Stage = Exclude<SleepStage, 'UNKNOWN'>;

export function synthesizeHypnogram(random: Random, epochs: number): Stage[] {
  const stages: Stage[] = [];
  const add = (stage: Stage, minutes: number) => {
    for (let i = Math.max(1, Math.round(minutes * 2)); i > 0; i--) stages.push(stage);
  };
  const finalWake = Math.round(random.uniform(4, 15) * 2);
  add('W', random.uniform(6, 25));
  for (let cycle = 0; stages.length < epochs - finalWake; cycle++) {
    add('N1', random.uniform(1, cycle === 0 ? 7 : 4));
    add('N2', random.uniform(18, 35));
    const deep = Math.max(0, random.uniform(28, 40) - 11 * cycle);
    if (deep > 0) {
      add('N3', deep);
      add('N2', random.uniform(5, 15));
    } else {
      add('N2', random.uniform(15, 30));
    }
    add('R', Math.min(35, random.uniform(5, 12) + 6 * cycle));
    if (random.chance(0.5)) {
      add('W', random.uniform(0.5, 3));
      if (random.chance(0.25)) add('MOVEMENT', 0.5);
      add('N1', random.uniform(0.5, 2));
    }
  }
  stages.length = Math.max(0, epochs - finalWake);
  while (stages.length < epochs) stages.push('W');
  return stages;
}
