import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidDataError, InvalidDocumentError } from '../framework/errors.js';
import { validateFile, validateRelation, type ValidateOptions } from './run.js';
import { column, runOne, suiteOf, withTable, type ExpectationSpec } from './test-support.js';
import type { ValidationResult } from './types.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'assay-column-typing-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Validates CSV text against expectations, as `assay validate` does. */
async function validateCsv(csv: string, specs: readonly ExpectationSpec[], options?: ValidateOptions): Promise<ValidationResult> {
  const name = `data_${Math.random().toString(36).slice(2)}`;
  await writeFile(join(dir, `${name}.csv`), csv);
  await writeFile(
    join(dir, `${name}.json`),
    JSON.stringify({ name, expectations: specs.map(([type, kwargs]) => ({ type, kwargs })) }),
  );
  return validateFile(join(dir, `${name}.csv`), [join(dir, `${name}.json`)], options);
}

const EMPTY_BMI = 'id,BMI\n1,\n2,\n';
const outcomes = (result: ValidationResult) => result.results.map((r) => [r.success, r.result.observed_value]);

describe('a column whose values DuckDB never saw', () => {
  it('takes its type from the suite: a number bound is not refused on an all-empty CSV column', async () => {
    const result = await validateCsv(EMPTY_BMI, [['expect_column_values_to_be_between', { column: 'BMI', min_value: 10, max_value: null }]]);
    expect(result.results[0]).toMatchObject({ success: true, result: { element_count: 2, missing_count: 2, unexpected_count: 0 } });
    expect(result.meta.scans).toBe(1);
  });

  it('passes a type expectation the suite makes, reporting the type it was given', async () => {
    const result = await validateCsv('id,when,amount\n', [
      ['expect_column_values_to_be_of_type', { column: 'when', type_: 'datetime64[ns]' }],
      ['expect_column_values_to_be_between', { column: 'when', min_value: '2024-01-01' }],
      ['expect_column_values_to_be_of_type', { column: 'amount', type_: 'DECIMAL(18,3)' }],
      ['expect_column_values_to_be_of_type', { column: 'amount', type_: 'int' }],
    ]);
    expect(outcomes(result)).toEqual([
      [true, 'TIMESTAMP'],
      [true, undefined],
      [true, 'DECIMAL(18,3)'],
      [true, 'DECIMAL(18,3)'],
    ]);
  });

  it('gets one DuckDB type for each GX, numpy and SQL type name', async () => {
    const names: [string, string][] = [
      ['int', 'BIGINT'],
      ['int8', 'TINYINT'],
      ['INT8', 'BIGINT'],
      ['uint64', 'UBIGINT'],
      ['uhugeint', 'UHUGEINT'],
      ['float', 'DOUBLE'],
      ['float32', 'FLOAT'],
      ['number', 'DOUBLE'],
      ['decimal', 'DECIMAL(18,3)'],
      ['str', 'VARCHAR'],
      ['bool', 'BOOLEAN'],
      ['date', 'DATE'],
      ['time', 'TIME'],
      ['datetime', 'TIMESTAMP'],
      ['datetime64[ns]', 'TIMESTAMP'],
      ['datetime64[ns, UTC]', 'TIMESTAMP WITH TIME ZONE'],
      ['timedelta', 'INTERVAL'],
      ['bytes', 'BLOB'],
      ['uuid', 'UUID'],
    ];
    const header = names.map((_, i) => `c${i}`).join(',');
    const result = await validateCsv(
      `${header}\n`,
      names.map(([type_], i) => ['expect_column_values_to_be_of_type', { column: `c${i}`, type_ }]),
    );
    expect(outcomes(result)).toEqual(names.map(([, type]) => [true, type]));
  });

  it('compares with the type of the column it is paired with', async () => {
    const result = await validateCsv('a,b\n1.5,\n2.5,\n', [['expect_column_pair_values_a_to_be_greater_than_b', { column_A: 'a', column_B: 'b' }]]);
    expect(result.results[0]).toMatchObject({ success: false, result: { unexpected_count: 2, partial_unexpected_list: [[1.5, null], [2.5, null]] } });
  });

  it('of type NULL (a query’s bare NULLs) is typed too', async () => {
    const suite = suiteOf([
      ['expect_column_values_to_be_between', { column: 'x', min_value: 1 }],
      ['expect_column_mean_to_be_between', { column: 'x', min_value: 1 }],
    ]);
    const result = await withTable('SELECT 1 AS id', (c) => validateRelation(c, '(SELECT NULL AS x FROM range(3))', [suite]));
    expect(result.results.map((r) => [r.success, r.result.missing_count, r.result.observed_value])).toEqual([
      [true, 3, undefined],
      [false, undefined, null],
    ]);
  });
});

describe('a column with values keeps the data’s type', () => {
  it('so a number bound on text is still refused, naming the suite and the column', async () => {
    const error = await validateCsv('id,BMI\n1,n/a\n2,31.5\n', [['expect_column_values_to_be_between', { column: 'BMI', min_value: 10 }]]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidDocumentError);
    expect((error as Error).message).toContain(
      "/expectations/0/kwargs/min_value (expect_column_values_to_be_between) is the number 10, but column 'BMI' is VARCHAR: write the bound as a string of that type",
    );
  });

  it('and a type expectation fails on it, observing the data’s type, in one scan', async () => {
    const result = await validateCsv('id,BMI\n1,n/a\n', [
      ['expect_column_values_to_be_of_type', { column: 'BMI', type_: 'float' }],
      ['expect_column_values_to_be_in_set', { column: 'BMI', value_set: ['n/a'] }],
    ]);
    expect(outcomes(result)).toEqual([
      [false, 'VARCHAR'],
      [true, undefined],
    ]);
    expect(result.meta.scans).toBe(1);
  });

  it('and a typed all-null column keeps its type: the type expectation is judged against it', async () => {
    const r = await runOne(column('INTEGER', ['NULL', 'NULL']), 'expect_column_values_to_be_of_type', { column: 'x', type_: 'float' });
    expect(r).toMatchObject({ success: false, result: { observed_value: 'INTEGER' } });
  });
});

describe('a suite whose constants the implied type cannot hold', () => {
  it('has its columns read as the data types them, as without typing', async () => {
    const specs: ExpectationSpec[] = [
      ['expect_column_values_to_be_of_type', { column: 'BMI', type_: 'float' }],
      ['expect_column_values_to_not_be_in_set', { column: 'BMI', value_set: ['n/a'] }],
    ];
    const result = await validateCsv(EMPTY_BMI, specs);
    expect(outcomes(result)).toEqual([
      [false, 'VARCHAR'],
      [true, undefined],
    ]);
    expect(result.meta.scans).toBe(1);
  });
});

describe('declaredTypes', () => {
  it('types a column with no values before the suite does', async () => {
    const specs: ExpectationSpec[] = [
      ['expect_column_values_to_be_of_type', { column: 'BMI', type_: 'float' }],
      ['expect_column_values_to_be_of_type', { column: 'BMI', type_: 'int' }],
      ['expect_column_values_to_be_between', { column: 'BMI', min_value: 10 }],
    ];
    const result = await validateCsv(EMPTY_BMI, specs, { declaredTypes: { BMI: 'INTEGER', other: 'DATE' } });
    expect(outcomes(result)).toEqual([
      [false, 'INTEGER'],
      [true, 'INTEGER'],
      [true, undefined],
    ]);
  });

  it('declared text keeps a number bound refused', async () => {
    await expect(
      validateCsv(EMPTY_BMI, [['expect_column_values_to_be_between', { column: 'BMI', min_value: 10 }]], { declaredTypes: { BMI: 'VARCHAR' } }),
    ).rejects.toThrow("is the number 10, but column 'BMI' is VARCHAR");
  });

  it('never overrides a type the data has', async () => {
    const result = await validateCsv('id,BMI\n1,31.5\n', [['expect_column_values_to_be_of_type', { column: 'BMI', type_: 'DOUBLE' }]], {
      declaredTypes: { BMI: 'INTEGER' },
    });
    expect(outcomes(result)).toEqual([[true, 'DOUBLE']]);
  });

  it('must name DuckDB types', async () => {
    await expect(
      validateCsv(EMPTY_BMI, [['expect_column_values_to_not_be_null', { column: 'BMI' }]], { declaredTypes: { BMI: 'NUMBERISH' } }),
    ).rejects.toThrow(new InvalidDataError("the declared type of column 'BMI', 'NUMBERISH', is not a DuckDB type"));
  });
});
