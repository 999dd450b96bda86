/** Pull queries over a materialized table source (upserts by key, tombstones delete). */
import { describe, expect, it } from 'vitest';
import { QueryRuntime } from '../../../../engine/runtime/index.js';
import { materializedTable } from '../../../../engine/pull/index.js';
import type { QueryPlan, Step, StepSchema } from '../../../../engine/steps/index.js';
import { INT, STRING } from '../expressions/exprs.js';
import { openTestLog, serdes } from '../operators/helpers.js';
import { KAFKA_JSON, registry } from '../aggregate/helpers.js';

const schema: StepSchema = { key: [{ name: 'ID', type: STRING }], value: [{ name: 'V', type: INT }] };

describe('pull queries over a table source', () => {
  it('reads the latest row per key from the store, without tombstoned keys', async () => {
    const { log, clock } = await openTestLog();
    await log.createTopic('input', { partitions: 2 });
    await log.createTopic('output', { partitions: 1 });
    const runtime = new QueryRuntime({ log, clock, serdes, functions: registry, mode: 'deterministic' });
    const source: Step = {
      kind: 'tableSource@1',
      id: 'KsqlTopic/Source',
      schema,
      topic: 'input',
      formats: KAFKA_JSON,
      window: null,
      timestamp: { kind: 'record' },
      headerColumns: [],
      materialize: true,
    };
    const sink: Step = { kind: 'tableSink@1', id: 'OUTPUT', schema, source, topic: 'output', formats: KAFKA_JSON, timestamp: null, windowed: null };
    const plan: QueryPlan = { queryId: 'CTAS_T_1', sink, sourceTopics: ['input'], properties: { 'auto.offset.reset': 'earliest' } };
    await runtime.start(plan);
    const put = (partition: number, key: string, value: string | null, ts: number) =>
      runtime.feed('input', partition, [{ key: Buffer.from(key), value: value === null ? null : Buffer.from(value), timestampMs: ts, headers: [] }]);
    await put(0, 'a', '{"V":1}', 1);
    await put(1, 'b', '{"V":2}', 2);
    await put(0, 'a', '{"V":3}', 3);
    await put(1, 'c', '{"V":4}', 4);
    await put(1, 'b', null, 5);
    const table = materializedTable(runtime, 'CTAS_T_1', { functions: registry });
    expect(table.get(['a'])).toEqual({ key: ['a'], value: [3], window: null, timestampMs: 3 });
    expect(table.get(['b'])).toBe(null);
    expect(table.scan().map((r) => [r.key[0], r.value[0]])).toEqual([
      ['a', 3],
      ['c', 4],
    ]);
    expect(() => materializedTable(runtime, 'NOPE', { functions: registry })).toThrow(/Unknown queryId/);
    // A table is made once per running query (a key lookup must not recompile it), and reads
    // the stores as they are now.
    expect(materializedTable(runtime, 'CTAS_T_1', { functions: registry })).toBe(table);
    expect(materializedTable(runtime, 'CTAS_T_1', { functions: registry, properties: {} })).not.toBe(table);
    await put(0, 'd', '{"V":5}', 6);
    expect(materializedTable(runtime, 'CTAS_T_1', { functions: registry }).get(['d'])?.value).toEqual([5]);
    await runtime.stop('CTAS_T_1');
    await runtime.start(plan);
    const restarted = materializedTable(runtime, 'CTAS_T_1', { functions: registry });
    expect(restarted).not.toBe(table);
    await put(0, 'e', '{"V":6}', 7);
    expect(restarted.get(['e'])?.value).toEqual([6]);
    await runtime.close();
  });
});
