/**
 * The dates and times of Fitbit exports, as the device's local clock wrote them (no time zone), in the spellings
 * real files have:
 *
 * - `4/12/2016` and `04/12/2016`: month/day/year, as Fitbit (and Fitabase) export days;
 * - `4/12/2016 1:00:00 PM`, `04/12/2016 12:00:00 AM`: with a 12-hour time, as Fitbit exports hours and as a
 *   re-saved `sleepDay_merged.csv` writes its days (always midnight);
 * - `4/12/2016 13:00` or `4/12/2016 13:00:00`: the 24-hour time Excel writes when it re-saves such a file;
 * - `2016-04-12`, `2016-04-12 13:00:00`, `2016-04-12T13:00:00`: ISO 8601, as other tools and locales write.
 *
 * Years have four digits (a two-digit year is ambiguous and refused). The calendar is checked: `2/30/2016` is not a
 * date. Day-first spellings (`12/4/2016` meaning 12 April) cannot be told from month-first ones and are read
 * month-first, as Fitbit writes them.
 */

/** A local date and time: `date` 'YYYY-MM-DD', `time` 'HH:MM:SS' (24-hour; '00:00:00' when none was written). */
export interface LocalDateTime {
  readonly date: string;
  readonly time: string;
  /** Whether the text had a time of day at all. */
  readonly hasTime: boolean;
}

/** How the spellings above are described in error messages. */
export const ACCEPTED_DATE_FORMATS = 'M/D/YYYY, MM/DD/YYYY, either with h:mm:ss AM/PM or H:mm[:ss], or YYYY-MM-DD[ HH:mm[:ss]]';

const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Parses one of the spellings above; `undefined` when the text is none of them or not a real date or time. */
export function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const value = text.trim();
  let year: number, month: number, day: number;
  let hour = 0, minute = 0, second = 0;
  let hasTime: boolean;
  const us = US.exec(value);
  if (us) {
    [month, day, year] = [Number(us[1]), Number(us[2]), Number(us[3])];
    hasTime = us[4] !== undefined;
    if (hasTime) {
      [hour, minute, second] = [Number(us[4]), Number(us[5]), Number(us[6] ?? 0)];
      const meridiem = us[7]?.toUpperCase();
      if (meridiem !== undefined) {
        if (hour < 1 || hour > 12) return undefined;
        hour = (hour % 12) + (meridiem === 'P' ? 12 : 0);
      }
    }
  } else {
    const iso = ISO.exec(value);
    if (!iso) return undefined;
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    hasTime = iso[4] !== undefined;
    if (hasTime) [hour, minute, second] = [Number(iso[4]), Number(iso[5]), Number(iso[6] ?? 0)];
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { date: `${pad(year, 4)}-${pad(month)}-${pad(day)}`, time: `${pad(hour)}:${pad(minute)}:${pad(second)}`, hasTime };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
