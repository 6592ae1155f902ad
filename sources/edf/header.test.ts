import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fixture } from './fixtures.test-helpers.js';
import { EdfFormatError } from './errors.js';
import { parseHeader } from './header.js';
import { EdfReader } from './reader.js';

interface ReferenceSignal {
  label: string;
  transducer_type: string;
  physical_dimension: string;
  physical_min: number;
  physical_max: number;
  digital_min: number;
  digital_max: number;
  prefiltering: string;
  samples_per_data_record: number;
  reserved: string;
  sampling_frequency: number;
}

async function headerOf(name: string) {
  const reader = await EdfReader.open(fixture(name));
  await reader.close();
  return reader.header;
}

describe('EDF header', () => {
  it('matches the reference signal headers of the Sleep-EDF excerpt', async () => {
    const reference = JSON.parse(await readFile(fixture('SC4001E0-PSG-first5min.header.json'), 'utf8')) as ReferenceSignal[];
    const header = await headerOf('SC4001E0-PSG-first5min.edf');
    expect(
      header.signals.map((s) => ({
        label: s.label,
        transducer_type: s.transducer,
        physical_dimension: s.unit,
        physical_min: s.physicalMin,
        physical_max: s.physicalMax,
        digital_min: s.digitalMin,
        digital_max: s.digitalMax,
        prefiltering: s.prefiltering,
        samples_per_data_record: s.samplesPerRecord,
        reserved: s.reserved,
        sampling_frequency: s.sampleRate,
      })),
    ).toEqual(reference);
  });

  it('reads the fixed fields of a plain EDF file written with EDF+ style identification', async () => {
    const header = await headerOf('SC4001E0-PSG-first5min.edf');
    expect(header).toMatchObject({
      format: 'EDF',
      variant: 'EDF',
      plus: false,
      discontinuous: false,
      bytesPerSample: 2,
      patientId: 'X F X Female_33yr',
      recordingId: 'Startdate 24-APR-1989 X X X',
      patient: { code: null, sex: 'F', birthdate: null, name: 'Female_33yr', additional: [] },
      recording: { startdate: '1989-04-24', adminCode: null, technician: null, equipment: null, additional: [] },
      startDate: '1989-04-24',
      startTime: '16:13:00',
      startSubsecond: 0,
      headerBytes: 2048,
      recordCountField: 10,
      recordCount: 10,
      recordDuration: 30,
      reserved: '',
      recordBytes: 18240,
    });
    expect(header.start.toISOString()).toBe('1989-04-24T16:13:00.000Z');
    expect(header.signals.every((s) => !s.isAnnotation)).toBe(true);
  });

  it('reads every EDF+ identification subfield', async () => {
    const header = await headerOf('edfrs_discontinuous_edfplus.edf');
    expect(header.patient).toEqual({ code: 'CODE1', sex: 'M', birthdate: '2001-07-11', name: 'CODE1', additional: [] });
    expect(header.recording).toEqual({
      startdate: '2026-02-13',
      adminCode: 'CODE2',
      technician: 'TECHMAN',
      equipment: 'EQUIPMENT',
      additional: [],
    });
    expect(header.startDate).toBe('2026-02-13');
    expect(header.variant).toBe('EDF+D');
    expect(header.discontinuous).toBe(true);
  });

  it('describes an annotation-only hypnogram with 0-second records', async () => {
    const header = await headerOf('SC4001EC-Hypnogram.edf');
    expect(header).toMatchObject({ variant: 'EDF+C', recordDuration: 0, recordCount: 1, headerBytes: 512 });
    expect(header.signals).toHaveLength(1);
    expect(header.signals[0]).toMatchObject({ label: 'EDF Annotations', isAnnotation: true, samplesPerRecord: 2054, sampleRate: 0 });
  });

  it('recognises BDF by its version bytes and BDF+ by its reserved field', async () => {
    const bdf = await headerOf('SC4001E0-PSG-first5min.bdf');
    expect(bdf).toMatchObject({ format: 'BDF', variant: 'BDF', bytesPerSample: 3, recordBytes: 27360 });
    const bdfPlus = await headerOf('pyedflib_test_generator_records_0_5s-first5s.bdf');
    expect(bdfPlus).toMatchObject({ format: 'BDF', variant: 'BDF+C', plus: true, recordDuration: 0.5, startDate: '2000-01-01' });
    expect(bdfPlus.signals.map((s) => s.sampleRate)).toEqual([2000, 1600, 1000, 1950, 1998, 76]);
    expect(bdfPlus.signals[5]).toMatchObject({ label: 'BDF Annotations', isAnnotation: true });
  });

  it('keeps an inverted physical range (physical minimum above maximum)', async () => {
    const header = await headerOf('pyedflib_test_subsecond.edf');
    expect(header.signals[0]).toMatchObject({ label: 'Fp1', physicalMin: 8711, physicalMax: -8711, digitalMin: -32768, digitalMax: 32767 });
  });

  it('takes the sub-second start from the first time-keeping TAL', async () => {
    const header = await headerOf('pyedflib_test_subsecond.edf');
    expect(header.startTime).toBe('04:05:56');
    expect(header.startSubsecond).toBe(0.3945312);
    expect(header.start.toISOString()).toBe('2020-01-24T04:05:56.395Z');
  });

  it.each([
    ['01.01.85', 'lab recording 7', '1985-01-01'],
    ['31.12.84', 'lab recording 7', '2084-12-31'],
    ['31.12.99', 'lab recording 7', '1999-12-31'],
    ['05.06.00', 'lab recording 7', '2000-06-05'],
    ['05.06.yy', 'Startdate 05-JUN-2091 X X X', '2091-06-05'],
    ['05.06.84', 'Startdate 05-JUN-1984 X X X', '1984-06-05'],
  ])('reads start date %s with recording field %j as %s', async (date, recordingId, expected) => {
    const bytes = Buffer.from(await readFile(fixture('SC4001E0-PSG-first5min.edf')));
    bytes.write(date, 168, 'latin1');
    bytes.write(recordingId.padEnd(80), 88, 'latin1');
    expect(parseHeader(bytes.subarray(0, 2048)).startDate).toBe(expected);
  });

  it('needs the Startdate subfield when the header year is yy', async () => {
    const bytes = Buffer.from(await readFile(fixture('SC4001E0-PSG-first5min.edf')));
    bytes.write('05.06.yy', 168, 'latin1');
    expect(() => parseHeader(bytes.subarray(0, 2048), 'x.edf')).toThrow('x.edf: startdate of recording at byte offset 168: year "yy" needs');
  });

  it.each([
    ['31.02.01', 'lab recording 7'],
    ['29.02.01', 'lab recording 7'],
    ['31.04.99', 'lab recording 7'],
    ['29.02.yy', 'Startdate 29-FEB-2100 X X X'],
  ])('rejects the impossible calendar date %s (recording field %j) naming the field and byte offset', async (date, recordingId) => {
    const bytes = Buffer.from(await readFile(fixture('SC4001E0-PSG-first5min.edf')));
    bytes.write(date, 168, 'latin1');
    bytes.write(recordingId.padEnd(80), 88, 'latin1');
    const error = (() => {
      try {
        parseHeader(bytes.subarray(0, 2048), 'x.edf');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(EdfFormatError);
    expect((error as EdfFormatError).location).toMatchObject({ file: 'x.edf', field: 'startdate of recording', byteOffset: 168 });
    expect((error as EdfFormatError).message).toMatch(/^x\.edf: startdate of recording at byte offset 168: .*not a calendar date/);
  });

  it('accepts 29 February in a leap year', async () => {
    const bytes = Buffer.from(await readFile(fixture('SC4001E0-PSG-first5min.edf')));
    bytes.write('29.02.00', 168, 'latin1');
    bytes.write('lab recording 7'.padEnd(80), 88, 'latin1');
    expect(parseHeader(bytes.subarray(0, 2048)).startDate).toBe('2000-02-29');
  });
});
