/**
 * Java DateTimeFormatter pattern semantics on js-joda: quoting, optional sections, padding,
 * fractions, adjacent value parsing, offsets, zone ids and names, en-US text, week fields, and
 * the errors Java gives for bad patterns.
 */
import { describe, expect, it } from 'vitest';
import { Instant, LocalDate, LocalTime, ZoneId } from '@js-joda/core';
import {
  FORMAT_OPTIONS,
  PARSE_OPTIONS,
  javaFormatter,
  parsePartialTimestamp,
  timeUnitOf,
  zoneIdOf,
} from '../../../../../engine/functions/scalar/datetime/index.js';
import { call, days, utc } from './helpers.js';

/** 2018-08-15T17:10:43.123Z, a Wednesday, daylight time in Los Angeles. */
const SUMMER = 1534353043123;
/** 2021-12-01T12:10:11.123Z, a Wednesday, standard time in Los Angeles. */
const WINTER = 1638360611123;

function fmt(epochMilli: number, pattern: string, zone = 'UTC'): string {
  return javaFormatter(pattern).format(Instant.ofEpochMilli(epochMilli).atZone(zoneIdOf(zone)));
}

function patternError(pattern: string): string {
  try {
    javaFormatter(pattern);
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('literals', () => {
  it('quotes text and escapes quotes by doubling them', () => {
    expect(fmt(WINTER, "'It''s' yyyy")).toBe("It's 2021");
    expect(fmt(WINTER, "''yyyy''")).toBe("'2021'");
    expect(fmt(WINTER, "'o''clock: ''x'''")).toBe("o'clock: 'x'");
    expect(fmt(WINTER, "yyyy-MM-dd'T'HH:mm:ss'Z'")).toBe('2021-12-01T12:10:11Z');
    expect(fmt(WINTER, 'yyyy/MM/dd, HH.mm')).toBe('2021/12/01, 12.10');
  });

  it('rejects bad quoting and reserved characters as Java does', () => {
    expect(patternError("yyyy 'T")).toBe("Pattern ends with an incomplete string literal: yyyy 'T");
    expect(patternError("yyyy-MM-dd''T''HH")).toBe('Unknown pattern letter: T');
    expect(patternError('yyyy#')).toBe("Pattern includes reserved character: '#'");
    expect(patternError('yyyy{')).toBe("Pattern includes reserved character: '{'");
    expect(patternError('yyyy]')).toBe('Pattern invalid as it contains ] without previous [');
  });
});

describe('optional sections and padding', () => {
  it('parses with or without optional sections, nested too', () => {
    const pattern = "yyyy-MM-dd['T'HH:mm[:ss[.SSS]]]";
    expect(call('PARSE_TIMESTAMP', '2021-12-01', pattern)).toBe(utc(2021, 12, 1));
    expect(call('PARSE_TIMESTAMP', '2021-12-01T12:10', pattern)).toBe(utc(2021, 12, 1, 12, 10));
    expect(call('PARSE_TIMESTAMP', '2021-12-01T12:10:11', pattern)).toBe(utc(2021, 12, 1, 12, 10, 11));
    expect(call('PARSE_TIMESTAMP', '2021-12-01T12:10:11.123', pattern)).toBe(WINTER);
    expect(fmt(WINTER, pattern)).toBe('2021-12-01T12:10:11.123');
  });

  it('pads the next field with p', () => {
    expect(call('FORMAT_DATE', days(2021, 12, 5), 'ppd|pppM')).toBe(' 5| 12');
    expect(patternError('yyyy p')).toBe('Pad letter \'p\' must be followed by valid pad pattern: yyyy p');
  });
});

describe('numbers and fractions', () => {
  it('prints years, days of year and fractions of a second', () => {
    expect(fmt(WINTER, 'y yy yyy yyyy yyyyy u uu uuuu')).toBe('2021 21 2021 2021 02021 2021 21 2021');
    expect(fmt(WINTER, 'D DD DDD')).toBe('335 335 335');
    expect(fmt(WINTER, 'S SS SSS SSSS SSSSSS SSSSSSSSS')).toBe('1 12 123 1230 123000 123000000');
    expect(fmt(WINTER, 'n A N')).toBe('123000000 43811123 43811123000000');
    expect(fmt(WINTER, 'h K k H a')).toBe('12 0 12 12 PM');
    expect(call('FORMAT_DATE', days(10000, 1, 1), 'yyyy')).toBe('+10000');
    expect(call('FORMAT_DATE', days(-1, 12, 31), 'uuuu yyyy G')).toBe('-0001 0002 BC');
  });

  it('reads two-digit years into 2000-2099', () => {
    expect(call('STRINGTODATE', '21-12-01', 'yy-MM-dd')).toBe(days(2021, 12, 1));
    expect(call('STRINGTODATE', '99-12-01', 'yy-MM-dd')).toBe(days(2099, 12, 1));
  });

  it('parses fractions of 1 to 9 digits, exactly as many as the pattern has', () => {
    expect(call('PARSE_TIMESTAMP', '2021-12-01 12:10:11.1', 'yyyy-MM-dd HH:mm:ss.S')).toBe(utc(2021, 12, 1, 12, 10, 11, 100));
    expect(call('PARSE_TIMESTAMP', '2021-12-01 12:10:11.123456789', 'yyyy-MM-dd HH:mm:ss.SSSSSSSSS')).toBe(WINTER);
    expect(() => call('PARSE_TIMESTAMP', '2021-12-01 12:10:11.12', 'yyyy-MM-dd HH:mm:ss.SSS')).toThrow(/could not be parsed/);
  });

  it('parses runs of adjacent numbers, fractions included', () => {
    expect(call('PARSE_TIMESTAMP', '20211201121011123', 'yyyyMMddHHmmssSSS')).toBe(WINTER);
    expect(call('PARSE_TIMESTAMP', '20211201121011', 'yyyyMMddHHmmss')).toBe(utc(2021, 12, 1, 12, 10, 11));
    expect(call('PARSE_TIMESTAMP', '211201121011123456', 'yyMMddHHmmssSSSSSS')).toBe(WINTER);
    expect(fmt(WINTER, 'yyyyMMddHHmmssSSS')).toBe('20211201121011123');
    expect(call('STRINGTODATE', '20211201', 'yyyyMMdd')).toBe(days(2021, 12, 1));
  });

  it('resolves in SMART mode: day 31 clamps to the month, 24:00 is the next midnight', () => {
    expect(call('STRINGTODATE', '2021-02-31', 'yyyy-MM-dd')).toBe(days(2021, 2, 28));
    expect(() => call('STRINGTODATE', '2021-02-32', 'yyyy-MM-dd')).toThrow(/DayOfMonth/);
    expect(call('PARSE_TIMESTAMP', '2021-12-01 24:00', 'yyyy-MM-dd HH:mm')).toBe(utc(2021, 12, 2));
  });
});

describe('offsets and zones', () => {
  it('prints offsets with X, x, Z and O', () => {
    const pattern = 'X XX XXX XXXX XXXXX|x xx xxx|Z ZZZZ ZZZZZ|O OOOO';
    expect(fmt(WINTER, pattern, '+05:30')).toBe('+0530 +0530 +05:30 +0530 +05:30|+0530 +0530 +05:30|+0530 GMT+05:30 +05:30|GMT+5:30 GMT+05:30');
    expect(fmt(WINTER, pattern, 'UTC')).toBe('Z Z Z Z Z|+00 +0000 +00:00|+0000 GMT Z|GMT GMT');
    expect(fmt(WINTER, pattern, 'America/Los_Angeles')).toBe(
      '-08 -0800 -08:00 -0800 -08:00|-08 -0800 -08:00|-0800 GMT-08:00 -08:00|GMT-8 GMT-08:00',
    );
  });

  it('parses offsets, Z case-insensitively where the parse is', () => {
    const parse = (text: string, pattern: string): unknown => call('PARSE_TIMESTAMP', text, pattern);
    expect(parse('2021-12-01 12:10:11 +0530', 'yyyy-MM-dd HH:mm:ss Z')).toBe(utc(2021, 12, 1, 6, 40, 11));
    expect(parse('2021-12-01 12:10:11 -08:00', 'yyyy-MM-dd HH:mm:ss XXX')).toBe(utc(2021, 12, 1, 20, 10, 11));
    expect(parse('2021-12-01 12:10:11 -08', 'yyyy-MM-dd HH:mm:ss X')).toBe(utc(2021, 12, 1, 20, 10, 11));
    expect(parse('2021-12-01 12:10:11 z', 'yyyy-MM-dd HH:mm:ss X')).toBe(utc(2021, 12, 1, 12, 10, 11));
    expect(parse('2021-12-01 12:10:11 GMT+05:30', 'yyyy-MM-dd HH:mm:ss OOOO')).toBe(utc(2021, 12, 1, 6, 40, 11));
    expect(parse('2021-12-01 12:10:11 GMT-8', 'yyyy-MM-dd HH:mm:ss O')).toBe(utc(2021, 12, 1, 20, 10, 11));
    expect(parse('2021-12-01 12:10:11 GMT', 'yyyy-MM-dd HH:mm:ss O')).toBe(utc(2021, 12, 1, 12, 10, 11));
  });

  it('prints zone ids and en-US zone names, daylight-aware', () => {
    expect(fmt(SUMMER, 'z|zzzz|v|vvvv|VV', 'America/Los_Angeles')).toBe('PDT|Pacific Daylight Time|PT|Pacific Time|America/Los_Angeles');
    expect(fmt(WINTER, 'z|zzzz|v|vvvv|VV', 'America/Los_Angeles')).toBe('PST|Pacific Standard Time|PT|Pacific Time|America/Los_Angeles');
    expect(fmt(SUMMER, 'z|zzzz', 'America/New_York')).toBe('EDT|Eastern Daylight Time');
    expect(fmt(SUMMER, 'z|zzzz', 'Europe/London')).toBe('BST|British Summer Time');
    expect(fmt(WINTER, 'z|zzzz', 'Europe/London')).toBe('GMT|Greenwich Mean Time');
    expect(fmt(SUMMER, 'z|zzzz', 'Europe/Paris')).toBe('CEST|Central European Summer Time');
    expect(fmt(SUMMER, 'z', 'Australia/Sydney')).toBe('AEST');
    expect(fmt(WINTER, 'z', 'Australia/Sydney')).toBe('AEDT');
    expect(fmt(SUMMER, 'z|zzzz', 'UTC')).toBe('UTC|Coordinated Universal Time');
    expect(fmt(SUMMER, 'z|VV', 'GMT')).toBe('GMT|GMT');
    expect(fmt(SUMMER, 'z|VV', '+05:30')).toBe('+05:30|+05:30');
    // Zones without English names print as a GMT offset.
    expect(fmt(SUMMER, 'z', 'Asia/Yerevan')).toBe('GMT+04:00');
  });

  it('parses zone ids and names to their region', () => {
    const parse = (text: string, pattern: string): unknown => call('PARSE_TIMESTAMP', text, pattern);
    expect(parse('2021-06-01 12:00 America/New_York', 'yyyy-MM-dd HH:mm VV')).toBe(utc(2021, 6, 1, 16));
    expect(parse('2021-06-01 12:00 EST', 'yyyy-MM-dd HH:mm z')).toBe(utc(2021, 6, 1, 16));
    expect(parse('2021-06-01 12:00 pdt', 'yyyy-MM-dd HH:mm z')).toBe(utc(2021, 6, 1, 19));
    expect(parse('2021-12-01 12:00 Pacific Daylight Time', 'yyyy-MM-dd HH:mm zzzz')).toBe(utc(2021, 12, 1, 20));
    expect(parse('2021-12-01 12:00 Europe/Paris', 'yyyy-MM-dd HH:mm z')).toBe(utc(2021, 12, 1, 11));
    expect(parse('2021-12-01 12:00 +01:00', 'yyyy-MM-dd HH:mm z')).toBe(utc(2021, 12, 1, 11));
    expect(parse('2021-12-01 12:00 UTC', 'yyyy-MM-dd HH:mm z')).toBe(utc(2021, 12, 1, 12));
    expect(parse('2021-12-07T10:00:00+01:00[Europe/Paris]', "yyyy-MM-dd'T'HH:mm:ssXXX'['VV']'")).toBe(utc(2021, 12, 7, 9));
  });

  it('knows ZoneId.of ids and rejects the rest', () => {
    expect(zoneIdOf('+0200').id()).toBe('+02:00');
    expect(zoneIdOf('GMT+2').id()).toBe('GMT+02:00');
    expect(zoneIdOf('Z').id()).toBe('Z');
    expect(zoneIdOf('US/Pacific')).toBeInstanceOf(ZoneId);
    expect(() => zoneIdOf('PST')).toThrow('Unknown time-zone ID: PST');
    expect(() => zoneIdOf('utc')).toThrow('Unknown time-zone ID: utc');
  });
});

describe('text', () => {
  it('prints en-US month, day, am/pm, era and quarter names', () => {
    expect(fmt(WINTER, 'MMM MMMM MMMMM LLL LLLL')).toBe('Dec December D Dec December');
    expect(fmt(WINTER, 'E EE EEE EEEE EEEEE ccc cccc')).toBe('Wed Wed Wed Wednesday W Wed Wednesday');
    expect(fmt(WINTER, 'G GGGG GGGGG')).toBe('AD Anno Domini A');
    expect(fmt(WINTER, 'Q QQ QQQ QQQQ QQQQQ q')).toBe('4 04 Q4 4th quarter 4 4');
    expect(fmt(WINTER - 12 * 3_600_000, 'hh a')).toBe('12 AM');
    expect(call('FORMAT_DATE', days(2021, 5, 18), 'EEE, d MMM yyyy')).toBe('Tue, 18 May 2021');
  });

  it('parses names case-insensitively in the parse functions', () => {
    expect(call('STRINGTODATE', 'tuesday, 18 MAY 2021', 'EEEE, d MMM yyyy')).toBe(days(2021, 5, 18));
    expect(call('STRINGTODATE', '18 September 2021 ad', 'd MMMM yyyy G')).toBe(days(2021, 9, 18));
    expect(call('PARSE_TIME', '07:05 pm', 'hh:mm a')).toBe(19 * 3_600_000 + 5 * 60_000);
  });

  it('parses only the form the pattern asks for, and checks the day of the week', () => {
    expect(() => call('STRINGTODATE', '18 Sept 2021', 'd MMM yyyy')).toThrow(/could not be parsed/);
    expect(() => call('STRINGTODATE', '18 September 2021', 'd MMM yyyy')).toThrow(/could not be parsed/);
    expect(() => call('STRINGTODATE', 'Mon, 18 May 2021', 'EEE, d MMM yyyy')).toThrow(/Conflict found/);
  });

  it('parses case-sensitively where Java does', () => {
    const formatter = javaFormatter('d MMM yyyy', FORMAT_OPTIONS);
    expect(() => LocalDate.parse('18 may 2021', formatter)).toThrow();
    expect(LocalDate.parse('18 may 2021', javaFormatter('d MMM yyyy', PARSE_OPTIONS)).toString()).toBe('2021-05-18');
  });
});

describe('week fields (en-US: weeks start on Sunday, week 1 holds 1 January)', () => {
  it('prints week-based years, weeks and localized days of the week', () => {
    expect(call('FORMAT_DATE', days(2021, 12, 31), 'YYYY ww w W e ee c')).toBe('2022 01 1 5 6 06 6');
    expect(call('FORMAT_DATE', days(2021, 12, 25), 'YYYY-ww')).toBe('2021-52');
    expect(call('FORMAT_DATE', days(2021, 1, 1), 'YYYY-ww-e')).toBe('2021-01-6');
    expect(call('FORMAT_DATE', days(2018, 8, 15), 'YY ww W e')).toBe('18 33 3 4');
  });

  it('parses a week date', () => {
    expect(call('STRINGTODATE', '2021-W05-3', "YYYY-'W'ww-e")).toBe(days(2021, 1, 26));
    expect(call('STRINGTODATE', '2021-12 W2 Tue', "yyyy-MM 'W'W EEE")).toBe(days(2021, 12, 7));
  });

  it('rejects too many letters', () => {
    expect(patternError('www')).toBe('Too many pattern letters: w');
    expect(patternError('WW')).toBe('Too many pattern letters: W');
    expect(patternError('cc')).toBe('Invalid pattern "cc"');
  });
});

describe('pattern errors', () => {
  it('gives Java’s messages', () => {
    expect(patternError('invalid')).toBe('Unknown pattern letter: i');
    expect(patternError('yyyy-MM-dd b')).toBe('Unknown pattern letter: b');
    expect(patternError('aa')).toBe('Too many pattern letters: a');
    expect(patternError('MMMMMM')).toBe('Too many pattern letters: M');
    expect(patternError('EEEEEE')).toBe('Too many pattern letters: E');
    expect(patternError('HHH')).toBe('Too many pattern letters: H');
    expect(patternError('DDDD')).toBe('Too many pattern letters: D');
    expect(patternError('zzzzz')).toBe('Too many pattern letters: z');
    expect(patternError('XXXXXX')).toBe('Too many pattern letters: X');
    expect(patternError('ZZZZZZ')).toBe('Too many pattern letters: Z');
    expect(patternError('V')).toBe('Pattern letter count must be 2: V');
    expect(patternError('OO')).toBe('Pattern letter count must be 1 or 4: O');
    expect(patternError('vv')).toBe('Wrong number of pattern letters: v');
    expect(patternError('SSSSSSSSSS')).toBe('Minimum width must be from 0 to 9 inclusive but was 10');
  });

  it('caches one formatter per pattern and options', () => {
    expect(javaFormatter('yyyy-MM-dd')).toBe(javaFormatter('yyyy-MM-dd'));
    expect(javaFormatter('yyyy-MM-dd', PARSE_OPTIONS)).not.toBe(javaFormatter('yyyy-MM-dd'));
  });

  it('formats a time with time fields only', () => {
    expect(javaFormatter('HH:mm:ss.SSS').format(LocalTime.of(23, 59, 59, 999_000_000))).toBe('23:59:59.999');
  });
});

describe('partial timestamps (strings compared with ROWTIME)', () => {
  it('completes partial dates and times, in UTC unless an offset is given', () => {
    expect(parsePartialTimestamp('2018')).toBe(utc(2018, 1, 1));
    expect(parsePartialTimestamp('2018-05')).toBe(utc(2018, 5, 1));
    expect(parsePartialTimestamp('2018-01-01T00:00:00.001')).toBe(1514764800001);
    expect(parsePartialTimestamp('2018-01-01T00:00:01')).toBe(1514764801000);
    expect(parsePartialTimestamp('2018-01-01T12')).toBe(utc(2018, 1, 1, 12));
    expect(parsePartialTimestamp('2020-02-10T08:31:44.001+0000')).toBe(1581323504001);
    expect(parsePartialTimestamp('2019-01-01T00:00:00+0445')).toBe(1546300800000 - (4 * 60 + 45) * 60_000);
    expect(parsePartialTimestamp('2019-01-01T00:00:00Z')).toBe(1546300800000);
    expect(parsePartialTimestamp('1970-01-01T00:00:00.010')).toBe(10);
  });

  it("fails with ksqlDB's help text", () => {
    expect(() => parsePartialTimestamp('foo')).toThrow(/Failed to parse timestamp 'foo'.*\nRequired format is: "yyyy-MM-dd'T'HH:mm:ss.SSS"/s);
  });
});

describe('time units', () => {
  it('knows TimeUnit names, plural and singular', () => {
    expect(timeUnitOf('DAYS')?.toMillis(2)).toBe(172_800_000);
    expect(timeUnitOf('HOUR')?.toMillis(1)).toBe(3_600_000);
    expect(timeUnitOf('MILLISECONDS')?.toMillis(-5)).toBe(-5);
    expect(timeUnitOf('MICROSECONDS')?.toMillis(-1999)).toBe(-1);
    expect(timeUnitOf('MINUTES')?.toNanos(2147483647)).toBe((1n << 63n) - 1n);
    expect(timeUnitOf('WEEKS')).toBeUndefined();
  });
});
