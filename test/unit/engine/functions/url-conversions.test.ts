import { describe, expect, it } from 'vitest';
import { BYTES, DOUBLE, INTEGER, STRING } from '../../../../engine/types/index.js';
import { call, errorOf } from './helpers.js';

describe('URL functions (url.json)', () => {
  it('URL_ENCODE_PARAM / URL_DECODE_PARAM', () => {
    expect(call('URL_ENCODE_PARAM', [STRING], ['?foo $bar'])).toBe('%3Ffoo+%24bar');
    expect(call('URL_ENCODE_PARAM', [STRING], ['hello&world'])).toBe('hello%26world');
    expect(call('URL_ENCODE_PARAM', [STRING], ['a-_.*~é'])).toBe('a-_.*%7E%C3%A9');
    expect(call('URL_DECODE_PARAM', [STRING], ['%3Ffoo+%24bar'])).toBe('?foo $bar');
    expect(call('URL_DECODE_PARAM', [STRING], ['%C3%A9'])).toBe('é');
    expect(call('URL_DECODE_PARAM', [STRING], ['nothing'])).toBe('nothing');
    expect(errorOf(() => call('URL_DECODE_PARAM', [STRING], ['%zz']))).toContain('URLDecoder: Illegal hex characters');
    expect(errorOf(() => call('URL_DECODE_PARAM', [STRING], ['a%2']))).toContain('URLDecoder: Incomplete trailing escape');
    expect(call('URL_DECODE_PARAM', [STRING], [null])).toBeNull();
  });

  it('extracts URL parts as java.net.URI does', () => {
    const get = (name: string, url: string | null): unknown => call(name, [STRING], [url]);
    expect(get('URL_EXTRACT_FRAGMENT', 'http://www.test.com/?query#fragment')).toBe('fragment');
    expect(get('URL_EXTRACT_FRAGMENT', 'http://www.nofragment.com')).toBeNull();
    expect(get('URL_EXTRACT_HOST', 'http://www.test.com/?query#fragment')).toBe('www.test.com');
    expect(get('URL_EXTRACT_HOST', 'http://test@confluent.io:8080')).toBe('confluent.io');
    expect(get('URL_EXTRACT_PATH', 'http://www.test.com?query#fragment')).toBe('');
    expect(get('URL_EXTRACT_PATH', 'http://test@confluent.io:8080/nested/path?query&jobs')).toBe('/nested/path');
    expect(get('URL_EXTRACT_PATH', 'http://x.com/a%20b')).toBe('/a b');
    expect(get('URL_EXTRACT_PORT', 'http://test@confluent.io')).toBeNull();
    expect(get('URL_EXTRACT_PORT', 'http://test@confluent.io:8080/nested/path?query&jobs')).toBe(8080);
    expect(get('URL_EXTRACT_PROTOCOL', 'https://test@confluent.io:8080/nested/path?query&jobs')).toBe('https');
    expect(get('URL_EXTRACT_PROTOCOL', 'www.confluent.io')).toBeNull();
    expect(get('URL_EXTRACT_QUERY', 'http://www.test.com?query#fragment')).toBe('query');
    expect(get('URL_EXTRACT_QUERY', 'http://www.test.com/path?q1&q2')).toBe('q1&q2');
    expect(get('URL_EXTRACT_QUERY', 'http://test@confluent.io:8080/path')).toBeNull();
    expect(get('URL_EXTRACT_HOST', 'mailto:someone@example.com')).toBeNull();
    expect(get('URL_EXTRACT_PATH', 'mailto:someone@example.com')).toBeNull();
    expect(get('URL_EXTRACT_HOST', 'http://under_score.com/')).toBeNull();
    expect(get('URL_EXTRACT_HOST', null)).toBeNull();
    expect(errorOf(() => get('URL_EXTRACT_HOST', 'http://bad host.com/'))).toBe('URL input has invalid syntax: http://bad host.com/');
    expect(errorOf(() => get('URL_EXTRACT_PATH', 'http://x.com/%zz'))).toContain('URL input has invalid syntax');
  });

  it('URL_EXTRACT_PARAMETER', () => {
    const t = [STRING, STRING];
    expect(call('URL_EXTRACT_PARAMETER', t, ['http://www.test.com/?one=a&two=b&three', 'one'])).toBe('a');
    expect(call('URL_EXTRACT_PARAMETER', t, ['http://www.test.com/?one=a&two=b&three', 'three'])).toBe('');
    expect(call('URL_EXTRACT_PARAMETER', t, ['http://www.test.com/?one=a&two=b&three', 'four'])).toBeNull();
    expect(call('URL_EXTRACT_PARAMETER', t, ['http://www.test.com/?one=a&two=url%20encoded', 'two'])).toBe('url encoded');
    expect(call('URL_EXTRACT_PARAMETER', t, ['http://www.test.com/?a=b=c', 'a'])).toBe('b=c');
  });
});

describe('conversions from BYTES (bytes-and-strings.json)', () => {
  const b = (s: string): Buffer => Buffer.from(s, 'base64');
  it('big endian by default', () => {
    expect(call('INT_FROM_BYTES', [BYTES], [b('AAAH5Q==')])).toBe(2021);
    expect(call('BIGINT_FROM_BYTES', [BYTES], [b('AAAAASoF8gA=')])).toBe(5000000000);
    expect(call('DOUBLE_FROM_BYTES', [BYTES], [b('QICm/ZvJ9YI=')])).toBe(532.8738323);
  });

  it('little endian on request', () => {
    expect(call('INT_FROM_BYTES', [BYTES, STRING], [b('5QcAAA=='), 'LITTLE_ENDIAN'])).toBe(2021);
    expect(call('BIGINT_FROM_BYTES', [BYTES, STRING], [b('APIFKgEAAAA='), 'little_endian'])).toBe(5000000000);
    expect(call('DOUBLE_FROM_BYTES', [BYTES, STRING], [b('gvXJm/2mgEA='), 'LITTLE_ENDIAN'])).toBe(532.8738323);
  });

  it('checks the size and the byte order', () => {
    expect(errorOf(() => call('INT_FROM_BYTES', [BYTES], [Buffer.alloc(3)]))).toBe('Number of bytes must be equal to 4, but found 3');
    expect(errorOf(() => call('INT_FROM_BYTES', [BYTES, STRING], [null, 'MIDDLE']))).toBe(
      "Byte order must be BIG_ENDIAN or LITTLE_ENDIAN. Unknown byte order 'MIDDLE'.",
    );
    expect(call('INT_FROM_BYTES', [BYTES], [null])).toBeNull();
  });
});

describe('GEO_DISTANCE', () => {
  const t4 = [DOUBLE, DOUBLE, DOUBLE, DOUBLE];
  it('computes haversine distances in km or miles', () => {
    const km = call('GEO_DISTANCE', t4, [37.4439, -122.1663, 51.5257, -0.1122]) as number;
    expect(km).toBeCloseTo(8634.6, 0);
    const mi = call('GEO_DISTANCE', [...t4, STRING], [37.4439, -122.1663, 51.5257, -0.1122, 'MI']) as number;
    expect(mi).toBeCloseTo((km * 3959) / 6371, 6);
    expect(call('GEO_DISTANCE', [...t4, STRING], [0, 0, 0, 0, null])).toBe(0);
  });

  it('validates its arguments', () => {
    expect(errorOf(() => call('GEO_DISTANCE', t4, [91, 0, 0, 0]))).toContain('valid latitude values');
    expect(errorOf(() => call('GEO_DISTANCE', t4, [0, 181, 0, 0]))).toContain('valid longitude values');
    expect(errorOf(() => call('GEO_DISTANCE', [...t4, STRING], [0, 0, 0, 0, 'parsecs']))).toContain('units parameter must be one of');
    expect(errorOf(() => call('GEO_DISTANCE', [INTEGER, DOUBLE, DOUBLE, DOUBLE], [null, 0, 0, 0]))).toContain('null passed for primitive');
  });
});
