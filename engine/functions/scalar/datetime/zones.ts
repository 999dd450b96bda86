/**
 * Time zones as ksqlDB's functions take them: `java.time.ZoneId.of(id)` semantics (IANA region
 * ids such as `America/Los_Angeles`, `UTC`, `GMT`, offsets `+0200` / `-08:00` / `Z`, prefixed
 * offsets `GMT+2` / `UTC-05:30`), backed by @js-joda/timezone's tz database. Short names such as
 * `PST` are not ids (ZoneId.of rejects them: "Unknown time-zone ID: PST").
 */
import '@js-joda/timezone';
import { Instant, ZoneId } from '@js-joda/core';
import { BoundedCache } from './cache.js';

const zones = new BoundedCache<ZoneId>();

/** `ZoneId.of(id)`; throws with Java's message ("Unknown time-zone ID: X") when unknown. */
export function zoneIdOf(id: string): ZoneId {
  return zones.get(id, (key) => ZoneId.of(key));
}

export const UTC_ZONE: ZoneId = ZoneId.of('UTC');
/** `ZoneId.of("GMT")`, which FORMAT_TIMESTAMP and PARSE_TIMESTAMP use when given no zone. */
export const GMT_ZONE: ZoneId = ZoneId.of('GMT');
/**
 * `ZoneId.systemDefault()`, which TIMESTAMPTOSTRING and STRINGTOTIMESTAMP use when given no zone:
 * Sluice, like ksqlDB servers in practice, runs in UTC whatever the host's zone.
 */
export const SYSTEM_DEFAULT_ZONE: ZoneId = UTC_ZONE;

/**
 * `TimeZone.getTimeZone(zoneId).getOffset(epochMilli)` in milliseconds. java.util.TimeZone knows
 * `GMT+hh:mm` but not `UTC+hh:mm` / `UT+hh:mm`, for which it silently falls back to GMT.
 */
export function legacyTimeZoneOffsetMs(zone: ZoneId, epochMilli: number): number {
  const id = zone.id();
  if (/^UTC?[+-]/.test(id)) return 0;
  return zone.rules().offset(Instant.ofEpochMilli(epochMilli)).totalSeconds() * 1000;
}
