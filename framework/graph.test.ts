import { describe, expect, it } from 'vitest';
import { type AssetDefinition, type AssetSpec, defineAsset, sql } from './asset.js';
import { AssetGraphError } from './errors.js';
import { AssetGraph } from './graph.js';

function asset(key: string, deps: AssetDefinition[] = [], spec: Partial<AssetSpec> = {}): AssetDefinition {
  return defineAsset({ key, deps, compute: sql`select 1`, ...spec });
}

/** An asset whose deps can be filled in after the fact, to build cycles `defineAsset` cannot. */
function mutableAsset(key: string): { asset: AssetDefinition; deps: AssetDefinition[] } {
  const deps: AssetDefinition[] = [];
  return { asset: { ...asset(key), deps }, deps };
}

function buildError(assets: AssetDefinition[]): AssetGraphError {
  try {
    AssetGraph.build(assets);
  } catch (err) {
    expect(err).toBeInstanceOf(AssetGraphError);
    return err as AssetGraphError;
  }
  throw new Error('expected AssetGraph.build to throw');
}

// source_b ─┐
// source_a ─┴─> joined ─> summary      lonely
const sourceA = asset('source_a', [], { group: 'ingest' });
const sourceB = asset('source_b', [], { group: 'ingest' });
const joined = asset('joined', [sourceA, sourceB]);
const summary = asset('summary', [joined], { group: 'reports' });
const lonely = asset('lonely');
const all = [summary, lonely, joined, sourceB, sourceA];

describe('AssetGraph', () => {
  const graph = AssetGraph.build(all);

  it('lists its keys sorted', () => {
    expect(graph.keys).toEqual(['joined', 'lonely', 'source_a', 'source_b', 'summary']);
  });

  it('gets an asset by key and tells whether it has one', () => {
    expect(graph.get('joined')).toBe(joined);
    expect(graph.has('joined')).toBe(true);
    expect(graph.has('missing')).toBe(false);
  });

  it('throws with a suggestion when getting an unknown key', () => {
    expect(() => graph.get('summery')).toThrow(new AssetGraphError(`no asset 'summery'; did you mean 'summary'?`));
  });

  it('lists direct upstream and downstream keys sorted', () => {
    expect(graph.upstream('joined')).toEqual(['source_a', 'source_b']);
    expect(graph.downstream('source_a')).toEqual(['joined']);
    expect(graph.upstream('source_a')).toEqual([]);
    expect(graph.downstream('summary')).toEqual([]);
  });

  it('lists all ancestors and descendants, without the asset itself', () => {
    expect(graph.ancestors('summary')).toEqual(['joined', 'source_a', 'source_b']);
    expect(graph.descendants('source_b')).toEqual(['joined', 'summary']);
    expect(graph.ancestors('lonely')).toEqual([]);
  });

  it('limits ancestors and descendants to a depth in hops', () => {
    expect(graph.ancestors('summary', 1)).toEqual(['joined']);
    expect(graph.ancestors('summary', 2)).toEqual(['joined', 'source_a', 'source_b']);
    expect(graph.descendants('source_a', 1)).toEqual(['joined']);
    expect(graph.descendants('source_a', 0)).toEqual([]);
  });

  it('rejects a negative or fractional depth', () => {
    expect(() => graph.ancestors('summary', -1)).toThrow(RangeError);
    expect(() => graph.descendants('summary', 1.5)).toThrow(RangeError);
  });

  it('maps each group to its keys, both sorted', () => {
    expect([...graph.groups]).toEqual([
      ['default', ['joined', 'lonely']],
      ['ingest', ['source_a', 'source_b']],
      ['reports', ['summary']],
    ]);
  });

  it('sorts topologically with each level sorted by key', () => {
    expect(graph.levels()).toEqual([['lonely', 'source_a', 'source_b'], ['joined'], ['summary']]);
    expect(graph.toposort()).toEqual(['lonely', 'source_a', 'source_b', 'joined', 'summary']);
  });

  it('sorts the same way whatever order the assets are listed in', () => {
    const orders = [all, [...all].reverse(), [sourceA, summary, lonely, sourceB, joined]];
    for (const assets of orders) {
      expect(AssetGraph.build(assets).toposort()).toEqual(['lonely', 'source_a', 'source_b', 'joined', 'summary']);
    }
  });

  it('sorts a subset of keys in the order they have among all keys', () => {
    expect(graph.toposort(['summary', 'source_b', 'lonely'])).toEqual(['lonely', 'source_b', 'summary']);
    expect(graph.toposort([])).toEqual([]);
  });

  it('sorts a subset of keys, keeping order through assets left out', () => {
    // Alphabetical order is the reverse of dependency order here.
    const z = asset('z');
    const m = asset('m', [z]);
    const a = asset('a', [m]);
    const chain = AssetGraph.build([a, m, z]);
    expect(chain.toposort(['a', 'z'])).toEqual(['z', 'a']);
    expect(chain.levels(['a', 'z'])).toEqual([['z'], ['a']]);
  });

  it('puts a subset asset at the top level when none of its upstreams is in the subset', () => {
    expect(graph.toposort(['summary', 'lonely'])).toEqual(['lonely', 'summary']);
    expect(graph.levels(['summary', 'lonely'])).toEqual([['lonely', 'summary']]);
  });

  it('ignores keys repeated in a subset', () => {
    expect(graph.levels(['summary', 'source_b', 'source_b'])).toEqual([['source_b'], ['summary']]);
  });

  it('throws with a suggestion when sorting an unknown key', () => {
    expect(() => graph.toposort(['joined', 'joind'])).toThrow(`no asset 'joind'; did you mean 'joined'?`);
  });

  it('accepts the same definition listed twice', () => {
    expect(AssetGraph.build([lonely, lonely]).keys).toEqual(['lonely']);
  });
});

describe('AssetGraph.build errors', () => {
  it('names a key declared twice', () => {
    expect(buildError([asset('twin'), asset('twin')]).message).toBe(
      `asset 'twin' is declared twice: two definitions share the key`,
    );
  });

  it('names a key declared twice when one definition only appears as a dependency', () => {
    const hidden = asset('twin');
    expect(buildError([asset('twin'), asset('user', [hidden])]).message).toBe(
      `asset 'twin' is declared twice: 'user' depends on a definition of 'twin' that is not the one in the asset list`,
    );
  });

  it('names the asset and the missing dependency, with a suggestion', () => {
    const missing = asset('source_c');
    expect(buildError([sourceA, asset('user', [missing])]).message).toBe(
      `asset 'user' depends on 'source_c', which is not in the asset list; did you mean 'source_a'?`,
    );
  });

  it('names a missing dependency without a suggestion when nothing is close', () => {
    expect(buildError([asset('user', [asset('elsewhere')])]).message).toBe(
      `asset 'user' depends on 'elsewhere', which is not in the asset list`,
    );
  });

  it('prints a cycle as a path in data-flow order from its smallest key', () => {
    const a = mutableAsset('a');
    const b = asset('b', [a.asset]);
    const c = asset('c', [b]);
    a.deps.push(c);
    expect(buildError([c, b, a.asset, lonely]).message).toBe('dependency cycle: a -> b -> c -> a');
  });

  it('reports an asset depending on itself as a cycle', () => {
    const self = mutableAsset('self');
    self.deps.push(self.asset);
    expect(buildError([self.asset]).message).toBe('dependency cycle: self -> self');
  });

  it('rejects a SQL ref to a key that is not among the deps, naming the file and line', () => {
    const user = defineAsset({
      key: 'user',
      deps: [sourceA],
      compute: { kind: 'sql', sql: 'select *\nfrom {{ ref("source_aa") }}', file: '/project/user.sql', refs: [] },
    });
    expect(buildError([sourceA, user]).message).toBe(
      `asset 'user', /project/user.sql line 2: ref('source_aa') is not among the asset's deps; ` +
        `did you mean 'source_a'?`,
    );
  });

  it('says to add a SQL ref to the deps when it names an asset of the graph', () => {
    const user = defineAsset({ key: 'user', compute: sql`select * from {{ ref('lonely') }}` });
    expect(buildError([lonely, user]).message).toBe(
      `asset 'user', SQL line 1: ref('lonely') is not among the asset's deps; add 'lonely' to the asset's deps`,
    );
  });

  it('rejects malformed SQL templates at build time', () => {
    const user = defineAsset({ key: 'user', compute: sql`select 1\n\nfrom {{ ref(lonely) }}` });
    expect(buildError([user]).message).toBe(
      `asset 'user', SQL line 3: {{ ref(lonely) }} is malformed: ref takes one quoted asset key, e.g. {{ ref('key') }}`,
    );
  });
});
