/**
 * The type of a column whose values DuckDB never saw. DuckDB's CSV sniffer types a column with no values (an
 * all-empty column, or every column of a header-only file) VARCHAR, and a query column of bare NULLs has the
 * type NULL: the types one falls back to, not types of the data. A suite must not be rejected, or judged, for
 * a type the data could not show, so when a VARCHAR or NULL column has no values it takes the type the caller
 * declares for it (`declaredTypes`, e.g. the asset's schema), else the type the suites imply, in this order:
 *
 * 1. the type of the column it is compared with by `expect_column_pair_values_a_to_be_greater_than_b`, when
 *    that column's type is the data's (so that the comparison binds);
 * 2. the type its first `expect_column_values_to_be_of_type` names (`int` → BIGINT, `float` → DOUBLE, …);
 * 3. DOUBLE for a number bound, a numeric statistic or a value set of numbers, BOOLEAN for a set of booleans;
 * 4. the type given to the other column of a pair.
 *
 * The first that DuckDB can parse decides; if it is the column's own type (`type_: str` on a VARCHAR column),
 * the column keeps it. Any other type (INTEGER, DATE, … in a Parquet file or a table) stands even if the
 * column is all null: the data declares it.
 *
 * Whether the column has values is only known by reading it, and reading it first would cost a scan. So the
 * expectations on such a column are compiled for both readings (see `compile.ts`): as the data reads, and with
 * the implied type through `TRY_CAST` (which cannot fail, whatever the values). The one aggregate query
 * computes both, and the column's non-null count picks the reading. Should DuckDB refuse the typed reading
 * (a constant of the suite the implied type cannot hold), `run.ts` validates without typing.
 */
import { DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../framework/sql.js';
import { InvalidDataError } from '../framework/errors.js';
import { impliedTypeSql, type ColumnInfo } from './column-types.js';
import type { Expectation, Suite } from './types.js';

export interface ColumnTyping {
  /** The relation's columns, typed as DuckDB reads them. */
  readonly columns: readonly ColumnInfo[];
  /** By column name: the type a column whose type DuckDB guessed takes if it has no values. */
  readonly implied: ReadonlyMap<string, ColumnInfo>;
}

interface Candidate {
  /** A DuckDB type, as SQL. */
  readonly sql: string;
  readonly source: 'declared' | 'suite';
}

interface ResolvedType {
  readonly type: string;
  readonly typeId: DuckDBTypeId;
}

/** The types DuckDB gives a column when it has seen no value of it. */
function isGuess(column: ColumnInfo): boolean {
  return column.typeId === DuckDBTypeId.VARCHAR || column.typeId === DuckDBTypeId.SQLNULL;
}

/**
 * Types the columns of `columns` whose type DuckDB guessed, from `declaredTypes` (column → DuckDB type name)
 * and the suites. Asks DuckDB to parse the type names (a prepared statement, no scan) only when there are some.
 */
export async function typeColumns(
  connection: DuckDBConnection,
  columns: readonly ColumnInfo[],
  suites: readonly Suite[],
  declaredTypes: Readonly<Record<string, string>> = {},
): Promise<ColumnTyping> {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const guessed = new Set(columns.filter(isGuess).map((c) => c.name));
  const implied = new Map<string, ColumnInfo>();
  if (guessed.size === 0) return { columns, implied };

  const expectations = suites.flatMap((s) => s.expectations);
  const pairs = expectations
    .filter((e) => e.type === 'expect_column_pair_values_a_to_be_greater_than_b')
    .map((e) => [String(e.kwargs['column_A']), String(e.kwargs['column_B'])] as const);
  const candidates = new Map<string, Candidate[]>();
  const add = (name: string, candidate: Candidate | undefined) => {
    if (candidate === undefined || !guessed.has(name)) return;
    candidates.set(name, [...(candidates.get(name) ?? []), candidate]);
  };
  for (const name of guessed) {
    const declared = Object.hasOwn(declaredTypes, name) ? declaredTypes[name] : undefined;
    if (declared !== undefined) add(name, { sql: declared, source: 'declared' });
  }
  for (const [a, b] of pairs) {
    for (const [column, partner] of [[a, b], [b, a]] as const) {
      const other = byName.get(partner);
      if (other !== undefined && !guessed.has(partner)) add(column, { sql: other.type, source: 'suite' });
    }
  }
  for (const e of expectations) {
    if (e.type === 'expect_column_values_to_be_of_type') {
      add(String(e.kwargs['column']), { sql: impliedTypeSql(String(e.kwargs['type_'])), source: 'suite' });
    }
  }
  for (const e of expectations) {
    const sql = typeOfKwargs(e);
    if (sql !== undefined) add(String(e.kwargs['column']), { sql, source: 'suite' });
  }

  const resolved = await resolveTypes(connection, [...new Set([...candidates.values()].flat().map((c) => c.sql))]);
  const decided = new Set<string>();
  for (const [name, list] of candidates) {
    const column = byName.get(name) as ColumnInfo;
    for (const candidate of list) {
      const type = resolved.get(candidate.sql);
      if (type === undefined) {
        if (candidate.source === 'suite') continue;
        throw new InvalidDataError(`the declared type of column '${name}', '${candidate.sql}', is not a DuckDB type`);
      }
      decided.add(name);
      if (type.type !== column.type) implied.set(name, typedColumn(column, type, candidate.source));
      break;
    }
  }
  // A pair of columns that both lack a type the data declares: the one the suites type gives its type to the other.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [a, b] of pairs) {
      for (const [from, to] of [[a, b], [b, a]] as const) {
        const type = implied.get(from);
        const column = byName.get(to);
        if (type === undefined || column === undefined || !guessed.has(to) || decided.has(to)) continue;
        decided.add(to);
        if (type.type !== column.type) implied.set(to, typedColumn(column, type, 'suite'));
        changed = true;
      }
    }
  }
  return { columns, implied };
}

/** The type an expectation's kwargs imply for its column: DOUBLE for numbers (bounds, statistics, sets), BOOLEAN for boolean sets. */
function typeOfKwargs(expectation: Expectation): string | undefined {
  const { kwargs } = expectation;
  switch (expectation.type) {
    case 'expect_column_mean_to_be_between':
    case 'expect_column_median_to_be_between':
    case 'expect_column_stdev_to_be_between':
    case 'expect_column_sum_to_be_between':
      return 'DOUBLE';
    case 'expect_column_values_to_be_between':
    case 'expect_column_min_to_be_between':
    case 'expect_column_max_to_be_between':
      return typeof kwargs['min_value'] === 'number' || typeof kwargs['max_value'] === 'number' ? 'DOUBLE' : undefined;
    case 'expect_column_values_to_be_in_set':
    case 'expect_column_values_to_not_be_in_set': {
      const values = ((kwargs['value_set'] as unknown[] | undefined) ?? []).filter((v) => v !== null);
      if (values.length === 0) return undefined;
      if (values.every((v) => typeof v === 'number')) return 'DOUBLE';
      if (values.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
      return undefined;
    }
    default:
      return undefined;
  }
}

function typedColumn(column: ColumnInfo, type: ResolvedType, source: 'declared' | 'suite'): ColumnInfo {
  return {
    name: column.name,
    type: type.type,
    typeId: type.typeId,
    sql: `TRY_CAST(${quoteIdent(column.name)} AS ${type.type})`,
    typeSource: source,
  };
}

/**
 * A type name that can be pasted into SQL: words, an optional `(precision, scale)`, optional `[]`s. Type names
 * come from suites and callers, and cannot be bound as parameters.
 */
const PLAIN_TYPE = /^[A-Za-z_][A-Za-z0-9_]*(?: [A-Za-z_][A-Za-z0-9_]*)*(?:\(\s*\d+\s*(?:,\s*\d+\s*)?\))?(?:\[\d*\])*$/;

/** DuckDB's reading of type names (by preparing `SELECT CAST(NULL AS …)`, never run); unknown names are left out. */
async function resolveTypes(connection: DuckDBConnection, names: readonly string[]): Promise<Map<string, ResolvedType>> {
  const resolved = new Map<string, ResolvedType>();
  const describe = async (list: readonly string[]) => {
    const statement = await connection.prepare(`SELECT ${list.map((t, i) => `CAST(NULL AS ${t}) AS t${i}`).join(', ')}`);
    try {
      list.forEach((name, i) => {
        const type = statement.columnType(i);
        resolved.set(name, { type: type.toString(), typeId: type.typeId });
      });
    } finally {
      statement.destroySync();
    }
  };
  const plain = names.filter((t) => PLAIN_TYPE.test(t));
  if (plain.length === 0) return resolved;
  try {
    await describe(plain);
  } catch {
    for (const name of plain) await describe([name]).catch(() => undefined);
  }
  return resolved;
}
