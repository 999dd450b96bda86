import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { B, BIGINT, BOOLEAN, BYTES, DATE, DOUBLE, Decimal, INTEGER, STRING, TIME, TIMESTAMP, decimalType, errorOf, parseCsvRecord, parseDelimiter, quoteCsvValue, serde } from './fixtures.js';

const out = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

describe('DELIMITED reading', () => {
  it('keys from the corpus: quoted and unquoted', () => {
    const key = (type: Parameters<typeof serde>[1][number]['type'], text: string): unknown => serde('DELIMITED', [{ name: 'K', type }], { target: 'key' }).deserialize(B(text))![0];
    expect(key(BOOLEAN, 'true')).toBe(true);
    expect(key(BOOLEAN, '"true"')).toBe(true);
    expect(key(BOOLEAN, 'yes')).toBe(false); // Boolean.parseBoolean
    expect(key(INTEGER, '"22"')).toBe(22);
    expect(key(BIGINT, '"10"')).toBe(10);
    expect(key(DOUBLE, '"123.456"')).toBe(123.456);
    expect(key(STRING, '"You"')).toBe('You');
    expect(String(key(decimalType(6, 4), '"12.0"'))).toBe('12.0000');
  });

  it('multi-column keys and custom delimiters', () => {
    const k = serde('DELIMITED', [{ name: 'K1', type: STRING }, { name: 'K2', type: STRING }], { target: 'key' });
    expect(k.deserialize(B('foo,bar'))).toEqual(['foo', 'bar']);
    expect(k.deserialize(B('"foo","bar"'))).toEqual(['foo', 'bar']);
    const k2 = serde('DELIMITED', [{ name: 'K1', type: STRING }, { name: 'K2', type: STRING }], { target: 'key', properties: { delimiter: ';' } });
    expect(k2.deserialize(B('foo,bar;baz'))).toEqual(['foo,bar', 'baz']);
    const v = serde('DELIMITED', [{ name: 'V', type: INTEGER }, { name: 'V2', type: INTEGER }], { properties: { delimiter: '-' } });
    expect(v.deserialize(B('0-1'))).toEqual([0, 1]);
    expect(out(v.serialize([0, 1]))).toBe('0-1');
  });

  it('TAB, SPACE, pipe and $ delimiters', () => {
    const cols = [{ name: 'ID', type: BIGINT }, { name: 'NAME', type: STRING }, { name: 'VALUE', type: INTEGER }];
    for (const [prop, ch] of [['TAB', '\t'], ['SPACE', ' '], ['|', '|'], ['$', '$']] as const) {
      const s = serde('DELIMITED', cols, { properties: { delimiter: prop } });
      expect(s.deserialize(B(`0${ch}zero${ch}0`))).toEqual([0, 'zero', 0]);
      expect(out(s.serialize([100, '100', 500]))).toBe(`100${ch}100${ch}500`);
    }
  });

  it('decimals: read written decimals (corpus)', () => {
    const s = serde('DELIMITED', [{ name: 'V', type: decimalType(33, 16) }]);
    const rt = (t: string): string | null => out(s.serialize(s.deserialize(B(t))));
    expect(rt('12345678987654321.2345678987654321')).toBe('12345678987654321.2345678987654321');
    expect(rt('.12')).toBe('0.1200000000000000');
    expect(rt('-12345.12')).toBe('"-12345.1200000000000000"');
    expect(rt('"-12345.12"')).toBe('"-12345.1200000000000000"');
    expect(rt('0')).toBe('0.0000000000000000');
    const small = serde('DELIMITED', [{ name: 'V', type: decimalType(21, 19) }]);
    expect(out(small.serialize(small.deserialize(B('10.1234512345123451234'))))).toBe('10.1234512345123451234');
  });

  it('empty fields are null; counts must match', () => {
    const s = serde('DELIMITED', [{ name: 'A', type: INTEGER }, { name: 'B', type: STRING }, { name: 'C', type: DOUBLE }]);
    expect(s.deserialize(B(',,'))).toEqual([null, null, null]);
    expect(s.deserialize(B('1,"",2.5'))).toEqual([1, null, 2.5]);
    expect(s.deserialize(null)).toBeNull();
    expect(errorOf(() => s.deserialize(B('1,2')))).toEqual({
      code: 'ENGINE_SERDE',
      message: 'Error deserializing delimited: Column count mismatch on deserialization. topic: t, expected: 3, got: 2',
    });
    expect(errorOf(() => s.deserialize(B('')))!.message).toBe('Error deserializing delimited: No fields in record');
    expect(errorOf(() => s.deserialize(B('x,a,1')))!.message).toBe('Error deserializing delimited: For input string: "x"');
    expect(errorOf(() => s.deserialize(B('1,"a"b,1')))!.message).toMatch(/invalid char between encapsulated token and delimiter/);
  });

  it('other types', () => {
    const s = serde('DELIMITED', [
      { name: 'B', type: BYTES },
      { name: 'D', type: DATE },
      { name: 'T', type: TIME },
      { name: 'TS', type: TIMESTAMP },
    ]);
    const row = s.deserialize(B('aGk=,18628,1000,1609459200000'))!;
    expect((row[0] as Buffer).toString()).toBe('hi');
    expect(row.slice(1)).toEqual([18628, 1000, 1609459200000]);
    expect(out(s.serialize(row))).toBe('aGk=,18628,1000,1609459200000');
  });
});

describe('DELIMITED writing (commons-csv 1.4 MINIMAL quoting)', () => {
  it('quotes where commons-csv does', () => {
    expect(quoteCsvValue('abc', true, ',')).toBe('abc');
    expect(quoteCsvValue('', true, ',')).toBe('""');
    expect(quoteCsvValue('', false, ',')).toBe('');
    expect(quoteCsvValue('-1', true, ',')).toBe('"-1"');
    expect(quoteCsvValue('-1', false, ',')).toBe('-1');
    expect(quoteCsvValue('#x', false, ',')).toBe('"#x"');
    expect(quoteCsvValue('a,b', false, ',')).toBe('"a,b"');
    expect(quoteCsvValue('a"b', false, ',')).toBe('"a""b"');
    expect(quoteCsvValue('a ', false, ',')).toBe('"a "');
    expect(quoteCsvValue('a|b', false, ',')).toBe('a|b');
    expect(quoteCsvValue('a|b', false, '|')).toBe('"a|b"');
  });

  it('writes rows; nulls are empty and never quoted', () => {
    const s = serde('DELIMITED', [{ name: 'A', type: STRING }, { name: 'B', type: DOUBLE }, { name: 'C', type: decimalType(4, 2) }, { name: 'D', type: BOOLEAN }]);
    expect(out(s.serialize(['x y', 1e7, Decimal.fromString('1.50'), true]))).toBe('x y,1.0E7,1.50,true');
    expect(out(s.serialize([null, null, null, null]))).toBe(',,,');
    expect(out(s.serialize(['', 1, null, false]))).toBe('"",1.0,,false');
    expect(s.serialize(null)).toBeNull();
  });

  it('round-trips strings (property)', () => {
    const s = serde('DELIMITED', [{ name: 'A', type: STRING }, { name: 'B', type: STRING }]);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(!/[\r\n]/.test(a + b));
        expect(s.deserialize(s.serialize([a, b]))).toEqual([a, b]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parsing helpers', () => {
  it('parseCsvRecord takes the first record only', () => {
    expect(parseCsvRecord('\n\na,b\nc', ',')).toEqual(['a', 'b']);
    expect(parseCsvRecord('a,', ',')).toEqual(['a', '']);
    expect(parseCsvRecord('"a\nb",c', ',')).toEqual(['a\nb', 'c']);
    expect(parseCsvRecord('', ',')).toBeNull();
    expect(() => parseCsvRecord('"abc', ',')).toThrow(/EOF/);
  });
  it('parseDelimiter', () => {
    expect(parseDelimiter('TAB')).toBe('\t');
    expect(parseDelimiter('SPACE')).toBe(' ');
    expect(parseDelimiter('|')).toBe('|');
    expect(() => parseDelimiter('<~>')).toThrow("Invalid delimiter value: '<~>'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'");
    expect(() => parseDelimiter(' ')).toThrow("Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'");
    expect(() => parseDelimiter('\t')).toThrow(/Delimiter cannot be empty/);
  });
});
