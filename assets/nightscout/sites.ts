import { InvalidDocumentError } from '../../framework/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseSites, sitesFromEnv, type NightscoutSite } from '../../sources/nightscout/client.js';

/**
 * The Nightscout sites to read: `nightscout.sites` of the project config (`ASSAY_CONFIG`, default
 * `./assay.config.json`) when it has them, else `NIGHTSCOUT_URL` and friends.
 */
export function loadNightscoutSites(env: NodeJS.ProcessEnv = process.env): { sites: NightscoutSite[] } {
  const configPath = resolve(env.ASSAY_CONFIG ?? 'assay.config.json');
  if (existsSync(configPath)) {
    let doc: { nightscout?: { sites?: unknown } };
    try {
      doc = JSON.parse(readFileSync(configPath, 'utf8')) as typeof doc;
    } catch (err) {
      throw new InvalidDocumentError(`${configPath}: not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    if (doc.nightscout?.sites !== undefined) {
      return { sites: parseSites(doc.nightscout.sites, `${configPath} (nightscout.sites)`, env) };
    }
  }
  const sites = sitesFromEnv(env);
  if (sites.length === 0) {
    throw new InvalidDocumentError(
      'no Nightscout site is configured: set NIGHTSCOUT_URL (e.g. alice=https://alice.example.org) ' +
        `or "nightscout": {"sites": [...]} in ${configPath}`,
    );
  }
  return { sites };
}
