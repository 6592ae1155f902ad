import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidDocumentError } from '../framework/errors.js';
import { loadSuite, parseSuite } from './load.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** The error `promise` rejects with (failing the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('loadSuite', () => {
  it('reads a legacy 0.x suite, including the old spelling of the column-pair expectation', async () => {
    const suite = await loadSuite(fixture('legacy_suite.json'));
    expect(suite).toMatchObject({ name: 'legacy_readings', format: 'gx0', source: fixture('legacy_suite.json') });
    expect(suite.expectations.map((e) => [e.type, e.severity])).toEqual([
      ['expect_column_values_to_not_be_null', 'error'],
      ['expect_column_values_to_be_between', 'warn'],
      ['expect_column_pair_values_a_to_be_greater_than_b', 'error'],
    ]);
    expect(suite.expectations[2]?.declaredType).toBe('expect_column_pair_values_A_to_be_greater_than_B');
    expect(suite.expectations[1]?.location).toEqual({ source: fixture('legacy_suite.json'), pointer: '/expectations/1', line: 10 });
  });

  it('reads a GX 1.x suite, mapping GX severities and letting meta.severity win', async () => {
    const suite = await loadSuite(fixture('gx1_suite.json'));
    expect(suite).toMatchObject({ name: 'gx1_readings', format: 'gx1' });
    expect(suite.expectations.map((e) => e.severity)).toEqual(['error', 'warn', 'warn', 'warn']);
    expect(suite.expectations[0]?.id).toBe('6d3c8f1e-0000-4000-8000-000000000002');
  });

  it('names the file, line and JSON pointer of every schema violation', async () => {
    const error = await rejection(loadSuite(fixture('invalid_kwargs.json')));
    expect(error).toBeInstanceOf(InvalidDocumentError);
    const file = fixture('invalid_kwargs.json');
    expect(error.message).toContain(`invalid expectation suite ${file} (4 problems)`);
    expect(error.message).toContain(
      `${file}:13: /expectations/1/kwargs/max_vlaue is not a known kwarg of this expectation type; did you mean 'max_value'?`,
    );
    expect(error.message).toContain(`${file}:14: /expectations/1/kwargs/mostly must be <= 1`);
    expect(error.message).toContain(`${file}:19: /expectations/2/kwargs must have the property 'column'`);
    expect(error.message).toContain(`${file}:20: /expectations/2/severity must be one of "error", "warn", "critical", "warning", "info" (got "fatal")`);
  });

  it('reports unknown expectation types with a suggestion and the supported list', async () => {
    const error = await rejection(loadSuite(fixture('unknown_type.json')));
    const file = fixture('unknown_type.json');
    expect(error.message).toContain(
      `${file}:5: /expectations/1/type 'expect_column_values_to_not_be_nul' is not an expectation type Assay supports; ` +
        "did you mean 'expect_column_values_to_not_be_null'?",
    );
    expect(error.message).toContain(`${file}:6: /expectations/2/type 'expect_column_values_to_be_dateutil_parseable'`);
    expect(error.message).toContain('(supported: expect_table_row_count_to_be_between, ');
  });

  it('reports a file that is not JSON with the line of the syntax error', async () => {
    const error = await rejection(loadSuite(fixture('not_json.json')));
    expect(error).toBeInstanceOf(InvalidDocumentError);
    expect(error.message).toMatch(new RegExp(`^invalid expectation suite ${fixture('not_json.json')}:5: not JSON`));
  });

  it('reports a missing file', async () => {
    await expect(loadSuite(fixture('nope.json'))).rejects.toThrow(/cannot read expectation suite .*nope\.json/);
  });
});

describe('parseSuite', () => {
  const gx1 = (expectations: unknown[]) => ({ name: 's', expectations });

  it('names the source label and pointer when there is no file to count lines in', () => {
    expect(() => parseSuite(gx1([{ type: 'expect_column_values_to_be_unique', kwargs: {} }]), 'inline')).toThrow(
      "invalid expectation suite inline (1 problem):\n  inline: /expectations/0/kwargs must have the property 'column'",
    );
  });

  it('refuses a document that is neither suite format', () => {
    expect(() => parseSuite({ expectations: [] }, 'x')).toThrow("x: / must have the property 'name'");
    expect(() => parseSuite([], 'x')).toThrow('must be a JSON object');
  });

  it('refuses row_condition, which would validate a subset of rows', () => {
    const doc = gx1([{ type: 'expect_column_values_to_be_unique', kwargs: { column: 'a', row_condition: 'b > 1' } }]);
    expect(() => parseSuite(doc, 'x')).toThrow('/expectations/0/kwargs/row_condition is not supported by Assay');
  });

  it('refuses a range without any bound, as GX does', () => {
    const doc = gx1([{ type: 'expect_column_values_to_be_between', kwargs: { column: 'a', min_value: null } }]);
    expect(() => parseSuite(doc, 'x')).toThrow('/expectations/0/kwargs must set min_value or max_value');
  });

  it('refuses suite parameters with a message that says what to do', () => {
    const doc = gx1([{ type: 'expect_column_values_to_be_between', kwargs: { column: 'a', min_value: { $PARAMETER: 'low' } } }]);
    expect(() => parseSuite(doc, 'x')).toThrow('/expectations/0/kwargs/min_value is a suite parameter ($PARAMETER), which Assay does not support');
  });

  it('refuses a type name it cannot map to DuckDB types', () => {
    const doc = gx1([{ type: 'expect_column_values_to_be_of_type', kwargs: { column: 'a', type_: 'wibble' } }]);
    expect(() => parseSuite(doc, 'x')).toThrow("/expectations/0/kwargs/type_ 'wibble' is not a type name Assay knows");
  });

  it('keeps the kwargs and meta as written', () => {
    const suite = parseSuite(gx1([{ type: 'expect_column_values_to_be_unique', kwargs: { column: 'a', mostly: 0.5 }, meta: { owner: 'x' } }]), 'x');
    expect(suite.expectations[0]).toMatchObject({ kwargs: { column: 'a', mostly: 0.5 }, meta: { owner: 'x' }, severity: 'error' });
    expect(suite.expectations[0]?.location).toEqual({ source: 'x', pointer: '/expectations/0', line: undefined });
  });
});
