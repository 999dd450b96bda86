/**
 * String (and BYTES) functions: CHR, CONCAT, CONCAT_WS, ELT, ENCODE, FIELD, FROM_BYTES, INITCAP,
 * INSTR, LCASE, LEN, LPAD, MASK, MASK_KEEP_LEFT, MASK_KEEP_RIGHT, MASK_LEFT, MASK_RIGHT, MD5,
 * REPLACE, RPAD, SPLIT, SPLIT_TO_MAP, SUBSTRING, TO_BYTES, TRIM, UCASE, UUID — with ksqlDB's
 * signatures, null handling and Java string semantics (UTF-16 lengths, String.trim, Guava's
 * Splitter, commons-codec/JDK encodings).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FunctionContext, ScalarFunction } from '../types.js';
import {
  CONFLUENT,
  BYTES,
  INTEGER,
  STRING,
  arrayOf,
  checkResultSize,
  functionError,
  mapOf,
  overload,
  primitive,
  scalar,
  toInt,
} from './define.js';
import {
  asciiBytes,
  asciiString,
  decodeBase64Lenient,
  decodeBase64Strict,
  decodeHexCodec,
  hexUpper,
  isJavaRegexSpace,
  javaTrim,
  ordinalIndexOf,
  parseHexBinary,
  reverseString,
  splitEveryChar,
  substringFrom,
  unescapeJava,
  utf8Bytes,
  utf8String,
} from '../java/text.js';

const CATEGORY = 'STRING';

// ---- BytesUtils: encodings for FROM_BYTES / TO_BYTES ----

type Encoding = 'HEX' | 'UTF8' | 'ASCII' | 'BASE64';

function encodingFrom(value: string): Encoding {
  switch (value.toLowerCase()) {
    case 'hex':
      return 'HEX';
    case 'utf8':
      return 'UTF8';
    case 'ascii':
      return 'ASCII';
    case 'base64':
      return 'BASE64';
    default:
      throw functionError(`Unknown encoding type '${value}'. Supported formats are 'hex', 'utf8', 'ascii', and 'base64'.`);
  }
}

export function bytesToString(bytes: Buffer, encoding: Encoding): string {
  switch (encoding) {
    case 'HEX':
      return hexUpper(bytes);
    case 'UTF8':
      return utf8String(bytes);
    case 'ASCII':
      return asciiString(bytes);
    case 'BASE64':
      return bytes.toString('base64');
  }
}

export function stringToBytes(value: string, encoding: Encoding): Buffer {
  switch (encoding) {
    case 'HEX':
      return parseHexBinary(value);
    case 'UTF8':
      return utf8Bytes(value);
    case 'ASCII':
      return asciiBytes(value);
    case 'BASE64':
      return decodeBase64Strict(value);
  }
}

// ---- ENCODE (commons-codec based) ----

function hexStrip(hex: string): string {
  const len = hex.length;
  if (/^0x[^\n\r\u0085\u2028\u2029]*$/.test(hex)) return len % 2 !== 0 ? '0' + hex.slice(2) : hex.slice(2);
  if (/^[xX]'[^\n\r\u0085\u2028\u2029]*'$/.test(hex)) return hex.slice(2, len - 1);
  return hex;
}

const ENCODERS: Record<string, (input: string) => string> = {
  hexascii: (s) => asciiString(decodeHexCodec(hexStrip(s))),
  hexutf8: (s) => utf8String(decodeHexCodec(hexStrip(s))),
  hexbase64: (s) => decodeHexCodec(hexStrip(s)).toString('base64'),
  utf8ascii: (s) => asciiString(utf8Bytes(s)),
  utf8hex: (s) => utf8Bytes(s).toString('hex'),
  utf8base64: (s) => utf8Bytes(s).toString('base64'),
  asciiutf8: (s) => utf8String(asciiBytes(s)),
  asciihex: (s) => asciiBytes(s).toString('hex'),
  asciibase64: (s) => asciiBytes(s).toString('base64'),
  base64ascii: (s) => asciiString(decodeBase64Lenient(s)),
  base64utf8: (s) => utf8String(decodeBase64Lenient(s)),
  base64hex: (s) => decodeBase64Lenient(s).toString('hex'),
};

// ---- masking (ksqlDB's Masker) ----

const NO_MASK = -1;
const UPPER = /\p{Lu}/u;
const LOWER = /\p{Ll}/u;
const DIGIT = /\p{Nd}/u;

interface Masks {
  upper: number;
  lower: number;
  digit: number;
  other: number;
}

const DEFAULT_MASKS: Masks = { upper: 88 /* X */, lower: 120 /* x */, digit: 110 /* n */, other: 45 /* - */ };

function maskCharacter(mask: string | null): number {
  if (mask === null) return NO_MASK;
  if (mask.length !== 1) throw functionError(`Invalid mask character. Must be only single character, but was '${mask}'`);
  return mask.codePointAt(0)!;
}

function masksFrom(upper: string | null, lower: string | null, digit: string | null, other: string | null): Masks {
  return { upper: maskCharacter(upper), lower: maskCharacter(lower), digit: maskCharacter(digit), other: maskCharacter(other) };
}

function maskText(input: string, masks: Masks): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    // Java's Masker walks UTF-16 indexes but reads code points: a pair yields two outputs
    const cp = input.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const category = cp >= 0xd800 && cp <= 0xdfff ? 'other' : UPPER.test(ch) ? 'upper' : LOWER.test(ch) ? 'lower' : DIGIT.test(ch) ? 'digit' : 'other';
    const mask = masks[category];
    out += String.fromCodePoint(mask === NO_MASK ? cp : mask);
  }
  return out;
}

function checkMaskCount(name: string, numChars: number): void {
  if (numChars < 0) throw functionError(`function ${name} requires a non-negative number of characters to mask or skip`);
}

type MaskWith = (input: string, numChars: number, masks: Masks) => string;

function maskFunction(name: string, description: string, perform: MaskWith, keepOrMaskDoc: string): ScalarFunction {
  const lower = name.toLowerCase();
  return scalar({ name, declaredName: lower, category: CATEGORY, author: CONFLUENT, description }, [
    overload(
      [STRING, INTEGER],
      STRING,
      (input: string | null, numChars: number | null) => {
        const n = primitive(numChars, lower, 'numChars');
        checkMaskCount(lower, n);
        return input === null ? null : perform(input, n, DEFAULT_MASKS);
      },
      { names: ['input STRING to be masked', keepOrMaskDoc], description: `Returns a masked version of the input string. ${keepOrMaskDoc}: default masking rules.` },
    ),
    overload(
      [STRING, INTEGER, STRING, STRING, STRING, STRING],
      STRING,
      (input: string | null, numChars: number | null, upper: string | null, lowerMask: string | null, digit: string | null, other: string | null) => {
        const masks = masksFrom(upper, lowerMask, digit, other);
        const n = primitive(numChars, lower, 'numChars');
        checkMaskCount(lower, n);
        return input === null ? null : perform(input, n, masks);
      },
      {
        names: [
          'input STRING to be masked',
          keepOrMaskDoc,
          'upper-case mask, or NULL to use default',
          'lower-case mask, or NULL to use default',
          'digit mask, or NULL to use default',
          'mask for other characters, or NULL to use default',
        ],
        description: 'Returns a masked version of the input string with the specified masking characters.',
      },
    ),
  ]);
}

// ---- SUBSTRING ----

function startIndex(length: number, pos: number): number {
  return pos < 0 ? Math.max(length + pos, 0) : Math.max(Math.min(pos - 1, length), 0);
}

function endIndex(length: number, start: number, len: number): number {
  return Math.max(Math.min(toInt(start + len), length), start);
}

const LEGACY_SUBSTRING = 'ksql.functions.substring.legacy.args';

function legacySubstring(context: FunctionContext): boolean {
  const v = context.properties[LEGACY_SUBSTRING];
  return v === true || v === 'true';
}

/** Java's String.substring(begin[, end]) bounds checks (legacy SUBSTRING). */
function javaSubstring(s: string, begin: number, end = s.length): string {
  if (begin < 0 || end > s.length || begin > end) {
    throw functionError(`begin ${begin}, end ${end}, length ${s.length}`, { expected: 'indexes within the string', found: `${begin}..${end}` });
  }
  return s.slice(begin, end);
}

// ---- padding ----

function checkPadLength(targetLen: number): void {
  checkResultSize(targetLen, 'The padded value');
}

function lpadString(input: string | null, targetLen: number | null, padding: string | null): string | null {
  if (input === null) return null;
  if (padding === null || padding.length === 0 || targetLen === null || targetLen < 0) return null;
  checkPadLength(targetLen);
  const padUpTo = Math.max(targetLen - input.length, 0);
  const pad = padding.repeat(Math.ceil(padUpTo / padding.length)).slice(0, padUpTo);
  return (pad + input).slice(0, targetLen);
}

function rpadString(input: string | null, targetLen: number | null, padding: string | null): string | null {
  if (input === null) return null;
  if (padding === null || padding.length === 0 || targetLen === null || targetLen < 0) return null;
  checkPadLength(targetLen);
  const padChars = Math.max(targetLen - input.length, 0);
  return (input + padding.repeat(Math.ceil(padChars / padding.length))).slice(0, targetLen);
}

function lpadBytes(input: Buffer | null, targetLen: number | null, padding: Buffer | null): Buffer | null {
  if (input === null) return null;
  if (padding === null || padding.length === 0 || targetLen === null || targetLen < 0) return null;
  if (input.length > targetLen) return Buffer.from(input.subarray(0, targetLen));
  checkPadLength(targetLen);
  const out = Buffer.alloc(targetLen);
  const padUpTo = targetLen - input.length;
  for (let i = 0; i < padUpTo; i++) out[i] = padding[i % padding.length]!;
  input.copy(out, padUpTo);
  return out;
}

function rpadBytes(input: Buffer | null, targetLen: number | null, padding: Buffer | null): Buffer | null {
  if (input === null) return null;
  if (padding === null || padding.length === 0 || targetLen === null || targetLen < 0) return null;
  if (input.length > targetLen) return Buffer.from(input.subarray(0, targetLen));
  checkPadLength(targetLen);
  const out = Buffer.alloc(targetLen);
  input.copy(out, 0);
  for (let i = input.length; i < targetLen; i++) out[i] = padding[(i - input.length) % padding.length]!;
  return out;
}

// ---- SPLIT (bytes) ----

function splitBytes(bytes: Buffer, delimiter: Buffer): Buffer[] {
  if (bytes.length === 0) return [Buffer.alloc(0)];
  if (delimiter.length === 0) {
    const out: Buffer[] = [];
    for (let i = 0; i < bytes.length; i++) out.push(Buffer.from([bytes[i]!]));
    return out;
  }
  const out: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const at = bytes.indexOf(delimiter, offset);
    if (at < 0) break;
    out.push(Buffer.from(bytes.subarray(offset, at)));
    offset = at + delimiter.length;
  }
  out.push(Buffer.from(bytes.subarray(offset)));
  return out;
}

// ---- INSTR ----

function instr(str: string | null, substring: string | null, position: number, occurrence: number): number {
  if (str === null || substring === null) return 0;
  if (Math.abs(position) > str.length) return 0;
  if (position < 0) {
    const p = -position;
    const i = ordinalIndexOf(substringFrom(reverseString(str), p - 1), reverseString(substring), occurrence);
    if (i === -1) return 0;
    return str.length - p - i - substring.length + 2;
  }
  const i = ordinalIndexOf(substringFrom(str, position - 1), substring, occurrence);
  return i === -1 ? 0 : i + position;
}

// ---- INITCAP ----

function initcap(str: string): string {
  const lower = str.toLowerCase();
  let out = '';
  let i = 0;
  while (i < lower.length) {
    // find "[^\s]+\s*"
    while (i < lower.length && isJavaRegexSpace(lower.charCodeAt(i))) i++;
    if (i >= lower.length) break;
    const start = i;
    while (i < lower.length && !isJavaRegexSpace(lower.charCodeAt(i))) i++;
    while (i < lower.length && isJavaRegexSpace(lower.charCodeAt(i))) i++;
    const part = lower.slice(start, i);
    out += part.slice(0, 1).toUpperCase() + part.slice(1);
  }
  return out;
}

// ---- UUID ----

function uuidFromBytes(bytes: Buffer | null): string | null {
  if (bytes === null || bytes.length !== 16) return null;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const stringFunctions: readonly ScalarFunction[] = [
  scalar({ name: 'CHR', declaredName: 'Chr', category: CATEGORY, description: 'Returns a single-character string corresponding to the input character code.' }, [
    overload(
      [INTEGER],
      STRING,
      (decimalCode: number | null) => {
        if (decimalCode === null || decimalCode < 0 || decimalCode > 0x10ffff) return null;
        return String.fromCodePoint(decimalCode);
      },
      { names: ['decimalCode'], docs: ['Decimal codepoint'] },
    ),
    overload(
      [STRING],
      STRING,
      (utf16Code: string | null) => {
        if (utf16Code === null || utf16Code.length < 6 || !utf16Code.startsWith('\\u')) return null;
        return unescapeJava(utf16Code);
      },
      { names: ['utf16Code'], docs: ["UTF16 code for the desired character e.g. '\\u004b'"] },
    ),
  ]),

  scalar({ name: 'CONCAT', declaredName: 'concat', category: CATEGORY, description: 'Concatenate an arbitrary number of string or bytes fields together' }, [
    overload(
      [STRING],
      STRING,
      (...inputs: (string | null)[]) => {
        let out = '';
        for (const s of inputs) if (s !== null) out += s;
        return out;
      },
      { variadic: true, names: ['inputs'], docs: ['The varchar fields to concatenate'] },
    ),
    overload(
      [BYTES],
      BYTES,
      (...inputs: (Buffer | null)[]) => Buffer.concat(inputs.filter((b): b is Buffer => b !== null)),
      { variadic: true, names: ['inputs'], docs: ['The bytes fields to concatenate'] },
    ),
  ]),

  scalar(
    {
      name: 'CONCAT_WS',
      declaredName: 'concat_ws',
      category: CATEGORY,
      description: 'Concatenate several strings or bytes, inserting a separator passed as the first argument between each one.',
    },
    [
      overload(
        [STRING],
        STRING,
        (...inputs: (string | null)[]) => {
          if (inputs.length < 2) throw functionError('Function Concat_WS expects at least two input arguments.');
          const separator = inputs[0]!;
          if (separator === null) return null;
          return inputs.slice(1).filter((s): s is string => s !== null).join(separator);
        },
        { variadic: true, names: ['inputs'], docs: ['Separator string and values to join'] },
      ),
      overload(
        [BYTES],
        BYTES,
        (...inputs: (Buffer | null)[]) => {
          if (inputs.length < 2) throw functionError('Function Concat_WS expects at least two input arguments.');
          const separator = inputs[0]!;
          if (separator === null) return null;
          const parts: Buffer[] = [];
          for (const b of inputs.slice(1)) {
            if (b === null) continue;
            if (parts.length !== 0) parts.push(separator);
            parts.push(b);
          }
          return Buffer.concat(parts);
        },
        { variadic: true, names: ['inputs'], docs: ['Separator and bytes values to join'] },
      ),
    ],
  ),

  scalar(
    {
      name: 'ELT',
      declaredName: 'elt',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        'ELT() returns the Nth element of the list of strings. Returns NULL if N is less than 1 or greater than the number of arguments. Note that this method is 1-indexed. This is the complement to FIELD.',
    },
    [
      overload(
        [INTEGER, STRING],
        STRING,
        (n: number | null, ...args: (string | null)[]) => {
          const index = primitive(n, 'elt', 'n');
          if (index < 1 || index > args.length) return null;
          return args[index - 1] ?? null;
        },
        { variadic: true, names: ['n', 'args'], docs: ['the nth element to extract', 'the strings of which to extract the nth'] },
      ),
    ],
  ),

  scalar(
    {
      name: 'ENCODE',
      declaredName: 'encode',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        'Takes an input string s, which is encoded as input_encoding, and encodes it as output_encoding. The accepted input and output encodings are: hex, utf8, ascii and base64. Throws exception if provided encodings are not supported.',
    },
    [
      overload(
        [STRING, STRING, STRING],
        STRING,
        (str: string | null, inputEncoding: string | null, outputEncoding: string | null) => {
          if (str === null || inputEncoding === null || outputEncoding === null) return null;
          const encoder = ENCODERS[inputEncoding.toLowerCase() + outputEncoding.toLowerCase()];
          if (encoder === undefined) throw functionError('Supported input and output encodings are: hex, utf8, ascii and base64');
          return encoder(str);
        },
        {
          names: ['str', 'inputEncoding', 'outputEncoding'],
          docs: ['The source string. If null, then function returns null.', 'The input encoding. If null, then function returns null.', 'The output encoding. If null, then function returns null.'],
          description: 'Returns a new string encoded using the outputEncoding ',
        },
      ),
    ],
  ),

  scalar(
    {
      name: 'FIELD',
      declaredName: 'field',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        'Returns the position (1-indexed) of str in args, or 0 if not found. If str is NULL, the return value is 0 because NULL is not considered equal to any value. This is the compliment to ELT.',
    },
    [
      overload(
        [STRING, STRING],
        INTEGER,
        (str: string | null, ...args: (string | null)[]) => {
          if (str === null) return 0;
          const i = args.indexOf(str);
          return i + 1;
        },
        { variadic: true, names: ['str', 'args'] },
      ),
    ],
  ),

  scalar(
    {
      name: 'FROM_BYTES',
      declaredName: 'from_bytes',
      category: CATEGORY,
      author: CONFLUENT,
      description: "Converts a BYTES value to STRING in the specified encoding. The accepted encoders are 'hex', 'utf8', 'ascii', and 'base64'.",
    },
    [
      overload(
        [BYTES, STRING],
        STRING,
        (value: Buffer | null, encoding: string | null) => (value === null || encoding === null ? null : bytesToString(value, encodingFrom(encoding))),
        {
          names: ['value', 'encoding'],
          docs: ['The bytes value to convert.', 'The encoding to use on conversion.'],
          description: "Converts a BYTES value to STRING in the specified encoding. The accepted encoders are 'hex', 'utf8', 'ascii', and 'base64'.",
        },
      ),
    ],
  ),

  scalar(
    {
      name: 'INITCAP',
      declaredName: 'initcap',
      category: CATEGORY,
      author: CONFLUENT,
      description: 'Capitalizes the first letter of each word in a string and the rest lowercased. Words are delimited by whitespace.',
    },
    [
      overload([STRING], STRING, (str: string | null) => (str === null ? null : initcap(str)), {
        names: ['str'],
        docs: ['The source string. If null, then function returns null.'],
        description: 'Returns the string with the the first letter of each word capitalized and the rest lowercased',
      }),
    ],
  ),

  scalar({ name: 'INSTR', declaredName: 'instr', category: CATEGORY, author: CONFLUENT, description: 'Returns the position of substring in the provided string' }, [
    overload([STRING, STRING], INTEGER, (str: string | null, sub: string | null) => instr(str, sub, 1, 1), { names: ['str', 'substring'] }),
    overload(
      [STRING, STRING, INTEGER],
      INTEGER,
      (str: string | null, sub: string | null, position: number | null) => instr(str, sub, primitive(position, 'instr', 'position'), 1),
      { names: ['str', 'substring', 'position'] },
    ),
    overload(
      [STRING, STRING, INTEGER, INTEGER],
      INTEGER,
      (str: string | null, sub: string | null, position: number | null, occurrence: number | null) =>
        instr(str, sub, primitive(position, 'instr', 'position'), primitive(occurrence, 'instr', 'occurrence')),
      { names: ['str', 'substring', 'position', 'occurrence'] },
    ),
  ]),

  scalar({ name: 'LCASE', declaredName: 'lcase', category: CATEGORY, description: 'Returns a lower-case version of the input string.' }, [
    overload([STRING], STRING, (input: string | null) => (input === null ? null : input.toLowerCase()), { names: ['input'], docs: ['The string to lower-case'] }),
  ]),

  scalar({ name: 'LEN', declaredName: 'len', category: CATEGORY, description: 'Returns the length of the input string or byte array.' }, [
    overload([STRING], INTEGER, (input: string | null) => (input === null ? null : input.length), { names: ['input'], docs: ['The input string'] }),
    overload([BYTES], INTEGER, (input: Buffer | null) => (input === null ? null : input.length), { names: ['input'], docs: ['The input byte array'] }),
  ]),

  scalar(
    {
      name: 'LPAD',
      declaredName: 'LPad',
      category: CATEGORY,
      description:
        'Pads the input string or bytes, starting from the beginning, with the specified padding string until the target length is reached. If the input string or bytes are longer than the specified target length it will be truncated. If the padding string or bytes are empty or NULL, or the target length is negative, then NULL is returned.',
    },
    [
      overload([STRING, INTEGER, STRING], STRING, lpadString, { names: ['input', 'targetLen', 'padding'], docs: ['String to be padded', 'Target length', 'Padding string'] }),
      overload([BYTES, INTEGER, BYTES], BYTES, lpadBytes, { names: ['input', 'targetLen', 'padding'], docs: ['Bytes to be padded', 'Target length', 'Padding bytes'] }),
    ],
  ),

  maskFunction(
    'MASK_KEEP_LEFT',
    "Returns a version of the input string with all but the specified number of left-most characters masked out. Default masking rules will replace all upper-case characters with 'X', all lower-case characters with 'x', all digits with 'n', and any other character with '-'.",
    (input, n, masks) => {
      const keep = Math.min(n, input.length);
      return input.slice(0, keep) + maskText(input.slice(keep), masks);
    },
    'number of characters to keep unmasked at the start',
  ),
  maskFunction(
    'MASK_KEEP_RIGHT',
    "Returns a version of the input string with all but the specified number of right-most characters masked out. Default masking rules will replace all upper-case characters with 'X', all lower-case characters with 'x', all digits with 'n', and any other character with '-'.",
    (input, n, masks) => {
      const toMask = Math.max(0, input.length - n);
      return maskText(input.slice(0, toMask), masks) + input.slice(toMask);
    },
    'number of characters to keep unmasked at the end',
  ),
  maskFunction(
    'MASK_LEFT',
    "Returns a version of the input string with the specified number of characters, starting from the beginning of the string, masked out. Default masking rules will replace all upper-case characters with 'X', all lower-case characters with 'x', all digits with 'n', and any other character with '-'.",
    (input, n, masks) => {
      const toMask = Math.min(n, input.length);
      return maskText(input.slice(0, toMask), masks) + input.slice(toMask);
    },
    'number of characters to mask from the start',
  ),
  maskFunction(
    'MASK_RIGHT',
    "Returns a version of the input string with the specified number of characters, counting back from the end of the string, masked out. Default masking rules will replace all upper-case characters with 'X', all lower-case characters with 'x', all digits with 'n', and any other character with '-'.",
    (input, n, masks) => {
      const keep = Math.max(0, input.length - n);
      return input.slice(0, keep) + maskText(input.slice(keep), masks);
    },
    'number of characters to mask before the end',
  ),

  scalar(
    {
      name: 'MASK',
      declaredName: 'mask',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        "Returns a version of the input string with every character replaced by a mask. Default masking rules will replace all upper-case characters with 'X', all lower-case characters with 'x', all digits with 'n', and any other character with '-'.",
    },
    [
      overload([STRING], STRING, (input: string | null) => (input === null ? null : maskText(input, DEFAULT_MASKS)), {
        names: ['input STRING to be masked'],
        description: 'Returns a masked version of the input string. All characters of the input will be replaced according to the default masking rules.',
      }),
      overload(
        [STRING, STRING, STRING, STRING, STRING],
        STRING,
        (input: string | null, upper: string | null, lower: string | null, digit: string | null, other: string | null) => {
          const masks = masksFrom(upper, lower, digit, other);
          return input === null ? null : maskText(input, masks);
        },
        {
          names: [
            'input STRING to be masked',
            'upper-case mask, or NULL to use default',
            'lower-case mask, or NULL to use default',
            'digit mask, or NULL to use default',
            'mask for other characters, or NULL to use default',
          ],
          description: 'Returns a masked version of the input string. All characters of the input will be replaced with the specified masking characters',
        },
      ),
    ],
  ),

  scalar({ name: 'MD5', declaredName: 'md5', category: CATEGORY, author: CONFLUENT, description: 'Computes the hex-encoded md5 hash of the given string' }, [
    overload([STRING], STRING, (s: string | null) => (s === null ? null : createHash('md5').update(utf8Bytes(s)).digest('hex')), {
      names: ['s'],
      docs: ['The input string'],
      description: 'Returns the hex-encoded md5 hash of the input string',
    }),
  ]),

  scalar({ name: 'REPLACE', declaredName: 'replace', category: CATEGORY, author: CONFLUENT, description: 'Replaces all occurances of a substring in a string with a new substring.' }, [
    overload(
      [STRING, STRING, STRING],
      STRING,
      (str: string | null, oldStr: string | null, newStr: string | null) => {
        if (str === null || oldStr === null || newStr === null) return null;
        return str.replaceAll(oldStr, () => newStr);
      },
      {
        names: ['str', 'oldStr', 'newStr'],
        docs: ['The source string. If null, then function returns null.', 'The substring to replace. If null, then function returns null.', 'The string to replace the old substrings with. If null, then function returns null.'],
        description: 'Returns a new string with all occurences of oldStr in str with newStr',
      },
    ),
  ]),

  scalar(
    {
      name: 'RPAD',
      declaredName: 'RPad',
      category: CATEGORY,
      description:
        'Pads the input string or bytes, starting from the end, with the specified padding string until the target length is reached. If the input string or bytes are longer than the specified target length it will be truncated. If the padding string or bytes are empty or NULL, or the target length is negative, then NULL is returned.',
    },
    [
      overload([STRING, INTEGER, STRING], STRING, rpadString, { names: ['input', 'targetLen', 'padding'], docs: ['String to be padded', 'Target length', 'Padding string'] }),
      overload([BYTES, INTEGER, BYTES], BYTES, rpadBytes, { names: ['input', 'targetLen', 'padding'], docs: ['Bytes to be padded', 'Target length', 'Padding bytes'] }),
    ],
  ),

  scalar(
    {
      name: 'SPLIT',
      declaredName: 'split',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        'Splits a string or bytes into an array of substrings or bytes based on a delimiter. If the delimiter is found at the beginning of the string/bytes, end of the string/bytes, or there are contiguous delimiters in the string/bytes, then empty strings/bytes are added to the array. If the delimiter is not found, then the original string or bytes is returned as the only element in the array. If the delimiter is empty, then all characters or bytes in the string or bytes are split.',
    },
    [
      overload(
        [STRING, STRING],
        arrayOf(STRING),
        (string: string | null, delimiter: string | null) => {
          if (string === null || delimiter === null) return null;
          return delimiter.length === 0 ? splitEveryChar(string) : string.split(delimiter);
        },
        {
          names: ['string', 'delimiter'],
          docs: ['The string to be split. If NULL, then function returns NULL.', 'The delimiter to split a string by. If NULL, then function returns NULL.'],
          description: 'Splits a string into an array of substrings based on a delimiter.',
        },
      ),
      overload(
        [BYTES, BYTES],
        arrayOf(BYTES),
        (bytes: Buffer | null, delimiter: Buffer | null) => (bytes === null || delimiter === null ? null : splitBytes(bytes, delimiter)),
        {
          names: ['bytes', 'delimiter'],
          docs: ['The byte array to be split. If NULL, then function returns NULL.', 'The delimiter to split the byte array by. If NULL, then function returns NULL.'],
          description: 'Splits a byte array into an array of bytes values based on a delimiter.',
        },
      ),
    ],
  ),

  scalar(
    {
      name: 'SPLIT_TO_MAP',
      declaredName: 'split_to_map',
      category: CATEGORY,
      description:
        "Splits a string into key-value pairs and creates a map from them. The 'entryDelimiter' splits the string into key-value pairs which are then split by 'kvDelimiter'. If the same key is present multiple times in the input, the latest value for that key is returned. Returns NULL if the input text or either of the delimiters is NULL.",
    },
    [
      overload(
        [STRING, STRING, STRING],
        mapOf(STRING, STRING),
        (input: string | null, entryDelimiter: string | null, kvDelimiter: string | null) => {
          if (input === null || entryDelimiter === null || kvDelimiter === null) return null;
          if (entryDelimiter.length === 0 || kvDelimiter.length === 0 || entryDelimiter === kvDelimiter) return null;
          const out = new Map<string, string>();
          for (const entry of input.split(entryDelimiter)) {
            if (entry.length === 0 || !entry.includes(kvDelimiter)) continue;
            const parts = entry.split(kvDelimiter);
            out.set(parts[0]!, parts[1]!);
          }
          return out;
        },
        {
          names: ['input', 'entryDelimiter', 'kvDelimiter'],
          docs: ['Separator string and values to join', 'Separator string and values to join', 'Separator string and values to join'],
        },
      ),
    ],
  ),

  scalar({ name: 'SUBSTRING', declaredName: 'substring', category: CATEGORY, author: CONFLUENT, description: 'Returns the portion of the string or bytes passed in value.' }, [
    overload(
      [STRING, INTEGER],
      STRING,
      (context: FunctionContext, str: string | null, pos: number | null) => {
        if (str === null || pos === null) return null;
        if (legacySubstring(context)) return javaSubstring(str, pos);
        return str.slice(startIndex(str.length, pos));
      },
      {
        needsContext: true,
        names: ['str', 'pos'],
        docs: ['The source string.', 'The base-one position to start from.'],
        description: 'Returns the portion of str from pos to the end of str',
      },
    ),
    overload(
      [STRING, INTEGER, INTEGER],
      STRING,
      (context: FunctionContext, str: string | null, pos: number | null, length: number | null) => {
        if (str === null || pos === null || length === null) return null;
        if (legacySubstring(context)) return javaSubstring(str, pos, length);
        const start = startIndex(str.length, pos);
        return str.slice(start, endIndex(str.length, start, length));
      },
      {
        needsContext: true,
        names: ['str', 'pos', 'length'],
        docs: ['The source string.', 'The base-one position to start from.', 'The length to extract.'],
        description: 'Returns the portion of str that starts at pos and is of length len',
      },
    ),
    overload(
      [BYTES, INTEGER],
      BYTES,
      (bytes: Buffer | null, pos: number | null) => {
        if (bytes === null || pos === null) return null;
        return Buffer.from(bytes.subarray(startIndex(bytes.length, pos)));
      },
      {
        names: ['bytes', 'pos'],
        docs: ['The source bytes.', 'The base-one position to start from.'],
        description: 'Returns the portion of the bytes value from pos to the end of the bytes value',
      },
    ),
    overload(
      [BYTES, INTEGER, INTEGER],
      BYTES,
      (bytes: Buffer | null, pos: number | null, length: number | null) => {
        if (bytes === null || pos === null || length === null) return null;
        const start = startIndex(bytes.length, pos);
        return Buffer.from(bytes.subarray(start, endIndex(bytes.length, start, length)));
      },
      {
        names: ['bytes', 'pos', 'length'],
        docs: ['The source bytes.', 'The base-one position to start from.', 'The length to extract.'],
        description: 'Returns the portion of the bytes value that starts at pos and is of length len',
      },
    ),
  ]),

  scalar(
    {
      name: 'TO_BYTES',
      declaredName: 'to_bytes',
      category: CATEGORY,
      author: CONFLUENT,
      description: "Converts a STRING value in the specified encoding to BYTES. The accepted encoders are 'hex', 'utf8', 'ascii', and 'base64'.",
    },
    [
      overload(
        [STRING, STRING],
        BYTES,
        (value: string | null, encoding: string | null) => (value === null || encoding === null ? null : stringToBytes(value, encodingFrom(encoding))),
        {
          names: ['value', 'encoding'],
          docs: ['The string to convert.', 'The type of encoding.'],
          description: "Converts a STRING value in the specified encoding to BYTES. The accepted encoders are 'hex', 'utf8', 'ascii', and 'base64'.",
        },
      ),
    ],
  ),

  scalar({ name: 'TRIM', declaredName: 'trim', category: CATEGORY, description: 'Remove whitespace from the beginning and end of a string.' }, [
    overload([STRING], STRING, (input: string | null) => (input === null ? null : javaTrim(input)), { names: ['input'], docs: ['The string to trim'] }),
  ]),

  scalar({ name: 'UCASE', declaredName: 'ucase', category: CATEGORY, description: 'Returns an upper-case version of the input string.' }, [
    overload([STRING], STRING, (input: string | null) => (input === null ? null : input.toUpperCase()), { names: ['input'], docs: ['The string to upper-case'] }),
  ]),

  scalar(
    {
      name: 'UUID',
      category: CATEGORY,
      description:
        'Create a Universally Unique Identifier (UUID) generated according to RFC 4122. A call to UUID() returns a value conforming to UUID version 4, sometimes called "random UUID", as described in RFC 4122. A call to UUID(bytes) returns a value conforming to UUID. The value is a 128-bit number represented as a string of five hexadecimal numbers aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.',
    },
    [overload([], STRING, () => randomUUID()), overload([BYTES], STRING, uuidFromBytes, { names: ['bytes'] })],
  ),
];
