/**
 * DuckDB column types as expectations see them: which are numeric or floating point, and which DuckDB types a
 * GX `type_` name (SQL, pandas/numpy or Python spelling) accepts in `expect_column_values_to_be_of_type`.
 */
import { DuckDBTypeId } from '@duckdb/node-api';

export interface ColumnInfo {
  readonly name: string;
  /** DuckDB's name of the type, e.g. `INTEGER`, `TIMESTAMP WITH TIME ZONE`, `DECIMAL(18,3)`, `VARCHAR[]`. */
  readonly type: string;
  readonly typeId: DuckDBTypeId;
  /**
   * SQL that reads the column in the relation: its quoted name, or a `TRY_CAST` of it to the type the column
   * is given when DuckDB could only guess one (see `column-typing.ts`).
   */
  readonly sql: string;
  /**
   * Set when the type is not the data's but given to a column with no values: by the caller's declared schema
   * (`declared`) or by the suites (`suite`). Unset for every column whose type the relation declares.
   */
  readonly typeSource?: 'declared' | 'suite';
}

const INTEGER_IDS = [
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
];
const FLOAT_IDS = [DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE];
const NUMERIC_IDS = new Set([...INTEGER_IDS, ...FLOAT_IDS, DuckDBTypeId.DECIMAL, DuckDBTypeId.BIGNUM]);
const TIMESTAMP_IDS = [
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
];

export function isNumeric(column: ColumnInfo): boolean {
  return NUMERIC_IDS.has(column.typeId);
}

export function isFloat(column: ColumnInfo): boolean {
  return FLOAT_IDS.includes(column.typeId);
}

/**
 * Type names → the DuckDB types they accept. Generic names (`int`, `INTEGER`, `float`, `FLOAT`, `str`,
 * `datetime`) accept the whole family, since a suite written for pandas or another database rarely means
 * one width; sized names (`int32`, `BIGINT`, `float64`, `DOUBLE`) accept that width only. Lookup is exact
 * first (numpy's `int8` is 8 bits), then case-insensitive (SQL's `INT8` is 64 bits).
 */
const EXACT: Readonly<Record<string, readonly DuckDBTypeId[]>> = {
  int8: [DuckDBTypeId.TINYINT],
  int16: [DuckDBTypeId.SMALLINT],
  int32: [DuckDBTypeId.INTEGER],
  int64: [DuckDBTypeId.BIGINT],
  Int8: [DuckDBTypeId.TINYINT],
  Int16: [DuckDBTypeId.SMALLINT],
  Int32: [DuckDBTypeId.INTEGER],
  Int64: [DuckDBTypeId.BIGINT],
  uint8: [DuckDBTypeId.UTINYINT],
  uint16: [DuckDBTypeId.USMALLINT],
  uint32: [DuckDBTypeId.UINTEGER],
  uint64: [DuckDBTypeId.UBIGINT],
  float16: [DuckDBTypeId.FLOAT],
  float32: [DuckDBTypeId.FLOAT],
  float64: [DuckDBTypeId.DOUBLE],
  Float32: [DuckDBTypeId.FLOAT],
  Float64: [DuckDBTypeId.DOUBLE],
};

const CASE_INSENSITIVE: Readonly<Record<string, readonly DuckDBTypeId[]>> = {
  // integers
  int: INTEGER_IDS,
  integer: INTEGER_IDS,
  long: INTEGER_IDS,
  int_: INTEGER_IDS,
  tinyint: [DuckDBTypeId.TINYINT],
  int1: [DuckDBTypeId.TINYINT],
  smallint: [DuckDBTypeId.SMALLINT],
  int2: [DuckDBTypeId.SMALLINT],
  short: [DuckDBTypeId.SMALLINT],
  int4: [DuckDBTypeId.INTEGER],
  signed: [DuckDBTypeId.INTEGER],
  bigint: [DuckDBTypeId.BIGINT],
  int8: [DuckDBTypeId.BIGINT],
  hugeint: [DuckDBTypeId.HUGEINT],
  int128: [DuckDBTypeId.HUGEINT],
  utinyint: [DuckDBTypeId.UTINYINT],
  usmallint: [DuckDBTypeId.USMALLINT],
  uinteger: [DuckDBTypeId.UINTEGER],
  ubigint: [DuckDBTypeId.UBIGINT],
  uhugeint: [DuckDBTypeId.UHUGEINT],
  // floating point and decimals
  float: FLOAT_IDS,
  float_: FLOAT_IDS,
  floating: FLOAT_IDS,
  real: [DuckDBTypeId.FLOAT],
  float4: [DuckDBTypeId.FLOAT],
  double: [DuckDBTypeId.DOUBLE],
  'double precision': [DuckDBTypeId.DOUBLE],
  float8: [DuckDBTypeId.DOUBLE],
  decimal: [DuckDBTypeId.DECIMAL],
  numeric: [DuckDBTypeId.DECIMAL],
  number: [...INTEGER_IDS, ...FLOAT_IDS, DuckDBTypeId.DECIMAL],
  // strings
  str: [DuckDBTypeId.VARCHAR],
  string: [DuckDBTypeId.VARCHAR],
  object: [DuckDBTypeId.VARCHAR],
  varchar: [DuckDBTypeId.VARCHAR],
  text: [DuckDBTypeId.VARCHAR],
  char: [DuckDBTypeId.VARCHAR],
  bpchar: [DuckDBTypeId.VARCHAR],
  nvarchar: [DuckDBTypeId.VARCHAR],
  stringtype: [DuckDBTypeId.VARCHAR],
  // booleans
  bool: [DuckDBTypeId.BOOLEAN],
  boolean: [DuckDBTypeId.BOOLEAN],
  bool_: [DuckDBTypeId.BOOLEAN],
  logical: [DuckDBTypeId.BOOLEAN],
  // dates and times
  date: [DuckDBTypeId.DATE],
  time: [DuckDBTypeId.TIME],
  timestamp: TIMESTAMP_IDS,
  'timestamp without time zone': TIMESTAMP_IDS,
  datetime: [...TIMESTAMP_IDS, DuckDBTypeId.TIMESTAMP_TZ],
  datetime64: TIMESTAMP_IDS,
  'datetime64[ns]': TIMESTAMP_IDS,
  'datetime64[us]': TIMESTAMP_IDS,
  'datetime64[ms]': TIMESTAMP_IDS,
  timestamptz: [DuckDBTypeId.TIMESTAMP_TZ],
  'timestamp with time zone': [DuckDBTypeId.TIMESTAMP_TZ],
  'datetime64[ns, utc]': [DuckDBTypeId.TIMESTAMP_TZ],
  interval: [DuckDBTypeId.INTERVAL],
  timedelta: [DuckDBTypeId.INTERVAL],
  'timedelta64[ns]': [DuckDBTypeId.INTERVAL],
  // others
  blob: [DuckDBTypeId.BLOB],
  bytea: [DuckDBTypeId.BLOB],
  bytes: [DuckDBTypeId.BLOB],
  binary: [DuckDBTypeId.BLOB],
  uuid: [DuckDBTypeId.UUID],
};

/**
 * The DuckDB types `typeName` accepts, or undefined when the name is unknown. Parameterised and nested
 * DuckDB names (`DECIMAL(18,3)`, `VARCHAR[]`) are matched by exact type name instead, see `typeMatches`.
 */
export function acceptedTypeIds(typeName: string): readonly DuckDBTypeId[] | undefined {
  return EXACT[typeName] ?? CASE_INSENSITIVE[typeName.trim().toLowerCase()];
}

/** Whether `column` is of the type `typeName` names (see `acceptedTypeIds`). */
export function typeMatches(column: ColumnInfo, typeName: string): boolean {
  const ids = acceptedTypeIds(typeName);
  if (ids !== undefined) return ids.includes(column.typeId);
  return normalizeTypeName(typeName) === normalizeTypeName(column.type);
}

/** The types a generic name stands for when it must type a column: the widest usual one (pandas' defaults). */
const PREFERRED_IDS = [DuckDBTypeId.DOUBLE, DuckDBTypeId.BIGINT, DuckDBTypeId.TIMESTAMP];

/** DuckDB's SQL names of the types the tables above use, where they differ from the `DuckDBTypeId` key. */
const SQL_TYPE_NAMES: Partial<Record<DuckDBTypeId, string>> = { [DuckDBTypeId.TIMESTAMP_TZ]: 'TIMESTAMPTZ' };

/**
 * The DuckDB type (as SQL) that a GX `type_` name gives a column that has no values: one type of the family a
 * generic name accepts (`int` → BIGINT, `float` → DOUBLE, `datetime` → TIMESTAMP), the named type for a sized
 * name, and any other name (`DECIMAL(18,3)`) as written, for DuckDB to parse.
 */
export function impliedTypeSql(typeName: string): string {
  const ids = acceptedTypeIds(typeName);
  if (ids === undefined) return typeName.trim();
  const id = PREFERRED_IDS.find((preferred) => ids.includes(preferred)) ?? (ids[0] as DuckDBTypeId);
  return SQL_TYPE_NAMES[id] ?? DuckDBTypeId[id];
}

/** Whether `typeName` can name a type at all: a known name, or a DuckDB parameterised/nested type. */
export function isKnownTypeName(typeName: string): boolean {
  return acceptedTypeIds(typeName) !== undefined || /[([]/.test(typeName);
}

function normalizeTypeName(name: string): string {
  return name.replace(/\s+/g, '').toUpperCase();
}
