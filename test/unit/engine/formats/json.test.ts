import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  B,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  Decimal,
  INTEGER,
  STRING,
  TIME,
  TIMESTAMP,
  arrayType,
  decimalType,
  errorOf,
  mapType,
  parseJsonLossless,
  JsonNumber,
  serde,
  structType,
} from './fixtures.js';

import { compileFlatRowParser, compileRowConverter } from '../../../../engine/formats/json.js';

const D = Decimal.fromString;
const out = (b: Buffer | null): string | null => (b === null ? null : b.toString('utf8'));

describe('JSON: reading rows', () => {
  const cols = [
    { name: 'ID', type: BIGINT },
    { name: 'NAME', type: STRING },
    { name: 'Mixed', type: INTEGER },
  ];
  const s = serde('JSON', cols);

  it('finds fields by exact name, then upper-cased name', () => {
    expect(s.deserialize(B('{"ID": 1, "NAME": "a", "Mixed": 3}'))).toEqual([1, 'a', 3]);
    expect(s.deserialize(B('{"id": 1, "name": "a", "mixed": 3}'))).toEqual([1, 'a', null]); // quoted names match exactly only
    expect(s.deserialize(B('{"Id": 2}'))).toEqual([2, null, null]);
    expect(s.deserialize(B('{"ID": 1, "id": 2}'))).toEqual([1, null, null]);
  });

  it('null bytes and a JSON null are no row; extra fields are ignored', () => {
    expect(s.deserialize(null)).toBeNull();
    expect(s.deserialize(B('null'))).toBeNull();
    expect(s.deserialize(B('{"X": 1}'))).toEqual([null, null, null]);
  });

  it('errors carry ksqlDB wording and the path', () => {
    expect(errorOf(() => s.deserialize(B('{"ID": "abc"}')))).toEqual({
      code: 'ENGINE_SERDE',
      message: "Failed to deserialize value from topic: t. Can't coerce string to type. targetType: BIGINT, path: $.ID",
    });
    expect(errorOf(() => s.deserialize(B('{"ID": true}')))!.message).toBe(
      "Failed to deserialize value from topic: t. Can't convert type. sourceType: BooleanNode, requiredType: BIGINT, path: $.ID",
    );
    expect(errorOf(() => s.deserialize(B('[1]')))!.message).toBe(
      "Failed to deserialize value from topic: t. Can't convert type. sourceType: ArrayNode, requiredType: STRUCT<ID BIGINT, NAME VARCHAR, Mixed INT>, path: $",
    );
    expect(errorOf(() => s.deserialize(B('{"ID": 1')))!.code).toBe('ENGINE_SERDE');
    expect(errorOf(() => s.deserialize(B('{"ID": 1')))!.message).toMatch(/^Failed to deserialize value from topic: t\. /);
  });

  it('nested paths', () => {
    const n = serde('JSON', [
      { name: 'A', type: arrayType(structType([{ name: 'X', type: INTEGER }])) },
      { name: 'M', type: mapType(STRING, arrayType(BOOLEAN)) },
    ]);
    expect(errorOf(() => n.deserialize(B('{"A": [{"X": 1}, {"x": "q"}]}')))!.message).toMatch(/targetType: INTEGER, path: \$\.A\[1\]\.X$/);
    expect(errorOf(() => n.deserialize(B('{"M": {"k": [true, 1]}}')))!.message).toMatch(/sourceType: IntNode, requiredType: BOOLEAN, path: \$\.M\.k\.value\[1\]$/);
  });
});

describe('JSON: type coercions (ksqlDB deserializer)', () => {
  const one = (type: Parameters<typeof structType>[0][number]['type'], json: string): unknown => serde('JSON', [{ name: 'V', type }]).deserialize(B(`{"V": ${json}}`))![0];

  it('numbers from numbers and numeric strings', () => {
    expect(one(INTEGER, '12')).toBe(12);
    expect(one(INTEGER, '"12"')).toBe(12);
    expect(one(INTEGER, '1.9')).toBe(1); // intValue() of a DecimalNode
    expect(one(INTEGER, '4294967297')).toBe(1); // intValue() of a LongNode
    expect(one(BIGINT, '"-5"')).toBe(-5);
    expect(one(BIGINT, '12.7')).toBe(12);
    expect(one(DOUBLE, '"1.5"')).toBe(1.5);
    expect(one(DOUBLE, '"NaN"')).toBeNaN(); // Double.parseDouble accepts NaN
    expect(one(DOUBLE, '3')).toBe(3);
    expect(errorOf(() => one(INTEGER, '" 12"'))!.message).toMatch(/Can't coerce string to type. targetType: INTEGER/);
    expect(errorOf(() => one(DOUBLE, '"x"'))!.message).toMatch(/targetType: DOUBLE/);
  });

  it('strings from any scalar, arrays and objects', () => {
    expect(one(STRING, '"a"')).toBe('a');
    expect(one(STRING, '12')).toBe('12');
    expect(one(STRING, '1.5')).toBe('1.5');
    expect(one(STRING, 'true')).toBe('true');
    expect(one(STRING, '[1, "a", null]')).toBe('[1, a, null]');
    expect(one(STRING, '{"a": 1, "b": [true]}')).toBe('{"a":1,"b":[true]}');
  });

  it('booleans only from booleans', () => {
    expect(one(BOOLEAN, 'false')).toBe(false);
    expect(errorOf(() => one(BOOLEAN, '"true"'))!.message).toMatch(/sourceType: TextNode, requiredType: BOOLEAN/);
  });

  it('decimals from numbers or strings, exact fit', () => {
    expect(String(one(decimalType(4, 2), '10.10'))).toBe('10.10');
    expect(String(one(decimalType(6, 4), '10'))).toBe('10.0000');
    expect(String(one(decimalType(4, 2), '"1.5"'))).toBe('1.50');
    expect(String(one(decimalType(33, 16), '12345678987654321.2345678987654321'))).toBe('12345678987654321.2345678987654321');
    expect(String(one(decimalType(21, 19), '10.123451234512345'))).toBe('10.1234512345123450000');
    expect(errorOf(() => one(decimalType(4, 2), '1.234'))!.message).toMatch(/Cannot fit decimal '1.234' into DECIMAL\(4, 2\) without rounding/);
    expect(errorOf(() => one(decimalType(4, 2), '100'))!.message).toMatch(/Numeric field overflow/);
    expect(errorOf(() => one(decimalType(4, 2), 'true'))!.message).toMatch(/requiredType: DECIMAL\(4, 2\)/);
  });

  it('bytes from base64; times from numbers or numeric strings', () => {
    expect((one(BYTES, '"aGVsbG8="') as Buffer).toString()).toBe('hello');
    expect(errorOf(() => one(BYTES, '"%%"'))!.message).toMatch(/Value is not a valid Base64 encoded string: %%/);
    expect(one(DATE, '18628')).toBe(18628);
    expect(one(DATE, '"18628"')).toBe(18628);
    expect(one(TIME, '1000')).toBe(1000);
    expect(errorOf(() => one(TIME, '86400001'))!.message).toMatch(/Time values must use number of milliseconds/);
    expect(one(TIMESTAMP, '"1609459200000"')).toBe(1609459200000);
  });

  it('arrays, maps, structs', () => {
    expect(one(arrayType(STRING), '[1, 2, 3]')).toEqual(['1', '2', '3']); // ksqlDB: anonymous array with coercion
    expect(one(mapType(STRING, INTEGER), '{"a": 1, "b": "2", "c": null}')).toEqual(new Map<string, unknown>([['a', 1], ['b', 2], ['c', null]]));
    expect(one(structType([{ name: 'F1', type: STRING }, { name: 'f2', type: INTEGER }]), '{"f1": "x", "F2": 2}')).toEqual({ F1: 'x', f2: null });
    expect(errorOf(() => one(arrayType(INTEGER), '{"a": 1}'))!.message).toMatch(/sourceType: ObjectNode, requiredType: ARRAY<INT>/);
  });
});

describe('JSON: writing', () => {
  it('rows as objects with Java number forms and scale-keeping decimals', () => {
    const s = serde('JSON', [
      { name: 'I', type: INTEGER },
      { name: 'D', type: DOUBLE },
      { name: 'DEC', type: decimalType(6, 4) },
      { name: 'S', type: STRING },
      { name: 'B', type: BYTES },
      { name: 'T', type: TIMESTAMP },
      { name: 'A', type: arrayType(DOUBLE) },
      { name: 'M', type: mapType(STRING, decimalType(3, 2)) },
      { name: 'ST', type: structType([{ name: 'F0', type: INTEGER }, { name: 'F1', type: BOOLEAN }]) },
    ]);
    const row = [1, 1e7, D('10.0000'), 'q"\n', Buffer.from('hi'), 5, [1, 0.5, null], new Map([['a', D('1.50')]]), { F0: null, F1: true }];
    expect(out(s.serialize(row))).toBe(
      '{"I":1,"D":1.0E7,"DEC":10.0000,"S":"q\\"\\n","B":"aGk=","T":5,"A":[1.0,0.5,null],"M":{"a":1.50},"ST":{"F0":null,"F1":true}}',
    );
    expect(s.deserialize(s.serialize(row))).toEqual(row);
    expect(s.serialize(null)).toBeNull();
    expect(out(s.serialize([null, NaN, null, null, null, null, null, null, null]))).toBe(
      '{"I":null,"D":"NaN","DEC":null,"S":null,"B":null,"T":null,"A":null,"M":null,"ST":null}',
    );
  });

  it("writes doubles as ksqlDB's JDK Double.toString does, large integral ones included (average-udaf.json)", () => {
    const s = serde('JSON', [{ name: 'AVG', type: DOUBLE }]);
    expect(out(s.serialize([2 ** 62]))).toBe('{"AVG":4.6116860184273879E18}');
    expect(out(s.serialize([3.0744573456182584e18]))).toBe('{"AVG":3.0744573456182584E18}');
    expect(out(s.serialize([-1]))).toBe('{"AVG":-1.0}');
  });

  it('unwrapped single values (WRAP_SINGLE_VALUE=false / keys)', () => {
    const u = serde('JSON', [{ name: 'V', type: decimalType(4, 2) }], { features: ['UNWRAP_SINGLES'] });
    expect(u.deserialize(B('10.10'))![0]!.toString()).toBe('10.10');
    expect(u.deserialize(B('null'))).toEqual([null]);
    expect(out(u.serialize([D('99.99')]))).toBe('99.99');
    expect(u.serialize([null])).toBeNull(); // a null single value is a tombstone
    const k = serde('JSON', [{ name: 'K', type: structType([{ name: 'F', type: DOUBLE }]) }], { target: 'key', features: ['UNWRAP_SINGLES'] });
    expect(k.deserialize(B('{"f": 45.67}'))).toEqual([{ F: 45.67 }]);
    expect(out(k.serialize([{ F: 45.67 }]))).toBe('{"F":45.67}');
    const s = serde('JSON', [{ name: 'FOO', type: STRING }], { features: ['UNWRAP_SINGLES'] });
    expect(s.deserialize(B('"bar"'))).toEqual(['bar']);
    const b = serde('JSON', [{ name: 'V', type: BOOLEAN }], { features: ['UNWRAP_SINGLES'] });
    expect(out(b.serialize([true]))).toBe('true');
    const a = serde('JSON', [{ name: 'K', type: arrayType(DOUBLE) }], { target: 'key', features: ['UNWRAP_SINGLES'] });
    expect(out(a.serialize(a.deserialize(B('[10.10]'))))).toBe('[10.1]');
  });

  it('round-trips random rows (property)', () => {
    const s = serde('JSON', [
      { name: 'I', type: INTEGER },
      { name: 'D', type: DOUBLE },
      { name: 'S', type: STRING },
      { name: 'A', type: arrayType(BIGINT) },
    ]);
    fc.assert(
      fc.property(
        fc.option(fc.integer(), { nil: null }),
        fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }),
        fc.option(fc.string(), { nil: null }),
        fc.option(fc.array(fc.option(fc.maxSafeInteger(), { nil: null })), { nil: null }),
        (i, d, str, a) => {
          const row = [i, d === 0 ? 0 : d, str, a];
          expect(s.deserialize(s.serialize(row))).toEqual(row);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('JSON: writing strings', () => {
  it('writes any string as JSON.stringify does (quotes, escapes, surrogates, long text)', () => {
    const s = serde('JSON', [
      { name: 'S', type: STRING },
      { name: 'L', type: arrayType(STRING) },
    ]);
    const text = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\u0001', '\ud83d', '\ude00', '\u00e9'), maxLength: 70 }));
    fc.assert(
      fc.property(text, fc.array(text, { maxLength: 3 }), (value, list) => {
        expect(out(s.serialize([value, list]))).toBe(`{"S":${JSON.stringify(value)},"L":${JSON.stringify(list)}}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('JSON: flat rows read straight from the bytes', () => {
  const upper = [
    { name: 'S', type: STRING },
    { name: 'D', type: DOUBLE },
    { name: 'I', type: INTEGER },
    { name: 'L', type: BIGINT },
    { name: 'B', type: BOOLEAN },
  ];
  const mixedCase = [
    { name: 'S', type: STRING },
    { name: 'd', type: DOUBLE },
  ];
  /** The general path: JSON.parse and the row converter (undefined when it throws). */
  const general = (columns: typeof upper) => {
    const convert = compileRowConverter(columns);
    return (text: string): unknown[] | null | undefined => {
      try {
        const doc: unknown = JSON.parse(text);
        return doc === null ? null : (convert(doc) as unknown[]);
      } catch {
        return undefined;
      }
    };
  };
  const numberText = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.integer().map(String),
    fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
    fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.nat(99999999)).map(([a, b]) => `${a}.${b}`),
    fc.constantFrom('-0', '0', '01', '-', '1.', '.5', '1e3', '1E-2', '-0.0', '123456789012345', '1234567890123456', '0.000000000000001', '2147483648', '9007199254740993'),
  );
  const valueText = fc.oneof(
    numberText,
    fc.string({ maxLength: 12 }).map((t) => JSON.stringify(t)),
    fc.string({ unit: 'binary', maxLength: 6 }).map((t) => JSON.stringify(t)),
    fc.constantFrom('true', 'false', 'null', 'nul', 'tru', '[]', '{}', '[1,2]', '{"S":1}', '"a\\"b"', '"tab\there"'),
  );
  const space = fc.constantFrom('', '', ' ', '\n', '\t ', '\r\n');
  const documents = (keys: readonly string[]) =>
    fc
      .tuple(
        fc.array(fc.tuple(space, fc.constantFrom(...keys).map((k) => JSON.stringify(k)), space, valueText, space), { maxLength: 7 }),
        space,
        fc.constantFrom('', '', '', 'x', ',', '}'),
      )
      .map(([members, lead, tail]) => `${lead}{${members.map(([a, k, b, v, c]) => `${a}${k}${b}:${c}${v}`).join(',')}}${tail}`);

  for (const [label, columns, keys] of [
    ['upper-case columns', upper, ['S', 'D', 'I', 'L', 'B', 'd', 's', 'X', '__proto__', 'S ', 'D\u00e9']],
    ['a lower-case column', mixedCase, ['S', 'd', 'S', 'd', 'D', 's']],
  ] as const) {
    const doc = documents(keys);
    it(`agrees with JSON.parse and the converter whenever it answers (${label})`, () => {
      const flat = compileFlatRowParser(columns)!;
      expect(flat).not.toBeNull();
      const expected = general(columns as typeof upper);
      let answered = 0;
      fc.assert(
        fc.property(doc, (text) => {
          const got = flat(Buffer.from(text, 'utf8'));
          if (got === undefined) return;
          answered++;
          const want = expected(text);
          expect(want).toBeDefined();
          expect(got.length).toBe(columns.length);
          got.forEach((v, i) => expect(Object.is(v, want![i]), `${text} column ${i}: ${String(v)} vs ${String(want![i])}`).toBe(true));
        }),
        { numRuns: 5000 },
      );
      // (documents that fill both columns of the lower-case case are rare: checked by hand below)
      if (columns === upper) expect(answered).toBeGreaterThan(50);
    });
  }

  it('answers the common documents and leaves the rest to the general path', () => {
    const flat = compileFlatRowParser(upper)!;
    expect(flat(B(' {"S":"a b","D":12.34,"I":-7,"L":123456789012345,"B":true} '))).toEqual(['a b', 12.34, -7, 123456789012345, true]);
    expect(flat(B('{"D":null}'))).toEqual([null, null, null, null, null]);
    expect(flat(B('{}'))).toEqual([null, null, null, null, null]);
    for (const text of ['{"S":1}', '{"s":"x"}', '{"S":"\u00e9"}', '{"S":"a\\"b"}', '{"D":1e3}', '{"I":1.5}', '{"S":"x","S":"y"}', '[]', 'null', '{"S":"x"} x', '{"D":01}']) {
      expect(flat(B(text)), text).toBeUndefined();
    }
    const mixed = compileFlatRowParser(mixedCase)!;
    expect(mixed(B('{"d":1.5,"S":"x"}'))).toEqual(['x', 1.5]);
    expect(mixed(B('{"S":"x"}'))).toBeUndefined(); // "d" might be found as "D": the general path decides
    expect(compileFlatRowParser([{ name: 'T', type: TIMESTAMP }])).toBeNull();
    expect(compileFlatRowParser([{ name: 'é', type: STRING }])).toBeNull();
  });

  it('gives the serde the same rows and errors as before', () => {
    const s = serde('JSON', upper);
    expect(s.deserialize(B('{"S":"x","D":0.1,"I":3,"L":-4,"B":false}'))).toEqual(['x', 0.1, 3, -4, false]);
    expect(s.deserialize(B('{"s":"x","D":"0.5"}'))).toEqual(['x', 0.5, null, null, null]);
    expect(errorOf(() => s.deserialize(B('{"S":"x",}')))?.code).toBe('ENGINE_SERDE');
    expect(errorOf(() => s.deserialize(B('{"I":"abc"}')))?.message).toMatch(/path: \$\.I/);
  });
});

describe('JSON: hostile names are safe in generated code', () => {
  const hostile = ['"; throw 1; //', "'", '\\', '`${process.exit(1)}`', '__proto__', 'constructor', 'toString', '\u2028x\u2029', '', 'a.b', '0', 'hasOwnProperty'];
  it('reads and writes them as plain field names', () => {
    const cols = hostile.map((name, i) => ({ name, type: i % 2 === 0 ? INTEGER : STRING }));
    const s = serde('JSON', cols);
    const row = hostile.map((_, i) => (i % 2 === 0 ? i : `v${i}`));
    const bytes = s.serialize(row)!;
    const parsed = JSON.parse(bytes.toString());
    expect(Object.keys(parsed).sort()).toEqual([...hostile].sort());
    const text = bytes.toString();
    const positions = hostile.map((n) => text.indexOf(JSON.stringify(n) + ':'));
    expect(positions).toEqual([...positions].sort((a, b) => a - b)); // written in column order
    expect(s.deserialize(bytes)).toEqual(row);
    expect(s.deserialize(B('{}'))).toEqual(hostile.map(() => null)); // no inherited properties leak in
    const st = serde('JSON', [{ name: 'S', type: structType(cols) }]);
    const struct = Object.fromEntries(hostile.map((n, i) => [n, row[i]]));
    const back = st.deserialize(st.serialize([struct]))![0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    // a struct value missing fields writes nulls, never inherited properties
    expect(JSON.parse(st.serialize([{}])!.toString()).S).toEqual(Object.fromEntries(hostile.map((n) => [n, null])));
    for (const [i, n] of hostile.entries()) expect(Object.prototype.hasOwnProperty.call(back, n) && back[n]).toBe(row[i]);
  });
});

describe('lossless JSON parsing', () => {
  it('keeps float and long literals as text', () => {
    const v = parseJsonLossless('{"a": 1.50, "b": 12, "c": 12345678901234567, "d": [1e2, -0.0], "e": "x\\u0041\\n"}') as Record<string, unknown>;
    expect(v.a).toBeInstanceOf(JsonNumber);
    expect((v.a as JsonNumber).text).toBe('1.50');
    expect(v.b).toBe(12);
    expect((v.c as JsonNumber).text).toBe('12345678901234567');
    expect((v.d as JsonNumber[])[0]!.javaText()).toBe('1E+2');
    expect(v.e).toBe('xA\n');
  });
  it('agrees with JSON.parse on structure and rejects what it rejects', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (j) => {
        const text = JSON.stringify(j);
        const strip = (x: unknown): unknown =>
          x instanceof JsonNumber ? x.value : Array.isArray(x) ? x.map(strip) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, strip(y)])) : x;
        expect(strip(parseJsonLossless(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
    for (const bad of ['', '{', '[1,]', '{"a" 1}', '01', '1.', 'tru', '"\\x"', '{"a":1}x']) expect(() => parseJsonLossless(bad), bad).toThrow();
  });
});
