/**
 * JSON as ksqlDB's JSON functions see it through Jackson (its UdfJsonMapper): a tree with exact
 * numbers, objects that keep key order (the last duplicate key wins, in the first one's place),
 * and Jackson's printing.
 *
 * Parsing follows Jackson's defaults: strict JSON (no comments, single quotes, leading zeros,
 * NaN, trailing commas or raw control characters in strings); empty or blank input is the
 * "missing node" (`null` here); content after a complete root object, array or string is
 * ignored (Jackson does not read on), while a root number or literal must be followed by
 * whitespace or the end. Floats keep their exact decimal text (`1.23450`).
 *
 * Printing: `nodeToString` is `JsonNode.toString()` (BigDecimal in Java's toString form, `1E+5`);
 * `writeJson` is UdfJsonMapper.writeValueAsString (BigDecimal as plain text, `100000`). Both
 * escape like Jackson: `\"`, `\\`, `\b \t \n \f \r`, other control characters as `\u00XX`.
 */
import { Decimal } from '../deps.js';

export type JsonNode =
  | { readonly t: 'object'; readonly entries: Map<string, JsonNode> }
  | { readonly t: 'array'; readonly items: JsonNode[] }
  | { readonly t: 'string'; readonly value: string }
  | { readonly t: 'int'; readonly text: string }
  | { readonly t: 'float'; readonly value: Decimal; readonly text: string }
  | { readonly t: 'bool'; readonly value: boolean }
  | { readonly t: 'null' };

export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

const DEPTH_MAX = 1000;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function isJsonSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Character.isJavaIdentifierPart for the character after a root literal (ASCII approximation plus letters/digits). */
function isIdentifierPart(c: number): boolean {
  if (c < 0) return false;
  if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36) return true;
  if (c <= 8 || (c >= 0x0e && c <= 0x1b) || (c >= 0x7f && c <= 0x9f)) return true; // identifier-ignorable
  if (c < 128) return false;
  return /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}\p{Sc}]/u.test(String.fromCodePoint(c));
}

export class JsonReader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    throw new JsonSyntaxError(`${what} at position ${this.pos}`);
  }

  skipSpace(): void {
    const s = this.text;
    while (this.pos < s.length && isJsonSpace(s.charCodeAt(this.pos))) this.pos++;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  /** Parses one value at the current position (after whitespace). */
  value(depth: number, root: boolean): JsonNode {
    if (depth > DEPTH_MAX) this.fail('Document nesting depth exceeds the maximum');
    this.skipSpace();
    const c = this.peek();
    switch (c) {
      case 123 /* { */:
        return this.object(depth);
      case 91 /* [ */:
        return this.array(depth);
      case 34 /* " */:
        return { t: 'string', value: this.string() };
      case 116 /* t */:
        return this.literal('true', { t: 'bool', value: true }, root);
      case 102 /* f */:
        return this.literal('false', { t: 'bool', value: false }, root);
      case 110 /* n */:
        return this.literal('null', { t: 'null' }, root);
      case -1:
        return this.fail('Unexpected end-of-input');
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.number(root);
        return this.fail(`Unexpected character ('${String.fromCharCode(c)}' (code ${c}))`);
    }
  }

  private literal(word: string, node: JsonNode, root: boolean): JsonNode {
    if (!this.text.startsWith(word, this.pos)) this.fail(`Unrecognized token`);
    this.pos += word.length;
    if (root && isIdentifierPart(this.text.codePointAt(this.pos) ?? -1)) this.fail(`Unrecognized token '${word}...'`);
    if (!root) {
      const n = this.peek();
      if (isIdentifierPart(n)) this.fail(`Unrecognized token '${word}...'`);
    }
    return node;
  }

  private number(root: boolean): JsonNode {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) this.fail('Invalid numeric value');
    const text = m[0];
    this.pos += text.length;
    const next = this.peek();
    if (next >= 48 && next <= 57) this.fail('Invalid numeric value: Leading zeroes not allowed');
    if (next === 46 /* . */ || next === 101 || next === 69) this.fail('Invalid numeric value');
    if (root && next !== -1 && !isJsonSpace(next)) this.fail('Expected space separating root-level values');
    if (text.includes('.') || text.includes('e') || text.includes('E')) {
      return { t: 'float', value: Decimal.fromString(text), text };
    }
    return { t: 'int', text: BigInt(text).toString() };
  }

  string(): string {
    const s = this.text;
    this.pos++; // opening quote
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail('Unexpected end-of-input in a string');
      const c = s.charCodeAt(this.pos);
      if (c === 34) {
        out += s.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 32) this.fail('Illegal unquoted character in a string');
      if (c === 92) {
        out += s.slice(start, this.pos);
        this.pos++;
        const e = s[this.pos];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = s.slice(this.pos + 1, this.pos + 5);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Unexpected character in a unicode escape');
            out += String.fromCharCode(parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default:
            this.fail('Unrecognized character escape');
        }
        this.pos++;
        start = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private array(depth: number): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.peek() === 93) {
      this.pos++;
      return { t: 'array', items };
    }
    for (;;) {
      items.push(this.value(depth + 1, false));
      this.skipSpace();
      const c = this.peek();
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 93) {
        this.pos++;
        return { t: 'array', items };
      }
      this.fail('Unexpected character: was expecting comma to separate Array entries');
    }
  }

  private object(depth: number): JsonNode {
    this.pos++;
    const entries = new Map<string, JsonNode>();
    this.skipSpace();
    if (this.peek() === 125) {
      this.pos++;
      return { t: 'object', entries };
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== 34) this.fail('Unexpected character: was expecting double-quote to start field name');
      const key = this.string();
      this.skipSpace();
      if (this.peek() !== 58) this.fail('Unexpected character: was expecting a colon to separate field name and value');
      this.pos++;
      entries.set(key, this.value(depth + 1, false));
      this.skipSpace();
      const c = this.peek();
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 125) {
        this.pos++;
        return { t: 'object', entries };
      }
      this.fail('Unexpected character: was expecting comma to separate Object entries');
    }
  }
}

/**
 * Jackson's `readTree`: the root value, or null (the missing node) for empty or blank input.
 * Throws JsonSyntaxError for invalid JSON.
 */
export function parseJson(text: string): JsonNode | null {
  const reader = new JsonReader(text);
  reader.skipSpace();
  if (reader.atEnd()) return null;
  return reader.value(0, true);
}

/** Like parseJson, but invalid JSON is `undefined`. */
export function tryParseJson(text: string): JsonNode | null | undefined {
  try {
    return parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return undefined;
    throw e;
  }
}

const HEX = '0123456789ABCDEF';

/** A JSON string literal as Jackson writes it. */
export function quoteJson(value: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 32 && c !== 34 && c !== 92) continue;
    out += value.slice(start, i);
    start = i + 1;
    switch (c) {
      case 34:
        out += '\\"';
        break;
      case 92:
        out += '\\\\';
        break;
      case 8:
        out += '\\b';
        break;
      case 9:
        out += '\\t';
        break;
      case 10:
        out += '\\n';
        break;
      case 12:
        out += '\\f';
        break;
      case 13:
        out += '\\r';
        break;
      default:
        out += '\\u00' + HEX[c >> 4] + HEX[c & 15];
    }
  }
  return out + value.slice(start) + '"';
}

function write(node: JsonNode, plainDecimals: boolean): string {
  switch (node.t) {
    case 'object': {
      let out = '{';
      let first = true;
      for (const [k, v] of node.entries) {
        if (!first) out += ',';
        first = false;
        out += quoteJson(k) + ':' + write(v, plainDecimals);
      }
      return out + '}';
    }
    case 'array':
      return '[' + node.items.map((i) => write(i, plainDecimals)).join(',') + ']';
    case 'string':
      return quoteJson(node.value);
    case 'int':
      return node.text;
    case 'float':
      return plainDecimals ? node.value.toString() : node.value.toJavaString();
    case 'bool':
      return node.value ? 'true' : 'false';
    case 'null':
      return 'null';
  }
}

/** Jackson's `JsonNode.toString()`; the missing node prints as the empty string. */
export function nodeToString(node: JsonNode | null): string {
  return node === null ? '' : write(node, false);
}

/** UdfJsonMapper.writeValueAsJson(node): compact, decimals as plain text. */
export function writeJson(node: JsonNode): string {
  return write(node, true);
}
