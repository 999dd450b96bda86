import { afterEach, describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../../common/index.js';
import type { Log } from '../../../../storage/log/index.js';
import { MemoryProcessingLogSink, QueryRuntime, type QueryRuntimeOptions } from '../../../../engine/runtime/index.js';
import type { Expr } from '../../../../engine/expressions/index.js';
import type { QueryPlan, Step, StepSchema } from '../../../../engine/steps/index.js';
import { DOUBLE, INT, STRING, arith, arr, call, cmp, k, lit, testFunctions, v } from '../expressions/exprs.js';
import { openTestLog, produce, readTopic, serdes, tableFunctions } from '../operators/helpers.js';

const JSON_FORMATS = { key: { format: 'KAFKA', properties: {} }, value: { format: 'JSON', properties: {} } };

const inputSchema: StepSchema = {
  key: [{ name: 'ID', type: STRING }],
  value: [
    { name: 'NAME', type: STRING },
    { name: 'PRICE', type: DOUBLE },
  ],
};

function streamSource(topic = 'input', schema: StepSchema = inputSchema): Step {
  return { kind: 'streamSource@1', id: 'KsqlTopic/Source', schema, topic, formats: JSON_FORMATS, window: null, timestamp: { kind: 'record' }, headerColumns: [], materialize: false };
}

/** SELECT ID, UCASE(NAME) AS NAME_UPPER, PRICE FROM input WHERE PRICE > 10 */
function csasPlan(queryId: string, from = 'input', to = 'output', where: Expr = cmp('>', v(1, DOUBLE), lit(DOUBLE, 10)), properties: Record<string, unknown> = { 'auto.offset.reset': 'earliest' }): QueryPlan {
  const outSchema: StepSchema = {
    key: [{ name: 'ID', type: STRING }],
    value: [
      { name: 'NAME_UPPER', type: STRING },
      { name: 'PRICE', type: DOUBLE },
    ],
  };
  const source = streamSource(from);
  const filter: Step = { kind: 'filter@1', id: 'WhereFilter', schema: inputSchema, source, predicate: where };
  const select: Step = {
    kind: 'select@1',
    id: 'Project',
    schema: outSchema,
    source: filter,
    keyExpressions: [{ name: 'ID', expression: k(0, STRING, 'ID') }],
    valueExpressions: [
      { name: 'NAME_UPPER', expression: call('UCASE', STRING, v(0, STRING, 'NAME')) },
      { name: 'PRICE', expression: v(1, DOUBLE, 'PRICE') },
    ],
  };
  const sink: Step = { kind: 'streamSink@1', id: 'KsqlTopic/Sink', schema: outSchema, source: select, topic: to, formats: JSON_FORMATS, timestamp: null, windowed: null };
  return { queryId, sink, sourceTopics: [from], properties };
}

const runtimes: QueryRuntime[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
});

async function fixture(options: Partial<QueryRuntimeOptions> = {}, topics: Record<string, number> = { input: 1, output: 1 }) {
  const { log, clock } = await openTestLog();
  for (const [name, partitions] of Object.entries(topics)) await log.createTopic(name, { partitions });
  const processingLog = new MemoryProcessingLogSink();
  const runtime = new QueryRuntime({
    log,
    clock,
    serdes,
    functions: testFunctions(),
    tableFunctions,
    processingLog,
    mode: 'deterministic',
    ...options,
  });
  runtimes.push(runtime);
  return { log, clock, runtime, processingLog };
}

async function values(log: Log, topic: string): Promise<Array<[string | null, string | null]>> {
  return (await readTopic(log, topic)).records.map((r) => [r.key, r.value]);
}

describe('a stateless query over the log (deterministic mode)', () => {
  it('reads, filters, projects and writes JSON, keeping timestamps and headers', async () => {
    const { log, runtime } = await fixture();
    const query = await runtime.start(csasPlan('CSAS_OUTPUT_1'));
    await produce(log, 'input', 0, [
      { key: 'a', value: '{"NAME":"apple","PRICE":12.5}', timestampMs: 10, headers: [{ key: 'h', value: '1' }] },
      { key: 'b', value: '{"NAME":"bean","PRICE":2}', timestampMs: 11 },
      { key: 'c', value: '{"NAME":"cherry","PRICE":30}', timestampMs: 12 },
    ]);
    await runtime.drain();
    const out = await readTopic(log, 'output');
    expect(out.records.map((r) => [r.key, r.value, r.timestampMs, r.headers])).toEqual([
      ['a', '{"NAME_UPPER":"APPLE","PRICE":12.5}', 10, [{ key: 'h', value: '1' }]],
      ['c', '{"NAME_UPPER":"CHERRY","PRICE":30.0}', 12, []],
    ]);
    expect(out.batches).toBe(1);
    expect(query.status()).toMatchObject({ state: 'RUNNING', recordsIn: 3, recordsOut: 2, consumerGroupId: '_confluent-ksql-default_query_CSAS_OUTPUT_1' });
    // positions are committed to the query's consumer group
    expect(log.fetchOffsets('_confluent-ksql-default_query_CSAS_OUTPUT_1').map((o) => [o.topic, o.partition, o.offset])).toEqual([['input', 0, 3]]);
  });

  it('keeps running through bad records and failing expressions', async () => {
    const { log, runtime, processingLog } = await fixture();
    const plan = csasPlan('CSAS_OUTPUT_2', 'input', 'output', cmp('>', arith('/', lit(INT, 100), { kind: 'cast', type: INT, operand: v(1, DOUBLE) }, INT), lit(INT, 1)));
    const query = await runtime.start(plan);
    await produce(log, 'input', 0, [
      { key: 'a', value: '{"NAME":"one","PRICE":1}' },
      { key: 'b', value: '{this is not json' },
      { key: 'c', value: '{"NAME":"zero","PRICE":0}' },
      { key: 'd', value: '{"NAME":"two","PRICE":2}' },
    ]);
    await runtime.drain();
    expect(await values(log, 'output')).toEqual([
      ['a', '{"NAME_UPPER":"ONE","PRICE":1.0}'],
      ['d', '{"NAME_UPPER":"TWO","PRICE":2.0}'],
    ]);
    expect(query.state).toBe('RUNNING');
    expect(processingLog.entries.map((e) => e.message.type)).toEqual([0, 1]);
    expect(processingLog.entries[1]!.logger).toBe('processing.CSAS_OUTPUT_2.WhereFilter');
    const errors = query.errors();
    expect(errors).toHaveLength(2);
    expect(errors[1]!.errorMessage).toContain('/ by zero');
  });

  it('runs chained queries record by record, in order', async () => {
    const { log, runtime } = await fixture({}, { input: 1, middle: 1, output: 1 });
    await runtime.start(csasPlan('Q_A', 'input', 'middle'));
    const second: QueryPlan = csasPlan('Q_B', 'middle', 'output', cmp('>', v(1, DOUBLE), lit(DOUBLE, 20)));
    // the second query reads `middle` with the input's schema: PRICE matches, NAME is null
    await runtime.start(second);
    for (const [i, price] of [25, 5, 40].entries()) {
      await runtime.feed('input', 0, [{ key: `k${i}`, value: JSON.stringify({ NAME: `n${i}`, PRICE: price }), timestampMs: i }]);
      // record i went all the way through both queries before record i + 1 is produced
      expect((await readTopic(log, 'output')).records.length).toBe([1, 1, 2][i]);
    }
    expect((await values(log, 'middle')).map(([key]) => key)).toEqual(['k0', 'k2']);
    expect((await values(log, 'output')).map(([key]) => key)).toEqual(['k0', 'k2']);
  });

  it('starts from the latest offset unless told otherwise', async () => {
    const { log, runtime } = await fixture();
    await produce(log, 'input', 0, [{ key: 'old', value: '{"NAME":"x","PRICE":99}' }]);
    await runtime.start(csasPlan('Q_LATEST', 'input', 'output', cmp('>', v(1, DOUBLE), lit(DOUBLE, 10)), {}));
    await produce(log, 'input', 0, [{ key: 'new', value: '{"NAME":"y","PRICE":99}' }]);
    await runtime.drain();
    expect((await values(log, 'output')).map(([key]) => key)).toEqual(['new']);
  });

  it('fails the query on an invalid timestamp when ksql.timestamp.throw.on.invalid is set', async () => {
    const { log, runtime } = await fixture();
    const plan = csasPlan('Q_TS');
    const source = ((plan.sink as { source: Step }).source as { source: Step }).source as { source: Step & { timestamp: unknown } };
    source.source.timestamp = { kind: 'column', column: { name: 'NAME', type: STRING }, source: 'VALUE', index: 0, format: null };
    plan.properties['ksql.timestamp.throw.on.invalid'] = 'true';
    const query = await runtime.start(plan);
    await produce(log, 'input', 0, [{ key: 'a', value: '{"NAME":"!!!!","PRICE":50}' }]);
    await runtime.drain();
    expect(query.state).toBe('ERROR');
    expect(query.errors().at(-1)!.errorMessage).toContain('Fatal user code error in TimestampExtractor callback for record');
  });

  it('explodes arrays with a table function', async () => {
    const { log, runtime } = await fixture();
    const schema: StepSchema = { key: [{ name: 'ID', type: STRING }], value: [{ name: 'LIST', type: arr(INT) }] };
    const outSchema: StepSchema = { key: [{ name: 'ID', type: STRING }], value: [{ name: 'ITEM', type: INT }] };
    const flatMap: Step = {
      kind: 'flatMap@1',
      id: 'FlatMap',
      schema: outSchema,
      source: streamSource('input', schema),
      passThrough: [],
      tableFunctions: [{ functionName: 'EXPLODE', overloadIndex: 0, args: [v(0, arr(INT))], resultType: INT }],
    };
    const sink: Step = { kind: 'streamSink@1', id: 'KsqlTopic/Sink', schema: outSchema, source: flatMap, topic: 'output', formats: JSON_FORMATS, timestamp: null, windowed: null };
    await runtime.start({ queryId: 'Q_EXPLODE', sink, sourceTopics: ['input'], properties: { 'auto.offset.reset': 'earliest' } });
    await produce(log, 'input', 0, [{ key: 'a', value: '{"LIST":[1,2,3]}' }]);
    await runtime.drain();
    expect(await values(log, 'output')).toEqual([
      ['a', '{"ITEM":1}'],
      ['a', '{"ITEM":2}'],
      ['a', '{"ITEM":3}'],
    ]);
  });

});

describe('PARTITION BY', () => {
  function partitionByPlan(queryId: string, repartition: boolean): QueryPlan {
    const outSchema: StepSchema = {
      key: [{ name: 'NAME', type: STRING }],
      value: [
        { name: 'NAME', type: STRING },
        { name: 'PRICE', type: DOUBLE },
        { name: 'ID', type: STRING },
      ],
    };
    const selectKey: Step = { kind: 'selectKey@1', id: 'PartitionBy', schema: outSchema, source: streamSource(), keyExpressions: [v(0, STRING, 'NAME')], repartition };
    const finalSchema: StepSchema = {
      key: [{ name: 'NAME', type: STRING }],
      value: [
        { name: 'ID', type: STRING },
        { name: 'PRICE', type: DOUBLE },
      ],
    };
    const select: Step = {
      kind: 'select@1',
      id: 'Project',
      schema: finalSchema,
      source: selectKey,
      keyExpressions: [{ name: 'NAME', expression: k(0, STRING, 'NAME') }],
      valueExpressions: [
        { name: 'ID', expression: v(2, STRING, 'ID') },
        { name: 'PRICE', expression: v(1, DOUBLE, 'PRICE') },
      ],
    };
    const sink: Step = { kind: 'streamSink@1', id: 'KsqlTopic/Sink', schema: finalSchema, source: select, topic: 'output', formats: JSON_FORMATS, timestamp: null, windowed: null };
    return { queryId, sink, sourceTopics: ['input'], properties: { 'auto.offset.reset': 'earliest' } };
  }

  it('re-keys in process and lets the sink partition by the new key (no repartition topic)', async () => {
    const { log, runtime } = await fixture({}, { input: 1, output: 4 });
    await runtime.start(partitionByPlan('CSAS_PB_1', false));
    await produce(log, 'input', 0, [
      { key: 'a', value: '{"NAME":"x","PRICE":1}' },
      { key: 'b', value: '{"NAME":"y","PRICE":2}' },
      { key: 'c', value: '{"NAME":"x","PRICE":3}' },
    ]);
    await runtime.drain();
    const out = (await readTopic(log, 'output')).records;
    expect(out.map((r) => [r.key, r.value]).sort()).toEqual([
      ['x', '{"ID":"a","PRICE":1.0}'],
      ['x', '{"ID":"c","PRICE":3.0}'],
      ['y', '{"ID":"b","PRICE":2.0}'],
    ]);
    const xs = out.filter((r) => r.key === 'x');
    expect(xs[0]!.partition).toBe(xs[1]!.partition);
    expect(log.listTopics().some((t) => t.endsWith('-repartition'))).toBe(false);
  });

  it('goes through a repartition topic when the plan asks for one', async () => {
    const { log, runtime } = await fixture({}, { input: 2, output: 1 });
    const query = await runtime.start(partitionByPlan('CSAS_PB_2', true));
    const topic = '_confluent-ksql-default_query_CSAS_PB_2-PartitionBy-repartition';
    expect(log.describeTopic(topic).partitions).toBe(2);
    await produce(log, 'input', 0, [{ key: 'a', value: '{"NAME":"x","PRICE":1}' }]);
    await produce(log, 'input', 1, [{ key: 'b', value: '{"NAME":"x","PRICE":2}' }]);
    await runtime.drain();
    expect(await values(log, 'output')).toEqual([
      ['x', '{"ID":"a","PRICE":1.0}'],
      ['x', '{"ID":"b","PRICE":2.0}'],
    ]);
    expect(query.tasks).toHaveLength(4);
    await runtime.stop('CSAS_PB_2', { deleteInternalTopics: true });
    expect(log.hasTopic(topic)).toBe(false);
  });
});

describe('live mode', () => {
  async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
    const start = performance.now();
    while (!(await condition())) {
      if (performance.now() - start > timeoutMs) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('processes records as they arrive, commits on stop, and resumes from the commit', async () => {
    const { log, runtime } = await fixture({ mode: 'live', pollWaitMs: 50 });
    await runtime.start(csasPlan('LIVE_1'));
    await produce(log, 'input', 0, [{ key: 'a', value: '{"NAME":"a","PRICE":50}' }]);
    await waitFor(async () => (await readTopic(log, 'output')).records.length === 1);
    await produce(log, 'input', 0, [{ key: 'b', value: '{"NAME":"b","PRICE":50}' }]);
    await waitFor(async () => (await readTopic(log, 'output')).records.length === 2);
    await runtime.stop('LIVE_1');
    expect(log.fetchOffsets('_confluent-ksql-default_query_LIVE_1')[0]!.offset).toBe(2);
    await produce(log, 'input', 0, [{ key: 'c', value: '{"NAME":"c","PRICE":50}' }]);
    await runtime.start(csasPlan('LIVE_1'));
    await waitFor(async () => (await readTopic(log, 'output')).records.length === 3);
    expect((await values(log, 'output')).map(([key]) => key)).toEqual(['a', 'b', 'c']);
  });

  it('pauses and resumes', async () => {
    const { log, runtime } = await fixture({ mode: 'live', pollWaitMs: 50 });
    const query = await runtime.start(csasPlan('LIVE_2'));
    query.pause();
    expect(query.state).toBe('PAUSED');
    await produce(log, 'input', 0, [{ key: 'a', value: '{"NAME":"a","PRICE":50}' }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await readTopic(log, 'output')).records).toHaveLength(0);
    query.resume();
    await waitFor(async () => (await readTopic(log, 'output')).records.length === 1);
  });

  it('applies backpressure from a full push queue and stops at the LIMIT', async () => {
    const { log, runtime } = await fixture({ mode: 'live', pollWaitMs: 50, limits: { ...(await import('../../../../common/index.js')).withLimits({ pushQueueRowsMax: 2, taskReadBytesMax: 1 }) } });
    const source = streamSource();
    const push: Step = { kind: 'pushSink@1', id: 'Push', schema: inputSchema, source, limit: 5 };
    const query = await runtime.start({ queryId: 'transient_1', sink: push, sourceTopics: ['input'], properties: { 'auto.offset.reset': 'earliest' } });
    expect(query.consumerGroupId).toBe(null);
    for (let i = 0; i < 8; i++) await produce(log, 'input', 0, [{ key: `k${i}`, value: `{"NAME":"n${i}","PRICE":${i}}` }]);
    const output = query.output!;
    await waitFor(() => output.size >= 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // blocked: it read no further than the queue's capacity (plus one read)
    expect(output.size).toBeLessThanOrEqual(3);
    const keys: unknown[] = [];
    for await (const row of output) keys.push(row.key[0]);
    expect(keys).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    await waitFor(() => query.state === 'TERMINATED');
  });
});
