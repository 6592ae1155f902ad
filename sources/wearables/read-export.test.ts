import { describe, expect, it } from 'vitest';
import { InvalidDataError } from '../../framework/errors.js';
import { DAILY_ACTIVITY, FITBIT_EXPORTS, HOURLY_STEPS, SLEEP_DAY, isExportFile } from './fitbit-exports.js';
import { FitbitExportError, LISTED_PROBLEMS, parseFitbitExport } from './read-export.js';

const SLEEP_HEADER = 'Id,SleepDay,TotalSleepRecords,TotalMinutesAsleep,TotalTimeInBed';

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('isExportFile', () => {
  it('recognizes the three exports by name prefix and .csv, in any case, and nothing else', () => {
    const kinds = (name: string) => FITBIT_EXPORTS.filter((s) => isExportFile(s, name)).map((s) => s.kind);
    expect(kinds('dailyActivity_merged.csv')).toEqual(['daily_activity']);
    expect(kinds('DAILYACTIVITY_MERGED (1).CSV')).toEqual(['daily_activity']);
    expect(kinds('sleepDay_merged.csv')).toEqual(['sleep_day']);
    expect(kinds('hourlySteps_merged.csv')).toEqual(['hourly_steps']);
    for (const other of ['dailySteps_merged.csv', 'hourlyCalories_merged.csv', 'minuteSleep_merged.csv', 'dailyActivity_merged.xlsx', 'notes.csv']) {
      expect(kinds(other), other).toEqual([]);
    }
  });
});

describe('parseFitbitExport', () => {
  it('reads Fitbit exports as written: CRLF, M/D/YYYY days, 12-hour hours', () => {
    const daily = parseFitbitExport(
      'Id,ActivityDate,TotalSteps,TotalDistance,TrackerDistance,LoggedActivitiesDistance,VeryActiveDistance,' +
        'ModeratelyActiveDistance,LightActiveDistance,SedentaryActiveDistance,VeryActiveMinutes,FairlyActiveMinutes,' +
        'LightlyActiveMinutes,SedentaryMinutes,Calories\r\n' +
        '1503960366,4/12/2016,13162,8.5,8.5,0,1.87999999523163,0.550000011920929,6.05999994277954,0,25,13,328,728,1985\r\n',
      DAILY_ACTIVITY,
      'daily.csv',
    );
    expect(daily.rows).toBe(1);
    expect(daily.lines).toEqual([2]);
    expect(Object.fromEntries(Object.entries(daily.columns).map(([k, v]) => [k, v[0]]))).toEqual({
      id: '1503960366',
      activity_date: '2016-04-12',
      total_steps: 13162,
      total_distance: 8.5,
      tracker_distance: 8.5,
      logged_activities_distance: 0,
      very_active_distance: 1.87999999523163,
      moderately_active_distance: 0.550000011920929,
      light_active_distance: 6.05999994277954,
      sedentary_active_distance: 0,
      very_active_minutes: 25,
      fairly_active_minutes: 13,
      lightly_active_minutes: 328,
      sedentary_minutes: 728,
      calories: 1985,
    });
    const hourly = parseFitbitExport(
      'Id,ActivityHour,StepTotal\r\n1,4/12/2016 12:00:00 AM,373\r\n1,4/12/2016 1:00:00 PM,160\r\n',
      HOURLY_STEPS,
      'hourly.csv',
    );
    expect(hourly.columns).toEqual({ id: ['1', '1'], activity_hour: ['2016-04-12 00:00:00', '2016-04-12 13:00:00'], step_total: [373, 160] });
  });

  it('reads an Excel re-save the same: BOM, quoted fields, MM/DD/YYYY h:mm:ss AM days, columns reordered, trailing empty rows', () => {
    const fitbit = parseFitbitExport(`${SLEEP_HEADER}\r\n1503960366,4/12/2016,1,327,346\r\n1503960366,4/13/2016,2,384,407\r\n`, SLEEP_DAY, 'a.csv');
    const excel = parseFitbitExport(
      '\uFEFF"TotalTimeInBed","Id","SleepDay","TotalSleepRecords","TotalMinutesAsleep"\r\n' +
        '"346","1503960366","04/12/2016 12:00:00 AM","1","327"\r\n' +
        '407,1503960366,04/13/2016 12:00:00 AM,2,384\r\n' +
        ',,,,\r\n\r\n',
      SLEEP_DAY,
      'b.csv',
    );
    expect(excel).toEqual(fitbit);
  });

  it('takes an optional column that is missing or empty as null, and skips blank lines between rows', () => {
    const parsed = parseFitbitExport('Id,SleepDay,TotalMinutesAsleep,TotalTimeInBed\n\n7,5/1/2016,300,320\n\n8,5/1/2016,0,0\n', SLEEP_DAY, 's.csv');
    expect(parsed.columns.total_sleep_records).toEqual([null, null]);
    expect(parsed.lines).toEqual([3, 5]);
    const empty = parseFitbitExport(`${SLEEP_HEADER}\n7,5/1/2016,,300,320\n`, SLEEP_DAY, 's.csv');
    expect(empty.columns.total_sleep_records).toEqual([null]);
  });

  it('reads a header-only file as no rows', () => {
    expect(parseFitbitExport(`${SLEEP_HEADER}\r\n`, SLEEP_DAY, 's.csv')).toEqual({
      rows: 0,
      lines: [],
      columns: { id: [], sleep_day: [], total_sleep_records: [], total_minutes_asleep: [], total_time_in_bed: [] },
    });
  });

  it('refuses a malformed date naming the file, line, column and value', () => {
    const err = thrown(() =>
      parseFitbitExport(`${SLEEP_HEADER}\r\n1,4/12/2016,1,327,346\r\n1,4/31/2016,1,300,310\r\n`, SLEEP_DAY, '/drop/sleepDay_merged.csv'),
    );
    expect(err).toBeInstanceOf(FitbitExportError);
    expect(err).toBeInstanceOf(InvalidDataError);
    expect((err as FitbitExportError).problems).toEqual([
      {
        file: '/drop/sleepDay_merged.csv',
        line: 3,
        column: 'SleepDay',
        value: '4/31/2016',
        problem: expect.stringContaining('is not a date (expected M/D/YYYY, MM/DD/YYYY'),
      },
    ]);
    expect(err.message).toContain("/drop/sleepDay_merged.csv: 1 problem; nothing of the file was ingested");
    expect(err.message).toContain("/drop/sleepDay_merged.csv:3: column SleepDay value '4/31/2016' is not a date");
  });

  it('refuses a day with a time of day, negative or fractional counts, and text for numbers', () => {
    const err = thrown(() =>
      parseFitbitExport(
        'Id,ActivityDate,TotalSteps,TotalDistance\n' +
          '1,4/12/2016 1:00:00 PM,10,1\n' +
          '1,4/13/2016,-5,1\n' +
          '1,4/14/2016,10.5,1\n' +
          '1,4/15/2016,10,n/a\n',
        DAILY_ACTIVITY,
        'd.csv',
      ),
    ) as FitbitExportError;
    expect(err.problems.map((p) => [p.line, p.column, p.value])).toEqual([
      [2, 'ActivityDate', '4/12/2016 1:00:00 PM'],
      [3, 'TotalSteps', '-5'],
      [4, 'TotalSteps', '10.5'],
      [5, 'TotalDistance', 'n/a'],
    ]);
    expect(err.problems[0]!.problem).toBe('is a day column but has a time of day other than midnight');
    expect(err.problems[1]!.problem).toBe('is not a whole number ≥ 0');
  });

  it('refuses an empty required value and a row with the wrong number of fields', () => {
    const err = thrown(() =>
      parseFitbitExport('Id,ActivityHour,StepTotal\n1,4/12/2016 1:00:00 AM,\n1,4/12/2016 2:00:00 AM\n', HOURLY_STEPS, 'h.csv'),
    ) as FitbitExportError;
    expect(err.message).toContain("h.csv:2: column StepTotal value '' is empty, and the column is required");
    expect(err.message).toContain('h.csv:3: the row has 2 fields, the header has 3');
  });

  it('lists the first problems and counts the rest', () => {
    const rows = Array.from({ length: 25 }, (_, i) => `1,4/${i + 1}/2016 x,1`);
    const err = thrown(() => parseFitbitExport(['Id,ActivityHour,StepTotal', ...rows].join('\n'), HOURLY_STEPS, 'h.csv')) as FitbitExportError;
    expect(err.totalProblems).toBe(25);
    expect(err.problems).toHaveLength(LISTED_PROBLEMS);
    expect(err.message).toContain('h.csv: 25 problems');
    expect(err.message).toContain('… and 15 more');
  });

  it('refuses a header without a required column, naming the expected and found columns', () => {
    expect(() => parseFitbitExport('Id,Day,StepTotal\n1,4/12/2016,1\n', HOURLY_STEPS, 'h.csv')).toThrow(
      'h.csv:1: the hourly steps header lacks column ActivityHour; expected Id,ActivityHour,StepTotal (found: Id,Day,StepTotal)',
    );
  });

  it('refuses an empty file and a UTF-16 one', () => {
    expect(() => parseFitbitExport('\r\n\r\n', SLEEP_DAY, 's.csv')).toThrow('s.csv: has no header row');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${SLEEP_HEADER}\r\n`, 'utf16le')]).toString('utf8');
    expect(() => parseFitbitExport(utf16, SLEEP_DAY, 's.csv')).toThrow('s.csv: is not UTF-8 text (UTF-16?)');
  });
});
