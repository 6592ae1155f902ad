import { basename } from 'node:path';
import { defineAsset, quoteLiteral, ts } from '../../framework/index.js';
import { EdfReader } from '../../sources/edf/reader.js';
import { arrowTable, LIST_SEPARATOR } from './arrow.js';
import {
  findRecordings,
  loadManifest,
  manifestEntry,
  manifestPath,
  psgDir,
  saveManifest,
  type Manifest,
  type ManifestEntry,
  type RecordingFiles,
} from './source.js';

/** What `raw_psg_recordings` keeps of an EDF/BDF header, cached in the manifest for unchanged files. */
export interface EdfHeaderInfo {
  readonly variant: string;
  /** Start date/time as epoch ms whose UTC fields are the recording's local clock time (sub-second included). */
  readonly startMs: number;
  readonly startSubsecond: number;
  readonly recordCount: number;
  readonly recordDurationS: number;
  readonly signals: readonly { label: string; sampleRate: number; unit: string }[];
  readonly hasAnnotations: boolean;
}

export async function readHeaderInfo(path: string): Promise<EdfHeaderInfo> {
  const reader = await EdfReader.open(path);
  try {
    const { header } = reader;
    return {
      variant: header.variant,
      startMs: header.start.getTime(),
      startSubsecond: header.startSubsecond,
      recordCount: header.recordCount,
      recordDurationS: header.recordDuration,
      signals: reader.dataSignals.map((s) => ({ label: s.label, sampleRate: s.sampleRate, unit: s.unit })),
      hasAnnotations: header.signals.some((s) => s.isAnnotation),
    };
  } finally {
    await reader.close();
  }
}

const list = (values: readonly (string | number)[]) => values.join(LIST_SEPARATOR);
const sqlList = (column: string, type: string) =>
  `CASE WHEN ${column} = '' THEN []::${type}[] ELSE string_split(${column}, ${quoteLiteral(LIST_SEPARATOR)})::${type}[] END`;

/**
 * Inventory of the recordings in `ASSAY_PSG_DIR`, one row per recording, with a checksum manifest in
 * `${ASSAY_HOME}/manifests/psg.json`: a file whose size and modification time match the manifest is neither
 * hashed nor opened again (its header facts come from the manifest). A file that is not valid EDF/BDF fails the
 * asset with the reader's InvalidDataError, which names the file, field and byte offset; nothing is published.
 */
export const rawPsgRecordings = defineAsset({
  key: 'raw_psg_recordings',
  group: 'psg',
  layer: 'raw',
  description:
    'EDF/EDF+/BDF recordings in ASSAY_PSG_DIR paired with their hypnograms (Sleep-EDF naming: same first six ' +
    'characters, e.g. SC4001E0-PSG.edf + SC4001EC-Hypnogram.edf; else embedded EDF+ annotations), with SHA-256, ' +
    'size and header facts. Unchanged files (same size and mtime as in the manifest) are not re-read.',
  columns: {
    subject_id: 'Subject (Sleep-EDF: first five characters, e.g. SC400)',
    night: 'Night number (Sleep-EDF: sixth character)',
    recording_id: 'Recording (Sleep-EDF: first six characters, e.g. SC4001)',
    psg_file: 'File name of the recording',
    psg_path: 'Absolute path of the recording',
    hypnogram_path: 'Absolute path of the hypnogram file (the recording itself when annotations are embedded)',
    hypnogram_source: "'file' (separate hypnogram) or 'embedded' (annotations in the recording)",
    sha256: 'SHA-256 of the recording file (hex)',
    bytes: 'Size of the recording file (bytes)',
    modified_at: 'Modification time of the recording file (UTC)',
    hypnogram_sha256: 'SHA-256 of the hypnogram file (hex)',
    hypnogram_bytes: 'Size of the hypnogram file (bytes)',
    edf_variant: 'EDF, EDF+C, EDF+D, BDF, BDF+C or BDF+D',
    start_time: 'Recording start, local clock time as in the header (no time zone), sub-second EDF+ start included',
    duration_s: 'Recording length: data records × record duration (s)',
    record_count: 'Data records',
    record_duration_s: 'Seconds per data record',
    signal_labels: 'Labels of the data signals (annotation signals excluded)',
    sampling_rates_hz: 'Sampling rate of each data signal, same order as signal_labels (Hz)',
    units: 'Physical unit of each data signal, same order as signal_labels',
    eeg_channels: "Data signals whose label starts with 'EEG'",
  },
  tags: { source: 'edf', pii: 'health' },
  owners: ['team:data-platform'],
  codeVersion: '1',
  // Each recording and hypnogram file read (a recording with embedded annotations is listed once).
  sources: async (config) => {
    const files = (await findRecordings(psgDir(config))).flatMap((r) => [r.psgPath, r.hypnogramPath]);
    return [...new Set(files)].map((path) => ({ kind: 'file' as const, path }));
  },
  compute: ts(async (ctx) => {
    const dir = psgDir(ctx.config);
    const recordings = await findRecordings(dir);
    const manifestFile = manifestPath(ctx.config);
    const previous = await loadManifest<EdfHeaderInfo>(manifestFile);
    const files: Record<string, ManifestEntry<EdfHeaderInfo>> = {};
    let reused = 0;
    const entryOf = async (path: string) => {
      if (files[path]) return files[path];
      const result = await manifestEntry(previous, path, readHeaderInfo);
      if (result.reused) reused++;
      files[path] = result.entry;
      return result.entry;
    };
    const rows: { recording: RecordingFiles; psg: ManifestEntry<EdfHeaderInfo>; hypnogram: ManifestEntry<EdfHeaderInfo> }[] = [];
    for (const recording of recordings) {
      const psg = await entryOf(recording.psgPath);
      const hypnogram = await entryOf(recording.hypnogramPath);
      rows.push({ recording, psg, hypnogram });
      ctx.heartbeat({ recording: recording.recordingId });
    }
    ctx.log.info('inventoried PSG recordings', { dir, recordings: rows.length, reusedFromManifest: reused });
    const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
    const table = arrowTable({
      subject_id: { type: 'utf8', values: col((r) => r.recording.subjectId) },
      night: { type: 'int32', values: col((r) => r.recording.night) },
      recording_id: { type: 'utf8', values: col((r) => r.recording.recordingId) },
      psg_file: { type: 'utf8', values: col((r) => basename(r.recording.psgPath)) },
      psg_path: { type: 'utf8', values: col((r) => r.recording.psgPath) },
      hypnogram_path: { type: 'utf8', values: col((r) => r.recording.hypnogramPath) },
      sha256: { type: 'utf8', values: col((r) => r.psg.sha256) },
      bytes: { type: 'float64', values: col((r) => r.psg.bytes) },
      modified_ms: { type: 'float64', values: col((r) => r.psg.mtimeMs) },
      hypnogram_sha256: { type: 'utf8', values: col((r) => r.hypnogram.sha256) },
      hypnogram_bytes: { type: 'float64', values: col((r) => r.hypnogram.bytes) },
      edf_variant: { type: 'utf8', values: col((r) => r.psg.info.variant) },
      start_ms: { type: 'float64', values: col((r) => r.psg.info.startMs) },
      record_count: { type: 'float64', values: col((r) => r.psg.info.recordCount) },
      record_duration_s: { type: 'float64', values: col((r) => r.psg.info.recordDurationS) },
      signal_labels: { type: 'utf8', values: col((r) => list(r.psg.info.signals.map((s) => s.label))) },
      sampling_rates_hz: { type: 'utf8', values: col((r) => list(r.psg.info.signals.map((s) => s.sampleRate))) },
      units: { type: 'utf8', values: col((r) => list(r.psg.info.signals.map((s) => s.unit))) },
    });
    await ctx.loadArrow(table, 'psg_inventory');
    await ctx.connection.run(`
      CREATE TEMP TABLE ${ctx.outputTable} AS
      WITH typed AS (
        SELECT
          subject_id, night, recording_id, psg_file, psg_path, hypnogram_path,
          CASE WHEN hypnogram_path = psg_path THEN 'embedded' ELSE 'file' END AS hypnogram_source,
          sha256, bytes::BIGINT AS bytes, make_timestamptz((modified_ms * 1000)::BIGINT) AS modified_at,
          hypnogram_sha256, hypnogram_bytes::BIGINT AS hypnogram_bytes, edf_variant,
          make_timestamp((start_ms * 1000)::BIGINT) AS start_time,
          record_count * record_duration_s AS duration_s,
          record_count::BIGINT AS record_count, record_duration_s,
          ${sqlList('signal_labels', 'VARCHAR')} AS signal_labels,
          ${sqlList('sampling_rates_hz', 'DOUBLE')} AS sampling_rates_hz,
          ${sqlList('units', 'VARCHAR')} AS units
        FROM psg_inventory
      )
      SELECT *, list_filter(signal_labels, l -> l ILIKE 'EEG%') AS eeg_channels
      FROM typed
      ORDER BY subject_id, night, recording_id`);
    // Only files that are still there stay in the manifest.
    await saveManifest<EdfHeaderInfo>(manifestFile, { version: 1, files } satisfies Manifest<EdfHeaderInfo>);
  }, import.meta.url),
});
