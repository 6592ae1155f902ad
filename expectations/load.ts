/**
 * Reading suite files: legacy 0.x and GX 1.x, validated against `suite.schema.json`, then checked for what a
 * schema cannot say (unknown expectation types, unsupported kwargs). Any problem is an `InvalidDocumentError`
 * naming the file, the line and the JSON pointer.
 */
import { readFile } from 'node:fs/promises';
import { didYouMean } from '../framework/did-you-mean.js';
import { InvalidDocumentError } from '../framework/errors.js';
import { isKnownTypeName } from './column-types.js';
import { EXPECTATION_TYPES, isExpectationType, type ExpectationType } from './catalog.js';
import { JsonSyntaxError, jsonPointerLines, lineOf } from './json-lines.js';
import { invalidDocument, suiteSchemaIssues, type DocumentIssue } from './schemas.js';
import type { Expectation, Severity, Suite, SuiteFormat } from './types.js';

/** Reads and validates one suite file (legacy 0.x or GX 1.x JSON). */
export async function loadSuite(path: string): Promise<Suite> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InvalidDocumentError(`cannot read expectation suite ${path}: ${(cause as Error).message}`, { cause });
  }
  text = text.replace(/^\uFEFF/, '');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    const line = syntaxErrorLine(text);
    throw new InvalidDocumentError(
      `invalid expectation suite ${path}${line === undefined ? '' : `:${line}`}: not JSON: ${(cause as Error).message}`,
      { cause },
    );
  }
  return toSuite(doc, path, jsonPointerLines(text));
}

/** Validates an already-parsed suite document; `source` names it in errors (a file path or a label). */
export function parseSuite(doc: unknown, source: string): Suite {
  return toSuite(doc, source, undefined);
}

/** Spellings of earlier GX versions. */
const TYPE_ALIASES: Readonly<Record<string, ExpectationType>> = {
  expect_column_pair_values_A_to_be_greater_than_B: 'expect_column_pair_values_a_to_be_greater_than_b',
};

/** Kwargs whose two bounds may not both be null (GX refuses such expectations too). */
const NEEDS_A_BOUND: ReadonlySet<ExpectationType> = new Set([
  'expect_column_values_to_be_between',
  'expect_column_value_lengths_to_be_between',
]);

const SEVERITIES: Readonly<Record<string, Severity>> = {
  error: 'error',
  critical: 'error',
  warn: 'warn',
  warning: 'warn',
  info: 'warn',
};

interface RawExpectation {
  type?: string;
  expectation_type?: string;
  kwargs: Record<string, unknown>;
  meta?: Record<string, unknown> | null;
  severity?: string;
  id?: string | null;
}

function toSuite(doc: unknown, source: string, lines: ReadonlyMap<string, number> | undefined): Suite {
  const fail = (issues: DocumentIssue[]) => invalidDocument(`expectation suite ${source}`, source, issues, lines);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw fail([{ pointer: '', message: 'must be a JSON object (a GX suite)' }]);
  }
  const schemaIssues = suiteSchemaIssues(doc);
  if (schemaIssues.length > 0) throw fail(schemaIssues);

  const record = doc as Record<string, unknown>;
  const format: SuiteFormat = 'expectation_suite_name' in record ? 'gx0' : 'gx1';
  const name = String(format === 'gx0' ? record['expectation_suite_name'] : record['name']);
  const typeKey = format === 'gx0' ? 'expectation_type' : 'type';
  const issues: DocumentIssue[] = [];
  const expectations: Expectation[] = [];

  (record['expectations'] as RawExpectation[]).forEach((raw, index) => {
    const pointer = `/expectations/${index}`;
    const declaredType = String(raw[typeKey]);
    const type = TYPE_ALIASES[declaredType] ?? declaredType;
    if (!isExpectationType(type)) {
      issues.push({
        pointer: `${pointer}/${typeKey}`,
        message:
          `'${declaredType}' is not an expectation type Assay supports${didYouMean(declaredType, EXPECTATION_TYPES)} ` +
          `(supported: ${EXPECTATION_TYPES.join(', ')})`,
      });
      return;
    }
    issues.push(...kwargIssues(type, raw.kwargs, `${pointer}/kwargs`));
    const meta = raw.meta ?? {};
    const severityName = (meta['severity'] as string | undefined) ?? raw.severity ?? 'error';
    expectations.push(
      Object.freeze({
        type,
        declaredType,
        kwargs: Object.freeze({ ...raw.kwargs }),
        meta: Object.freeze({ ...meta }),
        severity: SEVERITIES[severityName] ?? 'error',
        id: raw.id ?? undefined,
        location: Object.freeze({ source, pointer, line: lines === undefined ? undefined : lineOf(lines, pointer) }),
      }),
    );
  });
  if (issues.length > 0) throw fail(issues);

  return Object.freeze({
    name,
    format,
    source,
    meta: Object.freeze({ ...((record['meta'] as Record<string, unknown> | null | undefined) ?? {}) }),
    expectations: Object.freeze(expectations),
  });
}

/** What the schema cannot express: a filter Assay does not apply, a range with no bound. */
function kwargIssues(type: ExpectationType, kwargs: Record<string, unknown>, pointer: string): DocumentIssue[] {
  const issues: DocumentIssue[] = [];
  const condition = kwargs['row_condition'];
  if (typeof condition === 'string' && condition.trim() !== '') {
    issues.push({
      pointer: `${pointer}/row_condition`,
      message: 'is not supported by Assay (it would validate a subset of rows): remove it or split the asset',
    });
  }
  const typeName = kwargs['type_'];
  if (type === 'expect_column_values_to_be_of_type' && !isKnownTypeName(String(typeName))) {
    issues.push({
      pointer: `${pointer}/type_`,
      message:
        `'${String(typeName)}' is not a type name Assay knows: use a DuckDB type (INTEGER, DOUBLE, VARCHAR, ` +
        'TIMESTAMP, …), a numpy/pandas dtype (int64, float64, object, datetime64[ns]) or a Python type (int, float, str)',
    });
  }
  if (NEEDS_A_BOUND.has(type) && (kwargs['min_value'] ?? null) === null && (kwargs['max_value'] ?? null) === null) {
    issues.push({ pointer, message: 'must set min_value or max_value (both are null or missing)' });
  }
  return issues;
}

/** Line where `text`, which `JSON.parse` refused, stops being JSON. */
function syntaxErrorLine(text: string): number | undefined {
  try {
    jsonPointerLines(text);
    return undefined;
  } catch (error) {
    return error instanceof JsonSyntaxError ? error.line : undefined;
  }
}
