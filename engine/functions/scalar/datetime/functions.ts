/**
 * ksqlDB's DATE / TIME scalar functions: signatures, null handling and errors as in ksqlDB's
 * `io.confluent.ksql.function.udf.datetime` UDFs.
 *
 * Null handling follows each UDF: most return null when any argument is null; STRINGTODATE and
 * STRINGTOTIMESTAMP throw instead (ksqlDB has "no sentinel value for a null date"), and so do the
 * functions whose Java parameter is a primitive (DATETOSTRING's days, TIMESTAMPTOSTRING's millis,
 * FROM_DAYS's days) when that argument is null. A thrown error becomes a null result plus a
 * processing-log entry in the engine, as in ksqlDB.
 *
 * Values: DATE = days since epoch, TIME = ms since midnight, TIMESTAMP = epoch ms (numbers).
 */
import { ChronoField, Instant, LocalDate, LocalTime } from '@js-joda/core';
import type { DateTimeFormatter, TemporalAccessor, ZoneId } from '@js-joda/core';
import { SluiceError } from '../../../../common/index.js';
import { BIGINT, DATE, INTEGER, STRING, TIME, TIMESTAMP } from '../../../types/index.js';
import type { FunctionContext, ParamType, ScalarFunction } from '../../types.js';
import { FORMAT_OPTIONS, PARSE_OPTIONS, javaFormatter } from './java-pattern.js';
import { parseSimpleDate } from './simple-date-parser.js';
import { javaMessage, timestampParser } from './timestamp-parser.js';
import { timeUnitOf } from './time-units.js';
import type { TimeUnit } from './time-units.js';
import { GMT_ZONE, SYSTEM_DEFAULT_ZONE, legacyTimeZoneOffsetMs, zoneIdOf } from './zones.js';

/**
 * How a time-unit keyword (`DAYS` in `DATEADD(DAYS, 3, d)`) reaches these functions: a STRING
 * argument holding the upper-case unit name. See time-units.ts.
 */
export const TIME_UNIT_PARAM: ParamType = STRING;

const CATEGORY = 'DATE / TIME';
const MS_PER_DAY = 86_400_000;
const NANOS_PER_DAY = 86_400_000_000_000n;

function functionError(message: string, cause?: unknown): SluiceError {
  return new SluiceError('ENGINE_EVALUATION', message, {}, cause === undefined ? undefined : { cause });
}

function requireUnit(unit: string): TimeUnit {
  const resolved = timeUnitOf(unit);
  if (resolved === undefined) {
    throw functionError(`Unknown time unit '${unit}': expected one of DAYS, HOURS, MINUTES, SECONDS, MILLISECONDS`);
  }
  return resolved;
}

/** Java's `long` arithmetic for a timestamp plus a duration in ms (exact while within 2^53). */
function addMillis(epochMilli: number, deltaMs: number): number {
  const sum = epochMilli + deltaMs;
  if (Number.isSafeInteger(sum)) return sum;
  return Number(BigInt.asIntN(64, BigInt(epochMilli) + BigInt(Math.trunc(deltaMs))));
}

function dateAdd(unit: string | null, interval: number | null, date: number | null, sign: 1 | -1): number | null {
  if (unit === null || interval === null || date === null) return null;
  const millis = addMillis(date * MS_PER_DAY, sign * requireUnit(unit).toMillis(interval));
  // TimeUnit.MILLISECONDS.toDays truncates toward zero.
  return Math.trunc(millis / MS_PER_DAY) + 0; // + 0 turns -0 into 0
}

function timeAdd(unit: string | null, interval: number | null, time: number | null, sign: 1 | -1): number | null {
  if (unit === null || interval === null || time === null) return null;
  checkTime(time);
  const nanos = requireUnit(unit).toNanos(interval);
  const delta = sign === 1 ? nanos : -nanos;
  const nanoOfDay = BigInt(time) * 1_000_000n;
  const result = ((delta % NANOS_PER_DAY) + nanoOfDay + NANOS_PER_DAY) % NANOS_PER_DAY;
  return Number(result / 1_000_000n);
}

function timestampAdd(unit: string | null, interval: number | null, timestamp: number | null, sign: 1 | -1): number | null {
  if (unit === null || interval === null || timestamp === null) return null;
  return addMillis(timestamp, sign * requireUnit(unit).toMillis(interval));
}

function checkTime(time: number): void {
  if (!(time >= 0 && time < MS_PER_DAY)) {
    throw functionError(`Invalid value for NanoOfDay (valid values 0 - 86399999999999): ${time * 1_000_000}`);
  }
}

// ---- printing values in error messages as Java's toString does ----

/** java.sql.Timestamp.toString (in UTC): `2021-12-01 12:10:11.123`, fraction without trailing zeros. */
function timestampText(epochMilli: number): string {
  try {
    const dateTime = Instant.ofEpochMilli(epochMilli).atZone(SYSTEM_DEFAULT_ZONE).toLocalDateTime();
    const fraction = String(dateTime.nano()).padStart(9, '0').replace(/0+$/, '') || '0';
    return `${dateTime.toLocalDate().toString()} ${dateTime.toLocalTime().withNano(0).toString().padEnd(8, ':00')}.${fraction}`;
  } catch {
    return String(epochMilli);
  }
}

function dateText(days: number): string {
  try {
    return LocalDate.ofEpochDay(days).toString();
  } catch {
    return String(days);
  }
}

function timeText(time: number): string {
  try {
    return LocalTime.ofNanoOfDay(time * 1_000_000).toString();
  } catch {
    return String(time);
  }
}

// ---- formatting ----

function format(temporal: () => TemporalAccessor, pattern: string): string {
  const formatter: DateTimeFormatter = javaFormatter(pattern, FORMAT_OPTIONS);
  return formatter.format(temporal());
}

function formatDays(days: number, pattern: string, shown: string): string {
  try {
    return format(() => LocalDate.ofEpochDay(days), pattern);
  } catch (error) {
    throw functionError(`Failed to format date ${shown} with formatter '${pattern}': ${javaMessage(error)}`, error);
  }
}

function formatInstant(epochMilli: number, pattern: string, timeZone: string, shown: string): string {
  try {
    const formatter = javaFormatter(pattern, FORMAT_OPTIONS);
    const zone = zoneIdOf(timeZone);
    return formatter.format(Instant.ofEpochMilli(epochMilli).atZone(zone));
  } catch (error) {
    throw functionError(`Failed to format timestamp ${shown}: ${javaMessage(error)}`, error);
  }
}

// ---- parsing ----

const DATE_FIELDS = [
  ChronoField.DAY_OF_WEEK,
  ChronoField.ALIGNED_DAY_OF_WEEK_IN_MONTH,
  ChronoField.ALIGNED_DAY_OF_WEEK_IN_YEAR,
  ChronoField.DAY_OF_MONTH,
  ChronoField.DAY_OF_YEAR,
  ChronoField.EPOCH_DAY,
  ChronoField.ALIGNED_WEEK_OF_MONTH,
  ChronoField.ALIGNED_WEEK_OF_YEAR,
  ChronoField.MONTH_OF_YEAR,
  ChronoField.PROLEPTIC_MONTH,
  ChronoField.YEAR_OF_ERA,
  ChronoField.YEAR,
  ChronoField.ERA,
];

function parseTimestampAt(text: string, pattern: string, zone: () => ZoneId): number {
  return timestampParser(pattern).parse(text, zone());
}

function nullText(value: string | null): string {
  return value === null ? 'null' : value;
}

function requireNonNull<T>(value: T | null, what: string): T {
  if (value === null) throw new Error(`${what} is null`);
  return value;
}

// ---- the functions ----

export const datetimeFunctions: readonly ScalarFunction[] = [
  {
    name: 'CONVERT_TZ',
    declaredName: 'convert_tz',
    category: CATEGORY,
    description: 'Converts a TIMESTAMP value from one timezone to another.',
    overloads: [
      {
        params: [TIMESTAMP, STRING, STRING],
        paramNames: ['timestamp', 'fromTimeZone', 'toTimeZone'],
        returns: TIMESTAMP,
        description:
          'Converts a TIMESTAMP value from one timezone to another. Time zones are java.util.TimeZone ids, ' +
          'for example "UTC", "America/Los_Angeles", "+0200".',
        implementation: (timestamp: number | null, fromTimeZone: string | null, toTimeZone: string | null): number | null => {
          if (timestamp === null || fromTimeZone === null || toTimeZone === null) return null;
          let from: ZoneId;
          let to: ZoneId;
          try {
            to = zoneIdOf(toTimeZone);
            from = zoneIdOf(fromTimeZone);
          } catch (error) {
            throw functionError(`Invalid time zone: ${javaMessage(error)}`, error);
          }
          return timestamp + legacyTimeZoneOffsetMs(to, timestamp) - legacyTimeZoneOffsetMs(from, timestamp);
        },
      },
    ],
  },
  {
    name: 'DATEADD',
    declaredName: 'dateadd',
    category: CATEGORY,
    description: 'Adds a duration to a DATE value.',
    overloads: [
      {
        params: [TIME_UNIT_PARAM, INTEGER, DATE],
        paramNames: ['unit', 'interval', 'date'],
        returns: DATE,
        description: 'Adds a duration to a date: DATEADD(unit, interval, date), unit one of DAYS, HOURS, MINUTES, SECONDS, MILLISECONDS.',
        implementation: (unit: string | null, interval: number | null, date: number | null) => dateAdd(unit, interval, date, 1),
      },
    ],
  },
  {
    name: 'DATESUB',
    declaredName: 'datesub',
    category: CATEGORY,
    description: 'Subtracts a duration from a DATE value.',
    overloads: [
      {
        params: [TIME_UNIT_PARAM, INTEGER, DATE],
        paramNames: ['unit', 'interval', 'date'],
        returns: DATE,
        description: 'Subtracts a duration from a date: DATESUB(unit, interval, date).',
        implementation: (unit: string | null, interval: number | null, date: number | null) => dateAdd(unit, interval, date, -1),
      },
    ],
  },
  {
    name: 'DATETOSTRING',
    declaredName: 'datetostring',
    category: CATEGORY,
    description:
      'Converts the number of days since 1970-01-01 00:00:00 UTC/GMT to a date string using the given format ' +
      'pattern (java.time.format.DateTimeFormatter). Deprecated: use FORMAT_DATE.',
    overloads: [
      {
        params: [INTEGER, STRING],
        paramNames: ['epochDays', 'formatPattern'],
        returns: STRING,
        description: 'Converts the number of days since 1970-01-01 to a date string using the given format pattern.',
        implementation: (epochDays: number | null, formatPattern: string | null): string | null => {
          if (formatPattern === null) return null;
          if (epochDays === null) throw functionError(`Failed to format date null with formatter '${formatPattern}': days is null`);
          return formatDays(epochDays, formatPattern, String(epochDays));
        },
      },
    ],
  },
  {
    name: 'FORMAT_DATE',
    declaredName: 'format_date',
    category: CATEGORY,
    description:
      'Converts a DATE value to a string using the given format pattern (java.time.format.DateTimeFormatter).',
    overloads: [
      {
        params: [DATE, STRING],
        paramNames: ['date', 'formatPattern'],
        returns: STRING,
        description: 'Converts a DATE value to a string using the given format pattern.',
        implementation: (date: number | null, formatPattern: string | null): string | null => {
          if (date === null || formatPattern === null) return null;
          return formatDays(date, formatPattern, dateText(date));
        },
      },
    ],
  },
  {
    name: 'FORMAT_TIME',
    declaredName: 'format_time',
    category: CATEGORY,
    description: 'Converts a TIME value into the string representation of the time in the given format.',
    overloads: [
      {
        params: [TIME, STRING],
        paramNames: ['time', 'formatPattern'],
        returns: STRING,
        description:
          'Converts a TIME value into the string representation of the time in the given format ' +
          '(java.time.format.DateTimeFormatter).',
        implementation: (time: number | null, formatPattern: string | null): string | null => {
          if (time === null || formatPattern === null) return null;
          try {
            return format(() => LocalTime.ofNanoOfDay(time * 1_000_000), formatPattern);
          } catch (error) {
            throw functionError(
              `Failed to format time ${timeText(time)} with formatter '${formatPattern}': ${javaMessage(error)}`,
              error,
            );
          }
        },
      },
    ],
  },
  {
    name: 'FORMAT_TIMESTAMP',
    declaredName: 'format_timestamp',
    category: CATEGORY,
    description: 'Converts a TIMESTAMP value into the string representation of the timestamp in the given format.',
    overloads: [
      {
        params: [TIMESTAMP, STRING],
        paramNames: ['timestamp', 'formatPattern'],
        returns: STRING,
        description:
          'Converts a TIMESTAMP value into the string representation of the timestamp in the given format, ' +
          "in GMT. Single quotes in the format can be escaped with '', for example: 'yyyy-MM-dd''T''HH:mm:ssX'.",
        implementation: (timestamp: number | null, formatPattern: string | null): string | null => {
          if (timestamp === null || formatPattern === null) return null;
          return formatInstant(timestamp, formatPattern, 'GMT', `${timestampText(timestamp)} at timeZone 'GMT' with formatter '${formatPattern}'`);
        },
      },
      {
        params: [TIMESTAMP, STRING, STRING],
        paramNames: ['timestamp', 'formatPattern', 'timeZone'],
        returns: STRING,
        description:
          'Converts a TIMESTAMP value into the string representation of the timestamp in the given format and ' +
          'time zone (a java.util.TimeZone id, for example "UTC", "America/Los_Angeles").',
        implementation: (timestamp: number | null, formatPattern: string | null, timeZone: string | null): string | null => {
          if (timestamp === null || formatPattern === null || timeZone === null) return null;
          return formatInstant(
            timestamp,
            formatPattern,
            timeZone,
            `${timestampText(timestamp)} at timeZone '${timeZone}' with formatter '${formatPattern}'`,
          );
        },
      },
    ],
  },
  {
    name: 'FROM_DAYS',
    declaredName: 'from_days',
    category: CATEGORY,
    description: 'Converts a number of days since epoch to a DATE value.',
    overloads: [
      {
        params: [INTEGER],
        paramNames: ['days'],
        returns: DATE,
        description: 'Converts a number of days since epoch to a DATE value.',
        implementation: (days: number | null): number => {
          if (days === null) throw functionError('FROM_DAYS: days is null');
          return days;
        },
      },
    ],
  },
  {
    name: 'FROM_UNIXTIME',
    declaredName: 'from_unixtime',
    category: CATEGORY,
    description: 'Converts the number of milliseconds since 1970-01-01 00:00:00 UTC/GMT into a TIMESTAMP value.',
    overloads: [
      {
        params: [BIGINT],
        paramNames: ['epochMilli'],
        returns: TIMESTAMP,
        description: 'Converts the number of milliseconds since 1970-01-01 00:00:00 UTC/GMT into a TIMESTAMP value.',
        implementation: (epochMilli: number | null): number | null => epochMilli,
      },
    ],
  },
  {
    name: 'PARSE_DATE',
    declaredName: 'parse_date',
    category: CATEGORY,
    description:
      'Converts a string representation of a date in the given format into a DATE value. The format pattern ' +
      'is a java.text.SimpleDateFormat pattern.',
    overloads: [
      {
        params: [STRING, STRING],
        paramNames: ['formattedDate', 'formatPattern'],
        returns: DATE,
        needsContext: true,
        description: 'Converts a string representation of a date in the given format into a DATE value.',
        implementation: (context: FunctionContext, formattedDate: string | null, formatPattern: string | null): number | null => {
          if (formattedDate === null || formatPattern === null) return null;
          try {
            const time = parseSimpleDate(formattedDate, formatPattern, context.nowMs());
            if (time % MS_PER_DAY !== 0) throw new Error('Date format contains time field.');
            return time / MS_PER_DAY;
          } catch (error) {
            throw functionError(
              `Failed to parse date '${formattedDate}' with formatter '${formatPattern}': ${javaMessage(error)}`,
              error,
            );
          }
        },
      },
    ],
  },
  {
    name: 'PARSE_TIME',
    declaredName: 'parse_time',
    category: CATEGORY,
    description: 'Converts a string representation of a time in the given format into a TIME value.',
    overloads: [
      {
        params: [STRING, STRING],
        paramNames: ['formattedTime', 'formatPattern'],
        returns: TIME,
        description:
          'Converts a string representation of a time in the given format (java.time.format.DateTimeFormatter) ' +
          'into a TIME value.',
        implementation: (formattedTime: string | null, formatPattern: string | null): number | null => {
          if (formattedTime === null || formatPattern === null) return null;
          try {
            const parsed = javaFormatter(formatPattern, PARSE_OPTIONS).parse(formattedTime);
            if (DATE_FIELDS.some((field) => parsed.isSupported(field))) throw new Error('Time format contains date field.');
            return Math.floor(LocalTime.from(parsed).toNanoOfDay() / 1_000_000);
          } catch (error) {
            throw functionError(
              `Failed to parse time '${formattedTime}' with formatter '${formatPattern}': ${javaMessage(error)}`,
              error,
            );
          }
        },
      },
    ],
  },
  {
    name: 'PARSE_TIMESTAMP',
    declaredName: 'parse_timestamp',
    category: CATEGORY,
    description: 'Converts a string representation of a date in the given format into a TIMESTAMP value.',
    overloads: [
      {
        params: [STRING, STRING],
        paramNames: ['formattedTimestamp', 'formatPattern'],
        returns: TIMESTAMP,
        description:
          'Converts a string representation of a date in the given format into a TIMESTAMP value, in GMT unless ' +
          "the text has a zone. Single quotes in the format can be escaped with '', for example: " +
          "'yyyy-MM-dd''T''HH:mm:ssX'.",
        implementation: (formattedTimestamp: string | null, formatPattern: string | null): number | null =>
          parseTimestamp(formattedTimestamp, formatPattern, 'GMT'),
      },
      {
        params: [STRING, STRING, STRING],
        paramNames: ['formattedTimestamp', 'formatPattern', 'timeZone'],
        returns: TIMESTAMP,
        description:
          'Converts a string representation of a date at the given time zone in the given format into a TIMESTAMP value.',
        implementation: (formattedTimestamp: string | null, formatPattern: string | null, timeZone: string | null): number | null =>
          parseTimestamp(formattedTimestamp, formatPattern, timeZone),
      },
    ],
  },
  {
    name: 'STRINGTODATE',
    declaredName: 'stringtodate',
    category: CATEGORY,
    description:
      'Converts a string representation of a date in the given format into the number of days since ' +
      '1970-01-01 00:00:00 UTC/GMT. Deprecated: use PARSE_DATE.',
    overloads: [
      {
        params: [STRING, STRING],
        paramNames: ['formattedDate', 'formatPattern'],
        returns: INTEGER,
        description:
          'Converts a string representation of a date in the given format (java.time.format.DateTimeFormatter) ' +
          'into the number of days since 1970-01-01.',
        implementation: (formattedDate: string | null, formatPattern: string | null): number => {
          // No null check: ksqlDB throws, as an INT has no sentinel for a null date.
          try {
            const formatter = javaFormatter(requireNonNull(formatPattern, 'pattern'), PARSE_OPTIONS);
            return LocalDate.parse(requireNonNull(formattedDate, 'text'), formatter).toEpochDay();
          } catch (error) {
            throw functionError(
              `Failed to parse date '${nullText(formattedDate)}' with formatter '${nullText(formatPattern)}': ${javaMessage(error)}`,
              error,
            );
          }
        },
      },
    ],
  },
  {
    name: 'STRINGTOTIMESTAMP',
    declaredName: 'stringtotimestamp',
    category: CATEGORY,
    description:
      'Converts a string representation of a date in the given format into the number of milliseconds since ' +
      '1970-01-01 00:00:00 UTC/GMT. Deprecated: use PARSE_TIMESTAMP.',
    overloads: [
      {
        params: [STRING, STRING],
        paramNames: ['formattedTimestamp', 'formatPattern'],
        returns: BIGINT,
        description:
          'Converts a string representation of a date in the given format into the number of milliseconds since ' +
          "1970-01-01 00:00:00 UTC/GMT, in the server's time zone (UTC) unless the text has a zone.",
        implementation: (formattedTimestamp: string | null, formatPattern: string | null): number => {
          try {
            return parseTimestampAt(
              requireNonNull(formattedTimestamp, 'text'),
              requireNonNull(formatPattern, 'pattern'),
              () => SYSTEM_DEFAULT_ZONE,
            );
          } catch (error) {
            throw functionError(
              `Failed to parse timestamp '${nullText(formattedTimestamp)}' with formatter '${nullText(formatPattern)}': ${javaMessage(error)}`,
              error,
            );
          }
        },
      },
      {
        params: [STRING, STRING, STRING],
        paramNames: ['formattedTimestamp', 'formatPattern', 'timeZone'],
        returns: BIGINT,
        description:
          'Converts a string representation of a date at the given time zone into the number of milliseconds ' +
          'since 1970-01-01 00:00:00 UTC/GMT.',
        implementation: (formattedTimestamp: string | null, formatPattern: string | null, timeZone: string | null): number => {
          try {
            return parseTimestampAt(
              requireNonNull(formattedTimestamp, 'text'),
              requireNonNull(formatPattern, 'pattern'),
              () => zoneIdOf(requireNonNull(timeZone, 'zone')),
            );
          } catch (error) {
            throw functionError(
              `Failed to parse timestamp '${nullText(formattedTimestamp)}' at timezone '${nullText(timeZone)}' ` +
                `with formatter '${nullText(formatPattern)}': ${javaMessage(error)}`,
              error,
            );
          }
        },
      },
    ],
  },
  {
    name: 'TIMEADD',
    declaredName: 'timeadd',
    category: CATEGORY,
    description: 'Adds a duration to a TIME value.',
    overloads: [
      {
        params: [TIME_UNIT_PARAM, INTEGER, TIME],
        paramNames: ['unit', 'interval', 'time'],
        returns: TIME,
        description: 'Adds a duration to a time, wrapping around midnight: TIMEADD(unit, interval, time).',
        implementation: (unit: string | null, interval: number | null, time: number | null) => timeAdd(unit, interval, time, 1),
      },
    ],
  },
  {
    name: 'TIMESUB',
    declaredName: 'timesub',
    category: CATEGORY,
    description: 'Subtracts a duration from a TIME value.',
    overloads: [
      {
        params: [TIME_UNIT_PARAM, INTEGER, TIME],
        paramNames: ['unit', 'interval', 'time'],
        returns: TIME,
        description: 'Subtracts a duration from a time, wrapping around midnight: TIMESUB(unit, interval, time).',
        implementation: (unit: string | null, interval: number | null, time: number | null) => timeAdd(unit, interval, time, -1),
      },
    ],
  },
  {
    name: 'TIMESTAMPADD',
    declaredName: 'timestampadd',
    category: CATEGORY,
    description: 'Adds a duration to a TIMESTAMP value.',
    overloads: [
      {
        params: [TIME_UNIT_PARAM, INTEGER, TIMESTAMP],
        paramNames: ['unit', 'interval', 'timestamp'],
        returns: TIMESTAMP,
        description: 'Adds a duration to a timestamp: TIMESTAMPADD(unit, interval, timestamp).',
        implementation: (unit: string | null, interval: number | null, timestamp: number | null) =>
          timestampAdd(unit, interval, timestamp, 1),
      },
    ],
  },
  {
    name: 'TIMESTAMPSUB',
    declaredName: 'timestampsub',
    category: CATEGORY,
    description: 'Subtracts a duration from a TIMESTAMP value.',
    overloads: [
      {
        params: [TIME_UNIT_PARAM, INTEGER, TIMESTAMP],
        paramNames: ['unit', 'interval', 'timestamp'],
        returns: TIMESTAMP,
        description: 'Subtracts a duration from a timestamp: TIMESTAMPSUB(unit, interval, timestamp).',
        implementation: (unit: string | null, interval: number | null, timestamp: number | null) =>
          timestampAdd(unit, interval, timestamp, -1),
      },
    ],
  },
  {
    name: 'TIMESTAMPTOSTRING',
    declaredName: 'timestamptostring',
    category: CATEGORY,
    description:
      'Converts a number of milliseconds since 1970-01-01 00:00:00 UTC/GMT into the string representation of the ' +
      'timestamp in the given format. Deprecated: use FORMAT_TIMESTAMP.',
    overloads: [
      {
        params: [BIGINT, STRING],
        paramNames: ['epochMilli', 'formatPattern'],
        returns: STRING,
        description:
          'Converts a number of milliseconds since 1970-01-01 00:00:00 UTC/GMT into the string representation of ' +
          "the timestamp in the given format, in the server's time zone (UTC).",
        implementation: (epochMilli: number | null, formatPattern: string | null): string | null => {
          if (formatPattern === null) return null;
          if (epochMilli === null) throw functionError(`Failed to format timestamp null with formatter '${formatPattern}'`);
          return formatInstant(epochMilli, formatPattern, SYSTEM_DEFAULT_ZONE.id(), `${epochMilli} with formatter '${formatPattern}'`);
        },
      },
      {
        params: [BIGINT, STRING, STRING],
        paramNames: ['epochMilli', 'formatPattern', 'timeZone'],
        returns: STRING,
        description:
          'Converts a number of milliseconds since 1970-01-01 00:00:00 UTC/GMT into the string representation of ' +
          'the timestamp in the given format and time zone.',
        implementation: (epochMilli: number | null, formatPattern: string | null, timeZone: string | null): string | null => {
          if (formatPattern === null || timeZone === null) return null;
          if (epochMilli === null) {
            throw functionError(`Failed to format timestamp null at timeZone '${timeZone}' with formatter '${formatPattern}'`);
          }
          return formatInstant(epochMilli, formatPattern, timeZone, `${epochMilli} at timeZone '${timeZone}' with formatter '${formatPattern}'`);
        },
      },
    ],
  },
  {
    name: 'UNIX_DATE',
    declaredName: 'unix_date',
    category: CATEGORY,
    description: 'Returns the current number of days for the system since 1970-01-01 00:00:00 UTC/GMT.',
    overloads: [
      {
        params: [],
        paramNames: [],
        returns: INTEGER,
        needsContext: true,
        description: 'Returns the current number of days for the system since 1970-01-01 00:00:00 UTC/GMT.',
        implementation: (context: FunctionContext): number => Math.floor(context.nowMs() / MS_PER_DAY),
      },
      {
        params: [DATE],
        paramNames: ['date'],
        returns: INTEGER,
        description: 'Returns the number of days since 1970-01-01 00:00:00 UTC/GMT represented by the given date.',
        implementation: (date: number | null): number | null => date,
      },
    ],
  },
  {
    name: 'UNIX_TIMESTAMP',
    declaredName: 'unix_timestamp',
    category: CATEGORY,
    description: 'Returns the current number of milliseconds for the system since 1970-01-01 00:00:00 UTC/GMT.',
    overloads: [
      {
        params: [],
        paramNames: [],
        returns: BIGINT,
        needsContext: true,
        description: 'Returns the current number of milliseconds for the system since 1970-01-01 00:00:00 UTC/GMT.',
        implementation: (context: FunctionContext): number => context.nowMs(),
      },
      {
        params: [TIMESTAMP],
        paramNames: ['timestamp'],
        returns: BIGINT,
        description: 'Returns the number of milliseconds since 1970-01-01 00:00:00 UTC/GMT represented by the given timestamp.',
        implementation: (timestamp: number | null): number | null => timestamp,
      },
    ],
  },
];

function parseTimestamp(formattedTimestamp: string | null, formatPattern: string | null, timeZone: string | null): number | null {
  if (formattedTimestamp === null || formatPattern === null || timeZone === null) return null;
  try {
    return parseTimestampAt(formattedTimestamp, formatPattern, () => (timeZone === 'GMT' ? GMT_ZONE : zoneIdOf(timeZone)));
  } catch (error) {
    throw functionError(
      `Failed to parse timestamp '${formattedTimestamp}' at timezone '${timeZone}' with formatter '${formatPattern}': ${javaMessage(error)}`,
      error,
    );
  }
}
