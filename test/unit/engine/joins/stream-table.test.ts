import { afterEach, describe, expect, it } from 'vitest';
import { BIGINT, STRING } from '../expressions/exprs.js';
import { col, fixture, runtimes, sinkPlan, streamSource, streamTableJoin, tableSource } from './helpers.js';

afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
});

const stream = streamSource('KafkaTopic_Left/Source', 'test_topic', { key: [col('ID', BIGINT)], value: [col('NAME', STRING), col('VALUE', BIGINT)] });
const table = tableSource('KafkaTopic_Right/Source', 'test_table', { key: [col('ID', BIGINT)], value: [col('F1', STRING), col('F2', BIGINT)] });

async function run(joinType: 'INNER' | 'LEFT') {
  const f = await fixture({ test_topic: 1, test_table: 1, OUT: 1 });
  await f.runtime.start(sinkPlan('CSAS_OUT_0', streamTableJoin('Join', stream, table, joinType, BIGINT), 'OUT', false));
  await f.send('test_table', 0, { F1: 'zero', F2: 0 }, 0);
  await f.send('test_table', 10, { F1: '100', F2: 5 }, 10000);
  await f.send('test_topic', 0, { NAME: 'blah', VALUE: 50 }, 10000);
  await f.send('test_topic', 0, { NAME: 'foo', VALUE: 100 }, 10000);
  await f.send('test_table', 0, { F1: 'a', F2: 10 }, 15000);
  await f.send('test_topic', 0, { NAME: 'bar', VALUE: 99 }, 15000);
  await f.send('test_topic', 90, { NAME: 'ninety', VALUE: 90 }, 15000);
  await f.send('test_table', 0, null, 16000);
  await f.send('test_topic', 0, { NAME: 'gone', VALUE: 1 }, 17000);
  await f.send('test_topic', null, { NAME: 'nokey', VALUE: 2 }, 18000);
  return f;
}

describe('stream-table join (deterministic, over the log)', () => {
  it('LEFT: joins each stream record with the table row as of then; table updates emit nothing; deletes pad with nulls', async () => {
    const f = await run('LEFT');
    expect(await f.output('OUT')).toEqual([
      [0, { NAME: 'blah', VALUE: 50, F1: 'zero', F2: 0 }, 10000],
      [0, { NAME: 'foo', VALUE: 100, F1: 'zero', F2: 0 }, 10000],
      [0, { NAME: 'bar', VALUE: 99, F1: 'a', F2: 10 }, 15000],
      [90, { NAME: 'ninety', VALUE: 90, F1: null, F2: null }, 15000],
      [0, { NAME: 'gone', VALUE: 1, F1: null, F2: null }, 17000],
      [null, { NAME: 'nokey', VALUE: 2, F1: null, F2: null }, 18000],
    ]);
  });

  it('INNER: drops stream records without a table row (and without a key)', async () => {
    const f = await run('INNER');
    expect(await f.output('OUT')).toEqual([
      [0, { NAME: 'blah', VALUE: 50, F1: 'zero', F2: 0 }, 10000],
      [0, { NAME: 'foo', VALUE: 100, F1: 'zero', F2: 0 }, 10000],
      [0, { NAME: 'bar', VALUE: 99, F1: 'a', F2: 10 }, 15000],
    ]);
  });

  it('processes both inputs in timestamp order when both have data', async () => {
    const f = await fixture({ test_topic: 1, test_table: 1, OUT: 1 });
    const { produce } = await import('../operators/helpers.js');
    // Written before the query starts: the table row (t=5) precedes the stream record (t=10) in time.
    await produce(f.log, 'test_topic', 0, [{ key: '1', value: JSON.stringify({ NAME: 'a', VALUE: 1 }), timestampMs: 10 }]);
    await produce(f.log, 'test_table', 0, [{ key: '1', value: JSON.stringify({ F1: 'x', F2: 2 }), timestampMs: 5 }]);
    await f.runtime.start(sinkPlan('CSAS_OUT_0', streamTableJoin('Join', stream, table, 'INNER', BIGINT), 'OUT', false));
    await f.runtime.drain();
    expect(await f.output('OUT')).toEqual([[1, { NAME: 'a', VALUE: 1, F1: 'x', F2: 2 }, 10]]);
  });

  it('resumes after a restart with the table state restored from its changelog', async () => {
    const f = await fixture({ test_topic: 1, test_table: 1, OUT: 1 });
    const plan = sinkPlan('CSAS_OUT_0', streamTableJoin('Join', stream, table, 'LEFT', BIGINT), 'OUT', false);
    await f.runtime.start(plan);
    await f.send('test_table', 1, { F1: 'one', F2: 1 }, 0);
    await f.send('test_topic', 1, { NAME: 'a', VALUE: 1 }, 1);
    const restarted = await f.restart();
    await restarted.start(plan);
    await f.send('test_topic', 1, { NAME: 'b', VALUE: 2 }, 2);
    await f.send('test_table', 1, { F1: 'uno', F2: 1 }, 3);
    await f.send('test_topic', 1, { NAME: 'c', VALUE: 3 }, 4);
    expect(await f.output('OUT')).toEqual([
      [1, { NAME: 'a', VALUE: 1, F1: 'one', F2: 1 }, 1],
      [1, { NAME: 'b', VALUE: 2, F1: 'one', F2: 1 }, 2],
      [1, { NAME: 'c', VALUE: 3, F1: 'uno', F2: 1 }, 4],
    ]);
    expect(f.log.listTopics().filter((t) => t.endsWith('-changelog')).sort()).toEqual([
      '_confluent-ksql-default_query_CSAS_OUT_0-Join-0-input-offsets-changelog',
      '_confluent-ksql-default_query_CSAS_OUT_0-Join-right-table-store-changelog',
    ]);
  });
});

describe('stream-table join in live mode', () => {
  it('both inputs are read by their own loops; stopping commits the state and positions', async () => {
    const { QueryRuntime } = await import('../../../../engine/runtime/index.js');
    const { openTestLog, produce, readTopic, serdes, tableFunctions } = await import('../operators/helpers.js');
    const { testFunctions } = await import('../expressions/exprs.js');
    const { log, clock } = await openTestLog();
    for (const topic of ['test_topic', 'test_table', 'OUT']) await log.createTopic(topic, { partitions: 1 });
    const runtime = new QueryRuntime({ log, clock, serdes, functions: testFunctions(), tableFunctions, mode: 'live', pollWaitMs: 20 });
    runtimes.push(runtime);
    const query = await runtime.start(sinkPlan('CSAS_OUT_0', streamTableJoin('Join', stream, table, 'INNER', BIGINT), 'OUT', false));
    await produce(log, 'test_table', 0, [{ key: '1', value: JSON.stringify({ F1: 'x', F2: 2 }), timestampMs: 1 }]);
    const waitFor = async (predicate: () => boolean): Promise<void> => {
      for (let i = 0; i < 200 && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await waitFor(() => query.tasks.every((t) => !t.hasUnread()));
    await produce(log, 'test_topic', 0, [{ key: '1', value: JSON.stringify({ NAME: 'a', VALUE: 1 }), timestampMs: 2 }]);
    await waitFor(() => log.offsets('OUT', 0).highWatermark > 0);
    await runtime.stop('CSAS_OUT_0');
    const records = (await readTopic(log, 'OUT')).records;
    expect(records.map((r) => [r.key, JSON.parse(r.value!)])).toEqual([['1', { NAME: 'a', VALUE: 1, F1: 'x', F2: 2 }]]);
    const committed = log.fetchOffsets('_confluent-ksql-default_query_CSAS_OUT_0').map((o) => [o.topic, o.offset]).sort();
    expect(committed).toEqual([
      ['test_table', 1],
      ['test_topic', 1],
    ]);
  });
});

describe('multi-input task ordering', () => {
  it('interleaves two inputs by timestamp across many small reads', async () => {
    const { withLimits } = await import('../../../../common/index.js');
    const { produce } = await import('../operators/helpers.js');
    const f = await fixture({ test_topic: 1, test_table: 1, OUT: 1 }, { limits: withLimits({ taskReadBytesMax: 200 }) });
    // Table version v at time 10v; stream records at 10v + 5 see version v.
    for (let v = 0; v < 30; v++) await produce(f.log, 'test_table', 0, [{ key: '1', value: JSON.stringify({ F1: `v${v}`, F2: v }), timestampMs: 10 * v }]);
    for (let v = 0; v < 30; v++) await produce(f.log, 'test_topic', 0, [{ key: '1', value: JSON.stringify({ NAME: `s${v}`, VALUE: v }), timestampMs: 10 * v + 5 }]);
    await f.runtime.start(sinkPlan('CSAS_OUT_0', streamTableJoin('Join', stream, table, 'INNER', BIGINT), 'OUT', false));
    await f.runtime.drain();
    const out = await f.output('OUT');
    expect(out).toHaveLength(30);
    for (let v = 0; v < 30; v++) expect(out[v]).toEqual([1, { NAME: `s${v}`, VALUE: v, F1: `v${v}`, F2: v }, 10 * v + 5]);
  });
});
