import { defineAsset, ts } from '../../framework/index.js';
import { lightsPeriod } from '../../sources/psg/hypnogram.js';
import { arrowTable } from './arrow.js';
import { recordingAnnotations, recordingsOf } from './psg_hypnogram.js';
import { rawPsgRecordings } from './raw_psg_recordings.js';

/**
 * Lights off and lights on per recording, from its hypnogram file or embedded annotations ('Lights off' /
 * 'Lights on', case-insensitive; see lightsPeriod in sources/psg/hypnogram.ts): the first lights-off and the
 * last lights-on after it. Both null unless the recording has both. fct_sleep_summary takes the in-bed period
 * from them when they are there.
 */
export const psgLights = defineAsset({
  key: 'psg_lights',
  group: 'psg',
  layer: 'staging',
  deps: [rawPsgRecordings],
  description:
    "Lights off and lights on per recording from its annotations ('Lights off' / 'Lights on', any case): the " +
    'first lights-off and the last lights-on after it; both null unless the recording has both (Sleep-EDF ' +
    'hypnograms have none). One row per recording.',
  columns: {
    subject_id: 'Subject',
    night: 'Night number',
    recording_id: 'Recording',
    lights_off: 'Lights off, local clock time of the recording (no time zone); null when not annotated',
    lights_on: 'Lights on, local clock time of the recording (no time zone); null when not annotated',
  },
  owners: ['team:data-platform'],
  codeVersion: '1',
  compute: ts(async (ctx) => {
    const subject: string[] = [];
    const night: number[] = [];
    const recordingId: string[] = [];
    const offMs: (number | null)[] = [];
    const onMs: (number | null)[] = [];
    for (const r of await recordingsOf(ctx)) {
      const { startMs, epochZero, annotations } = await recordingAnnotations(r.psg_path, r.hypnogram_path);
      const lights = lightsPeriod(annotations);
      subject.push(r.subject_id);
      night.push(r.night);
      recordingId.push(r.recording_id);
      // startMs is the start of epoch 0, at epochZero in the annotations' frame.
      offMs.push(lights ? startMs + (lights.off - epochZero) * 1000 : null);
      onMs.push(lights ? startMs + (lights.on - epochZero) * 1000 : null);
      ctx.heartbeat({ recording: r.recording_id });
    }
    const table = arrowTable({
      subject_id: { type: 'utf8', values: subject },
      night: { type: 'int32', values: night },
      recording_id: { type: 'utf8', values: recordingId },
      off_ms: { type: 'float64', values: offMs },
      on_ms: { type: 'float64', values: onMs },
    });
    await ctx.loadArrow(table, 'psg_lights_rows');
    await ctx.connection.run(`
      CREATE TEMP TABLE ${ctx.outputTable} AS
      SELECT subject_id, night, recording_id,
             make_timestamp(round(off_ms * 1000)::BIGINT) AS lights_off,
             make_timestamp(round(on_ms * 1000)::BIGINT) AS lights_on
      FROM psg_lights_rows
      ORDER BY subject_id, night, recording_id`);
  }, import.meta.url),
});
