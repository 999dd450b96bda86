/**
 * engine/functions/scalar/datetime — ksqlDB's DATE / TIME scalar functions (CONVERT_TZ, DATEADD,
 * DATESUB, DATETOSTRING, FORMAT_DATE, FORMAT_TIME, FORMAT_TIMESTAMP, FROM_DAYS, FROM_UNIXTIME,
 * PARSE_DATE, PARSE_TIME, PARSE_TIMESTAMP, STRINGTODATE, STRINGTOTIMESTAMP, TIMEADD, TIMESUB,
 * TIMESTAMPADD, TIMESTAMPSUB, TIMESTAMPTOSTRING, UNIX_DATE, UNIX_TIMESTAMP) with Java
 * DateTimeFormatter pattern semantics on @js-joda/core + @js-joda/timezone, and an en-US text
 * provider in place of @js-joda/locale.
 *
 * Time-unit arguments (`DATEADD(DAYS, 3, d)`) arrive as a STRING holding the upper-case unit
 * name ('DAYS', 'HOURS', 'MINUTES', 'SECONDS', 'MILLISECONDS'); see time-units.ts.
 *
 * Also exported for other layers: the cached Java-pattern formatter, ksqlDB's timestamp parser
 * (TIMESTAMP_FORMAT) and its partial-timestamp parser (`WHERE ROWTIME > '2020-01-01'`).
 */
import type { ScalarFunction } from '../../types.js';
import { datetimeFunctions } from './functions.js';

/** The part of the function registry this module needs (declared here to stay independent of it). */
export interface ScalarFunctionRegistrar {
  registerScalar(fn: ScalarFunction): void;
}

export function registerDatetimeFunctions(registry: ScalarFunctionRegistrar): void {
  for (const fn of datetimeFunctions) registry.registerScalar(fn);
}

export { datetimeFunctions, TIME_UNIT_PARAM } from './functions.js';
export { javaFormatter, compileJavaPattern, FORMAT_OPTIONS, PARSE_OPTIONS, PARSE_ROOT_OPTIONS } from './java-pattern.js';
export type { PatternOptions } from './java-pattern.js';
export { StringToTimestampParser, timestampParser, parsePartialTimestamp, javaMessage } from './timestamp-parser.js';
export { parseSimpleDate } from './simple-date-parser.js';
export { timeUnitOf, TIME_UNIT_NAMES } from './time-units.js';
export type { TimeUnit, TimeUnitName } from './time-units.js';
export { zoneIdOf, UTC_ZONE, GMT_ZONE, SYSTEM_DEFAULT_ZONE } from './zones.js';
