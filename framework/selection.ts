import { closest, didYouMean } from './did-you-mean.js';
import { SelectionError } from './errors.js';
import type { AssetDefinition } from './asset.js';
import type { AssetGraph } from './graph.js';

/**
 * A parsed selection. `position` is the offset of the node's first character in the selection text.
 * In `traverse`, `up`/`down` count hops (0: none, Infinity: all).
 */
export type SelectionExpr =
  | { readonly kind: 'all'; readonly position: number }
  | { readonly kind: 'key'; readonly key: string; readonly position: number }
  | { readonly kind: 'group'; readonly group: string; readonly position: number }
  | { readonly kind: 'tag'; readonly tag: string; readonly value: string | undefined; readonly position: number }
  | { readonly kind: 'owner'; readonly owner: string; readonly position: number }
  | {
      readonly kind: 'traverse';
      readonly expr: SelectionExpr;
      readonly up: number;
      readonly down: number;
      readonly position: number;
    }
  | { readonly kind: 'not'; readonly expr: SelectionExpr; readonly position: number }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly SelectionExpr[]; readonly position: number };

type TokenKind = 'word' | 'number' | '+' | '*' | '(' | ')' | ',' | 'and' | 'or' | 'not' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  /** Whether whitespace (or the start of the text) comes right before the token. */
  readonly spaced: boolean;
}

const PUNCTUATION = new Set(['(', ')', ',', '+', '*']);
const KEYWORDS = new Set(['and', 'or', 'not']);
const ATTRIBUTES = ['key', 'group', 'tag', 'owner'];

/**
 * Parses Dagster-style selection syntax: keys, `*`, `group:g`, `tag:k`, `tag:k=v`, `owner:o`;
 * `+x` / `x+` / `2+x` / `x+1` for upstream / downstream; `not` > `and` > `or` (any case); parentheses;
 * and commas or whitespace between terms as `or`.
 */
export function parseSelection(text: string): SelectionExpr {
  return new Parser(text).parse();
}

/** The keys `selection` names in `graph`, in `graph.toposort` order. Unknown names throw; an empty result does not. */
export function resolveSelection(graph: AssetGraph, selection: SelectionExpr | string): string[] {
  const expr = typeof selection === 'string' ? parseSelection(selection) : selection;
  return graph.toposort(new Resolver(graph).resolve(expr));
}

class Parser {
  readonly #text: string;
  readonly #tokens: Token[];
  #index = 0;

  constructor(text: string) {
    this.#text = text;
    this.#tokens = this.#tokenize();
  }

  parse(): SelectionExpr {
    if (this.#peek().kind === 'end') throw this.#error(0, 'empty selection');
    const expr = this.#or();
    const rest = this.#peek();
    if (rest.kind === ')') throw this.#error(rest.start, `unmatched ')'`);
    if (rest.kind !== 'end') throw this.#unexpected(rest);
    return expr;
  }

  #or(): SelectionExpr {
    const operands = [this.#and()];
    for (;;) {
      const token = this.#peek();
      if (token.kind === 'or' || token.kind === ',') this.#index++;
      else if (!(token.spaced && startsTerm(token))) break;
      operands.push(this.#and());
    }
    return combine('or', operands);
  }

  #and(): SelectionExpr {
    const operands = [this.#not()];
    while (this.#peek().kind === 'and') {
      this.#index++;
      operands.push(this.#not());
    }
    return combine('and', operands);
  }

  #not(): SelectionExpr {
    const token = this.#peek();
    if (token.kind !== 'not') return this.#traverse();
    this.#index++;
    return { kind: 'not', expr: this.#not(), position: token.start };
  }

  #traverse(): SelectionExpr {
    const position = this.#peek().start;
    const up = this.#up();
    const expr = this.#primary();
    const down = this.#down();
    return up || down ? { kind: 'traverse', expr, up, down, position } : expr;
  }

  /** Consumes a leading `+` or `2+`: the upstream depth, or 0. */
  #up(): number {
    const first = this.#peek();
    if (first.kind !== 'number' && first.kind !== '+') return 0;
    const plus = first.kind === '+' ? first : this.#tokens[this.#index + 1]!;
    if (plus.kind !== '+' || (plus !== first && plus.spaced)) {
      throw this.#unexpected(first, `a depth goes right before '+', e.g. 2+key`);
    }
    this.#index += plus === first ? 1 : 2;
    const target = this.#peek();
    if (target.kind === 'end') throw this.#unexpected(target);
    if (target.spaced) throw this.#unexpected(plus, `'+' goes right before what it applies to, e.g. +key`);
    return first.kind === 'number' ? Number(first.text) : Infinity;
  }

  /** Consumes a trailing `+` or `+2` touching the term before it: the downstream depth, or 0. */
  #down(): number {
    const plus = this.#peek();
    if (plus.kind !== '+' || plus.spaced) return 0;
    this.#index++;
    const depth = this.#peek();
    if (depth.kind !== 'number' || depth.spaced) return Infinity;
    this.#index++;
    return Number(depth.text);
  }

  #primary(): SelectionExpr {
    const token = this.#tokens[this.#index++]!;
    if (token.kind === 'word') return this.#atom(token);
    if (token.kind === '*') return { kind: 'all', position: token.start };
    if (token.kind !== '(') throw this.#unexpected(token);
    const expr = this.#or();
    const close = this.#peek();
    if (close.kind === 'end') throw this.#error(token.start, `unclosed '('`);
    if (close.kind !== ')') throw this.#unexpected(close);
    this.#index++;
    return expr;
  }

  #atom(token: Token): SelectionExpr {
    const position = token.start;
    const colon = token.text.indexOf(':');
    if (colon < 0) return { kind: 'key', key: token.text, position };
    const attribute = token.text.slice(0, colon).toLowerCase();
    const value = token.text.slice(colon + 1);
    if (!ATTRIBUTES.includes(attribute)) {
      const suggestion = closest(attribute, ATTRIBUTES);
      const hint =
        suggestion === undefined
          ? `use one of ${ATTRIBUTES.map((a) => `${a}:`).join(', ')}`
          : `did you mean '${suggestion}:'?`;
      throw this.#error(position, `unknown attribute '${attribute}:'`, hint);
    }
    if (value === '') throw this.#error(position + colon + 1, `expected a value after '${attribute}:'`);
    if (attribute === 'key') return { kind: 'key', key: value, position };
    if (attribute === 'group') return { kind: 'group', group: value, position };
    if (attribute === 'owner') return { kind: 'owner', owner: value, position };
    const equals = value.indexOf('=');
    if (equals < 0) return { kind: 'tag', tag: value, value: undefined, position };
    if (equals === 0 || equals === value.length - 1) {
      throw this.#error(position + colon + 1, `expected 'tag:name' or 'tag:name=value'`);
    }
    return { kind: 'tag', tag: value.slice(0, equals), value: value.slice(equals + 1), position };
  }

  #peek(): Token {
    return this.#tokens[this.#index]!;
  }

  #tokenize(): Token[] {
    const text = this.#text;
    const tokens: Token[] = [];
    let i = 0;
    let spaced = true;
    while (i < text.length) {
      const char = text[i]!;
      if (/\s/.test(char)) {
        i++;
        spaced = true;
        continue;
      }
      const start = i;
      if (PUNCTUATION.has(char)) i++;
      else while (i < text.length && !/\s/.test(text[i]!) && !PUNCTUATION.has(text[i]!)) i++;
      const word = text.slice(start, i);
      const kind: TokenKind = PUNCTUATION.has(word)
        ? (word as TokenKind)
        : KEYWORDS.has(word.toLowerCase())
          ? (word.toLowerCase() as TokenKind)
          : /^\d+$/.test(word)
            ? 'number'
            : 'word';
      tokens.push({ kind, text: word, start, spaced });
      spaced = false;
    }
    tokens.push({ kind: 'end', text: '', start: text.length, spaced: true });
    return tokens;
  }

  #unexpected(token: Token, hint?: string): SelectionError {
    const what = token.kind === 'end' ? 'end of selection' : `'${token.text}'`;
    return this.#error(token.start, `unexpected ${what}`, hint);
  }

  /** An error whose message shows the selection with a caret under `position`. */
  #error(position: number, problem: string, hint?: string): SelectionError {
    const shown = this.#text.replace(/\s/g, ' ');
    const caret = `${' '.repeat(position)}^`;
    const lines = [`${problem} at position ${position} in selection:`, `  ${shown}`, `  ${caret}`];
    if (hint) lines.push(hint);
    return new SelectionError(lines.join('\n'), position);
  }
}

function startsTerm(token: Token): boolean {
  return ['word', 'number', '+', '*', '(', 'not'].includes(token.kind);
}

function combine(kind: 'and' | 'or', operands: SelectionExpr[]): SelectionExpr {
  return operands.length === 1 ? operands[0]! : { kind, operands, position: operands[0]!.position };
}

class Resolver {
  readonly #graph: AssetGraph;
  readonly #all: ReadonlySet<string>;

  constructor(graph: AssetGraph) {
    this.#graph = graph;
    this.#all = new Set(graph.keys);
  }

  resolve(expr: SelectionExpr): Set<string> {
    switch (expr.kind) {
      case 'all':
        return new Set(this.#all);
      case 'key':
        if (!this.#graph.has(expr.key)) this.#unknown('asset', expr.key, expr.position, this.#graph.keys);
        return new Set([expr.key]);
      case 'group': {
        const keys = this.#graph.groups.get(expr.group);
        if (!keys) this.#unknown('group', expr.group, expr.position, this.#graph.groups.keys());
        return new Set(keys);
      }
      case 'tag':
        return this.#tagged(expr.tag, expr.value, expr.position);
      case 'owner':
        return this.#matching('owner', expr.owner, expr.position, (asset) => asset.owners);
      case 'traverse': {
        const start = this.resolve(expr.expr);
        const up = reach(start, expr.up, (key) => this.#graph.upstream(key));
        const down = reach(start, expr.down, (key) => this.#graph.downstream(key));
        return new Set([...start, ...up, ...down]);
      }
      case 'not': {
        const excluded = this.resolve(expr.expr);
        return new Set([...this.#all].filter((key) => !excluded.has(key)));
      }
      case 'and': {
        const [first, ...rest] = expr.operands.map((operand) => this.resolve(operand));
        return new Set([...(first ?? [])].filter((key) => rest.every((set) => set.has(key))));
      }
      case 'or':
        return new Set(expr.operands.flatMap((operand) => [...this.resolve(operand)]));
    }
  }

  #tagged(tag: string, value: string | undefined, position: number): Set<string> {
    if (value === undefined) return this.#matching('tag', tag, position, (asset) => Object.keys(asset.tags));
    const pair = `${tag}=${value}`;
    return this.#matching('tag', pair, position, (asset) => Object.entries(asset.tags).map(([k, v]) => `${k}=${v}`));
  }

  /** Keys of the assets whose `names(asset)` include `name`; throws when no asset has it. */
  #matching(
    what: string,
    name: string,
    position: number,
    names: (asset: AssetDefinition) => readonly string[],
  ): Set<string> {
    const known = new Set<string>();
    const keys = new Set<string>();
    for (const key of this.#graph.keys) {
      const own = names(this.#graph.get(key));
      for (const n of own) known.add(n);
      if (own.includes(name)) keys.add(key);
    }
    if (keys.size === 0) this.#unknown(what, name, position, known);
    return keys;
  }

  #unknown(what: string, name: string, position: number, candidates: Iterable<string>): never {
    const suggestion = didYouMean(name, candidates);
    throw new SelectionError(`no ${what} '${name}' (selection position ${position})${suggestion}`, position);
  }
}

/** Keys within `depth` hops of `start` along `next`, excluding `start` unless reached again. */
function reach(start: ReadonlySet<string>, depth: number, next: (key: string) => string[]): Set<string> {
  const seen = new Set<string>();
  let frontier = [...start];
  for (let hop = 0; hop < depth && frontier.length > 0; hop++) {
    frontier = [...new Set(frontier.flatMap(next))].filter((key) => !seen.has(key));
    for (const key of frontier) seen.add(key);
  }
  return seen;
}
