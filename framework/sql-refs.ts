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

const REF = /^\s*ref\s*\(\s*(['"])([^'"]*)\1\s*\)\s*$/;
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
  });
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

/** `sql` with each `{{ ref('key') }}` replaced by `resolve(key)`. */
export function resolveRefs(sql: string, resolve: (key: string) => string): string {
  const refs = scan(sql, (problem, line) => {
    throw new AssetGraphError(`${location(undefined, line)}: ${problem}`);
  });
  let out = '';
  let from = 0;
  for (const ref of refs) {
    out += sql.slice(from, ref.start) + resolve(ref.key);
    from = ref.end;
  }
  return out + sql.slice(from);
}

function scan(sql: string, fail: Fail): SqlRef[] {
  const refs: SqlRef[] = [];
  let start = sql.indexOf('{{');
  while (start >= 0) {
    const line = lineAt(sql, start);
    const close = sql.indexOf('}}', start + 2);
    if (close < 0) fail(`'{{' is never closed by '}}'`, line);
    const end = close + 2;
    const inner = sql.slice(start + 2, close);
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
  return `${what}; only {{ ref('key') }} is supported`;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function location(file: string | undefined, line: number): string {
  return `${file ?? 'SQL'} line ${line}`;
}
