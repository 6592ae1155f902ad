import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../framework/errors.js';
import { declaredColumnLineage } from './column-lineage.js';
import { inputDataset, lakeAssetDataset, localFileDataset, outputDataset, webApiDataset } from './datasets.js';
import { outputStatisticsFacet } from './facets.js';
import { assetComplete } from './test-support/sample-events.js';
import { validateEvent } from './validate.js';

const home = '/srv/assay/.assay';
const fields = [
  { name: 'subject_id', type: 'VARCHAR' },
  { name: 'sgv', type: 'INTEGER' },
];

describe('source and lake datasets', () => {
  it('a run reading a web API and a local file and writing a lake asset validates against the spec and Assay schema', () => {
    const api = webApiDataset('https://alice.example.org/api/v1/entries.json?token=abc', { fields });
    const file = localFileDataset('/data/psg/SC4001E0-PSG.edf');
    const columnLineage = declaredColumnLineage(
      { fields: { subject_id: [{ input: 'api', field: 'subject_id' }], sgv: [{ input: 'api', field: 'sgv' }] } },
      { api },
    );
    const output = lakeAssetDataset({ home, layer: 'raw', key: 'raw_nightscout_entries', fields, columnLineage });
    const event = {
      ...assetComplete(),
      inputs: [inputDataset(api), inputDataset(file)],
      outputs: [outputDataset(output, { outputStatistics: outputStatisticsFacet({ rowCount: 2, size: 1024 }) })],
    };
    expect(() => validateEvent(JSON.parse(JSON.stringify(event)))).not.toThrow();
    expect(api).toMatchObject({ namespace: 'https://alice.example.org', name: '/api/v1/entries.json' });
    expect(api.facets?.dataSource).toMatchObject({ name: 'https://alice.example.org', uri: 'https://alice.example.org' });
    expect(file.facets?.storage).toMatchObject({ storageLayer: 'file', fileFormat: 'edf' });
    expect(output).toMatchObject({ namespace: 'file:///srv/assay/.assay/lake/raw', name: 'raw_nightscout_entries' });
    expect(output.facets?.symlinks?.identifiers).toEqual([
      { namespace: 'file', name: '/srv/assay/.assay/lake/raw/raw_nightscout_entries', type: 'LOCATION' },
    ]);
  });

  it('leaves out the storage format of a file without an extension', () => {
    expect(localFileDataset('/data/README').facets?.storage).not.toHaveProperty('fileFormat');
  });

  it('refuses column lineage on a lake output without its fields, which Marquez would drop', () => {
    const columnLineage = declaredColumnLineage({ fields: {} }, {});
    expect(() => lakeAssetDataset({ home, layer: 'raw', key: 'x', columnLineage })).toThrow(InvalidDocumentError);
  });

  it('holds every dataset in a file:// namespace to having dataSource and storage facets', () => {
    const output = lakeAssetDataset({ home, layer: 'raw', key: 'x', fields });
    delete output.facets!.storage;
    const event = { ...assetComplete(), outputs: [outputDataset(output, assetComplete().outputs[0]!.outputFacets)] };
    expect(() => validateEvent(JSON.parse(JSON.stringify(event)))).toThrow(/storage/);
  });
});
