/**
 * CSV records as real exports write them, each with the line it starts on (for error messages): RFC 4180 quoting
 * (`"a,b"`, `""` for a quote, line breaks inside quotes), CRLF, LF or CR line ends, a UTF-8 byte-order mark (Excel's
 * "CSV UTF-8" re-save), and no line end after the last record. Blank lines are yielded as records of one empty field;
 * whether to skip them is the caller's decision (see `isBlankRecord`).
 */
import { InvalidDataError } from '../../framework/errors.js';

export interface CsvRecord {
  /** 1-based line of the file the record starts on (a quoted field may carry it over several lines). */
  readonly line: number;
  readonly fields: readonly string[];
}

const BOM = '\uFEFF';

/**
 * The records of a CSV text. `file` only names the source in errors: an unterminated quote, or text after a closing
 * quote, is an InvalidDataError naming the file and the line the field starts on.
 */
export function* csvRecords(text: string, file: string): Generator<CsvRecord> {
  let i = text.startsWith(BOM) ? BOM.length : 0;
  let line = 1;
  const end = text.length;
  if (i === end) return;
  for (;;) {
    const recordLine = line;
    const fields: string[] = [];
    let atRecordEnd = false;
    while (!atRecordEnd) {
      let value = '';
      if (text[i] === '"') {
        const fieldLine = line;
        i++;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0) {
            throw new InvalidDataError(`${file}:${fieldLine}: a quoted field is never closed (no matching '"')`);
          }
          const chunk = text.slice(i, quote);
          line += lineBreaks(chunk);
          value += chunk;
          i = quote + 1;
          if (text[i] === '"') {
            value += '"';
            i++;
          } else {
            break;
          }
        }
        const next = text[i];
        if (i < end && next !== ',' && next !== '\r' && next !== '\n') {
          throw new InvalidDataError(
            `${file}:${line}: unexpected ${JSON.stringify(next)} after the closing quote of a field; ` +
              'a quoted field must be followed by a comma or the end of the line',
          );
        }
      } else {
        let stop = i;
        while (stop < end) {
          const c = text.charCodeAt(stop);
          if (c === 44 /* , */ || c === 13 /* \r */ || c === 10 /* \n */) break;
          stop++;
        }
        value = text.slice(i, stop);
        i = stop;
      }
      fields.push(value);
      if (i >= end) {
        atRecordEnd = true;
      } else if (text[i] === ',') {
        i++;
      } else {
        // A line end: CRLF, LF or a lone CR.
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        atRecordEnd = true;
      }
    }
    yield { line: recordLine, fields };
    if (i >= end) return;
  }
}

/** A record with no content: an empty line, or a row of empty cells (`,,,`) as Excel keeps below the data. */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.every((f) => f.trim() === '');
}

function lineBreaks(text: string): number {
  let count = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 10) count++;
    else if (c === 13 && text.charCodeAt(k + 1) !== 10) count++;
  }
  return count;
}
