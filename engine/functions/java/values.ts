/**
 * Equality, hashing and ordering of SQL run-time values as Java's equals/compareTo see them,
 * for the collection functions (ARRAY_DISTINCT, ARRAY_CONTAINS, ARRAY_SORT, GREATEST...).
 *
 * - Numbers: NaN equals NaN (Double.equals); 0 and -0 are equal here (the JS number does not say
 *   whether it is an INT, where they are the same, or a DOUBLE); ordering is Double.compare
 *   (-0.0 < 0.0, NaN above everything).
 * - Decimals compare numerically (1.0 equals 1.00: values of one DECIMAL(p, s) type share a
 *   scale anyway).
 * - BYTES compare as Java ByteBuffers (signed bytes); arrays, maps and structs deeply (map
 *   equality ignores entry order, as java.util.Map's does).
 */
import { Decimal, SluiceError } from '../deps.js';
import { compareBytesSigned } from './text.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && !(v instanceof Decimal) && !Buffer.isBuffer(v);
}

/** Java `Objects.equals` on SQL values. */
export function javaEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'number') return typeof b === 'number' && a !== a && b !== b;
  if (a instanceof Decimal) return b instanceof Decimal && a.compare(b) === 0;
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!javaEquals(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) {
      if (!b.has(k)) {
        // keys that are not primitives (never in SQL maps) would need a deep lookup
        return false;
      }
      if (!javaEquals(v, b.get(k))) return false;
    }
    return true;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const k of ka) if (!(k in b) || !javaEquals(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** A string that is equal for javaEquals-equal values (for hash sets). */
export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return 'N';
  switch (typeof v) {
    case 'number':
      return 'n' + (v === 0 ? 0 : v);
    case 'string':
      return 's' + v;
    case 'boolean':
      return v ? 'T' : 'F';
    default:
      break;
  }
  if (v instanceof Decimal) return 'd' + v.hashKey();
  if (Buffer.isBuffer(v)) return 'x' + v.toString('hex');
  if (Array.isArray(v)) return '[' + v.map((e) => JSON.stringify(valueKey(e))).join(',') + ']';
  if (v instanceof Map) {
    const entries = [...v].map(([k, e]) => JSON.stringify(valueKey(k)) + ':' + JSON.stringify(valueKey(e)));
    entries.sort();
    return '{' + entries.join(',') + '}';
  }
  if (typeof v === 'object') {
    return '(' + Object.entries(v as Record<string, unknown>).map(([k, e]) => JSON.stringify(k) + ':' + JSON.stringify(valueKey(e))).join(',') + ')';
  }
  return '?' + String(v);
}

/** Java's Double.compare. */
export function compareDoubles(a: number, b: number): number {
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

/** Java's compareTo for comparable SQL values (numbers, strings, booleans, decimals, bytes). */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return compareDoubles(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Decimal && b instanceof Decimal) return a.compare(b);
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return compareBytesSigned(a, b);
  throw new SluiceError('ENGINE_EVALUATION', `Values are not comparable: ${describe(a)} and ${describe(b)}`);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'java.util.ArrayList';
  if (v instanceof Map) return 'java.util.HashMap';
  if (typeof v === 'object' && v !== null) return 'org.apache.kafka.connect.data.Struct';
  return typeof v;
}
