/**
 * Event builders: fill `producer`, `schemaURL` and `eventTime`, and always write `inputs` and
 * `outputs` (empty arrays rather than absent) so every event has one shape.
 */
import type {
  Dataset,
  DatasetEvent,
  EventType,
  InputDataset,
  Job,
  JobEvent,
  OutputDataset,
  Run,
  RunEvent,
} from './model.js';
import { ASSAY_PRODUCER, DATASET_EVENT_SCHEMA_URL, JOB_EVENT_SCHEMA_URL, RUN_EVENT_SCHEMA_URL } from './producer.js';

function isoTime(time: Date | string | undefined): string {
  if (time === undefined) return new Date().toISOString();
  return typeof time === 'string' ? time : time.toISOString();
}

export interface RunEventInput {
  eventType: EventType;
  /** Defaults to now. Pass the time the transition happened, not the time of sending. */
  eventTime?: Date | string;
  run: Run;
  job: Job;
  inputs?: readonly InputDataset[];
  outputs?: readonly OutputDataset[];
  producer?: string;
}

export function runEvent(input: RunEventInput): RunEvent {
  return {
    eventTime: isoTime(input.eventTime),
    producer: input.producer ?? ASSAY_PRODUCER,
    schemaURL: RUN_EVENT_SCHEMA_URL,
    eventType: input.eventType,
    run: input.run,
    job: input.job,
    inputs: [...(input.inputs ?? [])],
    outputs: [...(input.outputs ?? [])],
  };
}

export interface JobEventInput {
  eventTime?: Date | string;
  job: Job;
  inputs?: readonly InputDataset[];
  outputs?: readonly OutputDataset[];
  producer?: string;
}

/** Static lineage of a job (e.g. an asset definition, on deploy), outside any run. */
export function jobEvent(input: JobEventInput): JobEvent {
  return {
    eventTime: isoTime(input.eventTime),
    producer: input.producer ?? ASSAY_PRODUCER,
    schemaURL: JOB_EVENT_SCHEMA_URL,
    job: input.job,
    inputs: [...(input.inputs ?? [])],
    outputs: [...(input.outputs ?? [])],
  };
}

export interface DatasetEventInput {
  eventTime?: Date | string;
  dataset: Dataset;
  producer?: string;
}

/** Static metadata of a dataset (e.g. its schema and documentation), outside any run. */
export function datasetEvent(input: DatasetEventInput): DatasetEvent {
  return {
    eventTime: isoTime(input.eventTime),
    producer: input.producer ?? ASSAY_PRODUCER,
    schemaURL: DATASET_EVENT_SCHEMA_URL,
    dataset: input.dataset,
  };
}
