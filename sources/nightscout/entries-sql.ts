/**
 * Nightscout entries pages (JSON arrays, as the API answered them) read by DuckDB in bulk: one parse of the bytes,
 * by DuckDB's JSON reader, instead of JSON.parse + re-serialising in JavaScript. Each field is read as JSON and
 * normalised exactly as `normaliseEntry` does (`{"$oid": …}` ids, float and `{"$numberLong": …}` dates, numbers
 * sent as strings); `valid` is false for a row `rawEntrySchema` would refuse, so the caller can point at it.
 */
import { quoteLiteral } from '../../framework/sql.js';

const FIELDS = ['_id', 'type', 'sgv', 'mbg', 'date', 'dateString', 'trend', 'direction', 'device', 'utcOffset', 'sysTime', 'noise'];
const NUMBER_TYPES = `('BIGINT', 'UBIGINT', 'DOUBLE')`;
const NUMERIC_TEXT = `'^\\s*-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?\\s*$'`;

const number = (field: string) =>
  `CASE WHEN json_type(${field}) IN ${NUMBER_TYPES} THEN (${field} ->> '$')::DOUBLE
        WHEN json_type(${field}) = 'VARCHAR' THEN TRY_CAST(trim(${field} ->> '$') AS DOUBLE) END`;
const numberValid = (field: string) =>
  `(${field} IS NULL OR json_type(${field}) IN ${NUMBER_TYPES} OR json_type(${field}) = 'NULL'
    OR (json_type(${field}) = 'VARCHAR' AND regexp_full_match(${field} ->> '$', ${NUMERIC_TEXT})))`;
const text = (field: string) => `CASE WHEN json_type(${field}) = 'VARCHAR' THEN ${field} ->> '$' END`;
const textValid = (field: string) => `(${field} IS NULL OR json_type(${field}) IN ('VARCHAR', 'NULL'))`;
const wrapped = (field: string, key: string) => `(${field} ->> '$."${key}"')`;

/**
 * SQL of the normalised entries of page files: `filename`, `_id`, `type`, `sgv`, `mbg`, `date` (epoch ms), `date_string`,
 * `trend`, `direction`, `device`, `utc_offset`, `sys_time`, `noise`, and `valid`.
 */
export function entriesFromPages(files: readonly string[]): string {
  const columns = FIELDS.map((f) => `${quoteLiteral(f)}: 'JSON'`).join(', ');
  const date = `CASE WHEN json_type(date) IN ${NUMBER_TYPES} THEN (date ->> '$')::DOUBLE
                     WHEN json_type(date) = 'OBJECT' THEN TRY_CAST(coalesce(${wrapped('date', '$numberLong')},
                       ${wrapped('date', '$numberDouble')}, ${wrapped('date', '$numberInt')}) AS DOUBLE) END`;
  return `
    SELECT
      filename,
      CASE json_type(_id) WHEN 'VARCHAR' THEN _id ->> '$' WHEN 'OBJECT' THEN ${wrapped('_id', '$oid')} END AS _id,
      type ->> '$' AS type,
      ${number('sgv')} AS sgv,
      ${number('mbg')} AS mbg,
      round(${date})::BIGINT AS date,
      ${text('dateString')} AS date_string,
      ${number('trend')} AS trend,
      ${text('direction')} AS direction,
      ${text('device')} AS device,
      ${number('utcOffset')} AS utc_offset,
      ${text('sysTime')} AS sys_time,
      ${number('noise')} AS noise,
      (
        (json_type(_id) = 'VARCHAR' AND length(_id ->> '$') > 0
          OR json_type(_id) = 'OBJECT' AND length(coalesce(${wrapped('_id', '$oid')}, '')) > 0)
        AND json_type(type) = 'VARCHAR' AND length(type ->> '$') > 0
        AND isfinite(${date})
        AND ${numberValid('sgv')} AND ${numberValid('mbg')} AND ${numberValid('trend')}
        AND ${numberValid('utcOffset')} AND ${numberValid('noise')}
        AND ${textValid('dateString')} AND ${textValid('direction')} AND ${textValid('device')} AND ${textValid('sysTime')}
      ) IS TRUE AS valid
    FROM read_json([${files.map(quoteLiteral).join(', ')}], format = 'array', columns = {${columns}}, filename = true)`;
}
