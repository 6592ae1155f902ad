/**
 * Column lineage of a SQL asset, from DuckDB's own parse of the query (`json_serialize_sql`), not from
 * regexes: the serialized AST is walked scope by scope (CTEs, subqueries, joins, aliases, `*` expansion with
 * `EXCLUDE` / `REPLACE`, lateral column aliases, lambdas, correlated subqueries) and every output column is
 * traced back to the input columns it is computed from, with the transformation types of the
 * `columnLineage` facet 1-2-0:
 *
 * - DIRECT `IDENTITY`: copied (`select subject_id`, `select * from final`);
 * - DIRECT `TRANSFORMATION`: computed from values of one row (`a + b`, casts, `case` branches, `lag(x)`);
 * - DIRECT `AGGREGATION`: computed from many rows (`avg(x)`, `sum(x) over (…)`). Along a chain of CTEs the
 *   strongest step wins: `100 * stddev(x) / avg(x)` is an AGGREGATION of `x`;
 * - INDIRECT `FILTER` (`where`, `having`, `qualify`, an aggregate's `filter (where …)`), `JOIN` (join
 *   conditions, `using`), `GROUP_BY`, `SORT` (the final `order by`, or one under a `limit`), `WINDOW`
 *   (`partition by` / `order by` of a window), `CONDITIONAL` (`case when` conditions).
 *
 * INDIRECT inputs that decide which rows exist (filters, joins, grouping, sorting) affect every column: they go to
 * the facet's `dataset` list (or, with `indirect: 'fields'`, into every field). A window's `partition by`, a
 * `case` condition and an aggregate's `filter` only affect their own column and stay with it.
 *
 * `count(*)` reads no column's value: it has no DIRECT input; what it counts is decided by the dataset-wide
 * inputs (grouping, filters), and `count(*) filter (where x …)` depends on `x` as INDIRECT `FILTER`.
 *
 * Anything the walk does not understand (a recursive CTE, PIVOT, an unknown relation, a column it cannot find)
 * throws `ColumnLineageError` rather than guess: a partial facet would look complete to its readers. Callers
 * leave the facet out then.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { columnLineageFacet } from './facets.js';
import type {
  ColumnLineageDatasetFacet,
  ColumnLineageInputField,
  ColumnTransformation,
  ColumnTransformationSubtype,
} from './model.js';

/** Thrown when the column lineage of a query cannot be derived with certainty. */
export class ColumnLineageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ColumnLineageError';
  }
}

export interface ColumnLineageInput {
  /** The relation as the query's FROM names it: `read_parquet('/abs/x/data.parquet')`, a table or view name. */
  relation: string;
  /** The dataset it stands for. */
  dataset: { namespace: string; name: string };
  /** The relation's columns, in order (needed for `*`); read with `DESCRIBE` through the connection when left out. */
  columns?: readonly string[];
}

export interface ColumnLineageOptions {
  /**
   * Where the inputs that affect every row (filters, joins, grouping, sorting) go: the facet's `dataset` list
   * (default, as facet 1-2-0 intends), or `fields`, copied into every output field as older consumers expect.
   */
  indirect?: 'dataset' | 'fields';
}

/**
 * The `columnLineage` facet of `sql` writing `outputColumns` (the written table's columns, in order), reading
 * `inputs`. Throws `ColumnLineageError` when the query cannot be traced with certainty.
 */
export async function columnLineageFromSql(
  connection: DuckDBConnection,
  sql: string,
  inputs: readonly ColumnLineageInput[],
  outputColumns: readonly string[],
  options: ColumnLineageOptions = {},
): Promise<ColumnLineageDatasetFacet> {
  const statement = await serialize(connection, sql);
  const resolved: ResolvedInput[] = [];
  for (const input of inputs) {
    const parsed = await serialize(connection, `select * from ${input.relation}`);
    const from = (parsed.node as SelectNode).from_table;
    const columns = input.columns ?? (await describe(connection, input.relation));
    resolved.push({ key: relationKey(from), dataset: input.dataset, columns: [...columns] });
  }
  const analyzer = new Analyzer(resolved, await aggregateFunctions(connection), async (name) =>
    describeOrUndefined(connection, name),
  );
  const relation = await analyzer.query(statement.node, undefined, new Map(), true);
  return toFacet(relation, resolved, outputColumns, options.indirect ?? 'dataset');
}

/** One input column of a declared output column: the input's key, the field, and how it is used (default IDENTITY). */
export interface DeclaredColumnSource {
  input: string;
  field: string;
  /** A DIRECT subtype, or a whole transformation (e.g. `{ type: 'INDIRECT', subtype: 'FILTER' }`). Default IDENTITY. */
  transformation?: 'IDENTITY' | 'TRANSFORMATION' | 'AGGREGATION' | ColumnTransformation;
}

/**
 * The `columnLineage` facet a TypeScript asset declares: output column → its sources, plus the sources that affect
 * every row. `inputs` maps the keys used in the declaration to datasets. Throws `ColumnLineageError` for a key that
 * is not an input.
 */
export function declaredColumnLineage(
  declaration: {
    fields: Readonly<Record<string, readonly DeclaredColumnSource[]>>;
    dataset?: readonly DeclaredColumnSource[];
  },
  inputs: Readonly<Record<string, { namespace: string; name: string }>>,
): ColumnLineageDatasetFacet {
  const field = (source: DeclaredColumnSource): ColumnLineageInputField => {
    const dataset = Object.hasOwn(inputs, source.input) ? inputs[source.input] : undefined;
    if (!dataset) {
      throw new ColumnLineageError(`declared column lineage names '${source.input}', which is not an input`);
    }
    const t = source.transformation ?? 'IDENTITY';
    const transformation: ColumnTransformation =
      typeof t === 'string' ? { type: 'DIRECT', subtype: t, masking: false } : { ...t };
    return { namespace: dataset.namespace, name: dataset.name, field: source.field, transformations: [transformation] };
  };
  return columnLineageFacet({
    fields: Object.fromEntries(Object.entries(declaration.fields).map(([name, sources]) => [name, sources.map(field)])),
    ...(declaration.dataset ? { dataset: declaration.dataset.map(field) } : {}),
  });
}

// ---------------------------------------------------------------- DuckDB access

interface Ast {
  [key: string]: unknown;
}

interface SelectNode extends Ast {
  type: string;
  from_table: Ast;
}

async function serialize(connection: DuckDBConnection, sql: string): Promise<{ node: Ast }> {
  const reader = await connection.runAndReadAll('select json_serialize_sql($1::varchar)', [sql]);
  const text = reader.getRows()[0]?.[0];
  const parsed = JSON.parse(String(text)) as { error?: boolean; error_message?: string; statements?: { node: Ast }[] };
  if (parsed.error) {
    throw new ColumnLineageError(`DuckDB cannot serialize the query: ${parsed.error_message ?? 'unknown error'}`);
  }
  const statements = parsed.statements ?? [];
  if (statements.length !== 1) {
    throw new ColumnLineageError(`expected one SELECT statement, found ${statements.length}`);
  }
  return statements[0]!;
}

async function describe(connection: DuckDBConnection, relation: string): Promise<string[]> {
  try {
    const reader = await connection.runAndReadAll(`describe select * from ${relation}`);
    const index = reader.columnNames().indexOf('column_name');
    return reader.getRows().map((row) => String(row[index]));
  } catch (err) {
    throw new ColumnLineageError(`cannot read the columns of ${relation}: ${(err as Error).message}`, { cause: err });
  }
}

async function describeOrUndefined(connection: DuckDBConnection, relation: string): Promise<string[] | undefined> {
  try {
    return await describe(connection, relation);
  } catch {
    return undefined;
  }
}

const aggregateCache = new WeakMap<DuckDBConnection, Promise<Set<string>>>();

/** Names of DuckDB's aggregate functions, as the connection's catalog lists them. */
function aggregateFunctions(connection: DuckDBConnection): Promise<Set<string>> {
  let cached = aggregateCache.get(connection);
  if (!cached) {
    cached = connection
      .runAndReadAll("select distinct function_name from duckdb_functions() where function_type = 'aggregate'")
      .then((reader) => new Set(reader.getRows().map((row) => String(row[0]).toLowerCase())));
    aggregateCache.set(connection, cached);
  }
  return cached;
}

/** Hash functions: their output masks the input. */
const MASKING_FUNCTIONS = new Set([
  'md5',
  'md5_number',
  'md5_number_lower',
  'md5_number_upper',
  'sha1',
  'sha256',
  'sha512',
  'hash',
]);

// ---------------------------------------------------------------- dependencies

type Direct = 'IDENTITY' | 'TRANSFORMATION' | 'AGGREGATION';
type Indirect = 'JOIN' | 'GROUP_BY' | 'FILTER' | 'SORT' | 'WINDOW' | 'CONDITIONAL';

/** One way a value depends on one input field. */
interface Dep {
  input: number;
  field: string;
  type: 'DIRECT' | 'INDIRECT';
  subtype: Direct | Indirect;
  masking: boolean;
}

const DIRECT_RANK: Record<Direct, number> = { IDENTITY: 0, TRANSFORMATION: 1, AGGREGATION: 2 };

/**
 * `inner` as seen through an outer step: an INDIRECT step makes everything INDIRECT of its kind; a DIRECT step
 * keeps an INDIRECT dependency as it is and makes a DIRECT one at least as strong as itself.
 */
function through(step: DirectStep | { type: 'INDIRECT'; subtype: Indirect }, deps: readonly Dep[]): Dep[] {
  return deps.map((d) => {
    if (step.type === 'INDIRECT') return { ...d, type: 'INDIRECT', subtype: step.subtype, masking: false };
    if (d.type === 'INDIRECT') return d;
    const subtype = DIRECT_RANK[step.subtype] > DIRECT_RANK[d.subtype as Direct] ? step.subtype : d.subtype;
    return { ...d, subtype, masking: d.masking || (step.masking ?? false) };
  });
}

type DirectStep = { type: 'DIRECT'; subtype: Direct; masking?: boolean };
const TRANSFORMATION: DirectStep = { type: 'DIRECT', subtype: 'TRANSFORMATION' };
const AGGREGATION: DirectStep = { type: 'DIRECT', subtype: 'AGGREGATION' };
const indirect = (subtype: Indirect) => ({ type: 'INDIRECT', subtype }) as const;

interface Column {
  /** Lower-case name, or undefined for an unnamed expression (DuckDB names it after its text). */
  name: string | undefined;
  deps: Dep[];
}

/** What a query or table yields: its columns, and what decides which rows exist (INDIRECT). */
interface Relation {
  columns: Column[];
  rows: Dep[];
  /** Columns unknown (a table function that is no input): references to it carry no lineage, `*` is refused. */
  opaque?: boolean;
}

interface ScopeEntry {
  alias: string | undefined;
  relation: Relation;
  /** Columns `*` leaves out (the right side's `using` / natural join columns). */
  hidden?: Set<string>;
}

interface Scope {
  entries: ScopeEntry[];
  parent: Scope | undefined;
  /** Aliases of select items already seen (DuckDB lets later items and clauses use them). */
  aliases?: Map<string, Dep[]>;
  /** Lambda parameters: names that are no columns. */
  lambda?: Set<string>;
}

interface ResolvedInput {
  key: string;
  dataset: { namespace: string; name: string };
  columns: string[];
}

type Ctes = ReadonlyMap<string, Relation>;

interface Value {
  deps: Dep[];
  /** Contains an aggregate outside a window (so the select item is no GROUP BY ALL key). */
  aggregate: boolean;
}

const lower = (s: string) => s.toLowerCase();

// ---------------------------------------------------------------- the walk

class Analyzer {
  constructor(
    private readonly inputs: readonly ResolvedInput[],
    private readonly aggregates: ReadonlySet<string>,
    private readonly describeTable: (name: string) => Promise<string[] | undefined>,
  ) {}

  async query(node: Ast, outer: Scope | undefined, ctes: Ctes, top: boolean): Promise<Relation> {
    switch (node.type) {
      case 'SELECT_NODE':
        return this.select(node, outer, await this.withCtes(node, outer, ctes), top);
      case 'SET_OPERATION_NODE':
        return this.setOperation(node, outer, await this.withCtes(node, outer, ctes), top);
      default:
        throw new ColumnLineageError(`unsupported query node ${String(node.type)}`);
    }
  }

  private async withCtes(node: Ast, outer: Scope | undefined, ctes: Ctes): Promise<Ctes> {
    const entries = ((node.cte_map as Ast | undefined)?.map as Ast[] | undefined) ?? [];
    if (entries.length === 0) return ctes;
    const scoped = new Map(ctes);
    for (const entry of entries) {
      const name = lower(String(entry.key));
      const value = entry.value as Ast;
      const query = (value.query as Ast).node as Ast;
      const relation = await this.query(query, outer, scoped, false);
      scoped.set(name, renamed(relation, (value.aliases as string[] | undefined) ?? []));
    }
    return scoped;
  }

  private async setOperation(node: Ast, outer: Scope | undefined, ctes: Ctes, top: boolean): Promise<Relation> {
    const left = await this.query(node.left as Ast, outer, ctes, false);
    const right = await this.query(node.right as Ast, outer, ctes, false);
    if (left.columns.length !== right.columns.length) {
      throw new ColumnLineageError('the sides of a set operation have different numbers of columns');
    }
    const kind = String(node.setop_type);
    let relation: Relation;
    if (kind === 'UNION' || kind === 'UNION_BY_NAME') {
      const byName = kind === 'UNION_BY_NAME';
      const columns = left.columns.map((c, i) => {
        const other = byName ? right.columns.find((r) => r.name === c.name) : right.columns[i];
        return { name: c.name, deps: [...c.deps, ...(other?.deps ?? [])] };
      });
      if (byName) {
        for (const r of right.columns) if (!columns.some((c) => c.name === r.name)) columns.push({ ...r });
      }
      relation = { columns, rows: [...left.rows, ...right.rows] };
    } else {
      // EXCEPT / INTERSECT: the right side only decides which left rows remain.
      const rightValues = right.columns.flatMap((c) => through(indirect('FILTER'), c.deps));
      relation = { columns: left.columns, rows: [...left.rows, ...right.rows, ...rightValues] };
    }
    const scope: Scope = { entries: [{ alias: undefined, relation }], parent: outer };
    relation.rows.push(...(await this.modifiers(node, scope, ctes, relation.columns, top)));
    return relation;
  }

  private async select(node: Ast, outer: Scope | undefined, ctes: Ctes, top: boolean): Promise<Relation> {
    const from = await this.from(node.from_table as Ast | null, outer, ctes);
    const aliases = new Map<string, Dep[]>();
    const scope: Scope = { entries: from.entries, parent: outer, aliases };
    const rows = [...from.rows];
    const items: (Column & { aggregate: boolean })[] = [];

    for (const expr of (node.select_list as Ast[]) ?? []) {
      if (expr.class === 'STAR') {
        for (const column of await this.star(expr, scope, ctes)) items.push({ ...column, aggregate: false });
        continue;
      }
      const value = await this.expr(expr, scope, ctes);
      const alias = typeof expr.alias === 'string' && expr.alias !== '' ? lower(expr.alias) : undefined;
      const name = alias ?? defaultName(expr);
      items.push({ name, deps: value.deps, aggregate: value.aggregate });
      if (alias !== undefined) aliases.set(alias, value.deps);
    }

    for (const clause of ['where_clause', 'having', 'qualify'] as const) {
      const expr = node[clause] as Ast | null | undefined;
      if (expr) rows.push(...through(indirect('FILTER'), (await this.expr(expr, scope, ctes)).deps));
    }

    const groups = (node.group_expressions as Ast[] | undefined) ?? [];
    for (const expr of groups) {
      rows.push(...through(indirect('GROUP_BY'), await this.itemOrExpr(expr, items, scope, ctes)));
    }
    if (node.aggregate_handling === 'FORCE_AGGREGATES') {
      // GROUP BY ALL: every select item without an aggregate is a grouping key.
      for (const item of items) if (!item.aggregate) rows.push(...through(indirect('GROUP_BY'), item.deps));
    }

    rows.push(...(await this.modifiers(node, scope, ctes, items, top)));
    return { columns: items.map(({ name, deps }) => ({ name, deps })), rows };
  }

  /** ORDER BY (of the final query, or under a LIMIT) → SORT; DISTINCT → GROUP_BY. */
  private async modifiers(node: Ast, scope: Scope, ctes: Ctes, items: readonly Column[], top: boolean): Promise<Dep[]> {
    const modifiers = (node.modifiers as Ast[] | undefined) ?? [];
    const limited = modifiers.some((m) => m.type === 'LIMIT_MODIFIER' || m.type === 'LIMIT_PERCENT_MODIFIER');
    const rows: Dep[] = [];
    for (const modifier of modifiers) {
      if (modifier.type === 'ORDER_MODIFIER' && (top || limited)) {
        for (const order of (modifier.orders as Ast[]) ?? []) {
          const expr = order.expression as Ast;
          const deps =
            expr.class === 'STAR' ? items.flatMap((i) => i.deps) : await this.itemOrExpr(expr, items, scope, ctes);
          rows.push(...through(indirect('SORT'), deps));
        }
      } else if (modifier.type === 'DISTINCT_MODIFIER') {
        const targets = (modifier.distinct_on_targets as Ast[] | undefined) ?? [];
        const deps =
          targets.length === 0
            ? items.flatMap((i) => i.deps)
            : (await Promise.all(targets.map((t) => this.itemOrExpr(t, items, scope, ctes)))).flat();
        rows.push(...through(indirect('GROUP_BY'), deps));
      }
    }
    return rows;
  }

  /** A GROUP BY / ORDER BY term: a select item by position or alias, else an expression over the FROM scope. */
  private async itemOrExpr(expr: Ast, items: readonly Column[], scope: Scope, ctes: Ctes): Promise<Dep[]> {
    if (expr.class === 'CONSTANT') {
      const value = (expr.value as Ast).value;
      if (typeof value === 'number' && Number.isInteger(value)) {
        const item = items[value - 1];
        if (!item) throw new ColumnLineageError(`position ${value} is not a select item`);
        return item.deps;
      }
      return [];
    }
    if (expr.class === 'COLUMN_REF') {
      const names = expr.column_names as string[];
      if (names.length === 1 && !this.inScope(names[0]!, scope)) {
        const item = items.find((i) => i.name === lower(names[0]!));
        if (item) return item.deps;
      }
    }
    return (await this.expr(expr, scope, ctes)).deps;
  }

  private inScope(name: string, scope: Scope): boolean {
    const n = lower(name);
    return scope.entries.some((e) => e.relation.columns.some((c) => c.name === n));
  }

  // ------------------------------------------------------------ FROM

  private async from(
    table: Ast | null | undefined,
    outer: Scope | undefined,
    ctes: Ctes,
  ): Promise<{ entries: ScopeEntry[]; rows: Dep[] }> {
    if (!table || table.type === 'EMPTY') return { entries: [], rows: [] };
    switch (table.type) {
      case 'BASE_TABLE':
        return this.single(table, await this.baseTable(table, ctes));
      case 'TABLE_FUNCTION':
        return this.single(table, this.tableFunction(table));
      case 'SUBQUERY': {
        const subquery = (table.subquery as Ast).node as Ast;
        return this.single(table, await this.query(subquery, outer, ctes, false));
      }
      case 'EXPRESSION_LIST':
        return this.single(table, await this.values(table, outer, ctes));
      case 'JOIN':
        return this.join(table, outer, ctes);
      default:
        throw new ColumnLineageError(`unsupported table reference ${String(table.type)}`);
    }
  }

  private single(table: Ast, relation: Relation): { entries: ScopeEntry[]; rows: Dep[] } {
    const renamedRelation = renamed(relation, (table.column_name_alias as string[] | undefined) ?? []);
    const alias =
      typeof table.alias === 'string' && table.alias !== ''
        ? lower(table.alias)
        : table.type === 'BASE_TABLE'
          ? lower(String(table.table_name))
          : table.type === 'TABLE_FUNCTION'
            ? lower(String((table.function as Ast).function_name))
            : undefined;
    return { entries: [{ alias, relation: renamedRelation }], rows: [...renamedRelation.rows] };
  }

  private async baseTable(table: Ast, ctes: Ctes): Promise<Relation> {
    const name = lower(String(table.table_name));
    const qualified = Boolean(table.schema_name) || Boolean(table.catalog_name);
    const cte = qualified ? undefined : ctes.get(name);
    if (cte) return { columns: cte.columns.map((c) => ({ ...c })), rows: [...cte.rows] };
    const input = this.input(relationKey(table));
    if (input) return input;
    const path = [table.catalog_name, table.schema_name, table.table_name]
      .filter((p) => typeof p === 'string' && p !== '')
      .map((p) => quoteIdent(String(p)))
      .join('.');
    const columns = await this.describeTable(path);
    if (!columns) {
      throw new ColumnLineageError(
        `relation '${String(table.table_name)}' is neither a CTE, nor one of the inputs, nor a table`,
      );
    }
    // A table of the database that is no declared input: its columns are known, their origin is not.
    return { columns: columns.map((c) => ({ name: lower(c), deps: [] })), rows: [] };
  }

  private tableFunction(table: Ast): Relation {
    const input = this.input(relationKey(table));
    if (input) return input;
    return { columns: [], rows: [], opaque: true };
  }

  private input(key: string): Relation | undefined {
    const index = this.inputs.findIndex((i) => i.key === key);
    if (index < 0) return undefined;
    const input = this.inputs[index]!;
    return {
      columns: input.columns.map((field) => ({
        name: lower(field),
        deps: [{ input: index, field, type: 'DIRECT', subtype: 'IDENTITY', masking: false }],
      })),
      rows: [],
    };
  }

  private async values(table: Ast, outer: Scope | undefined, ctes: Ctes): Promise<Relation> {
    const rows = (table.values as Ast[][] | undefined) ?? [];
    const scope: Scope = { entries: [], parent: outer };
    const columns: Column[] = [];
    for (const row of rows) {
      for (const [i, expr] of row.entries()) {
        const deps = (await this.expr(expr, scope, ctes)).deps;
        columns[i] ??= { name: `col${i}`, deps: [] };
        columns[i].deps.push(...deps);
      }
    }
    return { columns, rows: [] };
  }

  private async join(
    table: Ast,
    outer: Scope | undefined,
    ctes: Ctes,
  ): Promise<{ entries: ScopeEntry[]; rows: Dep[] }> {
    const left = await this.from(table.left as Ast, outer, ctes);
    // The right side may refer to the left one (LATERAL).
    const lateral: Scope = { entries: left.entries, parent: outer };
    const right = await this.from(table.right as Ast, lateral, ctes);
    const entries = [...left.entries, ...right.entries];
    const rows = [...left.rows, ...right.rows];
    const scope: Scope = { entries, parent: outer };
    if (table.condition) {
      rows.push(...through(indirect('JOIN'), (await this.expr(table.condition as Ast, scope, ctes)).deps));
    }
    let using = ((table.using_columns as string[] | undefined) ?? []).map(lower);
    if (table.ref_type === 'NATURAL') {
      const leftNames = new Set(left.entries.flatMap((e) => e.relation.columns.map((c) => c.name)));
      using = [...new Set(right.entries.flatMap((e) => e.relation.columns.map((c) => c.name)))].filter(
        (n): n is string => n !== undefined && leftNames.has(n),
      );
    }
    for (const name of using) {
      for (const side of [left.entries, right.entries]) {
        const column = side.flatMap((e) => e.relation.columns).find((c) => c.name === name);
        if (!column) throw new ColumnLineageError(`join column '${name}' is missing on one side`);
        rows.push(...through(indirect('JOIN'), column.deps));
      }
    }
    if (using.length > 0) {
      for (const entry of right.entries) entry.hidden = new Set([...(entry.hidden ?? []), ...using]);
    }
    return { entries, rows };
  }

  // ------------------------------------------------------------ select items

  private async star(expr: Ast, scope: Scope, ctes: Ctes): Promise<Column[]> {
    if (expr.columns === true || expr.expr) throw new ColumnLineageError('COLUMNS(…) expressions are not supported');
    const relationName =
      typeof expr.relation_name === 'string' && expr.relation_name !== '' ? lower(expr.relation_name) : undefined;
    const entries = relationName === undefined ? scope.entries : scope.entries.filter((e) => e.alias === relationName);
    if (relationName !== undefined && entries.length === 0) {
      throw new ColumnLineageError(`no relation '${relationName}' for ${relationName}.*`);
    }
    const exclude = new Set(((expr.exclude_list as unknown[] | undefined) ?? []).map((e) => lower(starName(e))));
    const replace = new Map<string, Ast>();
    for (const r of (expr.replace_list as Ast[] | undefined) ?? []) replace.set(lower(String(r.key)), r.value as Ast);
    const rename = new Map<string, string>();
    for (const r of (expr.rename_list as Ast[] | undefined) ?? []) {
      rename.set(lower(starName(r.key)), lower(String(r.value)));
    }
    const columns: Column[] = [];
    for (const entry of entries) {
      if (entry.relation.opaque) {
        throw new ColumnLineageError('cannot expand * over a relation whose columns are unknown');
      }
      for (const column of entry.relation.columns) {
        if (column.name === undefined || exclude.has(column.name)) continue;
        if (relationName === undefined && entry.hidden?.has(column.name)) continue;
        const replacement = replace.get(column.name);
        const deps = replacement ? (await this.expr(replacement, scope, ctes)).deps : column.deps;
        columns.push({ name: rename.get(column.name) ?? column.name, deps });
      }
    }
    return columns;
  }

  // ------------------------------------------------------------ expressions

  /** The expressions' dependencies together, seen through one DIRECT step. */
  private async all(
    children: readonly (Ast | null | undefined)[],
    scope: Scope,
    ctes: Ctes,
    step = TRANSFORMATION,
  ): Promise<Value> {
    const present = children.filter((c): c is Ast => Boolean(c));
    const values = await Promise.all(present.map((c) => this.expr(c, scope, ctes)));
    return { deps: through(step, values.flatMap((v) => v.deps)), aggregate: values.some((v) => v.aggregate) };
  }

  private async expr(expr: Ast, scope: Scope, ctes: Ctes): Promise<Value> {
    const all = (children: readonly (Ast | null | undefined)[]) => this.all(children, scope, ctes);
    switch (expr.class) {
      case 'COLUMN_REF':
        return { deps: this.column(expr.column_names as string[], scope), aggregate: false };
      case 'CONSTANT':
      case 'PARAMETER':
      case 'DEFAULT':
        return { deps: [], aggregate: false };
      case 'POSITIONAL_REFERENCE': {
        const columns = scope.entries.flatMap((e) => e.relation.columns);
        const column = columns[Number(expr.index) - 1];
        if (!column) throw new ColumnLineageError(`#${String(expr.index)} is not a column`);
        return { deps: column.deps, aggregate: false };
      }
      case 'CAST':
      case 'COLLATE':
        return all([expr.child as Ast]);
      case 'COMPARISON':
        return all([expr.left as Ast, expr.right as Ast]);
      case 'BETWEEN':
        return all([expr.input as Ast, expr.lower as Ast, expr.upper as Ast]);
      case 'CONJUNCTION':
      case 'OPERATOR':
        return all((expr.children as Ast[]) ?? []);
      case 'CASE': {
        const checks = (expr.case_checks as Ast[]) ?? [];
        const conditions = await all(checks.map((c) => c.when_expr as Ast));
        const results = await all([...checks.map((c) => c.then_expr as Ast), expr.else_expr as Ast | null]);
        return {
          deps: [...results.deps, ...through(indirect('CONDITIONAL'), conditions.deps)],
          aggregate: conditions.aggregate || results.aggregate,
        };
      }
      case 'FUNCTION':
        return this.call(expr, scope, ctes);
      case 'WINDOW':
        return this.window(expr, scope, ctes);
      case 'SUBQUERY':
        return this.subquery(expr, scope, ctes);
      case 'LAMBDA': {
        const params = new Set<string>(lambdaParams(expr.lhs as Ast));
        const inner: Scope = { ...scope, lambda: new Set([...(scope.lambda ?? []), ...params]) };
        return this.expr(expr.expr as Ast, inner, ctes);
      }
      default:
        throw new ColumnLineageError(`unsupported expression ${String(expr.class)} (${String(expr.type)})`);
    }
  }

  private async call(expr: Ast, scope: Scope, ctes: Ctes): Promise<Value> {
    const name = lower(String(expr.function_name));
    const children = (expr.children as Ast[]) ?? [];
    if (this.aggregates.has(name) && expr.is_operator !== true) {
      const values = await this.all(children, scope, ctes, AGGREGATION);
      const filter = expr.filter ? await this.expr(expr.filter as Ast, scope, ctes) : undefined;
      const orders = ((expr.order_bys as Ast | undefined)?.orders as Ast[] | undefined) ?? [];
      const sorted = await Promise.all(orders.map((o) => this.expr(o.expression as Ast, scope, ctes)));
      return {
        deps: [
          ...values.deps,
          ...through(indirect('FILTER'), filter?.deps ?? []),
          ...through(indirect('SORT'), sorted.flatMap((s) => s.deps)),
        ],
        aggregate: true,
      };
    }
    const masking = MASKING_FUNCTIONS.has(name);
    const values = await Promise.all(children.map((c) => this.expr(c, scope, ctes)));
    return {
      deps: through({ type: 'DIRECT', subtype: 'TRANSFORMATION', masking }, values.flatMap((v) => v.deps)),
      aggregate: values.some((v) => v.aggregate),
    };
  }

  private async window(expr: Ast, scope: Scope, ctes: Ctes): Promise<Value> {
    const aggregate = expr.type === 'WINDOW_AGGREGATE';
    const args = [...((expr.children as Ast[]) ?? []), expr.default_expr as Ast | null];
    const values = await this.all(args, scope, ctes, aggregate ? AGGREGATION : TRANSFORMATION);
    const partitions = await this.all((expr.partitions as Ast[]) ?? [], scope, ctes);
    const orders = await this.all([
      ...(((expr.orders as Ast[]) ?? []).map((o) => o.expression as Ast)),
      expr.start_expr as Ast | null,
      expr.end_expr as Ast | null,
      expr.offset_expr as Ast | null,
    ], scope, ctes);
    const filter = expr.filter_expr ? await this.expr(expr.filter_expr as Ast, scope, ctes) : undefined;
    return {
      deps: [
        ...values.deps,
        ...through(indirect('WINDOW'), [...partitions.deps, ...orders.deps]),
        ...through(indirect('FILTER'), filter?.deps ?? []),
      ],
      // A window is computed per row; an aggregate inside its arguments still makes the item an aggregate.
      aggregate: values.aggregate || partitions.aggregate || orders.aggregate,
    };
  }

  private async subquery(expr: Ast, scope: Scope, ctes: Ctes): Promise<Value> {
    const node = (expr.subquery as Ast).node as Ast;
    const relation = await this.query(node, scope, ctes, false);
    const kind = String(expr.subquery_type);
    if (kind === 'SCALAR') {
      const column = relation.columns[0];
      return { deps: [...(column?.deps ?? []), ...relation.rows], aggregate: false };
    }
    const child = expr.child ? await this.all([expr.child as Ast], scope, ctes) : { deps: [], aggregate: false };
    // EXISTS / IN / ANY: a truth value computed from the subquery's rows.
    const inner = kind === 'EXISTS' || kind === 'NOT_EXISTS' ? [] : relation.columns.flatMap((c) => c.deps);
    return { deps: [...child.deps, ...through(TRANSFORMATION, inner), ...relation.rows], aggregate: child.aggregate };
  }

  /** The dependencies of a column reference: in the FROM scope, then select aliases, then outer scopes. */
  private column(names: readonly string[], scope: Scope): Dep[] {
    const parts = names.map(lower);
    if (parts.length === 1 && scope.lambda?.has(parts[0]!)) return [];
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const found = findColumn(parts, s);
      if (found) return found;
      if (parts.length === 1) {
        const alias = s.aliases?.get(parts[0]!);
        if (alias) return alias;
      }
      if (s.entries.some((e) => e.relation.opaque && (parts.length === 1 || e.alias === parts[0]))) return [];
    }
    throw new ColumnLineageError(`column ${names.join('.')} not found`);
  }
}

/** A column in one scope level: `col`, `rel.col`, `rel.col.field` or `col.field` (a struct field). */
function findColumn(parts: readonly string[], scope: Scope): Dep[] | undefined {
  const byName = (name: string, entries: readonly ScopeEntry[]) =>
    entries.flatMap((e) => e.relation.columns).find((c) => c.name === name);
  const [first, second] = parts;
  if (parts.length >= 2) {
    const relation = scope.entries.filter((e) => e.alias === first);
    const column = relation.length > 0 ? byName(second!, relation) : undefined;
    if (column) return parts.length > 2 ? through(TRANSFORMATION, column.deps) : column.deps;
  }
  const column = byName(first!, scope.entries);
  if (column) return parts.length > 1 ? through(TRANSFORMATION, column.deps) : column.deps;
  return undefined;
}

function lambdaParams(lhs: Ast): string[] {
  if (lhs.class === 'COLUMN_REF') return (lhs.column_names as string[]).map(lower);
  if (lhs.class === 'FUNCTION') return ((lhs.children as Ast[]) ?? []).flatMap(lambdaParams);
  throw new ColumnLineageError('unsupported lambda parameters');
}

function starName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && Array.isArray((value as Ast).column_names)) {
    const names = (value as Ast).column_names as string[];
    return names[names.length - 1]!;
  }
  throw new ColumnLineageError('unsupported * modifier');
}

/** The column name DuckDB gives an unaliased item: the column's own name for a reference; otherwise unknown here. */
function defaultName(expr: Ast): string | undefined {
  if (expr.class === 'COLUMN_REF') {
    const names = expr.column_names as string[];
    return lower(names[names.length - 1]!);
  }
  return undefined;
}

function renamed(relation: Relation, names: readonly string[]): Relation {
  if (names.length === 0) return relation;
  return {
    ...relation,
    columns: relation.columns.map((c, i) => (i < names.length ? { ...c, name: lower(names[i]!) } : c)),
  };
}

/** A relation's identity however the query spells it: the table path, or the table function call without positions. */
function relationKey(table: Ast): string {
  if (table.type === 'BASE_TABLE') {
    return `table:${[table.catalog_name, table.schema_name, table.table_name]
      .filter((p) => typeof p === 'string' && p !== '')
      .map((p) => lower(String(p)))
      .join('.')}`;
  }
  if (table.type === 'TABLE_FUNCTION') return `function:${JSON.stringify(canonical(table.function))}`;
  return `other:${JSON.stringify(canonical(table))}`;
}

/** The AST without source positions and aliases, with lower-case function names. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === 'query_location' || key === 'alias') continue;
    out[key] = key === 'function_name' && typeof v === 'string' ? lower(v) : canonical(v);
  }
  return out;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

// ---------------------------------------------------------------- the facet

function toFacet(
  relation: Relation,
  inputs: readonly ResolvedInput[],
  outputColumns: readonly string[],
  indirectPlace: 'dataset' | 'fields',
): ColumnLineageDatasetFacet {
  const columns = matchOutputs(relation.columns, outputColumns);
  const rowFields = inputFields(relation.rows, inputs);
  const fields: Record<string, ColumnLineageInputField[]> = {};
  for (const [name, column] of columns) {
    const deps = indirectPlace === 'fields' ? [...column.deps, ...relation.rows] : column.deps;
    fields[name] = inputFields(deps, inputs);
  }
  return columnLineageFacet(indirectPlace === 'dataset' ? { fields, dataset: rowFields } : { fields });
}

/** Output column names paired with the query's columns: by position when the counts agree, else by name. */
function matchOutputs(columns: readonly Column[], outputs: readonly string[]): [string, Column][] {
  if (columns.length === outputs.length) return outputs.map((name, i) => [name, columns[i]!]);
  return outputs.map((name) => {
    const column = columns.find((c) => c.name === lower(name));
    if (!column) {
      throw new ColumnLineageError(
        `the query yields ${columns.length} column(s), not the ${outputs.length} output column(s), ` +
          `and none is named '${name}'`,
      );
    }
    return [name, column];
  });
}

/** Deps grouped per input field: one DIRECT transformation (the strongest), and each INDIRECT subtype once. */
function inputFields(deps: readonly Dep[], inputs: readonly ResolvedInput[]): ColumnLineageInputField[] {
  const byField = new Map<string, { input: number; field: string; deps: Dep[] }>();
  for (const dep of deps) {
    const key = `${dep.input}\u0000${dep.field}`;
    let group = byField.get(key);
    if (!group) byField.set(key, (group = { input: dep.input, field: dep.field, deps: [] }));
    group.deps.push(dep);
  }
  const out: ColumnLineageInputField[] = [];
  for (const group of byField.values()) {
    const transformations: ColumnTransformation[] = [];
    const direct = group.deps.filter((d) => d.type === 'DIRECT');
    if (direct.length > 0) {
      const rank = (d: Dep) => DIRECT_RANK[d.subtype as Direct];
      const strongest = direct.reduce((a, b) => (rank(b) > rank(a) ? b : a));
      transformations.push({ type: 'DIRECT', subtype: strongest.subtype, masking: direct.some((d) => d.masking) });
    }
    const kinds = [...new Set(group.deps.filter((d) => d.type === 'INDIRECT').map((d) => d.subtype))].sort();
    for (const subtype of kinds) {
      transformations.push({ type: 'INDIRECT', subtype: subtype as ColumnTransformationSubtype });
    }
    const dataset = inputs[group.input]!.dataset;
    out.push({ namespace: dataset.namespace, name: dataset.name, field: group.field, transformations });
  }
  return out.sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.field.localeCompare(b.field),
  );
}
