import { describe, expect, it } from 'vitest';
import { InvalidDataError } from '../../framework/errors.js';
import { csvRecords, isBlankRecord } from './csv.js';

const records = (text: string) => [...csvRecords(text, 'f.csv')];

describe('csvRecords', () => {
  it('reads LF, CRLF and lone-CR line ends alike, with or without a final line end', () => {
    const expected = [
      { line: 1, fields: ['Id', 'Steps'] },
      { line: 2, fields: ['1', '10'] },
      { line: 3, fields: ['2', '20'] },
    ];
    expect(records('Id,Steps\n1,10\n2,20\n')).toEqual(expected);
    expect(records('Id,Steps\r\n1,10\r\n2,20\r\n')).toEqual(expected);
    expect(records('Id,Steps\r1,10\r2,20')).toEqual(expected);
    expect(records('Id,Steps\r\n1,10\n2,20')).toEqual(expected);
  });

  it('drops a UTF-8 byte-order mark, so the first header name is clean', () => {
    expect(records('\uFEFFId,Steps\r\n1,10\r\n')[0]).toEqual({ line: 1, fields: ['Id', 'Steps'] });
    expect(records('\uFEFF')).toEqual([]);
    expect(records('')).toEqual([]);
  });

  it('unquotes fields, with doubled quotes, commas and line breaks inside, counting lines from where a record starts', () => {
    const text = 'a,b\r\n"x, y","say ""hi"""\r\n"two\r\nlines",z\r\n"",last\r\n';
    expect(records(text)).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\r\nlines', 'z'] },
      { line: 5, fields: ['', 'last'] },
    ]);
  });

  it('yields blank lines and rows of empty cells, which isBlankRecord recognizes', () => {
    const all = records('a,b\r\n\r\n1,2\r\n,\r\n , \r\n');
    expect(all.map((r) => r.line)).toEqual([1, 2, 3, 4, 5]);
    expect(all.map(isBlankRecord)).toEqual([false, true, false, true, true]);
  });

  it('keeps empty fields, including a last empty field', () => {
    expect(records('a,,c,\n')).toEqual([{ line: 1, fields: ['a', '', 'c', ''] }]);
  });

  it('refuses an unterminated quote, naming the file and the line the field starts on', () => {
    expect(() => records('a,b\n1,"open\n2,3\n')).toThrow(InvalidDataError);
    expect(() => records('a,b\n1,"open\n2,3\n')).toThrow('f.csv:2: a quoted field is never closed');
  });

  it('refuses text after a closing quote, naming the line', () => {
    expect(() => records('a,b\n1,2\n"x"y,3\n')).toThrow('f.csv:3: unexpected "y" after the closing quote');
  });
});
