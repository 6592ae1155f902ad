/** The sample project: every asset the worker and the CLI load (`ASSAY_DEFINITIONS` points elsewhere). */
import { defineDefinitions } from '../framework/index.js';
import { sampleSources } from '../samples/dev-sources.js';
import { nightscoutAssets } from './nightscout/assets.js';
import { psgAssets } from './psg/assets.js';
import { sampleSchedules } from './schedules.js';
import { wearablesAssets } from './wearables/assets.js';

export default defineDefinitions({
  name: 'health_lakehouse',
  assets: [...nightscoutAssets, ...psgAssets, ...wearablesAssets],
  // `npm start` and `--embedded` serve simulated Nightscout sites, sample PSG nights and sample Fitbit drops unless
  // real ones are set.
  devSources: sampleSources,
  schedules: sampleSchedules,
});
