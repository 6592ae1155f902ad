import { describe, expect, it } from 'vitest';
import { parseLocalDateTime } from './dates.js';

const at = (text: string) => {
  const parsed = parseLocalDateTime(text);
  return parsed && `${parsed.date} ${parsed.time}${parsed.hasTime ? '' : ' (no time)'}`;
};

describe('parseLocalDateTime', () => {
  it('reads the day spellings of Fitbit exports and of a re-saved sleepDay file', () => {
    expect(at('4/12/2016')).toBe('2016-04-12 00:00:00 (no time)');
    expect(at('04/12/2016')).toBe('2016-04-12 00:00:00 (no time)');
    expect(at('4/1/2016')).toBe('2016-04-01 00:00:00 (no time)');
    expect(at('04/12/2016 12:00:00 AM')).toBe('2016-04-12 00:00:00');
    expect(at(' 5/2/2016 ')).toBe('2016-05-02 00:00:00 (no time)');
  });

  it('reads 12-hour times: 12 AM is midnight, 12 PM is noon', () => {
    expect(at('4/12/2016 12:00:00 AM')).toBe('2016-04-12 00:00:00');
    expect(at('4/12/2016 1:00:00 AM')).toBe('2016-04-12 01:00:00');
    expect(at('4/12/2016 12:00:00 PM')).toBe('2016-04-12 12:00:00');
    expect(at('4/12/2016 11:00:00 PM')).toBe('2016-04-12 23:00:00');
    expect(at('4/12/2016 3:05 pm')).toBe('2016-04-12 15:05:00');
    expect(at('4/12/2016 3:05:09 p.m.')).toBe('2016-04-12 15:05:09');
  });

  it('reads the 24-hour times Excel writes and ISO 8601', () => {
    expect(at('4/12/2016 0:00')).toBe('2016-04-12 00:00:00');
    expect(at('4/12/2016 13:00:00')).toBe('2016-04-12 13:00:00');
    expect(at('2016-04-12')).toBe('2016-04-12 00:00:00 (no time)');
    expect(at('2016-04-12 13:00:00')).toBe('2016-04-12 13:00:00');
    expect(at('2016-04-12T13:00')).toBe('2016-04-12 13:00:00');
  });

  it('checks the calendar, leap years included', () => {
    expect(at('2/29/2016')).toBe('2016-02-29 00:00:00 (no time)');
    expect(at('2/29/2015')).toBeUndefined();
    expect(at('4/31/2016')).toBeUndefined();
    expect(at('13/1/2016')).toBeUndefined();
    expect(at('0/1/2016')).toBeUndefined();
    expect(at('2016-02-30')).toBeUndefined();
  });

  it('refuses impossible times, 12-hour hours out of 1–12, two-digit years and other text', () => {
    for (const text of [
      '4/12/2016 24:00',
      '4/12/2016 10:60:00',
      '4/12/2016 0:00:00 AM',
      '4/12/2016 13:00:00 PM',
      '4/12/16',
      '2016/04/12',
      '12-04-2016',
      'April 12, 2016',
      '',
      '4/12/2016 x',
    ]) {
      expect(at(text), text).toBeUndefined();
    }
  });
});
