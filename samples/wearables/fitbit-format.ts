/**
 * Writing values the way Fitbit exports (and an Excel re-save of them) spell them: CRLF line ends, `M/D/YYYY` days,
 * `M/D/YYYY h:mm:ss AM` hours, `MM/DD/YYYY h:mm:ss AM` days after a re-save, a UTF-8 byte-order mark and a trailing
 * empty line from Excel.
 */

/** 'YYYY-MM-DD' → 'M/D/YYYY', as Fitbit writes days. */
export function fitbitDay(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number);
  return `${month}/${day}/${year}`;
}

/** 'YYYY-MM-DD' and an hour 0–23 → 'M/D/YYYY h:00:00 AM', as Fitbit writes hours. */
export function fitbitHour(isoDate: string, hour: number): string {
  return `${fitbitDay(isoDate)} ${twelveHour(hour)}`;
}

/** 'YYYY-MM-DD' → 'MM/DD/YYYY 12:00:00 AM', as a re-saved sleepDay file writes its days. */
export function resavedDay(isoDate: string): string {
  const [year, month, day] = isoDate.split('-');
  return `${month}/${day}/${year} ${twelveHour(0)}`;
}

function twelveHour(hour: number): string {
  return `${hour % 12 === 0 ? 12 : hour % 12}:00:00 ${hour < 12 ? 'AM' : 'PM'}`;
}

export interface CsvOptions {
  /** Start with a UTF-8 byte-order mark, as Excel's "CSV UTF-8" does. */
  readonly bom?: boolean;
  /** End with an empty line, as Excel leaves one. */
  readonly trailingEmptyLine?: boolean;
}

/** CSV text with CRLF line ends (the values are numbers, dates and ids: none needs quoting). */
export function fitbitCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[], options: CsvOptions = {}): string {
  const lines = [header, ...rows].map((row) => row.join(','));
  return (options.bom ? '\uFEFF' : '') + lines.map((line) => `${line}\r\n`).join('') + (options.trailingEmptyLine ? '\r\n' : '');
}
