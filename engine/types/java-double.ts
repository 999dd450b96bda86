/**
 * Java's `Double.toString` as the JDK that ksqlDB runs on (8 to 18) prints it. Its own file, free
 * of imports, so that decimal.ts (BigDecimal.valueOf(double)) and java-format.ts can both use it.
 */

/**
 * Java's `Double.toString(d)` as ksqlDB's JDK (8 to 18) prints it: FloatingDecimal's digit
 * generation, which is not always the shortest round-trip form. Integers below 2^63 print their
 * exact digits less a rounded-off tail (`2^62` → `4.6116860184273879E18`, where Java 19+ and JS
 * say `4.611686018427388E18`), and the general case stops on a symmetric ulp test. The form:
 * plain for 1e-3 <= |x| < 1e7 with at least one fraction digit (`1.0`, `0.001`), else
 * `d.dddE±n` (`1.0E7`, `4.9E-324`), `NaN`, `Infinity`.
 */
export function javaDoubleToString(d: number): string {
  if (d !== d) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const neg = d < 0;
  const abs = neg ? -d : d;
  // Integers below 2^53 take FloatingDecimal's exact-integer path: their plain digits.
  if (abs < 1e7 && Number.isInteger(abs)) return (neg ? '-' : '') + abs + '.0';
  // The plain range: JS's shortest round-trip form is what FloatingDecimal prints. Its digit loop
  // stops at the first length with a digit string inside its (symmetric, open) rounding interval;
  // here that interval is the round-trip one (powers of two, where FloatingDecimal narrows it, have
  // short exact expansions in this range) and no candidate can sit on its edge or tie (the edges
  // need 27+ significant digits), so both pick the same, nearest, shortest digits. Checked
  // against the full port by a property test (test/unit/engine/types/java-double.test.ts).
  if (abs >= 1e-3 && abs < 1e7) return '' + d;
  return javaDoubleToStringSlow(d);
}

/** The full FloatingDecimal port (no fast paths for the plain range), for tests. */
export function javaDoubleToStringSlow(d: number): string {
  if (d !== d) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const neg = d < 0;
  const abs = neg ? -d : d;
  if (abs < 1e7 && Number.isInteger(abs)) return (neg ? '-' : '') + abs + '.0';
  const { digits, decExponent } = floatingDecimalDigits(abs);
  return (neg ? '-' : '') + layoutJavaDigits(digits, decExponent);
}

/** FloatingDecimal.getChars: the digits d1d2...dn with value 0.d1d2...dn × 10^decExponent. */
function layoutJavaDigits(digits: string, decExponent: number): string {
  const n = digits.length;
  if (decExponent > 0 && decExponent < 8) {
    const intLength = Math.min(n, decExponent);
    let out = digits.slice(0, intLength);
    if (intLength < decExponent) return out + '0'.repeat(decExponent - intLength) + '.0';
    out += '.';
    return intLength < n ? out + digits.slice(intLength) : out + '0';
  }
  if (decExponent <= 0 && decExponent > -3) return '0.' + '0'.repeat(-decExponent) + digits;
  const e = decExponent - 1;
  return digits[0] + '.' + (n > 1 ? digits.slice(1) : '0') + 'E' + e;
}

const EXP_SHIFT = 52;
const MAX_SMALL_BIN_EXP = 62;
const MIN_SMALL_BIN_EXP = -21;
/** ceil(log2(5^i)), approximately (FloatingDecimal's table). */
const N_5_BITS = [0, 3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28, 31, 33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56, 59, 61];
const INSIGNIFICANT_DIGITS_FOR_POW2 = [
  0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 14, 14,
  14, 15, 15, 15, 15, 16, 16, 16, 17, 17, 17, 18, 18, 18, 19,
];
const SMALL_5_POW = Array.from({ length: 14 }, (_, i) => 5 ** i);
const LONG_5_POW = Array.from({ length: 27 }, (_, i) => 5n ** BigInt(i));
const float64 = new DataView(new ArrayBuffer(8));

/** Java `long` arithmetic: wrap to 64 bits. */
const long = (x: bigint): bigint => BigInt.asIntN(64, x);

/**
 * FloatingDecimal.dtoa for a finite abs > 0: the decimal digits (no trailing zeros beyond what
 * Java keeps) and the exponent such that abs ≈ 0.digits × 10^decExponent. Reproduces its three
 * arithmetic paths (int, long, big integer) with their overflow behaviour and stopping tests.
 */
function floatingDecimalDigits(abs: number): { digits: string; decExponent: number } {
  float64.setFloat64(0, abs);
  const bits = float64.getBigUint64(0);
  let fractBits = bits & 0xfffffffffffffn;
  let binExp = Number(bits >> 52n);
  let nSignificantBits: number;
  if (binExp === 0) {
    const leadingZeros = 64 - fractBits.toString(2).length;
    const shift = leadingZeros - (63 - EXP_SHIFT);
    fractBits <<= BigInt(shift);
    binExp = 1 - shift;
    nSignificantBits = 64 - leadingZeros;
  } else {
    fractBits |= 1n << 52n;
    nSignificantBits = EXP_SHIFT + 1;
  }
  binExp -= 1023;

  let tailZeros = 0;
  while (((fractBits >> BigInt(tailZeros)) & 1n) === 0n) tailZeros++;
  const nFractBits = EXP_SHIFT + 1 - tailZeros;
  const nTinyBits = Math.max(0, nFractBits - binExp - 1);
  if (binExp <= MAX_SMALL_BIN_EXP && binExp >= MIN_SMALL_BIN_EXP && nTinyBits < LONG_5_POW.length && nFractBits + N_5_BITS[nTinyBits]! < 64 && nTinyBits === 0) {
    // an integer that fits a long: its digits, less the ones below the double's precision
    const insignificant = binExp > nSignificantBits ? insignificantDigitsForPow2(binExp - nSignificantBits - 1) : 0;
    const value = binExp >= EXP_SHIFT ? fractBits << BigInt(binExp - EXP_SHIFT) : fractBits >> BigInt(EXP_SHIFT - binExp);
    return developLongDigits(value, insignificant);
  }

  let decExp = estimateDecExp(fractBits, binExp);
  const B5 = Math.max(0, -decExp);
  let B2 = B5 + nTinyBits + binExp;
  const S5 = Math.max(0, decExp);
  let S2 = S5 + nTinyBits;
  const M5 = B5;
  let M2 = B2 - nSignificantBits;
  fractBits >>= BigInt(tailZeros);
  B2 -= nFractBits - 1;
  const common2 = Math.min(B2, S2);
  B2 -= common2;
  S2 -= common2;
  M2 -= common2;
  if (nFractBits === 1) M2 -= 1; // the gap below a power of two is half as wide
  if (M2 < 0) {
    B2 -= M2;
    S2 -= M2;
    M2 = 0;
  }

  const digits: number[] = [];
  let low: boolean;
  let high: boolean;
  let lowDigitDifference: number; // its sign
  const bBits = nFractBits + B2 + (B5 < N_5_BITS.length ? N_5_BITS[B5]! : B5 * 3);
  const tenSBits = S2 + 1 + (S5 + 1 < N_5_BITS.length ? N_5_BITS[S5 + 1]! : (S5 + 1) * 3);
  // "Java spec sez that we always have at least one digit after the ." in E-form.
  const eForm = (e: number): boolean => e < -3 || e >= 8;
  if (bBits < 64 && tenSBits < 64 && bBits < 32 && tenSBits < 32) {
    // all Java ints
    let b = Math.imul(Number(fractBits) | 0, SMALL_5_POW[B5]!) << B2;
    const s = SMALL_5_POW[S5]! << S2;
    let m = SMALL_5_POW[M5]! << M2;
    const tens = Math.imul(s, 10);
    let q = (b / s) | 0;
    b = Math.imul(10, b % s);
    m = Math.imul(m, 10);
    low = b < m;
    high = ((b + m) | 0) > tens;
    if (q === 0 && !high) decExp--;
    else digits.push(q);
    if (eForm(decExp)) high = low = false;
    while (!low && !high) {
      q = (b / s) | 0;
      b = Math.imul(10, b % s);
      m = Math.imul(m, 10);
      if (m > 0) {
        low = b < m;
        high = ((b + m) | 0) > tens;
      } else {
        low = high = true; // m overflowed
      }
      digits.push(q);
    }
    lowDigitDifference = Math.sign(((b << 1) - tens) | 0);
  } else if (bBits < 64 && tenSBits < 64) {
    // all Java longs
    let b = long(long(fractBits * LONG_5_POW[B5]!) << BigInt(B2 & 63));
    const s = long(LONG_5_POW[S5]! << BigInt(S2 & 63));
    let m = long(LONG_5_POW[M5]! << BigInt(M2 & 63));
    const tens = long(s * 10n);
    let q = Number(b / s);
    b = long(10n * (b % s));
    m = long(m * 10n);
    low = b < m;
    high = long(b + m) > tens;
    if (q === 0 && !high) decExp--;
    else digits.push(q);
    if (eForm(decExp)) high = low = false;
    while (!low && !high) {
      q = Number(b / s);
      b = long(10n * (b % s));
      m = long(m * 10n);
      if (m > 0n) {
        low = b < m;
        high = long(b + m) > tens;
      } else {
        low = high = true;
      }
      digits.push(q);
    }
    const difference = long(long(b << 1n) - tens);
    lowDigitDifference = difference === 0n ? 0 : difference > 0n ? 1 : -1;
  } else {
    // big integers (FDBigInteger): note the `>=` in the high test here
    const S = 5n ** BigInt(S5) << BigInt(S2);
    let B = (fractBits * 5n ** BigInt(B5)) << BigInt(B2);
    let M = 5n ** BigInt(M5 + 1) << BigInt(M2 + 1);
    const tenS = 5n ** BigInt(S5 + 1) << BigInt(S2 + 1);
    let q = Number(B / S);
    B = (B % S) * 10n;
    low = B < M;
    high = B + M >= tenS;
    if (q === 0 && !high) decExp--;
    else digits.push(q);
    if (eForm(decExp)) high = low = false;
    while (!low && !high) {
      q = Number(B / S);
      B = (B % S) * 10n;
      M *= 10n;
      low = B < M;
      high = B + M >= tenS;
      digits.push(q);
    }
    if (high && low) {
      const doubled = B << 1n;
      lowDigitDifference = doubled === tenS ? 0 : doubled > tenS ? 1 : -1;
    } else {
      lowDigitDifference = 0;
    }
  }
  let decExponent = decExp + 1;
  // the last digit rounds on the stopping condition
  if (high && (!low || lowDigitDifference > 0 || (lowDigitDifference === 0 && (digits[digits.length - 1]! & 1) !== 0))) {
    let i = digits.length - 1;
    while (digits[i] === 9 && i > 0) digits[i--] = 0;
    if (digits[i] === 9) {
      digits[0] = 1; // carry out: 1 followed by zeros
      decExponent += 1;
    } else {
      digits[i]! += 1;
    }
  }
  return { digits: digits.join(''), decExponent };
}

function insignificantDigitsForPow2(p2: number): number {
  return p2 > 1 && p2 < INSIGNIFICANT_DIGITS_FOR_POW2.length ? INSIGNIFICANT_DIGITS_FOR_POW2[p2]! : 0;
}

/** FloatingDecimal.developLongDigits: a long's digits, `insignificant` low digits rounded off. */
function developLongDigits(value: bigint, insignificant: number): { digits: string; decExponent: number } {
  let decExponent = 0;
  if (insignificant !== 0) {
    const pow10 = 10n ** BigInt(insignificant);
    const residue = value % pow10;
    value /= pow10;
    decExponent += insignificant;
    if (residue >= pow10 >> 1n) value++;
  }
  let text = value.toString();
  let end = text.length;
  while (end > 1 && text.charCodeAt(end - 1) === 48) end--;
  decExponent += text.length;
  text = text.slice(0, end);
  return { digits: text, decExponent };
}

/** FloatingDecimal.estimateDecExp: floor(log10(d)) estimated from the bits (may be one too high). */
function estimateDecExp(fractBits: bigint, binExp: number): number {
  float64.setBigUint64(0, (1023n << 52n) | (fractBits & 0xfffffffffffffn));
  const d2 = float64.getFloat64(0);
  const d = (d2 - 1.5) * 0.289529654 + 0.176091259 + binExp * 0.301029995663981;
  // Java's bit-level floor of d (for |d| < 2^52; exact for integers, rounds negatives down)
  return Math.floor(d);
}
