/**
 * A JSON reader for ksqlDB's test files: it accepts `//` and `/* *\/` comments and trailing
 * commas, keeps every number as its literal text (a `NumberText`), so that the comparison rules
 * can tell `1` from `1.0` from `1.00` as Java's Jackson does, and gives objects a null prototype.
 */

export class NumberText {
  constructor(readonly text: string) {}
  get isIntegral(): boolean {
    return !/[.eE]/.test(this.text);
  }
  toNumber(): number {
    return Number(this.text);
  }
  toString(): string {
    return this.text;
  }
}

export type JsonTree = null | boolean | string | NumberText | JsonTree[] | { [key: string]: JsonTree };

export function parseLenientJson(text: string): JsonTree {
  let position = 0;
  const length = text.length;

  const fail = (message: string): never => {
    const line = text.slice(0, position).split('\n').length;
    throw new SyntaxError(`${message} at line ${line}`);
  };

  const skipWhitespace = (): void => {
    for (;;) {
      const c = text[position];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\uFEFF') position++;
      else if (c === '/' && text[position + 1] === '/') {
        while (position < length && text[position] !== '\n') position++;
      } else if (c === '/' && text[position + 1] === '*') {
        const end = text.indexOf('*/', position + 2);
        if (end < 0) fail('unterminated comment');
        position = end + 2;
      } else return;
    }
  };

  const readString = (): string => {
    const quote = text[position++];
    let out = '';
    for (;;) {
      if (position >= length) fail('unterminated string');
      const c = text[position++]!;
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const escape = text[position++];
      switch (escape) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          const hex = text.slice(position, position + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail(`bad unicode escape \\u${hex}`);
          out += String.fromCharCode(parseInt(hex, 16));
          position += 4;
          break;
        }
        default: out += escape ?? '';
      }
    }
  };

  const readValue = (): JsonTree => {
    skipWhitespace();
    const c = text[position];
    if (c === '{') {
      position++;
      const object: { [key: string]: JsonTree } = Object.create(null);
      for (;;) {
        skipWhitespace();
        if (text[position] === '}') { position++; return object; }
        if (text[position] !== '"' && text[position] !== "'") fail('expected a property name');
        const key = readString();
        skipWhitespace();
        if (text[position++] !== ':') fail(`expected ':' after "${key}"`);
        object[key] = readValue();
        skipWhitespace();
        if (text[position] === ',') { position++; continue; }
        if (text[position] === '}') { position++; return object; }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      position++;
      const array: JsonTree[] = [];
      for (;;) {
        skipWhitespace();
        if (text[position] === ']') { position++; return array; }
        array.push(readValue());
        skipWhitespace();
        if (text[position] === ',') { position++; continue; }
        if (text[position] === ']') { position++; return array; }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"' || c === "'") return readString();
    const literal = /^(?:-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|true|false|null|NaN|-?Infinity)/.exec(text.slice(position, position + 400));
    if (!literal) return fail(`unexpected ${JSON.stringify(text.slice(position, position + 10))}`);
    position += literal[0].length;
    if (literal[0] === 'true') return true;
    if (literal[0] === 'false') return false;
    if (literal[0] === 'null') return null;
    return new NumberText(literal[0]);
  };

  const value = readValue();
  skipWhitespace();
  if (position < length) fail('unexpected text after the document');
  return value;
}

/** Plain JS value of a tree (numbers as JS numbers), for statements and properties. */
export function plainJson(tree: JsonTree): unknown {
  if (tree instanceof NumberText) return tree.toNumber();
  if (Array.isArray(tree)) return tree.map(plainJson);
  if (tree !== null && typeof tree === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(tree)) out[key] = plainJson(tree[key]!);
    return out;
  }
  return tree;
}

/** JSON text of a tree, numbers printed exactly as written. */
export function stringifyTree(tree: JsonTree): string {
  if (tree instanceof NumberText) return tree.text;
  if (Array.isArray(tree)) return `[${tree.map(stringifyTree).join(',')}]`;
  if (tree !== null && typeof tree === 'object') {
    return `{${Object.keys(tree).map((key) => `${JSON.stringify(key)}:${stringifyTree(tree[key]!)}`).join(',')}}`;
  }
  return JSON.stringify(tree);
}
