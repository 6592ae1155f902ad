import type { AssetConfig } from '../../framework/index.js';
import { InvalidDocumentError } from '../../framework/index.js';
import { parseSites, sitesFromEnv, type NightscoutSite } from '../../sources/nightscout/client.js';

/**
 * The Nightscout sites to read: `nightscout.sites` of the project's settings (`assay.config.json`, or the file
 * `ASSAY_CONFIG` names) when it has them, else `NIGHTSCOUT_URL` and friends.
 */
export function loadNightscoutSites(config: AssetConfig): { sites: NightscoutSite[] } {
  const nightscout = config.settings.nightscout as { sites?: unknown } | undefined;
  if (nightscout?.sites !== undefined) {
    return { sites: parseSites(nightscout.sites, `${config.settingsFile} (nightscout.sites)`, config.env) };
  }
  const sites = sitesFromEnv(config.env);
  if (sites.length === 0) {
    throw new InvalidDocumentError(
      'no Nightscout site is configured: set NIGHTSCOUT_URL (e.g. alice=https://alice.example.org) ' +
        `or "nightscout": {"sites": [...]} in ${config.settingsFile}`,
    );
  }
  return { sites };
}
