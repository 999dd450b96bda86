import { describe, expect, it } from 'vitest';
import { parseTimestamp } from '../../../../../engine/types/time.js';
import { parsePartialTimestamp } from '../../../../../engine/functions/scalar/datetime/timestamp-parser.js';

describe('hour 24 in timestamp strings (Java SMART resolution)', () => {
  it.each([['parseTimestamp', parseTimestamp], ['parsePartialTimestamp', parsePartialTimestamp]] as const)('%s reads 24:00 as the next day', (_, parse) => {
    expect(parse('2020-02-24T24')).toBe(Date.UTC(2020, 1, 25));
    expect(parse('2020-12-31T24:00:00.000')).toBe(Date.UTC(2021, 0, 1));
    expect(parse('2020-02-24T24:00+0100')).toBe(Date.UTC(2020, 1, 24, 23));
    expect(() => parse('2020-02-24T24:00:01')).toThrow(/HourOfDay/);
    expect(() => parse('2020-02-24T24:00:00.001')).toThrow(/HourOfDay/);
    expect(() => parse('2020-02-24T25')).toThrow(/HourOfDay/);
  });

  it('keeps ksqlDB\'s message for an hour past 24:00', () => {
    expect(() => parseTimestamp('2020-02-24T24:30')).toThrow(
      "Failed to parse timestamp '2020-02-24T24:30': Text '2020-02-24T24:30:00.000' could not be parsed: Invalid value for HourOfDay (valid values 0 - 23): 24",
    );
  });
});
