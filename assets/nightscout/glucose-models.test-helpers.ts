import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineDefinitions, quoteLiteral, type AssetDefinition } from '../../framework/index.js';
import { withConnection } from '../../engine/duckdb.js';
import type { MaterializationRecord } from '../../engine/publish.js';
import { materializeLocally, seedAsset } from '../../engine/testing.js';
import { nightscoutAssets } from './assets.js';

/**
 * A fresh ASSAY_HOME whose raw entries are `rawQuery`'s rows (raw_nightscout_entries' columns but the partition),
 * published one day partition at a time, with every glucose model of `group` materialized from them over those days.
 */
export async function glucoseModelsFrom(
  rawQuery: string,
  group: readonly AssetDefinition[] = nightscoutAssets,
): Promise<{ home: string; records: MaterializationRecord[] }> {
  const home = await mkdtemp(join(tmpdir(), 'assay-nightscout-models-'));
  const raw = group.find((a) => a.key === 'raw_nightscout_entries')!;
  const zone = raw.partitions!.kind === 'time' ? raw.partitions!.timezone : 'UTC';
  const withDay = `SELECT *, timezone(${quoteLiteral(zone)}, make_timestamptz(date * 1000))::DATE AS local_date FROM (${rawQuery})`;
  const days = await withConnection(async (c) => {
    const reader = await c.runAndReadAll(`SELECT strftime(min(local_date), '%Y-%m-%d'), strftime(max(local_date), '%Y-%m-%d') FROM (${withDay})`);
    return reader.getRows()[0] as [string, string];
  });
  for (let day = days[0]; day <= days[1]; day = nextDay(day)) {
    await seedAsset(home, raw, `${withDay} WHERE local_date = DATE ${quoteLiteral(day)} ORDER BY subject_id, date`, day);
  }
  const records = await materializeLocally({
    definitions: defineDefinitions({ assets: group }),
    home,
    selection: 'stg_nightscout_glucose+',
    range: { from: days[0], to: days[1] },
  });
  return { home, records };
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
