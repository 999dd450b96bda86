/**
 * Number and string literal helpers shared by the parser and the formatter: Java BigDecimal text
 * (ksqlDB keeps DECIMAL literals as BigDecimal), double printing that reads back as a DOUBLE, and
 * SQL string quoting.
 */

/** A BigDecimal: value = unscaled × 10^-scale. */
export interface BigDecimalParts {
  readonly unscaled: bigint;
  readonly scale: number;
}

const BIG_DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses text the way Java's `new BigDecimal(String)` does; undefined when it would throw. */
export function parseBigDecimal(text: string): BigDecimalParts | undefined {
  const match = BIG_DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign, integerDigits = '', fractionDigits = '', exponent] = match;
  if (integerDigits.length + fractionDigits.length === 0) return undefined;
  const exponentValue = exponent === undefined ? 0 : Number(exponent);
  const scale = fractionDigits.length - exponentValue;
  if (!Number.isSafeInteger(scale) || Math.abs(scale) > 2_147_483_647) return undefined;
  const magnitude = BigInt(integerDigits + fractionDigits);
  return { unscaled: sign === '-' ? -magnitude : magnitude, scale };
}

/** Java's BigDecimal.toString: plain unless the scale is negative or the number is tiny. */
export function bigDecimalToString(parts: BigDecimalParts): string {
  const negative = parts.unscaled < 0n;
  const digits = (negative ? -parts.unscaled : parts.unscaled).toString();
  const sign = negative ? '-' : '';
  if (parts.scale === 0) return sign + digits;
  const adjusted = -parts.scale + (digits.length - 1);
  if (parts.scale > 0 && adjusted >= -6) return sign + plainDigits(digits, parts.scale);
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/** BigDecimal.toPlainString for a non-negative scale. */
export function bigDecimalToPlainString(parts: BigDecimalParts): string {
  const negative = parts.unscaled < 0n;
  const digits = (negative ? -parts.unscaled : parts.unscaled).toString();
  const sign = negative ? '-' : '';
  if (parts.scale <= 0) return sign + digits + '0'.repeat(-parts.scale);
  return sign + plainDigits(digits, parts.scale);
}

function plainDigits(digits: string, scale: number): string {
  const padded = digits.length <= scale ? '0'.repeat(scale - digits.length + 1) + digits : digits;
  return `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
}

/**
 * A double as ksqlDB prints one (scientific, shortest round trip: `1.5E3`, `1E-3`, `-2.5E0`),
 * which also reads back as a DOUBLE literal.
 */
export function formatDouble(value: number): string {
  if (Object.is(value, -0)) return '-0E0';
  return value.toExponential().toUpperCase().replace('E+', 'E');
}

/** 'text' with embedded quotes doubled. */
export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** The content of a quoted token: strips the quotes and undoubles embedded ones. */
export function unquote(text: string): string {
  const quote = text[0]!;
  return text.slice(1, -1).replaceAll(quote + quote, quote);
}

export const INT_MIN = -2_147_483_648;
export const INT_MAX = 2_147_483_647;
export const LONG_MIN = -(2n ** 63n);
export const LONG_MAX = 2n ** 63n - 1n;
