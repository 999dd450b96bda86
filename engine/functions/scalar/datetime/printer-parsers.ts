/**
 * Printer-parsers and fields that @js-joda/core leaves to its locale plugin, written for en-US:
 * text fields (MMM, EEEE, a, G, QQQ), zone names (z, v), localized offsets (O, ZZZZ), the
 * locale's week fields (Y, w, W, e, c), and a fixed-width fraction that takes part in adjacent
 * value parsing (`HHmmssSSS`), as Java 9+ does.
 *
 * They plug into js-joda's DateTimeFormatterBuilder through its internal `_appendInternal`, the
 * same hook @js-joda/locale uses; a printer-parser is an object with `print(context, buf)` and
 * `parse(context, text, position)` (a negative result is the complement of the error position).
 */
import '@js-joda/timezone';
import {
  ChronoField,
  ChronoUnit,
  DateTimeException,
  Instant,
  LocalDate,
  TemporalField,
  TemporalQueries,
  UnsupportedTemporalTypeException,
  ValueRange,
  ZoneId,
  ZoneOffset,
  ZoneRulesProvider,
} from '@js-joda/core';
import type { TemporalAccessor } from '@js-joda/core';
import { fieldText, parseTexts, zoneNameEntries, zoneNames } from './text-en-us.js';
import type { TextFieldName, TextWidth } from './text-en-us.js';

/** js-joda's print context (internal API). */
interface PrintContext {
  getValue(field: TemporalField): number | null;
  getValueQuery(query: unknown): unknown;
  temporal(): TemporalAccessor;
}
/** js-joda's parse context (internal API). */
interface ParseContext {
  subSequenceEquals(a: string, offsetA: number, b: string, offsetB: number, length: number): boolean;
  charEquals(a: string, b: string): boolean;
  isCaseSensitive(): boolean;
  setParsedField(field: TemporalField, value: number, errorPosition: number, successPosition: number): number;
  setParsedZone(zone: ZoneId): void;
}
/** js-joda's StringBuilder. */
interface Buffer {
  append(text: string): Buffer;
}

export interface PrinterParser {
  print(context: PrintContext, buf: Buffer): boolean;
  parse(context: ParseContext, text: string, position: number): number;
  toString(): string;
}

// ---- text fields ----

export class TextPrinterParser implements PrinterParser {
  private readonly entries: ReadonlyArray<readonly [string, number]>;

  constructor(
    private readonly field: TemporalField,
    private readonly fieldName: TextFieldName,
    private readonly width: TextWidth,
  ) {
    this.entries = parseTexts(fieldName, width);
  }

  print(context: PrintContext, buf: Buffer): boolean {
    const value = context.getValue(this.field);
    if (value === null || value === undefined) return false;
    // Java falls back to the number when a value has no text.
    buf.append(fieldText(this.fieldName, this.width, value) ?? String(value));
    return true;
  }

  parse(context: ParseContext, text: string, position: number): number {
    for (const [candidate, value] of this.entries) {
      if (context.subSequenceEquals(candidate, 0, text, position, candidate.length)) {
        return context.setParsedField(this.field, value, position, position + candidate.length);
      }
    }
    return ~position;
  }

  toString(): string {
    return `Text(${this.field.toString()},${this.width})`;
  }
}

// ---- zone names ----

/** `z`/`zzzz` (daylight-aware) and `v`/`vvvv` (generic) zone names. */
export class ZoneTextPrinterParser implements PrinterParser {
  constructor(
    private readonly long: boolean,
    private readonly generic: boolean,
  ) {}

  print(context: PrintContext, buf: Buffer): boolean {
    const zone = context.getValueQuery(TemporalQueries.zoneId()) as ZoneId | null;
    if (zone === null || zone === undefined) return false;
    if (zone instanceof ZoneOffset) {
      buf.append(zone.id());
      return true;
    }
    const temporal = context.temporal();
    const names = zoneNames(zone.id());
    const instant = temporal.isSupported(ChronoField.INSTANT_SECONDS) ? Instant.from(temporal) : null;
    if (names === undefined) {
      buf.append(fallbackZoneName(zone, instant));
      return true;
    }
    if (this.generic || instant === null) {
      buf.append(this.long ? names.longGeneric : names.shortGeneric);
    } else if (isDaylightTime(zone, instant)) {
      buf.append(this.long ? names.longDaylight : names.shortDaylight);
    } else {
      buf.append(this.long ? names.longStandard : names.shortStandard);
    }
    return true;
  }

  parse(context: ParseContext, text: string, position: number): number {
    return parseZoneText(context, text, position);
  }

  toString(): string {
    return `ZoneText(${this.long ? 'FULL' : 'SHORT'})`;
  }
}

/**
 * The zone's standard offset at an instant. @js-joda/timezone has no standard/daylight split, so
 * it is taken as the smaller of the offsets on 1 January and 1 July of that year, which holds for
 * both hemispheres (and treats Dublin's summer as daylight time, as Java does).
 */
export function standardOffsetSeconds(zone: ZoneId, instant: Instant): number {
  const rules = zone.rules();
  if (rules.isFixedOffset()) return rules.offset(instant).totalSeconds();
  const year = instant.atZone(ZoneOffset.UTC).year();
  const january = rules.offset(LocalDate.of(year, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC)).totalSeconds();
  const july = rules.offset(LocalDate.of(year, 7, 1).atStartOfDay().toInstant(ZoneOffset.UTC)).totalSeconds();
  return Math.min(january, july);
}

export function isDaylightTime(zone: ZoneId, instant: Instant): boolean {
  return zone.rules().offset(instant).totalSeconds() > standardOffsetSeconds(zone, instant);
}

/** Java (CLDR) prints zones it has no names for as a GMT offset. */
function fallbackZoneName(zone: ZoneId, instant: Instant | null): string {
  // Prefixed offsets (`GMT+02:00`, `UTC+05:30`) are their own names.
  if (/^(UTC|GMT|UT)[+-]/.test(zone.id())) return zone.id();
  const offset = zone.rules().offset(instant ?? Instant.EPOCH);
  return localizedOffset(offset.totalSeconds(), true);
}

interface NameLookup {
  /** Candidate lengths, longest first. */
  lengths: number[];
  /** text (lower-cased when case-insensitive) -> zone id */
  byText: Map<string, string>;
  /** Zones already built from ids. */
  zones: Map<string, ZoneId>;
}
const nameLookups: { sensitive?: NameLookup; insensitive?: NameLookup } = {};

function nameLookup(caseSensitive: boolean): NameLookup {
  const key = caseSensitive ? 'sensitive' : 'insensitive';
  const existing = nameLookups[key];
  if (existing !== undefined) return existing;
  const byText = new Map<string, string>();
  const add = (text: string, zoneId: string): void => {
    byText.set(caseSensitive ? text : text.toLowerCase(), zoneId);
  };
  // Zone ids first; names override them (as in Java, where "EST" parses to America/New_York).
  for (const id of ZoneRulesProvider.getAvailableZoneIds()) add(id, id);
  for (const [name, zoneId] of zoneNameEntries()) add(name, zoneId);
  const lengths = [...new Set([...byText.keys()].map((text) => text.length))].sort((a, b) => b - a);
  const lookup = { lengths, byText, zones: new Map<string, ZoneId>() };
  nameLookups[key] = lookup;
  return lookup;
}

/** The longest zone id or name at `position`, as [zone, length]. */
function matchZoneName(caseSensitive: boolean, text: string, position: number): [ZoneId, number] | undefined {
  const lookup = nameLookup(caseSensitive);
  const longest = lookup.lengths[0] ?? 0;
  let rest = text.substring(position, position + longest);
  if (!caseSensitive) rest = rest.toLowerCase();
  for (const length of lookup.lengths) {
    if (length > rest.length) continue;
    const zoneId = lookup.byText.get(length === rest.length ? rest : rest.substring(0, length));
    if (zoneId === undefined) continue;
    let zone = lookup.zones.get(zoneId);
    if (zone === undefined) {
      zone = ZoneId.of(zoneId);
      lookup.zones.set(zoneId, zone);
    }
    return [zone, length];
  }
  return undefined;
}

/** Java's ZoneTextPrinterParser.parse: an offset, a UT-prefixed offset, a zone id or a zone name. */
function parseZoneText(context: ParseContext, text: string, position: number): number {
  if (position >= text.length) return ~position;
  const next = text.charAt(position);
  if (next === '+' || next === '-') {
    return parsePrefixedOffset(context, text, position, position, true);
  }
  if (
    position + 2 <= text.length &&
    context.charEquals(next, 'U') &&
    context.charEquals(text.charAt(position + 1), 'T') &&
    !(position + 3 <= text.length && context.charEquals(text.charAt(position + 2), 'C'))
  ) {
    return parsePrefixedOffset(context, text, position, position + 2, false);
  }
  const match = matchZoneName(context.isCaseSensitive(), text, position);
  if (match !== undefined) {
    context.setParsedZone(match[0]);
    return position + match[1];
  }
  if (context.charEquals(next, 'Z')) {
    context.setParsedZone(ZoneOffset.UTC);
    return position + 1;
  }
  return ~position;
}

function parsePrefixedOffset(
  context: ParseContext,
  text: string,
  prefixPosition: number,
  position: number,
  offsetRequired: boolean,
): number {
  const prefix = text.substring(prefixPosition, position).toUpperCase();
  if (!offsetRequired && (position >= text.length || text.charAt(position) === '0' || context.charEquals(text.charAt(position), 'Z'))) {
    context.setParsedZone(ZoneId.of(prefix));
    return position;
  }
  const parsed = parseOffsetId(text, position);
  if (parsed === null) {
    if (offsetRequired) return ~prefixPosition;
    context.setParsedZone(ZoneId.of(prefix));
    return position;
  }
  try {
    const offset = ZoneOffset.ofTotalSeconds(parsed.totalSeconds);
    context.setParsedZone(prefix === '' ? offset : ZoneId.ofOffset(prefix, offset));
  } catch {
    return ~prefixPosition;
  }
  return parsed.end;
}

/** `+HH[:MM[:ss]]` or `+HH[MM[ss]]` at position. */
function parseOffsetId(text: string, position: number): { totalSeconds: number; end: number } | null {
  const sign = text.charAt(position);
  if (sign !== '+' && sign !== '-') return null;
  let pos = position + 1;
  const hours = twoDigits(text, pos);
  if (hours < 0) return null;
  pos += 2;
  let minutes = 0;
  let seconds = 0;
  const colon = text.charAt(pos) === ':';
  const minutesAt = colon ? pos + 1 : pos;
  const parsedMinutes = twoDigits(text, minutesAt);
  if (parsedMinutes >= 0 && parsedMinutes < 60) {
    minutes = parsedMinutes;
    pos = minutesAt + 2;
    const secondsAt = colon ? (text.charAt(pos) === ':' ? pos + 1 : -1) : pos;
    const parsedSeconds = secondsAt < 0 ? -1 : twoDigits(text, secondsAt);
    if (parsedSeconds >= 0 && parsedSeconds < 60) {
      seconds = parsedSeconds;
      pos = secondsAt + 2;
    }
  }
  const total = hours * 3600 + minutes * 60 + seconds;
  return { totalSeconds: sign === '-' ? -total : total, end: pos };
}

function digitAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 48 && code <= 57 ? code - 48 : -1;
}

function twoDigits(text: string, index: number): number {
  const a = digitAt(text, index);
  const b = digitAt(text, index + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

// ---- localized offset (O, OOOO, ZZZZ) ----

/** `GMT`, `GMT+8`, `GMT+5:30` (short) or `GMT+08:00` (full). */
export function localizedOffset(totalSeconds: number, full: boolean): string {
  if (totalSeconds === 0) return 'GMT';
  const abs = Math.abs(totalSeconds);
  const hours = Math.floor(abs / 3600);
  const minutes = Math.floor(abs / 60) % 60;
  const seconds = abs % 60;
  let out = `GMT${totalSeconds < 0 ? '-' : '+'}`;
  if (full) {
    out += `${pad2(hours)}:${pad2(minutes)}`;
    if (seconds !== 0) out += `:${pad2(seconds)}`;
  } else {
    out += String(hours);
    if (minutes !== 0 || seconds !== 0) {
      out += `:${pad2(minutes)}`;
      if (seconds !== 0) out += `:${pad2(seconds)}`;
    }
  }
  return out;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

export class LocalizedOffsetPrinterParser implements PrinterParser {
  constructor(private readonly full: boolean) {}

  print(context: PrintContext, buf: Buffer): boolean {
    const offset = context.getValue(ChronoField.OFFSET_SECONDS);
    if (offset === null || offset === undefined) return false;
    buf.append(localizedOffset(offset, this.full));
    return true;
  }

  parse(context: ParseContext, text: string, position: number): number {
    const end = text.length;
    if (!context.subSequenceEquals(text, position, 'GMT', 0, 3)) return ~position;
    let pos = position + 3;
    if (pos === end) return context.setParsedField(ChronoField.OFFSET_SECONDS, 0, position, pos);
    const sign = text.charAt(pos);
    if (sign !== '+' && sign !== '-') return context.setParsedField(ChronoField.OFFSET_SECONDS, 0, position, pos);
    const negative = sign === '-' ? -1 : 1;
    pos++;
    let hours = 0;
    let minutes = 0;
    let seconds = 0;
    if (this.full) {
      hours = twoDigits(text, pos);
      if (hours < 0 || text.charAt(pos + 2) !== ':') return ~position;
      minutes = twoDigits(text, pos + 3);
      if (minutes < 0) return ~position;
      pos += 5;
      if (pos + 2 < end && text.charAt(pos) === ':') {
        const parsed = twoDigits(text, pos + 1);
        if (parsed >= 0) {
          seconds = parsed;
          pos += 3;
        }
      }
    } else {
      hours = digitAt(text, pos++);
      if (hours < 0) return ~position;
      if (pos < end) {
        const second = digitAt(text, pos);
        if (second >= 0) {
          hours = hours * 10 + second;
          pos++;
        }
        if (pos + 2 < end && text.charAt(pos) === ':') {
          const parsedMinutes = twoDigits(text, pos + 1);
          if (parsedMinutes >= 0) {
            minutes = parsedMinutes;
            pos += 3;
            if (pos + 2 < end && text.charAt(pos) === ':') {
              const parsedSeconds = twoDigits(text, pos + 1);
              if (parsedSeconds >= 0) {
                seconds = parsedSeconds;
                pos += 3;
              }
            }
          }
        }
      }
    }
    const total = negative * (hours * 3600 + minutes * 60 + seconds);
    return context.setParsedField(ChronoField.OFFSET_SECONDS, total === 0 ? 0 : total, position, pos);
  }

  toString(): string {
    return `LocalizedOffset(${this.full ? 'FULL' : 'SHORT'})`;
  }
}

// ---- fields ----

/** js-joda's field map (internal API), as passed to TemporalField.resolve. */
interface FieldValues {
  get(field: TemporalField): number | undefined;
  put(field: TemporalField, value: number): void;
  remove(field: TemporalField): number | undefined;
  containsKey(field: TemporalField): boolean;
}

function unsupported(field: TemporalField): never {
  throw new UnsupportedTemporalTypeException(`Unsupported field: ${field.toString()}`);
}

function checkValid(range: ValueRange, value: number, field: TemporalField): number {
  if (!range.isValidIntValue(value)) {
    throw new DateTimeException(`Invalid value for ${field.toString()} (valid values ${range.toString()}): ${value}`);
  }
  return value;
}

/**
 * The first `digits` digits of the fraction of second, as a plain number field, so `SSS` can
 * take part in adjacent value parsing (`yyyyMMddHHmmssSSS`) the way Java 9+ allows.
 */
export class FractionField extends TemporalField {
  private readonly divisor: number;
  private readonly valueRange: ValueRange;

  constructor(private readonly digits: number) {
    super();
    this.divisor = 10 ** (9 - digits);
    this.valueRange = ValueRange.of(0, 10 ** digits - 1);
  }

  override name(): string {
    return `FractionOfSecond${this.digits}`;
  }
  override toString(): string {
    return 'NanoOfSecond';
  }
  override displayName(): string {
    return this.toString();
  }
  override equals(other: unknown): boolean {
    return other === this;
  }
  override isDateBased(): boolean {
    return false;
  }
  override isTimeBased(): boolean {
    return true;
  }
  override baseUnit(): ChronoUnit {
    return ChronoUnit.NANOS;
  }
  override rangeUnit(): ChronoUnit {
    return ChronoUnit.SECONDS;
  }
  override range(): ValueRange {
    return this.valueRange;
  }
  override rangeRefinedBy(): ValueRange {
    return this.valueRange;
  }
  override isSupportedBy(temporal: TemporalAccessor): boolean {
    return temporal.isSupported(ChronoField.NANO_OF_SECOND);
  }
  override getFrom(temporal: TemporalAccessor): number {
    if (!temporal.isSupported(ChronoField.NANO_OF_SECOND)) unsupported(ChronoField.NANO_OF_SECOND);
    return Math.floor(temporal.getLong(ChronoField.NANO_OF_SECOND) / this.divisor);
  }
  override adjustInto(): never {
    return unsupported(this);
  }
  resolve(fieldValues: FieldValues): null {
    const value = fieldValues.remove(this)!;
    const nanos = checkValid(this.valueRange, value, this) * this.divisor;
    const existing = fieldValues.get(ChronoField.NANO_OF_SECOND);
    if (existing !== undefined && existing !== nanos) {
      throw new DateTimeException(`Conflict found: NanoOfSecond ${existing} differs from NanoOfSecond ${nanos}`);
    }
    fieldValues.put(ChronoField.NANO_OF_SECOND, nanos);
    return null;
  }
}

/** Java's WeekFields: the first day of the week (ISO value, 7 = Sunday) and minimal days in week one. */
export interface WeekDefinition {
  readonly firstDayOfWeek: number;
  readonly minimalDays: number;
}

/** en-US (DateTimeFormatter.ofPattern's default locale). */
export const WEEK_US: WeekDefinition = Object.freeze({ firstDayOfWeek: 7, minimalDays: 1 });
/** Locale.ROOT, which ksqlDB's timestamp parser uses: Monday, 1. */
export const WEEK_ROOT: WeekDefinition = Object.freeze({ firstDayOfWeek: 1, minimalDays: 1 });

type WeekFieldKind = 'DayOfWeek' | 'WeekOfMonth' | 'WeekOfWeekBasedYear' | 'WeekBasedYear';

export interface WeekFieldSet {
  readonly dayOfWeek: WeekField;
  readonly weekOfMonth: WeekField;
  readonly weekOfWeekBasedYear: WeekField;
  readonly weekBasedYear: WeekField;
}

const weekFieldSets = new Map<string, WeekFieldSet>();

export function weekFields(definition: WeekDefinition): WeekFieldSet {
  const key = `${definition.firstDayOfWeek},${definition.minimalDays}`;
  let set = weekFieldSets.get(key);
  if (set === undefined) {
    const partial: Partial<Record<keyof WeekFieldSet, WeekField>> = {};
    const full = partial as WeekFieldSet;
    partial.dayOfWeek = new WeekField(definition, 'DayOfWeek', full);
    partial.weekOfMonth = new WeekField(definition, 'WeekOfMonth', full);
    partial.weekOfWeekBasedYear = new WeekField(definition, 'WeekOfWeekBasedYear', full);
    partial.weekBasedYear = new WeekField(definition, 'WeekBasedYear', full);
    set = full;
    weekFieldSets.set(key, set);
  }
  return set;
}

const DAY_OF_WEEK_RANGE = ValueRange.of(1, 7);
const WEEK_OF_MONTH_RANGE = ValueRange.of(0, 1, 4, 6);
const WEEK_OF_YEAR_RANGE = ValueRange.of(1, 52, 53);

/** One of a locale's week fields, computed as Java's WeekFields.ComputedDayOfField does. */
export class WeekField extends TemporalField {
  constructor(
    private readonly definition: WeekDefinition,
    private readonly kind: WeekFieldKind,
    private readonly set: WeekFieldSet,
  ) {
    super();
  }

  override name(): string {
    const day = this.definition.firstDayOfWeek === 7 ? 'SUNDAY' : 'MONDAY';
    return `${this.kind}[WeekFields[${day},${this.definition.minimalDays}]]`;
  }
  override toString(): string {
    return this.name();
  }
  override displayName(): string {
    return this.name();
  }
  override equals(other: unknown): boolean {
    return other === this;
  }
  override isDateBased(): boolean {
    return true;
  }
  override isTimeBased(): boolean {
    return false;
  }
  override baseUnit(): ChronoUnit {
    return this.kind === 'DayOfWeek' ? ChronoUnit.DAYS : this.kind === 'WeekBasedYear' ? ChronoUnit.YEARS : ChronoUnit.WEEKS;
  }
  override rangeUnit(): ChronoUnit {
    return this.kind === 'DayOfWeek' ? ChronoUnit.WEEKS : this.kind === 'WeekOfMonth' ? ChronoUnit.MONTHS : ChronoUnit.YEARS;
  }
  override range(): ValueRange {
    switch (this.kind) {
      case 'DayOfWeek':
        return DAY_OF_WEEK_RANGE;
      case 'WeekOfMonth':
        return WEEK_OF_MONTH_RANGE;
      case 'WeekOfWeekBasedYear':
        return WEEK_OF_YEAR_RANGE;
      case 'WeekBasedYear':
        return ChronoField.YEAR.range();
    }
  }
  override rangeRefinedBy(): ValueRange {
    return this.range();
  }
  override isSupportedBy(temporal: TemporalAccessor): boolean {
    return temporal.isSupported(ChronoField.DAY_OF_WEEK) && temporal.isSupported(ChronoField.EPOCH_DAY);
  }
  override getFrom(temporal: TemporalAccessor): number {
    if (!this.isSupportedBy(temporal)) unsupported(this);
    const date = LocalDate.ofEpochDay(temporal.getLong(ChronoField.EPOCH_DAY));
    switch (this.kind) {
      case 'DayOfWeek':
        return this.localizedDayOfWeek(date);
      case 'WeekOfMonth':
        return this.weekOfMonth(date);
      case 'WeekOfWeekBasedYear':
        return this.weekOfWeekBasedYear(date);
      case 'WeekBasedYear':
        return this.weekBasedYear(date);
    }
  }
  override adjustInto(): never {
    return unsupported(this);
  }

  private localizedDayOfWeek(date: LocalDate): number {
    return floorMod(date.dayOfWeek().value() - this.definition.firstDayOfWeek, 7) + 1;
  }
  private isoToLocalized(isoDayOfWeek: number): number {
    return floorMod(isoDayOfWeek - this.definition.firstDayOfWeek, 7) + 1;
  }
  private startOfWeekOffset(day: number, dayOfWeek: number): number {
    const weekStart = floorMod(day - dayOfWeek, 7);
    return weekStart + 1 > this.definition.minimalDays ? 7 - weekStart : -weekStart;
  }
  private computeWeek(offset: number, day: number): number {
    return Math.trunc((7 + offset + (day - 1)) / 7);
  }
  private weekOfMonth(date: LocalDate): number {
    const dayOfMonth = date.dayOfMonth();
    return this.computeWeek(this.startOfWeekOffset(dayOfMonth, this.localizedDayOfWeek(date)), dayOfMonth);
  }
  private weekOfWeekBasedYear(date: LocalDate): number {
    const dayOfYear = date.dayOfYear();
    const offset = this.startOfWeekOffset(dayOfYear, this.localizedDayOfWeek(date));
    const week = this.computeWeek(offset, dayOfYear);
    if (week === 0) return this.weekOfWeekBasedYear(date.minusDays(dayOfYear));
    const newYearWeek = this.computeWeek(offset, date.lengthOfYear() + this.definition.minimalDays);
    return week >= newYearWeek ? week - newYearWeek + 1 : week;
  }
  private weekBasedYear(date: LocalDate): number {
    const dayOfYear = date.dayOfYear();
    const offset = this.startOfWeekOffset(dayOfYear, this.localizedDayOfWeek(date));
    const week = this.computeWeek(offset, dayOfYear);
    if (week === 0) return date.year() - 1;
    const newYearWeek = this.computeWeek(offset, date.lengthOfYear() + this.definition.minimalDays);
    return week >= newYearWeek ? date.year() + 1 : date.year();
  }

  /** Java's ComputedDayOfField.resolve in SMART mode. */
  resolve(fieldValues: FieldValues): LocalDate | null {
    const value = fieldValues.get(this)!;
    if (this.kind === 'DayOfWeek') {
      fieldValues.remove(this);
      const localized = checkValid(DAY_OF_WEEK_RANGE, value, this);
      const iso = floorMod(this.definition.firstDayOfWeek - 1 + (localized - 1), 7) + 1;
      fieldValues.put(ChronoField.DAY_OF_WEEK, iso);
      return null;
    }
    const isoDayOfWeek = fieldValues.get(ChronoField.DAY_OF_WEEK);
    if (isoDayOfWeek === undefined) return null;
    const dayOfWeek = this.isoToLocalized(checkValid(DAY_OF_WEEK_RANGE, isoDayOfWeek, ChronoField.DAY_OF_WEEK));
    const year = fieldValues.get(ChronoField.YEAR);
    const month = fieldValues.get(ChronoField.MONTH_OF_YEAR);
    if (year !== undefined) {
      if (this.kind === 'WeekOfMonth' && month !== undefined) {
        let date = LocalDate.of(year, checkValid(ChronoField.MONTH_OF_YEAR.range(), month, ChronoField.MONTH_OF_YEAR), 1);
        const weeks = checkValid(WEEK_OF_MONTH_RANGE, value, this) - this.weekOfMonth(date);
        date = date.plusDays(weeks * 7 + (dayOfWeek - this.localizedDayOfWeek(date)));
        fieldValues.remove(this);
        fieldValues.remove(ChronoField.YEAR);
        fieldValues.remove(ChronoField.MONTH_OF_YEAR);
        fieldValues.remove(ChronoField.DAY_OF_WEEK);
        return date;
      }
      return null;
    }
    const { weekBasedYear, weekOfWeekBasedYear } = this.set;
    if (
      (this.kind === 'WeekOfWeekBasedYear' || this.kind === 'WeekBasedYear') &&
      fieldValues.containsKey(weekBasedYear) &&
      fieldValues.containsKey(weekOfWeekBasedYear)
    ) {
      const yearValue = checkValid(ChronoField.YEAR.range(), fieldValues.get(weekBasedYear)!, weekBasedYear);
      const week = checkValid(WEEK_OF_YEAR_RANGE, fieldValues.get(weekOfWeekBasedYear)!, weekOfWeekBasedYear);
      const start = LocalDate.of(yearValue, 1, 1);
      const offset = this.startOfWeekOffset(1, this.localizedDayOfWeek(start));
      const newYearWeek = this.computeWeek(offset, start.lengthOfYear() + this.definition.minimalDays);
      const clampedWeek = Math.min(week, newYearWeek - 1);
      const date = start.plusDays(-offset + (dayOfWeek - 1) + (clampedWeek - 1) * 7);
      fieldValues.remove(this);
      fieldValues.remove(weekBasedYear);
      fieldValues.remove(weekOfWeekBasedYear);
      fieldValues.remove(ChronoField.DAY_OF_WEEK);
      return date;
    }
    return null;
  }
}

function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

