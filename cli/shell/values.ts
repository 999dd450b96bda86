/**
 * Row values as the server sent them. `JSON.parse` would turn a DOUBLE `3.0` into `3` and round a
 * BIGINT past 2^53, so rows are parsed here keeping each number's text; cells then print that
 * text, and structures print the way ksqlDB's CLI prints Java collections (`[a, b]`, `{K=V}`).
 */

/** A JSON number, kept as the server wrote it. */
export class JsonNumber {
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
}

export type RowValue = null | boolean | string | JsonNumber | RowValue[] | { [key: string]: RowValue };

/** Nesting deeper than this is refused (a bound on the parser's recursion). */
export const ROW_DEPTH_MAX = 256;

class JsonSyntaxError extends Error {}

/** Parses JSON text, keeping numbers as `JsonNumber`. Throws on malformed input. */
export function parseRowJson(text: string): RowValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`Malformed JSON from the server at offset ${i}: expected ${what}, found ${JSON.stringify(text.slice(i, i + 20))}`);
  };
  const skipSpace = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '"') {
        i++;
        return JSON.parse(text.slice(start, i)) as string;
      } else i++;
    }
    return fail('the end of a string');
  };
  const value = (depth: number): RowValue => {
    if (depth > ROW_DEPTH_MAX) fail(`nesting of at most ${ROW_DEPTH_MAX}`);
    skipSpace();
    const c = text[i];
    if (c === '"') return parseString();
    if (c === '[') {
      i++;
      const items: RowValue[] = [];
      skipSpace();
      if (text[i] === ']') {
        i++;
        return items;
      }
      for (;;) {
        items.push(value(depth + 1));
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return items;
        } else fail("',' or ']'");
      }
    }
    if (c === '{') {
      i++;
      const object: { [key: string]: RowValue } = {};
      skipSpace();
      if (text[i] === '}') {
        i++;
        return object;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail('a property name');
        const key = parseString();
        skipSpace();
        if (text[i] !== ':') fail("':'");
        i++;
        Object.defineProperty(object, key, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return object;
        } else fail("',' or '}'");
      }
    }
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 1100));
    if (number !== null) {
      i += number[0].length;
      return new JsonNumber(number[0]);
    }
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    return fail('a JSON value');
  };
  const result = value(0);
  skipSpace();
  if (i !== text.length) fail('the end of the document');
  return result;
}

/** A cell's text: strings raw, numbers as sent, arrays `[a, b]`, objects `{K=V}`, null `null`. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof JsonNumber) return value.text;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${formatValue(v)}`).join(', ')}}`;
  }
  return String(value);
}

/** JSON text of a value, numbers as sent. */
export function stringifyRowValue(value: RowValue): string {
  if (value instanceof JsonNumber) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stringifyRowValue).join(',')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${stringifyRowValue(v)}`).join(',')}}`;
}
