import { describe, expect, it } from 'vitest';
import { compileExpression, compileProjection, type Expr } from '../../../../engine/expressions/index.js';
import { makeRecord } from '../../../../engine/operators/index.js';
import { Decimal } from '../../../../engine/types/index.js';
import {
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  INT,
  STRING,
  TIMESTAMP,
  and,
  arith,
  arr,
  call,
  cmp,
  dec,
  k,
  lit,
  map,
  not,
  nul,
  or,
  struct,
  testFunctions,
  v,
} from './exprs.js';

const functions = testFunctions();
const options = { functions, functionContext: { nowMs: () => 4242, properties: {} } };

function evaluate(expr: Expr, value: unknown[] | null = [], key: unknown[] = []): unknown {
  return compileExpression(expr, options).evaluate(makeRecord(key, value, { timestampMs: 1000, partition: 3, offset: 77 }));
}

describe('columns and pseudo-columns', () => {
  it('reads key, value and metadata', () => {
    expect(evaluate(v(1, STRING), [1, 'b'])).toBe('b');
    expect(evaluate(k(0, INT), [], [7])).toBe(7);
    expect(evaluate({ kind: 'column', type: BIGINT, source: { kind: 'ROWTIME' }, name: 'ROWTIME' })).toBe(1000);
    expect(evaluate({ kind: 'column', type: INT, source: { kind: 'ROWPARTITION' }, name: 'ROWPARTITION' })).toBe(3);
    expect(evaluate({ kind: 'column', type: BIGINT, source: { kind: 'ROWOFFSET' }, name: 'ROWOFFSET' })).toBe(77);
    expect(evaluate({ kind: 'column', type: BIGINT, source: { kind: 'WINDOWSTART' }, name: 'WINDOWSTART' })).toBe(null);
  });

  it('reads null for value columns of a record without a value', () => {
    expect(evaluate(v(0, STRING), null)).toBe(null);
  });

  it('reads headers', () => {
    const record = makeRecord([], [], {
      headers: [
        { key: 'a', value: Buffer.from('1') },
        { key: 'a', value: Buffer.from('2') },
      ],
    });
    const one = compileExpression({ kind: 'column', type: BYTES, source: { kind: 'HEADER', headerKey: 'a' }, name: 'H' }, options);
    expect((one.evaluate(record) as Buffer).toString()).toBe('2');
    const all = compileExpression({ kind: 'column', type: arr(struct([['KEY', STRING], ['VALUE', BYTES]])), source: { kind: 'HEADERS' }, name: 'HS' }, options);
    expect((all.evaluate(record) as unknown[]).length).toBe(2);
  });
});

describe('arithmetic', () => {
  it('wraps INT to 32 bits like Java', () => {
    expect(evaluate(arith('+', v(0, INT), v(1, INT), INT), [2147483647, 1])).toBe(-2147483648);
    expect(evaluate(arith('*', v(0, INT), v(1, INT), INT), [65536, 65536])).toBe(0);
    expect(evaluate(arith('-', v(0, INT), v(1, INT), INT), [-2147483648, 1])).toBe(2147483647);
    expect(evaluate({ kind: 'negate', type: INT, operand: v(0, INT) }, [-2147483648])).toBe(-2147483648);
  });

  it('truncates integer division and keeps the dividend sign for remainders', () => {
    expect(evaluate(arith('/', v(0, INT), v(1, INT), INT), [7, 2])).toBe(3);
    expect(evaluate(arith('/', v(0, INT), v(1, INT), INT), [-7, 2])).toBe(-3);
    expect(evaluate(arith('%', v(0, INT), v(1, INT), INT), [-7, 2])).toBe(-1);
    expect(Object.is(evaluate(arith('%', v(0, INT), v(1, INT), INT), [-4, 2]), 0)).toBe(true);
    expect(evaluate(arith('/', v(0, INT), v(1, INT), INT), [-2147483648, -1])).toBe(-2147483648);
    expect(evaluate(arith('/', v(0, BIGINT), v(1, BIGINT), BIGINT), [-7, 2])).toBe(-3);
    expect(Object.is(evaluate(arith('/', v(0, BIGINT), v(1, BIGINT), BIGINT), [-1, 2]), 0)).toBe(true);
  });

  it('throws `/ by zero` for integer division by zero, like Java', () => {
    expect(() => evaluate(arith('/', v(0, INT), v(1, INT), INT), [1, 0])).toThrow('/ by zero');
    expect(() => evaluate(arith('%', v(0, BIGINT), v(1, BIGINT), BIGINT), [1, 0])).toThrow('/ by zero');
  });

  it('follows IEEE for DOUBLE', () => {
    expect(evaluate(arith('/', v(0, DOUBLE), v(1, DOUBLE), DOUBLE), [1, 0])).toBe(Infinity);
    expect(Number.isNaN(evaluate(arith('/', v(0, DOUBLE), v(1, DOUBLE), DOUBLE), [0, 0]))).toBe(true);
    expect(evaluate(arith('+', v(0, INT), v(1, DOUBLE), DOUBLE), [1, 0.5])).toBe(1.5);
  });

  it('propagates null', () => {
    expect(evaluate(arith('+', v(0, INT), v(1, INT), INT), [null, 1])).toBe(null);
    expect(evaluate(arith('/', v(0, INT), v(1, INT), INT), [1, null])).toBe(null);
    expect(evaluate({ kind: 'negate', type: BIGINT, operand: v(0, BIGINT) }, [null])).toBe(null);
  });

  it('computes DECIMAL exactly with the result scale', () => {
    const a = Decimal.fromString('10.01');
    const b = Decimal.fromString('5.1');
    const sum = evaluate(arith('+', v(0, dec(4, 2)), v(1, dec(4, 2)), dec(5, 2)), [a, Decimal.fromString('5.10')]) as Decimal;
    expect(sum.toString()).toBe('15.11');
    const product = evaluate(arith('*', v(0, dec(4, 2)), v(1, dec(4, 2)), dec(9, 4)), [a, b]) as Decimal;
    expect(product.toString()).toBe('51.0510');
    const quotient = evaluate(arith('/', v(0, dec(4, 2)), v(1, dec(4, 2)), dec(11, 7)), [Decimal.fromString('10.10'), Decimal.fromString('2.00')]) as Decimal;
    expect(quotient.toString()).toBe('5.0500000');
    const withInt = evaluate(arith('+', v(0, dec(4, 2)), v(1, INT), dec(13, 2)), [a, 5]) as Decimal;
    expect(withInt.toString()).toBe('15.01');
    expect(() => evaluate(arith('/', v(0, dec(4, 2)), v(1, dec(4, 2)), dec(11, 7)), [a, Decimal.fromString('0.00')])).toThrow();
    // a DECIMAL operand of a DOUBLE result is converted to double
    expect(evaluate(arith('+', v(0, dec(4, 2)), v(1, DOUBLE), DOUBLE), [a, 5.1])).toBeCloseTo(15.11, 10);
    expect((evaluate({ kind: 'negate', type: dec(4, 2), operand: v(0, dec(4, 2)) }, [a]) as Decimal).toString()).toBe('-10.01');
  });

  it("concatenates strings with Java's `+` (null prints null)", () => {
    expect(evaluate(arith('+', v(0, STRING), lit(STRING, '-x'), STRING), ['a'])).toBe('a-x');
    expect(evaluate(arith('+', v(0, STRING), lit(STRING, '-x'), STRING), [null])).toBe('null-x');
  });
});

describe('comparison', () => {
  it('is false (never null) when an operand is null', () => {
    expect(evaluate(cmp('=', v(0, INT), v(1, INT)), [null, 1])).toBe(false);
    expect(evaluate(cmp('<>', v(0, INT), v(1, INT)), [null, 1])).toBe(false);
    expect(evaluate(cmp('=', v(0, INT), v(1, INT)), [null, null])).toBe(false);
    expect(evaluate(not(cmp('=', v(0, INT), v(1, INT))), [null, 1])).toBe(true);
  });

  it('handles IS [NOT] DISTINCT FROM null-safely', () => {
    const distinct = cmp('IS DISTINCT FROM', v(0, INT), v(1, INT));
    expect(evaluate(distinct, [1, 1])).toBe(false);
    expect(evaluate(distinct, [1, 2])).toBe(true);
    expect(evaluate(distinct, [null, 2])).toBe(true);
    expect(evaluate(distinct, [null, null])).toBe(false);
    expect(evaluate(cmp('IS NOT DISTINCT FROM', v(0, INT), v(1, INT)), [null, null])).toBe(true);
  });

  it('compares across numeric types and decimals by value', () => {
    expect(evaluate(cmp('<', v(0, INT), v(1, DOUBLE)), [1, 1.5])).toBe(true);
    expect(evaluate(cmp('=', v(0, dec(4, 2)), v(1, dec(5, 3))), [Decimal.fromString('10.01'), Decimal.fromString('10.010')])).toBe(true);
    expect(evaluate(cmp('<', v(0, dec(4, 2)), v(1, INT)), [Decimal.fromString('10.01'), 12])).toBe(true);
    expect(evaluate(cmp('>', v(0, dec(4, 2)), v(1, DOUBLE)), [Decimal.fromString('0.10'), 0.1])).toBe(false);
    expect(evaluate(cmp('<>', v(0, DOUBLE), v(1, DOUBLE)), [NaN, NaN])).toBe(false);
  });

  it("compares strings as Java's compareTo (UTF-16 code units)", () => {
    expect(evaluate(cmp('<', v(0, STRING), v(1, STRING)), ['B', 'a'])).toBe(true);
    expect(evaluate(cmp('>', v(0, STRING), v(1, STRING)), ['\uffff', '\u{1F600}'])).toBe(true);
    expect(evaluate(cmp('=', v(0, STRING), lit(STRING, 'x')), ['x'])).toBe(true);
  });

  it('compares time types with strings', () => {
    expect(evaluate(cmp('>=', v(0, TIMESTAMP), lit(STRING, '1970-01-01T00:00:01')), [1000])).toBe(true);
    expect(evaluate(cmp('<', v(0, TIMESTAMP), lit(STRING, '1970-01-01T00:00:01')), [1000])).toBe(false);
    expect(evaluate(cmp('=', v(0, DATE), v(1, TIMESTAMP)), [1, 86_400_000])).toBe(true);
  });

  it('compares structured values for equality', () => {
    const t = arr(INT);
    expect(evaluate(cmp('=', v(0, t), v(1, t)), [[1, null], [1, null]])).toBe(true);
    expect(evaluate(cmp('<>', v(0, t), v(1, t)), [[1, 2], [1]])).toBe(true);
    const s = struct([['A', INT]]);
    expect(evaluate(cmp('=', v(0, s), v(1, s)), [{ A: 1 }, { A: 1 }])).toBe(true);
  });
});

describe('logic', () => {
  const p = v(0, BOOLEAN);
  const q = v(1, BOOLEAN);
  it('uses three-valued AND/OR/NOT', () => {
    expect(evaluate(and(p, q), [null, false])).toBe(false);
    expect(evaluate(and(p, q), [null, true])).toBe(null);
    expect(evaluate(and(p, q), [true, true])).toBe(true);
    expect(evaluate(or(p, q), [null, true])).toBe(true);
    expect(evaluate(or(p, q), [null, false])).toBe(null);
    expect(evaluate(or(p, q), [false, false])).toBe(false);
    expect(evaluate(not(p), [null])).toBe(null);
    expect(evaluate(not(p), [false])).toBe(true);
  });

  it('short-circuits', () => {
    expect(evaluate(and(lit(BOOLEAN, false), call('BOOM', BOOLEAN)))).toBe(false);
    expect(evaluate(or(lit(BOOLEAN, true), call('BOOM', BOOLEAN)))).toBe(true);
    expect(() => evaluate(and(lit(BOOLEAN, true), call('BOOM', BOOLEAN)))).toThrow('boom!');
  });

  it('evaluates IS NULL, BETWEEN, IN', () => {
    expect(evaluate({ kind: 'isNull', type: BOOLEAN, operand: v(0, INT), negated: false }, [null])).toBe(true);
    expect(evaluate({ kind: 'isNull', type: BOOLEAN, operand: v(0, INT), negated: true }, [null])).toBe(false);
    const between = (negated: boolean): Expr => ({ kind: 'between', type: BOOLEAN, operand: v(0, INT), low: lit(INT, 2), high: lit(INT, 4), negated });
    expect([1, 2, 3, 4, 5, null].map((x) => evaluate(between(false), [x]))).toEqual([false, true, true, true, false, false]);
    expect(evaluate(between(true), [5])).toBe(true);
    const inList = (list: Expr[], negated = false): Expr => ({ kind: 'in', type: BOOLEAN, operand: v(0, INT), list, negated });
    expect(evaluate(inList([lit(INT, 1), lit(INT, 2)]), [2])).toBe(true);
    expect(evaluate(inList([lit(INT, 1), lit(INT, 2)]), [3])).toBe(false);
    expect(evaluate(inList([lit(INT, 1), lit(INT, 2)]), [null])).toBe(false);
    expect(evaluate(inList([lit(INT, 11), nul(INT), v(1, INT)]), [10, 10])).toBe(true);
    expect(evaluate(inList([lit(INT, 11), nul(INT), v(1, INT)]), [10, null])).toBe(false);
    expect(evaluate(inList([lit(INT, 11), v(1, INT)], true), [10, 3])).toBe(true);
    expect(evaluate({ kind: 'in', type: BOOLEAN, operand: v(0, dec(4, 2)), list: [lit(dec(3, 1), '5.1')], negated: false }, [Decimal.fromString('5.10')])).toBe(true);
    expect(evaluate({ kind: 'in', type: BOOLEAN, operand: v(0, arr(INT)), list: [{ kind: 'createArray', type: arr(INT), elements: [lit(INT, 3), nul(INT)] }], negated: false }, [[3, null]])).toBe(true);
  });
});

describe('LIKE', () => {
  const like = (pattern: Expr, escape: string | null = null, negated = false): Expr => ({ kind: 'like', type: BOOLEAN, operand: v(0, STRING), pattern, escape, negated });
  it('matches % and _ over the whole string', () => {
    expect(evaluate(like(lit(STRING, '%foo%')), ['barfoobaz'])).toBe(true);
    expect(evaluate(like(lit(STRING, 'f_o')), ['foo'])).toBe(true);
    expect(evaluate(like(lit(STRING, 'f_o')), ['fooo'])).toBe(false);
    expect(evaluate(like(lit(STRING, 'a.c')), ['abc'])).toBe(false);
    expect(evaluate(like(lit(STRING, '(x)+[y]')), ['(x)+[y]'])).toBe(true);
    expect(evaluate(like(lit(STRING, '%')), ['a\nb'])).toBe(false);
    expect(evaluate(like(lit(STRING, '%not%'), null, true), ['this one'])).toBe(true);
    expect(evaluate(like(lit(STRING, '_')), ['\u{1F600}'])).toBe(true);
  });
  it('supports ESCAPE and per-row patterns', () => {
    expect(evaluate(like(v(1, STRING), '!'), ['%', '!%'])).toBe(true);
    expect(evaluate(like(v(1, STRING), '!'), ['x', '!%'])).toBe(false);
    expect(evaluate(like(lit(STRING, '100!%'), '!'), ['100%'])).toBe(true);
    expect(() => evaluate(like(v(1, STRING), '!'), ['x', 'ab!'])).toThrow('must not end with escape');
  });
  it('is null when an operand is null', () => {
    expect(evaluate(like(lit(STRING, '%')), [null])).toBe(null);
    expect(evaluate(like(v(1, STRING)), ['a', null])).toBe(null);
  });
});

describe('CASE and CAST', () => {
  it('picks the first TRUE condition lazily (null is not true)', () => {
    const expr: Expr = {
      kind: 'case',
      type: INT,
      whens: [
        { condition: cmp('=', v(0, INT), lit(INT, 0)), result: lit(INT, 0) },
        { condition: v(1, BOOLEAN), result: lit(INT, 1) },
      ],
      otherwise: arith('/', lit(INT, 10), v(0, INT), INT),
    };
    expect(evaluate(expr, [0, null])).toBe(0);
    expect(evaluate(expr, [5, true])).toBe(1);
    expect(evaluate(expr, [5, null])).toBe(2);
    expect(evaluate({ ...expr, otherwise: null } as Expr, [5, null])).toBe(null);
  });

  it('casts through the engine/types rules', () => {
    expect(evaluate({ kind: 'cast', type: INT, operand: v(0, STRING) }, ['42'])).toBe(42);
    expect(evaluate({ kind: 'cast', type: STRING, operand: v(0, DOUBLE) }, [1e7])).toBe('1.0E7');
    expect(evaluate({ kind: 'cast', type: STRING, operand: v(0, DOUBLE) }, [null])).toBe(null);
    expect(() => evaluate({ kind: 'cast', type: INT, operand: v(0, STRING) }, ['abc'])).toThrow();
    expect((evaluate({ kind: 'cast', type: dec(4, 2), operand: v(0, INT) }, [3]) as Decimal).toString()).toBe('3.00');
  });
});

describe('structures', () => {
  it('dereferences structs null-safely', () => {
    const t = struct([['Person', struct([['Name', STRING]])]]);
    const name: Expr = { kind: 'dereference', type: STRING, field: 'Name', operand: { kind: 'dereference', type: struct([['Name', STRING]]), field: 'Person', operand: v(0, t) } };
    expect(evaluate(name, [{ Person: { Name: 'George' } }])).toBe('George');
    expect(evaluate(name, [{ Person: null }])).toBe(null);
    expect(evaluate(name, [null])).toBe(null);
    expect(evaluate({ kind: 'dereference', type: STRING, field: 'constructor', operand: v(0, struct([['constructor', STRING]])) }, [{}])).toBe(null);
  });

  it('subscripts arrays 1-based, negative from the end, out of range null', () => {
    const at = (i: number | null): Expr => ({ kind: 'subscript', type: INT, operand: v(0, arr(INT)), index: i === null ? nul(INT) : lit(INT, i) });
    expect(evaluate(at(1), [[10, 20, 30]])).toBe(10);
    expect(evaluate(at(3), [[10, 20, 30]])).toBe(30);
    expect(evaluate(at(-1), [[10, 20, 30]])).toBe(30);
    expect(evaluate(at(-3), [[10, 20, 30]])).toBe(10);
    expect(evaluate(at(0), [[10, 20, 30]])).toBe(null);
    expect(evaluate(at(4), [[10, 20, 30]])).toBe(null);
    expect(evaluate(at(-4), [[10, 20, 30]])).toBe(null);
    expect(evaluate(at(null), [[10]])).toBe(null);
    expect(evaluate(at(1), [null])).toBe(null);
  });

  it('subscripts maps, missing keys null', () => {
    const get = (key: string): Expr => ({ kind: 'subscript', type: INT, operand: v(0, map(STRING, INT)), index: lit(STRING, key) });
    expect(evaluate(get('a'), [new Map([['a', 1]])])).toBe(1);
    expect(evaluate(get('b'), [new Map([['a', 1]])])).toBe(null);
    expect(evaluate(get('a'), [null])).toBe(null);
  });

  it('builds arrays, maps and structs', () => {
    expect(evaluate({ kind: 'createArray', type: arr(INT), elements: [v(0, INT), lit(INT, 2), nul(INT)] }, [1])).toEqual([1, 2, null]);
    expect(evaluate({ kind: 'createMap', type: map(STRING, INT), entries: [{ key: lit(STRING, 'a'), value: v(0, INT) }] }, [5])).toEqual(new Map([['a', 5]]));
    const s = evaluate({ kind: 'createStruct', type: struct([['A', INT], ['b c', STRING]]), fields: [{ name: 'A', value: v(0, INT) }, { name: 'b c', value: lit(STRING, 'x') }] }, [5]);
    expect(s).toEqual({ A: 5, 'b c': 'x' });
    expect(Object.keys(s as object)).toEqual(['A', 'b c']);
  });
});

describe('functions and lambdas', () => {
  it('calls the overload with evaluated arguments', () => {
    expect(evaluate(call('UCASE', STRING, v(0, STRING)), ['abc'])).toBe('ABC');
    expect(evaluate(call('LEN', INT, call('UCASE', STRING, v(0, STRING))), ['abcd'])).toBe(4);
    expect(evaluate(call('UNDEF', STRING))).toBe(null);
  });

  it('passes the FunctionContext first when the overload needs it', () => {
    expect(evaluate(call('NOW_MS', BIGINT))).toBe(4242);
  });

  it('passes lambdas as JS functions, with their variables bound', () => {
    const lambda: Expr = { kind: 'lambda', type: INT, params: ['x'], body: arith('*', { kind: 'lambdaVariable', type: INT, name: 'x' }, lit(INT, 2), INT) };
    expect(evaluate(call('TRANSFORM', arr(INT), v(0, arr(INT)), lambda), [[1, 2, 3]])).toEqual([2, 4, 6]);
    // a lambda reading a column is built per row
    const withColumn: Expr = { kind: 'lambda', type: INT, params: ['x'], body: arith('+', { kind: 'lambdaVariable', type: INT, name: 'x' }, v(1, INT), INT) };
    expect(evaluate(call('TRANSFORM', arr(INT), v(0, arr(INT)), withColumn), [[1, 2], 10])).toEqual([11, 12]);
    const reduce: Expr = {
      kind: 'lambda',
      type: INT,
      params: ['s', 'x'],
      body: arith('+', { kind: 'lambdaVariable', type: INT, name: 's' }, { kind: 'lambdaVariable', type: INT, name: 'x' }, INT),
    };
    expect(evaluate(call('REDUCE', INT, v(0, arr(INT)), lit(INT, 0), reduce), [[1, 2, 3]])).toBe(6);
  });

  it('binds nested lambdas with shadowing', () => {
    // TRANSFORM(a, x => TRANSFORM(x, x => x + 1)) over ARRAY<ARRAY<INT>>
    const inner: Expr = { kind: 'lambda', type: INT, params: ['x'], body: arith('+', { kind: 'lambdaVariable', type: INT, name: 'x' }, lit(INT, 1), INT) };
    const outer: Expr = { kind: 'lambda', type: arr(INT), params: ['x'], body: call('TRANSFORM', arr(INT), { kind: 'lambdaVariable', type: arr(INT), name: 'x' }, inner) };
    expect(evaluate(call('TRANSFORM', arr(arr(INT)), v(0, arr(arr(INT))), outer), [[[1], [2, 3]]])).toEqual([[2], [3, 4]]);
  });

  it('lets function errors propagate to the caller', () => {
    expect(() => evaluate(call('BOOM', STRING))).toThrow('boom!');
  });
});

describe('generated code is safe with hostile names and literals', () => {
  const hostile = ["a'b", 'x"); process.exit(1); //', '`${process.exit(1)}`', '__proto__', '\u2028\u2029', '\\', '*/ throw 1; /*'];
  it('quotes struct fields, literals and column names', () => {
    for (const name of hostile) {
      const t = struct([[name, STRING]]);
      const read: Expr = { kind: 'dereference', type: STRING, field: name, operand: v(0, t, name) };
      const value = Object.defineProperty({}, name, { value: 'ok', enumerable: true });
      expect(evaluate(read, [value])).toBe('ok');
      expect(evaluate(lit(STRING, name))).toBe(name);
      const built = evaluate({ kind: 'createStruct', type: t, fields: [{ name, value: lit(STRING, name) }] }, []);
      expect(Object.getOwnPropertyDescriptor(built, name)?.value).toBe(name);
      expect(Object.getPrototypeOf(built)).toBe(Object.prototype);
      expect(evaluate({ kind: 'like', type: BOOLEAN, operand: v(0, STRING, name), pattern: lit(STRING, name), escape: null, negated: false }, [name])).toBe(true);
      const lambda: Expr = { kind: 'lambda', type: STRING, params: [name], body: { kind: 'lambdaVariable', type: STRING, name } };
      expect(evaluate(call('TRANSFORM', arr(STRING), v(0, arr(STRING)), lambda), [['q']])).toEqual(['q']);
    }
  });

  it('rejects non-integer column indexes', () => {
    expect(() => compileExpression({ kind: 'column', type: INT, source: { kind: 'VALUE', index: '0]; process.exit(1); [' as unknown as number }, name: 'x' }, options)).toThrow(
      'non-negative integer',
    );
  });

  it('never interpolates a function name or a header key', () => {
    const source = compileExpression({ kind: 'column', type: BYTES, source: { kind: 'HEADER', headerKey: "'); process.exit(1); //" }, name: 'x' }, options).source;
    expect(source).not.toContain('process.exit');
  });
});

describe('projection', () => {
  it('evaluates all columns in one call; a failing column is null and reported', () => {
    const errors: Array<[number, string]> = [];
    const projection = compileProjection([v(0, STRING), call('BOOM', STRING), arith('/', v(1, INT), lit(INT, 0), INT), call('UCASE', STRING, v(0, STRING))], options, (i, e) =>
      errors.push([i, (e as Error).message]),
    );
    expect(projection.evaluate(makeRecord([], ['a', 1]))).toEqual(['a', null, null, 'A']);
    expect(errors).toEqual([
      [1, 'boom!'],
      [2, '/ by zero'],
    ]);
    expect(projection.texts[2]).toBe('(V1 / 0)');
  });
});

describe('nested errors (ksql.nested.error.set.null)', () => {
  const boom = call('BOOM', INT);
  it('null only the failing array item, map entry or struct field', () => {
    expect(evaluate({ kind: 'createArray', type: arr(INT), elements: [lit(INT, 44), boom] })).toEqual([44, null]);
    expect(evaluate({ kind: 'createMap', type: map(STRING, INT), entries: [{ key: lit(STRING, 'boo'), value: boom }, { key: lit(STRING, 'shoe'), value: lit(INT, 3) }] })).toEqual(
      new Map<string, unknown>([
        ['boo', null],
        ['shoe', 3],
      ]),
    );
    expect(evaluate({ kind: 'createStruct', type: struct([['F1', STRING], ['F2', INT]]), fields: [{ name: 'F1', value: lit(STRING, 'moo') }, { name: 'F2', value: boom }] })).toEqual({
      F1: 'moo',
      F2: null,
    });
  });

  it('pass null on for a function argument that is a failing call, and for a nested CAST', () => {
    // COALESCE(parse_date(bad), ...) in null.json: the inner call's failure is a null argument
    expect(evaluate(call('LEN', INT, call('BOOM', STRING)))).toBe(null);
    const failingCast: Expr = { kind: 'cast', type: INT, operand: v(0, STRING) };
    expect(evaluate({ kind: 'createArray', type: arr(INT), elements: [failingCast, lit(INT, 1)] }, ['abc'])).toEqual([null, 1]);
    // a CAST that is the whole expression still fails (the column is null and reported)
    expect(() => evaluate(failingCast, ['abc'])).toThrow();
  });

  it('throw for arithmetic on null inside a lambda (Java unboxing), failing the whole call', () => {
    const plusFive: Expr = { kind: 'lambda', type: INT, params: ['x'], body: arith('+', { kind: 'lambdaVariable', type: INT, name: 'x' }, lit(INT, 5), INT) };
    const transform = call('TRANSFORM', arr(INT), v(0, arr(INT)), plusFive);
    expect(evaluate(transform, [[3, 6]])).toEqual([8, 11]);
    expect(() => evaluate(transform, [[5, null]])).toThrow('NullPointerException');
    const errors: number[] = [];
    const projection = compileProjection([transform], options, (i) => errors.push(i));
    expect(projection.evaluate(makeRecord([], [[5, null]]))).toEqual([null]);
    expect(errors).toEqual([0]);
    // outside lambdas arithmetic still propagates null
    expect(evaluate(arith('+', v(0, INT), lit(INT, 5), INT), [null])).toBe(null);
  });
});
