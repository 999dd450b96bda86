/**
 * Value equality, ordering and hashing over the run-time representation (see sql-type.ts), for
 * grouping, joins, DISTINCT-like functions and comparisons.
 *
 * - `valuesEqual`: structural equality with nulls equal to each other (grouping semantics, not
 *   SQL's three-valued `=`): numbers by SameValueZero (NaN equals NaN, 0 equals -0), DECIMALs
 *   numerically (1.0 equals 1.00), BYTES by content, ARRAYs element-wise, MAPs as unordered
 *   key/value sets, STRUCTs field by field.
 * - `compareValues`: a total order (nulls first): numbers as Java's Double.compare (NaN last),
 *   mixed number/DECIMAL numerically, strings by UTF-16 code units (Java's String.compareTo),
 *   false < true, BYTES as Java's ByteBuffer.compareTo (signed bytes), ARRAYs lexicographically,
 *   STRUCTs field by field in declaration order.
 * - `hashKey` / `rowKey`: a JS Map key such that equal values get identical keys (strings and
 *   numbers are returned as-is; everything else is encoded to a tagged string).
 */

import { Decimal } from './decimal.js';

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  const ta = typeof a;
  if (ta === 'number') {
    if (typeof b === 'number') return a !== a ? b !== b : false; // NaN equals NaN; others failed ===
    return b instanceof Decimal ? numberDecimalCompare(a as number, b) === 0 : false;
  }
  if (ta !== 'object') return false;
  if (a instanceof Decimal) {
    if (b instanceof Decimal) return a.compare(b) === 0;
    return typeof b === 'number' ? numberDecimalCompare(b, a) === 0 : false;
  }
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (b.has(k)) {
        if (!valuesEqual(v, b.get(k))) return false;
        continue;
      }
      // keys that are objects (e.g. decimals) need a structural lookup
      let found = false;
      for (const [bk, bv] of b) {
        if (valuesEqual(k, bk)) {
          if (!valuesEqual(v, bv)) return false;
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  }
  if (typeof b !== 'object' || Array.isArray(b) || b instanceof Map || Buffer.isBuffer(b) || b instanceof Decimal) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(bo, k)) return false;
    if (!valuesEqual(ao[k], bo[k])) return false;
  }
  return true;
}

function numberDecimalCompare(n: number, d: Decimal): -1 | 0 | 1 {
  if (n !== n) return 1;
  if (n === Infinity) return 1;
  if (n === -Infinity) return -1;
  return Decimal.fromDoubleExact(n).compare(d);
}

/** Java's Double.compare: -0.0 < 0.0, NaN greater than everything (and equal to itself). */
export function compareDoubles(a: number, b: number): -1 | 0 | 1 {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) {
    if (a !== 0) return 0;
    const na = Object.is(a, -0);
    const nb = Object.is(b, -0);
    return na === nb ? 0 : na ? -1 : 1;
  }
  const an = a !== a;
  const bn = b !== b;
  return an === bn ? 0 : an ? 1 : -1;
}

/** Java's String.compareTo (UTF-16 code units). */
export function compareStrings(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Java's ByteBuffer.compareTo: bytes compared as signed, then by length. */
export function compareBytes(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = (a[i]! << 24) >> 24;
    const y = (b[i]! << 24) >> 24;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** A total order over values of one SQL type (nulls first). See the header for the rules. */
export function compareValues(a: unknown, b: unknown): -1 | 0 | 1 {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  switch (typeof a) {
    case 'number':
      if (typeof b === 'number') return compareDoubles(a, b);
      if (b instanceof Decimal) return numberDecimalCompare(a, b);
      break;
    case 'string':
      if (typeof b === 'string') return compareStrings(a, b);
      break;
    case 'boolean':
      if (typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
      break;
    case 'object':
      if (a instanceof Decimal) {
        if (b instanceof Decimal) return a.compare(b);
        if (typeof b === 'number') return (-numberDecimalCompare(b, a) || 0) as -1 | 0 | 1;
      } else if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) {
        return compareBytes(a, b);
      } else if (Array.isArray(a) && Array.isArray(b)) {
        const n = Math.min(a.length, b.length);
        for (let i = 0; i < n; i++) {
          const c = compareValues(a[i], b[i]);
          if (c !== 0) return c;
        }
        return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
      } else if (a instanceof Map && b instanceof Map) {
        return compareStrings(hashKeyString(a), hashKeyString(b));
      } else if (typeof b === 'object' && !Array.isArray(b)) {
        const ao = a as Record<string, unknown>;
        const bo = b as Record<string, unknown>;
        for (const k of Object.keys(ao)) {
          const c = compareValues(ao[k], bo[k]);
          if (c !== 0) return c;
        }
        return 0;
      }
      break;
  }
  throw new TypeError(`Cannot compare ${describe(a)} with ${describe(b)}`);
}

function describe(v: unknown): string {
  if (v instanceof Decimal) return 'DECIMAL';
  if (Buffer.isBuffer(v)) return 'BYTES';
  if (Array.isArray(v)) return 'ARRAY';
  if (v instanceof Map) return 'MAP';
  return typeof v;
}

/**
 * A key usable in a JS Map such that `valuesEqual(a, b)` implies `hashKey(a) === hashKey(b)` for
 * values of the same SQL type. Strings and numbers come back unchanged (fast path); null is null.
 */
export function hashKey(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') return v as string | number | boolean;
  return hashKeyString(v);
}

/** A Map key for several values (a multi-column key or a GROUP BY list). */
export function rowKey(values: readonly unknown[]): string | number | boolean | null {
  if (values.length === 1) return hashKey(values[0]);
  let out = '';
  for (let i = 0; i < values.length; i++) out += encodeTagged(values[i]);
  return out;
}

/** The tagged-string encoding of any value (self-delimiting, so concatenations are unambiguous). */
export function hashKeyString(v: unknown): string {
  return encodeTagged(v);
}

function encodeTagged(v: unknown): string {
  if (v === null || v === undefined) return 'z';
  switch (typeof v) {
    case 'number':
      return v === 0 ? 'n0;' : `n${v};`; // -0 and 0 alike, as SameValueZero
    case 'string':
      return `s${v.length}:${v}`;
    case 'boolean':
      return v ? 't' : 'f';
    case 'object': {
      if (v instanceof Decimal) return `d${v.hashKey()};`;
      if (Buffer.isBuffer(v)) return `b${v.length}:${v.toString('latin1')}`;
      if (Array.isArray(v)) {
        let out = `a${v.length}:`;
        for (const e of v) out += encodeTagged(e);
        return out;
      }
      if (v instanceof Map) {
        const entries: string[] = [];
        for (const [k, val] of v) entries.push(encodeTagged(k) + encodeTagged(val));
        entries.sort();
        return `m${entries.length}:${entries.join('')}`;
      }
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      let out = `o${keys.length}:`;
      for (const k of keys) out += `${k.length}:${k}${encodeTagged(o[k])}`;
      return out;
    }
    default:
      return `?${String(v)};`;
  }
}
