import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../framework/errors.js';
import { dataQualityAssertionsFacet } from './facets.js';
import { assetComplete, assetFail, assetStart, graphStart } from './test-support/sample-events.js';
import { validateAgainstAssaySchema, validateAgainstSpec, validateEvent } from './validate.js';

function messageOf(fn: () => void): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidDocumentError);
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('validateEvent', () => {
  it('points at a bad value inside a facet, checked against the facet schema', () => {
    const event = assetStart();
    event.run.facets!.parent!.run.runId = 'not-a-uuid';
    expect(messageOf(() => validateAgainstSpec(event))).toBe(
      'lineage RunEvent does not match the OpenLineage 2-0-2 spec (ParentRunFacet) at /run/facets/parent/run/runId: must match format "uuid"',
    );
  });

  it('points at a missing core field', () => {
    const event = assetStart() as unknown as Record<string, unknown>;
    delete event.eventTime;
    expect(messageOf(() => validateEvent(event))).toContain('at /eventTime: is required');
  });

  it('points at a facet missing its _producer', () => {
    const event = assetComplete() as unknown as { outputs: { outputFacets: { outputStatistics: Record<string, unknown> } }[] };
    delete event.outputs[0]!.outputFacets.outputStatistics._producer;
    expect(messageOf(() => validateAgainstSpec(event))).toContain('/outputs/0/outputFacets/outputStatistics/_producer: is required');
  });

  it('holds Assay to its own schema: the jobType facet needs jobType, which the spec leaves optional', () => {
    const event = assetStart();
    delete (event.job.facets!.jobType as { jobType?: string }).jobType;
    expect(() => validateAgainstSpec(event)).not.toThrow();
    expect(messageOf(() => validateAgainstAssaySchema(event))).toBe(
      'lineage RunEvent does not match assay-events.schema.json at /job/facets/jobType/jobType: is required',
    );
  });

  it('requires an errorMessage facet on FAIL and a parent facet on asset runs', () => {
    const fail = assetFail();
    delete fail.run.facets!.errorMessage;
    expect(messageOf(() => validateEvent(fail))).toContain('at /run/facets/errorMessage: is required');
    const start = assetStart();
    delete start.run.facets!.parent;
    expect(messageOf(() => validateEvent(start))).toContain('at /run/facets/parent: is required');
  });

  it('requires output statistics and schema on a COMPLETE asset run', () => {
    const event = assetComplete();
    delete event.outputs[0]!.outputFacets;
    expect(messageOf(() => validateEvent(event))).toContain('at /outputs/0/outputFacets: is required');
  });

  it('rejects a run id that is not a UUIDv7 and a relative lake path', () => {
    const event = graphStart();
    event.run.runId = '3b5c1a0e-8d3f-4c7e-9a1b-2c3d4e5f6a7b';
    expect(messageOf(() => validateEvent(event))).toContain('at /run/runId: must match pattern');
    const start = assetStart();
    start.outputs[0]!.name = 'lake/daily_mean';
    expect(messageOf(() => validateEvent(start))).toContain('at /outputs/0/name: must match pattern "^/"');
  });

  it('checks data-quality facets on a checked output dataset against their own schemas', () => {
    const event = assetFail();
    const assertions = dataQualityAssertionsFacet([{ assertion: 'expect_column_values_to_not_be_null', column: 'sgv', success: false }]);
    event.outputs[0]!.facets = { ...event.outputs[0]!.facets, dataQualityAssertions: assertions };
    expect(() => validateEvent(event)).not.toThrow();
    (assertions.assertions[0] as unknown as Record<string, unknown>).success = 'no';
    expect(messageOf(() => validateAgainstSpec(event))).toContain(
      '(DataQualityAssertionsDatasetFacet) at /outputs/0/facets/dataQualityAssertions/assertions/0/success: must be boolean',
    );
  });

  it('rejects what is not an event', () => {
    expect(messageOf(() => validateEvent([]))).toBe('lineage event must be a JSON object at /');
    expect(messageOf(() => validateEvent({ eventTime: 'now' }))).toContain('lineage JobEvent does not match');
  });
});
