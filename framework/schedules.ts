/**
 * Schedules declared in code, applied to Temporal Schedules by `assay schedules apply` (Temporal is the scheduler:
 * no cron of Assay's own). Each run a schedule starts is a graph run whose partition its nominal time decides: the
 * latest partition that ended by then, in each asset's time zone (`partitionForTime`).
 *
 * ```ts
 * defineSchedule({ name: 'daily', selection: '*', cron: '0 9 * * *' });   // 09:00 UTC: yesterday's partition
 * ```
 */
import { AssetDefinitionError } from './errors.js';

export type OverlapPolicy = 'skip' | 'buffer_one' | 'buffer_all' | 'cancel_other' | 'terminate_other' | 'allow_all';

export interface ScheduleSpec {
  /** Schedule name: the Temporal Schedule is `assay-<name>`. Letters, digits, `_` and `-`. */
  name: string;
  /** Asset selection each run materializes. */
  selection: string;
  /** A cron expression (minute hour day-of-month month day-of-week), e.g. `0 9 * * *`. */
  cron: string;
  /** Time zone of the cron expression. Default `UTC`. */
  timezone?: string;
  /** How late a missed run (server down, paused) may still start: `1 day`, `2 hours`. Default `1 day`. */
  catchupWindow?: string;
  /** What happens when a run is due while the previous one still runs. Default `skip`. */
  overlap?: OverlapPolicy;
  description?: string;
}

export interface ScheduleDefinition {
  readonly name: string;
  readonly selection: string;
  readonly cron: string;
  readonly timezone: string;
  readonly catchupWindow: string;
  readonly overlap: OverlapPolicy;
  readonly description: string | undefined;
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const CRON_FIELD = /^(\*|\d+|\d+-\d+)(\/\d+)?(,(\*|\d+|\d+-\d+)(\/\d+)?)*$/;
const DURATION = /^\d+\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?|d|days?)$/;

export function defineSchedule(spec: ScheduleSpec): ScheduleDefinition {
  if (!NAME.test(spec.name)) {
    throw new AssetDefinitionError(`schedule name '${spec.name}' is invalid: use letters, digits, '_' and '-', starting with a letter`);
  }
  const fields = spec.cron.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => CRON_FIELD.test(f))) {
    throw new AssetDefinitionError(
      `schedule '${spec.name}': '${spec.cron}' is not a cron expression of five fields (minute hour day month weekday), e.g. '0 9 * * *'`,
    );
  }
  const catchupWindow = spec.catchupWindow ?? '1 day';
  if (!DURATION.test(catchupWindow)) {
    throw new AssetDefinitionError(`schedule '${spec.name}': catchupWindow '${catchupWindow}' is not a duration such as '1 day' or '6 hours'`);
  }
  return Object.freeze({
    name: spec.name,
    selection: spec.selection,
    cron: fields.join(' '),
    timezone: spec.timezone ?? 'UTC',
    catchupWindow,
    overlap: spec.overlap ?? 'skip',
    description: spec.description,
  });
}
