/**
 * ksqlDB's StringToTimestampParser (STRINGTOTIMESTAMP, PARSE_TIMESTAMP, TIMESTAMP_FORMAT) and
 * PartialStringToTimestampParser (timestamps written as strings in WHERE clauses: `'2018'`,
 * `'2019-01-01T00:00:00+0445'`).
 *
 * The text is parsed with a case-insensitive Java pattern; a zone or offset found in the text
 * wins over the given zone. Fields the pattern lacks default to 1970-01-01T00:00:00.000, so
 * `HH:mm` parses to a time on 1 January 1970 and `yyyy` to the first instant of that year.
 */
import {
  ChronoField,
  DateTimeException,
  LocalDateTime,
  TemporalQueries,
  ZonedDateTime,
} from '@js-joda/core';
import type { DateTimeFormatter, LocalDate, LocalTime, TemporalAccessor, TemporalField, ZoneId } from '@js-joda/core';
import { BoundedCache } from './cache.js';
import { PARSE_ROOT_OPTIONS, javaFormatter } from './java-pattern.js';
import { zoneIdOf } from './zones.js';

/**
 * ChronoFields ordered as ksqlDB's parser applies them: by the length of their base unit, longest
 * first, keeping Java's declaration order between equals.
 */
const FIELDS_IN_ORDER: readonly TemporalField[] = [
  ChronoField.ERA,
  ChronoField.YEAR_OF_ERA,
  ChronoField.YEAR,
  ChronoField.MONTH_OF_YEAR,
  ChronoField.PROLEPTIC_MONTH,
  ChronoField.ALIGNED_WEEK_OF_MONTH,
  ChronoField.ALIGNED_WEEK_OF_YEAR,
  ChronoField.DAY_OF_WEEK,
  ChronoField.ALIGNED_DAY_OF_WEEK_IN_MONTH,
  ChronoField.ALIGNED_DAY_OF_WEEK_IN_YEAR,
  ChronoField.DAY_OF_MONTH,
  ChronoField.DAY_OF_YEAR,
  ChronoField.EPOCH_DAY,
  ChronoField.AMPM_OF_DAY,
  ChronoField.HOUR_OF_AMPM,
  ChronoField.CLOCK_HOUR_OF_AMPM,
  ChronoField.HOUR_OF_DAY,
  ChronoField.CLOCK_HOUR_OF_DAY,
  ChronoField.MINUTE_OF_HOUR,
  ChronoField.MINUTE_OF_DAY,
  ChronoField.SECOND_OF_MINUTE,
  ChronoField.SECOND_OF_DAY,
  ChronoField.INSTANT_SECONDS,
  ChronoField.OFFSET_SECONDS,
  ChronoField.MILLI_OF_SECOND,
  ChronoField.MILLI_OF_DAY,
  ChronoField.MICRO_OF_SECOND,
  ChronoField.MICRO_OF_DAY,
  ChronoField.NANO_OF_SECOND,
  ChronoField.NANO_OF_DAY,
];

const LEAP_DAY_OF_YEAR = 366;

export class StringToTimestampParser {
  private readonly formatter: DateTimeFormatter;

  /** Throws IllegalArgumentException for a bad pattern. */
  constructor(readonly pattern: string) {
    this.formatter = javaFormatter(pattern, PARSE_ROOT_OPTIONS);
  }

  /** Epoch milliseconds of `text`, read in `zone` unless the text names its own zone or offset. */
  parse(text: string, zone: ZoneId): number {
    const parsed = this.formatter.parse(text);
    const parsedZone = parsed.query(TemporalQueries.zone()) as ZoneId | null;
    const effectiveZone = parsedZone ?? zone;

    // Fast path: a full date and time (what almost every pattern gives).
    const date = parsed.query(TemporalQueries.localDate()) as LocalDate | null;
    const time = parsed.query(TemporalQueries.localTime()) as LocalTime | null;
    if (date !== null && time !== null) {
      if (parsed.isSupported(ChronoField.INSTANT_SECONDS)) {
        return parsed.getLong(ChronoField.INSTANT_SECONDS) * 1000 + Math.floor(time.nano() / 1_000_000);
      }
      return LocalDateTime.of(date, time).atZone(effectiveZone).toInstant().toEpochMilli();
    }
    return this.resolveFieldByField(text, parsed, effectiveZone).toInstant().toEpochMilli();
  }

  /** Start at 1970-01-01T00:00 in the zone and set every field the text gave, in FIELDS_IN_ORDER. */
  private resolveFieldByField(text: string, parsed: TemporalAccessor, zone: ZoneId): ZonedDateTime {
    let resolved = ZonedDateTime.of(1970, 1, 1, 0, 0, 0, 0, zone);
    for (const field of FIELDS_IN_ORDER) {
      if (!parsed.isSupported(field)) continue;
      if (!resolved.isSupported(field)) {
        throw new DateTimeException(`Unsupported temporal field in timestamp: ${text} (${field.toString()})`);
      }
      const value = parsed.getLong(field);
      if (field === ChronoField.DAY_OF_YEAR && value === LEAP_DAY_OF_YEAR) {
        if (!parsed.isSupported(ChronoField.YEAR)) {
          throw new DateTimeException('Leap day cannot be parsed without supplying the year field');
        }
        resolved = resolved.withYear(parsed.get(ChronoField.YEAR));
      }
      resolved = resolved.with(field, value);
    }
    return resolved;
  }
}

const parsers = new BoundedCache<StringToTimestampParser>();

/** The cached parser for a pattern. */
export function timestampParser(pattern: string): StringToTimestampParser {
  return parsers.get(pattern, (key) => new StringToTimestampParser(key));
}

// ---- partial timestamps ----

const DATE_TIME_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSS";
const TIME_PATTERN = 'HH:mm:ss.SSS';

/**
 * ksqlDB's PartialStringToTimestampParser: `2020`, `2020-05`, `2020-05-26`, `2020-05-26T23`,
 * `2020-05-26T23:59:58.000`, each with an optional `+hhmm`/`-hhmm` offset or trailing `Z`; the
 * rest is filled with zeros, and the time is UTC unless an offset is given. Throws with ksqlDB's
 * message on failure.
 */
export function parsePartialTimestamp(text: string): number {
  let date: string;
  let time: string;
  let timezone: string;
  const t = text.indexOf('T');
  if (t >= 0) {
    date = text.substring(0, t);
    const withTimezone = text.substring(t + 1);
    timezone = partialTimezone(withTimezone);
    time = completeTime(withTimezone.substring(0, withTimezone.length - timezone.length).replace(/Z$/, ''));
  } else {
    date = completeDate(text);
    time = completeTime('');
    timezone = '';
  }
  try {
    const zone = partialZone(timezone);
    return timestampParser(DATE_TIME_PATTERN).parse(`${date}T${time}`, zone);
  } catch (error) {
    throw new DateTimeException(
      `Failed to parse timestamp '${text}': ${javaMessage(error)}\n` +
        `Required format is: "${DATE_TIME_PATTERN}", with an optional numeric 4-digit timezone, for example: ` +
        "'2020-05-26T23:59:58.000' or with tz: '2020-05-26T23:59:58.000+0200'. " +
        "A trailing 'Z' instead of tz indicates the zero UTC offset. " +
        'Partials are also supported, for example "2020-05-26"',
    );
  }
}

function partialTimezone(time: string): string {
  const plus = time.indexOf('+');
  if (plus >= 0) return time.substring(plus);
  const minus = time.indexOf('-');
  if (minus >= 0) return time.substring(minus);
  return '';
}

function partialZone(timezone: string): ZoneId {
  if (timezone.trim() === '') return zoneIdOf('+0000');
  try {
    return zoneIdOf(timezone);
  } catch (error) {
    throw new DateTimeException(`Failed to parse timezone '${timezone}': ${javaMessage(error)}`);
  }
}

function completeDate(date: string): string {
  const parts = date.split('-');
  if (parts.length === 1) return `${date}-01-01`;
  if (parts.length === 2) return `${date}-01`;
  return date;
}

function completeTime(time: string): string {
  if (time.length >= TIME_PATTERN.length) return time;
  return time + TIME_PATTERN.substring(time.length).replace(/[a-zA-Z]/g, '0');
}

/**
 * An exception's message as Java would give it: js-joda appends the parsed text, the error index
 * and the cause's stack (`...: <text>, at index: 0\n-------\nCaused by: ...`); those are cut.
 */
export function javaMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let message = error.message;
  const cause = message.indexOf('\n-------');
  if (cause >= 0) message = message.substring(0, cause);
  const withText = error as Error & { parsedString?: () => string; errorIndex?: () => number };
  if (typeof withText.parsedString === 'function' && typeof withText.errorIndex === 'function') {
    const suffix = `: ${withText.parsedString()}, at index: ${withText.errorIndex()}`;
    if (message.endsWith(suffix)) message = message.substring(0, message.length - suffix.length);
  }
  return message
    .replace(/: \[object Object\], type DateTimeBuilder/, '')
    .replace(/Unable to obtain (\w+) TemporalAccessor/, 'Unable to obtain $1 from TemporalAccessor');
}
