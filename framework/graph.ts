import type { AssetDefinition } from './asset.js';
import { didYouMean } from './did-you-mean.js';
import { AssetGraphError } from './errors.js';
import { checkPartitionMappings } from './partition-mapping.js';
import { checkSqlRefs } from './sql-refs.js';

type Edges = ReadonlyMap<string, readonly string[]>;

/** A validated, acyclic set of assets with their dependency edges. */
export class AssetGraph {
  /** All keys, sorted. */
  readonly keys: readonly string[];
  /** Group name → keys in it; both sorted. */
  readonly groups: ReadonlyMap<string, readonly string[]>;
  readonly #assets: ReadonlyMap<string, AssetDefinition>;
  readonly #upstream: Edges;
  readonly #downstream: Edges;
  /** Every key after all of its deps. */
  readonly #order: readonly string[];

  private constructor(assets: ReadonlyMap<string, AssetDefinition>, upstream: Edges, order: readonly string[]) {
    this.#assets = assets;
    this.#upstream = upstream;
    this.#order = order;
    this.keys = [...assets.keys()].sort();
    this.#downstream = invert(this.keys, upstream);
    this.groups = groupKeys(this.keys.map((key) => assets.get(key)!));
  }

  /**
   * Validates `assets` as a graph. Every dependency must be in the list (as the same object), keys
   * unique, no cycles, and every `{{ ref('key') }}` in inline SQL must name one of the asset's deps.
   */
  static build(assets: readonly AssetDefinition[]): AssetGraph {
    const byKey = indexByKey(assets);
    const keys = [...byKey.keys()].sort();
    const upstream = new Map<string, string[]>();
    for (const key of keys) {
      const asset = byKey.get(key)!;
      for (const dep of asset.deps) checkDep(asset, dep, byKey);
      upstream.set(key, [...new Set(asset.deps.map((dep) => dep.key))].sort());
    }
    const order = dependencyOrder(keys, upstream);
    // SQL in files is checked when the engine reads the files (engine/sql-text.ts).
    for (const key of keys) {
      const asset = byKey.get(key)!;
      if (asset.compute.kind === 'sql' && asset.compute.sql !== undefined) checkSqlRefs(asset, keys, asset.compute.sql);
      checkPartitionMappings(asset);
    }
    return new AssetGraph(byKey, upstream, order);
  }

  has(key: string): boolean {
    return this.#assets.has(key);
  }

  /** The asset with `key`; throws `AssetGraphError` (with a suggestion) when there is none. */
  get(key: string): AssetDefinition {
    const asset = this.#assets.get(key);
    if (!asset) throw new AssetGraphError(`no asset '${key}'${didYouMean(key, this.keys)}`);
    return asset;
  }

  /** Keys `key` depends on directly, sorted. */
  upstream(key: string): string[] {
    this.get(key);
    return [...(this.#upstream.get(key) ?? [])];
  }

  /** Keys that depend on `key` directly, sorted. */
  downstream(key: string): string[] {
    this.get(key);
    return [...(this.#downstream.get(key) ?? [])];
  }

  /** Keys upstream of `key` (not `key` itself) within `depth` hops (unbounded by default), sorted. */
  ancestors(key: string, depth = Infinity): string[] {
    return this.#walk(key, depth, this.#upstream);
  }

  /** Keys downstream of `key` (not `key` itself) within `depth` hops (unbounded by default), sorted. */
  descendants(key: string, depth = Infinity): string[] {
    return this.#walk(key, depth, this.#downstream);
  }

  /**
   * `keys` (default: all) in dependency order: all assets sorted by `levels()`, then filtered, so
   * any two assets keep the same relative order whatever else is selected.
   */
  toposort(keys?: Iterable<string>): string[] {
    const all = this.levels().flat();
    if (keys === undefined) return all;
    const chosen = this.#known(keys);
    return all.filter((key) => chosen.has(key));
  }

  /**
   * `keys` (default: all) in topological levels, each sorted. An asset's level is one past the deepest
   * level among the given assets it depends on, directly or through assets not given.
   */
  levels(keys?: Iterable<string>): string[][] {
    const chosen = keys === undefined ? undefined : this.#known(keys);
    const levels: string[][] = [];
    /** For each key: one past the deepest level of a chosen asset at or upstream of it. */
    const below = new Map<string, number>();
    for (const key of this.#order) {
      const level = Math.max(0, ...(this.#upstream.get(key) ?? []).map((dep) => below.get(dep) ?? 0));
      if (chosen && !chosen.has(key)) {
        below.set(key, level);
        continue;
      }
      (levels[level] ??= []).push(key);
      below.set(key, level + 1);
    }
    return levels.map((level) => level.sort());
  }

  #known(keys: Iterable<string>): Set<string> {
    const known = new Set(keys);
    for (const key of known) this.get(key);
    return known;
  }

  #walk(start: string, depth: number, edges: Edges): string[] {
    this.get(start);
    if (!(depth >= 0) || !(Number.isInteger(depth) || depth === Infinity)) {
      throw new RangeError(`depth must be a non-negative integer, got ${depth}`);
    }
    const seen = new Set<string>([start]);
    let frontier = [start];
    for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
      frontier = frontier.flatMap((key) => (edges.get(key) ?? []).filter((next) => !seen.has(next)));
      for (const key of frontier) seen.add(key);
    }
    seen.delete(start);
    return [...seen].sort();
  }
}

function indexByKey(assets: readonly AssetDefinition[]): Map<string, AssetDefinition> {
  const byKey = new Map<string, AssetDefinition>();
  for (const asset of assets) {
    const other = byKey.get(asset.key);
    if (other && other !== asset) {
      throw new AssetGraphError(`asset '${asset.key}' is declared twice: two definitions share the key`);
    }
    byKey.set(asset.key, asset);
  }
  return byKey;
}

function checkDep(asset: AssetDefinition, dep: AssetDefinition, byKey: ReadonlyMap<string, AssetDefinition>): void {
  const listed = byKey.get(dep.key);
  if (listed === dep) return;
  if (listed) {
    throw new AssetGraphError(
      `asset '${dep.key}' is declared twice: '${asset.key}' depends on a definition of '${dep.key}' ` +
        'that is not the one in the asset list',
    );
  }
  throw new AssetGraphError(
    `asset '${asset.key}' depends on '${dep.key}', which is not in the asset list${didYouMean(dep.key, byKey.keys())}`,
  );
}

/** Keys with every key after its deps (depth-first, in key order); throws on a cycle. */
function dependencyOrder(keys: readonly string[], upstream: Edges): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  for (const root of keys) {
    if (done.has(root)) continue;
    const path: string[] = [root];
    const next: number[] = [0];
    while (path.length > 0) {
      const top = path.length - 1;
      const key = path[top]!;
      const dep = upstream.get(key)?.[next[top]!++];
      if (dep === undefined) {
        order.push(key);
        done.add(key);
        path.pop();
        next.pop();
      } else if (path.includes(dep)) {
        throw cycleError(path.slice(path.indexOf(dep)));
      } else if (!done.has(dep)) {
        path.push(dep);
        next.push(0);
      }
    }
  }
  return order;
}

/** `cycle` lists each asset followed by one it depends on; the message shows data flow, from the smallest key. */
function cycleError(cycle: string[]): AssetGraphError {
  const flow = cycle.reverse();
  const first = flow.indexOf([...flow].sort()[0]!);
  const rotated = [...flow.slice(first), ...flow.slice(0, first)];
  return new AssetGraphError(`dependency cycle: ${[...rotated, rotated[0]].join(' -> ')}`);
}

function invert(keys: readonly string[], upstream: Edges): Edges {
  const downstream = new Map<string, string[]>(keys.map((key) => [key, []]));
  for (const key of keys) for (const dep of upstream.get(key) ?? []) downstream.get(dep)!.push(key);
  return downstream;
}

function groupKeys(sortedAssets: readonly AssetDefinition[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const name of [...new Set(sortedAssets.map((asset) => asset.group))].sort()) groups.set(name, []);
  for (const asset of sortedAssets) groups.get(asset.group)!.push(asset.key);
  return groups;
}
