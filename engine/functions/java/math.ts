/**
 * Java's `Math.log`, which V8's `Math.log` does not always match: V8's is off by one ulp on some
 * ordinary inputs (`Math.log(3)` is 1.0986122886681096 in V8, 1.0986122886681098 in Java; the
 * true value is 1.09861228866810969...). Java's intrinsic is (practically) correctly rounded, so
 * we compute the logarithm in double-double arithmetic (~106 bits) and round once.
 *
 * ln(x) = e·ln 2 + ln(m) with x = m·2^e, m in [√½, √2); ln(m) = 2·atanh(s), s = (m-1)/(m+1),
 * |s| < 0.172, summed as a series in s² until the terms fall below 2^-110.
 */

type DoubleDouble = readonly [hi: number, lo: number];

const SPLITTER = 134217729; // 2^27 + 1
const LN2: DoubleDouble = [0.6931471805599453, 2.3190468138462996e-17];
const SQRT2 = Math.SQRT2;
const TWO_POW_54 = 18014398509481984;
const SERIES_TERMS = 24;

function twoSum(a: number, b: number): DoubleDouble {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function quickTwoSum(a: number, b: number): DoubleDouble {
  const s = a + b;
  return [s, b - (s - a)];
}

function twoProduct(a: number, b: number): DoubleDouble {
  const p = a * b;
  let c = SPLITTER * a;
  const aHi = c - (c - a);
  const aLo = a - aHi;
  c = SPLITTER * b;
  const bHi = c - (c - b);
  const bLo = b - bHi;
  return [p, aHi * bHi - p + aHi * bLo + aLo * bHi + aLo * bLo];
}

function add(a: DoubleDouble, b: DoubleDouble): DoubleDouble {
  const [s, e] = twoSum(a[0], b[0]);
  const [t, f] = twoSum(a[1], b[1]);
  const [s1, e1] = quickTwoSum(s, e + t);
  return quickTwoSum(s1, e1 + f);
}

function multiply(a: DoubleDouble, b: DoubleDouble): DoubleDouble {
  const [p, e] = twoProduct(a[0], b[0]);
  return quickTwoSum(p, e + (a[0] * b[1] + a[1] * b[0]));
}

function divide(a: DoubleDouble, b: DoubleDouble): DoubleDouble {
  const q1 = a[0] / b[0];
  let r = add(a, negate(multiply([q1, 0], b)));
  const q2 = r[0] / b[0];
  r = add(r, negate(multiply([q2, 0], b)));
  const q3 = r[0] / b[0];
  return add(quickTwoSum(q1, q2), [q3, 0]);
}

function negate(a: DoubleDouble): DoubleDouble {
  return [-a[0], -a[1]];
}

/** 1/(2k+1) for the atanh series, in double-double. */
const RECIPROCAL_ODDS: readonly DoubleDouble[] = Array.from({ length: SERIES_TERMS + 1 }, (_, k) => divide([1, 0], [2 * k + 1, 0]));

const bits = new DataView(new ArrayBuffer(8));

/** Java's `Math.log(x)`: the natural logarithm, correctly rounded. */
export function javaLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  if (x === 1) return 0;
  let exponent = 0;
  if (x < 2.2250738585072014e-308) {
    x *= TWO_POW_54; // subnormal: scale into the normal range first
    exponent = -54;
  }
  bits.setFloat64(0, x);
  const high = bits.getUint32(0);
  exponent += ((high >>> 20) & 0x7ff) - 1023;
  bits.setUint32(0, (high & 0x800fffff) | (1023 << 20));
  let m = bits.getFloat64(0); // in [1, 2)
  if (m > SQRT2) {
    m /= 2;
    exponent += 1;
  }
  // m - 1 is exact (Sterbenz); m + 1 may not be, so keep its rounding error.
  const s = divide([m - 1, 0], twoSum(m, 1));
  const s2 = multiply(s, s);
  let series: DoubleDouble = RECIPROCAL_ODDS[SERIES_TERMS]!;
  for (let k = SERIES_TERMS - 1; k >= 0; k--) series = add(multiply(series, s2), RECIPROCAL_ODDS[k]!);
  const lnM = multiply([2 * s[0], 2 * s[1]], series);
  const result = exponent === 0 ? lnM : add(multiply([exponent, 0], LN2), lnM);
  return result[0] + result[1];
}
