import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBDataChunk,
  FLOAT,
  INTEGER,
  SMALLINT,
  TIMESTAMP,
  TIMESTAMPTZ,
  TINYINT,
  VARCHAR,
  DuckDBTypeId,
  dateValue,
  timestampTZValue,
  timestampValue,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import {
  Bool,
  DataType,
  DateDay,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  Table,
  TimestampMicrosecond,
  Utf8,
  Vector,
  vectorFromArray,
  type Field,
} from 'apache-arrow';
import { quoteIdent } from '../framework/sql.js';
import { InvalidDataError } from '../framework/errors.js';

const CHUNK_ROWS = 2048;

interface ColumnPlan {
  name: string;
  duckType: DuckDBType;
  sqlType: string;
  convert: (value: unknown) => DuckDBValue;
}

function planColumn(field: Field, context: string): ColumnPlan {
  const type: DataType = DataType.isDictionary(field.type) ? field.type.dictionary : field.type;
  const name = field.name;
  const number = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  if (DataType.isInt(type)) {
    if (type.bitWidth === 64) {
      return { name, duckType: BIGINT, sqlType: 'BIGINT', convert: (v) => (v == null ? null : BigInt(v as bigint)) };
    }
    const [duckType, sqlType] =
      type.bitWidth === 8 ? [TINYINT, 'TINYINT'] : type.bitWidth === 16 ? [SMALLINT, 'SMALLINT'] : [INTEGER, 'INTEGER'];
    if (!type.isSigned && type.bitWidth === 32) {
      return { name, duckType: BIGINT, sqlType: 'BIGINT', convert: (v) => (v == null ? null : BigInt(v as number)) };
    }
    return { name, duckType, sqlType, convert: number };
  }
  if (DataType.isFloat(type)) {
    return type.precision === 2
      ? { name, duckType: DOUBLE, sqlType: 'DOUBLE', convert: number }
      : { name, duckType: FLOAT, sqlType: 'FLOAT', convert: number };
  }
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type)) {
    return { name, duckType: VARCHAR, sqlType: 'VARCHAR', convert: (v) => (v == null ? null : String(v)) };
  }
  if (DataType.isBool(type)) {
    return { name, duckType: BOOLEAN, sqlType: 'BOOLEAN', convert: (v) => (v == null ? null : Boolean(v)) };
  }
  if (DataType.isDate(type)) {
    // Arrow JS hands dates out as epoch milliseconds.
    return {
      name,
      duckType: DATE,
      sqlType: 'DATE',
      convert: (v) => (v == null ? null : dateValue(Math.floor(Number(v) / 86_400_000))),
    };
  }
  if (DataType.isTimestamp(type)) {
    const withZone = Boolean(type.timezone);
    // Arrow JS hands timestamps out as epoch milliseconds (a float for sub-millisecond units).
    const micros = (v: unknown) => BigInt(Math.round(Number(v) * 1000));
    return withZone
      ? { name, duckType: TIMESTAMPTZ, sqlType: 'TIMESTAMPTZ', convert: (v) => (v == null ? null : timestampTZValue(micros(v))) }
      : { name, duckType: TIMESTAMP, sqlType: 'TIMESTAMP', convert: (v) => (v == null ? null : timestampValue(micros(v))) };
  }
  throw new InvalidDataError(
    `${context}: column '${name}' has Arrow type ${String(type)}, which Assay cannot load into DuckDB; ` +
      'use integers, floats, strings, booleans, dates or timestamps',
  );
}

/** Loads an Arrow table into a new temporary DuckDB table of the same columns. */
export async function arrowToDuckDB(
  connection: DuckDBConnection,
  table: Table,
  tableName: string,
  context: string,
): Promise<void> {
  const columns = table.schema.fields.map((field) => planColumn(field, context));
  const ddl = columns.map((c) => `${quoteIdent(c.name)} ${c.sqlType}`).join(', ');
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${quoteIdent(tableName)} (${ddl})`);
  const appender = await connection.createAppender(tableName, 'main', 'temp');
  try {
    const vectors = columns.map((_, i) => table.getChildAt(i) as Vector);
    const types = columns.map((c) => c.duckType);
    for (let start = 0; start < table.numRows; start += CHUNK_ROWS) {
      const end = Math.min(start + CHUNK_ROWS, table.numRows);
      const chunk = DuckDBDataChunk.create(types, end - start);
      columns.forEach((column, i) => {
        const vector = vectors[i]!;
        const values: DuckDBValue[] = new Array(end - start);
        for (let row = start; row < end; row++) values[row - start] = column.convert(vector.get(row));
        chunk.setColumnValues(i, values);
      });
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

/** Runs a query and returns its result as an Arrow table. */
export async function duckDBToArrow(connection: DuckDBConnection, query: string): Promise<Table> {
  const reader = await connection.runAndReadAll(query);
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const columns = reader.getColumns();
  const vectors: Record<string, Vector> = {};
  names.forEach((name, i) => {
    vectors[name] = toArrowVector(columns[i] ?? [], types[i]!, name);
  });
  return new Table(vectors);
}

function toArrowVector(values: DuckDBValue[], type: DuckDBType, name: string): Vector {
  const plain = (f: (v: DuckDBValue) => unknown) => values.map((v) => (v === null ? null : f(v)));
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return vectorFromArray(values as (boolean | null)[], new Bool());
    case DuckDBTypeId.TINYINT:
      return vectorFromArray(values as (number | null)[], new Int8());
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.UTINYINT:
      return vectorFromArray(values as (number | null)[], new Int16());
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.USMALLINT:
      return vectorFromArray(values as (number | null)[], new Int32());
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return vectorFromArray(plain((v) => BigInt(v as bigint | number)) as (bigint | null)[], new Int64());
    case DuckDBTypeId.FLOAT:
      return vectorFromArray(values as (number | null)[], new Float32());
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
      return vectorFromArray(plain((v) => Number(String(v))) as (number | null)[], new Float64());
    case DuckDBTypeId.VARCHAR:
      return vectorFromArray(values as (string | null)[], new Utf8());
    case DuckDBTypeId.DATE:
      return vectorFromArray(
        plain((v) => new Date((v as { days: number }).days * 86_400_000)) as (Date | null)[],
        new DateDay(),
      );
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return vectorFromArray(
        plain((v) => Number((v as { micros: bigint }).micros) / 1000) as (number | null)[],
        new TimestampMicrosecond(type.typeId === DuckDBTypeId.TIMESTAMP_TZ ? 'UTC' : null),
      );
    default:
      return vectorFromArray(plain((v) => String(v)) as (string | null)[], new Utf8());
  }
}
