import { InvalidDataError } from '../../framework/errors.js';

/** Where in an EDF/BDF file a problem sits. */
export interface EdfErrorLocation {
  /** The file, when the bytes came from one. */
  readonly file?: string;
  /** The header field or data item, e.g. 'digital minimum' or 'annotation onset'. */
  readonly field: string;
  /** Zero-based index of the signal the problem belongs to. */
  readonly signalIndex?: number;
  readonly signalLabel?: string;
  /** Zero-based data record. */
  readonly record?: number;
  /** Absolute byte offset in the file. */
  readonly byteOffset?: number;
}

/** A malformed EDF/BDF file. Its `type` stays 'InvalidDataError', so retry policies treat it as such. */
export class EdfFormatError extends InvalidDataError {
  constructor(
    problem: string,
    readonly location: EdfErrorLocation,
  ) {
    super(`${describe(location)}: ${problem}`);
  }
}

function describe(at: EdfErrorLocation): string {
  const recordField = at.field === 'data record' && at.record !== undefined;
  const parts: string[] = [recordField ? `data record ${at.record}` : at.field];
  if (at.signalIndex !== undefined) {
    parts.push(`of signal ${at.signalIndex}${at.signalLabel !== undefined ? ` "${at.signalLabel}"` : ''}`);
  }
  if (at.record !== undefined && !recordField) parts.push(`in data record ${at.record}`);
  if (at.byteOffset !== undefined) parts.push(`at byte offset ${at.byteOffset}`);
  return `${at.file ?? 'EDF'}: ${parts.join(' ')}`;
}
