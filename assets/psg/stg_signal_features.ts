import { defineAsset, ts } from '../../framework/index.js';
import { EEG_BANDS, edfBandPowers } from '../../sources/psg/band-power.js';
import { arrowTable, type ColumnValues } from './arrow.js';
import { psgHypnogram, recordingsOf, EPOCH_SECONDS } from './psg_hypnogram.js';
import { rawPsgRecordings } from './raw_psg_recordings.js';

/**
 * EEG band power per 30-s epoch and channel (see sources/psg/band-power.ts for the method):
 *
 *   PSD   Welch, periodic Hann window, 4-s segments (nperseg = 4·fs, 0.25 Hz bins), 50 % overlap, constant (mean)
 *         detrend per segment, one-sided density scaling, mean over segments — scipy.signal.welch's defaults.
 *   abs   Σ PSD[k] · Δf over bins with lo ≤ f_k < hi (signal unit², µV² for EEG in uV).
 *   rel   abs / total, total = the same sum over 0.5 ≤ f < 45 Hz, stopping below the lower edge of a band that is
 *         null (lower edge ≥ Nyquist), so the non-null bands' relative powers sum to 1.
 *   Bands delta 0.5–4, theta 4–8, alpha 8–12, sigma 12–16, beta 16–30, gamma 30–45 Hz; a band whose lower edge is
 *         at or above Nyquist (fs/2) is null (abs and rel); rel is null when the total is 0.
 *
 * EEG channels only (labels starting with 'EEG'). The features travel as an Arrow table into DuckDB.
 */
const bandColumns: Record<string, string> = {};
for (const band of EEG_BANDS) {
  bandColumns[`${band.name}_abs`] = `Absolute ${band.name} power, ${band.low}–${band.high} Hz (signal unit², µV²); null above Nyquist`;
  bandColumns[`${band.name}_rel`] = `Relative ${band.name} power: ${band.name}_abs / total_power (0–1); null above Nyquist`;
}

export const stgSignalFeatures = defineAsset({
  key: 'stg_signal_features',
  group: 'psg',
  layer: 'staging',
  deps: [rawPsgRecordings, psgHypnogram],
  description:
    'EEG band power per subject, night, 30-s epoch and EEG channel: Welch PSD (Hann, 4-s segments, 50 % overlap, ' +
    'mean detrend, one-sided density); absolute power = Σ PSD·Δf over lo ≤ f < hi; relative = absolute / total ' +
    'power over 0.5–45 Hz (up to Nyquist, and below a null band; the non-null relative powers sum to 1); bands delta 0.5–4, theta 4–8, alpha 8–12, sigma 12–16, beta 16–30, ' +
    'gamma 30–45 Hz, null when the band lies above Nyquist. Stage from psg_hypnogram.',
  columns: {
    subject_id: 'Subject',
    night: 'Night number',
    recording_id: 'Recording',
    epoch: 'Epoch index, 0 = the first 30 s of the recording',
    channel: "EEG signal label, e.g. 'EEG Fpz-Cz'",
    sampling_rate_hz: 'Sampling rate of the channel (Hz)',
    stage: 'Sleep stage of the epoch (UNKNOWN when the hypnogram has no epoch there)',
    total_power: 'Power over 0.5 ≤ f < 45 Hz, up to Nyquist and below a null band = Σ non-null band abs (signal unit², µV²)',
    ...bandColumns,
  },
  owners: ['team:data-platform'],
  codeVersion: '2',
  suites: ['expectations/suites/stg_signal_features.json'],
  compute: ts(async (ctx) => {
    const stagesReader = await ctx.connection.runAndReadAll(
      `SELECT recording_id, epoch, stage FROM ${ctx.ref(psgHypnogram)}`,
    );
    const stageOf = new Map<string, string>();
    for (const [recording, epoch, stage] of stagesReader.getRows()) {
      stageOf.set(`${String(recording)}\u0000${Number(epoch)}`, String(stage));
    }
    const cols = {
      subject_id: [] as string[],
      night: [] as number[],
      recording_id: [] as string[],
      epoch: [] as number[],
      channel: [] as string[],
      sampling_rate_hz: [] as number[],
      stage: [] as string[],
      total_power: [] as number[],
    };
    const bands: Record<string, (number | null)[]> = {};
    for (const band of EEG_BANDS) {
      bands[`${band.name}_abs`] = [];
      bands[`${band.name}_rel`] = [];
    }
    for (const r of await recordingsOf(ctx)) {
      const channels = await edfBandPowers(r.psg_path, { epochSeconds: EPOCH_SECONDS });
      for (const channel of channels) {
        channel.epochs.forEach((powers, epoch) => {
          cols.subject_id.push(r.subject_id);
          cols.night.push(r.night);
          cols.recording_id.push(r.recording_id);
          cols.epoch.push(epoch);
          cols.channel.push(channel.channel);
          cols.sampling_rate_hz.push(channel.sampleRate);
          cols.stage.push(stageOf.get(`${r.recording_id}\u0000${epoch}`) ?? 'UNKNOWN');
          cols.total_power.push(powers.total);
          for (const band of EEG_BANDS) {
            bands[`${band.name}_abs`]!.push(powers.absolute[band.name]);
            bands[`${band.name}_rel`]!.push(powers.relative[band.name]);
          }
        });
      }
      ctx.heartbeat({ recording: r.recording_id });
      ctx.log.info('band powers computed', { recording: r.recording_id, channels: channels.length });
    }
    const bandValues: Record<string, ColumnValues> = {};
    for (const [name, values] of Object.entries(bands)) bandValues[name] = { type: 'float64', values };
    return arrowTable({
      subject_id: { type: 'utf8', values: cols.subject_id },
      night: { type: 'int32', values: cols.night },
      recording_id: { type: 'utf8', values: cols.recording_id },
      epoch: { type: 'int32', values: cols.epoch },
      channel: { type: 'utf8', values: cols.channel },
      sampling_rate_hz: { type: 'float64', values: cols.sampling_rate_hz },
      stage: { type: 'utf8', values: cols.stage },
      total_power: { type: 'float64', values: cols.total_power },
      ...bandValues,
    });
  }, import.meta.url),
});
