import { Context } from '@temporalio/activity';
import type { AssetLogger } from '../framework/asset.js';
import { computeToStaging, type StagedAsset } from '../framework/compute.js';
import { checkStaged, type CheckOutcome } from '../framework/check.js';
import type { Definitions } from '../framework/definitions.js';
import { publishStaged, quarantineStaged, removeStaging, type MaterializationRecord } from '../framework/publish.js';
import { asActivity } from './failure.js';

export interface AssetRunInput {
  key: string;
  partition?: string;
  /** The Assay run id (the graph run's Temporal run id). */
  runId: string;
}

const HEARTBEAT_EVERY_MS = 5_000;

function activityLogger(): AssetLogger {
  const log = Context.current().log;
  return { info: (m, a) => log.info(m, a), warn: (m, a) => log.warn(m, a) };
}

export function createMaterializeActivities(definitions: Definitions, home: string) {
  return {
    /** Computes the asset into staging. Retried per the asset's retry policy. */
    async computeAsset(input: AssetRunInput): Promise<StagedAsset> {
      const context = Context.current();
      const beat = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await asActivity(() =>
          computeToStaging({
            definitions,
            home,
            ...input,
            heartbeat: (details) => context.heartbeat(details),
            log: activityLogger(),
          }),
        );
      } finally {
        clearInterval(beat);
      }
    },

    /** Runs the asset's expectation suites on its staged data: the audit between write and publish. */
    async checkAsset(staged: StagedAsset): Promise<CheckOutcome> {
      return asActivity(() => checkStaged(definitions, home, staged));
    },

    /** Moves staged data into the lake and records the materialization. */
    async publishAsset(staged: StagedAsset, checks?: MaterializationRecord['checks']): Promise<MaterializationRecord> {
      return asActivity(() => publishStaged({ definitions, home, staged, checks }));
    },

    /** Removes the run's staging folder once every asset has finished. */
    async cleanupStaging(runId: string): Promise<void> {
      return asActivity(() => removeStaging(home, runId));
    },

    /** Moves staged data that failed its checks to quarantine; returns where. */
    async quarantineAsset(staged: StagedAsset): Promise<string> {
      return asActivity(() => quarantineStaged(definitions, home, staged));
    },
  };
}
