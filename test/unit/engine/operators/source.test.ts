import { describe, expect, it } from 'vitest';
import { encodeRecordBatch } from '../../../../storage/log/index.js';
import { SourceOperator, compileTimestampExtractor, type EngineRecord, type SourceOptions } from '../../../../engine/operators/index.js';
import type { SqlType } from '../../../../engine/types/index.js';
import { serdes, testProcessingLog } from './helpers.js';

const STRING: SqlType = { kind: 'STRING' };
const BIGINT: SqlType = { kind: 'BIGINT' };
const BYTES: SqlType = { kind: 'BYTES' };

function source(overrides: Partial<SourceOptions> & { valueColumns?: Array<{ name: string; type: SqlType }> } = {}) {
  const processing = testProcessingLog();
  const valueColumns = overrides.valueColumns ?? [
    { name: 'NAME', type: STRING },
    { name: 'TS', type: BIGINT },
  ];
  const operator = new SourceOperator({
    topic: 'in',
    keySerde: serdes.create({ topic: 'in', target: 'key', format: 'KAFKA', properties: {}, columns: [{ name: 'ID', type: STRING }] }),
    valueSerde: serdes.create({ topic: 'in', target: 'value', format: 'JSON', properties: {}, columns: valueColumns }),
    keyColumnCount: 1,
    valueColumnCount: valueColumns.length,
    headerColumns: [],
    table: false,
    window: null,
    timestamp: null,
    failOnInvalidTimestamp: false,
    log: processing.log.forStep('KsqlTopic/Source'),
    ...overrides,
  });
  return { operator, processing };
}

function run(operator: SourceOperator, batches: Buffer[], fromOffset = 0, partition = 0): { records: EngineRecord[]; nextOffset: number } {
  const decoded = operator.decode(batches, fromOffset);
  const records: EngineRecord[] = [];
  operator.convert(decoded.records, partition, records);
  return { records, nextOffset: decoded.nextOffset };
}

function batch(baseOffset: number, records: Array<{ key?: string | Buffer | null; value?: string | null; timestampMs?: number; headers?: Array<{ key: string; value: string }> }>): Buffer {
  return encodeRecordBatch(
    records.map((r) => ({ key: r.key ?? null, value: r.value ?? null, timestampMs: r.timestampMs ?? 5, headers: r.headers ?? [] })),
    { baseOffset },
  );
}

describe('source operator', () => {
  it('decodes key, value, timestamp, partition and offset; skips records before the start offset', () => {
    const { operator } = source();
    const { records, nextOffset } = run(
      operator,
      [
        batch(10, [
          { key: 'a', value: '{"NAME":"x","TS":1}', timestampMs: 100 },
          { key: 'b', value: '{"NAME":"y","TS":2}', timestampMs: 101 },
          { key: null, value: null, timestampMs: 102 },
        ]),
      ],
      11,
      2,
    );
    expect(nextOffset).toBe(13);
    expect(records.map((r) => [r.key, r.value, r.timestampMs, r.partition, r.offset])).toEqual([
      [['b'], ['y', 2], 101, 2, 11],
      [[null], null, 102, 2, 12],
    ]);
  });

  it('logs records that do not deserialize and goes on', () => {
    const { operator, processing } = source();
    const { records } = run(operator, [batch(0, [{ key: 'a', value: '{not json' }, { key: 'b', value: '{"NAME":"ok"}' }])]);
    expect(records.map((r) => r.key[0])).toEqual(['b']);
    expect(processing.sink.entries).toHaveLength(1);
    const entry = processing.sink.entries[0]!;
    expect(entry.logger).toBe('processing.Q1.KsqlTopic/Source');
    expect(entry.message.type).toBe(0);
    expect(entry.message.deserializationError?.target).toBe('value');
    expect(entry.message.deserializationError?.topic).toBe('in');
    expect(processing.log.errors.list()).toHaveLength(1);
  });

  it('skips records without a key for tables, keeping tombstones', () => {
    const { operator } = source({ table: true });
    const { records } = run(operator, [batch(0, [{ key: null, value: '{"NAME":"x"}' }, { key: 'k', value: null }])]);
    expect(records.map((r) => [r.key, r.value])).toEqual([[['k'], null]]);
  });

  it('puts header columns in their value positions', () => {
    const { operator } = source({
      valueColumns: [{ name: 'NAME', type: STRING }],
      valueColumnCount: 3,
      headerColumns: [
        { valueIndex: 0, headerKey: 'h' },
        { valueIndex: 2, headerKey: null },
      ],
    });
    const { records } = run(operator, [
      batch(0, [
        {
          key: 'k',
          value: '{"NAME":"x"}',
          headers: [
            { key: 'h', value: '1' },
            { key: 'h', value: '2' },
          ],
        },
      ]),
    ]);
    const value = records[0]!.value!;
    expect((value[0] as Buffer).toString()).toBe('2');
    expect(value[1]).toBe('x');
    expect((value[2] as Array<{ KEY: string }>).map((h) => h.KEY)).toEqual(['h', 'h']);
    expect(records[0]!.headers).toHaveLength(2);
  });

  it('strips time and session windows from keys', () => {
    const start = Buffer.alloc(8);
    start.writeBigInt64BE(1000n);
    const tumbling = source({ window: { kind: 'TUMBLING', sizeMs: 500 } }).operator;
    const r1 = run(tumbling, [batch(0, [{ key: Buffer.concat([Buffer.from('k'), start]), value: '{}' }])]).records[0]!;
    expect(r1.key).toEqual(['k']);
    expect(r1.window).toEqual({ startMs: 1000, endMs: 1500 });
    const end = Buffer.alloc(8);
    end.writeBigInt64BE(3000n);
    const session = source({ window: { kind: 'SESSION', sizeMs: null } }).operator;
    const r2 = run(session, [batch(0, [{ key: Buffer.concat([Buffer.from('k'), end, start]), value: '{}' }])]).records[0]!;
    expect(r2.window).toEqual({ startMs: 1000, endMs: 3000 });
  });

  it('extracts timestamps from a column; a failure is logged and the record skipped', () => {
    const timestamp = compileTimestampExtractor(
      { kind: 'column', column: { name: 'TS', type: BIGINT }, source: 'VALUE', index: 1, format: null },
      null,
    );
    const { operator, processing } = source({ timestamp });
    const { records } = run(operator, [batch(0, [{ key: 'a', value: '{"NAME":"x","TS":42}' }, { key: 'b', value: '{"NAME":"y"}' }])]);
    expect(records.map((r) => r.timestampMs)).toEqual([42]);
    expect(processing.sink.entries[0]!.message.recordProcessingError?.errorMessage).toBe('Failed to extract timestamp from row');
  });

  it('parses STRING timestamps and fails the query when asked to', () => {
    const timestamp = compileTimestampExtractor({ kind: 'column', column: { name: 'NAME', type: STRING }, source: 'VALUE', index: 0, format: null }, null);
    const lenient = source({ timestamp }).operator;
    expect(run(lenient, [batch(0, [{ key: 'a', value: '{"NAME":"1970-01-01T00:00:01"}' }])]).records[0]!.timestampMs).toBe(1000);
    const strict = source({ timestamp, failOnInvalidTimestamp: true }).operator;
    expect(() => run(strict, [batch(0, [{ key: 'a', value: '{"NAME":"!!!"}' }])])).toThrow('Fatal user code error in TimestampExtractor callback for record');
  });

  it('skips control batches but moves past them', () => {
    const { operator } = source();
    const control = encodeRecordBatch([{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }], { baseOffset: 0, control: true, transactional: true });
    const { records, nextOffset } = run(operator, [control, batch(1, [{ key: 'a', value: '{}' }])]);
    expect(records.map((r) => r.offset)).toEqual([1]);
    expect(nextOffset).toBe(2);
  });

  it('reads a BYTES header column as null when the header is missing', () => {
    const { operator } = source({ valueColumns: [], valueColumnCount: 1, headerColumns: [{ valueIndex: 0, headerKey: 'missing' }] });
    void BYTES;
    const { records } = run(operator, [batch(0, [{ key: 'a', value: '{}' }])]);
    expect(records[0]!.value).toEqual([null]);
  });
});
