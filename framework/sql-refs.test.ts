import { describe, expect, it } from 'vitest';
import { type AssetDefinition, defineAsset, sql, ts } from './asset.js';
import { AssetGraphError } from './errors.js';
import { resolveRefs, sqlRefs } from './sql-refs.js';

function sqlAsset(text: string, file?: string): AssetDefinition {
  return defineAsset({ key: 'user', compute: { kind: 'sql', sql: text, file, refs: [] } });
}

function refsError(text: string, file?: string): string {
  try {
    sqlRefs(sqlAsset(text, file));
  } catch (err) {
    expect(err).toBeInstanceOf(AssetGraphError);
    return (err as Error).message;
  }
  throw new Error('expected sqlRefs to throw');
}

describe('sqlRefs', () => {
  it('finds single- and double-quoted refs with their offsets and lines', () => {
    const text = "select * from {{ ref('a') }}\njoin {{ref(\"b/c\")}} using (id)";
    expect(sqlRefs(sqlAsset(text))).toEqual([
      { key: 'a', start: 14, end: 28, line: 1 },
      { key: 'b/c', start: 34, end: 48, line: 2 },
    ]);
    expect(text.slice(34, 48)).toBe('{{ref("b/c")}}');
  });

  it('tolerates whitespace, tabs and newlines inside a ref', () => {
    const refs = sqlRefs(sqlAsset("select 1 from {{\n\tref (  'a'  )\n}}"));
    expect(refs.map((ref) => ref.key)).toEqual(['a']);
  });

  it('finds the refs the sql tag writes for interpolated assets', () => {
    const a = defineAsset({ key: 'a', compute: sql`select 1` });
    const user = defineAsset({ key: 'user', compute: sql`select * from ${a} join ${a} using (id)` });
    expect(sqlRefs(user).map((ref) => ref.key)).toEqual(['a', 'a']);
  });

  it('finds nothing in SQL without templates or in a TypeScript asset', () => {
    expect(sqlRefs(sqlAsset('select {"k": 1} as s'))).toEqual([]);
    expect(sqlRefs(defineAsset({ key: 'user', compute: ts(async () => {}) }))).toEqual([]);
  });

  it('rejects an unquoted key, naming the asset, file and line', () => {
    expect(refsError('select 1\nfrom {{ ref(a) }}', '/project/user.sql')).toBe(
      `asset 'user', /project/user.sql line 2: {{ ref(a) }} is malformed: ` +
        `ref takes one quoted asset key, e.g. {{ ref('key') }}`,
    );
  });

  it('rejects mismatched quotes and empty keys', () => {
    expect(refsError(`{{ ref('a") }}`)).toMatch(/^asset 'user', SQL line 1: \{\{ ref\('a"\) \}\} is malformed/);
    expect(refsError(`{{ ref('') }}`)).toMatch(/^asset 'user', SQL line 1: \{\{ ref\(''\) \}\} is malformed/);
  });

  it('rejects an unknown macro', () => {
    expect(refsError("select 1\n\nfrom {{ source('raw', 'a') }}")).toBe(
      `asset 'user', SQL line 3: unknown macro 'source' in {{ source('raw', 'a') }}; ` +
        `only {{ ref('key') }} and {{ partition_key }}, {{ partition_start }}, {{ partition_end }}, {{ timezone }} are supported`,
    );
  });

  it('rejects a template that is not a call', () => {
    expect(refsError('select {{ a }}')).toBe(
      `asset 'user', SQL line 1: {{ a }} is not a ref; only {{ ref('key') }} and {{ partition_key }}, ` +
        `{{ partition_start }}, {{ partition_end }}, {{ timezone }} are supported`,
    );
  });

  it('rejects an unclosed template', () => {
    expect(refsError("select 1\nfrom {{ ref('a')")).toBe(`asset 'user', SQL line 2: '{{' is never closed by '}}'`);
  });
});

describe('resolveRefs', () => {
  it('replaces each ref with what resolve returns for its key', () => {
    const text = "select * from {{ ref('a') }} join {{ref(\"b/c\")}} using (id)";
    const resolved = resolveRefs(text, (key) => `read_parquet('/lake/${key}.parquet')`);
    expect(resolved).toBe(
      "select * from read_parquet('/lake/a.parquet') join read_parquet('/lake/b/c.parquet') using (id)",
    );
  });

  it('returns SQL without refs unchanged', () => {
    expect(resolveRefs('select 1', () => 'x')).toBe('select 1');
  });

  it('rejects a malformed template with its line', () => {
    expect(() => resolveRefs('select 1\nfrom {{ ref(a) }}', () => 'x')).toThrow(
      `SQL line 2: {{ ref(a) }} is malformed: ref takes one quoted asset key, e.g. {{ ref('key') }}`,
    );
  });

  it('pastes the values of {{ partition_key }}, {{ partition_start }}, {{ partition_end }} and {{ timezone }}', () => {
    const text = "select * from {{ ref('a') }} where d >= {{ partition_start }} and d < {{partition_end}} -- {{ timezone }} {{ partition_key }}";
    expect(
      resolveRefs(text, (key) => `t_${key}`, {
        partition_key: "'2026-11-30'",
        partition_start: "'2026-11-30T00:00:00Z'::TIMESTAMPTZ",
        partition_end: "'2026-12-01T00:00:00Z'::TIMESTAMPTZ",
        timezone: "'UTC'",
      }),
    ).toBe(
      "select * from t_a where d >= '2026-11-30T00:00:00Z'::TIMESTAMPTZ and d < '2026-12-01T00:00:00Z'::TIMESTAMPTZ -- 'UTC' '2026-11-30'",
    );
  });

  it('names a partition variable that has no value, as in an unpartitioned asset', () => {
    expect(() => resolveRefs('select 1\nwhere d = {{ partition_key }}', (key) => key)).toThrow(
      'SQL line 2: {{ partition_key }} has no value here: the asset is not partitioned',
    );
  });
});
