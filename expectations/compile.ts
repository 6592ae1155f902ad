/**
 * Compiles suites against one relation into a plan: every expectation's aggregate expressions go into one
 * aggregate query (shared expressions computed once), schema expectations are answered from the columns.
 */
import { EXPECTATION_KINDS } from './catalog.js';
import { AggregateQuery, type Check, type CompileContext, type SampleMode } from './checks/check.js';
import { compileColumnPair } from './checks/column-pair.js';
import { compileColumnValues } from './checks/column-values.js';
import { compileStatistic } from './checks/statistics.js';
import { compileSchemaCheck } from './checks/table-schema.js';
import { compileUniqueness } from './checks/uniqueness.js';
import type { ColumnInfo } from './column-types.js';
import type { Expectation, Suite } from './types.js';

export interface PlannedCheck {
  readonly suite: Suite;
  readonly check: Check;
}

export interface Plan {
  readonly aggregate: AggregateQuery;
  readonly checks: readonly PlannedCheck[];
}

export function compilePlan(
  suites: readonly Suite[],
  relation: string,
  columns: readonly ColumnInfo[],
  sampleMode: SampleMode,
): Plan {
  const context: CompileContext = { relation, columns, aggregate: new AggregateQuery(), sampleMode };
  const checks = suites.flatMap((suite) =>
    suite.expectations.map((expectation) => ({ suite, check: compileExpectation(expectation, context) })),
  );
  return { aggregate: context.aggregate, checks };
}

function compileExpectation(expectation: Expectation, context: CompileContext): Check {
  switch (EXPECTATION_KINDS[expectation.type]) {
    case 'schema':
      return compileSchemaCheck(expectation, context);
    case 'aggregate':
      return compileStatistic(expectation, context);
    case 'uniqueness':
      return compileUniqueness(expectation, context);
    case 'map':
      return expectation.type === 'expect_column_pair_values_a_to_be_greater_than_b'
        ? compileColumnPair(expectation, context)
        : compileColumnValues(expectation, context);
  }
}
