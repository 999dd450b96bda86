/**
 * The DATE / TIME functions, case by case: the corpus files (convert-tz, dateadd, datesub,
 * datestring, from-days, from-unixtime, parse-date, parse-time, stringdate, stringtimestamp,
 * timeadd, timesub, timestampsub, unix-timestamp, null, transform-array) and ksqlDB's documented
 * behaviour: null handling, which failures throw, and the messages they throw with.
 */
import { describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../../../common/index.js';
import { datetimeFunctions, registerDatetimeFunctions } from '../../../../../engine/functions/scalar/datetime/index.js';
import type { ScalarFunction } from '../../../../../engine/functions/types.js';
import { NOW_MS, call, days, overload, utc } from './helpers.js';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

function expectFunctionError(fn: () => unknown, message: string | RegExp): void {
  const error = thrown(fn);
  expect(isSluiceError(error, 'ENGINE_EVALUATION')).toBe(true);
  if (typeof message === 'string') expect(error.message).toContain(message);
  else expect(error.message).toMatch(message);
}

describe('registration', () => {
  it('registers every ksqlDB date/time function once', () => {
    const registered: ScalarFunction[] = [];
    registerDatetimeFunctions({ registerScalar: (fn) => registered.push(fn) });
    expect(registered.map((f) => f.name).sort()).toEqual([
      'CONVERT_TZ', 'DATEADD', 'DATESUB', 'DATETOSTRING', 'FORMAT_DATE', 'FORMAT_TIME', 'FORMAT_TIMESTAMP',
      'FROM_DAYS', 'FROM_UNIXTIME', 'PARSE_DATE', 'PARSE_TIME', 'PARSE_TIMESTAMP', 'STRINGTODATE',
      'STRINGTOTIMESTAMP', 'TIMEADD', 'TIMESTAMPADD', 'TIMESTAMPSUB', 'TIMESTAMPTOSTRING', 'TIMESUB',
      'UNIX_DATE', 'UNIX_TIMESTAMP',
    ]);
    for (const fn of registered) {
      expect(fn.category).toBe('DATE / TIME');
      for (const o of fn.overloads) expect(o.paramNames?.length).toBe(o.params.length);
    }
  });

  it('declares ksqlDB signatures', () => {
    const signature = (name: string, arity: number): string => {
      const o = overload(name, arity);
      return `${o.params.map((p) => p.kind).join(',')} -> ${(o.returns as { kind: string }).kind}`;
    };
    expect(signature('DATEADD', 3)).toBe('STRING,INTEGER,DATE -> DATE');
    expect(signature('TIMEADD', 3)).toBe('STRING,INTEGER,TIME -> TIME');
    expect(signature('TIMESTAMPSUB', 3)).toBe('STRING,INTEGER,TIMESTAMP -> TIMESTAMP');
    expect(signature('DATETOSTRING', 2)).toBe('INTEGER,STRING -> STRING');
    expect(signature('STRINGTODATE', 2)).toBe('STRING,STRING -> INTEGER');
    expect(signature('STRINGTOTIMESTAMP', 3)).toBe('STRING,STRING,STRING -> BIGINT');
    expect(signature('TIMESTAMPTOSTRING', 2)).toBe('BIGINT,STRING -> STRING');
    expect(signature('PARSE_TIMESTAMP', 2)).toBe('STRING,STRING -> TIMESTAMP');
    expect(signature('FROM_UNIXTIME', 1)).toBe('BIGINT -> TIMESTAMP');
    expect(signature('UNIX_DATE', 0)).toBe(' -> INTEGER');
    expect(signature('UNIX_TIMESTAMP', 1)).toBe('TIMESTAMP -> BIGINT');
    expect(overload('UNIX_TIMESTAMP', 0).needsContext).toBe(true);
    expect(datetimeFunctions).toHaveLength(21);
  });
});

describe('CONVERT_TZ', () => {
  it('converts between offsets and named zones (corpus)', () => {
    expect(call('CONVERT_TZ', 100, '+0200', '+0500')).toBe(10800100);
    expect(call('CONVERT_TZ', 1589234313000, '+0200', '+0500')).toBe(1589245113000);
    expect(call('CONVERT_TZ', 100, 'America/Los_Angeles', 'America/New_York')).toBe(10800100);
    expect(call('CONVERT_TZ', 1589234313000, 'America/Los_Angeles', 'America/New_York')).toBe(1589245113000);
    expect(call('CONVERT_TZ', utc(2000, 1, 1), 'UTC', 'Europe/Paris')).toBe(utc(2000, 1, 1, 1));
  });

  it('returns null for a null argument', () => {
    expect(call('CONVERT_TZ', null, 'America/Los_Angeles', 'America/New_York')).toBeNull();
    expect(call('CONVERT_TZ', 0, null, 'America/New_York')).toBeNull();
    expect(call('CONVERT_TZ', 0, 'America/Los_Angeles', null)).toBeNull();
  });

  it('rejects unknown zones, including short names ZoneId.of does not know', () => {
    expectFunctionError(() => call('CONVERT_TZ', 0, 'wow', 'amazing'), 'Invalid time zone: Unknown time-zone ID: amazing');
    expectFunctionError(() => call('CONVERT_TZ', 0, 'PST', 'UTC'), 'Unknown time-zone ID: PST');
  });
});

describe('DATEADD / DATESUB', () => {
  it('adds and subtracts (corpus)', () => {
    expect(call('DATEADD', 'DAYS', 10, 10)).toBe(20);
    expect([5, 10, 2].map((d) => call('DATEADD', 'DAYS', -5, d))).toEqual([0, 5, -3]);
    expect(call('DATESUB', 'DAYS', 10, 40)).toBe(30);
    expect(call('DATESUB', 'DAYS', 10, 5)).toBe(-5);
    expect([5, -5].map((d) => call('DATESUB', 'DAYS', -5, d))).toEqual([10, 0]);
  });

  it('converts through milliseconds, truncating toward zero', () => {
    expect(call('DATEADD', 'DAYS', 9, 1)).toBe(10);
    expect(call('DATEADD', 'DAYS', -1, 1)).toBe(0);
    expect(call('DATEADD', 'SECONDS', 5, 1)).toBe(1);
    expect(call('DATEADD', 'HOURS', 48, 1)).toBe(3);
    expect(call('DATEADD', 'HOURS', 1, -1)).toBe(0);
    expect(call('DATESUB', 'HOURS', 25, 0)).toBe(-1);
  });

  it('takes the unit as its upper-case name, plural or singular', () => {
    expect(call('DATEADD', 'DAY', 1, 0)).toBe(1);
    expect(call('DATEADD', 'days', 1, 0)).toBe(1);
    expectFunctionError(() => call('DATEADD', 'FORTNIGHTS', 1, 0), "Unknown time unit 'FORTNIGHTS'");
  });

  it('returns null for a null argument (corpus)', () => {
    expect(call('DATEADD', 'MILLISECONDS', 5, null)).toBeNull();
    expect(call('DATEADD', 'MILLISECONDS', null, 5)).toBeNull();
    expect(call('DATEADD', null, 5, 5)).toBeNull();
    expect(call('DATESUB', 'MILLISECONDS', null, null)).toBeNull();
  });
});

describe('TIMEADD / TIMESUB', () => {
  it('adds and subtracts, wrapping around midnight (corpus)', () => {
    expect(call('TIMEADD', 'MILLISECONDS', 10, 10)).toBe(20);
    expect(call('TIMEADD', 'MILLISECONDS', 10, 86399995)).toBe(5);
    expect([5, 10, 2].map((t) => call('TIMEADD', 'MILLISECONDS', -5, t))).toEqual([0, 5, 86399997]);
    expect(call('TIMESUB', 'MILLISECONDS', 10, 20)).toBe(10);
    expect(call('TIMESUB', 'MILLISECONDS', 10, 5)).toBe(86399995);
    expect([5, 0, 86399997].map((t) => call('TIMESUB', 'MILLISECONDS', -5, t))).toEqual([10, 5, 2]);
  });

  it('keeps only the time of day', () => {
    expect(call('TIMEADD', 'MILLISECONDS', 50, 1000)).toBe(1050);
    expect(call('TIMEADD', 'DAYS', 2, 1000)).toBe(1000);
    expect(call('TIMEADD', 'DAYS', -2, 1000)).toBe(1000);
    expect(call('TIMEADD', 'MINUTES', -1, 60000)).toBe(0);
    expect(call('TIMESUB', 'HOURS', 25, 3_600_000)).toBe(0);
  });

  it('saturates the nanosecond count at the 64-bit limit, as TimeUnit.toNanos does', () => {
    // Long.MAX_VALUE ns is 106751 days + 85636854775807 ns.
    expect(call('TIMEADD', 'DAYS', 2147483647, 1000)).toBe(85637854);
  });

  it('returns null for a null argument (corpus)', () => {
    expect(call('TIMEADD', 'MILLISECONDS', 5, null)).toBeNull();
    expect(call('TIMEADD', 'MILLISECONDS', null, 5)).toBeNull();
    expect(call('TIMESUB', 'MILLISECONDS', -300, null)).toBeNull();
  });
});

describe('TIMESTAMPADD / TIMESTAMPSUB', () => {
  it('adds and subtracts (corpus)', () => {
    expect(call('TIMESTAMPSUB', 'MILLISECONDS', 10, 20)).toBe(10);
    expect([5, 0, -100].map((t) => call('TIMESTAMPSUB', 'MILLISECONDS', -5, t))).toEqual([10, 5, -95]);
    expect([3, 6].map((t) => call('TIMESTAMPADD', 'milliseconds', 5, t))).toEqual([8, 11]);
    expect(call('TIMESTAMPADD', 'DAYS', 1, utc(2021, 2, 28))).toBe(utc(2021, 3, 1));
    expect(call('TIMESTAMPSUB', 'HOURS', 2, utc(2021, 1, 1))).toBe(utc(2020, 12, 31, 22));
    expect(call('TIMESTAMPADD', 'MICROSECONDS', 1999, 0)).toBe(1);
    expect(call('TIMESTAMPADD', 'NANOSECONDS', -1999999, 0)).toBe(-1);
  });

  it('returns null for a null argument (corpus)', () => {
    expect(call('TIMESTAMPSUB', 'MILLISECONDS', 5, null)).toBeNull();
    expect(call('TIMESTAMPSUB', 'MILLISECONDS', null, 5)).toBeNull();
    expect(call('TIMESTAMPADD', null, 1, 5)).toBeNull();
  });
});

describe('DATETOSTRING', () => {
  it('formats days since epoch (corpus)', () => {
    expect(call('DATETOSTRING', 17662, 'yyyy-MM-dd')).toBe('2018-05-11');
    expect(call('DATETOSTRING', 18027, 'dd/MM/yyyy')).toBe('11/05/2019');
    expect(call('DATETOSTRING', 18993, 'dd-MMM-yyyy')).toBe('01-Jan-2022');
    expect(call('DATETOSTRING', 0, 'dd-MM-yyyy')).toBe('01-01-1970');
    expect(call('DATETOSTRING', -1, "dd-MM-yyyy'Sophia'")).toBe('31-12-1969Sophia');
    expect(call('DATETOSTRING', 16383, 'yyyy-MM-dd')).toBe('2014-11-09');
    expect(call('DATETOSTRING', 12345, "yyyy-dd-MM'Fred'")).toBe('2003-20-10Fred');
  });

  it('returns null for a null pattern, throws for null days (a Java int)', () => {
    expect(call('DATETOSTRING', 16383, null)).toBeNull();
    expectFunctionError(() => call('DATETOSTRING', null, 'yyyy'), 'Failed to format date null');
  });

  it('throws for a bad pattern', () => {
    expectFunctionError(() => call('DATETOSTRING', 44444, 'invalid'), "Failed to format date 44444 with formatter 'invalid'");
  });

  it('round-trips with STRINGTODATE', () => {
    for (let day = -10_000; day < 20_000; day += 37) {
      expect(call('STRINGTODATE', call('DATETOSTRING', day, "dd/MM/yyyy'Freya'"), "dd/MM/yyyy'Freya'")).toBe(day);
    }
  });
});

describe('FORMAT_DATE', () => {
  it('formats a DATE', () => {
    expect(call('FORMAT_DATE', days(2014, 11, 9), 'yyyy-MM-dd')).toBe('2014-11-09');
    expect(call('FORMAT_DATE', days(2014, 11, 9), "yyyy-dd-MM'Fred'")).toBe('2014-09-11Fred');
    expect(call('FORMAT_DATE', days(2021, 5, 18), 'EEEE d MMMM uuuu')).toBe('Tuesday 18 May 2021');
  });

  it('rejects time fields with Java’s message', () => {
    const error = thrown(() => call('FORMAT_DATE', days(2014, 11, 9), 'yyyy-MM-dd HH:mm'));
    expect(error.message).toBe("Failed to format date 2014-11-09 with formatter 'yyyy-MM-dd HH:mm': Unsupported field: HourOfDay");
  });

  it('skips optional sections whose fields a date lacks', () => {
    expect(call('FORMAT_DATE', days(2014, 11, 9), 'yyyy-MM-dd[ HH:mm]')).toBe('2014-11-09');
  });

  it('returns null for a null argument; throws for a bad pattern', () => {
    expect(call('FORMAT_DATE', null, 'yyyy-MM-dd')).toBeNull();
    expect(call('FORMAT_DATE', 0, null)).toBeNull();
    expectFunctionError(() => call('FORMAT_DATE', days(2014, 11, 9), 'invalid'), "Failed to format date 2014-11-09 with formatter 'invalid'");
  });

  it('round-trips with PARSE_DATE', () => {
    for (let day = -10_000; day < 20_000; day += 37) {
      expect(call('PARSE_DATE', call('FORMAT_DATE', day, "dd/MM/yyyy'Freya'"), "dd/MM/yyyy'Freya'")).toBe(day);
    }
  });
});

describe('FORMAT_TIME', () => {
  it('formats a TIME', () => {
    expect(call('FORMAT_TIME', 65000, 'HHmmss')).toBe('000105');
    expect(call('FORMAT_TIME', 65000, "HH:mm:ss.SSS'Fred'")).toBe('00:01:05.000Fred');
    expect(call('FORMAT_TIME', 46_800_123, 'h:mm:ss.SS a')).toBe('1:00:00.12 PM');
  });

  it('rejects date fields with Java’s message', () => {
    const error = thrown(() => call('FORMAT_TIME', 65000, 'yyyy HHmmss'));
    expect(error.message).toBe("Failed to format time 00:01:05 with formatter 'yyyy HHmmss': Unsupported field: YearOfEra");
  });

  it('returns null for a null argument; throws for a bad pattern', () => {
    expect(call('FORMAT_TIME', null, 'HHmmss')).toBeNull();
    expect(call('FORMAT_TIME', 65000, null)).toBeNull();
    expectFunctionError(() => call('FORMAT_TIME', 65000, 'invalid'), "Failed to format time 00:01:05 with formatter 'invalid'");
  });
});

describe('FORMAT_TIMESTAMP / TIMESTAMPTOSTRING', () => {
  it('formats in GMT (FORMAT_TIMESTAMP) or UTC (TIMESTAMPTOSTRING) by default', () => {
    expect(call('FORMAT_TIMESTAMP', 1638360611123, 'yyyy-MM-dd HH:mm:ss.SSS')).toBe('2021-12-01 12:10:11.123');
    expect(call('FORMAT_TIMESTAMP', 1638360611123, "yyyy-MM-dd'T'HH:mm:ss.SSS'Fred'")).toBe('2021-12-01T12:10:11.123Fred');
    expect(call('FORMAT_TIMESTAMP', 1538361611123, 'z X Z VV')).toBe('GMT Z +0000 GMT');
    expect(call('TIMESTAMPTOSTRING', 1638360611123, 'yyyy-MM-dd HH:mm:ss.SSS')).toBe('2021-12-01 12:10:11.123');
    expect(call('TIMESTAMPTOSTRING', 1534353043000, 'yyyy-MM-dd HH:mm:ss zz')).toBe('2018-08-15 17:10:43 UTC');
  });

  it('formats in a given zone', () => {
    for (const name of ['FORMAT_TIMESTAMP', 'TIMESTAMPTOSTRING']) {
      expect(call(name, 1534353043000, 'yyyy-MM-dd HH:mm:ss', 'UTC')).toBe('2018-08-15 17:10:43');
      expect(call(name, 1534353043000, 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles')).toBe('2018-08-15 10:10:43');
      expect(call(name, 1534353043000, 'yyyy-MM-dd HH:mm:ss zz', 'America/Los_Angeles')).toBe('2018-08-15 10:10:43 PDT');
      expect(call(name, 1534353043000, 'yyyy-MM-dd HH:mm:ss zz', 'UTC')).toBe('2018-08-15 17:10:43 UTC');
      expect(call(name, 1534353043000, 'yyyy-MM-dd HH:mm:ssXXX', '+05:30')).toBe('2018-08-15 22:40:43+05:30');
    }
  });

  it('behaves like SimpleDateFormat in GMT for the common patterns', () => {
    const at = 1538361611123; // 2018-10-01T02:40:11.123Z
    const expected: Record<string, string> = {
      'yyyy-MM-dd HH:mm:ss.SSS': '2018-10-01 02:40:11.123',
      'yyyy-MM-dd HH:mm:ss.SSSX': '2018-10-01 02:40:11.123Z',
      'yyyy-MM-dd HH:mm:ss.SSS Z': '2018-10-01 02:40:11.123 +0000',
      'yyyy-MM-dd HH:mm:ss.SSS XXX': '2018-10-01 02:40:11.123 Z',
      'yyyy-MM-dd HH:mm:ss.SSS zzz': '2018-10-01 02:40:11.123 GMT',
      'yyyy-MM-dd HH': '2018-10-01 02',
      'yyyy-MM': '2018-10',
      MM: '10',
      dd: '01',
      mm: '40',
    };
    for (const [pattern, text] of Object.entries(expected)) expect(call('FORMAT_TIMESTAMP', at, pattern)).toBe(text);
  });

  it('returns null for null arguments; TIMESTAMPTOSTRING throws for null millis (a Java long)', () => {
    expect(call('FORMAT_TIMESTAMP', null, 'yyyy-MM-dd')).toBeNull();
    expect(call('FORMAT_TIMESTAMP', 1534353043000, null)).toBeNull();
    expect(call('FORMAT_TIMESTAMP', 1534353043000, 'yyyy-MM-dd', null)).toBeNull();
    expect(call('TIMESTAMPTOSTRING', 1534353043000, null)).toBeNull();
    expect(call('TIMESTAMPTOSTRING', 1534353043000, 'yyyy', null)).toBeNull();
    expectFunctionError(() => call('TIMESTAMPTOSTRING', null, 'yyyy'), 'Failed to format timestamp null');
  });

  it('throws for unknown zones and bad patterns', () => {
    expectFunctionError(
      () => call('FORMAT_TIMESTAMP', 1638360611123, 'yyyy-MM-dd HH:mm:ss.SSS', 'PST'),
      "Failed to format timestamp 2021-12-01 12:10:11.123 at timeZone 'PST' with formatter 'yyyy-MM-dd HH:mm:ss.SSS': Unknown time-zone ID: PST",
    );
    expectFunctionError(() => call('FORMAT_TIMESTAMP', 1638360611123, 'invalid'), 'Unknown pattern letter: i');
    expectFunctionError(() => call('TIMESTAMPTOSTRING', 1638360611123, 'yyyy', 'PST'), 'Unknown time-zone ID: PST');
    expectFunctionError(
      () => call('TIMESTAMPTOSTRING', 1638360611123, 'invalid'),
      "Failed to format timestamp 1638360611123 with formatter 'invalid': Unknown pattern letter: i",
    );
  });

  it('round-trips with PARSE_TIMESTAMP and STRINGTOTIMESTAMP', () => {
    const pattern = "yyyy-MM-dd HH:mm:ss.SSS'Freya'";
    for (let i = -10_000; i < 20_000; i += 97) {
      const at = 1538361611123 + i * 7919;
      expect(call('PARSE_TIMESTAMP', call('FORMAT_TIMESTAMP', at, pattern), pattern)).toBe(at);
      expect(call('STRINGTOTIMESTAMP', call('TIMESTAMPTOSTRING', at, pattern), pattern)).toBe(at);
    }
  });
});

describe('FROM_DAYS / FROM_UNIXTIME / UNIX_DATE / UNIX_TIMESTAMP', () => {
  it('convert between numbers and DATE/TIMESTAMP (corpus)', () => {
    expect(call('FROM_DAYS', 10)).toBe(10);
    expect(call('FROM_DAYS', -10)).toBe(-10);
    expect(call('FROM_UNIXTIME', 100)).toBe(100);
    expect(call('FROM_UNIXTIME', 1589234313000)).toBe(1589234313000);
    expect(call('FROM_UNIXTIME', null)).toBeNull();
    expect(call('UNIX_DATE', 10)).toBe(10);
    expect(call('UNIX_DATE', null)).toBeNull();
    expect(call('UNIX_TIMESTAMP', 1589234313000)).toBe(1589234313000);
    expect(call('UNIX_TIMESTAMP', null)).toBeNull();
  });

  it('FROM_DAYS throws for null (a Java int)', () => {
    expectFunctionError(() => call('FROM_DAYS', null), 'null');
  });

  it('reads the clock from the function context', () => {
    expect(call('UNIX_TIMESTAMP')).toBe(NOW_MS);
    expect(call('UNIX_DATE')).toBe(Math.floor(NOW_MS / 86_400_000));
    expect(call('UNIX_DATE')).toBe(days(2023, 11, 14));
  });
});

describe('PARSE_DATE', () => {
  it('parses SimpleDateFormat patterns (corpus)', () => {
    expect(call('PARSE_DATE', '2018-05-11Lit', "yyyy-MM-dd'Lit'")).toBe(17662);
    expect(call('PARSE_DATE', '11/05/2019', 'dd/MM/yyyy')).toBe(18027);
    expect(call('PARSE_DATE', '01-Jan-2022', 'dd-MMM-yyyy')).toBe(18993);
    expect(call('PARSE_DATE', '01-01-1970', 'dd-MM-yyyy')).toBe(0);
    expect(call('PARSE_DATE', '01-JAN-2022', 'dd-MMM-yyyy')).toBe(18993);
    expect(call('PARSE_DATE', 'JAN-2022', 'MMM-yyyy')).toBe(18993);
    expect(call('PARSE_DATE', '2003-12-24', 'yyyy-MM-dd')).toBe(12410);
    expect(call('PARSE_DATE', '2008-08-13', 'yyyy-MM-dd')).toBe(14104);
    expect(call('PARSE_DATE', '2004-01-01', 'yyyy-MM-dd')).toBe(12418);
    expect(call('PARSE_DATE', '2012-01-01', 'yyyy-MM-dd')).toBe(15340);
  });

  it('defaults missing fields to the first of January 1970', () => {
    expect(call('PARSE_DATE', '2021-12-01', 'yyyy-MM-dd')).toBe(days(2021, 12, 1));
    expect(call('PARSE_DATE', '2021-12', 'yyyy-MM')).toBe(days(2021, 12, 1));
    expect(call('PARSE_DATE', '2022', 'yyyy')).toBe(days(2022, 1, 1));
    expect(call('PARSE_DATE', '01-dec-2021', 'dd-MMM-yyyy')).toBe(days(2021, 12, 1));
    expect(call('PARSE_DATE', '2021-12-01Fred', "yyyy-MM-dd'Fred'")).toBe(days(2021, 12, 1));
  });

  it('follows SimpleDateFormat: lenient, long or short text, adjacent numbers, trailing text ignored', () => {
    expect(call('PARSE_DATE', '2021-13-01', 'yyyy-MM-dd')).toBe(days(2022, 1, 1));
    expect(call('PARSE_DATE', '2021-02-30', 'yyyy-MM-dd')).toBe(days(2021, 3, 2));
    expect(call('PARSE_DATE', '01-December-2021', 'dd-MMM-yyyy')).toBe(days(2021, 12, 1));
    expect(call('PARSE_DATE', 'Wednesday, December 1, 2021', 'EEEE, MMMM d, yyyy')).toBe(days(2021, 12, 1));
    expect(call('PARSE_DATE', '20211201', 'yyyyMMdd')).toBe(days(2021, 12, 1));
    expect(call('PARSE_DATE', '2021-12-01T10:00', 'yyyy-MM-dd')).toBe(days(2021, 12, 1));
    expect(call('PARSE_DATE', '2021-12-01 00:00:00', 'yyyy-MM-dd HH:mm:ss')).toBe(days(2021, 12, 1));
    expect(call('PARSE_DATE', '2021-12-01T00:00:00Z', "yyyy-MM-dd'T'HH:mm:ssX")).toBe(days(2021, 12, 1));
    expect(call('PARSE_DATE', '335 2021', 'D yyyy')).toBe(days(2021, 12, 1));
    expect(call('PARSE_DATE', '2021 AD', 'yyyy G')).toBe(days(2021, 1, 1));
    // 1 BC is a leap year in the Julian calendar.
    expect(call('PARSE_DATE', '0001-01-01 BC', 'yyyy-MM-dd G')).toBe((call('PARSE_DATE', '0001-01-01 ad', 'yyyy-MM-dd G') as number) - 366);
  });

  it('reads two-digit years into the century starting 80 years before now', () => {
    // now is 2023-11-14, so the window is 1943..2042
    expect(call('PARSE_DATE', '12/31/99', 'MM/dd/yy')).toBe(days(1999, 12, 31));
    expect(call('PARSE_DATE', '12/31/42', 'MM/dd/yy')).toBe(days(2042, 12, 31));
    expect(call('PARSE_DATE', '12/31/43', 'MM/dd/yy')).toBe(days(1943, 12, 31));
    expect(call('PARSE_DATE', '12/31/0043', 'MM/dd/yyyy')).toBe(call('PARSE_DATE', '12/31/43', 'MM/dd/yyy'));
  });

  it('uses the Julian calendar before 1582-10-15, as GregorianCalendar does', () => {
    expect(call('PARSE_DATE', '1582-10-15', 'yyyy-MM-dd')).toBe(days(1582, 10, 15));
    expect(call('PARSE_DATE', '1582-10-04', 'yyyy-MM-dd')).toBe(days(1582, 10, 14));
    expect(call('PARSE_DATE', '1000-01-01', 'yyyy-MM-dd')).toBe(days(1000, 1, 6));
  });

  it('rejects anything that is not midnight GMT', () => {
    const error = thrown(() => call('PARSE_DATE', '2021-12-01 05:40:34', 'yyyy-MM-dd HH:mm:ss'));
    expect(error.message).toBe(
      "Failed to parse date '2021-12-01 05:40:34' with formatter 'yyyy-MM-dd HH:mm:ss': Date format contains time field.",
    );
    expectFunctionError(() => call('PARSE_DATE', '2021-12-01 PST', 'yyyy-MM-dd z'), 'Date format contains time field.');
    expect(call('PARSE_DATE', '2021-12-01 +0000', 'yyyy-MM-dd Z')).toBe(days(2021, 12, 1));
  });

  it('throws when the text does not match, or for a bad pattern', () => {
    expectFunctionError(() => call('PARSE_DATE', '2004', 'yyyy-MM-dd'), "Failed to parse date '2004' with formatter 'yyyy-MM-dd'");
    expectFunctionError(() => call('PARSE_DATE', 'invalid', 'yyyy-MM-dd'), "Failed to parse date 'invalid' with formatter 'yyyy-MM-dd'");
    expectFunctionError(() => call('PARSE_DATE', '', 'yyyy-MM-dd'), "Failed to parse date '' with formatter 'yyyy-MM-dd'");
    expectFunctionError(() => call('PARSE_DATE', '2021-12-01', 'invalid'), "Failed to parse date '2021-12-01' with formatter 'invalid'");
    expectFunctionError(() => call('PARSE_DATE', '2021', "yyyy'"), 'Unterminated quote');
  });

  it('returns null for a null argument', () => {
    expect(call('PARSE_DATE', null, 'dd-MMM-yyyy')).toBeNull();
    expect(call('PARSE_DATE', '2021-12-01', null)).toBeNull();
  });

  it('works with many patterns', () => {
    for (let i = 0; i < 1500; i += 7) {
      expect(call('PARSE_DATE', `2021-12-01X${i}`, `yyyy-MM-dd'X${i}'`)).toBe(days(2021, 12, 1));
    }
  });
});

describe('PARSE_TIME', () => {
  it('parses times (corpus)', () => {
    expect(call('PARSE_TIME', '00:01:05Lit', "HH:mm:ss'Lit'")).toBe(65000);
    expect(call('PARSE_TIME', '11/05/19', 'HH/mm/ss')).toBe(39919000);
    expect(call('PARSE_TIME', '01:00:00 PM', 'hh:mm:ss a')).toBe(46800000);
    expect(call('PARSE_TIME', '01:00:00 Pm', 'hh:mm:ss a')).toBe(46800000);
  });

  it('is case-insensitive and supports embedded text and fractions', () => {
    expect(call('PARSE_TIME', '000105', 'HHmmss')).toBe(65000);
    expect(call('PARSE_TIME', '12:01:05 aM', 'hh:mm:ss a')).toBe(65000);
    expect(call('PARSE_TIME', '000105.000Fred', "HHmmss.SSS'Fred'")).toBe(65000);
    expect(call('PARSE_TIME', '00:01:05.123456789', 'HH:mm:ss.SSSSSSSSS')).toBe(65123);
    expect(call('PARSE_TIME', '000105123', 'HHmmssSSS')).toBe(65123);
    expect(call('PARSE_TIME', '13', 'HH')).toBe(13 * 3_600_000);
  });

  it('rejects date fields and incomplete times', () => {
    const error = thrown(() => call('PARSE_TIME', '2020 000105', 'yyyy HHmmss'));
    expect(error.message).toBe("Failed to parse time '2020 000105' with formatter 'yyyy HHmmss': Time format contains date field.");
    expectFunctionError(() => call('PARSE_TIME', '15', 'mm'), 'Unable to obtain LocalTime');
  });

  it('throws when the text does not match, or for a bad pattern', () => {
    expectFunctionError(() => call('PARSE_TIME', '000105', 'invalid'), "Failed to parse time '000105' with formatter 'invalid'");
    expectFunctionError(() => call('PARSE_TIME', 'invalid', 'HHmmss'), "Failed to parse time 'invalid' with formatter 'HHmmss'");
    expectFunctionError(() => call('PARSE_TIME', '', 'HHmmss'), "Failed to parse time '' with formatter 'HHmmss'");
    expectFunctionError(() => call('PARSE_TIME', '25:00', 'HH:mm'), 'HourOfDay');
  });

  it('returns null for a null argument', () => {
    expect(call('PARSE_TIME', null, 'HHmmss')).toBeNull();
    expect(call('PARSE_TIME', '000105', null)).toBeNull();
  });
});

describe('STRINGTODATE', () => {
  it('parses dates into days since epoch (corpus)', () => {
    expect(call('STRINGTODATE', '2018-05-11Lit', "yyyy-MM-dd'Lit'")).toBe(17662);
    expect(call('STRINGTODATE', '11/05/2019', 'dd/MM/yyyy')).toBe(18027);
    expect(call('STRINGTODATE', '01-Jan-2022', 'dd-MMM-yyyy')).toBe(18993);
    expect(call('STRINGTODATE', '01-01-1970', 'dd-MM-yyyy')).toBe(0);
    expect(call('STRINGTODATE', '2021-12-01', 'yyyy-MM-dd')).toBe(18962);
    expect(call('STRINGTODATE', '01-dec-2021', 'dd-MMM-yyyy')).toBe(18962);
  });

  it('throws, rather than returning null, for bad text and null arguments', () => {
    expectFunctionError(() => call('STRINGTODATE', 'foo', 'yyyyMMdd'), "Failed to parse date 'foo' with formatter 'yyyyMMdd'");
    expectFunctionError(() => call('STRINGTODATE', '2021-12-01', 'invalid'), "Failed to parse date '2021-12-01' with formatter 'invalid'");
    expectFunctionError(() => call('STRINGTODATE', '', 'yyyy-MM-dd'), "Text '' could not be parsed at index 0");
    expectFunctionError(() => call('STRINGTODATE', null, 'yyyy-MM-dd'), "Failed to parse date 'null' with formatter");
    expectFunctionError(() => call('STRINGTODATE', '2021-12-01', null), "Failed to parse date '2021-12-01' with formatter 'null'");
  });

  it('needs a whole date: a missing day is an error', () => {
    expectFunctionError(() => call('STRINGTODATE', '2021-12', 'yyyy-MM'), 'Unable to obtain LocalDate');
  });
});

describe('STRINGTOTIMESTAMP / PARSE_TIMESTAMP', () => {
  it('parses with an offset in the text (corpus)', () => {
    const pattern = "yyyy-MM-dd'T'HH:mm:ssX";
    expect(call('STRINGTOTIMESTAMP', '2018-05-11T21:58:33Z', pattern)).toBe(1526075913000);
    expect(call('STRINGTOTIMESTAMP', '2019-05-11T21:58:33Z', pattern)).toBe(1557611913000);
    expect(call('STRINGTOTIMESTAMP', '2020-05-11T21:58:33Z', pattern)).toBe(1589234313000);
    expect(call('STRINGTOTIMESTAMP', '2020-05-11T21:58:33z', pattern)).toBe(1589234313000);
  });

  it('parses in GMT by default (corpus)', () => {
    expect(call('PARSE_TIMESTAMP', '2018-05-11T21:58:33', "yyyy-MM-dd'T'HH:mm:ss")).toBe(1526075913000);
    expect(call('PARSE_TIMESTAMP', '2019-05-11T21:58:33', "yyyy-MM-dd'T'HH:mm:ss")).toBe(1557611913000);
    expect(call('PARSE_TIMESTAMP', '2020-05-11T21:58:33', "yyyy-MM-dd'T'HH:mm:ss")).toBe(1589234313000);
  });

  it('resolves a zone name in the text to its region, daylight time included (corpus)', () => {
    const pattern = "yyyy-MM-dd'T'HH:mm:ss zzz";
    expect(call('PARSE_TIMESTAMP', '2018-05-11T21:58:33 PST', pattern)).toBe(1526101113000);
    expect(call('PARSE_TIMESTAMP', '2019-05-11T21:58:33 PST', pattern)).toBe(1557637113000);
    expect(call('PARSE_TIMESTAMP', '2020-05-11T21:58:33 PST', pattern)).toBe(1589259513000);
  });

  it('parses in a given zone', () => {
    for (const name of ['PARSE_TIMESTAMP', 'STRINGTOTIMESTAMP']) {
      expect(call(name, '2018-08-15 17:10:43', 'yyyy-MM-dd HH:mm:ss', 'UTC')).toBe(1534353043000);
      expect(call(name, '2018-08-15 10:10:43', 'yyyy-MM-dd HH:mm:ss', 'America/Los_Angeles')).toBe(1534353043000);
      expect(call(name, '2018-08-15 10:10:43 +0000', 'yyyy-MM-dd HH:mm:ss Z', 'America/Los_Angeles')).toBe(utc(2018, 8, 15, 10, 10, 43));
    }
    expect(call('STRINGTOTIMESTAMP', '2018-08-15 17:10:43', 'yyyy-MM-dd HH:mm:ss')).toBe(1534353043000);
  });

  it('behaves like SimpleDateFormat in GMT, defaulting missing fields to 1970-01-01T00:00', () => {
    const cases: Array<[string, string, number]> = [
      ['2021-12-01 12:10:11.123', 'yyyy-MM-dd HH:mm:ss.SSS', utc(2021, 12, 1, 12, 10, 11, 123)],
      ['2021-12-01 12:10:11.123-0800', 'yyyy-MM-dd HH:mm:ss.SSSX', utc(2021, 12, 1, 20, 10, 11, 123)],
      ['2021-12-01 12:10:11.123 +00', 'yyyy-MM-dd HH:mm:ss.SSS X', utc(2021, 12, 1, 12, 10, 11, 123)],
      ['2021-12-01 12:10:11.123 PST', 'yyyy-MM-dd HH:mm:ss.SSS z', utc(2021, 12, 1, 20, 10, 11, 123)],
      ['2021-12-01 12:10:11.123 -0800', 'yyyy-MM-dd HH:mm:ss.SSS Z', utc(2021, 12, 1, 20, 10, 11, 123)],
      ['2021-12-01 12:10:11', 'yyyy-MM-dd HH:mm:ss', utc(2021, 12, 1, 12, 10, 11)],
      ['2021-12-01 12:10:11 -0700', 'yyyy-MM-dd HH:mm:ss X', utc(2021, 12, 1, 19, 10, 11)],
      ['2021-12-01 12:10', 'yyyy-MM-dd HH:mm', utc(2021, 12, 1, 12, 10)],
      ['2021-12-01 12:10 -0700', 'yyyy-MM-dd HH:mm X', utc(2021, 12, 1, 19, 10)],
      ['2021-12-01 12', 'yyyy-MM-dd HH', utc(2021, 12, 1, 12)],
      ['2021-12-01 12 -0700', 'yyyy-MM-dd HH X', utc(2021, 12, 1, 19)],
      ['2021-12-01', 'yyyy-MM-dd', utc(2021, 12, 1)],
      ['2021-12-01 PST', 'yyyy-MM-dd z', utc(2021, 12, 1, 8)],
      ['2021-12-01 UTC', 'yyyy-MM-dd z', utc(2021, 12, 1)],
      ['2021-12', 'yyyy-MM', utc(2021, 12, 1)],
      ['2021', 'yyyy', utc(2021, 1, 1)],
      ['12', 'MM', utc(1970, 12, 1)],
      ['01', 'dd', utc(1970, 1, 1)],
      ['01', 'HH', utc(1970, 1, 1, 1)],
      ['01', 'mm', utc(1970, 1, 1, 0, 1)],
    ];
    for (const [text, pattern, expected] of cases) expect([text, call('PARSE_TIMESTAMP', text, pattern)]).toEqual([text, expected]);
  });

  it('handles DST gaps and overlaps as java.time does', () => {
    // 01:30 happens twice on 2021-11-07 in Los Angeles: the earlier offset (PDT) wins.
    expect(call('PARSE_TIMESTAMP', '2021-11-07 01:30', 'yyyy-MM-dd HH:mm', 'America/Los_Angeles')).toBe(utc(2021, 11, 7, 8, 30));
    // 02:30 does not exist on 2021-03-14: it moves forward by the gap.
    expect(call('PARSE_TIMESTAMP', '2021-03-14 02:30', 'yyyy-MM-dd HH:mm', 'America/Los_Angeles')).toBe(utc(2021, 3, 14, 10, 30));
  });

  it('needs the year for day 366', () => {
    expect(call('PARSE_TIMESTAMP', '2020 366', 'yyyy DDD')).toBe(utc(2020, 12, 31));
    expectFunctionError(() => call('PARSE_TIMESTAMP', '366', 'DDD'), 'Leap day cannot be parsed without supplying the year field');
  });

  it('throws for bad text, bad patterns and unknown zones', () => {
    expectFunctionError(() => call('PARSE_TIMESTAMP', '2021-12-01 12:10:11.123', 'invalid'), 'Unknown pattern letter: i');
    expectFunctionError(() => call('PARSE_TIMESTAMP', 'invalid', "yyyy-MM-dd'T'HH:mm:ss.SSS"), "Text 'invalid' could not be parsed at index 0");
    expectFunctionError(() => call('PARSE_TIMESTAMP', '', "yyyy-MM-dd'T'HH:mm:ss.SSS"), "Text '' could not be parsed at index 0");
    expectFunctionError(
      () => call('PARSE_TIMESTAMP', '2021-12-01', 'yyyy-MM-dd', 'PST'),
      "Failed to parse timestamp '2021-12-01' at timezone 'PST' with formatter 'yyyy-MM-dd': Unknown time-zone ID: PST",
    );
    expectFunctionError(() => call('STRINGTOTIMESTAMP', '2021-12-01 12:10:11.123', 'invalid'), 'Unknown pattern letter: i');
    expectFunctionError(() => call('STRINGTOTIMESTAMP', 'invalid', "yyyy-MM-dd'T'HH:mm:ss.SSS"), "Text 'invalid' could not be parsed at index 0");
    expectFunctionError(
      () => call('PARSE_TIMESTAMP', '2021-12-01 12:10:11.1234567891', 'yyyy-MM-dd HH:mm:ss.SSSSSSSSSS'),
      'Minimum width must be from 0 to 9 inclusive but was 10',
    );
  });

  it('PARSE_TIMESTAMP returns null for null arguments; STRINGTOTIMESTAMP throws', () => {
    expect(call('PARSE_TIMESTAMP', null, 'yyyy-MM-dd HH:mm:ss', 'UTC')).toBeNull();
    expect(call('PARSE_TIMESTAMP', '2018-08-15 17:10:43', null, 'UTC')).toBeNull();
    expect(call('PARSE_TIMESTAMP', '2018-08-15 17:10:43', 'yyyy-MM-dd HH:mm:ss', null)).toBeNull();
    expect(call('PARSE_TIMESTAMP', null, 'yyyy')).toBeNull();
    expectFunctionError(() => call('STRINGTOTIMESTAMP', null, 'yyyy-MM-dd'), "Failed to parse timestamp 'null' with formatter");
    expectFunctionError(() => call('STRINGTOTIMESTAMP', '2021-12-01', null), "Failed to parse timestamp '2021-12-01' with formatter 'null'");
    expectFunctionError(() => call('STRINGTOTIMESTAMP', '2021-12-01', 'yyyy-MM-dd', null), "at timezone 'null'");
  });

  it('works with many patterns', () => {
    for (let i = 0; i < 1500; i += 7) {
      expect(call('PARSE_TIMESTAMP', `2018-12-01 10:12:13.456X${i}`, `yyyy-MM-dd HH:mm:ss.SSS'X${i}'`)).toBe(
        utc(2018, 12, 1, 10, 12, 13, 456),
      );
    }
  });
});
