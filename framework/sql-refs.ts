import type { AssetDefinition } from './asset.js';
import { didYouMean } from './did-you-mean.js';
import { AssetGraphError } from './errors.js';

/** One `{{ ref('key') }}` in SQL text. */
export interface SqlRef {
  readonly key: string;
  /** Offset of the opening `{{`. */
  readonly start: number;
  /** Offset just past the closing `}}`. */
  readonly end: number;
  /** 1-based line of the opening `{{`. */
  readonly line: number;
}

type Fail = (problem: string, line: number) => never;

/**
 * Values a partitioned asset's SQL may use, each pasted as a SQL literal: `{{ partition_key }}` (the first key
 * materialized), `{{ partition_start }}` and `{{ partition_end }}` (TIMESTAMPTZ bounds of the time window, end
 * excluded), `{{ timezone }}` (the partitions' time zone).
 */
export const SQL_VARIABLES = ['partition_key', 'partition_start', 'partition_end', 'timezone'] as const;
export type SqlVariable = (typeof SQL_VARIABLES)[number];

interface SqlVar {
  readonly variable: SqlVariable;
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

const REF = /^\s*ref\s*\(\s*(['"])([^'"]*)\1\s*\)\s*$/;
const VAR = new RegExp(`^\\s*(${SQL_VARIABLES.join('|')})\\s*$`);
const CALL = /^\s*([A-Za-z_]\w*)\s*\(/;

/**
 * The refs of an asset's SQL (`text`: its inline SQL, or its file's content), in text order; `[]` for a
 * TypeScript asset. Throws on a malformed `{{ … }}`.
 */
export function sqlRefs(asset: AssetDefinition, text?: string): SqlRef[] {
  const compute = asset.compute;
  if (compute.kind !== 'sql') return [];
  const sql = text ?? compute.sql;
  if (sql === undefined) throw new AssetGraphError(`asset '${asset.key}': the SQL of ${compute.file} has not been read`);
  return scan(sql, (problem, line) => {
    throw new AssetGraphError(`asset '${asset.key}', ${location(compute.file, line)}: ${problem}`);
  }).filter(isRef);
}

/** Throws unless every ref in the asset's SQL (`text`) names one of its deps. */
export function checkSqlRefs(asset: AssetDefinition, allKeys: Iterable<string>, text?: string): void {
  const deps = new Set(asset.deps.map((dep) => dep.key));
  const compute = asset.compute;
  for (const ref of sqlRefs(asset, text)) {
    if (deps.has(ref.key)) continue;
    const file = compute.kind === 'sql' ? compute.file : undefined;
    const hint = new Set(allKeys).has(ref.key)
      ? `; add '${ref.key}' to the asset's deps`
      : didYouMean(ref.key, [...deps, ...allKeys]);
    throw new AssetGraphError(
      `asset '${asset.key}', ${location(file, ref.line)}: ref('${ref.key}') is not among the asset's deps${hint}`,
    );
  }
}

/**
 * `sql` with each `{{ ref('key') }}` replaced by `resolve(key)`, and each `{{ variable }}` by its value in
 * `variables` (an error names a variable that has none, e.g. a partition bound in an unpartitioned asset).
 */
export function resolveRefs(
  sql: string,
  resolve: (key: string) => string,
  variables: Partial<Record<SqlVariable, string>> = {},
): string {
  const items = scan(sql, (problem, line) => {
    throw new AssetGraphError(`${location(undefined, line)}: ${problem}`);
  });
  let out = '';
  let from = 0;
  for (const item of items) {
    let value: string;
    if (isRef(item)) {
      value = resolve(item.key);
    } else {
      const given = variables[item.variable];
      if (given === undefined) {
        throw new AssetGraphError(
          `${location(undefined, item.line)}: {{ ${item.variable} }} has no value here: ` +
            (item.variable === 'partition_key' ? 'the asset is not partitioned' : 'the asset has no time partitions'),
        );
      }
      value = given;
    }
    out += sql.slice(from, item.start) + value;
    from = item.end;
  }
  return out + sql.slice(from);
}

function isRef(item: SqlRef | SqlVar): item is SqlRef {
  return 'key' in item;
}

function scan(sql: string, fail: Fail): (SqlRef | SqlVar)[] {
  const refs: (SqlRef | SqlVar)[] = [];
  let start = sql.indexOf('{{');
  while (start >= 0) {
    const line = lineAt(sql, start);
    const close = sql.indexOf('}}', start + 2);
    if (close < 0) fail(`'{{' is never closed by '}}'`, line);
    const end = close + 2;
    const inner = sql.slice(start + 2, close);
    const variable = VAR.exec(inner);
    if (variable) {
      refs.push({ variable: variable[1] as SqlVariable, start, end, line });
      start = sql.indexOf('{{', end);
      continue;
    }
    const ref = REF.exec(inner);
    if (!ref || !ref[2]) fail(describeMalformed(inner, sql.slice(start, end)), line);
    refs.push({ key: ref[2], start, end, line });
    start = sql.indexOf('{{', end);
  }
  return refs;
}

function describeMalformed(inner: string, template: string): string {
  const shown = template.length > 60 ? `${template.slice(0, 57)}...` : template;
  const macro = CALL.exec(inner)?.[1];
  if (macro === 'ref') return `${shown} is malformed: ref takes one quoted asset key, e.g. {{ ref('key') }}`;
  const what = macro === undefined ? `${shown} is not a ref` : `unknown macro '${macro}' in ${shown}`;
  return `${what}; only {{ ref('key') }} and {{ ${SQL_VARIABLES.join(' }}, {{ ')} }} are supported`;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function location(file: string | undefined, line: number): string {
  return `${file ?? 'SQL'} line ${line}`;
}
