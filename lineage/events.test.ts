import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FACET_SCHEMA_VERSIONS, facetSchemaUrl } from './facets.js';
import type { BaseFacet, LineageEvent } from './model.js';
import { ASSAY_PRODUCER, ASSAY_VERSION } from './producer.js';
import { isUuidV7 } from './run-id.js';
import {
  assetComplete,
  assetDatasetEvent,
  assetFail,
  assetJobEvent,
  assetStart,
  graphStart,
} from './test-support/sample-events.js';
import { validateAgainstAssaySchema, validateAgainstSpec } from './validate.js';

const samples: [string, () => LineageEvent][] = [
  ['the START of an asset run', assetStart],
  ['the COMPLETE of an asset run', assetComplete],
  ['the FAIL of an asset run', assetFail],
  ['the START of a graph run', graphStart],
  ['a JobEvent', assetJobEvent],
  ['a DatasetEvent', assetDatasetEvent],
];

/** Every facet in an event, found by its `_producer` field. */
function facetsOf(value: unknown, found: BaseFacet[] = []): BaseFacet[] {
  if (Array.isArray(value)) value.forEach((v) => facetsOf(v, found));
  else if (typeof value === 'object' && value !== null) {
    if ('_producer' in value) found.push(value as BaseFacet);
    Object.values(value).forEach((v) => facetsOf(v, found));
  }
  return found;
}

describe('events Assay builds', () => {
  for (const [what, build] of samples) {
    it(`${what} validates against the official OpenLineage 2-0-2 schema and its facet schemas`, () => {
      expect(() => validateAgainstSpec(JSON.parse(JSON.stringify(build())))).not.toThrow();
    });

    it(`${what} validates against assay-events.schema.json`, () => {
      expect(() => validateAgainstAssaySchema(JSON.parse(JSON.stringify(build())))).not.toThrow();
    });

    it(`${what} carries Assay's producer and a facet schema URL on every facet`, () => {
      const event = build();
      expect(event.producer).toBe(ASSAY_PRODUCER);
      const facets = facetsOf(event);
      expect(facets.length).toBeGreaterThan(0);
      for (const facet of facets) {
        expect(facet._producer).toBe(ASSAY_PRODUCER);
        expect(facet._schemaURL).toMatch(/^https:\/\/openlineage\.io\/spec\/facets\/\d+-\d+-\d+\/(\w+)\.json#\/\$defs\/\1$/);
      }
    });
  }

  it('names the producer with the Assay version', () => {
    expect(ASSAY_PRODUCER).toBe(`https://github.com/assay-dev/assay/tree/${ASSAY_VERSION}/lineage`);
  });

  it('uses the facet schema versions of the copied spec files', () => {
    for (const name of Object.keys(FACET_SCHEMA_VERSIONS) as (keyof typeof FACET_SCHEMA_VERSIONS)[]) {
      const schema = JSON.parse(readFileSync(new URL(`./spec/facets/${name}.json`, import.meta.url), 'utf8')) as { $id: string };
      expect(facetSchemaUrl(name)).toBe(`${schema.$id}#/$defs/${name}`);
    }
  });

  it('gives asset runs a UUIDv7 run id and a parent facet with the root', () => {
    const event = assetStart();
    expect(isUuidV7(event.run.runId)).toBe(true);
    expect(event.run.facets?.parent?.root).toEqual({ run: event.run.facets?.parent?.run, job: event.run.facets?.parent?.job });
  });

  it('sends a jobType facet with all three fields Marquez requires', () => {
    expect(assetStart().job.facets?.jobType).toMatchObject({ processingType: 'BATCH', integration: 'ASSAY', jobType: 'ASSET' });
  });

  it('writes expected and actual assertion values as strings, as the spec types them', () => {
    const assertions = assetStart().inputs[0]?.inputFacets?.dataQualityAssertions?.assertions ?? [];
    expect(assertions[1]).toMatchObject({ expected: '{"min_value":40,"max_value":300}', actual: '2', severity: 'warn' });
  });
});

describe('the official facet examples', () => {
  const testsDir = new URL('./spec/tests/', import.meta.url);
  for (const facetDir of readdirSync(testsDir)) {
    for (const file of readdirSync(new URL(`${facetDir}/`, testsDir))) {
      it(`${facetDir}/${file} passes the spec check when sent in an event`, () => {
        const facets = JSON.parse(readFileSync(new URL(`${facetDir}/${file}`, testsDir), 'utf8')) as Record<string, unknown>;
        const event = graphStart() as unknown as Record<string, unknown> & { run: { facets: object }; job: { facets: object } };
        const base = { namespace: 'file', name: '/x' };
        if (facetDir.endsWith('RunFacet')) event.run.facets = { ...event.run.facets, ...facets };
        else if (facetDir.endsWith('JobFacet')) event.job.facets = { ...event.job.facets, ...facets };
        else if (facetDir.endsWith('OutputDatasetFacet')) event.outputs = [{ ...base, outputFacets: facets }];
        else if (facetDir.includes('DataQuality')) event.inputs = [{ ...base, inputFacets: facets }];
        else event.inputs = [{ ...base, facets }];
        expect(() => validateAgainstSpec(event)).not.toThrow();
      });
    }
  }
});
