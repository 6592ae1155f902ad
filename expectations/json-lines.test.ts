import { describe, expect, it } from 'vitest';
import { JsonSyntaxError, jsonPointerLines, lineOf } from './json-lines.js';

describe('jsonPointerLines', () => {
  const text = ['{', '  "a": [', '    1,', '    {"b/c": "x\\"y", "d": null}', '  ],', '  "e": {}', '}'].join('\n');

  it('gives the line of every member key and array item', () => {
    const lines = jsonPointerLines(text);
    expect(lines.get('')).toBe(1);
    expect(lines.get('/a')).toBe(2);
    expect(lines.get('/a/0')).toBe(3);
    expect(lines.get('/a/1')).toBe(4);
    expect(lines.get('/a/1/b~1c')).toBe(4);
    expect(lines.get('/a/1/d')).toBe(4);
    expect(lines.get('/e')).toBe(6);
  });

  it('falls back to the closest ancestor for a pointer that does not exist', () => {
    expect(lineOf(jsonPointerLines(text), '/a/1/missing')).toBe(4);
  });
});

describe('jsonPointerLines on text that is not JSON', () => {
  const lineOfError = (text: string) => {
    try {
      jsonPointerLines(text);
    } catch (error) {
      return error instanceof JsonSyntaxError ? error.line : undefined;
    }
    return undefined;
  };

  it('throws the line of a trailing comma, a missing comma, a bad literal or trailing text', () => {
    expect(lineOfError('{\n  "a": [1,\n  ]\n}')).toBe(3);
    expect(lineOfError('{\n  "a": 1\n  "b": 2\n}')).toBe(3);
    expect(lineOfError('{\n  "a": tru\n}')).toBe(2);
    expect(lineOfError('{}\n\nx')).toBe(3);
    expect(lineOfError('{"a": "unterminated\n}')).toBe(1);
  });
});
