/**
 * Decimal: an exact, immutable decimal number — the run-time value of SQL DECIMAL(p, s).
 *
 * Modelled on Java's java.math.BigDecimal, because ksqlDB's DECIMAL is a BigDecimal:
 * the value is `unscaled × 10^-scale`, with `unscaled` a bigint. The scale is part of the value
 * (`1.50` has unscaled 150, scale 2) and is kept by printing (`toString()` is Java's
 * `toPlainString()`), so `DECIMAL(4, 2)` values print with two fraction digits.
 *
 * Arithmetic follows BigDecimal: `add`/`subtract` give scale max(s1, s2), `multiply` gives
 * s1 + s2, `divide` takes the wanted scale and a rounding mode. `compare`/`equals`/`hashKey` ignore
 * the scale (1.0 equals 1.00, as compareTo does — what SQL comparison and grouping want);
 * `identical` is Java's scale-sensitive `equals`.
 */

import { SluiceError } from '../../common/index.js';
import { javaDoubleToString } from './java-double.js';

export type RoundingMode = 'UP' | 'DOWN' | 'CEILING' | 'FLOOR' | 'HALF_UP' | 'HALF_DOWN' | 'HALF_EVEN' | 'UNNECESSARY';

const TEN = 10n;
const POW10_CACHE: bigint[] = [];
for (let i = 0, p = 1n; i < 64; i++, p *= TEN) POW10_CACHE.push(p);

/** 10^n as a bigint (n >= 0). */
export function pow10(n: number): bigint {
  if (n < 64) return POW10_CACHE[n]!;
  return TEN ** BigInt(n);
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** Number of decimal digits of |v| (1 for 0). */
function digitCount(v: bigint): number {
  const a = abs(v);
  if (a < 10n) return 1;
  if (a < 10_000_000_000_000_000n) {
    // fast path without string allocation for small values
    let n = 1;
    let p = 10n;
    while (a >= p) {
      n++;
      p *= TEN;
    }
    return n;
  }
  return a.toString().length;
}

/**
 * Divides num by den (den != 0) rounding the quotient to an integer by `mode`.
 */
export function divideRounded(num: bigint, den: bigint, mode: RoundingMode): bigint {
  if (den === 0n) throw new SluiceError('ENGINE_EVALUATION', 'Division by zero', { expected: 'a non-zero divisor', found: '0' });
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const q = num / den; // truncates toward zero
  const r = num - q * den;
  if (r === 0n) return q;
  const sign = num < 0n ? -1n : 1n; // sign of the exact quotient
  let up: boolean; // round away from zero?
  switch (mode) {
    case 'UP':
      up = true;
      break;
    case 'DOWN':
      up = false;
      break;
    case 'CEILING':
      up = sign > 0n;
      break;
    case 'FLOOR':
      up = sign < 0n;
      break;
    case 'HALF_UP':
    case 'HALF_DOWN':
    case 'HALF_EVEN': {
      const twice = abs(r) * 2n;
      if (twice > den) up = true;
      else if (twice < den) up = false;
      else if (mode === 'HALF_UP') up = true;
      else if (mode === 'HALF_DOWN') up = false;
      else up = (q & 1n) !== 0n; // HALF_EVEN: round to the even neighbour
      break;
    }
    case 'UNNECESSARY':
      throw new SluiceError('ENGINE_EVALUATION', 'Rounding necessary', { expected: 'an exact result', found: 'a result needing rounding' });
  }
  return up ? q + sign : q;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export class Decimal {
  readonly unscaled: bigint;
  readonly scale: number;

  constructor(unscaled: bigint, scale: number) {
    if (!Number.isInteger(scale)) throw new SluiceError('INTERNAL_ASSERTION', `Decimal scale must be an integer, found ${scale}`);
    this.unscaled = unscaled;
    this.scale = scale;
  }

  static readonly ZERO = new Decimal(0n, 0);
  static readonly ONE = new Decimal(1n, 0);

  static of(unscaled: bigint, scale = 0): Decimal {
    return new Decimal(unscaled, scale);
  }

  /** An integer value, scale 0 (or set to the given scale, rounding HALF_UP if it is negative). */
  static fromBigInt(v: bigint, scale = 0): Decimal {
    return scale === 0 ? new Decimal(v, 0) : new Decimal(v, 0).setScale(scale, 'HALF_UP');
  }

  /**
   * Parses Java BigDecimal text: optional sign, digits with an optional fraction, optional exponent
   * (`1.50`, `-.5`, `5.`, `1E+3`, `1.2e-5`). The scale is the number of fraction digits minus the
   * exponent, as in Java (`1E+3` has scale -3). Throws ENGINE_EVALUATION on anything else
   * (including surrounding spaces; trim first if wanted).
   */
  static fromString(text: string): Decimal {
    const d = Decimal.tryParse(text);
    if (d === null) {
      throw new SluiceError('ENGINE_EVALUATION', `Cannot parse '${text}' as a decimal`, { expected: 'a decimal number', found: text });
    }
    return d;
  }

  /** Like fromString, but null for text that is not a decimal number. */
  static tryParse(text: string): Decimal | null {
    const m = DECIMAL_TEXT.exec(text);
    if (m === null) return null;
    const intPart = m[2]!;
    const fracPart = m[3] ?? '';
    if (intPart.length === 0 && fracPart.length === 0) return null;
    let scale = fracPart.length;
    if (m[4] !== undefined) {
      const exp = Number(m[4]);
      if (!Number.isSafeInteger(exp)) return null;
      scale -= exp;
    }
    let unscaled = BigInt((intPart + fracPart) || '0');
    if (m[1] === '-') unscaled = -unscaled;
    return new Decimal(unscaled, scale);
  }

  /**
   * From a JS number. Without `scale`: a safe integer gives scale 0 (Java `BigDecimal.valueOf(long)`),
   * any other finite number gives Java's `BigDecimal.valueOf(double)` (the decimal of
   * `Double.toString`: 0.1 → 0.1, 1.5e-7 → 1.5E-7 with scale 8). With `scale`: that value rounded to
   * the scale (HALF_UP by default, as ksqlDB's casts do). NaN/Infinity throw.
   */
  static fromNumber(n: number, scale?: number, rounding: RoundingMode = 'HALF_UP'): Decimal {
    let d: Decimal;
    if (Number.isSafeInteger(n)) d = new Decimal(BigInt(n), 0);
    else d = Decimal.fromDouble(n);
    return scale === undefined ? d : d.setScale(scale, rounding);
  }

  /**
   * Java's `BigDecimal.valueOf(double)`: the decimal of `Double.toString(n)`, so 1.0 → `1.0` (scale 1),
   * 100.0 → `100.0`, 1e7 → `1.0E7` (unscaled 10, scale -6). NaN/Infinity throw.
   */
  static fromDouble(n: number): Decimal {
    if (!Number.isFinite(n)) {
      throw new SluiceError('ENGINE_EVALUATION', `Cannot convert ${n} to a decimal`, { expected: 'a finite number', found: String(n) });
    }
    return Decimal.fromString(javaDoubleToString(n));
  }

  /**
   * The exact binary value of a double (Java's `new BigDecimal(double)`): 0.1 →
   * 0.1000000000000000055511151231257827021181583404541015625. NaN/Infinity throw.
   */
  static fromDoubleExact(n: number): Decimal {
    if (!Number.isFinite(n)) {
      throw new SluiceError('ENGINE_EVALUATION', 'Infinite or NaN', { expected: 'a finite number', found: String(n) });
    }
    if (Number.isInteger(n)) return new Decimal(BigInt(n), 0);
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, n);
    const hi = view.getUint32(0);
    const lo = view.getUint32(4);
    const exponentBits = (hi >>> 20) & 0x7ff;
    let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    let exp2: number;
    if (exponentBits === 0) exp2 = -1074;
    else {
      mantissa |= 1n << 52n;
      exp2 = exponentBits - 1075;
    }
    // value = mantissa × 2^exp2 with exp2 < 0 here (non-integers) = mantissa × 5^-exp2 / 10^-exp2
    while ((mantissa & 1n) === 0n && exp2 < 0) {
      mantissa >>= 1n;
      exp2++;
    }
    const k = -exp2;
    const unscaled = mantissa * 5n ** BigInt(k);
    return new Decimal(n < 0 ? -unscaled : unscaled, k);
  }

  // ---- arithmetic ----

  add(other: Decimal): Decimal {
    if (this.scale === other.scale) return new Decimal(this.unscaled + other.unscaled, this.scale);
    if (this.scale > other.scale) {
      return new Decimal(this.unscaled + other.unscaled * pow10(this.scale - other.scale), this.scale);
    }
    return new Decimal(this.unscaled * pow10(other.scale - this.scale) + other.unscaled, other.scale);
  }

  subtract(other: Decimal): Decimal {
    return this.add(other.negate());
  }

  multiply(other: Decimal): Decimal {
    return new Decimal(this.unscaled * other.unscaled, this.scale + other.scale);
  }

  /**
   * this / other, rounded to `scale` fraction digits by `rounding` (Java's
   * `divide(divisor, scale, roundingMode)`). Division by zero throws ENGINE_EVALUATION.
   * Without a scale, the exact quotient is returned when it terminates (Java's `divide(divisor)`,
   * preferred scale this.scale - other.scale); a non-terminating quotient throws.
   */
  divide(other: Decimal, scale?: number, rounding: RoundingMode = 'HALF_UP'): Decimal {
    if (other.unscaled === 0n) {
      throw new SluiceError('ENGINE_EVALUATION', 'Division by zero', { expected: 'a non-zero divisor', found: '0' });
    }
    if (scale === undefined) return this.divideExact(other);
    // this/other * 10^scale = ua * 10^(sb + scale) / (ub * 10^sa)
    let num = this.unscaled;
    let den = other.unscaled;
    const e = other.scale + scale - this.scale;
    if (e >= 0) num *= pow10(e);
    else den *= pow10(-e);
    return new Decimal(divideRounded(num, den, rounding), scale);
  }

  private divideExact(other: Decimal): Decimal {
    const preferred = this.scale - other.scale;
    // The quotient terminates iff the reduced denominator has only factors 2 and 5.
    let den = abs(other.unscaled);
    let twos = 0;
    let fives = 0;
    while (den % 2n === 0n) {
      den /= 2n;
      twos++;
    }
    while (den % 5n === 0n) {
      den /= 5n;
      fives++;
    }
    if (den !== 1n && this.unscaled % den !== 0n) {
      // still may divide exactly when the numerator contains the other factors
      throw new SluiceError('ENGINE_EVALUATION', 'Non-terminating decimal expansion; no exact representable decimal result.');
    }
    const extra = Math.max(twos, fives);
    const q = this.divide(other, preferred + extra, 'UNNECESSARY');
    // strip back toward the preferred scale
    return q.stripTrailingZerosDownTo(preferred);
  }

  /**
   * Java's `remainder`: this - trunc(this / other) * other; the sign follows the dividend, the scale
   * is max(s1, s2). Division by zero throws.
   */
  remainder(other: Decimal): Decimal {
    if (other.unscaled === 0n) {
      throw new SluiceError('ENGINE_EVALUATION', 'Division by zero', { expected: 'a non-zero divisor', found: '0' });
    }
    const s = Math.max(this.scale, other.scale);
    const a = this.unscaled * pow10(s - this.scale);
    const b = other.unscaled * pow10(s - other.scale);
    return new Decimal(a % b, s);
  }

  negate(): Decimal {
    return this.unscaled === 0n ? this : new Decimal(-this.unscaled, this.scale);
  }

  abs(): Decimal {
    return this.unscaled < 0n ? new Decimal(-this.unscaled, this.scale) : this;
  }

  signum(): -1 | 0 | 1 {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  /** Number of digits of the unscaled value (Java's `precision()`; 1 for zero). */
  precision(): number {
    return digitCount(this.unscaled);
  }

  /** Java's `setScale(scale, roundingMode)`. Default mode UNNECESSARY throws if rounding is needed. */
  setScale(scale: number, rounding: RoundingMode = 'UNNECESSARY'): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * pow10(scale - this.scale), scale);
    return new Decimal(divideRounded(this.unscaled, pow10(this.scale - scale), rounding), scale);
  }

  /**
   * Rounds to at most `precision` significant digits (Java's `round(new MathContext(precision, mode))`);
   * the scale drops as needed and may become negative. precision 0 means unlimited.
   */
  roundToPrecision(precision: number, rounding: RoundingMode = 'HALF_UP'): Decimal {
    if (precision <= 0) return this;
    let d: Decimal = this;
    let drop = d.precision() - precision;
    while (drop > 0) {
      d = d.setScale(d.scale - drop, rounding);
      drop = d.precision() - precision; // rounding up may add a digit (999 → 1000)
    }
    return d;
  }

  /** Removes trailing zeros of the unscaled value (Java's `stripTrailingZeros`; zero → scale 0). */
  stripTrailingZeros(): Decimal {
    if (this.unscaled === 0n) return this.scale === 0 ? this : Decimal.ZERO;
    return this.stripTrailingZerosDownTo(Number.MIN_SAFE_INTEGER);
  }

  private stripTrailingZerosDownTo(minScale: number): Decimal {
    let u = this.unscaled;
    let s = this.scale;
    if (u === 0n) return new Decimal(0n, Math.max(minScale, Math.min(s, minScale)));
    while (s > minScale && u % TEN === 0n) {
      u /= TEN;
      s--;
    }
    return s === this.scale ? this : new Decimal(u, s);
  }

  // ---- comparison ----

  /** Numeric comparison ignoring scale (Java's compareTo): -1, 0 or 1. */
  compare(other: Decimal): -1 | 0 | 1 {
    let a = this.unscaled;
    let b = other.unscaled;
    if (this.scale > other.scale) b *= pow10(this.scale - other.scale);
    else if (this.scale < other.scale) a *= pow10(other.scale - this.scale);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  static compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
    return a.compare(b);
  }

  /** Numeric equality ignoring scale (1.0 equals 1.00), as SQL comparison does. */
  equals(other: unknown): boolean {
    return other instanceof Decimal && this.compare(other) === 0;
  }

  /** Java's BigDecimal.equals: same unscaled value and same scale. */
  identical(other: Decimal): boolean {
    return this.unscaled === other.unscaled && this.scale === other.scale;
  }

  /** A string equal for numerically equal decimals (for hashing / grouping keys). */
  hashKey(): string {
    const s = this.stripTrailingZeros();
    return s.scale === 0 ? s.unscaled.toString() : `${s.unscaled}e${-s.scale}`;
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  /** True when the value has an integer value (no non-zero fraction digits). */
  isInteger(): boolean {
    return this.scale <= 0 || this.unscaled % pow10(this.scale) === 0n;
  }

  // ---- conversion ----

  /** Java's `toPlainString()`: no exponent, scale kept (`1.50`, `-0.05`, `100`; scale -2 of 1 → `100`). */
  toString(): string {
    const u = this.unscaled;
    const s = this.scale;
    if (s === 0) return u.toString();
    if (s < 0) return u === 0n ? '0' : u.toString() + '0'.repeat(-s);
    const neg = u < 0n;
    let digits = (neg ? -u : u).toString();
    if (digits.length <= s) digits = '0'.repeat(s - digits.length + 1) + digits;
    const cut = digits.length - s;
    return (neg ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut);
  }

  /** Same as toString() (plain form). */
  toPlainString(): string {
    return this.toString();
  }

  /**
   * Java's `BigDecimal.toString()`: plain unless the scale is negative or the adjusted exponent is
   * below -6, then scientific (`1E+3`, `1.5E-7`).
   */
  toJavaString(): string {
    const u = this.unscaled;
    const s = this.scale;
    const neg = u < 0n;
    const coeff = (neg ? -u : u).toString();
    const adjusted = -s + (coeff.length - 1);
    if (s >= 0 && adjusted >= -6) return this.toString();
    let out = coeff.length > 1 ? coeff[0] + '.' + coeff.slice(1) : coeff;
    out += 'E' + (adjusted >= 0 ? '+' : '') + adjusted;
    return (neg ? '-' : '') + out;
  }

  toJSON(): string {
    return this.toString();
  }

  /** The nearest double (Java's `doubleValue()`). */
  toNumber(): number {
    if (this.scale === 0 && this.unscaled >= -9007199254740991n && this.unscaled <= 9007199254740991n) {
      return Number(this.unscaled);
    }
    return Number(this.scale <= 0 ? this.toString() : `${this.unscaled}e-${this.scale}`);
  }

  /** The integer part, truncated toward zero (Java's `toBigInteger()`). */
  toBigInt(): bigint {
    if (this.scale <= 0) return this.unscaled * pow10(-this.scale);
    return this.unscaled / pow10(this.scale);
  }

  /** True if the value fits DECIMAL(precision, scale) after rounding to `scale` (digits left of the point). */
  fits(precision: number, scale: number): boolean {
    const d = this.setScale(scale, 'HALF_UP');
    return d.precision() <= precision || d.unscaled === 0n;
  }
}

export function isDecimal(v: unknown): v is Decimal {
  return v instanceof Decimal;
}
