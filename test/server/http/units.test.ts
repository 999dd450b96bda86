/** Pure pieces of server/http: Accept negotiation, value writing, stream formats, PRINT. */
import { describe, expect, it } from 'vitest';
import { negotiate, DELIMITED, JSON_TYPE, KSQL_V1_JSON, compileRowWriter, columnTypeText, schemaInfo } from '../../../server/http/index.js';
import { streamFormat } from '../../../server/http/query-format.js';
import { formatRowTime, streamTopic } from '../../../server/http/print.js';
import { Decimal, BIGINT, BOOLEAN, BYTES, DATE, DOUBLE, STRING, TIME, TIMESTAMP, arrayType, decimalType, mapType, structType } from '../../../engine/types/index.js';
import { MemoryFileSystem } from '../../../storage/fs/index.js';
import { encodeRecordBatch, openLog } from '../../../storage/log/index.js';

describe('negotiate', () => {
  const produces = [DELIMITED, JSON_TYPE, KSQL_V1_JSON];
  it('picks by q then order; wildcards match the first produced type', () => {
    expect(negotiate(undefined, produces)).toBe(DELIMITED);
    expect(negotiate('*/*', produces)).toBe(DELIMITED);
    expect(negotiate('application/json', produces)).toBe(JSON_TYPE);
    expect(negotiate('application/json;q=0.5, application/vnd.ksql.v1+json', produces)).toBe(KSQL_V1_JSON);
    expect(negotiate('text/plain, application/*;q=0.1', produces)).toBe(DELIMITED);
    expect(negotiate('text/html', produces)).toBeNull();
    expect(negotiate('application/json;q=0', produces)).toBeNull();
  });
});

describe('values', () => {
  it('writes every SQL type as ksqlDB does', () => {
    const write = compileRowWriter([BOOLEAN, BIGINT, DOUBLE, decimalType(4, 2), STRING, BYTES, DATE, TIME, TIMESTAMP, arrayType(DOUBLE), mapType(STRING, BIGINT), structType([{ name: 'A', type: STRING }])]);
    const row = [true, 9007199254740991, 3, Decimal.fromString('10.50'), 'q"', Buffer.from([0, 1]), 19_000, 3_600_000, 1_700_000_000_000, [1.5, null], new Map([['k', 1]]), { A: 'x' }];
    expect(write(row)).toBe('[true,9007199254740991,3.0,10.50,"q\\"","AAE=","2022-01-08","01:00","2023-11-14T22:13:20.000",[1.5,null],{"k":1},{"A":"x"}]');
    expect(write(new Array(12).fill(null))).toBe('[null,null,null,null,null,null,null,null,null,null,null,null]');
    expect(compileRowWriter([DOUBLE])([Number.NaN])).toBe('["NaN"]');
  });
  it('prints column types and schema infos', () => {
    expect(columnTypeText(structType([{ name: 'A', type: STRING }, { name: 'B', type: mapType(STRING, decimalType(10, 2)) }]))).toBe('STRUCT<A STRING, B MAP<STRING, DECIMAL(10, 2)>>');
    expect(schemaInfo(arrayType(decimalType(4, 2)))).toEqual({ type: 'ARRAY', fields: null, memberSchema: { type: 'DECIMAL', fields: null, memberSchema: null, parameters: { precision: 4, scale: 2 } } });
  });
});

describe('stream formats', () => {
  const header = { queryId: 'q', columns: [{ name: 'A', type: STRING }], schemaText: '`A` STRING KEY' };
  it('streamed pull rows hold one row back so the array closes cleanly', () => {
    const f = streamFormat('streamed', true);
    const out = [f.header(header), f.row('["a"]', false), f.row('["b"]', false), f.end(null)].join('');
    expect(JSON.parse(out)).toEqual([{ header: { queryId: 'q', schema: '`A` STRING KEY' } }, { row: { columns: ['a'] } }, { row: { columns: ['b'] } }]);
    const empty = streamFormat('streamed', true);
    expect(JSON.parse(empty.header(header) + empty.end(null))).toHaveLength(1);
  });
  it('streamed push rows flag tombstones; delimited and JSON drop them', () => {
    const f = streamFormat('streamed', false);
    const out = [f.header(header), f.row('["a"]', true), f.error({ '@type': 'generic_error', error_code: 50000, message: 'boom' })].join('');
    expect(JSON.parse(out)).toEqual([
      { header: { queryId: 'q', schema: '`A` STRING KEY' } },
      { row: { columns: ['a'], tombstone: true } },
      { errorMessage: { '@type': 'generic_error', error_code: 50000, message: 'boom' } },
    ]);
    expect(streamFormat('delimited', false).row('["a"]', true)).toBe('');
    const j = streamFormat('json', false);
    expect(JSON.parse(j.header(header) + j.row('["a"]', true) + j.row('["b"]', false) + j.end(null))).toEqual([{ queryId: 'q', columnNames: ['A'], columnTypes: ['STRING'] }, ['b']]);
  });
});

describe('PRINT', () => {
  it('prints every n-th record up to the limit, guessing formats', async () => {
    const log = await openLog({ dataDir: '/d', fs: new MemoryFileSystem(), maintenanceIntervalMs: 0 });
    await log.createTopic('t', { partitions: 1 });
    const int = Buffer.alloc(4);
    int.writeInt32BE(42);
    await log.append('t', 0, encodeRecordBatch([0, 1, 2, 3, 4].map((i) => ({ key: int, value: JSON.stringify({ i }), timestampMs: i }))));
    const lines: string[] = [];
    await streamTopic({ topic: 't', fromBeginning: true, interval: 2, limit: 2 }, { log, readBytesMax: 1 << 20, idleMs: 50, signal: new AbortController().signal, writeLine: async (l) => void lines.push(l) });
    expect(lines).toEqual([
      'Key format: KAFKA_INT',
      'Value format: JSON',
      'rowtime: 1970/01/01 00:00:00.000 Z, key: 42, value: {"i":0}, partition: 0',
      'rowtime: 1970/01/01 00:00:00.002 Z, key: 42, value: {"i":2}, partition: 0',
    ]);
    expect(formatRowTime(-1)).toBe('N/A');
    await log.close();
  });
});
