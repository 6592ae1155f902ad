import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEdf } from '../edf/writer.js';
import { InvalidDataError } from '../../framework/errors.js';
import { BandPowerEstimator, EEG_BANDS, edfBandPowers, epochBandPowers, type BandName } from './band-power.js';
import { referenceSignal } from './reference-signal.test-helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'band-power-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sine = (amplitude: number, hz: number, fs: number, seconds: number) =>
  Float64Array.from({ length: fs * seconds }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / fs + 0.3));

function whiteNoise(length: number, seed: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

describe('band power', () => {
  it.each([
    ['delta', 2],
    ['theta', 6],
    ['alpha', 10],
    ['sigma', 14],
    ['beta', 20],
    ['gamma', 40],
  ] as [BandName, number][])('puts a sinusoid of amplitude A into %s with power A²/2', (band, hz) => {
    const [epoch] = epochBandPowers(sine(20, hz, 100, 30), 100);
    expect(epoch!.absolute[band]).toBeCloseTo(200, 6);
    expect(epoch!.relative[band]).toBeCloseTo(1, 9);
    expect(epoch!.total).toBeCloseTo(200, 6);
    for (const other of EEG_BANDS.filter((b) => b.name !== band)) expect(epoch!.absolute[other.name]).toBeLessThan(1e-6);
  });

  it('gives white noise relative powers proportional to band width over 44.5 Hz', () => {
    const epochs = epochBandPowers(whiteNoise(100 * 30 * 40, 7), 100);
    expect(epochs).toHaveLength(40);
    for (const band of EEG_BANDS) {
      const mean = epochs.reduce((s, e) => s + e.relative[band.name]!, 0) / epochs.length;
      const expected = (band.high - band.low) / 44.5;
      expect(Math.abs(mean - expected) / expected).toBeLessThan(0.05);
    }
  });

  it('equals band sums of the scipy.signal.welch spectrum', () => {
    // Sums of scipy.signal.welch(referenceSignal(100, 3000), fs=100, nperseg=400) over lo <= f < hi, times 0.25 Hz.
    const scipy: Record<BandName, number> = {
      delta: 31.977682546529284,
      theta: 0.8128684498647952,
      alpha: 200.22519926076086,
      sigma: 12.513372946318515,
      beta: 0.1947800269435087,
      gamma: 4.558661791908714,
    };
    const [epoch] = epochBandPowers(referenceSignal(100, 3000), 100);
    expect(epoch!.total).toBeCloseTo(250.28256502232568, 8);
    for (const band of EEG_BANDS) {
      expect(Math.abs(epoch!.absolute[band.name]! - scipy[band.name]) / scipy[band.name]).toBeLessThan(1e-9);
      expect(epoch!.relative[band.name]).toBeCloseTo(scipy[band.name] / 250.28256502232568, 12);
    }
  });

  it('cuts epochs from the first sample and leaves out a trailing partial epoch', () => {
    const signal = referenceSignal(100, 3000 * 3 + 2999);
    const epochs = epochBandPowers(signal, 100);
    expect(epochs).toHaveLength(3);
    expect(epochs[1]).toEqual(epochBandPowers(signal.subarray(3000, 6000), 100)[0]);
  });

  it('is null for bands at or above Nyquist and sums the total up to Nyquist', () => {
    const [epoch] = epochBandPowers(sine(10, 20, 50, 30), 50);
    expect(epoch!.absolute.gamma).toBeNull();
    expect(epoch!.relative.gamma).toBeNull();
    expect(epoch!.absolute.beta).toBeCloseTo(50, 6);
    expect(epoch!.relative.beta).toBeCloseTo(1, 9);
  });

  it('gives relative powers of the non-null bands that sum to 1 when a band starts exactly at Nyquist', () => {
    // fs = 60 Hz: Nyquist = 30 Hz = gamma's lower edge. White noise has power in the Nyquist bin, which belongs to
    // no band (beta stops below 30 Hz, gamma is null) and so must not be in the total either.
    const [epoch] = epochBandPowers(whiteNoise(60 * 30, 7), 60);
    expect(epoch!.absolute.gamma).toBeNull();
    const bands = EEG_BANDS.map((b) => b.name).filter((name) => name !== 'gamma');
    expect(bands.reduce((sum, name) => sum + epoch!.relative[name]!, 0)).toBeCloseTo(1, 12);
    expect(bands.reduce((sum, name) => sum + epoch!.absolute[name]!, 0)).toBeCloseTo(epoch!.total, 12);
  });

  it('rejects a sampling rate whose 4-s segment is not a whole number of samples with an InvalidDataError naming the rate', () => {
    // 100.1 Hz: a 30-s epoch is 3003 samples, but a 4-s segment would be 400.4.
    const run = () => epochBandPowers(new Float64Array(3003), 100.1);
    expect(run).toThrow(InvalidDataError);
    expect(run).toThrow(/sampling rate 100\.1 Hz: a 4-s Welch segment is 400\.4\d* samples/);
    expect(() => new BandPowerEstimator(100.25)).toThrow(InvalidDataError);
  });

  it('gives null relative powers for a flat epoch', () => {
    const [epoch] = epochBandPowers(new Float64Array(3000).fill(3), 100);
    expect(epoch!.total).toBe(0);
    expect(epoch!.absolute.alpha).toBe(0);
    expect(epoch!.relative.alpha).toBeNull();
  });
});

describe('band power from EDF files', () => {
  // The reference signal without its linear trend, plus a slow wave: it stays inside the ±300 µV written range.
  const signal = Float64Array.from(referenceSignal(100, 100 * 600), (x, i) => x - 0.02 * i + 30 * Math.sin(i / 700));

  it('does not depend on how the file splits the signal into data records', async () => {
    const results = [];
    for (const recordDuration of [1, 7.5, 30]) {
      const path = join(dir, `records-${recordDuration}.edf`);
      await writeEdf(path, {
        start: new Date('2024-01-01T23:00:00Z'),
        recordDuration,
        signals: [
          { label: 'EEG Fpz-Cz', sampleRate: 100, physicalMin: -300, physicalMax: 300, samples: signal },
          { label: 'EOG', sampleRate: 50, samples: new Float64Array(50 * 600) },
        ],
      });
      results.push(await edfBandPowers(path));
    }
    expect(results[0]).toHaveLength(1);
    expect(results[0]![0]!.channel).toBe('EEG Fpz-Cz');
    expect(results[0]![0]!.epochs).toHaveLength(20);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    const inMemory = epochBandPowers(signal, 100);
    // Only 16-bit quantisation separates the file from the in-memory signal.
    const fromFile = results[0]![0]!.epochs[5]!.absolute.alpha!;
    expect(Math.abs(fromFile - inMemory[5]!.absolute.alpha!) / fromFile).toBeLessThan(1e-4);
  });

  it('rejects EDF+D files whose records leave gaps, and accepts contiguous ones', async () => {
    const samples = signal.subarray(0, 100 * 60);
    const write = (name: string, recordOnsets: number[]) =>
      writeEdf(join(dir, name), {
        start: new Date('2024-01-01T23:00:00Z'),
        recordDuration: 30,
        recordOnsets,
        signals: [{ label: 'EEG Pz-Oz', sampleRate: 100, samples }],
      });
    await write('gap.edf', [0, 45]);
    await write('contiguous.edf', [0, 30]);
    await expect(edfBandPowers(join(dir, 'gap.edf'))).rejects.toThrow(/data record 1 starts at 45 s, not 30 s/);
    expect((await edfBandPowers(join(dir, 'contiguous.edf')))[0]!.epochs).toHaveLength(2);
  });
});
