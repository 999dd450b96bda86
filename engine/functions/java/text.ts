/**
 * Java string and byte conventions the functions need: String.trim, Pattern("").split,
 * StringEscapeUtils.unescapeJava, StringUtils.ordinalIndexOf/substring/reverse, charset
 * conversions with Java's replacement rules, hex and base64 codecs (strict JDK and lenient
 * commons-codec flavours), and signed byte comparison (ByteBuffer.compareTo).
 */
import { SluiceError } from '../deps.js';

/** Java's String.trim(): strips characters <= U+0020 at both ends. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** Java's `[ \t\n\x0B\f\r]` (`\s` in java.util.regex). */
export function isJavaRegexSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** `Pattern.compile("").split(s)`: one string per UTF-16 unit; `""` gives `[""]`. */
export function splitEveryChar(s: string): string[] {
  if (s.length === 0) return [''];
  const out: string[] = new Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s[i]!;
  return out;
}

/** Guava `Splitter.on(delimiter).splitToList(s)` for a non-empty literal delimiter. */
export function splitLiteral(s: string, delimiter: string): string[] {
  return s.split(delimiter);
}

/** commons-lang StringUtils.substring(str, start): negative counts from the end. */
export function substringFrom(s: string, start: number): string {
  let from = start < 0 ? s.length + start : start;
  if (from < 0) from = 0;
  if (from > s.length) return '';
  return s.slice(from);
}

/** commons-lang StringUtils.ordinalIndexOf: index of the n-th (overlapping) occurrence, or -1. */
export function ordinalIndexOf(s: string, search: string, ordinal: number): number {
  if (ordinal <= 0) return -1;
  if (search.length === 0) return 0;
  let found = 0;
  let index = -1;
  do {
    index = s.indexOf(search, index + 1);
    if (index < 0) return index;
    found++;
  } while (found < ordinal);
  return index;
}

/** commons-lang StringUtils.reverse: reverses UTF-16 units (as StringBuilder.reverse keeps surrogate pairs). */
export function reverseString(s: string): string {
  return Array.from(s).reverse().join('');
}

/**
 * commons-text StringEscapeUtils.unescapeJava: `\uXXXX` (any number of `u`s), `\\`, `\'`, `\"`,
 * `\b \f \n \r \t`, octal `\0`-`\377`; other backslashes are kept.
 */
export function unescapeJava(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const e = s[i + 1]!;
    switch (e) {
      case '\\':
      case "'":
      case '"':
        out += e;
        i++;
        break;
      case 'b':
        out += '\b';
        i++;
        break;
      case 'f':
        out += '\f';
        i++;
        break;
      case 'n':
        out += '\n';
        i++;
        break;
      case 'r':
        out += '\r';
        i++;
        break;
      case 't':
        out += '\t';
        i++;
        break;
      case 'u': {
        let j = i + 1;
        while (s[j] === 'u') j++;
        if (s[j] === '+') j++;
        const hex = s.slice(j, j + 4);
        if (hex.length < 4) {
          throw new SluiceError('ENGINE_EVALUATION', `Less than 4 hex digits in unicode value: '${s.slice(i, j + 4)}' due to end of CharSequence`);
        }
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw new SluiceError('ENGINE_EVALUATION', `Unable to parse unicode value: ${hex}`);
        }
        out += String.fromCharCode(parseInt(hex, 16));
        i = j + 3;
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          let j = i + 1;
          let digits = e;
          const max = e <= '3' ? 3 : 2;
          while (digits.length < max && s[j + 1] !== undefined && s[j + 1]! >= '0' && s[j + 1]! <= '7') {
            j++;
            digits += s[j];
          }
          out += String.fromCharCode(parseInt(digits, 8));
          i = j;
        } else {
          out += c; // not an escape: the backslash stays (commons-text keeps both characters)
        }
    }
  }
  return out;
}

/** `s.getBytes(US_ASCII)`: each UTF-16 unit outside ASCII (a surrogate pair counts once) becomes `?`. */
export function asciiBytes(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) out.push(c);
    else {
      out.push(63);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
    }
  }
  return Buffer.from(out);
}

/** `new String(bytes, US_ASCII)`: bytes >= 0x80 become U+FFFD. */
export function asciiString(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 128 ? String.fromCharCode(b) : '\uFFFD';
  return out;
}

/** `s.getBytes(UTF_8)`: unpaired surrogates become `?`. */
export function utf8Bytes(s: string): Buffer {
  return Buffer.from(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?'), 'utf8');
}

/** `new String(bytes, UTF_8)`: malformed input becomes U+FFFD. */
export function utf8String(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** DatatypeConverter.printHexBinary: upper-case hex. */
export function hexUpper(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** DatatypeConverter.parseHexBinary (strict: even length, hex digits only). */
export function parseHexBinary(s: string): Buffer {
  if (s.length % 2 !== 0) throw new SluiceError('ENGINE_EVALUATION', `hexBinary needs to be even-length: ${s}`);
  if (!/^[0-9a-fA-F]*$/.test(s)) throw new SluiceError('ENGINE_EVALUATION', `contains illegal character for hexBinary: ${s}`);
  return Buffer.from(s, 'hex');
}

/** commons-codec Hex.decodeHex (strict, with its messages). */
export function decodeHexCodec(s: string): Buffer {
  if (s.length % 2 !== 0) throw new SluiceError('ENGINE_EVALUATION', 'Odd number of characters.');
  for (let i = 0; i < s.length; i++) {
    if (!/[0-9a-fA-F]/.test(s[i]!)) throw new SluiceError('ENGINE_EVALUATION', `Illegal hexadecimal character ${s[i]} at index ${i}`);
  }
  return Buffer.from(s, 'hex');
}

/** JDK Base64.getDecoder().decode (strict alphabet; padding optional but must be right). */
export function decodeBase64Strict(s: string): Buffer {
  const m = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(s);
  if (m === null) {
    const bad = [...s].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
    throw new SluiceError('ENGINE_EVALUATION', `Illegal base64 character ${bad >= 0 ? s.charCodeAt(bad).toString(16) : '3d'}`);
  }
  const body = m[1]!;
  const padding = m[2]!.length;
  if (body.length % 4 === 1 || (padding > 0 && (body.length + padding) % 4 !== 0)) {
    throw new SluiceError('ENGINE_EVALUATION', 'Last unit does not have enough valid bits');
  }
  return Buffer.from(body, 'base64');
}

/** commons-codec Base64.decodeBase64: lenient (skips anything outside either alphabet). */
export function decodeBase64Lenient(s: string): Buffer {
  return Buffer.from(s.replace(/[^A-Za-z0-9+/\-_]/g, ''), 'base64');
}

/** Java's ByteBuffer.compareTo: signed bytes, then length. */
export function compareBytesSigned(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = (a[i]! << 24) >> 24;
    const y = (b[i]! << 24) >> 24;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
