/** Aggregations through the runtime, deterministic mode, over a real log with JSON formats. */
import { describe, expect, it } from 'vitest';
import { QueryRuntime } from '../../../../engine/runtime/index.js';
import { materializedTable } from '../../../../engine/pull/index.js';
import { TimeWindowedAggregateOperator, SessionAggregateOperator, type Operator } from '../../../../engine/operators/index.js';
import type { QueryPlan, StepSchema } from '../../../../engine/steps/index.js';
import { BIGINT, INT, STRING, cmp, lit, v, k } from '../expressions/exprs.js';
import { openTestLog, serdes } from '../operators/helpers.js';
import { ROWTIME, aggregatePlan, readRaw, registry, sessionWindowedKey, timeWindowedKey } from './helpers.js';
import type { Log } from '../../../../storage/log/index.js';

const STREAM: StepSchema = { key: [{ name: 'ID', type: STRING }], value: [{ name: 'REGION', type: STRING }, { name: 'V', type: INT }] };

async function setup(partitions = 1): Promise<{ log: Log; runtime: QueryRuntime }> {
  const { log, clock } = await openTestLog();
  await log.createTopic('input', { partitions });
  await log.createTopic('output', { partitions: 1 });
  const runtime = new QueryRuntime({ log, clock, serdes, functions: registry, mode: 'deterministic' });
  return { log, runtime };
}

async function feed(runtime: QueryRuntime, records: Array<{ key: string | null; value: string | null; ts?: number; partition?: number }>): Promise<void> {
  for (const r of records) {
    await runtime.feed('input', r.partition ?? 0, [{ key: r.key === null ? null : Buffer.from(r.key), value: r.value === null ? null : Buffer.from(r.value), timestampMs: r.ts ?? 0, headers: [] }]);
  }
}

function operatorsOf(runtime: QueryRuntime, queryId = 'CTAS_OUTPUT_1'): Operator[] {
  return runtime.get(queryId)!.tasks.flatMap((t) => t.pipeline.operators);
}

function byKeyPlan(extra: Partial<Parameters<typeof aggregatePlan>[0]> = {}): QueryPlan {
  return aggregatePlan({
    source: { topic: 'input', schema: STREAM },
    groupBy: [k(0, STRING)],
    groupColumns: [{ name: 'ID', type: STRING }],
    repartition: false,
    aggregates: [{ name: 'COUNT', args: [ROWTIME] }, { name: 'SUM', args: [v(1, INT)] }],
    sinkTopic: 'output',
    ...extra,
  });
}

describe('stream aggregation', () => {
  it('counts and sums per key, emitting every update with the larger timestamp', async () => {
    const { log, runtime } = await setup();
    await runtime.start(byKeyPlan());
    await feed(runtime, [
      { key: 'a', value: '{"REGION":"r1","V":1}', ts: 10 },
      { key: 'b', value: '{"REGION":"r1","V":5}', ts: 11 },
      { key: 'a', value: '{"REGION":"r2","V":2}', ts: 5 },
      { key: 'a', value: null, ts: 20 },
      { key: 'a', value: '{"REGION":"r2","V":null}', ts: 30 },
    ]);
    const out = await readRaw(log, 'output');
    expect(out.map((r) => [r.key?.toString(), r.value, r.timestampMs])).toEqual([
      ['a', '{"KSQL_COL_0":1,"KSQL_COL_1":1}', 10],
      ['b', '{"KSQL_COL_0":1,"KSQL_COL_1":5}', 11],
      ['a', '{"KSQL_COL_0":2,"KSQL_COL_1":3}', 10],
      ['a', '{"KSQL_COL_0":3,"KSQL_COL_1":3}', 30],
    ]);
    // Grouping by the current key needs no repartition topic.
    expect(log.listTopics().some((t) => t.endsWith('-repartition'))).toBe(false);
    await runtime.close();
  });

  it('repartitions when grouping by a value column, and excludes null groups', async () => {
    const { log, runtime } = await setup(2);
    await runtime.start(
      byKeyPlan({ groupBy: [v(0, STRING)], groupColumns: [{ name: 'REGION', type: STRING }], repartition: true, aggregates: [{ name: 'COUNT', args: [ROWTIME] }] }),
    );
    await feed(runtime, [
      { key: 'a', value: '{"REGION":"r1","V":1}', ts: 1, partition: 0 },
      { key: 'b', value: '{"REGION":"r1","V":5}', ts: 2, partition: 1 },
      { key: 'c', value: '{"REGION":null,"V":5}', ts: 3, partition: 1 },
      { key: 'd', value: '{"REGION":"r2","V":5}', ts: 4, partition: 0 },
    ]);
    const topics = log.listTopics();
    expect(topics).toContain('_confluent-ksql-default_query_CTAS_OUTPUT_1-Aggregate-GroupBy-repartition');
    expect(log.describeTopic('_confluent-ksql-default_query_CTAS_OUTPUT_1-Aggregate-GroupBy-repartition').partitions).toBe(2);
    const out = await readRaw(log, 'output');
    expect(out.map((r) => [r.key?.toString(), r.value, r.timestampMs])).toEqual([
      ['r1', '{"KSQL_COL_0":1}', 1],
      ['r1', '{"KSQL_COL_0":2}', 2],
      ['r2', '{"KSQL_COL_0":1}', 4],
    ]);
    const errors = runtime.get('CTAS_OUTPUT_1')!.errors();
    expect(errors.map((e) => e.errorMessage)).toEqual(['Group-by column with index 0 resolved to null. The source row will be excluded from the table.']);
    await runtime.close();
  });
});

describe('table aggregation', () => {
  it('undoes the old row on update and delete (retractions), old group first', async () => {
    const { log, runtime } = await setup();
    const schema: StepSchema = { key: [{ name: 'ID', type: STRING }], value: [{ name: 'REGION', type: STRING }, { name: 'V', type: INT }] };
    await runtime.start(
      aggregatePlan({
        source: { topic: 'input', schema, table: true },
        groupBy: [v(0, STRING)],
        groupColumns: [{ name: 'REGION', type: STRING }],
        repartition: true,
        aggregates: [{ name: 'COUNT', args: [ROWTIME] }, { name: 'SUM', args: [v(1, INT)] }],
        sinkTopic: 'output',
      }),
    );
    await feed(runtime, [
      { key: '1', value: '{"REGION":"r0","V":10}', ts: 1 },
      { key: '2', value: '{"REGION":"r1","V":20}', ts: 2 },
      { key: '1', value: '{"REGION":"r0","V":15}', ts: 3 },
      { key: '1', value: '{"REGION":"r1","V":1}', ts: 4 },
      { key: '2', value: null, ts: 5 },
      { key: '9', value: null, ts: 6 },
    ]);
    const out = await readRaw(log, 'output');
    expect(out.map((r) => [r.key?.toString(), r.value, r.timestampMs])).toEqual([
      ['r0', '{"KSQL_COL_0":1,"KSQL_COL_1":10}', 1],
      ['r1', '{"KSQL_COL_0":1,"KSQL_COL_1":20}', 2],
      // same group: one update (undo 10, add 15)
      ['r0', '{"KSQL_COL_0":1,"KSQL_COL_1":15}', 3],
      // group changed: retraction from r0 first, then r1
      ['r0', '{"KSQL_COL_0":0,"KSQL_COL_1":0}', 4],
      ['r1', '{"KSQL_COL_0":2,"KSQL_COL_1":21}', 4],
      ['r1', '{"KSQL_COL_0":1,"KSQL_COL_1":1}', 5],
    ]);
    await runtime.close();
  });
});

describe('time windows', () => {
  it('tumbling: windowed keys, timestamps, and late records dropped after grace', async () => {
    const { log, runtime } = await setup();
    await runtime.start(byKeyPlan({ aggregates: [{ name: 'COUNT', args: [ROWTIME] }], window: { kind: 'TUMBLING', sizeMs: 10, graceMs: 5, retentionMs: null } }));
    await feed(runtime, [
      { key: 'a', value: '{"V":1}', ts: 1 },
      { key: 'a', value: '{"V":1}', ts: 12 },
      { key: 'a', value: '{"V":1}', ts: 9 }, // window [0,10) closes at 15: still open
      { key: 'a', value: '{"V":1}', ts: 15 },
      { key: 'a', value: '{"V":1}', ts: 8 }, // late: dropped
    ]);
    const out = await readRaw(log, 'output');
    expect(out.map((r) => ({ ...timeWindowedKey(r.key!), value: r.value, ts: r.timestampMs }))).toEqual([
      { key: 'a', startMs: 0, value: '{"KSQL_COL_0":1}', ts: 1 },
      { key: 'a', startMs: 10, value: '{"KSQL_COL_0":1}', ts: 12 },
      { key: 'a', startMs: 0, value: '{"KSQL_COL_0":2}', ts: 9 },
      { key: 'a', startMs: 10, value: '{"KSQL_COL_0":2}', ts: 15 },
    ]);
    const op = operatorsOf(runtime).find((o) => o instanceof TimeWindowedAggregateOperator) as TimeWindowedAggregateOperator;
    expect(op.counters.lateRecordsDropped).toBe(1);
    await runtime.close();
  });

  it('hopping: a record updates each window holding it, oldest first', async () => {
    const { log, runtime } = await setup();
    await runtime.start(byKeyPlan({ aggregates: [{ name: 'SUM', args: [v(1, INT)] }], window: { kind: 'HOPPING', sizeMs: 10, advanceMs: 5, graceMs: null, retentionMs: null } }));
    await feed(runtime, [
      { key: 'a', value: '{"V":1}', ts: 7 },
      { key: 'a', value: '{"V":2}', ts: 11 },
    ]);
    const out = await readRaw(log, 'output');
    expect(out.map((r) => [timeWindowedKey(r.key!).startMs, r.value, r.timestampMs])).toEqual([
      [0, '{"KSQL_COL_0":1}', 7],
      [5, '{"KSQL_COL_0":1}', 7],
      [5, '{"KSQL_COL_0":3}', 11],
      [10, '{"KSQL_COL_0":2}', 11],
    ]);
    await runtime.close();
  });

  it('EMIT FINAL: one row per window once stream time passes end + grace, with its latest timestamp', async () => {
    const { log, runtime } = await setup();
    await runtime.start(
      byKeyPlan({
        aggregates: [{ name: 'COUNT', args: [ROWTIME] }],
        window: { kind: 'TUMBLING', sizeMs: 2, graceMs: 1, retentionMs: null },
        emitFinal: true,
        properties: { 'ksql.streams.__emit.interval.ms.kstreams.windowed.aggregation__': 0 },
      }),
    );
    await feed(runtime, [
      { key: 'k1', value: '{"V":1}', ts: 0 },
      { key: 'k1', value: '{"V":1}', ts: 1 },
      { key: 'k1', value: '{"V":1}', ts: 2 },
      { key: 'k2', value: '{"V":1}', ts: 2 },
      { key: 'k1', value: '{"V":1}', ts: 3 },
    ]);
    expect((await readRaw(log, 'output')).map((r) => [timeWindowedKey(r.key!), r.value, r.timestampMs])).toEqual([
      [{ key: 'k1', startMs: 0 }, '{"KSQL_COL_0":2}', 1],
    ]);
    // Closes [2,4). (A jump far ahead would not emit it: the store keeps windows size + grace only.)
    await feed(runtime, [{ key: 'k1', value: '{"V":1}', ts: 5 }]);
    expect((await readRaw(log, 'output')).map((r) => [timeWindowedKey(r.key!), r.value, r.timestampMs])).toEqual([
      [{ key: 'k1', startMs: 0 }, '{"KSQL_COL_0":2}', 1],
      [{ key: 'k1', startMs: 2 }, '{"KSQL_COL_0":2}', 3],
      [{ key: 'k2', startMs: 2 }, '{"KSQL_COL_0":1}', 2],
    ]);
    await runtime.close();
  });
});

describe('session windows', () => {
  it('merges sessions: tombstones for merged-away sessions first (timestamp: their end), then the merged one', async () => {
    const { log, runtime } = await setup();
    await runtime.start(byKeyPlan({ aggregates: [{ name: 'COUNT', args: [ROWTIME] }], window: { kind: 'SESSION', gapMs: 5, graceMs: null, retentionMs: null } }));
    await feed(runtime, [
      { key: 'u', value: '{"V":1}', ts: 0 },
      { key: 'u', value: '{"V":1}', ts: 10 },
      { key: 'u', value: '{"V":1}', ts: 5 }, // bridges [0,0] and [10,10]
      { key: 'u', value: '{"V":1}', ts: 30 },
    ]);
    const out = await readRaw(log, 'output');
    expect(out.map((r) => [sessionWindowedKey(r.key!), r.value, r.timestampMs])).toEqual([
      [{ key: 'u', startMs: 0, endMs: 0 }, '{"KSQL_COL_0":1}', 0],
      [{ key: 'u', startMs: 10, endMs: 10 }, '{"KSQL_COL_0":1}', 10],
      [{ key: 'u', startMs: 0, endMs: 0 }, null, 0],
      [{ key: 'u', startMs: 10, endMs: 10 }, null, 10],
      [{ key: 'u', startMs: 0, endMs: 10 }, '{"KSQL_COL_0":3}', 10],
      [{ key: 'u', startMs: 30, endMs: 30 }, '{"KSQL_COL_0":1}', 30],
    ]);
    await runtime.close();
  });

  it('drops a record whose merged session ends before stream time - grace - gap', async () => {
    const { log, runtime } = await setup();
    await runtime.start(byKeyPlan({ aggregates: [{ name: 'COUNT', args: [ROWTIME] }], window: { kind: 'SESSION', gapMs: 5, graceMs: 10, retentionMs: null } }));
    await feed(runtime, [
      { key: 'u', value: '{"V":1}', ts: 100 },
      { key: 'u', value: '{"V":1}', ts: 84 }, // 84 < 100 - 10 - 5
      { key: 'u', value: '{"V":1}', ts: 85 },
    ]);
    const out = await readRaw(log, 'output');
    expect(out.map((r) => [sessionWindowedKey(r.key!).startMs, r.value])).toEqual([
      [100, '{"KSQL_COL_0":1}'],
      [85, '{"KSQL_COL_0":1}'],
    ]);
    const op = operatorsOf(runtime).find((o) => o instanceof SessionAggregateOperator) as SessionAggregateOperator;
    expect(op.counters.lateRecordsDropped).toBe(1);
    await runtime.close();
  });

  it('EMIT FINAL: emits each session once it closes (timestamp: its end)', async () => {
    const { log, runtime } = await setup();
    await runtime.start(
      byKeyPlan({
        aggregates: [{ name: 'COUNT', args: [ROWTIME] }],
        window: { kind: 'SESSION', gapMs: 5, graceMs: 6, retentionMs: null },
        emitFinal: true,
        properties: { 'ksql.streams.__emit.interval.ms.kstreams.windowed.aggregation__': 0 },
      }),
    );
    await feed(
      runtime,
      [0, 4, 8, 12, 14, 30, 29, 17, 42].map((ts) => ({ key: 'k1', value: '{"V":1}', ts })),
    );
    const out = await readRaw(log, 'output');
    expect(out.map((r) => [sessionWindowedKey(r.key!), r.value, r.timestampMs])).toEqual([
      [{ key: 'k1', startMs: 0, endMs: 14 }, '{"KSQL_COL_0":5}', 14],
      [{ key: 'k1', startMs: 29, endMs: 30 }, '{"KSQL_COL_0":2}', 30],
    ]);
    await runtime.close();
  });
});

describe('HAVING and pull queries', () => {
  it('HAVING filters the aggregate output', async () => {
    const { log, runtime } = await setup();
    await runtime.start(byKeyPlan({ aggregates: [{ name: 'COUNT', args: [ROWTIME] }], having: cmp('>', v(0, BIGINT), lit(BIGINT, 1)) }));
    await feed(runtime, [
      { key: 'a', value: '{"V":1}', ts: 1 },
      { key: 'a', value: '{"V":1}', ts: 2 },
    ]);
    const out = (await readRaw(log, 'output')).filter((r) => r.value !== null);
    expect(out.map((r) => [r.key?.toString(), r.value])).toEqual([['a', '{"KSQL_COL_0":2}']]);
    await runtime.close();
  });

  it('looks up, ranges and scans a materialized aggregate, windowed or not', async () => {
    const { runtime } = await setup(2);
    await runtime.start(byKeyPlan({ queryId: 'Q1' }));
    await runtime.start(
      byKeyPlan({ queryId: 'Q2', sinkTopic: 'output', aggregates: [{ name: 'COUNT', args: [ROWTIME] }], window: { kind: 'TUMBLING', sizeMs: 10, graceMs: null, retentionMs: null } }),
    );
    await feed(runtime, [
      { key: 'a', value: '{"V":1}', ts: 1, partition: 0 },
      { key: 'b', value: '{"V":2}', ts: 2, partition: 1 },
      { key: 'a', value: '{"V":3}', ts: 13, partition: 0 },
      { key: 'c', value: '{"V":4}', ts: 4, partition: 1 },
    ]);
    const table = materializedTable(runtime, 'Q1', { functions: registry });
    expect(table.windowType).toBe(null);
    expect(table.get(['a'])).toEqual({ key: ['a'], value: [2, 4], window: null, timestampMs: 13 });
    expect(table.get(['zz'])).toBe(null);
    expect(table.scan().map((r) => [r.key[0], r.value])).toEqual([
      ['a', [2, 4]],
      ['b', [1, 2]],
      ['c', [1, 4]],
    ]);
    expect(table.range({ key: ['b'] }).map((r) => r.key[0])).toEqual(['b', 'c']);
    expect(table.range({ key: ['a'], inclusive: false }, { key: ['c'], inclusive: false }).map((r) => r.key[0])).toEqual(['b']);
    const windowed = materializedTable(runtime, 'Q2', { functions: registry });
    expect(windowed.windowType).toBe('TUMBLING');
    expect(windowed.windows(['a']).map((r) => [r.window, r.value])).toEqual([
      [{ startMs: 0, endMs: 10 }, [1]],
      [{ startMs: 10, endMs: 20 }, [1]],
    ]);
    expect(windowed.windows(['a'], { windowStart: { from: 5 } }).map((r) => r.window!.startMs)).toEqual([10]);
    expect(windowed.query({ windowEnd: { to: 10 } }).map((r) => r.key[0])).toEqual(['a', 'b', 'c']);
    await runtime.close();
  });
});
