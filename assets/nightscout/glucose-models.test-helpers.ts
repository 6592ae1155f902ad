import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineDefinitions } from '../../framework/index.js';
import type { MaterializationRecord } from '../../engine/publish.js';
import { materializeLocally, seedAsset } from '../../engine/testing.js';
import { nightscoutAssets, rawNightscoutEntries } from './assets.js';

/** A fresh ASSAY_HOME whose raw entries are `rawQuery`'s rows, with every glucose model materialized from them. */
export async function glucoseModelsFrom(rawQuery: string): Promise<{ home: string; records: MaterializationRecord[] }> {
  const home = await mkdtemp(join(tmpdir(), 'assay-nightscout-models-'));
  await seedAsset(home, rawNightscoutEntries, rawQuery);
  const records = await materializeLocally({
    definitions: defineDefinitions({ assets: nightscoutAssets }),
    home,
    selection: 'stg_nightscout_glucose+',
  });
  return { home, records };
}
