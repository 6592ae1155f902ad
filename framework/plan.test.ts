import { describe, expect, it } from 'vitest';
import { defineAsset, singleRunBackfill, sql } from './asset.js';
import { defineDefinitions } from './definitions.js';
import { AssetGraphError, PartitionError } from './errors.js';
import { dailyPartitions, staticPartitions, windowMapping } from './partitions.js';
import { planRun } from './plan.js';

const NOW = new Date('2026-12-02T10:00:00Z');
const days = dailyPartitions({ start: '2026-01-01' });
const raw = defineAsset({ key: 'raw', partitions: days, compute: sql`select 1 as x` });
const daily = defineAsset({ key: 'daily', partitions: days, compute: sql`select * from ${raw}` });
const rolling = defineAsset({
  key: 'rolling',
  partitions: days,
  partitionMappings: { daily: windowMapping({ startOffset: -2 }) },
  compute: sql`select * from ${daily}`,
});
const overall = defineAsset({ key: 'overall', compute: sql`select count(*) from ${daily}` });
const definitions = defineDefinitions({ assets: [raw, daily, rolling, overall] });

describe('planning partitioned runs', () => {
  it('gives every partitioned asset the run’s partition and its unpartitioned downstream one step after them', () => {
    const plan = planRun(definitions, { selection: '*', partition: '2026-11-30', now: NOW });
    expect(Object.fromEntries(plan.steps.map((s) => [s.id, s.waitsFor]))).toEqual({
      'raw[2026-11-30]': [],
      'daily[2026-11-30]': ['raw[2026-11-30]'],
      'rolling[2026-11-30]': ['daily[2026-11-30]'],
      overall: ['daily[2026-11-30]'],
    });
  });

  it('plans a range partition by partition, a window mapping waiting for every day it reads', () => {
    const plan = planRun(definitions, { selection: 'raw or daily or rolling', range: { from: '2026-11-01', to: '2026-11-04' }, now: NOW });
    expect(plan.steps.filter((s) => s.key === 'raw').map((s) => s.id)).toEqual([
      'raw[2026-11-01]',
      'raw[2026-11-02]',
      'raw[2026-11-03]',
      'raw[2026-11-04]',
    ]);
    expect(plan.steps.find((s) => s.id === 'rolling[2026-11-03]')!.waitsFor).toEqual([
      'daily[2026-11-01]',
      'daily[2026-11-02]',
      'daily[2026-11-03]',
    ]);
  });

  it('plans a single-run asset as one step per chunk of its range', () => {
    const bulk = defineAsset({
      key: 'bulk',
      partitions: days,
      backfillPolicy: singleRunBackfill({ maxPartitionsPerRun: 31 }),
      partitionColumn: 'day',
      compute: sql`select current_date as day`,
    });
    const plan = planRun(defineDefinitions({ assets: [bulk] }), { selection: '*', range: { from: '2026-01-01', to: '2026-03-01' }, now: NOW });
    expect(plan.steps.map((s) => [s.id, s.partitions!.length])).toEqual([
      ['bulk[2026-01-01..2026-01-31]', 31],
      ['bulk[2026-02-01..2026-03-01]', 29],
    ]);
  });

  it('defaults to the latest complete partition, as the daily schedule would', () => {
    const plan = planRun(definitions, { selection: 'raw', now: NOW });
    expect(plan.steps.map((s) => s.id)).toEqual(['raw[2026-12-01]']);
    const scheduled = planRun(definitions, { selection: 'raw', nominalTime: new Date('2026-11-15T09:00:00Z'), now: NOW });
    expect(scheduled.steps.map((s) => s.id)).toEqual(['raw[2026-11-14]']);
  });

  it('refuses a partition that one of the selected assets does not have, before planning anything', () => {
    const subjects = defineAsset({ key: 'subjects', partitions: staticPartitions(['alice', 'bob']), compute: sql`select 1` });
    const mixed = defineDefinitions({ assets: [raw, subjects] });
    expect(() => planRun(mixed, { selection: '*', partition: '2026-11-30', now: NOW })).toThrow(
      new PartitionError("asset 'subjects': '2026-11-30' is not one of its partitions (alice, bob)"),
    );
  });

  it('refuses a graph whose partitioned assets cannot read each other without a mapping', () => {
    const subjects = defineAsset({ key: 'subjects', partitions: staticPartitions(['alice']), compute: sql`select * from ${raw}` });
    expect(() => defineDefinitions({ assets: [raw, subjects] })).toThrow(AssetGraphError);
  });
});
