import { describe, expect, it } from 'vitest';
import { AssetDefinitionError, PartitionError } from './errors.js';
import {
  checkPartitionKey,
  dailyPartitions,
  hourlyPartitions,
  monthlyPartitions,
  partitionForTime,
  partitionKeysBetween,
  partitionWindow,
  shiftPartition,
  staticPartitions,
  weeklyPartitions,
  windowMapping,
} from './partitions.js';

const NOW = new Date('2026-12-02T10:00:00Z');
const hours = (w: { start: Date; end: Date }) => (w.end.getTime() - w.start.getTime()) / 3_600_000;

describe('time partitions', () => {
  const utc = dailyPartitions({ start: '2024-01-01' });
  const berlin = dailyPartitions({ start: '2024-01-01', timezone: 'Europe/Berlin' });

  it('windows a UTC day as [00:00, 24:00) UTC', () => {
    expect(partitionWindow(utc, '2026-11-30')).toEqual({
      start: new Date('2026-11-30T00:00:00Z'),
      end: new Date('2026-12-01T00:00:00Z'),
    });
  });

  it('windows a Berlin day in Berlin time: 23 hours on the spring change, 25 on the autumn one, 24 otherwise', () => {
    expect(partitionWindow(berlin, '2026-03-29')).toEqual({
      start: new Date('2026-03-28T23:00:00Z'),
      end: new Date('2026-03-29T22:00:00Z'),
    });
    expect(hours(partitionWindow(berlin, '2026-03-29'))).toBe(23);
    expect(hours(partitionWindow(berlin, '2026-10-25'))).toBe(25);
    expect(hours(partitionWindow(berlin, '2026-11-30'))).toBe(24);
  });

  it('lists the keys of a range, both ends included, across a month end', () => {
    expect(partitionKeysBetween(utc, '2024-02-27', '2024-03-02', NOW, 'x')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
      '2024-03-02',
    ]);
    expect(partitionKeysBetween(utc, '2024-01-01', '2024-12-31', NOW, 'x')).toHaveLength(366);
  });

  it('shifts keys, and gives nothing before the first partition', () => {
    expect(shiftPartition(utc, '2024-03-01', -1)).toBe('2024-02-29');
    expect(shiftPartition(utc, '2024-01-03', -6)).toBeUndefined();
    expect(shiftPartition(utc, '2024-01-07', -6)).toBe('2024-01-01');
  });

  it('decides a scheduled run’s partition: the latest that ended by its nominal time, in the partitions’ zone', () => {
    expect(partitionForTime(utc, new Date('2026-12-01T09:00:00Z'))).toBe('2026-11-30');
    expect(partitionForTime(utc, new Date('2026-12-01T00:00:00Z'))).toBe('2026-11-30');
    expect(partitionForTime(utc, new Date('2026-11-30T23:59:59Z'))).toBe('2026-11-29');
    // 09:00 UTC is 10:00 in Berlin: yesterday in Berlin too. 23:30 UTC on 29 Nov is already 30 Nov in Berlin.
    expect(partitionForTime(berlin, new Date('2026-12-01T09:00:00Z'))).toBe('2026-11-30');
    expect(partitionForTime(berlin, new Date('2026-11-29T23:30:00Z'))).toBe('2026-11-29');
    // The day after a DST change is decided the same way.
    expect(partitionForTime(berlin, new Date('2026-03-30T09:00:00Z'))).toBe('2026-03-29');
    expect(partitionForTime(utc, new Date('2023-12-31T12:00:00Z'))).toBeUndefined();
  });

  it('keys hourly, weekly (Mondays) and monthly partitions', () => {
    const hourly = hourlyPartitions({ start: '2026-01-01-00:00' });
    expect(partitionKeysBetween(hourly, '2026-11-30-22:00', '2026-12-01-01:00', NOW, 'x')).toEqual([
      '2026-11-30-22:00',
      '2026-11-30-23:00',
      '2026-12-01-00:00',
      '2026-12-01-01:00',
    ]);
    const weekly = weeklyPartitions({ start: '2026-01-05' });
    expect(partitionForTime(weekly, new Date('2026-12-02T00:00:00Z'))).toBe('2026-11-23');
    expect(() => checkPartitionKey(weekly, '2026-11-24', NOW, 'asset w')).toThrow("'2026-11-24' is not a weekly partition key: expected YYYY-MM-DD (a Monday)");
    const monthly = monthlyPartitions({ start: '2024-01' });
    expect(partitionWindow(monthly, '2024-02').end).toEqual(new Date('2024-03-01T00:00:00Z'));
    expect(partitionForTime(monthly, new Date('2026-12-02T00:00:00Z'))).toBe('2026-11');
  });
});

describe('partition keys are checked before anything runs', () => {
  const days = dailyPartitions({ start: '2024-01-01', end: '2026-12-31' });
  const refused = (key: string) => {
    try {
      checkPartitionKey(days, key, NOW, "asset 'raw'");
    } catch (err) {
      expect(err).toBeInstanceOf(PartitionError);
      return (err as Error).message;
    }
    throw new Error(`expected ${key} to be refused`);
  };

  it('refuses malformed keys, naming the expected format', () => {
    expect(refused('2026-11-31')).toBe("asset 'raw': '2026-11-31' is not a daily partition key: expected YYYY-MM-DD");
    expect(refused('30/11/2026')).toBe("asset 'raw': '30/11/2026' is not a daily partition key: expected YYYY-MM-DD");
    expect(refused('../../etc/passwd')).toBe("asset 'raw': '../../etc/passwd' is not a daily partition key: expected YYYY-MM-DD");
    expect(refused('2026-11-30; rm -rf /')).toContain('is not a daily partition key');
    expect(refused('x'.repeat(10_000))).toBe("asset 'raw': a partition key is 1 to 64 characters, got 10000");
  });

  it('refuses keys out of range or not begun', () => {
    expect(refused('2023-12-31')).toBe("asset 'raw': partition 2023-12-31 is before the first one (2024-01-01)");
    expect(refused('2026-12-03')).toMatch(/^asset 'raw': partition 2026-12-03 has not begun yet/);
    const ended = dailyPartitions({ start: '2024-01-01', end: '2024-06-30' });
    expect(() => checkPartitionKey(ended, '2024-07-01', NOW, 'a')).toThrow('a: partition 2024-07-01 is after the last one (2024-06-30)');
  });

  it('accepts today: a partition that has begun', () => {
    expect(() => checkPartitionKey(days, '2026-12-02', NOW, 'a')).not.toThrow();
  });
});

describe('static partitions and mappings', () => {
  it('refuses a key that is not one of them, listing the keys', () => {
    const subjects = staticPartitions(['alice', 'bob'], { dimension: 'subject' });
    expect(() => checkPartitionKey(subjects, 'carol', NOW, "asset 's'")).toThrow("asset 's': 'carol' is not one of its partitions (alice, bob)");
    expect(shiftPartition(subjects, 'alice', 1)).toBe('bob');
  });

  it('refuses bad declarations', () => {
    expect(() => staticPartitions(['a/b'])).toThrow(AssetDefinitionError);
    expect(() => dailyPartitions({ start: '2024-01-01', timezone: 'Mars/Olympus' })).toThrow(
      "time zone 'Mars/Olympus' is not an IANA time zone",
    );
    expect(() => dailyPartitions({ start: '01/01/2024' })).toThrow(AssetDefinitionError);
    expect(() => windowMapping({ startOffset: 1, endOffset: 0 })).toThrow(AssetDefinitionError);
  });
});
