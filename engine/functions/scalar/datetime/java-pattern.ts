/**
 * Java DateTimeFormatter patterns (`yyyy-MM-dd'T'HH:mm:ss.SSSXXX`) compiled into js-joda
 * formatters with Java's rules: the pattern letters and counts Java accepts (and its error
 * messages for the rest), `''` escapes, optional sections `[...]`, padding `p`, adjacent value
 * parsing (`yyyyMMddHHmmssSSS`), and en-US text for MMM, EEE, a, G, Q, z, v, O (see
 * printer-parsers.ts). Compiled formatters are cached per pattern, like ksqlDB's Guava caches.
 */
import {
  ChronoField,
  DateTimeFormatterBuilder,
  IllegalArgumentException,
  IsoFields,
  ResolverStyle,
  SignStyle,
} from '@js-joda/core';
import type { DateTimeFormatter, TemporalField } from '@js-joda/core';
import {
  FractionField,
  LocalizedOffsetPrinterParser,
  TextPrinterParser,
  WEEK_ROOT,
  WEEK_US,
  ZoneTextPrinterParser,
  weekFields,
} from './printer-parsers.js';
import type { PrinterParser, WeekDefinition } from './printer-parsers.js';
import type { TextFieldName, TextWidth } from './text-en-us.js';
import { BoundedCache } from './cache.js';

/** js-joda caps value widths at 15 digits (Java allows 19). */
const MAX_WIDTH = 15;

export interface PatternOptions {
  /** `DateTimeFormatterBuilder.parseCaseInsensitive()` before the pattern. */
  readonly caseInsensitive: boolean;
  /** The locale's week definition for Y, w, W, e, c. */
  readonly week: WeekDefinition;
}

/** `DateTimeFormatter.ofPattern(p)` (en-US): what the formatting functions use. */
export const FORMAT_OPTIONS: PatternOptions = Object.freeze({ caseInsensitive: false, week: WEEK_US });
/** `new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(p).toFormatter()` (en-US). */
export const PARSE_OPTIONS: PatternOptions = Object.freeze({ caseInsensitive: true, week: WEEK_US });
/** The same with `toFormatter(Locale.ROOT)`: ksqlDB's StringToTimestampParser. */
export const PARSE_ROOT_OPTIONS: PatternOptions = Object.freeze({ caseInsensitive: true, week: WEEK_ROOT });

const caches = new Map<PatternOptions, BoundedCache<DateTimeFormatter>>();

/** The compiled formatter for a pattern, cached; throws IllegalArgumentException for bad patterns. */
export function javaFormatter(pattern: string, options: PatternOptions = FORMAT_OPTIONS): DateTimeFormatter {
  let cache = caches.get(options);
  if (cache === undefined) {
    cache = new BoundedCache<DateTimeFormatter>();
    caches.set(options, cache);
  }
  return cache.get(pattern, () => compileJavaPattern(pattern, options));
}

/** Compiles without caching. */
export function compileJavaPattern(pattern: string, options: PatternOptions): DateTimeFormatter {
  const builder = new DateTimeFormatterBuilder();
  if (options.caseInsensitive) builder.parseCaseInsensitive();
  new PatternCompiler(builder, options.week).compile(pattern);
  const formatter = builder.toFormatter(ResolverStyle.SMART);
  allowLongAdjacentRuns((formatter as unknown as { _printerParser: unknown })._printerParser);
  return formatter;
}

/** js-joda's NumberPrinterParser internals that adjacent parsing uses. */
interface NumberParserInternals {
  _field: TemporalField;
  _minWidth: number;
  _maxWidth: number;
  _signStyle: SignStyle & { parse(positive: boolean, strict: boolean, fixedWidth: boolean): boolean };
  _subsequentWidth: number;
  _isFixedWidth(): boolean;
  _setValue(context: unknown, value: number, errorPosition: number, successPosition: number): number;
  parse(context: unknown, text: string, position: number): number;
}

/**
 * js-joda rejects a run of more than 15 digits even when later fixed-width fields take the rest
 * (`yyyyMMddHHmmssSSS`, 17 digits), where Java parses it. The number parsers that lead an
 * adjacent run get a parse that limits the digits of the value itself, not of the whole run.
 */
function allowLongAdjacentRuns(printerParser: unknown): void {
  const node = printerParser as { _printerParsers?: unknown[]; _printerParser?: unknown } & Partial<NumberParserInternals>;
  if (Array.isArray(node._printerParsers)) {
    for (const child of node._printerParsers) allowLongAdjacentRuns(child);
    return;
  }
  if (node._printerParser !== undefined) {
    allowLongAdjacentRuns(node._printerParser);
    return;
  }
  if (typeof node._subsequentWidth === 'number' && node._subsequentWidth > 0 && node._field !== undefined) {
    const parser = node as NumberParserInternals;
    parser.parse = (context, text, position) => parseAdjacentNumber(parser, context as ParseContext, text, position);
  }
}

interface ParseContext {
  isStrict(): boolean;
  symbols(): { positiveSign(): string; negativeSign(): string; convertToDigit(ch: string): number };
}

/** NumberPrinterParser.parse (Java's algorithm), counting only the value's own digits against the limit. */
function parseAdjacentNumber(parser: NumberParserInternals, context: ParseContext, text: string, start: number): number {
  const length = text.length;
  if (start === length) return ~start;
  let position = start;
  const symbols = context.symbols();
  const fixedWidth = parser._isFixedWidth();
  const sign = text.charAt(position);
  let negative = false;
  let positive = false;
  if (sign === symbols.positiveSign()) {
    if (!parser._signStyle.parse(true, context.isStrict(), parser._minWidth === parser._maxWidth)) return ~position;
    positive = true;
    position++;
  } else if (sign === symbols.negativeSign()) {
    if (!parser._signStyle.parse(false, context.isStrict(), parser._minWidth === parser._maxWidth)) return ~position;
    negative = true;
    position++;
  } else if (parser._signStyle === SignStyle.ALWAYS && context.isStrict()) {
    return ~position;
  }
  const effectiveMinWidth = context.isStrict() || fixedWidth ? parser._minWidth : 1;
  const minEnd = position + effectiveMinWidth;
  if (minEnd > length) return ~position;
  // First pass: how many digits are there in the whole run?
  let end = position;
  const runMaxEnd = Math.min(position + (context.isStrict() || fixedWidth ? parser._maxWidth : 9) + parser._subsequentWidth, length);
  while (end < runMaxEnd && symbols.convertToDigit(text.charAt(end)) >= 0) end++;
  if (end < minEnd) return ~position;
  // Second pass: leave the subsequent fields their digits.
  const width = Math.max(effectiveMinWidth, end - position - parser._subsequentWidth);
  end = Math.min(position + width, end);
  if (end - position > MAX_WIDTH) return ~position;
  let total = 0;
  for (let i = position; i < end; i++) total = total * 10 + symbols.convertToDigit(text.charAt(i));
  if (negative) {
    if (total === 0 && context.isStrict()) return ~(position - 1);
    total = -total;
  } else if (parser._signStyle === SignStyle.EXCEEDS_PAD && context.isStrict()) {
    const parsedLength = end - position;
    if (positive) {
      if (parsedLength <= parser._minWidth) return ~(position - 1);
    } else if (parsedLength > parser._minWidth) {
      return ~position;
    }
  }
  return parser._setValue(context, total, position, end);
}

/** The builder methods used here, typed loosely where js-joda's typings are narrower than its API. */
interface Builder {
  appendValue(field: TemporalField, minWidth?: number, maxWidth?: number, signStyle?: SignStyle): Builder;
  appendValueReduced(field: TemporalField, width: number, maxWidth: number, baseValue: number): Builder;
  appendFraction(field: TemporalField, minWidth: number, maxWidth: number, decimalPoint: boolean): Builder;
  appendOffset(pattern: string, noOffsetText: string): Builder;
  appendZoneId(): Builder;
  appendLiteral(literal: string): Builder;
  optionalStart(): Builder;
  optionalEnd(): Builder;
  padNext(width: number): Builder;
  _appendInternal(printerParser: PrinterParser): number;
}

/** Java's OffsetIdPrinterParser patterns, indexed as X and x pick them. */
const OFFSET_PATTERNS = ['+HH', '+HHmm', '+HH:mm', '+HHMM', '+HH:MM', '+HHMMss', '+HH:MM:ss', '+HHMMSS', '+HH:MM:SS'];

function isPatternLetter(ch: string): boolean {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

function tooMany(letter: string): never {
  throw new IllegalArgumentException(`Too many pattern letters: ${letter}`);
}

class PatternCompiler {
  private readonly builder: Builder;
  private optionalDepth = 0;
  /** Whether the last thing appended was a number, so a following `S` run joins adjacent parsing. */
  private lastWasValue = false;

  constructor(
    builder: DateTimeFormatterBuilder,
    private readonly week: WeekDefinition,
  ) {
    this.builder = builder as unknown as Builder;
  }

  compile(pattern: string): void {
    const length = pattern.length;
    for (let pos = 0; pos < length; pos++) {
      let cur = pattern.charAt(pos);
      if (isPatternLetter(cur)) {
        let start = pos++;
        while (pos < length && pattern.charAt(pos) === cur) pos++;
        let count = pos - start;
        if (cur === 'p') {
          let pad = 0;
          if (pos < length) {
            cur = pattern.charAt(pos);
            if (isPatternLetter(cur)) {
              pad = count;
              start = pos++;
              while (pos < length && pattern.charAt(pos) === cur) pos++;
              count = pos - start;
            }
          }
          if (pad === 0) {
            throw new IllegalArgumentException(`Pad letter 'p' must be followed by valid pad pattern: ${pattern}`);
          }
          this.builder.padNext(pad);
        }
        this.letter(cur, count);
        pos--;
      } else if (cur === "'") {
        const start = pos++;
        for (; pos < length; pos++) {
          if (pattern.charAt(pos) === "'") {
            if (pos + 1 < length && pattern.charAt(pos + 1) === "'") pos++;
            else break;
          }
        }
        if (pos >= length) {
          throw new IllegalArgumentException(`Pattern ends with an incomplete string literal: ${pattern}`);
        }
        const literal = pattern.substring(start + 1, pos);
        this.literal(literal.length === 0 ? "'" : literal.replaceAll("''", "'"));
      } else if (cur === '[') {
        this.builder.optionalStart();
        this.optionalDepth++;
        this.lastWasValue = false;
      } else if (cur === ']') {
        if (this.optionalDepth === 0) {
          throw new IllegalArgumentException('Pattern invalid as it contains ] without previous [');
        }
        this.builder.optionalEnd();
        this.optionalDepth--;
        this.lastWasValue = false;
      } else if (cur === '{' || cur === '}' || cur === '#') {
        throw new IllegalArgumentException(`Pattern includes reserved character: '${cur}'`);
      } else {
        this.literal(cur);
      }
    }
  }

  private literal(text: string): void {
    this.builder.appendLiteral(text);
    this.lastWasValue = false;
  }

  private value(field: TemporalField, minWidth?: number, maxWidth?: number, signStyle?: SignStyle): void {
    if (minWidth === undefined) this.builder.appendValue(field);
    else if (maxWidth === undefined) this.builder.appendValue(field, minWidth);
    else this.builder.appendValue(field, minWidth, maxWidth, signStyle);
    this.lastWasValue = true;
  }

  private other(printerParser: PrinterParser): void {
    this.builder._appendInternal(printerParser);
    this.lastWasValue = false;
  }

  private text(field: TemporalField, name: TextFieldName, count: number, letter: string): void {
    const width: TextWidth = count <= 3 ? 'SHORT' : count === 4 ? 'FULL' : count === 5 ? 'NARROW' : tooMany(letter);
    this.other(new TextPrinterParser(field, name, width));
  }

  private letter(cur: string, count: number): void {
    const week = weekFields(this.week);
    switch (cur) {
      case 'G':
        return this.text(ChronoField.ERA, 'ERA', count, cur);
      case 'y':
      case 'u': {
        const field = cur === 'y' ? ChronoField.YEAR_OF_ERA : ChronoField.YEAR;
        if (count === 2) {
          this.builder.appendValueReduced(field, 2, 2, 2000);
          this.lastWasValue = true;
        } else {
          this.value(field, count, MAX_WIDTH, count < 4 ? SignStyle.NORMAL : SignStyle.EXCEEDS_PAD);
        }
        return;
      }
      case 'Y':
        if (count === 2) {
          this.builder.appendValueReduced(week.weekBasedYear, 2, 2, 2000);
          this.lastWasValue = true;
        } else {
          this.value(week.weekBasedYear, count, MAX_WIDTH, count < 4 ? SignStyle.NORMAL : SignStyle.EXCEEDS_PAD);
        }
        return;
      case 'Q':
      case 'q':
        if (count === 1) return this.value(IsoFields.QUARTER_OF_YEAR);
        if (count === 2) return this.value(IsoFields.QUARTER_OF_YEAR, 2);
        return this.text(IsoFields.QUARTER_OF_YEAR, 'QUARTER_OF_YEAR', count, cur);
      case 'M':
      case 'L':
        if (count === 1) return this.value(ChronoField.MONTH_OF_YEAR);
        if (count === 2) return this.value(ChronoField.MONTH_OF_YEAR, 2);
        return this.text(ChronoField.MONTH_OF_YEAR, 'MONTH_OF_YEAR', count, cur);
      case 'w':
        if (count > 2) tooMany(cur);
        return this.value(week.weekOfWeekBasedYear, count === 2 ? 2 : 1, 2, SignStyle.NOT_NEGATIVE);
      case 'W':
        if (count > 1) tooMany(cur);
        return this.value(week.weekOfMonth, 1, 2, SignStyle.NOT_NEGATIVE);
      case 'E':
        return this.text(ChronoField.DAY_OF_WEEK, 'DAY_OF_WEEK', count, cur);
      case 'e':
      case 'c':
        if (count === 1 || (count === 2 && cur === 'e')) {
          return this.value(week.dayOfWeek, count === 2 ? 2 : 1, 2, SignStyle.NOT_NEGATIVE);
        }
        if (count === 2) throw new IllegalArgumentException(`Invalid pattern "cc"`);
        return this.text(ChronoField.DAY_OF_WEEK, 'DAY_OF_WEEK', count, cur);
      case 'a':
        if (count > 1) tooMany(cur);
        return this.other(new TextPrinterParser(ChronoField.AMPM_OF_DAY, 'AMPM_OF_DAY', 'SHORT'));
      case 'd':
      case 'h':
      case 'H':
      case 'k':
      case 'K':
      case 'm':
      case 's': {
        const field = SIMPLE_NUMBER_FIELDS[cur]!;
        if (count === 1) return this.value(field);
        if (count === 2) return this.value(field, 2);
        return tooMany(cur);
      }
      case 'D':
        if (count === 1) return this.value(ChronoField.DAY_OF_YEAR);
        if (count <= 3) return this.value(ChronoField.DAY_OF_YEAR, count, 3, SignStyle.NOT_NEGATIVE);
        return tooMany(cur);
      case 'F':
        if (count > 1) tooMany(cur);
        return this.value(ChronoField.ALIGNED_DAY_OF_WEEK_IN_MONTH);
      case 'S':
        if (count > 9) {
          throw new IllegalArgumentException(`Minimum width must be from 0 to 9 inclusive but was ${count}`);
        }
        if (this.lastWasValue) {
          // Java 9+: a fixed-width fraction takes part in adjacent value parsing.
          return this.value(new FractionField(count), count);
        }
        this.builder.appendFraction(ChronoField.NANO_OF_SECOND, count, count, false);
        this.lastWasValue = false;
        return;
      case 'n':
      case 'N':
      case 'A': {
        const field = cur === 'n' ? ChronoField.NANO_OF_SECOND : cur === 'N' ? ChronoField.NANO_OF_DAY : ChronoField.MILLI_OF_DAY;
        if (count === 1) return this.value(field);
        return this.value(field, count, Math.max(count, MAX_WIDTH), SignStyle.NOT_NEGATIVE);
      }
      case 'V':
        if (count !== 2) throw new IllegalArgumentException(`Pattern letter count must be 2: ${cur}`);
        this.builder.appendZoneId();
        this.lastWasValue = false;
        return;
      case 'v':
        if (count === 1) return this.other(new ZoneTextPrinterParser(false, true));
        if (count === 4) return this.other(new ZoneTextPrinterParser(true, true));
        throw new IllegalArgumentException(`Wrong number of pattern letters: ${cur}`);
      case 'z':
        if (count > 4) tooMany(cur);
        return this.other(new ZoneTextPrinterParser(count === 4, false));
      case 'Z':
        if (count < 4) return this.offset('+HHMM', '+0000');
        if (count === 4) return this.other(new LocalizedOffsetPrinterParser(true));
        if (count === 5) return this.offset('+HH:MM:ss', 'Z');
        return tooMany(cur);
      case 'O':
        if (count === 1) return this.other(new LocalizedOffsetPrinterParser(false));
        if (count === 4) return this.other(new LocalizedOffsetPrinterParser(true));
        throw new IllegalArgumentException(`Pattern letter count must be 1 or 4: ${cur}`);
      case 'X':
        if (count > 5) tooMany(cur);
        return this.offset(OFFSET_PATTERNS[count + (count === 1 ? 0 : 1)]!, 'Z');
      case 'x': {
        if (count > 5) tooMany(cur);
        const zero = count === 1 ? '+00' : count % 2 === 0 ? '+0000' : '+00:00';
        return this.offset(OFFSET_PATTERNS[count + (count === 1 ? 0 : 1)]!, zero);
      }
      default:
        throw new IllegalArgumentException(`Unknown pattern letter: ${cur}`);
    }
  }

  private offset(pattern: string, noOffsetText: string): void {
    this.builder.appendOffset(pattern, noOffsetText);
    this.lastWasValue = false;
  }
}

const SIMPLE_NUMBER_FIELDS: Readonly<Record<string, TemporalField>> = {
  d: ChronoField.DAY_OF_MONTH,
  h: ChronoField.CLOCK_HOUR_OF_AMPM,
  H: ChronoField.HOUR_OF_DAY,
  k: ChronoField.CLOCK_HOUR_OF_DAY,
  K: ChronoField.HOUR_OF_AMPM,
  m: ChronoField.MINUTE_OF_HOUR,
  s: ChronoField.SECOND_OF_MINUTE,
};
