/**
 * PARSE_DATE's parser. Unlike the other functions, ksqlDB's PARSE_DATE uses commons-lang's
 * FastDateFormat in GMT, i.e. java.text.SimpleDateFormat patterns and parsing rules:
 *
 * - letters: G y Y M L w W D d F E u a H k K h m s S z Z X; `''` and quoted literals; no `[...]`
 * - numbers take any count of digits (leading spaces skipped) unless the next field is a number
 *   too, when they take exactly as many digits as the pattern has letters
 * - text (MMM, EEE, a, G) is matched case-insensitively, long or short form whatever the count
 * - `y`/`yy` read a two-digit year into the 100 years starting 80 years ago
 * - the calendar is lenient (month 13 is January next year) and Julian before 1582-10-15
 * - text after the pattern is ignored
 */
import { LocalDate, LocalDateTime, ZoneId, ZoneOffset } from '@js-joda/core';
import { BoundedCache } from './cache.js';
import { standardOffsetSeconds } from './printer-parsers.js';
import { zoneForName } from './text-en-us.js';

type CalendarField =
  | 'ERA'
  | 'YEAR'
  | 'MONTH'
  | 'WEEK_OF_YEAR'
  | 'WEEK_OF_MONTH'
  | 'DAY_OF_MONTH'
  | 'DAY_OF_YEAR'
  | 'DAY_OF_WEEK'
  | 'DAY_OF_WEEK_IN_MONTH'
  | 'AM_PM'
  | 'HOUR'
  | 'HOUR_OF_DAY'
  | 'MINUTE'
  | 'SECOND'
  | 'MILLISECOND';

type Strategy =
  | { kind: 'literal'; text: string }
  | { kind: 'number'; field: CalendarField; letters: number; modify: (value: number, parse: ParseState) => number }
  | { kind: 'text'; field: CalendarField; texts: ReadonlyArray<readonly [string, number]> }
  | { kind: 'zone'; iso: 0 | 1 | 2 | 3 };

interface CompiledStrategy {
  strategy: Strategy;
  /** Digits a number may take: 0 for any. */
  maxWidth: number;
}

interface ParseState {
  /** For two-digit years: the first year of the 100-year window. */
  readonly centuryStartYear: number;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** java.util.Calendar's DAY_OF_WEEK values: Sunday = 1. */
const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function longAndShort(names: readonly string[], firstValue: number): ReadonlyArray<readonly [string, number]> {
  const entries = new Map<string, number>();
  names.forEach((name, i) => {
    entries.set(name, i + firstValue);
    entries.set(name.slice(0, 3), i + firstValue);
  });
  return [...entries].sort((a, b) => b[0].length - a[0].length);
}

const MONTH_TEXTS = longAndShort(MONTHS, 0);
const DAY_TEXTS = longAndShort(DAYS, 1);
const AMPM_TEXTS: ReadonlyArray<readonly [string, number]> = [['am', 0], ['pm', 1]];
const ERA_TEXTS: ReadonlyArray<readonly [string, number]> = [['ad', 1], ['bc', 0]];

const same = (value: number): number => value;

function letterStrategy(letter: string, count: number): Strategy {
  const number = (field: CalendarField, modify: (value: number, parse: ParseState) => number = same): Strategy => ({
    kind: 'number',
    field,
    letters: count,
    modify,
  });
  switch (letter) {
    case 'D':
      return number('DAY_OF_YEAR');
    case 'E':
      return { kind: 'text', field: 'DAY_OF_WEEK', texts: DAY_TEXTS };
    case 'F':
      return number('DAY_OF_WEEK_IN_MONTH');
    case 'G':
      return { kind: 'text', field: 'ERA', texts: ERA_TEXTS };
    case 'H':
      return number('HOUR_OF_DAY');
    case 'K':
      return number('HOUR');
    case 'M':
    case 'L':
      return count >= 3 ? { kind: 'text', field: 'MONTH', texts: MONTH_TEXTS } : number('MONTH', (v) => v - 1);
    case 'S':
      return number('MILLISECOND');
    case 'W':
      return number('WEEK_OF_MONTH');
    case 'a':
      return { kind: 'text', field: 'AM_PM', texts: AMPM_TEXTS };
    case 'd':
      return number('DAY_OF_MONTH');
    case 'h':
      return number('HOUR', (v) => (v === 12 ? 0 : v));
    case 'k':
      return number('HOUR_OF_DAY', (v) => (v === 24 ? 0 : v));
    case 'm':
      return number('MINUTE');
    case 's':
      return number('SECOND');
    case 'u':
      return number('DAY_OF_WEEK', (v) => (v !== 7 ? v + 1 : 1));
    case 'w':
      return number('WEEK_OF_YEAR');
    case 'y':
    case 'Y':
      return count > 2 ? number('YEAR') : number('YEAR', (v, parse) => (v < 100 ? twoDigitYear(v, parse) : v));
    case 'X':
      if (count > 3) throw new Error('invalid number of X');
      return { kind: 'zone', iso: count as 1 | 2 | 3 };
    case 'Z':
      return count === 2 ? { kind: 'zone', iso: 3 } : { kind: 'zone', iso: 0 };
    case 'z':
      return { kind: 'zone', iso: 0 };
    default:
      throw new Error(`Illegal pattern component: ${letter.repeat(count)}`);
  }
}

function twoDigitYear(value: number, parse: ParseState): number {
  const century = Math.trunc(parse.centuryStartYear / 100) * 100;
  const startYear = parse.centuryStartYear - century;
  return value >= startYear ? century + value : century + value + 100;
}

function isLetter(ch: string): boolean {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

export function compileSimpleDatePattern(pattern: string): CompiledStrategy[] {
  const strategies: Strategy[] = [];
  let index = 0;
  while (index < pattern.length) {
    const ch = pattern.charAt(index);
    if (isLetter(ch)) {
      const begin = index;
      while (++index < pattern.length && pattern.charAt(index) === ch);
      strategies.push(letterStrategy(ch, index - begin));
      continue;
    }
    let quoted = false;
    let literal = '';
    while (index < pattern.length) {
      const c = pattern.charAt(index);
      if (!quoted && isLetter(c)) break;
      if (c === "'" && (++index === pattern.length || pattern.charAt(index) !== "'")) {
        quoted = !quoted;
        continue;
      }
      index++;
      literal += c;
    }
    if (quoted) throw new Error('Unterminated quote');
    strategies.push({ kind: 'literal', text: literal });
  }
  return strategies.map((strategy, i) => {
    const next = strategies[i + 1];
    const maxWidth = strategy.kind === 'number' && next?.kind === 'number' ? strategy.letters : 0;
    return { strategy, maxWidth };
  });
}

const compiled = new BoundedCache<CompiledStrategy[] | Error>();

/** The zone a parsed zone text sets: a fixed offset, a region, or a name's raw offset plus DST. */
type ParsedZone = { kind: 'fixed'; offsetSeconds: number } | { kind: 'region'; zone: ZoneId } | { kind: 'named'; zone: ZoneId; daylight: boolean };

class ParseFailure extends Error {
  constructor(source: string, index: number) {
    super(`Unparseable date: ${source}`);
    this.errorIndex = index;
  }
  readonly errorIndex: number;
}

/**
 * Epoch milliseconds of `source` read with a SimpleDateFormat pattern in GMT. `nowMs` places
 * two-digit years. Throws for a bad pattern (IllegalArgumentException's message) or text that
 * does not match ("Unparseable date: ...").
 */
export function parseSimpleDate(source: string, pattern: string, nowMs: number): number {
  const strategies = compiled.get(pattern, (key) => {
    try {
      return compileSimpleDatePattern(key);
    } catch (error) {
      return error as Error;
    }
  });
  if (strategies instanceof Error) throw strategies;
  const nowYear = LocalDate.ofEpochDay(Math.floor(nowMs / 86_400_000)).year();
  const state: ParseState = { centuryStartYear: nowYear - 80 };
  const calendar = new LenientCalendar();
  let position = 0;
  for (const { strategy, maxWidth } of strategies) {
    position = parseOne(strategy, maxWidth, source, position, calendar, state);
  }
  return calendar.epochMilli();
}

function parseOne(strategy: Strategy, maxWidth: number, source: string, start: number, calendar: LenientCalendar, state: ParseState): number {
  switch (strategy.kind) {
    case 'literal': {
      const { text } = strategy;
      for (let i = 0; i < text.length; i++) {
        if (start + i >= source.length || source.charAt(start + i) !== text.charAt(i)) throw new ParseFailure(source, start + i);
      }
      return start + text.length;
    }
    case 'number': {
      let index = start;
      let last = source.length;
      let begin = start;
      if (maxWidth === 0) {
        while (index < last && /\s/.test(source.charAt(index))) index++;
        begin = index;
      } else {
        last = Math.min(last, index + maxWidth);
      }
      while (index < last && isDigit(source.charCodeAt(index))) index++;
      if (index === begin) throw new ParseFailure(source, index);
      const value = Number(source.substring(begin, index));
      if (value > 2147483647) throw new Error(`For input string: "${source.substring(begin, index)}"`);
      calendar.set(strategy.field, strategy.modify(value, state));
      return index;
    }
    case 'text': {
      const rest = source.substring(start).toLowerCase();
      for (const [text, value] of strategy.texts) {
        if (rest.startsWith(text)) {
          calendar.set(strategy.field, value);
          return start + text.length;
        }
      }
      throw new ParseFailure(source, start);
    }
    case 'zone': {
      const parsed = strategy.iso === 0 ? parseGeneralZone(source, start) : parseIsoZone(source, start, strategy.iso);
      if (parsed === null) throw new ParseFailure(source, start);
      calendar.zone = parsed.zone;
      return parsed.end;
    }
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function offsetSeconds(sign: string, hours: string, minutes: string | undefined): number {
  const total = Number(hours) * 3600 + Number(minutes ?? '0') * 60;
  return sign === '-' ? -total : total;
}

const ISO_ZONE = [
  /^$/,
  /^(Z|([+-])(\d{2}))/,
  /^(Z|([+-])(\d{2})(\d{2}))/,
  /^(Z|([+-])(\d{2}):(\d{2}))/,
];

function parseIsoZone(source: string, start: number, iso: 1 | 2 | 3): { zone: ParsedZone; end: number } | null {
  const match = ISO_ZONE[iso]!.exec(source.substring(start));
  if (match === null) return null;
  const zone: ParsedZone =
    match[1] === 'Z' ? { kind: 'fixed', offsetSeconds: 0 } : { kind: 'fixed', offsetSeconds: offsetSeconds(match[2]!, match[3]!, match[4]) };
  return { zone, end: start + match[0].length };
}

const RFC_822 = /^([+-])(\d{2})(\d{2})/;
const GMT_OFFSET = /^GMT([+-])(\d{1,2}):(\d{2})/i;

function parseGeneralZone(source: string, start: number): { zone: ParsedZone; end: number } | null {
  const rest = source.substring(start);
  const rfc = RFC_822.exec(rest);
  if (rfc !== null) return { zone: { kind: 'fixed', offsetSeconds: offsetSeconds(rfc[1]!, rfc[2]!, rfc[3]) }, end: start + rfc[0].length };
  const gmt = GMT_OFFSET.exec(rest);
  if (gmt !== null) {
    return { zone: { kind: 'fixed', offsetSeconds: offsetSeconds(gmt[1]!, gmt[2]!, gmt[3]) }, end: start + gmt[0].length };
  }
  // The longest zone name or id at this position.
  for (let length = Math.min(rest.length, 40); length > 0; length--) {
    const candidate = rest.substring(0, length);
    const named = zoneForName(candidate, true);
    if (named !== undefined) {
      return { zone: { kind: 'named', zone: ZoneId.of(named.zoneId), daylight: named.daylight }, end: start + length };
    }
    if (/^(UTC|GMT|Z)$/i.test(candidate)) return { zone: { kind: 'fixed', offsetSeconds: 0 }, end: start + length };
    if (candidate.includes('/')) {
      try {
        return { zone: { kind: 'region', zone: ZoneId.of(candidate) }, end: start + length };
      } catch {
        // not a zone id
      }
    }
  }
  return null;
}

/** java.util.GregorianCalendar, lenient, in GMT, with only what PARSE_DATE needs. */
class LenientCalendar {
  private readonly values = new Map<CalendarField, number>();
  private readonly stamps = new Map<CalendarField, number>();
  private nextStamp = 1;
  zone: ParsedZone = { kind: 'fixed', offsetSeconds: 0 };

  set(field: CalendarField, value: number): void {
    this.values.set(field, value);
    this.stamps.set(field, this.nextStamp++);
  }

  private value(field: CalendarField, otherwise: number): number {
    return this.values.get(field) ?? otherwise;
  }

  private stamp(field: CalendarField): number {
    return this.stamps.get(field) ?? 0;
  }

  epochMilli(): number {
    let year = this.value('YEAR', 1970);
    if (this.value('ERA', 1) === 0) year = 1 - year;
    let epochDay: number;
    const dayOfYearStamp = this.stamp('DAY_OF_YEAR');
    if (dayOfYearStamp > 0 && dayOfYearStamp > this.stamp('DAY_OF_MONTH') && dayOfYearStamp > this.stamp('MONTH')) {
      epochDay = civilEpochDay(year, 0, 1) + this.value('DAY_OF_YEAR', 1) - 1;
    } else {
      epochDay = civilEpochDay(year, this.value('MONTH', 0), this.value('DAY_OF_MONTH', 1));
    }
    const hourOfDayStamp = this.stamp('HOUR_OF_DAY');
    const hourStamp = this.stamp('HOUR') > 0 && this.stamp('AM_PM') > 0 ? Math.max(this.stamp('HOUR'), this.stamp('AM_PM')) : 0;
    let best = Math.max(hourStamp, hourOfDayStamp);
    if (best === 0) best = Math.max(this.stamp('HOUR'), this.stamp('AM_PM'));
    let hours = 0;
    if (best !== 0) {
      hours = best === hourOfDayStamp ? this.value('HOUR_OF_DAY', 0) : this.value('HOUR', 0) + 12 * this.value('AM_PM', 0);
    }
    const millisOfDay =
      hours * 3_600_000 + this.value('MINUTE', 0) * 60_000 + this.value('SECOND', 0) * 1000 + this.value('MILLISECOND', 0);
    const local = epochDay * 86_400_000 + millisOfDay;
    return local - this.zoneOffsetSeconds(local) * 1000;
  }

  private zoneOffsetSeconds(localMs: number): number {
    const zone = this.zone;
    if (zone.kind === 'fixed') return zone.offsetSeconds;
    const epochDay = Math.floor(localMs / 86_400_000);
    if (epochDay < -365_000 || epochDay > 365_000) return 0;
    const dateTime = LocalDateTime.ofEpochSecond(Math.floor(localMs / 1000), 0, ZoneOffset.UTC);
    const instant = dateTime.atZone(zone.zone).toInstant();
    if (zone.kind === 'region') return zone.zone.rules().offset(instant).totalSeconds();
    return standardOffsetSeconds(zone.zone, instant) + (zone.daylight ? 3600 : 0);
  }
}

/** 1582-10-15, where GregorianCalendar switches from the Julian calendar. */
const GREGORIAN_CUTOVER_EPOCH_DAY = -141_427;

/** Epoch day of a lenient (year, 0-based month, day): proleptic Gregorian, or Julian before the cutover. */
function civilEpochDay(year: number, month: number, day: number): number {
  const normalizedYear = year + Math.floor(month / 12);
  const normalizedMonth = ((month % 12) + 12) % 12;
  const gregorian = LocalDate.of(normalizedYear, normalizedMonth + 1, 1).toEpochDay() + day - 1;
  if (gregorian >= GREGORIAN_CUTOVER_EPOCH_DAY) return gregorian;
  return julianEpochDay(normalizedYear, normalizedMonth + 1, 1) + day - 1;
}

function julianEpochDay(year: number, month: number, day: number): number {
  const a = Math.floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  const julianDayNumber = day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - 32083;
  return julianDayNumber - 2_440_588;
}
