import { describe, expect, it } from 'vitest';
import { FunctionRegistry, type ScalarFunction } from '../../../../engine/functions/index.js';
import { isSluiceError } from '../../../../common/index.js';
import {
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DOUBLE,
  INTEGER,
  STRING,
  arrayType,
  decimalType,
  mapType,
  structType,
  type SqlType,
} from '../../../../engine/types/index.js';
import { decType, errorOf, lambdaArg, registry, resolve } from './helpers.js';

describe('function lookup', () => {
  it('finds functions by case-insensitive name', () => {
    expect(registry.getScalar('ucase')?.name).toBe('UCASE');
    expect(registry.isPresent('Substring')).toBe(true);
    expect(resolve('uCaSe', [STRING]).returnType).toEqual(STRING);
  });

  it("reports an unknown function with ksqlDB's wording", () => {
    const message = errorOf(() => resolve('foo', [STRING]));
    expect(message).toBe("Can't find any functions with the name 'foo'");
    try {
      resolve('foo', []);
    } catch (e) {
      expect(isSluiceError(e, 'ENGINE_FUNCTION_NOT_FOUND')).toBe(true);
    }
  });

  it('refuses duplicate and invalid names', () => {
    const r = new FunctionRegistry();
    const fn: ScalarFunction = { name: 'X', description: '', category: 'OTHER', overloads: [{ params: [], returns: STRING, implementation: () => 'x' }] };
    r.registerScalar(fn);
    expect(errorOf(() => r.registerScalar({ ...fn, name: 'x' }))).toContain('already registered');
    expect(errorOf(() => r.registerScalar({ ...fn, name: 'not-valid' }))).toContain('is not a valid function name');
  });
});

describe('exact matches', () => {
  it('picks the overload with the same types', () => {
    const call = resolve('SUBSTRING', [STRING, INTEGER]);
    expect(call.returnType).toEqual(STRING);
    expect(call.arguments.map((a) => a.needsCast)).toEqual([false, false]);
    expect(resolve('SUBSTRING', [BYTES, INTEGER, INTEGER]).returnType).toEqual(BYTES);
    expect(resolve('ABS', [INTEGER]).returnType).toEqual(INTEGER);
    expect(resolve('ABS', [BIGINT]).returnType).toEqual(BIGINT);
  });

  it('prefers an exact match to one needing casts', () => {
    expect(resolve('GREATEST', [INTEGER, INTEGER, INTEGER]).returnType).toEqual(INTEGER);
    expect(resolve('LOG', [INTEGER, INTEGER]).arguments.every((a) => !a.needsCast)).toBe(true);
  });

  it('lets a NULL literal match any parameter', () => {
    const call = resolve('GREATEST', [INTEGER, INTEGER, null, INTEGER]);
    expect(call.returnType).toEqual(INTEGER);
    expect(call.arguments[2]).toMatchObject({ type: null, expectedType: INTEGER, needsCast: false });
    expect(resolve('CONCAT', [STRING, null, STRING]).returnType).toEqual(STRING);
    expect(resolve('ARRAY_LENGTH', [null]).returnType).toEqual(INTEGER);
  });
});

describe('implicit casts', () => {
  it('widens numbers when no overload matches exactly', () => {
    const call = resolve('SQRT', [decType(5, 2)]);
    expect(call.returnType).toEqual(DOUBLE);
    expect(call.arguments[0]).toMatchObject({ type: decType(5, 2), expectedType: DOUBLE, needsCast: true });
    const geo = resolve('GEO_DISTANCE', [INTEGER, BIGINT, DOUBLE, INTEGER]);
    expect(geo.arguments.map((a) => a.expectedType)).toEqual([DOUBLE, DOUBLE, DOUBLE, DOUBLE]);
    expect(geo.arguments.map((a) => a.needsCast)).toEqual([true, true, false, true]);
  });

  it('never narrows', () => {
    expect(errorOf(() => resolve('SUBSTRING', [STRING, BIGINT]))).toContain("Function 'substring' does not accept parameters (STRING, BIGINT).");
  });

  it('casts STRING to DATE/TIME/TIMESTAMP and BYTES', () => {
    const call = resolve('GREATEST', [DATE, DATE, null, STRING]);
    expect(call.returnType).toEqual(DATE);
    expect(call.arguments[3]).toMatchObject({ expectedType: DATE, needsCast: true });
    const concat = resolve('CONCAT', [BYTES, STRING]);
    expect(concat.returnType).toEqual(BYTES);
    expect(concat.arguments[1]).toMatchObject({ expectedType: BYTES, needsCast: true });
  });

  it('casts INT and BIGINT to DECIMAL(10, 0) and DECIMAL(19, 0) for a DECIMAL parameter', () => {
    const r = new FunctionRegistry();
    r.registerScalar({
      name: 'DEC_ONLY',
      description: '',
      category: 'OTHER',
      overloads: [{ params: [{ kind: 'ANY_DECIMAL' }], returns: (types) => types[0] ?? STRING, implementation: (d) => d }],
    });
    expect(r.resolveScalar('DEC_ONLY', [INTEGER]).arguments[0]!.expectedType).toEqual(decimalType(10, 0));
    expect(r.resolveScalar('DEC_ONLY', [BIGINT]).arguments[0]!.expectedType).toEqual(decimalType(19, 0));
  });

  it('casts element-wise inside ARRAY and MAP', () => {
    const call = resolve('ENTRIES', [mapType(STRING, decType(4, 2)), BOOLEAN]);
    expect(call.arguments[0]).toMatchObject({ expectedType: mapType(STRING, DOUBLE), needsCast: true });
    expect(call.returnType).toEqual(arrayType(structType([
      { name: 'K', type: STRING },
      { name: 'V', type: DOUBLE },
    ])));
  });

  it('is ambiguous when several widened overloads rank equal (ksqlDB has no "nearest" widening)', () => {
    expect(errorOf(() => resolve('GREATEST', [INTEGER, BIGINT]))).toContain(
      "Function 'greatest' cannot be resolved due to ambiguous method parameters (INTEGER, BIGINT).",
    );
    expect(errorOf(() => resolve('GREATEST', [INTEGER, BIGINT, decType(50, 30)]))).toContain(
      'ambiguous method parameters (INTEGER, BIGINT, DECIMAL(50, 30)).',
    );
    expect(resolve('GREATEST', [INTEGER, BIGINT, decType(30, 18), DOUBLE, null]).returnType).toEqual(DOUBLE);
    const message = errorOf(() => resolve('GREATEST', [null, null, null, null]));
    expect(message).toContain("Function 'greatest' cannot be resolved due to ambiguous method parameters (null, null, null, null).");
    expect(message).toContain('Use CAST() to explicitly cast your parameters to one of the supported function calls.');
  });
});

describe('errors', () => {
  it('lists the valid alternatives', () => {
    const message = errorOf(() => resolve('GREATEST', [STRING, INTEGER]));
    expect(message).toContain("Function 'greatest' does not accept parameters (STRING, INTEGER).");
    expect(message).toContain('Valid alternatives are:\nGREATEST(INT val, INT... vals)');
    expect(message).toContain('GREATEST(VARCHAR val, VARCHAR... vals)');
    expect(message).toContain('GREATEST(DECIMAL val, DECIMAL... vals)');
    expect(message).toMatch(/For detailed information on a function run: DESCRIBE FUNCTION <Function-Name>;$/);
  });

  it('reports no arguments as ()', () => {
    expect(errorOf(() => resolve('GREATEST', []))).toContain("Function 'greatest' does not accept parameters ().");
    expect(errorOf(() => resolve('COALESCE', []))).toContain("Function 'COALESCE' does not accept parameters ()");
  });

  it("names the date/time functions as ksqlDB declares them (lower case)", () => {
    expect(errorOf(() => resolve('DATEADD', [STRING, INTEGER, STRING, INTEGER]))).toContain("Function 'dateadd' does not accept parameters");
    expect(errorOf(() => resolve('TIMESUB', [BOOLEAN]))).toContain("Function 'timesub' does not accept parameters (BOOLEAN).");
    expect(errorOf(() => resolve('TIMESTAMPSUB', [BOOLEAN]))).toContain("Function 'timestampsub' does not accept parameters (BOOLEAN).");
    expect(errorOf(() => resolve('PARSE_DATE', [BOOLEAN]))).toContain("Function 'parse_date' does not accept parameters (BOOLEAN).");
  });

  it('prints struct and decimal argument types as ksqlDB does', () => {
    const struct = structType([{ name: 'A', type: INTEGER }]);
    expect(errorOf(() => resolve('UCASE', [struct]))).toContain('does not accept parameters (STRUCT<A INTEGER>).');
    expect(errorOf(() => resolve('UCASE', [decType(5, 1)]))).toContain('does not accept parameters (DECIMAL(5, 1)).');
  });
});

describe('generics', () => {
  it('binds T from ARRAY<T> and returns the bound type', () => {
    expect(resolve('ARRAY_DISTINCT', [arrayType(decType(4, 2))]).returnType).toEqual(arrayType(decType(4, 2)));
    expect(resolve('ARRAY_MAX', [arrayType(STRING)]).returnType).toEqual(STRING);
    expect(resolve('MAP_VALUES', [mapType(STRING, arrayType(INTEGER))]).returnType).toEqual(arrayType(arrayType(INTEGER)));
    expect(resolve('AS_MAP', [arrayType(STRING), arrayType(BOOLEAN)]).returnType).toEqual(mapType(STRING, BOOLEAN));
  });

  it('requires every occurrence of a generic to bind to the same type (no casts through generics)', () => {
    expect(resolve('ARRAY_CONTAINS', [arrayType(STRING), STRING]).returnType).toEqual(BOOLEAN);
    expect(errorOf(() => resolve('ARRAY_CONTAINS', [arrayType(BIGINT), INTEGER]))).toContain(
      "Function 'ARRAY_CONTAINS' does not accept parameters (ARRAY<BIGINT>, INTEGER).",
    );
    expect(errorOf(() => resolve('ARRAY_REMOVE', [arrayType(decType(4, 2)), decType(5, 2)]))).toContain('does not accept parameters');
  });

  it('types NULL literals from the bound generic', () => {
    const call = resolve('IFNULL', [INTEGER, null]);
    expect(call.returnType).toEqual(INTEGER);
    expect(call.arguments[1]!.expectedType).toEqual(INTEGER);
    expect(resolve('COALESCE', [null, STRING, null]).returnType).toEqual(STRING);
    expect(errorOf(() => resolve('COALESCE', [null, null]))).toContain('Could not find mapping for generic type: T');
  });

  it('supports variadic generics', () => {
    expect(resolve('COALESCE', [arrayType(INTEGER), arrayType(INTEGER), arrayType(INTEGER)]).returnType).toEqual(arrayType(INTEGER));
    expect(errorOf(() => resolve('COALESCE', [INTEGER, STRING]))).toContain("Function 'COALESCE' does not accept parameters (INTEGER, STRING).");
  });
});

describe('variadics', () => {
  it('accepts zero or more trailing arguments', () => {
    expect(resolve('CONCAT', [STRING]).returnType).toEqual(STRING);
    expect(resolve('CONCAT', [STRING, STRING, STRING, STRING]).returnType).toEqual(STRING);
    expect(resolve('ELT', [INTEGER]).returnType).toEqual(STRING);
    expect(resolve('ELT', [INTEGER, STRING, STRING]).returnType).toEqual(STRING);
    expect(resolve('JSON_CONCAT', [STRING, STRING, STRING]).returnType).toEqual(STRING);
  });

  it('keeps the first registered overload when equal candidates line up identically (CONCAT())', () => {
    expect(resolve('CONCAT', []).returnType).toEqual(STRING);
  });

  it('prefers a non-variadic overload, then more parameters, then fewer generics', () => {
    const r = new FunctionRegistry();
    const impl = (...a: unknown[]) => a.length;
    r.registerScalar({
      name: 'PICK',
      description: '',
      category: 'OTHER',
      overloads: [
        { params: [STRING], variadic: true, returns: { kind: 'ARRAY', element: STRING }, implementation: impl },
        { params: [STRING, STRING], returns: STRING, implementation: impl },
        { params: [{ kind: 'GENERIC', name: 'T' }, STRING], returns: INTEGER, implementation: impl },
        { params: [STRING, STRING], variadic: true, returns: BIGINT, implementation: impl },
      ],
    });
    expect(r.resolveScalar('PICK', [STRING, STRING]).returnType).toEqual(STRING);
    expect(r.resolveScalar('PICK', [null, STRING]).returnType).toEqual(STRING);
    expect(r.resolveScalar('PICK', [STRING, STRING, STRING]).returnType).toEqual(BIGINT);
    expect(r.resolveScalar('PICK', [STRING]).returnType).toEqual(BIGINT);
    expect(r.resolveScalar('PICK', [INTEGER, STRING]).returnType).toEqual(INTEGER);
  });
});

describe('lambdas', () => {
  it('types lambda parameters from the bound generics and returns the body type', () => {
    const seen: [number, readonly SqlType[]][] = [];
    const call = resolve('TRANSFORM', [arrayType(INTEGER), lambdaArg(1)], (i, params) => {
      seen.push([i, params]);
      return STRING;
    });
    expect(seen).toEqual([[1, [INTEGER]]]);
    expect(call.returnType).toEqual(arrayType(STRING));
    expect(call.arguments[1]!.lambda).toEqual({ parameterTypes: [INTEGER], returnType: STRING });
  });

  it('handles map lambdas with two bodies', () => {
    const call = resolve('TRANSFORM', [mapType(STRING, arrayType(INTEGER)), lambdaArg(2), lambdaArg(2)], (i, params) => {
      expect(params).toEqual([STRING, arrayType(INTEGER)]);
      return i === 1 ? STRING : INTEGER;
    });
    expect(call.returnType).toEqual(mapType(STRING, INTEGER));
  });

  it('chooses the overload by lambda arity', () => {
    expect(resolve('FILTER', [mapType(STRING, INTEGER), lambdaArg(2)], () => BOOLEAN).returnType).toEqual(mapType(STRING, INTEGER));
    expect(errorOf(() => resolve('FILTER', [arrayType(INTEGER), lambdaArg(2)], () => BOOLEAN))).toContain(
      "Function 'filter' does not accept parameters (ARRAY<INTEGER>, LAMBDA).",
    );
  });

  it('binds REDUCE state from the initial value', () => {
    const call = resolve('REDUCE', [arrayType(INTEGER), BIGINT, lambdaArg(2)], (_, params) => {
      expect(params).toEqual([BIGINT, INTEGER]);
      return BIGINT;
    });
    expect(call.returnType).toEqual(BIGINT);
  });

  it('rejects a lambda body of the wrong type', () => {
    expect(errorOf(() => resolve('FILTER', [arrayType(INTEGER), lambdaArg(1)], () => INTEGER))).toBe(
      'Cannot infer generics for LAMBDA (T) => BOOLEAN from LAMBDA (INTEGER) => INTEGER because they do not have the same schema structure.',
    );
    expect(errorOf(() => resolve('REDUCE', [arrayType(INTEGER), INTEGER, lambdaArg(2)], () => BIGINT))).toBe(
      'Found invalid instance of generic schema when mapping LAMBDA (S, T) => S to LAMBDA (INTEGER, INTEGER) => BIGINT. Cannot map S to both INTEGER and BIGINT',
    );
  });

  it('cannot type a lambda over an untyped NULL', () => {
    expect(errorOf(() => resolve('TRANSFORM', [null, lambdaArg(1)], () => INTEGER))).toContain('Could not resolve type for generic T.');
  });
});

describe('result types from schema providers', () => {
  it('computes decimal precision and scale as ksqlDB does', () => {
    expect(resolve('ROUND', [decType(33, 16)]).returnType).toEqual(decType(17, 0));
    expect(resolve('ROUND', [decType(33, 16), INTEGER]).returnType).toEqual(decType(33, 16));
    expect(resolve('TRUNC', [decType(5, 2)]).returnType).toEqual(decType(3, 0));
    expect(resolve('ABS', [decType(5, 1)]).returnType).toEqual(decType(5, 1));
    expect(resolve('CEIL', [decType(9, 3)]).returnType).toEqual(decType(9, 3));
    expect(resolve('GREATEST', [decType(9, 2), decType(7, 6)]).returnType).toEqual(decType(13, 6));
    expect(resolve('LEAST', [decType(9, 3), null, decType(9, 3)]).returnType).toEqual(decType(9, 3));
  });

  it('gives ROUND/TRUNC of DOUBLE a BIGINT, and with decimal places a DOUBLE', () => {
    expect(resolve('ROUND', [DOUBLE]).returnType).toEqual(BIGINT);
    expect(resolve('ROUND', [INTEGER]).returnType).toEqual(BIGINT);
    expect(resolve('ROUND', [DOUBLE, INTEGER]).returnType).toEqual(DOUBLE);
    expect(resolve('TRUNC', [INTEGER]).returnType).toEqual(BIGINT);
  });
});
