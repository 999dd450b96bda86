/**
 * A lossless JSON parser: like JSON.parse, but numbers that a double cannot hold exactly
 * (fractions, exponents, integers of 16+ digits) come back as `JsonNumber` carrying their text, the
 * way ksqlDB's Jackson reader keeps them as BigDecimal/BigInteger nodes. Used for schemas with
 * DECIMAL columns, where `10.10` and `12345678987654321.2345678987654321` must stay exact; other
 * schemas use the native JSON.parse.
 */

import { Decimal } from '../types/index.js';

/** A JSON number kept as written. `value` is its nearest double. */
export class JsonNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  get value(): number {
    return Number(this.text);
  }
  /** True for a float literal (has `.`, `e` or `E`): Jackson's DecimalNode, else an integer node. */
  get isFloat(): boolean {
    const t = this.text;
    return t.includes('.') || t.includes('e') || t.includes('E');
  }
  toDecimal(): Decimal {
    return Decimal.fromString(this.text);
  }
  /** Jackson's `asText()`: BigDecimal.toString() for float literals, the integer text otherwise. */
  javaText(): string {
    if (this.isFloat) return this.toDecimal().toJavaString();
    return BigInt(this.text).toString();
  }
}

export class JsonSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** Parses JSON text; numbers as described above. Throws JsonSyntaxError. */
export function parseJsonLossless(text: string): unknown {
  const p = new Parser(text);
  p.skipWs();
  const v = p.value(0);
  p.skipWs();
  if (p.pos < text.length) p.fail('Unexpected content after the end of the JSON value');
  return v;
}

const MAX_DEPTH = 1000;

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  fail(message: string): never {
    throw new JsonSyntaxError(`${message} at position ${this.pos}`);
  }

  skipWs(): void {
    const s = this.s;
    let i = this.pos;
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.pos = i;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail('JSON nested too deeply');
    const s = this.s;
    const c = s.charCodeAt(this.pos);
    switch (c) {
      case 123: // {
        return this.object(depth);
      case 91: // [
        return this.array(depth);
      case 34: // "
        return this.string();
      case 116: // t
        return this.literal('true', true);
      case 102: // f
        return this.literal('false', false);
      case 110: // n
        return this.literal('null', null);
      default:
        if (c === 45 || (c >= 48 && c <= 57)) return this.number();
        if (this.pos >= s.length) this.fail('Unexpected end of JSON input');
        return this.fail(`Unexpected token '${s[this.pos]}'`);
    }
  }

  literal<T>(word: string, v: T): T {
    if (this.s.startsWith(word, this.pos)) {
      this.pos += word.length;
      return v;
    }
    return this.fail(`Unrecognized token '${this.s.slice(this.pos, this.pos + word.length)}'`);
  }

  number(): number | JsonNumber {
    const s = this.s;
    const start = this.pos;
    let i = start;
    if (s.charCodeAt(i) === 45) i++;
    const intStart = i;
    if (s.charCodeAt(i) === 48) i++;
    else {
      if (!(s.charCodeAt(i) >= 49 && s.charCodeAt(i) <= 57)) {
        this.pos = i;
        this.fail('Invalid number');
      }
      while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    }
    const intDigits = i - intStart;
    let float = false;
    if (s.charCodeAt(i) === 46) {
      float = true;
      i++;
      const f = i;
      while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
      if (i === f) {
        this.pos = i;
        this.fail('Invalid number: expected a digit after the decimal point');
      }
    }
    const e = s.charCodeAt(i);
    if (e === 101 || e === 69) {
      float = true;
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 43 || sign === 45) i++;
      const d = i;
      while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
      if (i === d) {
        this.pos = i;
        this.fail('Invalid number: expected a digit in the exponent');
      }
    }
    this.pos = i;
    const text = s.slice(start, i);
    if (!float && intDigits <= 15) return Number(text);
    return new JsonNumber(text);
  }

  string(): string {
    const s = this.s;
    let i = this.pos + 1;
    const start = i;
    // fast path: no escapes
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return s.slice(start, i);
      }
      if (c === 92) break;
      if (c < 32) {
        this.pos = i;
        if (i >= s.length) this.fail('Unterminated string');
        this.fail('Illegal unquoted character in string');
      }
      i++;
    }
    let out = s.slice(start, i);
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 34) {
        this.pos = i + 1;
        return out;
      }
      if (c === 92) {
        const n = s.charCodeAt(i + 1);
        switch (n) {
          case 34:
            out += '"';
            break;
          case 92:
            out += '\\';
            break;
          case 47:
            out += '/';
            break;
          case 98:
            out += '\b';
            break;
          case 102:
            out += '\f';
            break;
          case 110:
            out += '\n';
            break;
          case 114:
            out += '\r';
            break;
          case 116:
            out += '\t';
            break;
          case 117: {
            const hex = s.slice(i + 2, i + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.pos = i;
              this.fail('Invalid \\u escape');
            }
            out += String.fromCharCode(parseInt(hex, 16));
            i += 4;
            break;
          }
          default:
            this.pos = i;
            this.fail('Invalid escape');
        }
        i += 2;
        continue;
      }
      if (c < 32 || i >= s.length) {
        this.pos = i;
        if (i >= s.length) this.fail('Unterminated string');
        this.fail('Illegal unquoted character in string');
      }
      out += s[i];
      i++;
    }
  }

  array(depth: number): unknown[] {
    this.pos++;
    const out: unknown[] = [];
    this.skipWs();
    if (this.s.charCodeAt(this.pos) === 93) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      out.push(this.value(depth + 1));
      this.skipWs();
      const c = this.s.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 93) {
        this.pos++;
        return out;
      }
      this.fail("Expected ',' or ']' in array");
    }
  }

  object(depth: number): Record<string, unknown> {
    this.pos++;
    const out: Record<string, unknown> = {};
    this.skipWs();
    if (this.s.charCodeAt(this.pos) === 125) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipWs();
      if (this.s.charCodeAt(this.pos) !== 34) this.fail('Expected a field name');
      const key = this.string();
      this.skipWs();
      if (this.s.charCodeAt(this.pos) !== 58) this.fail("Expected ':' after a field name");
      this.pos++;
      this.skipWs();
      const v = this.value(depth + 1);
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.skipWs();
      const c = this.s.charCodeAt(this.pos);
      if (c === 44) {
        this.pos++;
        continue;
      }
      if (c === 125) {
        this.pos++;
        return out;
      }
      this.fail("Expected ',' or '}' in object");
    }
  }
}
