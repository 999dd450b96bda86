/**
 * Java regular expressions (java.util.regex.Pattern) on top of JS RegExp.
 *
 * ksqlDB's regex functions take Java patterns, so a pattern is translated to an equivalent JS
 * RegExp (compiled with the `v` flag, which gives nested classes and `&&` intersection like
 * Java's classes, and code-point matching like Java):
 * - `.` excludes only Java's line terminators (`\n \r \u0085 \u2028 \u2029`), `$` matches before
 *   a final line terminator, `\s` is `[ \t\n\x0B\f\r]`, `\h \v \R \A \z \Z \a \e \0oct \x{h}` and
 *   `\Q...\E` mean what they mean in Java;
 * - POSIX and java.lang.Character classes (`\p{Alpha}`, `\p{javaLowerCase}`, `\p{IsLatin}`,
 *   `\p{Lu}`, `\p{L}`...) become explicit sets or Unicode property escapes;
 * - character classes with nested classes and `&&` are kept (the `v` flag has both);
 * - embedded flags `(?imsxdu)` set the flags; (JS has no scoped flags here, so a flag set part-way
 *   through a pattern or in `(?i:...)` applies to the whole pattern);
 * - possessive quantifiers and atomic groups `(?>...)` lose their no-backtracking meaning.
 *   Unicode blocks (`\p{InGreek}`) and `\G` are rejected.
 * Compiled patterns are cached.
 */
import { SluiceError } from '../deps.js';

export interface JavaPattern {
  /** The original Java pattern. */
  readonly source: string;
  /** A global (`g`) JS RegExp equivalent to it. Reset `lastIndex` before use. */
  readonly regex: RegExp;
  /** Number of capturing groups (Java's `Matcher.groupCount()`). */
  readonly groupCount: number;
}

/** Thrown for a pattern Java would reject (or that has no JS equivalent). */
export class PatternSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternSyntaxError';
  }
}

const LINE_TERMINATORS = '\\n\\r\\u0085\\u2028\\u2029';
const JAVA_SPACE = '\\t-\\r\\u{20}';
const HORIZONTAL_SPACE = '\\t\\u{20}\\u00A0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';
const VERTICAL_SPACE = '\\n-\\r\\u0085\\u2028\\u2029';

/** Sets for `\p{...}` names that are not Unicode properties, as class contents. */
const POSIX_SETS: Record<string, string> = {
  lower: 'a-z',
  upper: 'A-Z',
  ascii: '\\x00-\\x7F',
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  punct: '\\u{21}-\\u{2F}\\u{3A}-\\u{40}\\u{5B}-\\u{60}\\u{7B}-\\u{7E}',
  graph: '\\u{21}-\\u{7E}',
  print: '\\u{20}-\\u{7E}',
  blank: '\\u{20}\\t',
  cntrl: '\\x00-\\x1F\\x7F',
  xdigit: '0-9a-fA-F',
  space: JAVA_SPACE,
};

/** java.lang.Character-based classes, as class contents (v-flag syntax). */
const JAVA_SETS: Record<string, string> = {
  javalowercase: '\\p{Lowercase}',
  javauppercase: '\\p{Uppercase}',
  javawhitespace: '[\\t-\\r\\x1C-\\x1F\\p{Zs}\\u2028\\u2029--[\\u00A0\\u2007\\u202F]]',
  javamirrored: '\\p{Bidi_Mirrored}',
  javaletter: '\\p{L}',
  javadigit: '\\p{Nd}',
  javaletterordigit: '\\p{L}\\p{Nd}',
  javaalphabetic: '\\p{Alphabetic}',
  javaideographic: '\\p{Ideographic}',
  javatitlecase: '\\p{Lt}',
  javaspacechar: '\\p{Z}',
  javaisocontrol: '\\x00-\\x1F\\x7F-\\x9F',
  javadefined: '\\P{Cn}',
  javaidentifierignorable: '\\x00-\\x08\\x0E-\\x1B\\x7F-\\x9F\\p{Cf}',
  javaunicodeidentifierstart: '\\p{ID_Start}',
  javaunicodeidentifierpart: '\\p{ID_Continue}',
};

const GENERAL_CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'LC', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'S', 'Sm', 'Sc', 'Sk', 'So',
  'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Co', 'Cs', 'Cn',
]);

/** Java binary properties (`\p{IsAlphabetic}`) → JS property names. */
const BINARY_PROPERTIES: Record<string, string> = {
  alphabetic: 'Alphabetic',
  ideographic: 'Ideographic',
  letter: 'L',
  lowercase: 'Lowercase',
  uppercase: 'Uppercase',
  titlecase: 'Lt',
  punctuation: 'P',
  control: 'Cc',
  white_space: 'White_Space',
  whitespace: 'White_Space',
  digit: 'Nd',
  hex_digit: 'Hex_Digit',
  hexdigit: 'Hex_Digit',
  join_control: 'Join_Control',
  joincontrol: 'Join_Control',
  noncharacter_code_point: 'Noncharacter_Code_Point',
  noncharactercodepoint: 'Noncharacter_Code_Point',
  assigned: 'Assigned',
  emoji: 'Emoji',
  emoji_presentation: 'Emoji_Presentation',
  emoji_modifier: 'Emoji_Modifier',
  emoji_modifier_base: 'Emoji_Modifier_Base',
  emoji_component: 'Emoji_Component',
  extended_pictographic: 'Extended_Pictographic',
};

function scriptName(name: string): string {
  return name
    .split('_')
    .map((w) => (w.length === 0 ? w : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join('_');
}

/** A `\p{name}` (or `\P{name}` when negated) as a class item (v-flag syntax). */
function propertyItem(name: string, negated: boolean): string {
  const wrap = (contents: string): string => (negated ? `[^${contents}]` : `[${contents}]`);
  const lower = name.toLowerCase();
  if (POSIX_SETS[lower] !== undefined && name[0] !== undefined && name !== lower) return wrap(POSIX_SETS[lower]!);
  if (JAVA_SETS[lower] !== undefined && lower.startsWith('java')) return wrap(JAVA_SETS[lower]!);
  const p = negated ? '\\P' : '\\p';
  let body = name;
  const eq = body.indexOf('=');
  if (eq >= 0) {
    const key = body.slice(0, eq).toLowerCase();
    const value = body.slice(eq + 1);
    if (key === 'gc' || key === 'general_category') {
      if (GENERAL_CATEGORIES.has(value)) return `${p}{${value}}`;
    } else if (key === 'sc' || key === 'script') {
      return `${p}{Script=${scriptName(value)}}`;
    }
    throw new PatternSyntaxError(`Unsupported Unicode property \\p{${name}}`);
  }
  if (GENERAL_CATEGORIES.has(body)) return `${p}{${body}}`;
  if (body === 'L1') return wrap('\\x00-\\xFF');
  if (body === 'LD') return wrap('\\p{L}\\p{Nd}');
  if (body.startsWith('In')) throw new PatternSyntaxError(`Unicode blocks are not supported: \\p{${name}}`);
  if (body.startsWith('Is')) {
    body = body.slice(2);
    if (GENERAL_CATEGORIES.has(body)) return `${p}{${body}}`;
    const binary = BINARY_PROPERTIES[body.toLowerCase()];
    if (binary !== undefined) return `${p}{${binary}}`;
    return `${p}{Script=${scriptName(body)}}`;
  }
  if (POSIX_SETS[lower] !== undefined) return wrap(POSIX_SETS[lower]!);
  throw new PatternSyntaxError(`Unknown character property name {${name}}`);
}

/** A code point as a safe JS escape (valid everywhere with the v flag). */
function escapeCodePoint(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** A literal code point outside a class. */
function literal(cp: number): string {
  // SyntaxCharacter and '/' may be escaped with a backslash in v-mode; anything else is literal
  if (cp < 128 && '^$\\.*+?()[]{}|/'.includes(String.fromCharCode(cp))) return '\\' + String.fromCharCode(cp);
  return String.fromCodePoint(cp);
}

interface Atom {
  text: string;
  quantifiable: boolean;
}

const atom = (text: string, quantifiable = true): Atom => ({ text, quantifiable });

interface Flags {
  caseInsensitive: boolean;
  dotAll: boolean;
  multiline: boolean;
  comments: boolean;
  unixLines: boolean;
}

class Translator {
  private pos = 0;
  groupCount = 0;
  private readonly flags: Flags = { caseInsensitive: false, dotAll: false, multiline: false, comments: false, unixLines: false };

  constructor(private readonly src: string) {}

  translate(): { source: string; flags: string } {
    const out = this.sequence(false);
    if (this.pos < this.src.length) throw this.error('Unmatched closing \')\'');
    let flags = 'gv';
    if (this.flags.caseInsensitive) flags += 'i';
    if (this.flags.multiline) flags += 'm';
    return { source: out, flags };
  }

  private error(message: string): PatternSyntaxError {
    return new PatternSyntaxError(`${message} near index ${this.pos}\n${this.src}`);
  }

  private peek(offset = 0): number {
    return this.src.codePointAt(this.pos + offset) ?? -1;
  }

  private next(): number {
    const cp = this.src.codePointAt(this.pos);
    if (cp === undefined) throw this.error('Unexpected end of pattern');
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private skipComments(): void {
    if (!this.flags.comments) return;
    for (;;) {
      const c = this.peek();
      if (c === 32 || (c >= 9 && c <= 13)) {
        this.pos++;
      } else if (c === 35 /* # */) {
        while (this.pos < this.src.length && !'\n\r\u0085\u2028\u2029'.includes(this.src[this.pos]!)) this.pos++;
      } else {
        return;
      }
    }
  }

  /** A sequence of alternatives up to `)` (not consumed) or the end. */
  private sequence(inGroup: boolean): string {
    let out = '';
    for (;;) {
      this.skipComments();
      if (this.pos >= this.src.length) {
        if (inGroup) throw this.error('Unclosed group');
        return out;
      }
      const c = this.peek();
      if (c === 41 /* ) */) {
        if (!inGroup) throw this.error('Unmatched closing \')\'');
        return out;
      }
      if (c === 124 /* | */) {
        this.pos++;
        out += '|';
        continue;
      }
      const a = this.atom();
      if (a === null) continue;
      out += a.text + this.quantifier(a.quantifiable);
    }
  }

  private quantifier(quantifiable: boolean): string {
    this.skipComments();
    const c = this.peek();
    let q = '';
    if (c === 42 || c === 43 || c === 63) {
      this.pos++;
      q = String.fromCharCode(c);
    } else if (c === 123 /* { */) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (m === null) throw this.error('Illegal repetition');
      this.pos += m[0].length;
      q = m[0];
    } else {
      return '';
    }
    if (!quantifiable) throw this.error(`Dangling meta character '${q[0]}'`);
    const mode = this.peek();
    if (mode === 63 /* ? lazy */) {
      this.pos++;
      q += '?';
    } else if (mode === 43 /* + possessive: no JS equivalent, treated as greedy */) {
      this.pos++;
    }
    return q;
  }

  private atom(): Atom | null {
    const make = atom;
    const c = this.next();
    switch (c) {
      case 40 /* ( */:
        return this.group();
      case 91 /* [ */:
        return make(this.characterClass());
      case 46 /* . */:
        if (this.flags.dotAll) return make('[\\s\\S]');
        return make(this.flags.unixLines ? '[^\\n]' : `[^${LINE_TERMINATORS}]`);
      case 94 /* ^ */:
        return make('^', false);
      case 36 /* $ */:
        if (this.flags.multiline) return make(this.flags.unixLines ? '(?=\\n|(?![\\s\\S]))' : `(?=[${LINE_TERMINATORS}]|(?![\\s\\S]))`, false);
        return make(this.flags.unixLines ? '(?=\\n?(?![\\s\\S]))' : `(?=(?:\\r\\n|[${LINE_TERMINATORS}])?(?![\\s\\S]))`, false);
      case 92 /* \ */:
        return this.escape();
      case 42:
      case 43:
      case 63:
        throw this.error(`Dangling meta character '${String.fromCharCode(c)}'`);
      case 123 /* { */:
        throw this.error('Illegal repetition');
      default:
        return make(literal(c));
    }
  }

  private group(): Atom | null {
    const make = atom;
    if (this.peek() !== 63 /* ? */) {
      this.groupCount++;
      const inner = this.sequence(true);
      this.pos++; // )
      return make(`(${inner})`);
    }
    this.pos++; // ?
    const c = this.peek();
    let open: string;
    if (c === 58 /* : */) {
      this.pos++;
      open = '(?:';
    } else if (c === 61 /* = */ || c === 33 /* ! */) {
      this.pos++;
      open = `(?${String.fromCharCode(c)}`;
    } else if (c === 62 /* > atomic: treated as non-capturing */) {
      this.pos++;
      open = '(?:';
    } else if (c === 60 /* < */) {
      const d = this.peek(1);
      if (d === 61 || d === 33) {
        this.pos += 2;
        open = `(?<${String.fromCharCode(d)}`;
      } else {
        const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.src.slice(this.pos));
        if (m === null) throw this.error('Unknown look-behind group');
        this.pos += m[0].length;
        this.groupCount++;
        open = `(?<${m[1]}>`;
      }
    } else {
      // embedded flags: (?idmsuxU-idmsuxU) or (?flags:X)
      const m = /^([idmsuxU]*)(?:-([idmsuxU]*))?([:)])/.exec(this.src.slice(this.pos));
      if (m === null) throw this.error('Unknown inline modifier');
      this.pos += m[0].length;
      this.applyFlags(m[1] ?? '', true);
      this.applyFlags(m[2] ?? '', false);
      if (m[3] === ')') return null;
      open = '(?:';
    }
    const inner = this.sequence(true);
    this.pos++; // )
    const lookaround = open.startsWith('(?=') || open.startsWith('(?!') || open.startsWith('(?<=') || open.startsWith('(?<!');
    // Java lets a lookaround take a quantifier; JS needs it wrapped in a group for that
    return make(lookaround ? `(?:${open}${inner}))` : `${open}${inner})`);
  }

  private applyFlags(letters: string, on: boolean): void {
    for (const f of letters) {
      switch (f) {
        case 'i':
          this.flags.caseInsensitive = on;
          break;
        case 's':
          this.flags.dotAll = on;
          break;
        case 'm':
          this.flags.multiline = on;
          break;
        case 'x':
          this.flags.comments = on;
          break;
        case 'd':
          this.flags.unixLines = on;
          break;
        default:
          break; // u, U: Unicode case / classes — JS with the v flag is already Unicode-aware
      }
    }
  }

  /** After a backslash, outside a class. */
  private escape(): Atom {
    const make = atom;
    const c = this.next();
    const ch = String.fromCodePoint(c);
    switch (ch) {
      case 'A':
        return make('(?<![\\s\\S])', false);
      case 'z':
        return make('(?![\\s\\S])', false);
      case 'Z':
        return make(`(?=(?:\\r\\n|[${LINE_TERMINATORS}])?(?![\\s\\S]))`, false);
      case 'b':
        if (this.peek() === 123 /* \b{g} */) throw this.error('Unsupported \\b{g}');
        return make('\\b', false);
      case 'B':
        return make('\\B', false);
      case 'G':
        throw this.error('\\G is not supported');
      case 'R':
        return make(`(?:\\r\\n|[${VERTICAL_SPACE}])`);
      case 'X':
        throw this.error('\\X is not supported');
      case 'k': {
        const m = /^<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.src.slice(this.pos));
        if (m === null) throw this.error('\\k is not followed by \'<\' for named capturing group');
        this.pos += m[0].length;
        return make(`\\k<${m[1]}>`);
      }
      case 'Q': {
        const end = this.src.indexOf('\\E', this.pos);
        const text = end < 0 ? this.src.slice(this.pos) : this.src.slice(this.pos, end);
        this.pos = end < 0 ? this.src.length : end + 2;
        let out = '';
        for (const t of text) out += literal(t.codePointAt(0)!);
        return make(out === '' ? '(?:)' : `(?:${out})`);
      }
      case 'E':
        return make('(?:)', false); // a stray \E is ignored by Java
      default:
        break;
    }
    if (c >= 49 && c <= 57 /* 1-9: back reference */) {
      let n = c - 48;
      while (this.peek() >= 48 && this.peek() <= 57 && n * 10 + (this.peek() - 48) <= this.groupCount) {
        n = n * 10 + (this.next() - 48);
      }
      return make(`\\${n}`);
    }
    const set = this.setEscape(ch);
    if (set !== null) return make(set.standalone);
    return make(literal(this.charEscape(c)));
  }

  /** Class-like escapes: the item form (inside a class) and the standalone form. */
  private setEscape(ch: string): { item: string; standalone: string } | null {
    const both = (s: string): { item: string; standalone: string } => ({ item: s, standalone: s });
    switch (ch) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return both(`\\${ch}`);
      case 's':
        return { item: JAVA_SPACE, standalone: `[${JAVA_SPACE}]` };
      case 'S':
        return both(`[^${JAVA_SPACE}]`);
      case 'h':
        return { item: HORIZONTAL_SPACE, standalone: `[${HORIZONTAL_SPACE}]` };
      case 'H':
        return both(`[^${HORIZONTAL_SPACE}]`);
      case 'v':
        return { item: VERTICAL_SPACE, standalone: `[${VERTICAL_SPACE}]` };
      case 'V':
        return both(`[^${VERTICAL_SPACE}]`);
      case 'p':
      case 'P': {
        let name: string;
        if (this.peek() === 123 /* { */) {
          const end = this.src.indexOf('}', this.pos);
          if (end < 0) throw this.error('Unclosed character family');
          name = this.src.slice(this.pos + 1, end);
          this.pos = end + 1;
        } else {
          name = String.fromCodePoint(this.next());
        }
        return both(propertyItem(name, ch === 'P'));
      }
      default:
        return null;
    }
  }

  /** A single-character escape (after the backslash, `c` already consumed): its code point. */
  private charEscape(c: number): number {
    const ch = String.fromCodePoint(c);
    switch (ch) {
      case 't':
        return 9;
      case 'n':
        return 10;
      case 'r':
        return 13;
      case 'f':
        return 12;
      case 'a':
        return 7;
      case 'e':
        return 27;
      case '0': {
        let n = 0;
        let digits = 0;
        while (digits < 3 && this.peek() >= 48 && this.peek() <= 55) {
          const next = n * 8 + (this.peek() - 48);
          if (next > 0o377) break;
          n = next;
          this.pos++;
          digits++;
        }
        if (digits === 0) throw this.error('Illegal octal escape sequence');
        return n;
      }
      case 'x': {
        if (this.peek() === 123 /* { */) {
          const m = /^\{([0-9a-fA-F]+)\}/.exec(this.src.slice(this.pos));
          if (m === null) throw this.error('Unclosed hexadecimal escape sequence');
          this.pos += m[0].length;
          const cp = parseInt(m[1]!, 16);
          if (cp > 0x10ffff) throw this.error('Hexadecimal codepoint is too big');
          return cp;
        }
        const m = /^[0-9a-fA-F]{2}/.exec(this.src.slice(this.pos));
        if (m === null) throw this.error('Illegal hexadecimal escape sequence');
        this.pos += 2;
        return parseInt(m[0], 16);
      }
      case 'u': {
        const m = /^[0-9a-fA-F]{4}/.exec(this.src.slice(this.pos));
        if (m === null) throw this.error('Illegal Unicode escape sequence');
        this.pos += 4;
        let cp = parseInt(m[0], 16);
        // a surrogate pair written as two \u escapes is one code point
        if (cp >= 0xd800 && cp <= 0xdbff && this.src.startsWith('\\u', this.pos)) {
          const low = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(this.src.slice(this.pos));
          if (low !== null) {
            this.pos += 6;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(low[1]!, 16) - 0xdc00);
          }
        }
        return cp;
      }
      case 'c': {
        const x = this.next();
        return x ^ 64;
      }
      default:
        if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) throw this.error('Illegal/unsupported escape sequence');
        return c; // any other escaped character stands for itself
    }
  }

  /**
   * A character class, after `[`: Java's unions (nested classes), ranges and `&&`
   * intersections, emitted in v-flag syntax.
   */
  private characterClass(): string {
    let negated = false;
    if (this.peek() === 94 /* ^ */) {
      negated = true;
      this.pos++;
    }
    const operands: string[][] = [[]];
    let first = true;
    for (;;) {
      if (this.flags.comments) {
        while (this.peek() === 32 || (this.peek() >= 9 && this.peek() <= 13)) this.pos++;
      }
      if (this.pos >= this.src.length) throw this.error('Unclosed character class');
      const c = this.peek();
      if (c === 93 /* ] */ && !first) {
        this.pos++;
        break;
      }
      first = false;
      const current = operands[operands.length - 1]!;
      if (c === 91 /* [ nested */) {
        this.pos++;
        current.push(this.characterClass());
        continue;
      }
      if (c === 38 /* & */ && this.peek(1) === 38) {
        this.pos += 2;
        operands.push([]);
        continue;
      }
      // a single character, a set escape, or a range
      const start = this.classAtom();
      if (typeof start === 'string') {
        current.push(start);
        continue;
      }
      if (this.peek() === 45 /* - */ && this.peek(1) !== 93 /* ] */ && this.peek(1) !== 91 && this.peek(1) !== -1) {
        this.pos++;
        const end = this.classAtom();
        if (typeof end === 'string') throw this.error('Illegal character range');
        if (end < start) throw this.error('Illegal character range');
        current.push(`${escapeCodePoint(start)}-${escapeCodePoint(end)}`);
        continue;
      }
      current.push(escapeCodePoint(start));
    }
    const body =
      operands.length === 1
        ? operands[0]!.join('')
        : operands.map((op) => `[${op.join('')}]`).join('&&');
    return `[${negated ? '^' : ''}${body}]`;
  }

  /** One class member: a code point, or a set (string) such as `\d` or `\p{L}`. */
  private classAtom(): number | string {
    const c = this.next();
    if (c !== 92 /* \ */) return c;
    const e = this.next();
    const ch = String.fromCodePoint(e);
    if (ch === 'Q') {
      const end = this.src.indexOf('\\E', this.pos);
      const text = end < 0 ? this.src.slice(this.pos) : this.src.slice(this.pos, end);
      this.pos = end < 0 ? this.src.length : end + 2;
      let out = '';
      for (const t of text) out += escapeCodePoint(t.codePointAt(0)!);
      return out === '' ? '' : out;
    }
    const set = this.setEscape(ch);
    if (set !== null) return set.item;
    if (e >= 49 && e <= 57) throw this.error('Illegal/unsupported escape sequence');
    return this.charEscape(e);
  }
}

const CACHE_SIZE_MAX = 512;
const cache = new Map<string, JavaPattern>();

/** Compiles a Java pattern (cached). Throws PatternSyntaxError when Java would reject it. */
export function compileJavaPattern(pattern: string): JavaPattern {
  const cached = cache.get(pattern);
  if (cached !== undefined) return cached;
  const translator = new Translator(pattern);
  const { source, flags } = translator.translate();
  let regex: RegExp;
  try {
    regex = new RegExp(source, flags);
  } catch (e) {
    throw new PatternSyntaxError(`${(e as Error).message}\n${pattern}`);
  }
  const compiled: JavaPattern = { source: pattern, regex, groupCount: translator.groupCount };
  if (cache.size >= CACHE_SIZE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(pattern, compiled);
  return compiled;
}

/** Like compileJavaPattern, but a bad pattern is a SluiceError with `message`. */
export function compileOrThrow(pattern: string, message: string): JavaPattern {
  try {
    return compileJavaPattern(pattern);
  } catch (e) {
    if (e instanceof PatternSyntaxError) {
      throw new SluiceError('ENGINE_EVALUATION', message, { expected: 'a valid Java regular expression', found: pattern }, { cause: e });
    }
    throw e;
  }
}

/** All matches, left to right, as Java's `while (m.find())` sees them. */
export function* findAll(pattern: JavaPattern, input: string): Generator<RegExpExecArray> {
  const re = pattern.regex;
  re.lastIndex = 0;
  for (;;) {
    const m = re.exec(input);
    if (m === null) return;
    if (m[0].length === 0) re.lastIndex = m.index + 1;
    yield m;
    if (re.lastIndex > input.length) return;
  }
}

/** The first match (Java's first `m.find()`), or null. */
export function findFirst(pattern: JavaPattern, input: string): RegExpExecArray | null {
  const re = pattern.regex;
  re.lastIndex = 0;
  const m = re.exec(input);
  re.lastIndex = 0;
  return m;
}

/** Does the whole input match (Java's `Matcher.matches()`)? */
export function matchesWhole(pattern: JavaPattern, input: string): boolean {
  const anchored = new RegExp(`^(?:${pattern.regex.source})$`, pattern.regex.flags.replace('g', '').replace('m', ''));
  return anchored.test(input);
}

type ReplacementPart = string | { group: number } | { name: string };

/** Parses a Java replacement string (`$1`, `${name}`, `\$`), checking group references. */
function parseReplacement(replacement: string, pattern: JavaPattern, names: readonly string[]): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let text = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new SluiceError('ENGINE_EVALUATION', 'character to be escaped is missing');
      text += replacement[i];
    } else if (c === '$') {
      i++;
      if (i >= replacement.length) throw new SluiceError('ENGINE_EVALUATION', 'Illegal group reference: group index is missing');
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        const name = end < 0 ? '' : replacement.slice(i + 1, end);
        if (end < 0 || !/^[a-zA-Z][a-zA-Z0-9]*$/.test(name)) throw new SluiceError('ENGINE_EVALUATION', 'named capturing group is missing trailing \'}\'');
        if (!names.includes(name)) throw new SluiceError('ENGINE_EVALUATION', `No group with name {${name}}`);
        if (text !== '') parts.push(text);
        text = '';
        parts.push({ name });
        i = end;
      } else {
        const d = replacement.charCodeAt(i) - 48;
        if (d < 0 || d > 9) throw new SluiceError('ENGINE_EVALUATION', 'Illegal group reference');
        let group = d;
        if (group > pattern.groupCount) throw new SluiceError('ENGINE_EVALUATION', `No group ${group}`);
        while (i + 1 < replacement.length) {
          const e = replacement.charCodeAt(i + 1) - 48;
          if (e < 0 || e > 9) break;
          const bigger = group * 10 + e;
          if (bigger > pattern.groupCount) break;
          group = bigger;
          i++;
        }
        if (text !== '') parts.push(text);
        text = '';
        parts.push({ group });
      }
    } else {
      text += c;
    }
  }
  if (text !== '') parts.push(text);
  return parts;
}

/** Java's `String.replaceAll(regex, replacement)`. */
export function replaceAll(pattern: JavaPattern, input: string, replacement: string): string {
  const names = [...pattern.source.matchAll(/\(\?<([a-zA-Z][a-zA-Z0-9]*)>/g)].map((m) => m[1]!);
  const parts = parseReplacement(replacement, pattern, names);
  let out = '';
  let last = 0;
  for (const m of findAll(pattern, input)) {
    out += input.slice(last, m.index);
    for (const p of parts) {
      if (typeof p === 'string') out += p;
      else if ('group' in p) out += m[p.group] ?? '';
      else out += m.groups?.[p.name] ?? '';
    }
    last = m.index + m[0].length;
  }
  return out + input.slice(last);
}

/**
 * Java's `Pattern.split(input)` (limit 0): trailing empty strings removed, and no leading empty
 * string from a zero-width match at the start.
 */
export function javaSplit(pattern: JavaPattern, input: string): string[] {
  const out: string[] = [];
  let index = 0;
  let matched = false;
  for (const m of findAll(pattern, input)) {
    const end = m.index + m[0].length;
    if (index === 0 && m.index === 0 && end === 0) continue; // zero-width match at the beginning
    out.push(input.slice(index, m.index));
    index = end;
    matched = true;
  }
  if (!matched || index === 0) return [input];
  out.push(input.slice(index));
  let n = out.length;
  while (n > 0 && out[n - 1] === '') n--;
  return out.slice(0, n);
}

/**
 * Guava's `Splitter.on(pattern).splitToList(input)`: every piece, empty ones included (an empty
 * separator match where the current piece starts is skipped over, as Guava does).
 */
export function guavaSplit(pattern: JavaPattern, input: string): string[] {
  const re = pattern.regex;
  const out: string[] = [];
  let offset = 0;
  while (offset !== -1) {
    const nextStart = offset;
    for (;;) {
      re.lastIndex = offset;
      const m = re.exec(input);
      let end: number;
      if (m === null) {
        end = input.length;
        offset = -1;
      } else {
        end = m.index;
        offset = m.index + m[0].length;
      }
      if (offset === nextStart) {
        offset++;
        if (offset > input.length) offset = -1;
        if (offset === -1) break;
        continue;
      }
      out.push(input.slice(nextStart, end));
      break;
    }
  }
  re.lastIndex = 0;
  return out;
}
