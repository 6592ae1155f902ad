import { describe, expect, it } from 'vitest';
import { InvalidDataError } from '../../framework/errors.js';
import { parseEntries } from './entry.js';
import { thrown } from './errors.test-helpers.js';

describe('parseEntries', () => {
  it('keeps the known fields and drops the rest', () => {
    const [entry] = parseEntries(
      [
        {
          _id: '5ec4a0958b6aca48aa9f1c63',
          date: 1589944468998,
          sgv: 428,
          delta: 0,
          sysTime: '2020-05-20T03:14:29.637Z',
          device: 'Tomato',
          direction: 'FortyFiveDown',
          dateString: '2020-05-20T03:14:29.637Z',
          type: 'sgv',
          utcOffset: 0,
        },
      ],
      'page',
    );
    expect(entry).toEqual({
      _id: '5ec4a0958b6aca48aa9f1c63',
      type: 'sgv',
      sgv: 428,
      date: 1589944468998,
      dateString: '2020-05-20T03:14:29.637Z',
      direction: 'FortyFiveDown',
      device: 'Tomato',
      utcOffset: 0,
      sysTime: '2020-05-20T03:14:29.637Z',
    });
  });

  it('normalises mongoexport shapes: {$oid}, float and $numberLong dates, numeric strings, nulls', () => {
    const entries = parseEntries(
      [
        { _id: { $oid: '5cd4212a614598d46eb40a22' }, date: 1.557405318571e12, sgv: 103, type: 'sgv' },
        { _id: 'x', date: 1557405318571.6, type: 'sgv', sgv: '120', trend: null, direction: null },
        { _id: 'y', date: { $numberLong: '1557405318571' }, type: 'mbg', mbg: 99 },
      ],
      'file',
    );
    expect(entries).toEqual([
      { _id: '5cd4212a614598d46eb40a22', type: 'sgv', sgv: 103, date: 1557405318571 },
      { _id: 'x', type: 'sgv', sgv: 120, date: 1557405318572 },
      { _id: 'y', type: 'mbg', mbg: 99, date: 1557405318571 },
    ]);
  });

  it('names the element and the field of the first problem', () => {
    const cases: Array<[unknown, string]> = [
      [{ entries: [] }, 'expected a JSON array of Nightscout entries from where.json, got an object'],
      [null, 'got null'],
      [[{ _id: 'a', date: 1, type: 'sgv' }, 'x'], 'entry 1 in where.json is not an object (got "x")'],
      [[{ _id: 'a', type: 'sgv' }], 'entry 0 in where.json has an invalid field "date": must be a number (epoch milliseconds) (got nothing)'],
      [[{ _id: 'a', date: '2020-01-01', type: 'sgv' }], 'field "date": must be a number'],
      [[{ _id: 'a', date: 1 }], 'field "type"'],
      [[{ _id: 7, date: 1, type: 'sgv' }], 'field "_id": must be a string or {"$oid": "…"} (got 7)'],
      [[{ _id: 'a', date: 1, type: 'sgv', direction: 5 }], 'field "direction": must be a string (got 5)'],
      [[{ _id: 'a', date: { $numberLong: 'abc' }, type: 'sgv' }], 'field "date"'],
    ];
    for (const [body, message] of cases) {
      const error = thrown(() => parseEntries(body, 'where.json'));
      expect(error).toBeInstanceOf(InvalidDataError);
      expect(error.message).toContain(message);
    }
  });
});
