/**
 * DATE, TIME and TIMESTAMP: civil-calendar arithmetic, and parsing and printing as ksqlDB does
 * (its SqlTimeTypes: `LocalDate.toString()`, `LocalTime.toString()` of the whole seconds,
 * `yyyy-MM-dd'T'HH:mm:ss.SSS` in UTC; partial strings are completed before parsing).
 *
 * Values: DATE = days since 1970-01-01, TIME = milliseconds since midnight, TIMESTAMP = epoch ms
 * (UTC). Everything here is allocation-light and never reads the wall clock.
 */

import { SluiceError } from '../../common/index.js';

export const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** The proleptic Gregorian date of a day number (days since 1970-01-01). */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  switch (month) {
    case 2:
      return isLeapYear(year) ? 29 : 28;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    default:
      return 31;
  }
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

function pad3(n: number): string {
  return n < 10 ? '00' + n : n < 100 ? '0' + n : String(n);
}

/** Java's LocalDate year printing: 4 digits at least, `+` above 9999, `-` below 0. */
function formatIsoYear(year: number): string {
  const abs = Math.abs(year);
  if (abs < 1000) return (year < 0 ? '-' : '') + String(abs).padStart(4, '0');
  if (year > 9999) return '+' + year;
  return String(year);
}

/** `yyyy-MM-dd` of a DATE (Java's `LocalDate.toString()`). */
export function formatDate(days: number): string {
  const c = civilFromDays(days);
  return `${formatIsoYear(c.year)}-${pad2(c.month)}-${pad2(c.day)}`;
}

/**
 * A TIME as ksqlDB's CAST(... AS STRING) prints it: `LocalTime.ofSecondOfDay(ms / 1000).toString()`,
 * i.e. `HH:mm` when the seconds are zero, else `HH:mm:ss` (milliseconds are dropped).
 */
export function formatTime(msOfDay: number): string {
  const secs = Math.floor(msOfDay / 1000);
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  return s === 0 ? `${pad2(h)}:${pad2(m)}` : `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

/** `HH:mm:ss.SSS` of a TIME. */
export function formatTimeMillis(msOfDay: number): string {
  const secs = Math.floor(msOfDay / 1000);
  return `${pad2(Math.floor(secs / 3600))}:${pad2(Math.floor((secs % 3600) / 60))}:${pad2(secs % 60)}.${pad3(msOfDay - secs * 1000)}`;
}

/** Splits epoch ms into a day number and ms of that day (UTC). */
export function splitEpochMillis(epochMs: number): { days: number; msOfDay: number } {
  const days = Math.floor(epochMs / MS_PER_DAY);
  return { days, msOfDay: epochMs - days * MS_PER_DAY };
}

/** `yyyy-MM-dd'T'HH:mm:ss.SSS` in UTC (ksqlDB's `SqlTimeTypes.formatTimestamp`). */
export function formatTimestamp(epochMs: number): string {
  const days = Math.floor(epochMs / MS_PER_DAY);
  const ms = epochMs - days * MS_PER_DAY;
  const c = civilFromDays(days);
  const year = c.year > 9999 ? '+' + c.year : String(c.year).padStart(4, '0');
  return `${year}-${pad2(c.month)}-${pad2(c.day)}T${formatTimeMillis(ms)}`;
}

/** TIMESTAMP → DATE (UTC day). */
export function timestampToDate(epochMs: number): number {
  return Math.floor(epochMs / MS_PER_DAY);
}

/** TIMESTAMP → TIME (ms of the UTC day). */
export function timestampToTime(epochMs: number): number {
  return epochMs - Math.floor(epochMs / MS_PER_DAY) * MS_PER_DAY;
}

/** DATE → TIMESTAMP (midnight UTC). */
export function dateToTimestamp(days: number): number {
  return days * MS_PER_DAY;
}

// ---- parsing ----

const NL = '\n';
const TIME_HELP =
  NL + 'Required format is: "HH:mm:ss.SSS", ' + "for example: '01:34:20.123' or '01:34:20'. " + "Partials are also supported, for example '01:34'";
const DATE_HELP =
  NL + 'Required format is: "yyyy-MM-dd", ' + "for example '2020-05-26'. " + "Partials are also supported, for example '2020-05'";
const TIMESTAMP_HELP =
  NL +
  'Required format is: "yyyy-MM-dd\'T\'HH:mm:ss.SSS", ' +
  'with an optional numeric 4-digit timezone, for example: ' +
  "'2020-05-26T23:59:58.000' or with tz: '2020-05-26T23:59:58.000+0200'. " +
  "A trailing 'Z' instead of tz indicates the zero UTC offset. " +
  'Partials are also supported, for example "2020-05-26"';

function evalError(message: string, found: string): SluiceError {
  return new SluiceError('ENGINE_EVALUATION', message, { found });
}

/** ksqlDB's completion of a partial date: `2020` → `2020-01-01`, `2020-05` → `2020-05-01`. */
export function completeDate(date: string): string {
  // Java's String.split drops trailing empty strings.
  const parts = date.split('-');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length <= 1) return date + '-01-01';
  if (parts.length === 2) return date + '-01';
  return date;
}

const ISO_DATE = /^([+-]\d{4,9}|\d{4})-(\d{2})-(\d{2})$/;

/** Java's ISO_LOCAL_DATE (strict): the day number, or an error message. */
function parseIsoDate(text: string): number | string {
  const m = ISO_DATE.exec(text);
  if (m === null) return `Text '${text}' could not be parsed`;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (m[1]!.length > 4 && m[1]![0] !== '+' && m[1]![0] !== '-') return `Text '${text}' could not be parsed`;
  if (month < 1 || month > 12) return `Text '${text}' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): ${month}`;
  if (day < 1 || day > 31) return `Text '${text}' could not be parsed: Invalid value for DayOfMonth (valid values 1 - 28/31): ${day}`;
  if (day > daysInMonth(year, month)) {
    return day === 29
      ? `Text '${text}' could not be parsed: Invalid date 'February 29' as '${year}' is not a leap year`
      : `Text '${text}' could not be parsed: Invalid date '${MONTH_NAMES[month - 1]} ${day}'`;
  }
  return daysFromCivil(year, month, day);
}

const MONTH_NAMES = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];

/** CAST(string AS DATE): partial dates completed, then ISO `yyyy-MM-dd`. Throws ENGINE_EVALUATION. */
export function parseDate(text: string): number {
  const r = parseIsoDate(completeDate(text));
  if (typeof r === 'string') throw evalError(`Failed to parse date '${text}': ${r}${DATE_HELP}`, text);
  return r;
}

const ISO_TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** Java's ISO_LOCAL_TIME: ms of day, or an error message. */
function parseIsoTime(text: string): number | string {
  const m = ISO_TIME.exec(text);
  if (m === null) return `Text '${text}' could not be parsed`;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23) return `Text '${text}' could not be parsed: Invalid value for HourOfDay (valid values 0 - 23): ${h}`;
  if (min > 59) return `Text '${text}' could not be parsed: Invalid value for MinuteOfHour (valid values 0 - 59): ${min}`;
  if (s > 59) return `Text '${text}' could not be parsed: Invalid value for SecondOfMinute (valid values 0 - 59): ${s}`;
  const frac = m[4] === undefined ? 0 : Number((m[4] + '00').slice(0, 3));
  return ((h * 60 + min) * 60 + s) * 1000 + frac;
}

/** CAST(string AS TIME): ISO `HH:mm[:ss[.fffffffff]]`, ms of day (sub-ms truncated). */
export function parseTime(text: string): number {
  const r = parseIsoTime(text);
  if (typeof r === 'string') throw evalError(`Failed to parse time '${text}': ${r}${TIME_HELP}`, text);
  return r;
}

const TIME_PATTERN = 'HH:mm:ss.SSS';

function completeTime(time: string): string {
  if (time.length >= TIME_PATTERN.length) return time;
  return time + TIME_PATTERN.slice(time.length).replace(/[a-zA-Z]/g, '0');
}

const TS_BODY = /^(\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{3})$/i;

/** Offset in ms of a Java ZoneId offset text (`+02`, `+0200`, `+02:00`, `-5`, `Z`), or null. */
export function parseZoneOffsetMs(zone: string): number | null {
  if (zone === 'Z' || zone === 'z') return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(zone);
  if (m === null) return null;
  if (m[2]!.length === 1 && m[3] !== undefined) return null;
  const h = Number(m[2]);
  const min = m[3] === undefined ? 0 : Number(m[3]);
  const s = m[4] === undefined ? 0 : Number(m[4]);
  if (h > 18 || min > 59 || s > 59) return null;
  const total = ((h * 60 + min) * 60 + s) * 1000;
  if (total > 18 * 3600 * 1000) return null;
  return m[1] === '-' ? -total : total;
}

/**
 * CAST(string AS TIMESTAMP) as ksqlDB's PartialStringToTimestampParser: `yyyy-MM-dd'T'HH:mm:ss.SSS`
 * with partial dates/times completed, an optional offset after the time (`+0200`, `-05:00`) or a
 * trailing `Z`; epoch ms. Throws ENGINE_EVALUATION with ksqlDB's wording.
 */
export function parseTimestamp(text: string): number {
  let date: string;
  let time: string;
  let zone: string;
  const t = text.indexOf('T');
  if (t >= 0) {
    date = text.slice(0, t);
    const withZone = text.slice(t + 1);
    const plus = withZone.indexOf('+');
    const minus = withZone.indexOf('-');
    zone = plus >= 0 ? withZone.slice(plus) : minus >= 0 ? withZone.slice(minus) : '';
    time = completeTime(withZone.slice(0, withZone.length - zone.length).replace(/Z$/, ''));
  } else {
    date = completeDate(text);
    time = completeTime('');
    zone = '';
  }
  const fail = (why: string): SluiceError => evalError(`Failed to parse timestamp '${text}': ${why}${TIMESTAMP_HELP}`, text);
  let offsetMs = 0;
  if (zone.trim() !== '') {
    const off = parseZoneOffsetMs(zone);
    if (off === null) throw fail(`Failed to parse timezone '${zone}': Invalid ID for ZoneOffset, invalid format: ${zone}`);
    offsetMs = off;
  }
  const body = `${date}T${time}`;
  const m = TS_BODY.exec(body);
  if (m === null) throw fail(`Text '${body}' could not be parsed at index 0`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  let day = Number(m[3]);
  const h = Number(m[4]);
  const min = Number(m[5]);
  const s = Number(m[6]);
  const ms = Number(m[7]);
  if (month < 1 || month > 12) throw fail(`Text '${body}' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): ${month}`);
  if (day < 1 || day > 31) throw fail(`Text '${body}' could not be parsed: Invalid value for DayOfMonth (valid values 1 - 28/31): ${day}`);
  // Java's SMART resolver reads 24:00:00.000 as midnight at the end of the day (the next day's 00:00).
  const endOfDay = h === 24 && min === 0 && s === 0 && ms === 0;
  if (h > 23 && !endOfDay) throw fail(`Text '${body}' could not be parsed: Invalid value for HourOfDay (valid values 0 - 23): ${h}`);
  if (min > 59) throw fail(`Text '${body}' could not be parsed: Invalid value for MinuteOfHour (valid values 0 - 59): ${min}`);
  if (s > 59) throw fail(`Text '${body}' could not be parsed: Invalid value for SecondOfMinute (valid values 0 - 59): ${s}`);
  // Java's SMART resolver clamps a day past the month's end to its last day.
  day = Math.min(day, daysInMonth(year, month));
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((h * 60 + min) * 60 + s) * 1000 + ms - offsetMs;
}

/** True when a TIME value is in range (0 <= ms <= one day, as ksqlDB's serdes check). */
export function isValidTime(ms: number): boolean {
  return ms >= 0 && ms <= MS_PER_DAY;
}
