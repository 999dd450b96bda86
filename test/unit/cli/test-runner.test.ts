import { describe, expect, it } from 'vitest';
import { parseLenientJson, NumberText, stringifyTree } from '../../../cli/test-runner/lenient-json.js';
import {
  JavaBigDecimal,
  JavaDouble,
  JavaInteger,
  JavaLong,
  javaDoubleText,
  parseBigDecimal,
  typedJson,
  valueMatches,
} from '../../../cli/test-runner/java-values.js';
import { expandTests, splitStatementsLoosely } from '../../../cli/test-runner/corpus.js';
import { matchInterleaved, type ActualRecord } from '../../../cli/test-runner/compare.js';
import { deserializeTestValue, serializeTestValue, unwrapWindowedKey, wrapWindowedKey } from '../../../cli/test-runner/test-serde.js';
import { skipReason } from '../../../cli/test-runner/runner.js';
import { BIGINT, DOUBLE, INTEGER, STRING } from '../../../engine/types/index.js';

describe('lenient JSON', () => {
  it('keeps number text, accepts comments and trailing commas', () => {
    const tree = parseLenientJson('{ // c\n "a": 1.50, /* x */ "b": [1, 2,], }') as Record<string, unknown>;
    expect(tree['a']).toBeInstanceOf(NumberText);
    expect((tree['a'] as NumberText).text).toBe('1.50');
    expect(stringifyTree(tree as never)).toBe('{"a":1.50,"b":[1,2]}');
  });
  it('rejects garbage with a line number', () => {
    expect(() => parseLenientJson('{\n"a": }')).toThrow(/line 2/);
  });
});

describe('Java-typed comparison', () => {
  it('compares decimals with their scale', () => {
    expect(valueMatches(parseBigDecimal('1.50'), new NumberText('1.50'))).toBe(true);
    expect(valueMatches(parseBigDecimal('1.5'), new NumberText('1.50'))).toBe(false);
    expect(valueMatches(parseBigDecimal('1'), new NumberText('1'))).toBe(true);
    expect(valueMatches(parseBigDecimal('1.0'), new NumberText('1'))).toBe(false);
  });
  it('compares integers by value, doubles within 1e-6', () => {
    expect(valueMatches(new JavaInteger(3), new NumberText('3'))).toBe(true);
    expect(valueMatches(new JavaLong(3n), new NumberText('3'))).toBe(true);
    expect(valueMatches(new JavaDouble(0.1 + 0.2), new NumberText('0.3'))).toBe(true);
    expect(valueMatches(new JavaInteger(3), new NumberText('4'))).toBe(false);
  });
  it('matches struct fields by name then upper-cased name, and sizes', () => {
    const actual = typedJson(parseLenientJson('{"A": 1, "B": "x"}'), true);
    expect(valueMatches(actual, parseLenientJson('{"a": 1, "B": "x"}'))).toBe(true);
    expect(valueMatches(actual, parseLenientJson('{"a": 1}'))).toBe(false);
  });
  it("prints doubles as Java's Double.toString", () => {
    expect(javaDoubleText(1)).toBe('1.0');
    expect(javaDoubleText(1e7)).toBe('1.0E7');
    expect(javaDoubleText(0.0001)).toBe('1.0E-4');
    expect(new JavaBigDecimal(-5n, 3).toString()).toBe('-0.005');
  });
});

describe('test cases', () => {
  it('expands format and config as ksqlDB does', () => {
    const cases = expandTests(
      'x.json',
      parseLenientJson(`{"tests": [{"name": "t", "format": ["JSON", "DELIMITED"], "config": ["true", "false"],
        "properties": {"p": "{CONFIG}"}, "statements": ["CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='{FORMAT}');"],
        "inputs": [{"topic": "t", "value": 1}], "outputs": []}]}`),
    );
    expect(cases.map((c) => c.name)).toEqual([
      'x - t - JSON - p=true',
      'x - t - JSON - p=false',
      'x - t - DELIMITED - p=true',
      'x - t - DELIMITED - p=false',
    ]);
    expect(cases[2]!.statements[0]).toContain("value_format='DELIMITED'");
    expect(cases[1]!.properties['p']).toBe('false');
  });
  it('skips formats the in-process runner cannot serialize, with the reason', () => {
    const [avro] = expandTests('y.json', parseLenientJson(`{"tests": [{"name": "a", "statements": ["CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='AVRO');"], "inputs": [{"topic": "t", "value": {}}]}]}`));
    expect(skipReason(avro!)).toMatch(/AVRO/);
  });
  it('splits scripts at top-level semicolons', () => {
    expect(splitStatementsLoosely("SELECT ';' FROM x; -- a;b\nSHOW STREAMS;")).toEqual(["SELECT ';' FROM x;", 'SHOW STREAMS;']);
  });
});

describe('test serdes', () => {
  it('writes and reads KAFKA primitives', () => {
    const int = serializeTestValue('KAFKA', new NumberText('7'), [{ type: INTEGER }])!;
    expect(int.readInt32BE(0)).toBe(7);
    const long = serializeTestValue('KAFKA', new NumberText('7'), [{ type: BIGINT }])!;
    expect(deserializeTestValue('KAFKA', long, [{ type: BIGINT }], true)).toEqual(new JavaInteger(7));
    const double = serializeTestValue('KAFKA', new NumberText('10000000'), [{ type: DOUBLE }])!;
    expect(deserializeTestValue('KAFKA', double, [{ type: DOUBLE }], true)).toEqual(new JavaBigDecimal(10n, -6));
    expect(() => serializeTestValue('KAFKA', 'x', [{ type: INTEGER }])).toThrow();
    expect(deserializeTestValue('KAFKA', Buffer.from('hi'), [{ type: STRING }], true)).toBe('hi');
  });
  it('wraps and unwraps windowed keys', () => {
    const session = wrapWindowedKey(Buffer.from('k'), { start: 10, end: 20, type: 'SESSION' });
    expect(unwrapWindowedKey(session, 'SESSION')).toEqual({ inner: Buffer.from('k'), window: { type: 'SESSION', start: 10n, end: 20n } });
    const time = wrapWindowedKey(Buffer.from('k'), { start: 10, end: 20, type: 'TIME' });
    expect(unwrapWindowedKey(time, 'TUMBLING').window).toEqual({ type: 'TIME', start: 10n, end: null });
  });
});

describe('interleaved matching', () => {
  const record = (partition: number, offset: number, value: number): ActualRecord => ({
    partition, offset, key: null, value: new JavaInteger(value), timestampMs: 0, window: null, headers: [],
  });
  const expected = (value: number) => ({ topic: 't', key: undefined, value: new NumberText(String(value)), timestamp: null, window: null, headers: null });
  it('accepts any interleaving of the partitions, and no other order', () => {
    const actual = [record(0, 0, 1), record(1, 0, 2), record(0, 1, 3)];
    expect(matchInterleaved('t', [expected(2), expected(1), expected(3)], actual, false)).toBeNull();
    expect(matchInterleaved('t', [expected(3), expected(1), expected(2)], actual, false)).toMatch(/expected record 0/);
    expect(matchInterleaved('t', [expected(1)], actual, false)).toMatch(/expected 1 records but got 3/);
  });
});
