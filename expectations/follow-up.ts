/**
 * The follow-up query: one UNION ALL of the branches the checks asked for (unexpected values, exact duplicate
 * counts), run only when at least one check needs it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseJsonValue, toNumber, type FollowUp, type FollowUpRows } from './checks/check.js';
import { Params } from './params.js';
import { runQuery } from './query.js';

/** Runs the follow-ups (keyed by check number) and returns each one's rows. */
export async function runFollowUps(
  connection: DuckDBConnection,
  followUps: ReadonlyMap<number, FollowUp>,
): Promise<Map<number, FollowUpRows>> {
  const params = new Params();
  const ctes: string[] = [];
  const selects: string[] = [];
  for (const [k, followUp] of followUps) {
    ctes.push(...followUp.ctes(params, k));
    selects.push(...followUp.selects(params, k));
  }
  const rowsByCheck = new Map<number, FollowUpRows>([...followUps.keys()].map((k) => [k, { count: undefined, samples: [] }]));
  if (selects.length === 0) return rowsByCheck;
  const sql = `${ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n` : ''}${selects.join('\nUNION ALL\n')}`;
  for (const row of await runQuery(connection, sql, params, 'expectation follow-up query')) {
    const rows = rowsByCheck.get(toNumber(row['k']));
    if (rows === undefined) continue;
    const v = row['v'];
    if (v === null) rows.count = toNumber(row['n']);
    else rows.samples.push({ value: parseJsonValue(String(v)), rows: toNumber(row['n']) });
  }
  return rowsByCheck;
}
