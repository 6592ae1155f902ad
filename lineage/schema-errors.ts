/** Turns ajv's errors into one readable finding: the JSON pointer of the offending value and what is wrong. */
import type { ErrorObject } from 'ajv/dist/2020.js';

export interface SchemaFinding {
  /** JSON pointer (RFC 6901) of the offending value; `/` for the whole document. */
  pointer: string;
  message: string;
}

function escapeToken(token: unknown): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The most telling error: the deepest one, leaving out the summaries of `anyOf` / `oneOf` / `if`
 * (which only say that a branch failed). A missing or unexpected property is pointed at itself.
 * With ajv's `allErrors`, an unknown property is preferred to a missing one at the same depth.
 */
export function firstFinding(errors: readonly ErrorObject[]): SchemaFinding {
  const detailed = errors.filter((e) => !['anyOf', 'oneOf', 'if', 'allOf'].includes(e.keyword));
  const pool = detailed.length > 0 ? detailed : errors;
  if (pool.length === 0) return { pointer: '/', message: 'is invalid' };
  // Deepest first; at equal depth an unknown property wins (a typo explains the missing one).
  const rank = (e: ErrorObject) => e.instancePath.split('/').length * 2 + (e.keyword === 'additionalProperties' ? 1 : 0);
  const error = pool.reduce((best, e) => (rank(e) > rank(best) ? e : best));
  const params = error.params as Record<string, unknown>;
  let pointer = error.instancePath;
  let message = error.message ?? 'is invalid';
  switch (error.keyword) {
    case 'required':
      pointer += `/${escapeToken(params.missingProperty)}`;
      message = 'is required';
      break;
    case 'additionalProperties':
      pointer += `/${escapeToken(params.additionalProperty)}`;
      message = 'is not allowed here';
      break;
    case 'enum':
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'const':
      message = `must be ${JSON.stringify(params.allowedValue)}`;
      break;
  }
  return { pointer: pointer === '' ? '/' : pointer, message };
}

/** The property names of a pointer, unescaped. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}
