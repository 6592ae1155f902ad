/**
 * The Great Expectations expectation types Assay evaluates, and how each is computed. The suite schema
 * (`suite.schema.json`) holds the kwargs of each; a test checks that the two lists agree.
 */
export const EXPECTATION_KINDS = {
  expect_table_row_count_to_be_between: 'aggregate',
  expect_table_row_count_to_equal: 'aggregate',
  expect_table_columns_to_match_ordered_list: 'schema',
  expect_table_columns_to_match_set: 'schema',
  expect_column_to_exist: 'schema',
  expect_column_values_to_be_of_type: 'schema',
  expect_column_values_to_not_be_null: 'map',
  expect_column_values_to_be_null: 'map',
  expect_column_values_to_be_between: 'map',
  expect_column_values_to_be_in_set: 'map',
  expect_column_values_to_not_be_in_set: 'map',
  expect_column_values_to_match_regex: 'map',
  expect_column_values_to_not_match_regex: 'map',
  expect_column_value_lengths_to_be_between: 'map',
  expect_column_pair_values_a_to_be_greater_than_b: 'map',
  expect_column_values_to_be_unique: 'uniqueness',
  expect_compound_columns_to_be_unique: 'uniqueness',
  expect_column_mean_to_be_between: 'aggregate',
  expect_column_median_to_be_between: 'aggregate',
  expect_column_stdev_to_be_between: 'aggregate',
  expect_column_min_to_be_between: 'aggregate',
  expect_column_max_to_be_between: 'aggregate',
  expect_column_sum_to_be_between: 'aggregate',
  expect_column_proportion_of_unique_values_to_be_between: 'aggregate',
  expect_column_unique_value_count_to_be_between: 'aggregate',
} as const;

/**
 * How an expectation is evaluated: `schema` from the relation's columns alone (no scan); `aggregate` from one
 * statistic of the aggregate query; `map` row by row, counted in the aggregate query; `uniqueness` screened in
 * the aggregate query and counted exactly by the follow-up query only when duplicates may exist.
 */
export type ExpectationKind = (typeof EXPECTATION_KINDS)[keyof typeof EXPECTATION_KINDS];

export type ExpectationType = keyof typeof EXPECTATION_KINDS;

export const EXPECTATION_TYPES = Object.keys(EXPECTATION_KINDS) as ExpectationType[];

export function isExpectationType(name: string): name is ExpectationType {
  return Object.hasOwn(EXPECTATION_KINDS, name);
}
