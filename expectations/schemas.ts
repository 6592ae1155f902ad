/**
 * The JSON Schemas of suite files (`suite.schema.json`) and of results documents (`results.schema.json`),
 * compiled once, and ajv errors turned into lines that say where (file, line, JSON pointer) and what is wrong.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { didYouMean } from '../framework/did-you-mean.js';
import { InvalidDocumentError } from '../framework/errors.js';
import { escapePointerToken, lineOf } from './json-lines.js';
import type { ValidationResult } from './types.js';

const readSchema = (file: string): AnySchemaObject =>
  JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')) as AnySchemaObject;

const ajv = new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true });
addFormats.default(ajv);

export const SUITE_SCHEMA = readSchema('./suite.schema.json');
export const RESULTS_SCHEMA = readSchema('./results.schema.json');

const validateSuiteSchema: ValidateFunction = ajv.compile(SUITE_SCHEMA);
const validateResultsSchema: ValidateFunction = ajv.compile(RESULTS_SCHEMA);

/** One problem in a document: where it is and what is wrong. */
export interface DocumentIssue {
  pointer: string;
  message: string;
}

/** The issues of a suite document against `suite.schema.json` (empty when it is valid). */
export function suiteSchemaIssues(doc: unknown): DocumentIssue[] {
  return validateSuiteSchema(doc) ? [] : describeErrors(validateSuiteSchema.errors ?? []);
}

/** Throws `InvalidDocumentError` unless `result` matches `results.schema.json`. */
export function assertValidResults(result: ValidationResult): void {
  if (!validateResultsSchema(result)) {
    throw invalidDocument('results document', 'results', describeErrors(validateResultsSchema.errors ?? []));
  }
}

const MAX_LISTED = 10;

/** `InvalidDocumentError` "invalid <what>" listing issues as `source:line: /pointer message` (line if known). */
export function invalidDocument(
  what: string,
  source: string,
  issues: readonly DocumentIssue[],
  lines?: ReadonlyMap<string, number>,
): InvalidDocumentError {
  const listed = issues.slice(0, MAX_LISTED).map(({ pointer, message }) => {
    const line = lines === undefined ? undefined : lineOf(lines, pointer);
    return `  ${source}${line === undefined ? '' : `:${line}`}: ${pointer || '/'} ${message}`;
  });
  if (issues.length > MAX_LISTED) listed.push(`  … and ${issues.length - MAX_LISTED} more`);
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return new InvalidDocumentError(`invalid ${what} (${count}):\n${listed.join('\n')}`);
}

function describeErrors(errors: readonly ErrorObject[]): DocumentIssue[] {
  const issues: DocumentIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    // `if`/`anyOf` summaries repeat what the errors before them already say.
    if (error.keyword === 'if' || error.keyword === 'anyOf') continue;
    const issue = describeError(error);
    const key = `${issue.pointer} ${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function describeError(error: ErrorObject): DocumentIssue {
  const pointer = error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (isSuiteParameter(error.data)) {
    return { pointer, message: 'is a suite parameter ($PARAMETER), which Assay does not support: write the value' };
  }
  switch (error.keyword) {
    case 'unevaluatedProperties':
    case 'additionalProperties': {
      const name = String(params['unevaluatedProperty'] ?? params['additionalProperty']);
      const known = Object.keys((error.parentSchema?.['properties'] as object | undefined) ?? {});
      const what = pointer.endsWith('/kwargs') ? 'kwarg' : 'property';
      return {
        pointer: `${pointer}/${escapePointerToken(name)}`,
        message: `is not a known ${what} of this expectation type${didYouMean(name, known)}`,
      };
    }
    case 'required':
      return { pointer, message: `must have the property '${String(params['missingProperty'])}'` };
    case 'enum':
      return {
        pointer,
        message: `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(error.data)})`,
      };
    case 'type':
      return { pointer, message: `${error.message ?? 'has the wrong type'} (got ${JSON.stringify(error.data)})` };
    default:
      return { pointer, message: error.message ?? `fails ${error.keyword}` };
  }
}

function isSuiteParameter(data: unknown): boolean {
  return typeof data === 'object' && data !== null && Object.hasOwn(data, '$PARAMETER');
}
