import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AssayConfig } from '../../assay.config.js';
import { AssetDefinitionError, PartitionError, UpstreamMissingError } from '../../framework/errors.js';
import { checkPartitionKey } from '../../framework/partitions.js';
import { allPartitionsGlob, publishedPartitionFiles, publishedPath } from '../../engine/lake.js';
import { loadDefinitions } from '../../engine/load-definitions.js';
import { summarizeFailures, validateFile, type ValidationResult } from '../../expectations/index.js';

function report(result: ValidationResult, json: boolean | undefined): number {
  console.log(json ? JSON.stringify(result, null, 2) : summarizeFailures(result));
  return result.success ? 0 : 1;
}

/** `assay check <asset>`: runs an asset's suites against its published data, without materializing. */
export async function checkCommand(
  config: AssayConfig,
  key: string,
  options: { partition?: string; json?: boolean },
): Promise<number> {
  const { graph } = await loadDefinitions(config.definitionsModule);
  const asset = graph.get(key);
  if (asset.suites.length === 0) {
    throw new AssetDefinitionError(`asset '${key}' has no expectation suites; add suites: ['…json'] to its declaration`);
  }
  if (options.partition !== undefined && !asset.partitions) {
    throw new PartitionError(`asset '${key}' is not partitioned; run without --partition`);
  }
  if (options.partition !== undefined) checkPartitionKey(asset.partitions!, options.partition, new Date(), `asset '${key}'`);
  // A partitioned asset without --partition: every published partition, checked together.
  const path =
    asset.partitions && options.partition === undefined ? allPartitionsGlob(config.home, asset) : publishedPath(config.home, asset, options.partition);
  const found = asset.partitions && options.partition === undefined ? (await publishedPartitionFiles(config.home, asset)).length > 0 : existsSync(path);
  if (!found) throw new UpstreamMissingError(`asset '${key}' has no published data at ${path}; materialize it first`);
  return report(await validateFile(path, asset.suites.map((s) => resolve(config.projectRoot, s))), options.json);
}

/** `assay validate --suite <suite.json> <data>`: any data file (Parquet or CSV) against any suite. */
export async function validateCommand(data: string, options: { suite: string[]; json?: boolean }): Promise<number> {
  return report(await validateFile(resolve(data), options.suite.map((s) => resolve(s))), options.json);
}
