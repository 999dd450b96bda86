import { describe, expect, it } from 'vitest';
import { BIGINT, BYTES, HEADERS_TYPE, INTEGER, LogicalSchema, STRING, decimalType, isSluiceError, isSystemColumn, quoteIdentifier, structType } from './fixtures.js';

describe('LogicalSchema', () => {
  it('keeps declaration order and prints as ksqlDB', () => {
    const s = LogicalSchema.builder().key('ID', STRING).value('COUNT', BIGINT).header('H', 'k').value('D', decimalType(4, 2)).build();
    expect(s.toString()).toBe("`ID` STRING KEY, `COUNT` BIGINT, `H` BYTES HEADER('k'), `D` DECIMAL(4, 2)");
    expect(s.key.map((c) => c.name)).toEqual(['ID']);
    expect(s.value.map((c) => [c.name, c.index])).toEqual([
      ['COUNT', 0],
      ['D', 1],
    ]);
    expect(s.headers[0]!.type).toEqual(BYTES);
    expect(s.findColumn('D')!.namespace).toBe('VALUE');
  });

  it('prints HEADERS columns and struct types', () => {
    const s = LogicalSchema.builder().value('S', structType([{ name: 'a', type: INTEGER }])).header('HS').build();
    expect(s.toString()).toBe('`S` STRUCT<`a` INTEGER>, `HS` ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>> HEADERS');
    expect(s.headers[0]!.type).toEqual(HEADERS_TYPE);
  });

  it('rejects duplicates with ksqlDB wording', () => {
    let caught: unknown;
    try {
      LogicalSchema.builder().value('A', INTEGER).value('A', STRING).build();
    } catch (e) {
      caught = e;
    }
    expect(isSluiceError(caught)).toBe(true);
    expect((caught as Error).message).toBe('Duplicate value columns found in schema: `A` STRING');
    expect(() => LogicalSchema.builder().header('A').header('B', 'x')).toThrow('Schema already contains a HEADERS column.');
    expect(() => LogicalSchema.builder().header('A', 'x').header('B', 'x')).toThrow("Schema already contains a HEADER('x') column.");
    // the same name may be a key and a value column
    expect(LogicalSchema.builder().key('A', INTEGER).value('A', INTEGER).build().columns).toHaveLength(2);
  });

  it('adds pseudo and key columns to the value (idempotently)', () => {
    const s = LogicalSchema.builder().key('K', STRING).value('V', INTEGER).build();
    const w = s.withPseudoAndKeyColumnsInValue(true);
    expect(w.toString()).toBe(
      '`K` STRING KEY, `V` INTEGER, `ROWTIME` BIGINT, `ROWPARTITION` INTEGER, `ROWOFFSET` BIGINT, `K` STRING, `WINDOWSTART` BIGINT, `WINDOWEND` BIGINT',
    );
    expect(w.withPseudoAndKeyColumnsInValue(true).equals(w)).toBe(true);
    expect(w.withoutPseudoAndKeyColumnsInValue().equals(s)).toBe(true);
    expect(s.withPseudoAndKeyColumnsInValue(false, 0).toString()).toBe('`K` STRING KEY, `V` INTEGER, `ROWTIME` BIGINT, `K` STRING');
  });

  it('system columns and quoting', () => {
    expect(isSystemColumn('ROWTIME')).toBe(true);
    expect(isSystemColumn('WINDOWEND')).toBe(true);
    expect(isSystemColumn('ROWOFFSET', 0)).toBe(false);
    expect(quoteIdentifier('a`b')).toBe('`a``b`');
  });
});
