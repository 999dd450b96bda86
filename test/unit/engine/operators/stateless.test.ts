import { describe, expect, it } from 'vitest';
import { compileExpression, type Expr } from '../../../../engine/expressions/index.js';
import { FilterOperator, FlatMapOperator, SelectKeyOperator, SelectOperator, makeRecord } from '../../../../engine/operators/index.js';
import { BOOLEAN, INT, STRING, arith, arr, call, cmp, k, lit, testFunctions, v } from '../expressions/exprs.js';
import { tableFunctions, testProcessingLog } from './helpers.js';

const options = { functions: testFunctions(), functionContext: { nowMs: () => 0, properties: {} } };

describe('filter', () => {
  const predicate = compileExpression(cmp('>', arith('/', lit(INT, 100), v(0, INT), INT), lit(INT, 10)), options);

  it('keeps rows whose predicate is TRUE; an error counts as false and is logged', () => {
    const { log, sink } = testProcessingLog();
    const filter = new FilterOperator(predicate, false, log.forStep('WhereFilter'));
    const records = [makeRecord([1], [1]), makeRecord([2], [50]), makeRecord([3], [0]), makeRecord([4], null), makeRecord([5], [null])];
    const out = filter.process(records);
    expect(out.map((r) => r.key[0])).toEqual([1]);
    expect(sink.entries).toHaveLength(1);
    expect(sink.entries[0]!.message.recordProcessingError?.errorMessage).toBe('Error evaluating predicate ((100 / V0) > 10)');
    expect(sink.entries[0]!.message.recordProcessingError?.cause).toEqual(['/ by zero']);
  });

  it('turns rows that do not pass into tombstones for tables', () => {
    const { log } = testProcessingLog();
    const filter = new FilterOperator(predicate, true, log.forStep('WhereFilter'));
    const out = filter.process([makeRecord([1], [1]), makeRecord([2], [50]), makeRecord([3], null)]);
    expect(out.map((r) => [r.key[0], r.value])).toEqual([
      [1, [1]],
      [2, null],
      [3, null],
    ]);
  });
});

describe('select', () => {
  it('computes new key and value columns; a failing column is null and the row is kept', () => {
    const { log, sink } = testProcessingLog();
    const select = new SelectOperator(
      [{ name: 'ID', expression: k(0, INT) }],
      [
        { name: 'UPPER', expression: call('UCASE', STRING, v(0, STRING)) },
        { name: 'BAD', expression: call('BOOM', STRING) },
        { name: 'K2', expression: arith('*', k(0, INT), lit(INT, 2), INT) },
      ],
      1,
      options,
      log.forStep('Project'),
    );
    const out = select.process([makeRecord([3], ['abc']), makeRecord([4], null)]);
    expect(out.map((r) => [r.key, r.value])).toEqual([
      [[3], ['ABC', null, 6]],
      [[4], null],
    ]);
    expect(sink.entries[0]!.message.recordProcessingError?.errorMessage).toBe('Error computing expression BOOM() for column BAD with index 1');
  });

  it('computes the key from the input, not from the new value', () => {
    const { log } = testProcessingLog();
    const select = new SelectOperator([{ name: 'K', expression: v(0, INT) }], [{ name: 'V', expression: k(0, INT) }], 1, options, log.forStep('Project'));
    const out = select.process([makeRecord([1], [2])]);
    expect([out[0]!.key, out[0]!.value]).toEqual([[2], [1]]);
  });
});

describe('flatMap', () => {
  it('zips table function results, padding shorter lists with null', () => {
    const { log } = testProcessingLog();
    const flatMap = new FlatMapOperator(
      [{ name: 'ID', expression: v(0, INT) }],
      [
        { functionName: 'EXPLODE', overloadIndex: 0, args: [v(1, arr(INT))], resultType: INT },
        { functionName: 'EXPLODE', overloadIndex: 0, args: [v(2, arr(STRING))], resultType: STRING },
      ],
      tableFunctions,
      options,
      log.forStep('FlatMap'),
    );
    const out = flatMap.process([makeRecord(['k'], [1, [10, 20, 30], ['a']], { timestampMs: 7 }), makeRecord(['j'], [2, [], []]), makeRecord(['n'], null)]);
    expect(out.map((r) => [r.key, r.value, r.timestampMs])).toEqual([
      [['k'], [1, 10, 'a'], 7],
      [['k'], [1, 20, null], 7],
      [['k'], [1, 30, null], 7],
    ]);
  });

  it('logs a table function returning null and emits nothing for it', () => {
    const { log, sink } = testProcessingLog();
    const flatMap = new FlatMapOperator([], [{ functionName: 'BAD_TF', overloadIndex: 0, args: [], resultType: INT }], tableFunctions, options, log.forStep('FlatMap'));
    expect(flatMap.process([makeRecord([], [1])])).toEqual([]);
    expect(sink.entries[0]!.message.recordProcessingError?.errorMessage).toContain('Table function BAD_TF returned null');
  });
});

describe('selectKey', () => {
  it('re-keys and keeps the old key in the value when asked', () => {
    const { log } = testProcessingLog();
    const selectKey = new SelectKeyOperator([v(0, STRING)], 1, true, options, log.forStep('PartitionBy'));
    const out = selectKey.process([makeRecord([1], ['a', true]), makeRecord([2], null)]);
    expect(out.map((r) => [r.key, r.value])).toEqual([
      [['a'], ['a', true, 1]],
      [[null], null],
    ]);
  });

  it('gives null for an expression over more than key columns when the record has no value (null.json, partition-by.json)', () => {
    const { log } = testProcessingLog();
    const rowtime: Expr = { kind: 'column', type: INT, source: { kind: 'ROWTIME' }, name: 'ROWTIME' };
    const isNull: Expr = { kind: 'isNull', type: BOOLEAN, operand: v(0, STRING), negated: false };
    const selectKey = new SelectKeyOperator([isNull, rowtime, k(0, INT)], 3, false, options, log.forStep('PartitionBy'));
    const out = selectKey.process([makeRecord([7], null, { timestampMs: 12 }), makeRecord([8], [null], { timestampMs: 13 })]);
    expect(out.map((r) => r.key)).toEqual([
      [null, null, 7],
      [true, 13, 8],
    ]);
  });

  it('drops the key for PARTITION BY NULL', () => {
    const { log } = testProcessingLog();
    const selectKey = new SelectKeyOperator([{ kind: 'null', type: STRING }], 0, false, options, log.forStep('PartitionBy'));
    expect(selectKey.process([makeRecord([1], ['a'])])[0]!.key).toEqual([]);
  });

  it('gives a null key column when its expression fails', () => {
    const { log, sink } = testProcessingLog();
    const selectKey = new SelectKeyOperator([call('BOOM', STRING)], 1, false, options, log.forStep('PartitionBy'));
    expect(selectKey.process([makeRecord([1], ['a'])])[0]!.key).toEqual([null]);
    expect(sink.entries[0]!.message.recordProcessingError?.errorMessage).toBe('Error computing new key from expression BOOM()');
    void BOOLEAN;
  });
});
