/**
 * Datasets of Assay's lake: an asset is a folder of Parquet files, named `file` + the folder's
 * absolute path, with the `dataSource` and `storage` facets always set.
 */
import { dataSourceFacet, datasetDocumentationFacet, schemaFacet, storageFacet } from './facets.js';
import type {
  Dataset,
  DatasetFacets,
  InputDataset,
  InputDatasetFacets,
  OutputDataset,
  OutputDatasetFacets,
  SchemaField,
} from './model.js';
import { fileDataSource, fileDatasetName } from './naming.js';

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

/** A dataset as a run's input, with input facets (data quality) if any. */
export function inputDataset(dataset: Dataset, inputFacets?: InputDatasetFacets): InputDataset {
  return inputFacets === undefined ? { ...dataset } : { ...dataset, inputFacets };
}

/** A dataset as a run's output, with output facets (statistics) if any. */
export function outputDataset(dataset: Dataset, outputFacets?: OutputDatasetFacets): OutputDataset {
  return outputFacets === undefined ? { ...dataset } : { ...dataset, outputFacets };
}
