/**
 * Expectations answered by the relation's columns alone, without reading a row: the column list, a column's
 * existence and its type.
 */
import { typeMatches } from '../column-types.js';
import type { Expectation, ExpectationResultDetails } from '../types.js';
import { resolveColumn, type Check, type CompileContext, type Outcome } from './check.js';

export function compileSchemaCheck(expectation: Expectation, context: CompileContext): Check {
  const outcome = schemaOutcome(expectation, context);
  return { expectation, evaluate: () => outcome };
}

function schemaOutcome(expectation: Expectation, context: CompileContext): Outcome {
  const { kwargs } = expectation;
  const actual = context.columns.map((c) => c.name);
  switch (expectation.type) {
    case 'expect_table_columns_to_match_ordered_list': {
      const expected = kwargs['column_list'] as string[];
      const mismatched = [];
      for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
        if (expected[i] !== actual[i]) {
          mismatched.push({ 'Expected Column Position': i, Expected: expected[i] ?? null, Found: actual[i] ?? null });
        }
      }
      return result(mismatched.length === 0, { observed_value: actual }, mismatched.length > 0 ? { mismatched } : undefined);
    }
    case 'expect_table_columns_to_match_set': {
      const expected = kwargs['column_set'] as string[];
      const exact = kwargs['exact_match'] !== false;
      const missing = sorted(expected.filter((c) => !actual.includes(c)));
      const unexpected = sorted(actual.filter((c) => !expected.includes(c)));
      const success = missing.length === 0 && (!exact || unexpected.length === 0);
      // As GX 1.x: the observed columns sorted; whenever the sets differ (even if a subset match passes),
      // `details.mismatched` lists the non-empty ones of `unexpected` and `missing`, sorted.
      const mismatched = {
        ...(unexpected.length > 0 ? { unexpected } : {}),
        ...(missing.length > 0 ? { missing } : {}),
      };
      const differ = missing.length > 0 || unexpected.length > 0;
      return result(success, { observed_value: sorted(actual) }, differ ? { mismatched } : undefined);
    }
    case 'expect_column_to_exist': {
      const name = String(kwargs['column']);
      const index = kwargs['column_index'];
      const success = typeof index === 'number' ? actual[index] === name : actual.includes(name);
      return { success, result: {} };
    }
    case 'expect_column_values_to_be_of_type': {
      const column = resolveColumn(context, expectation, 'column');
      // A column with no values that only the suites type has no type to contradict them: it passes, as GX's
      // value-by-value check passes on no values. A declared type is checked like the data's.
      const success = column.typeSource === 'suite' || typeMatches(column, String(kwargs['type_']));
      return { success, result: { observed_value: column.type } };
    }
    default:
      throw new Error(`not a schema expectation: ${expectation.type}`);
  }
}

/** Distinct names in code-unit order, not locale order (GX sorts sets of names with Python's `sorted`). */
function sorted(names: readonly string[]): string[] {
  return [...new Set(names)].sort();
}

function result(success: boolean, details: ExpectationResultDetails, extra: Record<string, unknown> | undefined): Outcome {
  return { success, result: extra === undefined ? details : { ...details, details: extra } };
}
