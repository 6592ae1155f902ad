/** The sample project: every asset the worker and the CLI load (`ASSAY_DEFINITIONS` points elsewhere). */
import { defineDefinitions } from '../framework/index.js';
import { nightscoutAssets } from './nightscout/assets.js';
import { psgAssets } from './psg/assets.js';

export default defineDefinitions({
  name: 'health_lakehouse',
  assets: [...nightscoutAssets, ...psgAssets],
});
