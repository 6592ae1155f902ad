import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEdf } from './reader.js';
import { writeEdf, type EdfWriteOptions } from './writer.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'edf-writer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const seconds = 10;
const eeg = Float64Array.from({ length: 100 * seconds }, (_, i) => 150 * Math.sin((2 * Math.PI * 10 * i) / 100) + 0.123);
const temperature = Float64Array.from({ length: seconds }, (_, i) => 36.5 + i * 0.01);
const inverted = Float64Array.from({ length: 50 * seconds }, (_, i) => (i % 50) - 25);

const options = (overrides: Partial<EdfWriteOptions> = {}): EdfWriteOptions => ({
  start: new Date('2024-03-09T23:15:42.250Z'),
  patient: { code: 'P-01', sex: 'F', birthdate: '1980-02-29', name: 'Jane Doe' },
  recording: { adminCode: 'PSG-7', technician: 'AB', equipment: 'Assay generator' },
  recordDuration: 1,
  signals: [
    { label: 'EEG Fpz-Cz', unit: 'uV', transducer: 'AgAgCl electrode', prefiltering: 'HP:0.5Hz', sampleRate: 100, samples: eeg },
    { label: 'Temp rectal', unit: 'degC', sampleRate: 1, physicalMin: 34, physicalMax: 40, digitalMin: -2048, digitalMax: 2047, samples: temperature },
    { label: 'Inverted', unit: 'uV', sampleRate: 50, physicalMin: 100, physicalMax: -100, samples: inverted },
  ],
  annotations: [
    { onset: 0.25, text: 'Lights off' },
    { onset: 3.5, duration: 12, text: 'Obstructive apnea' },
    { onset: 9.75, duration: 0.5, text: 'Arousal 中文' },
  ],
  ...overrides,
});

function expectWithinHalfStep(actual: Float64Array, expected: ArrayLike<number>, header: { physicalMin: number; physicalMax: number; digitalMin: number; digitalMax: number }) {
  const step = Math.abs(header.physicalMax - header.physicalMin) / (header.digitalMax - header.digitalMin);
  expect(actual).toHaveLength(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThanOrEqual(step / 2 + 1e-9);
}

describe('EDF writer', () => {
  it('round-trips signals, annotations and identification through EDF+C', async () => {
    const path = join(dir, 'round-trip.edf');
    const written = await writeEdf(path, options());
    const data = await readEdf(path);
    expect(written.recordCount).toBe(10);
    expect((await readFile(path)).length).toBe(written.bytes);
    expect(data.header).toMatchObject({
      variant: 'EDF+C',
      patientId: 'P-01 F 29-FEB-1980 Jane_Doe',
      recordingId: 'Startdate 09-MAR-2024 PSG-7 AB Assay_generator',
      patient: { code: 'P-01', sex: 'F', birthdate: '1980-02-29', name: 'Jane_Doe' },
      recording: { startdate: '2024-03-09', adminCode: 'PSG-7', technician: 'AB', equipment: 'Assay_generator' },
      startDate: '2024-03-09',
      startTime: '23:15:42',
      startSubsecond: 0.25,
      recordCount: 10,
      recordDuration: 1,
    });
    expect(data.header.start.toISOString()).toBe('2024-03-09T23:15:42.250Z');
    const [fpz, temp, inv] = data.signals;
    expect(fpz!.header).toMatchObject({ label: 'EEG Fpz-Cz', unit: 'uV', transducer: 'AgAgCl electrode', prefiltering: 'HP:0.5Hz', sampleRate: 100 });
    expect(temp!.header).toMatchObject({ physicalMin: 34, physicalMax: 40, digitalMin: -2048, digitalMax: 2047 });
    expect(inv!.header).toMatchObject({ physicalMin: 100, physicalMax: -100 });
    for (const signal of data.signals) {
      const source = options().signals.find((s) => s.label === signal.header.label)!;
      expectWithinHalfStep(signal.samples, source.samples, signal.header);
    }
    expect(data.annotations).toEqual([
      { onset: 0.25, duration: null, text: 'Lights off' },
      { onset: 3.5, duration: 12, text: 'Obstructive apnea' },
      { onset: 9.75, duration: 0.5, text: 'Arousal 中文' },
    ]);
    expect(Array.from(data.recordOnsets)).toEqual([0.25, 1.25, 2.25, 3.25, 4.25, 5.25, 6.25, 7.25, 8.25, 9.25]);
  });

  it('writes BDF+ with 24-bit samples that read back within half a digital step', async () => {
    const path = join(dir, 'round-trip.bdf');
    await writeEdf(path, options({ format: 'BDF' }));
    const data = await readEdf(path);
    expect(data.header).toMatchObject({ format: 'BDF', variant: 'BDF+C', bytesPerSample: 3 });
    expect(data.header.signals.at(-1)).toMatchObject({ label: 'BDF Annotations', digitalMin: -8388608, digitalMax: 8388607 });
    expectWithinHalfStep(data.signals[0]!.samples, eeg, data.signals[0]!.header);
    expect(Math.abs(data.signals[0]!.samples[17]! - eeg[17]!)).toBeLessThan(1e-4);
    expect(data.annotations).toHaveLength(3);
  });

  it('writes plain EDF and BDF without an annotation signal', async () => {
    const edf = join(dir, 'plain.edf');
    const bdf = join(dir, 'plain.bdf');
    await writeEdf(edf, options({ plus: false, annotations: [] }));
    await writeEdf(bdf, options({ plus: false, annotations: [], format: 'BDF' }));
    expect((await readEdf(edf)).header).toMatchObject({ variant: 'EDF', reserved: '', startSubsecond: 0 });
    expect((await readEdf(bdf)).header).toMatchObject({ variant: 'BDF', reserved: '24BIT' });
    await expect(writeEdf(join(dir, 'bad.edf'), options({ plus: false }))).rejects.toThrow(/need EDF\+/);
  });

  it('writes an annotation-only hypnogram like Sleep-EDF: one record of 0 seconds', async () => {
    const path = join(dir, 'hypnogram.edf');
    const annotations = [
      { onset: 0, duration: 60, text: 'Sleep stage W' },
      { onset: 60, duration: 90, text: 'Sleep stage 1' },
      { onset: 150, duration: 30, text: 'Movement time' },
    ];
    await writeEdf(path, { start: new Date('1989-04-24T16:13:00Z'), signals: [], annotations });
    const data = await readEdf(path);
    expect(data.header).toMatchObject({ variant: 'EDF+C', recordCount: 1, recordDuration: 0, startDate: '1989-04-24' });
    expect(data.signals).toEqual([]);
    expect(data.annotations).toEqual(annotations);
  });

  it('writes EDF+D with the given record onsets', async () => {
    const path = join(dir, 'discontinuous.edf');
    await writeEdf(path, {
      start: new Date('2020-01-01T00:00:00Z'),
      recordDuration: 2,
      recordOnsets: [0, 10, 12.5],
      signals: [{ label: 'X', sampleRate: 4, samples: Float64Array.from({ length: 24 }, (_, i) => i) }],
      annotations: [{ onset: 11, text: 'in the second record' }],
    });
    const data = await readEdf(path);
    expect(data.header.variant).toBe('EDF+D');
    expect(Array.from(data.recordOnsets)).toEqual([0, 10, 12.5]);
    expect(data.annotations).toEqual([{ onset: 11, duration: null, text: 'in the second record' }]);
  });

  it('keeps years outside 1985–2084 in the Startdate subfield', async () => {
    for (const year of [1984, 2090]) {
      const path = join(dir, `year-${year}.edf`);
      await writeEdf(path, options({ start: new Date(`${year}-07-01T08:00:00Z`) }));
      const raw = (await readFile(path)).subarray(168, 176).toString('latin1');
      expect(raw).toBe('01.07.yy');
      expect((await readEdf(path)).header.startDate).toBe(`${year}-07-01`);
    }
  });

  it('rounds physical bounds outwards to fit 8 characters', async () => {
    const path = join(dir, 'bounds.edf');
    const samples = Float64Array.from([-123.456789, 0, 987.654321, 5]);
    await writeEdf(path, { start: new Date('2024-01-01T00:00:00Z'), signals: [{ label: 'S', sampleRate: 4, samples }] });
    const { signals } = await readEdf(path);
    expect(signals[0]!.header).toMatchObject({ physicalMin: -123.457, physicalMax: 987.6544 });
    expectWithinHalfStep(signals[0]!.samples, samples, signals[0]!.header);
  });

  it('leaves no file behind when writing fails', async () => {
    const failing = join(dir, 'failing');
    await import('node:fs/promises').then((fs) => fs.mkdir(failing));
    const samples = Float64Array.from([1, Number.NaN]);
    await expect(
      writeEdf(join(failing, 'nan.edf'), { start: new Date('2024-01-01T00:00:00Z'), signals: [{ label: 'S', sampleRate: 2, physicalMin: 0, physicalMax: 2, samples }] }),
    ).rejects.toThrow(/NaN/);
    expect(await readdir(failing)).toEqual([]);
  });

  it('rejects signals that do not fill whole, equal numbers of records', async () => {
    await expect(
      writeEdf(join(dir, 'uneven.edf'), {
        start: new Date('2024-01-01T00:00:00Z'),
        signals: [
          { label: 'A', sampleRate: 2, samples: new Float64Array(4) },
          { label: 'B', sampleRate: 2, samples: new Float64Array(6) },
        ],
      }),
    ).rejects.toThrow(/"B" has 6 samples/);
  });
});
