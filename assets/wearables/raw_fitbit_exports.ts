/**
 * The three raw wearables assets: every Fitbit export file of one kind in `ASSAY_WEARABLES_DIR`, typed, one row per
 * data row of the files, ingested idempotently through a checksum manifest and per-file segments (`ingest.ts`).
 */
import { defineAsset, ts, type AssetSpec } from '../../framework/index.js';
import { DAILY_ACTIVITY, HOURLY_STEPS, SLEEP_DAY, type FitbitExport } from '../../sources/wearables/fitbit-exports.js';
import { findExportFiles, wearablesDir } from './folder.js';
import { ingestExports, LINEAGE_COLUMNS } from './ingest.js';

function rawExportAsset(key: string, spec: FitbitExport, what: string): AssetSpec {
  return {
    key,
    group: 'wearables',
    layer: 'raw',
    description:
      `${what} Every ${spec.filePrefix}*.csv of ASSAY_WEARABLES_DIR and its subfolders, typed as exported (duplicates ` +
      'kept: staging resolves them). A file whose SHA-256 is unchanged since the last run is not parsed again (its ' +
      'rows come from its segment under ASSAY_HOME/manifests/wearables/); a changed file replaces its own rows; a ' +
      'row that cannot be parsed fails the asset with its file, line, column and value.',
    columns: { ...Object.fromEntries(spec.columns.map((c) => [c.name, c.description])), ...LINEAGE_COLUMNS },
    tags: { source: 'csv', pii: 'health' },
    owners: ['team:data-platform'],
    codeVersion: '1',
    sources: async (config) => (await findExportFiles(wearablesDir(config), spec)).map((file) => ({ kind: 'file', path: file.path })),
    compute: ts((ctx) => ingestExports(ctx, spec), import.meta.url),
  };
}

export const rawFitbitDailyActivity = defineAsset(
  rawExportAsset('raw_fitbit_daily_activity', DAILY_ACTIVITY, 'Fitbit daily activity: one row per user and day.'),
);

export const rawFitbitSleepDay = defineAsset(
  rawExportAsset('raw_fitbit_sleep_day', SLEEP_DAY, 'Fitbit sleep totals: one row per user and day with logged sleep.'),
);

export const rawFitbitHourlySteps = defineAsset(
  rawExportAsset('raw_fitbit_hourly_steps', HOURLY_STEPS, 'Fitbit hourly steps: one row per user and hour.'),
);
