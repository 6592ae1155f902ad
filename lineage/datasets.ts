/**
 * Datasets Assay reports: lake assets (folders of Parquet files) and the sources assets read (local files,
 * web APIs), with the `dataSource` facet (and `storage` for files) always set. `lakeAssetDataset` is the lake
 * naming to use (`lakeDatasetName`); `lakeDataset` keeps the older naming by absolute path.
 */
import { extname } from 'node:path';
import { InvalidDocumentError } from '../framework/errors.js';
import { dataSourceFacet, datasetDocumentationFacet, schemaFacet, storageFacet, symlinksFacet } from './facets.js';
import type {
  ColumnLineageDatasetFacet,
  Dataset,
  DatasetFacets,
  InputDataset,
  InputDatasetFacets,
  OutputDataset,
  OutputDatasetFacets,
  SchemaField,
} from './model.js';
import type { LakeAssetLocation } from './naming.js';
import {
  fileDataSource,
  fileDatasetName,
  lakeDatasetName,
  lakeSymlink,
  localFileDatasetName,
  webApiDatasetName,
} from './naming.js';

export interface LakeDatasetInput {
  /** Absolute path of the asset's folder in the lake. */
  path: string;
  /** Columns, when known (always on the output of a finished materialization). */
  fields?: readonly SchemaField[];
  /** The asset's description. */
  description?: string;
  /** Further dataset facets. */
  facets?: DatasetFacets;
}

export function lakeDataset(input: LakeDatasetInput): Dataset {
  const facets: DatasetFacets = {
    dataSource: dataSourceFacet(fileDataSource()),
    storage: storageFacet(),
  };
  if (input.fields !== undefined) facets.schema = schemaFacet(input.fields);
  if (input.description !== undefined && input.description !== '') {
    facets.documentation = datasetDocumentationFacet(input.description);
  }
  return { ...fileDatasetName(input.path), facets: { ...facets, ...input.facets } };
}

export interface LakeAssetDatasetInput extends LakeAssetLocation {
  /** Columns, when known (always on the output of a finished materialization). */
  fields?: readonly SchemaField[];
  /** The asset's description. */
  description?: string;
  /** The output's column lineage; needs `fields`, since Marquez drops column lineage without a schema. */
  columnLineage?: ColumnLineageDatasetFacet;
  /** Further dataset facets. */
  facets?: DatasetFacets;
}

/**
 * A lake asset as a dataset, named by `lakeDatasetName` (namespace: its layer folder; name: its key), with
 * `dataSource` (the layer folder), `storage` (Parquet files), a `symlinks` facet giving its plain local path
 * (namespace `file`), and its schema, description and column lineage when given.
 */
export function lakeAssetDataset(input: LakeAssetDatasetInput): Dataset {
  const identity = lakeDatasetName(input);
  const facets: DatasetFacets = {
    dataSource: dataSourceFacet({ name: identity.namespace, uri: identity.namespace }),
    storage: storageFacet(),
    symlinks: symlinksFacet([lakeSymlink(input)]),
  };
  if (input.fields !== undefined) facets.schema = schemaFacet(input.fields);
  if (input.description !== undefined && input.description !== '') {
    facets.documentation = datasetDocumentationFacet(input.description);
  }
  if (input.columnLineage !== undefined) {
    if (input.fields === undefined) {
      throw new InvalidDocumentError(
        `column lineage of '${input.key}' needs its fields: Marquez keeps column lineage only next to a schema facet`,
      );
    }
    facets.columnLineage = input.columnLineage;
  }
  return { ...identity, facets: { ...facets, ...input.facets } };
}

export interface SourceDatasetInput {
  fields?: readonly SchemaField[];
  description?: string;
  facets?: DatasetFacets;
}

function describedFacets(input: SourceDatasetInput): DatasetFacets {
  const facets: DatasetFacets = {};
  if (input.fields !== undefined) facets.schema = schemaFacet(input.fields);
  if (input.description !== undefined && input.description !== '') {
    facets.documentation = datasetDocumentationFacet(input.description);
  }
  return facets;
}

/**
 * A local file an asset reads, named by `localFileDatasetName` (namespace `file` or `file://{host}`, absolute path),
 * with `dataSource` and `storage` (`fileFormat` from the extension unless given: `csv`, `json`, `edf`, …).
 */
export function localFileDataset(
  location: string | URL,
  input: SourceDatasetInput & { host?: string; fileFormat?: string } = {},
): Dataset {
  const identity = localFileDatasetName(location, input.host === undefined ? {} : { host: input.host });
  const format = input.fileFormat ?? (extname(identity.name).slice(1).toLowerCase() || undefined);
  const uri = identity.namespace === 'file' ? 'file:///' : `${identity.namespace}/`;
  return {
    ...identity,
    facets: {
      dataSource: dataSourceFacet({ name: identity.namespace, uri }),
      storage: storageFacet({ storageLayer: 'file', fileFormat: format ?? null }),
      ...describedFacets(input),
      ...input.facets,
    },
  };
}

/**
 * A web API resource an asset reads, named by `webApiDatasetName` (namespace `https://host[:port]`, name the path;
 * no user info, no credentials), with `dataSource` naming the API's origin.
 */
export function webApiDataset(url: string | URL, input: SourceDatasetInput & { includeQuery?: boolean } = {}): Dataset {
  const identity = webApiDatasetName(url, input.includeQuery ? { includeQuery: true } : {});
  return {
    ...identity,
    facets: {
      dataSource: dataSourceFacet({ name: identity.namespace, uri: identity.namespace }),
      ...describedFacets(input),
      ...input.facets,
    },
  };
}

/** A dataset as a run's input, with input facets (data quality) if any. */
export function inputDataset(dataset: Dataset, inputFacets?: InputDatasetFacets): InputDataset {
  return inputFacets === undefined ? { ...dataset } : { ...dataset, inputFacets };
}

/** A dataset as a run's output, with output facets (statistics) if any. */
export function outputDataset(dataset: Dataset, outputFacets?: OutputDatasetFacets): OutputDataset {
  return outputFacets === undefined ? { ...dataset } : { ...dataset, outputFacets };
}
