/**
 * When the sample project runs (applied as Temporal Schedules by `assay schedules apply`, and by `npm start` on the
 * dev server). A scheduled run materializes, for each daily asset, the partition its nominal time decides: the day
 * that ended before it in the asset's time zone (a run at 09:00 UTC on 2026-12-01 → 2026-11-30).
 */
import { defineSchedule } from '../framework/index.js';

export const sampleSchedules = [
  defineSchedule({
    name: 'daily',
    selection: '*',
    cron: '0 9 * * *',
    description: "Every asset at 09:00 UTC: yesterday's glucose partition, the sleep studies and the wearables",
    // A run missed by a day of downtime still starts when the server is back; a run still going is not doubled.
    catchupWindow: '1 day',
    overlap: 'skip',
  }),
  defineSchedule({
    name: 'wearables-morning',
    selection: 'group:wearables',
    cron: '0 6 * * *',
    description: 'The wearable drops land by 06:00 UTC',
  }),
];
