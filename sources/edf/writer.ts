/**
 * Writes EDF+C / BDF+C files (or EDF+D / BDF+D given record onsets, or plain EDF / BDF) from physical samples
 * and annotations. The file is written under a temporary name in the target folder and renamed into place.
 *
 * Physical ranges are written in 8 characters, rounded outwards, and samples are scaled with the values as
 * written, so reading the file back gives each sample to within half a digital step.
 * Annotations go into the data record that contains their onset, after that record's time-keeping TAL.
 */
import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { InvalidDataError } from '../../framework/errors.js';
import { encodeHeader, type EdfFormat, type SignalFieldName } from './header.js';
import { formatPatient, formatRecording, type EdfPatient, type EdfRecording } from './identification.js';
import { encodeDigital, scalingOf } from './samples.js';
import { encodeTal, formatSeconds } from './tal.js';

export interface EdfWriteSignal {
  readonly label: string;
  readonly transducer?: string;
  /** Physical dimension, e.g. 'uV'. */
  readonly unit?: string;
  readonly prefiltering?: string;
  /** Samples per second; sampleRate * recordDuration must be a whole number. */
  readonly sampleRate: number;
  /** Default: the smallest sample. */
  readonly physicalMin?: number;
  /** Default: the largest sample. */
  readonly physicalMax?: number;
  /** Default: the format's full range (EDF -32768..32767, BDF -8388608..8388607). */
  readonly digitalMin?: number;
  readonly digitalMax?: number;
  /** Physical values; every signal must cover the same whole number of data records. */
  readonly samples: ArrayLike<number>;
}

export interface EdfAnnotationInput {
  /** Seconds after the start date/time in the header (whole seconds of `start`). */
  readonly onset: number;
  readonly duration?: number | null;
  readonly text: string;
}

export interface EdfWriteOptions {
  /** Default 'EDF'. */
  readonly format?: EdfFormat;
  /** EDF+/BDF+ with an annotation signal (default true). Annotations need it. */
  readonly plus?: boolean;
  readonly patient?: Partial<EdfPatient>;
  readonly recording?: Partial<Omit<EdfRecording, 'startdate'>>;
  /** Start: its UTC fields are written as the recording's clock time; its milliseconds become the sub-second start. */
  readonly start: Date;
  /** Seconds per data record (default 1, or 0 for an annotation-only file). */
  readonly recordDuration?: number;
  readonly signals: readonly EdfWriteSignal[];
  readonly annotations?: readonly EdfAnnotationInput[];
  /** Onset of each data record in seconds after the header's start: writes EDF+D / BDF+D. */
  readonly recordOnsets?: readonly number[];
}

export interface EdfWriteResult {
  readonly path: string;
  readonly bytes: number;
  readonly recordCount: number;
}

const DIGITAL_RANGE = { EDF: [-32768, 32767], BDF: [-8388608, 8388607] } as const;
const BATCH_BYTES = 4 << 20;

interface PlannedSignal {
  readonly fields: Record<SignalFieldName, string>;
  readonly samplesPerRecord: number;
  readonly source?: EdfWriteSignal;
  readonly gain: number;
  readonly offset: number;
  readonly digitalMin: number;
  readonly digitalMax: number;
}

export async function writeEdf(path: string, options: EdfWriteOptions): Promise<EdfWriteResult> {
  const format = options.format ?? 'EDF';
  const plus = options.plus ?? true;
  const bytesPerSample = format === 'BDF' ? 3 : 2;
  const annotations = options.annotations ?? [];
  if (!plus && (annotations.length > 0 || options.recordOnsets)) {
    throw new InvalidDataError(`${path}: annotations and record onsets need EDF+/BDF+ (plus: true)`);
  }
  const recordDuration = options.recordDuration ?? (options.signals.length === 0 ? 0 : 1);
  const data = options.signals.map((signal) => planSignal(signal, format, recordDuration, path));
  const recordCount = countRecords(data, options, path);
  const subsecond = options.start.getUTCMilliseconds() / 1000;
  const recordOnsets =
    options.recordOnsets ?? Array.from({ length: recordCount }, (_, r) => subsecond + r * recordDuration);

  const tals = plus ? recordTals(recordOnsets, annotations) : [];
  const annotationSignal = plus ? planAnnotationSignal(format, tals) : undefined;
  const signals = annotationSignal ? [...data, annotationSignal] : data;
  const recordBytes = signals.reduce((sum, s) => sum + s.samplesPerRecord * bytesPerSample, 0);

  const header = encodeHeader({
    format,
    patientId: formatPatient(options.patient ?? {}),
    recordingId: formatRecording(options.recording ?? {}, options.start.toISOString().slice(0, 10)),
    ...headerStart(options.start),
    reserved: plus ? `${format}+${options.recordOnsets ? 'D' : 'C'}` : format === 'BDF' ? '24BIT' : '',
    recordCount: String(recordCount),
    recordDuration: formatSeconds(recordDuration),
    signals: signals.map((s) => s.fields),
  });

  const temporary = `${path}.${randomUUID()}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.write(header);
    const perBatch = Math.max(1, Math.floor(BATCH_BYTES / recordBytes));
    const buffer = Buffer.alloc(Math.min(perBatch, Math.max(recordCount, 1)) * recordBytes);
    for (let first = 0; first < recordCount; first += perBatch) {
      const count = Math.min(perBatch, recordCount - first);
      buffer.fill(0);
      for (let i = 0; i < count; i++) {
        let offset = i * recordBytes;
        for (const signal of signals) {
          if (signal.source) encodeRecord(signal, first + i, bytesPerSample, buffer, offset, path);
          else tals[first + i]!.copy(buffer, offset);
          offset += signal.samplesPerRecord * bytesPerSample;
        }
      }
      await handle.write(buffer, 0, count * recordBytes);
    }
    await handle.close();
    await rename(temporary, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
  return { path, bytes: header.length + recordCount * recordBytes, recordCount };
}

function planSignal(signal: EdfWriteSignal, format: EdfFormat, recordDuration: number, path: string): PlannedSignal {
  const samplesPerRecord = signal.sampleRate * recordDuration;
  if (!Number.isInteger(samplesPerRecord) || samplesPerRecord < 1) {
    throw new InvalidDataError(
      `${path}: signal "${signal.label}": ${signal.sampleRate} Hz * ${recordDuration}-s records ` +
        'is not a whole number of samples',
    );
  }
  let low = signal.physicalMin;
  let high = signal.physicalMax;
  if (low === undefined || high === undefined) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < signal.samples.length; i++) {
      const x = signal.samples[i]!;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    if (!(min <= max)) [min, max] = [-1, 1];
    if (min === max) [min, max] = [min - 1, max + 1];
    low ??= min;
    high ??= max;
  }
  const [formatMin, formatMax] = DIGITAL_RANGE[format];
  const digitalMin = signal.digitalMin ?? formatMin;
  const digitalMax = signal.digitalMax ?? formatMax;
  const integers = Number.isInteger(digitalMin) && Number.isInteger(digitalMax);
  if (!integers || digitalMin < formatMin || digitalMax > formatMax || digitalMin >= digitalMax) {
    const range = `${digitalMin}..${digitalMax}`;
    throw new InvalidDataError(`${path}: signal "${signal.label}": digital range ${range} is not valid for ${format}`);
  }
  const inverted = low > high;
  const physicalMin = formatBound(low, inverted ? 'up' : 'down');
  const physicalMax = formatBound(high, inverted ? 'down' : 'up');
  const scaling = scalingOf({
    physicalMin: Number(physicalMin),
    physicalMax: Number(physicalMax),
    digitalMin,
    digitalMax,
  });
  return {
    fields: {
      label: signal.label,
      'transducer type': signal.transducer ?? '',
      'physical dimension': signal.unit ?? '',
      'physical minimum': physicalMin,
      'physical maximum': physicalMax,
      'digital minimum': String(digitalMin),
      'digital maximum': String(digitalMax),
      prefiltering: signal.prefiltering ?? '',
      'number of samples in a data record': String(samplesPerRecord),
      reserved: '',
    },
    samplesPerRecord,
    source: signal,
    ...scaling,
    digitalMin,
    digitalMax,
  };
}

/** The most precise decimal of at most 8 characters at or beyond `value` in the given direction. */
function formatBound(value: number, direction: 'down' | 'up'): string {
  for (let decimals = 7; decimals >= 0; decimals--) {
    const scale = 10 ** decimals;
    // The nudge keeps values such as 1.9999999999 (meant as 2) from moving a whole step outwards.
    const rounded =
      direction === 'down' ? Math.floor(value * scale + 1e-9) / scale : Math.ceil(value * scale - 1e-9) / scale;
    const text = rounded.toFixed(decimals).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    if (text.length <= 8) return text === '-0' ? '0' : text;
  }
  throw new InvalidDataError(`physical bound ${value} does not fit in 8 characters`);
}

function countRecords(signals: readonly PlannedSignal[], options: EdfWriteOptions, path: string): number {
  if (signals.length === 0) return options.recordOnsets?.length ?? 1;
  const counts = signals.map((s) => s.source!.samples.length / s.samplesPerRecord);
  const count = counts[0]!;
  signals.forEach((s, k) => {
    if (counts[k] !== count || !Number.isInteger(counts[k])) {
      throw new InvalidDataError(
        `${path}: signal "${s.source!.label}" has ${s.source!.samples.length} samples, ` +
          `not a whole number of ${s.samplesPerRecord}-sample records matching the other signals`,
      );
    }
  });
  if (options.recordOnsets && options.recordOnsets.length !== count) {
    throw new InvalidDataError(`${path}: ${options.recordOnsets.length} record onsets for ${count} data records`);
  }
  return count;
}

function encodeRecord(
  signal: PlannedSignal,
  record: number,
  bytesPerSample: 2 | 3,
  out: Buffer,
  offset: number,
  path: string,
): void {
  const { samples, label } = signal.source!;
  const { gain, offset: physicalOffset, samplesPerRecord: n } = signal;
  const low = Math.min(signal.digitalMin, signal.digitalMax);
  const high = Math.max(signal.digitalMin, signal.digitalMax);
  const start = record * n;
  for (let i = 0; i < n; i++) {
    const x = samples[start + i]!;
    if (Number.isNaN(x)) throw new InvalidDataError(`${path}: signal "${label}" sample ${start + i} is NaN`);
    const digital = Math.min(high, Math.max(low, Math.round((x - physicalOffset) / gain)));
    encodeDigital(digital, bytesPerSample, out, offset + i * bytesPerSample);
  }
}

/** Each record's TAL bytes: the time-keeping TAL, then the annotations whose onset falls in that record. */
function recordTals(onsets: readonly number[], annotations: readonly EdfAnnotationInput[]): Buffer[] {
  const perRecord: EdfAnnotationInput[][] = onsets.map(() => []);
  for (const annotation of annotations) perRecord[recordOf(onsets, annotation.onset)]?.push(annotation);
  return onsets.map((onset, r) => {
    const events = perRecord[r]!.map((a) => encodeTal(a.onset, a.duration ?? null, [a.text]));
    return Buffer.concat([encodeTal(onset, null, ['']), ...events]);
  });
}

/** The last record starting at or before `time` (record 0 for earlier times); onsets ascend. */
function recordOf(onsets: readonly number[], time: number): number {
  let low = 0;
  let high = onsets.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (onsets[mid]! <= time) low = mid;
    else high = mid - 1;
  }
  return low;
}

function planAnnotationSignal(format: EdfFormat, tals: readonly Buffer[]): PlannedSignal {
  const bytesPerSample = format === 'BDF' ? 3 : 2;
  const longest = tals.reduce((max, t) => Math.max(max, t.length), 1);
  const [digitalMin, digitalMax] = DIGITAL_RANGE[format];
  return {
    fields: {
      label: `${format} Annotations`,
      'transducer type': '',
      'physical dimension': '',
      'physical minimum': '-1',
      'physical maximum': '1',
      'digital minimum': String(digitalMin),
      'digital maximum': String(digitalMax),
      prefiltering: '',
      'number of samples in a data record': String(Math.ceil(longest / bytesPerSample)),
      reserved: '',
    },
    samplesPerRecord: Math.ceil(longest / bytesPerSample),
    gain: 1,
    offset: 0,
    digitalMin,
    digitalMax,
  };
}

/** dd.mm.yy and hh.mm.ss; years outside 1985–2084 are written 'yy' (the Startdate subfield keeps the year). */
function headerStart(start: Date): { startDate: string; startTime: string } {
  const two = (n: number) => String(n).padStart(2, '0');
  const year = start.getUTCFullYear();
  const yy = year >= 1985 && year <= 2084 ? two(year % 100) : 'yy';
  return {
    startDate: `${two(start.getUTCDate())}.${two(start.getUTCMonth() + 1)}.${yy}`,
    startTime: `${two(start.getUTCHours())}.${two(start.getUTCMinutes())}.${two(start.getUTCSeconds())}`,
  };
}
