import { describe, expect, it } from 'vitest';
import { outputDataset } from './datasets.js';
import { runEvent } from './events.js';
import { columnLineageFacet, symlinksFacet } from './facets.js';
import { assetComplete } from './test-support/sample-events.js';
import { validateEvent } from './validate.js';

const readings = { namespace: 'file', name: '/srv/lake/staging/readings' };

describe('columnLineageFacet', () => {
  it('builds a 1-2-0 facet that passes the spec and Assay schema on an output next to its schema', () => {
    const complete = assetComplete();
    const facet = columnLineageFacet({
      fields: {
        day: [{ ...readings, field: 'ts', transformations: [{ type: 'DIRECT', subtype: 'TRANSFORMATION', masking: false }] }],
        mean_mg_dl: [{ ...readings, field: 'sgv', transformations: [{ type: 'DIRECT', subtype: 'AGGREGATION' }] }],
      },
      dataset: [{ ...readings, field: 'ts', transformations: [{ type: 'INDIRECT', subtype: 'GROUP_BY' }] }],
    });
    expect(facet._schemaURL).toBe(
      'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet',
    );
    const output = complete.outputs[0]!;
    const event = runEvent({
      ...complete,
      outputs: [outputDataset({ ...output, facets: { ...output.facets, columnLineage: facet } }, output.outputFacets)],
    });
    expect(() => validateEvent(JSON.parse(JSON.stringify(event)))).not.toThrow();
  });

  it('leaves out an empty dataset list', () => {
    expect(columnLineageFacet({ fields: {}, dataset: [] })).not.toHaveProperty('dataset');
  });

  it('refuses, by schema, a transformation type the spec does not know', () => {
    const complete = assetComplete();
    const facet = columnLineageFacet({
      fields: { day: [{ ...readings, field: 'ts', transformations: [{ type: 'SIDEWAYS' as 'DIRECT' }] }] },
    });
    const output = complete.outputs[0]!;
    const event = { ...complete, outputs: [{ ...output, facets: { ...output.facets, columnLineage: facet } }] };
    expect(() => validateEvent(JSON.parse(JSON.stringify(event)))).toThrow(/columnLineage/);
  });
});

describe('symlinksFacet', () => {
  it('gives a dataset another identifier, valid against the spec and Assay schema', () => {
    const complete = assetComplete();
    const output = complete.outputs[0]!;
    const symlinks = symlinksFacet([{ namespace: 'file', name: output.name, type: 'LOCATION' }]);
    const event = { ...complete, outputs: [{ ...output, facets: { ...output.facets, symlinks } }] };
    expect(() => validateEvent(JSON.parse(JSON.stringify(event)))).not.toThrow();
  });
});
