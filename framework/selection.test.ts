import { describe, expect, it } from 'vitest';
import { type AssetDefinition, type AssetSpec, defineAsset, sql } from './asset.js';
import { SelectionError } from './errors.js';
import { AssetGraph } from './graph.js';
import { parseSelection, resolveSelection } from './selection.js';

function asset(key: string, deps: AssetDefinition[], spec: Partial<AssetSpec> = {}): AssetDefinition {
  return defineAsset({ key, deps, compute: sql`select 1`, ...spec });
}

// raw/orders ──> stg_orders ──┬─> dim_order_date ─┐
//                             └───────────────────┼─> fct_sales ──> report_daily
// raw/customers ──> stg_customers ──> dim_customer ┘                 audit_log
const rawOrders = asset('raw/orders', [], {
  group: 'ingest',
  tags: { tier: 'bronze', source: 'api' },
  owners: ['team:data'],
});
const rawCustomers = asset('raw/customers', [], { group: 'ingest', tags: { tier: 'bronze', source: 'csv' } });
const stgOrders = asset('stg_orders', [rawOrders], { group: 'staging', tags: { tier: 'silver' } });
const stgCustomers = asset('stg_customers', [rawCustomers], { group: 'staging', tags: { tier: 'silver' } });
const dimCustomer = asset('dim_customer', [stgCustomers], {
  group: 'marts',
  tags: { tier: 'gold' },
  owners: ['ada@example.com'],
});
const dimOrderDate = asset('dim_order_date', [stgOrders], { group: 'marts', tags: { tier: 'gold' } });
const fctSales = asset('fct_sales', [stgOrders, dimCustomer, dimOrderDate], {
  group: 'marts',
  tags: { tier: 'gold', pii: 'yes' },
});
const reportDaily = asset('report_daily', [fctSales], { group: 'reports' });
const auditLog = asset('audit_log', []);

const graph = AssetGraph.build([
  reportDaily, fctSales, dimOrderDate, dimCustomer, stgCustomers, stgOrders, rawCustomers, rawOrders, auditLog,
]);
const select = (text: string) => resolveSelection(graph, text);

function selectionError(text: string): SelectionError {
  try {
    select(text);
  } catch (err) {
    expect(err).toBeInstanceOf(SelectionError);
    return err as SelectionError;
  }
  throw new Error(`expected '${text}' to throw`);
}

describe('parseSelection', () => {
  it('parses without a graph, keeping positions', () => {
    expect(parseSelection('2+a/b+1')).toEqual({
      kind: 'traverse',
      expr: { kind: 'key', key: 'a/b', position: 2 },
      up: 2,
      down: 1,
      position: 0,
    });
  });

  it('gives not precedence over and, and and over or', () => {
    expect(parseSelection('not a and b or c')).toEqual({
      kind: 'or',
      position: 0,
      operands: [
        {
          kind: 'and',
          position: 0,
          operands: [
            { kind: 'not', expr: { kind: 'key', key: 'a', position: 4 }, position: 0 },
            { kind: 'key', key: 'b', position: 10 },
          ],
        },
        { kind: 'key', key: 'c', position: 15 },
      ],
    });
  });

  it('parses attributes, with tag values optional', () => {
    expect(parseSelection('group:g')).toEqual({ kind: 'group', group: 'g', position: 0 });
    expect(parseSelection('tag:k=v')).toEqual({ kind: 'tag', tag: 'k', value: 'v', position: 0 });
    expect(parseSelection('tag:k')).toEqual({ kind: 'tag', tag: 'k', value: undefined, position: 0 });
    expect(parseSelection('owner:team:x')).toEqual({ kind: 'owner', owner: 'team:x', position: 0 });
    expect(parseSelection('key:a/b')).toEqual({ kind: 'key', key: 'a/b', position: 0 });
  });

  it('reads commas and whitespace between terms as or', () => {
    const expected = parseSelection('a or b or c');
    const strip = (expr: unknown) => JSON.stringify(expr, (k, v) => (k === 'position' ? undefined : v));
    expect(strip(parseSelection('a, b,c'))).toBe(strip(expected));
    expect(strip(parseSelection('a b\tc'))).toBe(strip(expected));
  });
});

describe('resolveSelection', () => {
  it('selects everything with * in topological order', () => {
    expect(select('*')).toEqual([
      'audit_log', 'raw/customers', 'raw/orders',
      'stg_customers', 'stg_orders',
      'dim_customer', 'dim_order_date',
      'fct_sales',
      'report_daily',
    ]);
  });

  it('selects a key, including keys with slashes', () => {
    expect(select('raw/orders')).toEqual(['raw/orders']);
  });

  it('selects a key with everything upstream of it', () => {
    expect(select('+dim_customer')).toEqual(['raw/customers', 'stg_customers', 'dim_customer']);
  });

  it('selects a key with everything downstream of it', () => {
    expect(select('stg_orders+')).toEqual(['stg_orders', 'dim_order_date', 'fct_sales', 'report_daily']);
  });

  it('limits upstream and downstream to a depth', () => {
    expect(select('1+fct_sales')).toEqual(['stg_orders', 'dim_customer', 'dim_order_date', 'fct_sales']);
    expect(select('2+fct_sales')).toEqual([
      'raw/orders', 'stg_customers', 'stg_orders', 'dim_customer', 'dim_order_date', 'fct_sales',
    ]);
    expect(select('raw/orders+2')).toEqual(['raw/orders', 'stg_orders', 'dim_order_date', 'fct_sales']);
  });

  it('combines upstream and downstream on one term', () => {
    expect(select('+dim_customer+')).toEqual([
      'raw/customers', 'stg_customers', 'dim_customer', 'fct_sales', 'report_daily',
    ]);
    expect(select('1+dim_customer+1')).toEqual(['stg_customers', 'dim_customer', 'fct_sales']);
  });

  it('selects by group, tag with or without value, and owner', () => {
    expect(select('group:marts')).toEqual(['dim_customer', 'dim_order_date', 'fct_sales']);
    expect(select('tag:tier=silver')).toEqual(['stg_customers', 'stg_orders']);
    expect(select('tag:source')).toEqual(['raw/customers', 'raw/orders']);
    expect(select('owner:team:data')).toEqual(['raw/orders']);
    expect(select('owner:ada@example.com')).toEqual(['dim_customer']);
  });

  it('applies upstream and downstream to groups, tags and parentheses', () => {
    expect(select('group:ingest+1')).toEqual(['raw/customers', 'raw/orders', 'stg_customers', 'stg_orders']);
    expect(select('1+tag:pii')).toEqual(['stg_orders', 'dim_customer', 'dim_order_date', 'fct_sales']);
    expect(select('(dim_customer or dim_order_date)+1')).toEqual(['dim_customer', 'dim_order_date', 'fct_sales']);
  });

  it('gives not precedence over and, and and over or', () => {
    expect(select('group:marts and not tag:pii or audit_log')).toEqual(['audit_log', 'dim_customer', 'dim_order_date']);
    expect(select('not group:marts and tag:tier=gold')).toEqual([]);
    expect(select('audit_log or group:staging and tag:source')).toEqual(['audit_log']);
  });

  it('groups with parentheses', () => {
    expect(select('group:marts and not (tag:pii or dim_customer)')).toEqual(['dim_order_date']);
    expect(select('(audit_log or group:staging) and tag:tier')).toEqual(['stg_customers', 'stg_orders']);
  });

  it('reads and, or and not in any case', () => {
    expect(select('group:marts AND NOT tag:pii Or audit_log')).toEqual(['audit_log', 'dim_customer', 'dim_order_date']);
  });

  it('reads comma- and whitespace-separated lists as or', () => {
    expect(select('report_daily, raw/orders')).toEqual(['raw/orders', 'report_daily']);
    expect(select('report_daily raw/orders,audit_log')).toEqual(['audit_log', 'raw/orders', 'report_daily']);
    expect(select('raw/orders +stg_customers')).toEqual(['raw/customers', 'raw/orders', 'stg_customers']);
  });

  it('returns nothing, without error, for a selection that matches nothing', () => {
    expect(select('group:ingest and group:marts')).toEqual([]);
  });

  it('resolves an already parsed selection', () => {
    expect(resolveSelection(graph, parseSelection('audit_log'))).toEqual(['audit_log']);
  });
});

describe('selection syntax errors', () => {
  it('points a caret at an unexpected token', () => {
    const err = selectionError('a and )');
    expect(err.message).toBe("unexpected ')' at position 6 in selection:\n  a and )\n        ^");
    expect(err.position).toBe(6);
  });

  it('points at an unclosed parenthesis', () => {
    expect(selectionError('(a or b').message).toBe("unclosed '(' at position 0 in selection:\n  (a or b\n  ^");
  });

  it('points at an unmatched closing parenthesis', () => {
    expect(selectionError('a or b)').message).toBe("unmatched ')' at position 6 in selection:\n  a or b)\n        ^");
  });

  it('points past the end after a trailing operator', () => {
    expect(selectionError('a and').message).toBe(
      'unexpected end of selection at position 5 in selection:\n  a and\n       ^',
    );
    expect(selectionError('a or not').position).toBe(8);
    expect(selectionError('a,').position).toBe(2);
  });

  it('rejects a + that does not touch what it applies to', () => {
    expect(selectionError('a + b').message).toBe(
      "unexpected '+' at position 2 in selection:\n  a + b\n    ^\n'+' goes right before what it applies to, e.g. +key",
    );
  });

  it('rejects terms run together without a separator', () => {
    expect(selectionError('a+1+b').position).toBe(3);
    expect(selectionError('(a)(b)').position).toBe(3);
  });

  it('rejects a depth without a +', () => {
    expect(selectionError('2 a').message).toBe(
      "unexpected '2' at position 0 in selection:\n  2 a\n  ^\na depth goes right before '+', e.g. 2+key",
    );
  });

  it('rejects an empty selection', () => {
    expect(selectionError('  ').message).toBe('empty selection at position 0 in selection:\n    \n  ^');
  });

  it('suggests an attribute for an unknown one', () => {
    expect(selectionError('a or grup:marts').message).toBe(
      "unknown attribute 'grup:' at position 5 in selection:\n  a or grup:marts\n       ^\ndid you mean 'group:'?",
    );
  });

  it('rejects an attribute without a value', () => {
    expect(selectionError('group:').position).toBe(6);
    expect(selectionError('tag:k=').position).toBe(4);
  });
});

describe('selection name errors', () => {
  it('names an unknown key with its position and a suggestion', () => {
    const err = selectionError('dim_order_dat');
    expect(err.message).toBe("no asset 'dim_order_dat' (selection position 0); did you mean 'dim_order_date'?");
    expect(err.position).toBe(0);
  });

  it('names an unknown key even where it could not change the result', () => {
    expect(selectionError('audit_log or not (raw/orders and nope)').message).toBe(
      "no asset 'nope' (selection position 33)",
    );
  });

  it('names an unknown group with a suggestion among groups', () => {
    expect(selectionError('group:mart+').message).toBe(
      "no group 'mart' (selection position 0); did you mean 'marts'?",
    );
  });

  it('names an unknown tag or tag value with a suggestion', () => {
    expect(selectionError('tag:teir').message).toBe("no tag 'teir' (selection position 0); did you mean 'tier'?");
    expect(selectionError('raw/orders or tag:tier=gld').message).toBe(
      "no tag 'tier=gld' (selection position 14); did you mean 'tier=gold'?",
    );
  });

  it('names an unknown owner with a suggestion', () => {
    expect(selectionError('owner:team:dta').message).toBe(
      "no owner 'team:dta' (selection position 0); did you mean 'team:data'?",
    );
  });
});
