import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { civilFromDays, daysFromCivil, formatDate, formatTimeMillis, formatTimestamp, parseDate, parseTime, parseTimestamp, parseZoneOffsetMs } from './fixtures.js';

describe('civil calendar', () => {
  it('matches Date.UTC across a wide range (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 2_000_000 }), (days) => {
        const c = civilFromDays(days);
        const d = new Date(0);
        d.setUTCFullYear(c.year, c.month - 1, c.day);
        expect(d.getTime() / 86_400_000).toBe(days);
        expect(daysFromCivil(c.year, c.month, c.day)).toBe(days);
      }),
      { numRuns: 2000 },
    );
  });

  it('prints LocalDate forms', () => {
    expect(formatDate(0)).toBe('1970-01-01');
    expect(formatDate(daysFromCivil(10000, 1, 1))).toBe('+10000-01-01');
    expect(formatDate(daysFromCivil(1, 2, 3))).toBe('0001-02-03');
    expect(formatDate(daysFromCivil(2000, 2, 29))).toBe('2000-02-29');
  });

  it('prints timestamps in UTC with millis', () => {
    expect(formatTimestamp(1_234)).toBe('1970-01-01T00:00:01.234');
    expect(formatTimestamp(Date.UTC(2024, 1, 29, 23, 59, 59, 999))).toBe('2024-02-29T23:59:59.999');
    expect(formatTimeMillis(45_296_007)).toBe('12:34:56.007');
  });
});

describe('parsing', () => {
  it('dates', () => {
    expect(parseDate('1970-01-02')).toBe(1);
    expect(parseDate('2020-05')).toBe(daysFromCivil(2020, 5, 1));
    expect(() => parseDate('2020-13-01')).toThrow(/Invalid value for MonthOfYear/);
    expect(() => parseDate('2021-02-29')).toThrow(/not a leap year/);
    expect(() => parseDate('20-01-01')).toThrow(/could not be parsed/);
  });
  it('times', () => {
    expect(parseTime('00:00')).toBe(0);
    expect(parseTime('23:59:59.999999')).toBe(86_399_999);
    expect(() => parseTime('1:00')).toThrow(/Failed to parse time/);
  });
  it('timestamps', () => {
    expect(parseTimestamp('2020-05-26T23:59:58.000')).toBe(Date.UTC(2020, 4, 26, 23, 59, 58));
    expect(parseTimestamp('2020-05-26T23:59:58.000+0200')).toBe(Date.UTC(2020, 4, 26, 21, 59, 58));
    expect(parseTimestamp('2020-05-26T23')).toBe(Date.UTC(2020, 4, 26, 23));
    expect(parseTimestamp('2020')).toBe(Date.UTC(2020, 0, 1));
    expect(parseTimestamp('2021-04-31T00:00:00.000')).toBe(Date.UTC(2021, 3, 30)); // SMART resolver clamps
    expect(() => parseTimestamp('2020-05-26T23:59:58.000+25')).toThrow(/Failed to parse timezone/);
    expect(() => parseTimestamp('2020-05-26X')).toThrow(/Failed to parse timestamp/);
  });
  it('zone offsets', () => {
    expect(parseZoneOffsetMs('+02')).toBe(7_200_000);
    expect(parseZoneOffsetMs('-0530')).toBe(-19_800_000);
    expect(parseZoneOffsetMs('+05:30')).toBe(19_800_000);
    expect(parseZoneOffsetMs('Z')).toBe(0);
    expect(parseZoneOffsetMs('+1:30')).toBeNull();
    expect(parseZoneOffsetMs('CET')).toBeNull();
  });
});
