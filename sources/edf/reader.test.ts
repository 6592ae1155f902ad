import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures.test-helpers.js';
import { EdfReader, readEdf } from './reader.js';

/**
 * Reference samples at known positions: decoded by a scratch Python script that uses only the standard library
 * (`struct.unpack('<h')` / `int.from_bytes(..., 'little', signed=True)` and the EDF scaling formula), independent
 * of this reader. pyedflib 0.1.42 gives the same values for these files.
 */
const REFERENCE: [file: string, signal: number, sample: number, physical: number][] = [
  ['SC4001E0-PSG-first5min.edf', 0, 0, 5.0168498168498274],
  ['SC4001E0-PSG-first5min.edf', 0, 1, -2.5787545787545696],
  ['SC4001E0-PSG-first5min.edf', 0, 12345, 22.552380952380958],
  ['SC4001E0-PSG-first5min.edf', 0, 29999, -7.454945054945057],
  ['SC4001E0-PSG-first5min.edf', 2, 3000, -36.220512820512795],
  ['SC4001E0-PSG-first5min.edf', 2, 17001, -47.55482295482295],
  ['SC4001E0-PSG-first5min.edf', 5, 150, 37.23118279569893],
  ['SC4001E0-PSG-first5min.edf', 5, 299, 37.19247311827957],
  ['SC4001E0-PSG-first5min.bdf', 0, 12345, 22.552380952380958],
  ['pyedflib_test_subsecond.edf', 0, 0, 6.247302967880387],
  ['pyedflib_test_subsecond.edf', 0, 128, -2.791348134584041],
  ['pyedflib_test_subsecond.edf', 0, 50000, 2.259662775615652],
  ['pyedflib_test_generator_records_0_5s-first5s.bdf', 4, 999, 676.7297790485491],
  ['pyedflib_test_generator_records_0_5s-first5s.bdf', 4, 1000, 409.77987109302694],
  ['pyedflib_test_generator_records_0_5s-first5s.bdf', 4, 9989, -268.74967031178903],
  ['pyedflib_test_generator_records_0_5s-first5s.bdf', 0, 2500, -31.410636389889532],
  ['pyedflib_test_generator-first10s.edf', 5, 1, 48.17273212787063],
  ['edfrs_discontinuous_edfplus.edf', 1, 634, 6300],
];

async function collect(chunks: AsyncIterable<Float32Array | Float64Array>): Promise<number[]> {
  const values: number[] = [];
  for await (const chunk of chunks) values.push(...chunk);
  return values;
}

describe('EDF reader', () => {
  it.each(REFERENCE)('decodes %s signal %i sample %i as an independent decoder does', async (file, signal, sample, physical) => {
    const data = await readEdf(fixture(file));
    const samples = data.signals.find((s) => s.header.index === signal)!.samples;
    expect(samples[sample]).toBeCloseTo(physical, 9);
  });

  it('gives BDF 24-bit samples equal to the EDF 16-bit samples of the same recording', async () => {
    const edf = await readEdf(fixture('SC4001E0-PSG-first5min.edf'));
    const bdf = await readEdf(fixture('SC4001E0-PSG-first5min.bdf'));
    expect(bdf.signals.map((s) => s.header.label)).toEqual(edf.signals.map((s) => s.header.label));
    bdf.signals.forEach((signal, k) => expect(signal.samples).toEqual(edf.signals[k]!.samples));
  });

  it('streams one signal in chunks whose concatenation does not depend on the chunk size', async () => {
    const reader = await EdfReader.open(fixture('SC4001E0-PSG-first5min.edf'));
    try {
      const whole = await collect(reader.readSignal('EEG Fpz-Cz'));
      const chunkSizes: number[] = [];
      const byRecord: number[] = [];
      for await (const chunk of reader.readSignal('EEG Fpz-Cz', { recordsPerChunk: 3 })) {
        chunkSizes.push(chunk.length);
        byRecord.push(...chunk);
      }
      expect(whole).toHaveLength(30000);
      expect(chunkSizes).toEqual([9000, 9000, 9000, 3000]);
      expect(byRecord).toEqual(whole);
      const float32 = await collect(reader.readSignal(0, { precision: 'float32' }));
      expect(float32[12345]).toBeCloseTo(22.552380952380958, 5);
    } finally {
      await reader.close();
    }
  });

  it('reads a range of data records, the end exclusive', async () => {
    const reader = await EdfReader.open(fixture('SC4001E0-PSG-first5min.edf'));
    try {
      const part = await collect(reader.readSignal('eeg fpz-cz', { fromRecord: 4, toRecord: 5 }));
      expect(part).toHaveLength(3000);
      expect(part[345]).toBeCloseTo(22.552380952380958, 9);
      await expect(collect(reader.readSignal(0, { fromRecord: 9, toRecord: 11 }))).rejects.toThrow(RangeError);
    } finally {
      await reader.close();
    }
  });

  it('iterates data records with their onsets and the selected signals', async () => {
    const reader = await EdfReader.open(fixture('pyedflib_test_generator-first10s.edf'));
    try {
      const records = [];
      for await (const record of reader.records({ signals: ['sine 8 Hz', 'ramp'] })) records.push(record);
      expect(records.map((r) => r.onset)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(records[0]!.samples.map((s) => s.length)).toEqual([200, 200]);
      expect(records[0]!.samples[0]![1]).toBeCloseTo(48.17273212787063, 9);
      expect(records[0]!.annotations).toEqual([{ onset: 0, duration: null, text: 'Recording starts' }]);
      expect(records[1]!.annotations).toEqual([{ onset: 600, duration: null, text: 'Recording ends' }]);
    } finally {
      await reader.close();
    }
  });

  it('names the available signals when a label is unknown', async () => {
    const reader = await EdfReader.open(fixture('SC4001E0-PSG-first5min.edf'));
    try {
      expect(() => reader.signal('EEG C3-A2')).toThrow(/no signal "EEG C3-A2".*0: "EEG Fpz-Cz"/);
    } finally {
      await reader.close();
    }
  });

  it('refuses to read an annotation signal as samples', async () => {
    const reader = await EdfReader.open(fixture('pyedflib_test_utf8.edf'));
    try {
      await expect(collect(reader.readSignal('EDF Annotations'))).rejects.toThrow(/holds annotations/);
    } finally {
      await reader.close();
    }
  });
});

describe('EDF+ annotations', () => {
  it('reads the 154 stage annotations of the Sleep-EDF hypnogram', async () => {
    const reader = await EdfReader.open(fixture('SC4001EC-Hypnogram.edf'));
    try {
      const { annotations, recordOnsets } = await reader.readAnnotations();
      expect(annotations).toHaveLength(154);
      expect(annotations[0]).toEqual({ onset: 0, duration: 30630, text: 'Sleep stage W' });
      expect(annotations.at(-1)).toEqual({ onset: 79500, duration: 6900, text: 'Sleep stage ?' });
      const counts: Record<string, number> = {};
      for (const a of annotations) counts[a.text] = (counts[a.text] ?? 0) + 1;
      expect(counts).toEqual({
        'Sleep stage W': 12,
        'Sleep stage 1': 24,
        'Sleep stage 2': 40,
        'Sleep stage 3': 48,
        'Sleep stage 4': 23,
        'Sleep stage R': 6,
        'Sleep stage ?': 1,
      });
      expect(Array.from(recordOnsets)).toEqual([0]);
    } finally {
      await reader.close();
    }
  });

  it('keeps UTF-8 annotation texts', async () => {
    const { annotations } = await readEdf(fixture('pyedflib_test_utf8.edf'));
    expect(annotations.map((a) => a.text)).toEqual(['XLSpike', 'Clip Note', '中文测试八个字', 'XLEvent', 'XLSpike']);
    expect(annotations[2]).toEqual({ onset: 120, duration: null, text: '中文测试八个字' });
  });

  it('reports onsets in the file frame, after the header time, as the TALs write them', async () => {
    const { annotations, recordOnsets, header } = await readEdf(fixture('pyedflib_test_subsecond.edf'));
    // pyedflib reports 1.9511719 for the first one: it subtracts the sub-second start.
    expect(annotations[0]).toEqual({ onset: 2.3457031, duration: null, text: 'XLSpike' });
    expect(recordOnsets[0]).toBe(header.startSubsecond);
    expect(recordOnsets[697]).toBeCloseTo(697.3945312, 9);
  });

  it('takes EDF+D record onsets from the time-keeping TALs', async () => {
    const { header, annotations, recordOnsets, signals } = await readEdf(fixture('edfrs_discontinuous_edfplus.edf'));
    expect(header.discontinuous).toBe(true);
    // This file's time-keeping TALs are "+0\x14SomeText\x14": every record claims onset 0 and the first
    // annotation is not the empty one the spec asks for, so the reader also reports it as an annotation.
    expect(Array.from(recordOnsets)).toEqual([0, 0, 0, 0, 0]);
    expect(annotations).toEqual(Array.from({ length: 5 }, () => ({ onset: 0, duration: null, text: 'SomeText' })));
    expect(signals.map((s) => [s.header.label, s.header.sampleRate, s.samples.length])).toEqual([
      ['Signal1', 100, 500],
      ['Signal2', 127, 635],
    ]);
  });

  it('reads a BDF+ annotation signal written in 24-bit samples', async () => {
    const { annotations, recordOnsets } = await readEdf(fixture('pyedflib_test_generator_records_0_5s-first5s.bdf'));
    expect(annotations).toEqual([]);
    expect(Array.from(recordOnsets)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
  });
});
