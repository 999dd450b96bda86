/**
 * The time-unit argument of DATEADD, DATESUB, TIMEADD, TIMESUB, TIMESTAMPADD and TIMESTAMPSUB.
 *
 * In SQL the unit is a keyword (`DATEADD(DAYS, 3, d)`); ksqlDB's parser turns it into a
 * java.util.concurrent.TimeUnit. Sluice passes it to the function as a STRING holding the
 * upper-case plural name: 'DAYS', 'HOURS', 'MINUTES', 'SECONDS', 'MILLISECONDS' (the grammar's
 * singular forms DAY, HOUR... are accepted too, as are TimeUnit's MICROSECONDS and NANOSECONDS).
 * Conversions follow TimeUnit's: toMillis truncates sub-millisecond units toward zero, and
 * toNanos saturates at the 64-bit limits.
 */

export type TimeUnitName = 'NANOSECONDS' | 'MICROSECONDS' | 'MILLISECONDS' | 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';

/** Nanoseconds per unit. */
const NANOS: Readonly<Record<TimeUnitName, bigint>> = {
  NANOSECONDS: 1n,
  MICROSECONDS: 1_000n,
  MILLISECONDS: 1_000_000n,
  SECONDS: 1_000_000_000n,
  MINUTES: 60_000_000_000n,
  HOURS: 3_600_000_000_000n,
  DAYS: 86_400_000_000_000n,
};

const ALIASES: Readonly<Record<string, TimeUnitName>> = {
  NANOSECOND: 'NANOSECONDS',
  MICROSECOND: 'MICROSECONDS',
  MILLISECOND: 'MILLISECONDS',
  SECOND: 'SECONDS',
  MINUTE: 'MINUTES',
  HOUR: 'HOURS',
  DAY: 'DAYS',
};

export const TIME_UNIT_NAMES: readonly TimeUnitName[] = Object.keys(NANOS) as TimeUnitName[];

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

export interface TimeUnit {
  readonly name: TimeUnitName;
  /** TimeUnit.toMillis(amount): exact for whole-millisecond units, truncated toward zero below. */
  toMillis(amount: number): number;
  /** TimeUnit.toNanos(amount), saturated to a Java long. */
  toNanos(amount: number): bigint;
}

function makeUnit(name: TimeUnitName): TimeUnit {
  const nanos = NANOS[name];
  const millisPerUnit = nanos >= 1_000_000n ? Number(nanos / 1_000_000n) : 0;
  const unitsPerMilli = nanos < 1_000_000n ? Number(1_000_000n / nanos) : 0;
  return {
    name,
    toMillis(amount: number): number {
      return millisPerUnit > 0 ? amount * millisPerUnit : Math.trunc(amount / unitsPerMilli);
    },
    toNanos(amount: number): bigint {
      const product = BigInt(amount) * nanos;
      return product > LONG_MAX ? LONG_MAX : product < LONG_MIN ? LONG_MIN : product;
    },
  };
}

const UNITS: ReadonlyMap<string, TimeUnit> = new Map(TIME_UNIT_NAMES.map((name) => [name, makeUnit(name)]));

/** The unit for a name ('DAYS', 'day', ...), or undefined. */
export function timeUnitOf(name: string): TimeUnit | undefined {
  const upper = name.toUpperCase();
  return UNITS.get(ALIASES[upper] ?? upper);
}
