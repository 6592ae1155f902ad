/**
 * Compiles suites against one relation into a plan: every expectation's aggregate expressions go into one
 * aggregate query (shared expressions computed once), schema expectations are answered from the columns.
 *
 * An expectation on a column whose type DuckDB only guessed, and that the suites or the declared schema type
 * otherwise (see `column-typing.ts`), is compiled for both readings of the column: as the data reads, and with
 * that type. The same query computes both and the column's non-null count: with no values, the typed reading
 * is the result; with values, the data's reading is, exactly as if there were no typing. A reading that cannot
 * compile (a number bound on a text column) is an error only if it is the one the data picks.
 */
import { quoteIdent } from '../framework/sql.js';
import { InvalidDocumentError } from '../framework/errors.js';
import { EXPECTATION_KINDS } from './catalog.js';
import { AggregateQuery, toNumber, type Check, type CompileContext, type SampleMode } from './checks/check.js';
import { compileColumnPair } from './checks/column-pair.js';
import { compileColumnValues } from './checks/column-values.js';
import { compileStatistic } from './checks/statistics.js';
import { compileSchemaCheck } from './checks/table-schema.js';
import { compileUniqueness } from './checks/uniqueness.js';
import type { ColumnTyping } from './column-typing.js';
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
  typing: ColumnTyping,
  sampleMode: SampleMode,
): Plan {
  const data: CompileContext = { relation, columns: typing.columns, aggregate: new AggregateQuery(), sampleMode };
  const typed: CompileContext = { ...data, columns: typing.columns.map((c) => typing.implied.get(c.name) ?? c) };
  const checks = suites.flatMap((suite) =>
    suite.expectations.map((expectation) => {
      const untyped = typeDependentColumns(expectation).filter((name) => typing.implied.has(name));
      const check =
        untyped.length === 0 ? compileExpectation(expectation, data) : compileBothReadings(expectation, data, typed, untyped);
      return { suite, check };
    }),
  );
  return { aggregate: data.aggregate, checks };
}

/** The columns whose type an expectation's outcome depends on (table column lists and existence do not). */
function typeDependentColumns(expectation: Expectation): string[] {
  const { kwargs } = expectation;
  if (EXPECTATION_KINDS[expectation.type] === 'schema' && expectation.type !== 'expect_column_values_to_be_of_type') return [];
  if (expectation.type === 'expect_compound_columns_to_be_unique') return (kwargs['column_list'] as unknown[]).map(String);
  if (expectation.type === 'expect_column_pair_values_a_to_be_greater_than_b') return [String(kwargs['column_A']), String(kwargs['column_B'])];
  return 'column' in kwargs ? [String(kwargs['column'])] : [];
}

/** The check that reads `columns` with their implied types if none of them has a value, else as the data types them. */
function compileBothReadings(
  expectation: Expectation,
  data: CompileContext,
  typed: CompileContext,
  columns: readonly string[],
): Check {
  const asData = attempt(() => compileExpectation(expectation, data));
  const asTyped = attempt(() => compileExpectation(expectation, typed));
  if (asData instanceof Error && asTyped instanceof Error) throw asData;
  const valueCounts = [...new Set(columns)].map((name) => data.aggregate.add(`count(${quoteIdent(name)})`));
  return {
    expectation,
    evaluate(row) {
      const reading = valueCounts.every((alias) => toNumber(row[alias]) === 0) ? asTyped : asData;
      if (reading instanceof Error) throw reading;
      return reading.evaluate(row);
    },
  };
}

/** The compiled check, or the suite error that compiling it raised. */
function attempt(compile: () => Check): Check | InvalidDocumentError {
  try {
    return compile();
  } catch (error) {
    if (error instanceof InvalidDocumentError) return error;
    throw error;
  }
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
