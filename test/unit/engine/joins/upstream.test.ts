/**
 * A join whose input is written by another task of the runtime (a repartition topic of the same
 * query, or another query's sink) waits for that upstream instead of running ahead of it in event
 * time: the result is the one a timestamp-ordered merge of the original inputs gives.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { withLimits } from '../../../../common/index.js';
import { QueryRuntime, type QueryRuntimeOptions, type RunningQuery } from '../../../../engine/runtime/index.js';
import type { QueryPlan, Step, StepSchema } from '../../../../engine/steps/index.js';
import { BIGINT, STRING, testFunctions, v } from '../expressions/exprs.js';
import { openTestLog, produce, readTopic, serdes, tableFunctions } from '../operators/helpers.js';
import { FORMATS, col, fixture, runtimes, sinkPlan, streamSource, streamStreamJoin, streamTableJoin, tableSource } from './helpers.js';

afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
});

/** Clicks without a key; the join key (USER_ID) is a value column: the join repartitions them. */
const clicksSchema: StepSchema = { key: [], value: [col('USER_ID', BIGINT), col('PAGE', STRING)] };
const clicks = streamSource('KafkaTopic_Clicks/Source', 'clicks', clicksSchema);
const users = tableSource('KafkaTopic_Users/Source', 'users', { key: [col('ID', BIGINT)], value: [col('NAME', STRING)] });

function rekeyed(source: Step): Step {
  return {
    kind: 'selectKey@1',
    id: 'PartitionBy',
    schema: { key: [col('ID', BIGINT)], value: clicksSchema.value },
    source,
    keyExpressions: [v(0, BIGINT, 'USER_ID')],
    repartition: true,
    internalFormats: FORMATS,
  };
}

const VERSIONS = 40;

/** User 1 is renamed every 10 ms (version v at 10v); a click at 10v + 5 must see version v. */
async function load(log: Awaited<ReturnType<typeof openTestLog>>['log']): Promise<void> {
  for (let i = 0; i < VERSIONS; i++) await produce(log, 'users', 0, [{ key: '1', value: JSON.stringify({ NAME: `v${i}` }), timestampMs: 10 * i }]);
  for (let i = 0; i < VERSIONS; i++) await produce(log, 'clicks', 0, [{ key: null, value: JSON.stringify({ USER_ID: 1, PAGE: `p${i}` }), timestampMs: 10 * i + 5 }]);
}

function expectedEnrichment(): Array<[unknown, unknown, number]> {
  return Array.from({ length: VERSIONS }, (_, i) => [1, { USER_ID: 1, PAGE: `p${i}`, NAME: `v${i}` }, 10 * i + 5] as [unknown, unknown, number]);
}

async function liveRuntime(options: Partial<QueryRuntimeOptions> = {}) {
  const { log, clock } = await openTestLog();
  for (const topic of ['clicks', 'users', 'OUT', 'MID']) await log.createTopic(topic, { partitions: 1 });
  await load(log);
  // Small reads: the upstream needs many batches, so a join that does not wait runs ahead.
  const runtime = new QueryRuntime({ log, clock, serdes, functions: testFunctions(), tableFunctions, mode: 'live', pollWaitMs: 20, limits: withLimits({ taskReadBytesMax: 120 }), ...options });
  runtimes.push(runtime);
  return { log, runtime };
}

async function settle(queries: RunningQuery[]): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (queries.every((q) => q.tasks.every((t) => !t.hasUnread()))) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the queries did not catch up');
}

async function output(log: Awaited<ReturnType<typeof openTestLog>>['log'], topic: string): Promise<Array<[unknown, unknown, number]>> {
  return (await readTopic(log, topic)).records.map((r) => [r.key === null ? null : JSON.parse(r.key), r.value === null ? null : JSON.parse(r.value), r.timestampMs]);
}

function withProperties(plan: QueryPlan, properties: Record<string, unknown>): QueryPlan {
  return { ...plan, properties: { ...plan.properties, ...properties } };
}

describe('a join waits for the upstream of its inputs (live mode)', () => {
  const plan = sinkPlan('CSAS_OUT_0', streamTableJoin('Join', rekeyed(clicks), users, 'LEFT', BIGINT), 'OUT', false);

  it('stream-table join over a repartitioned stream: each click sees the user as of its time', async () => {
    const { log, runtime } = await liveRuntime();
    const query = await runtime.start(plan);
    await settle([query]);
    expect(await output(log, 'OUT')).toEqual(expectedEnrichment());
  });

  it('with max.task.idle.ms = -1 it does not wait, and the table side runs ahead', async () => {
    const { log, runtime } = await liveRuntime();
    const query = await runtime.start(withProperties(plan, { 'max.task.idle.ms': -1 }));
    await settle([query]);
    const out = await output(log, 'OUT');
    expect(out).toHaveLength(VERSIONS);
    expect(out).not.toEqual(expectedEnrichment());
  });

  it('rejects a max.task.idle.ms that is not a number >= -1', async () => {
    const { runtime } = await liveRuntime();
    await expect(runtime.start(withProperties(plan, { 'max.task.idle.ms': 'soon' }))).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('waits for another query that writes its input (a chain of queries)', async () => {
    const { log, runtime } = await liveRuntime();
    // MID: the clicks re-keyed by user (another query); the join reads MID as a keyed stream.
    const mid = await runtime.start(sinkPlan('CSAS_MID_0', rekeyed(clicks), 'MID', false));
    const midStream = streamSource('KafkaTopic_Mid/Source', 'MID', { key: [col('ID', BIGINT)], value: clicksSchema.value });
    const join = await runtime.start(sinkPlan('CSAS_OUT_1', streamTableJoin('Join', midStream, users, 'LEFT', BIGINT), 'OUT', false));
    await settle([mid, join]);
    expect(await output(log, 'OUT')).toEqual(expectedEnrichment());
  });

  it('status and commits report every input of a join task', async () => {
    const { runtime } = await liveRuntime();
    const query = await runtime.start(plan);
    await settle([query]);
    const status = query.status();
    const joinInputs = status.tasks.filter((t) => t.pipeline === 1).map((t) => [t.topic, t.position, t.highWatermark]);
    expect(joinInputs).toEqual([
      ['_confluent-ksql-default_query_CSAS_OUT_0-Join-repartition', VERSIONS, VERSIONS],
      ['users', VERSIONS, VERSIONS],
    ]);
    await runtime.stop('CSAS_OUT_0');
    const committed = runtime.log.fetchOffsets('_confluent-ksql-default_query_CSAS_OUT_0').map((o) => [o.topic, o.offset]).sort();
    expect(committed).toEqual([
      ['_confluent-ksql-default_query_CSAS_OUT_0-Join-repartition', VERSIONS],
      ['clicks', VERSIONS],
      ['users', VERSIONS],
    ]);
  });
});

describe('a join waits for the upstream of its inputs (deterministic drain)', () => {
  it('stream-stream join fed by a query started after it: nothing is dropped as late', async () => {
    const f = await fixture({ clicks: 1, views: 1, MID: 1, OUT: 1 });
    const views = streamSource('KafkaTopic_Views/Source', 'views', { key: [col('ID', BIGINT)], value: [col('VIEW', STRING)] });
    const midStream = streamSource('KafkaTopic_Mid/Source', 'MID', { key: [col('ID', BIGINT)], value: clicksSchema.value });
    // The join starts first, so drain() visits it before the query that writes MID.
    await f.runtime.start(sinkPlan('CSAS_OUT_0', streamStreamJoin('Join', views, midStream, 'INNER', 0, 0, 0, BIGINT), 'OUT', false));
    await f.runtime.start(sinkPlan('CSAS_MID_1', rekeyed(clicks), 'MID', false));
    for (let i = 0; i < 20; i++) await produce(f.log, 'views', 0, [{ key: '1', value: JSON.stringify({ VIEW: `w${i}` }), timestampMs: 10 * i }]);
    for (let i = 0; i < 20; i++) await produce(f.log, 'clicks', 0, [{ key: null, value: JSON.stringify({ USER_ID: 1, PAGE: `p${i}` }), timestampMs: 10 * i }]);
    await f.runtime.drain();
    const out = await f.output('OUT');
    expect(out).toHaveLength(20);
    for (let i = 0; i < 20; i++) expect(out[i]).toEqual([1, { VIEW: `w${i}`, USER_ID: 1, PAGE: `p${i}` }, 10 * i]);
  });

  it('a cycle of joins waiting on each other is broken by one enforced pass', async () => {
    const f = await fixture({ a: 1, b: 1, A2: 1, B2: 1 });
    const streamSchema = { key: [col('ID', BIGINT)], value: [col('X', STRING)] };
    const tableSchema = { key: [col('ID', BIGINT)], value: [col('Y', STRING)] };
    const project = (source: Step): Step => ({
      kind: 'select@1',
      id: 'Project',
      schema: tableSchema,
      source,
      keyExpressions: [{ name: 'ID', expression: { kind: 'column', type: BIGINT, source: { kind: 'KEY', index: 0 }, name: 'ID' } }],
      valueExpressions: [{ name: 'Y', expression: v(0, STRING, 'X') }],
    });
    // Q1: a LEFT JOIN table B2 -> A2; Q2: b LEFT JOIN table A2 -> B2: each waits for the other's output.
    const join = (stream: string, table: string): Step =>
      project(streamTableJoin('Join', streamSource(`KafkaTopic_${stream}/Source`, stream, streamSchema), tableSource(`KafkaTopic_${table}/Source`, table, tableSchema), 'LEFT', BIGINT));
    await f.runtime.start(sinkPlan('CSAS_A2_0', join('a', 'B2'), 'A2', false));
    await f.runtime.start(sinkPlan('CSAS_B2_1', join('b', 'A2'), 'B2', false));
    await produce(f.log, 'a', 0, [{ key: '1', value: JSON.stringify({ X: 'a' }), timestampMs: 5 }]);
    await produce(f.log, 'b', 0, [{ key: '2', value: JSON.stringify({ X: 'b' }), timestampMs: 5 }]);
    await f.runtime.drain();
    expect(await f.output('A2')).toEqual([[1, { Y: 'a' }, 5]]);
    expect(await f.output('B2')).toEqual([[2, { Y: 'b' }, 5]]);
  });
});
