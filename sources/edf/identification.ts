/**
 * EDF+ subfields of the 'local patient identification' and 'local recording identification' header fields
 * (EDF+ spec §2.1.3.3–4): space-separated, 'X' for unknown, spaces inside a subfield written as '_'.
 * Subfield values are returned as written (underscores kept), 'X' becomes null.
 */

export type Sex = 'F' | 'M';

export interface EdfPatient {
  readonly code: string | null;
  readonly sex: Sex | null;
  /** ISO date (YYYY-MM-DD), or null when 'X' or unreadable. */
  readonly birthdate: string | null;
  readonly name: string | null;
  /** Subfields after the four standard ones. */
  readonly additional: readonly string[];
}

export interface EdfRecording {
  /** ISO date (YYYY-MM-DD) of the 'Startdate dd-MMM-yyyy' subfield, or null when 'X'. */
  readonly startdate: string | null;
  readonly adminCode: string | null;
  readonly technician: string | null;
  readonly equipment: string | null;
  readonly additional: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;

/** Parses 'dd-MMM-yyyy' (e.g. 02-MAY-1951) to 'YYYY-MM-DD'; null when it is not such a date. */
export function parseEdfPlusDate(text: string): string | null {
  const match = /^(\d{2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!match) return null;
  const [, dd, mmm, yyyy] = match as unknown as [string, string, string, string];
  const month = MONTHS.indexOf(mmm.toUpperCase() as (typeof MONTHS)[number]) + 1;
  const day = Number(dd);
  if (month === 0 || day < 1 || day > 31) return null;
  return `${yyyy}-${String(month).padStart(2, '0')}-${dd}`;
}

/** Formats 'YYYY-MM-DD' as 'dd-MMM-yyyy'. */
export function formatEdfPlusDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  const month = match ? MONTHS[Number(match[2]) - 1] : undefined;
  if (!match || month === undefined) throw new RangeError(`not an ISO date: "${isoDate}"`);
  return `${match[3]}-${month}-${match[1]}`;
}

const orNull = (value: string | undefined): string | null => (value === undefined || value === 'X' ? null : value);

/** Null when the field does not follow the EDF+ structure (fewer than four subfields). */
export function parsePatient(field: string): EdfPatient | null {
  const parts = field.trim().split(/ +/);
  if (parts.length < 4) return null;
  const [code, sex, birthdate, name, ...additional] = parts;
  return {
    code: orNull(code),
    sex: sex === 'F' || sex === 'M' ? sex : null,
    birthdate: birthdate === undefined ? null : parseEdfPlusDate(birthdate),
    name: orNull(name),
    additional,
  };
}

/** Null unless the field starts with the 'Startdate' keyword. */
export function parseRecording(field: string): EdfRecording | null {
  const parts = field.trim().split(/ +/);
  if (parts[0] !== 'Startdate' || parts.length < 2) return null;
  const [, startdate, adminCode, technician, equipment, ...additional] = parts;
  return {
    startdate: startdate === undefined ? null : parseEdfPlusDate(startdate),
    adminCode: orNull(adminCode),
    technician: orNull(technician),
    equipment: orNull(equipment),
    additional,
  };
}

const subfield = (value: string | null | undefined): string =>
  value === null || value === undefined || value === '' ? 'X' : value.trim().replace(/ +/g, '_');

export function formatPatient(patient: Partial<EdfPatient>): string {
  const birthdate = patient.birthdate ? formatEdfPlusDate(patient.birthdate) : null;
  return [patient.code, patient.sex, birthdate, patient.name, ...(patient.additional ?? [])].map(subfield).join(' ');
}

export function formatRecording(recording: Partial<Omit<EdfRecording, 'startdate'>>, startdate: string): string {
  return [
    'Startdate',
    formatEdfPlusDate(startdate),
    subfield(recording.adminCode),
    subfield(recording.technician),
    subfield(recording.equipment),
    ...(recording.additional ?? []).map(subfield),
  ].join(' ');
}
