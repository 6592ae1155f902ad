/**
 * Line numbers of JSON pointers in a JSON text, for error messages ("suite.json:14: /expectations/2/kwargs …"),
 * in one pass; an object member's line is the line of its key. Text that is not JSON throws `JsonSyntaxError`
 * with the line where it stops being JSON (Node's own message does not always say).
 */
export class JsonSyntaxError extends Error {
  constructor(readonly line: number) {
    super(`not JSON at line ${line}`);
  }
}

const LITERAL = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)$/;

export function jsonPointerLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let at = 0;
  let line = 1;

  const skipSpace = (): void => {
    for (;;) {
      const ch = text[at];
      if (ch === '\n') line++;
      else if (ch !== ' ' && ch !== '\t' && ch !== '\r') return;
      at++;
    }
  };
  const expect = (chars: string): string => {
    const ch = text[at];
    if (ch === undefined || !chars.includes(ch)) throw new JsonSyntaxError(line);
    at++;
    return ch;
  };
  const readString = (): string => {
    const start = at;
    expect('"');
    while (at < text.length && text[at] !== '"' && text[at] !== '\n') at += text[at] === '\\' ? 2 : 1;
    expect('"');
    try {
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      throw new JsonSyntaxError(line);
    }
  };
  const value = (pointer: string, memberLine: number): void => {
    skipSpace();
    lines.set(pointer, memberLine === 0 ? line : memberLine);
    const ch = text[at];
    if (ch === '{') {
      at++;
      skipSpace();
      if (text[at] === '}') {
        at++;
        return;
      }
      for (;;) {
        skipSpace();
        const keyLine = line;
        const key = readString();
        skipSpace();
        expect(':');
        value(`${pointer}/${escapePointerToken(key)}`, keyLine);
        skipSpace();
        if (expect(',}') === '}') return;
      }
    } else if (ch === '[') {
      at++;
      skipSpace();
      if (text[at] === ']') {
        at++;
        return;
      }
      for (let index = 0; ; index++) {
        value(`${pointer}/${index}`, 0);
        skipSpace();
        if (expect(',]') === ']') return;
      }
    } else if (ch === '"') {
      readString();
    } else {
      const start = at;
      while (at < text.length && !',]}: \t\r\n'.includes(text[at] ?? '')) at++;
      if (!LITERAL.test(text.slice(start, at))) throw new JsonSyntaxError(line);
    }
  };

  value('', 0);
  skipSpace();
  if (at < text.length) throw new JsonSyntaxError(line);
  return lines;
}

/** The line of `pointer`, or of its closest ancestor that has one. */
export function lineOf(lines: ReadonlyMap<string, number>, pointer: string): number | undefined {
  for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
    const line = lines.get(p);
    if (line !== undefined || p === '') return line;
  }
}

export function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}
