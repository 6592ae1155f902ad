/**
 * The EDF/BDF header record: 256 bytes of fixed fields, then 256 bytes per signal laid out field by field
 * (all labels, then all transducers, ...). Text is ASCII, left-justified and space-padded.
 * EDF: version "0", 16-bit samples. BDF (BioSemi): version byte 0xFF + "BIOSEMI", 24-bit samples.
 * EDF+/BDF+: reserved field starts with "EDF+C"/"EDF+D" ("BDF+C"/"BDF+D"); plain BDF writes "24BIT".
 */
import { EdfFormatError } from './errors.js';
import { parsePatient, parseRecording, type EdfPatient, type EdfRecording } from './identification.js';

export type EdfFormat = 'EDF' | 'BDF';
export type EdfVariant = 'EDF' | 'EDF+C' | 'EDF+D' | 'BDF' | 'BDF+C' | 'BDF+D';

export const FIXED_HEADER_BYTES = 256;
export const SIGNAL_HEADER_BYTES = 256;
export const BDF_VERSION = '\xffBIOSEMI';
export const ANNOTATION_LABELS: readonly string[] = ['EDF Annotations', 'BDF Annotations'];

export interface EdfSignalHeader {
  readonly index: number;
  readonly label: string;
  readonly transducer: string;
  /** Physical dimension, e.g. 'uV'. */
  readonly unit: string;
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly digitalMin: number;
  readonly digitalMax: number;
  readonly prefiltering: string;
  readonly samplesPerRecord: number;
  readonly reserved: string;
  /** An 'EDF Annotations' / 'BDF Annotations' signal: its bytes are TALs, not samples. */
  readonly isAnnotation: boolean;
  /** samplesPerRecord / recordDuration; 0 when records last 0 s (annotation-only files). */
  readonly sampleRate: number;
  /** Byte offset of this signal's samples inside a data record. */
  readonly recordOffset: number;
}

export interface EdfHeader {
  readonly format: EdfFormat;
  readonly variant: EdfVariant;
  /** EDF+ or BDF+ (annotations, identification subfields, possibly discontinuous). */
  readonly plus: boolean;
  /** EDF+D / BDF+D: data records need not be contiguous; their onsets come from the time-keeping TALs. */
  readonly discontinuous: boolean;
  readonly bytesPerSample: 2 | 3;
  /** The 80-character 'local patient identification', trimmed. */
  readonly patientId: string;
  /** The 80-character 'local recording identification', trimmed. */
  readonly recordingId: string;
  /** EDF+ subfields of patientId, when it follows that structure (also in plain EDF files written that way). */
  readonly patient: EdfPatient | null;
  readonly recording: EdfRecording | null;
  /**
   * Start date 'YYYY-MM-DD': two-digit years 85–99 are 1985–1999, 00–84 are 2000–2084, unless the EDF+
   * Startdate subfield (same day and month) gives the full year; header year 'yy' needs that subfield.
   */
  readonly startDate: string;
  /** Start time 'HH:MM:SS' (local clock time of the recording; EDF has no time zone). */
  readonly startTime: string;
  /** Seconds after startTime at which the first data record starts (EDF+ sub-second start); set by the reader. */
  readonly startSubsecond: number;
  /** Start date and time (plus startSubsecond) as a Date whose UTC fields are the recording's local clock time. */
  readonly start: Date;
  readonly headerBytes: number;
  /** The 'number of data records' field as written; -1 means unknown. */
  readonly recordCountField: number;
  /** Number of data records to read: the field, or the count derived from the file size when it is -1. */
  readonly recordCount: number;
  /** Seconds per data record; 0 only in annotation-only files. */
  readonly recordDuration: number;
  readonly reserved: string;
  readonly signals: readonly EdfSignalHeader[];
  /** Bytes of one data record. */
  readonly recordBytes: number;
}

const SIGNAL_FIELDS = [
  ['label', 16],
  ['transducer type', 80],
  ['physical dimension', 8],
  ['physical minimum', 8],
  ['physical maximum', 8],
  ['digital minimum', 8],
  ['digital maximum', 8],
  ['prefiltering', 80],
  ['number of samples in a data record', 8],
  ['reserved', 32],
] as const;

export type SignalFieldName = (typeof SIGNAL_FIELDS)[number][0];

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

const text = (bytes: Uint8Array, offset: number, width: number): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset + offset, width).toString('latin1').replace(/\0/g, ' ').trim();

/** Reads the signal count from the first 256 bytes; the full header is 256 * (count + 1) bytes. */
export function signalCountOf(fixed: Uint8Array, file?: string): number {
  if (fixed.length < FIXED_HEADER_BYTES) {
    throw new EdfFormatError(`file is ${fixed.length} bytes, shorter than the ${FIXED_HEADER_BYTES}-byte header`, {
      file,
      field: 'header record',
      byteOffset: fixed.length,
    });
  }
  checkVersion(fixed, file);
  const count = integerField(fixed, 252, 4, 'number of signals', file);
  if (count < 1) {
    throw new EdfFormatError(`must be at least 1, got ${count}`, { file, field: 'number of signals', byteOffset: 252 });
  }
  return count;
}

function checkVersion(bytes: Uint8Array, file?: string): EdfFormat {
  const version = Buffer.from(bytes.buffer, bytes.byteOffset, 8).toString('latin1');
  if (version === BDF_VERSION) return 'BDF';
  if (version.trim() === '0') return 'EDF';
  const expected = '(expected "0" for EDF or "\\xFFBIOSEMI" for BDF)';
  throw new EdfFormatError(`unknown version ${JSON.stringify(version)} ${expected}`, { file, field: 'version', byteOffset: 0 });
}

type FieldReader = (bytes: Uint8Array, offset: number, width: number, field: string, file?: string, signal?: Sig) => number;

const numberField: FieldReader = (bytes, offset, width, field, file, signal) => {
  const value = text(bytes, offset, width);
  if (!NUMBER.test(value)) throw notNumeric(value, 'a number', field, offset, file, signal);
  return Number(value);
};

const integerField: FieldReader = (bytes, offset, width, field, file, signal) => {
  const value = text(bytes, offset, width);
  if (!INTEGER.test(value)) throw notNumeric(value, 'an integer', field, offset, file, signal);
  return Number(value);
};

interface Sig {
  index: number;
  label: string;
}

function notNumeric(value: string, kind: string, field: string, byteOffset: number, file?: string, signal?: Sig) {
  return new EdfFormatError(`${JSON.stringify(value)} is not ${kind}`, {
    file,
    field,
    byteOffset,
    signalIndex: signal?.index,
    signalLabel: signal?.label,
  });
}

/** Parses the complete header record (256 * (ns + 1) bytes). recordCount is the field's value, or 0 when it is -1. */
export function parseHeader(bytes: Uint8Array, file?: string): EdfHeader {
  const format = checkVersion(bytes, file);
  const signalCount = signalCountOf(bytes, file);
  const expectedBytes = FIXED_HEADER_BYTES + SIGNAL_HEADER_BYTES * signalCount;
  const headerBytes = integerField(bytes, 184, 8, 'number of bytes in header record', file);
  if (headerBytes !== expectedBytes) {
    throw new EdfFormatError(`is ${headerBytes} but 256 * (${signalCount} signals + 1) = ${expectedBytes}`, {
      file,
      field: 'number of bytes in header record',
      byteOffset: 184,
    });
  }
  if (bytes.length < expectedBytes) {
    throw new EdfFormatError(`file is ${bytes.length} bytes, shorter than its ${expectedBytes}-byte header`, {
      file,
      field: 'header record',
      byteOffset: bytes.length,
    });
  }
  const reserved = text(bytes, 192, 44);
  const plusMatch = /^(?:EDF|BDF)\+([CD])/.exec(reserved);
  const plus = plusMatch !== null;
  const discontinuous = plusMatch?.[1] === 'D';
  const variant = `${format}${plus ? (discontinuous ? '+D' : '+C') : ''}` as EdfVariant;

  const recordCountField = integerField(bytes, 236, 8, 'number of data records', file);
  if (recordCountField < -1) {
    throw new EdfFormatError(`must be -1 (unknown) or at least 0, got ${recordCountField}`, {
      file,
      field: 'number of data records',
      byteOffset: 236,
    });
  }
  const recordDuration = numberField(bytes, 244, 8, 'duration of a data record', file);
  if (recordDuration < 0) {
    throw new EdfFormatError(`must not be negative, got ${recordDuration}`, {
      file,
      field: 'duration of a data record',
      byteOffset: 244,
    });
  }

  const patientId = text(bytes, 8, 80);
  const recordingId = text(bytes, 88, 80);
  const recording = parseRecording(recordingId);
  const patient = plus || recording !== null ? parsePatient(patientId) : null;
  const { startDate, startTime } = parseStart(bytes, recording, file);

  const bytesPerSample = format === 'BDF' ? 3 : 2;
  const signals = parseSignals(bytes, signalCount, recordDuration, bytesPerSample, file);
  if (recordDuration === 0) {
    const ordinary = signals.find((s) => !s.isAnnotation);
    if (ordinary) {
      throw new EdfFormatError('is 0, which only annotation-only files may use', {
        file,
        field: 'duration of a data record',
        byteOffset: 244,
        signalIndex: ordinary.index,
        signalLabel: ordinary.label,
      });
    }
  }
  const last = signals[signals.length - 1];
  const recordBytes = last ? last.recordOffset + last.samplesPerRecord * bytesPerSample : 0;
  return {
    format,
    variant,
    plus,
    discontinuous,
    bytesPerSample,
    patientId,
    recordingId,
    patient,
    recording,
    startDate,
    startTime,
    startSubsecond: 0,
    start: new Date(`${startDate}T${startTime}Z`),
    headerBytes,
    recordCountField,
    recordCount: Math.max(recordCountField, 0),
    recordDuration,
    reserved,
    signals,
    recordBytes,
  };
}

function parseSignals(
  bytes: Uint8Array,
  count: number,
  recordDuration: number,
  bytesPerSample: number,
  file?: string,
): EdfSignalHeader[] {
  const layout = new Map<SignalFieldName, { base: number; width: number }>();
  let base = FIXED_HEADER_BYTES;
  for (const [name, width] of SIGNAL_FIELDS) {
    layout.set(name, { base, width });
    base += width * count;
  }
  /** [byte offset, width] of a signal's field. */
  const at = (name: SignalFieldName, index: number): [number, number] => {
    const { base, width } = layout.get(name)!;
    return [base + index * width, width];
  };

  const signals: EdfSignalHeader[] = [];
  let recordOffset = 0;
  for (let index = 0; index < count; index++) {
    const label = text(bytes, ...at('label', index));
    const sig = { index, label };
    const isAnnotation = ANNOTATION_LABELS.includes(label);
    const num = (name: SignalFieldName) => numberField(bytes, ...at(name, index), name, file, sig);
    const int = (name: SignalFieldName) => integerField(bytes, ...at(name, index), name, file, sig);
    const physicalMin = num('physical minimum');
    const physicalMax = num('physical maximum');
    const digitalMin = int('digital minimum');
    const digitalMax = int('digital maximum');
    const samplesPerRecord = int('number of samples in a data record');
    if (samplesPerRecord <= 0) {
      throw new EdfFormatError(`must be at least 1, got ${samplesPerRecord}`, {
        file,
        field: 'number of samples in a data record',
        signalIndex: index,
        signalLabel: label,
        byteOffset: at('number of samples in a data record', index)[0],
      });
    }
    // Annotation signals carry TAL bytes, not scaled samples: their ranges are not used (real files write 0 0 0 0).
    if (!isAnnotation && digitalMin === digitalMax) {
      throw new EdfFormatError(`equals the digital maximum (${digitalMax}), so samples cannot be scaled`, {
        file,
        field: 'digital minimum',
        signalIndex: index,
        signalLabel: label,
        byteOffset: at('digital minimum', index)[0],
      });
    }
    signals.push({
      index,
      label,
      transducer: text(bytes, ...at('transducer type', index)),
      unit: text(bytes, ...at('physical dimension', index)),
      physicalMin,
      physicalMax,
      digitalMin,
      digitalMax,
      prefiltering: text(bytes, ...at('prefiltering', index)),
      samplesPerRecord,
      reserved: text(bytes, ...at('reserved', index)),
      isAnnotation,
      sampleRate: recordDuration > 0 ? samplesPerRecord / recordDuration : 0,
      recordOffset,
    });
    recordOffset += samplesPerRecord * bytesPerSample;
  }
  return signals;
}

function parseStart(
  bytes: Uint8Array,
  recording: EdfRecording | null,
  file?: string,
): { startDate: string; startTime: string } {
  const dateText = text(bytes, 168, 8);
  const date = /^(\d{2})[.:](\d{2})[.:](\d{2}|yy)$/i.exec(dateText);
  const day = Number(date?.[1]);
  const month = Number(date?.[2]);
  if (!date || day < 1 || day > 31 || month < 1 || month > 12) {
    throw new EdfFormatError(`${JSON.stringify(dateText)} is not a date dd.mm.yy`, {
      file,
      field: 'startdate of recording',
      byteOffset: 168,
    });
  }
  const yy = date[3]!;
  const fromSubfield = recording?.startdate ?? null;
  const subfieldAgrees =
    fromSubfield !== null &&
    fromSubfield.slice(5) === `${date[2]}-${date[1]}` &&
    (yy.toLowerCase() === 'yy' || fromSubfield.slice(2, 4) === yy);
  let year: number;
  if (subfieldAgrees) year = Number(fromSubfield.slice(0, 4));
  else if (/^\d{2}$/.test(yy)) year = Number(yy) >= 85 ? 1900 + Number(yy) : 2000 + Number(yy);
  else {
    throw new EdfFormatError(`year "yy" needs the EDF+ Startdate subfield, which is missing or disagrees`, {
      file,
      field: 'startdate of recording',
      byteOffset: 168,
    });
  }

  // The pattern allows day 31 in any month; the calendar decides once the year is known (29.02 in leap years).
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > daysInMonth) {
    throw new EdfFormatError(
      `${JSON.stringify(dateText)} is not a calendar date: ${year}-${date[2]} has ${daysInMonth} days`,
      { file, field: 'startdate of recording', byteOffset: 168 },
    );
  }

  const timeText = text(bytes, 176, 8);
  const time = /^(\d{2})[.:](\d{2})[.:](\d{2})$/.exec(timeText);
  if (!time || Number(time[1]) > 23 || Number(time[2]) > 59 || Number(time[3]) > 60) {
    throw new EdfFormatError(`${JSON.stringify(timeText)} is not a time hh.mm.ss`, {
      file,
      field: 'starttime of recording',
      byteOffset: 176,
    });
  }
  return {
    startDate: `${String(year).padStart(4, '0')}-${date[2]}-${date[1]}`,
    startTime: `${time[1]}:${time[2]}:${time[3]}`,
  };
}

/** Header values for encodeHeader, already formatted as text. */
export interface HeaderFields {
  readonly format: EdfFormat;
  readonly patientId: string;
  readonly recordingId: string;
  /** 'dd.mm.yy' */
  readonly startDate: string;
  /** 'hh.mm.ss' */
  readonly startTime: string;
  readonly reserved: string;
  readonly recordCount: string;
  readonly recordDuration: string;
  readonly signals: readonly Readonly<Record<SignalFieldName, string>>[];
}

/** Lays out a header record. Throws RangeError when a value does not fit its field or is not ASCII. */
export function encodeHeader(fields: HeaderFields): Buffer {
  const count = fields.signals.length;
  const out = Buffer.alloc(FIXED_HEADER_BYTES + SIGNAL_HEADER_BYTES * count, 0x20);
  const put = (offset: number, width: number, value: string, name: string) => {
    if (value.length > width) throw new RangeError(`${name} "${value}" is longer than ${width} characters`);
    if (!/^[\x20-\x7e]*$/.test(value)) throw new RangeError(`${name} "${value}" is not printable ASCII`);
    out.write(value, offset, 'latin1');
  };
  if (fields.format === 'BDF') out.write(BDF_VERSION, 0, 'latin1');
  else put(0, 8, '0', 'version');
  put(8, 80, fields.patientId, 'patient identification');
  put(88, 80, fields.recordingId, 'recording identification');
  put(168, 8, fields.startDate, 'start date');
  put(176, 8, fields.startTime, 'start time');
  put(184, 8, String(out.length), 'header bytes');
  put(192, 44, fields.reserved, 'reserved');
  put(236, 8, fields.recordCount, 'number of data records');
  put(244, 8, fields.recordDuration, 'record duration');
  put(252, 4, String(count), 'number of signals');
  let base = FIXED_HEADER_BYTES;
  for (const [name, width] of SIGNAL_FIELDS) {
    fields.signals.forEach((signal, index) => put(base + index * width, width, signal[name], name));
    base += width * count;
  }
  return out;
}
