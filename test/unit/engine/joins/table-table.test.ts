import { afterEach, describe, expect, it } from 'vitest';
import type { JoinType } from '../../../../engine/steps/index.js';
import { BIGINT, STRING } from '../expressions/exprs.js';
import { col, fixture, runtimes, sinkPlan, streamSource, streamTableJoin, tableSource, tableTableJoin } from './helpers.js';

afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
});

const leftTable = tableSource('KafkaTopic_Left/Source', 'left_topic', { key: [col('ID', BIGINT)], value: [col('NAME', STRING), col('VALUE', BIGINT)] });
const rightTable = tableSource('KafkaTopic_Right/Source', 'right_topic', { key: [col('ID', BIGINT)], value: [col('F1', STRING), col('F2', BIGINT)] });

type Input = ['L' | 'R', number, Record<string, unknown> | null, number];

async function run(joinType: JoinType, inputs: Input[]) {
  const f = await fixture({ left_topic: 1, right_topic: 1, OUT: 1 });
  await f.runtime.start(sinkPlan('CTAS_OUT_0', tableTableJoin('Join', leftTable, rightTable, joinType, BIGINT), 'OUT', true));
  for (const [side, key, value, ts] of inputs) await f.send(side === 'L' ? 'left_topic' : 'right_topic', key, value, ts);
  return f.output('OUT');
}

const inputs: Input[] = [
  ['L', 0, { NAME: 'zero', VALUE: 0 }, 0],
  ['R', 0, { F1: 'blah', F2: 50 }, 10000],
  ['L', 10, { NAME: '100', VALUE: 5 }, 11000],
  ['L', 0, { NAME: 'foo', VALUE: 100 }, 13000],
  ['R', 0, { F1: 'a', F2: 10 }, 15000],
  ['R', 15, { F1: 'c', F2: 20 }, 15500],
  ['L', 0, { NAME: 'bar', VALUE: 99 }, 16000],
];

const row = (name: string | null, value: number | null, f1: string | null, f2: number | null) => ({ NAME: name, VALUE: value, F1: f1, F2: f2 });

describe('table-table join on the primary key', () => {
  it('LEFT: updates on either side emit the new row with the larger timestamp', async () => {
    expect(await run('LEFT', inputs)).toEqual([
      [0, row('zero', 0, null, null), 0],
      [0, row('zero', 0, 'blah', 50), 10000],
      [10, row('100', 5, null, null), 11000],
      [0, row('foo', 100, 'blah', 50), 13000],
      [0, row('foo', 100, 'a', 10), 15000],
      [0, row('bar', 99, 'a', 10), 16000],
    ]);
  });

  it('INNER', async () => {
    expect(await run('INNER', inputs)).toEqual([
      [0, row('zero', 0, 'blah', 50), 10000],
      [0, row('foo', 100, 'blah', 50), 13000],
      [0, row('foo', 100, 'a', 10), 15000],
      [0, row('bar', 99, 'a', 10), 16000],
    ]);
  });

  it('RIGHT', async () => {
    expect(await run('RIGHT', inputs)).toEqual([
      [0, row('zero', 0, 'blah', 50), 10000],
      [0, row('foo', 100, 'blah', 50), 13000],
      [0, row('foo', 100, 'a', 10), 15000],
      [15, row(null, null, 'c', 20), 15500],
      [0, row('bar', 99, 'a', 10), 16000],
    ]);
  });

  it('FULL OUTER', async () => {
    expect(await run('OUTER', inputs)).toEqual([
      [0, row('zero', 0, null, null), 0],
      [0, row('zero', 0, 'blah', 50), 10000],
      [10, row('100', 5, null, null), 11000],
      [0, row('foo', 100, 'blah', 50), 13000],
      [0, row('foo', 100, 'a', 10), 15000],
      [15, row(null, null, 'c', 20), 15500],
      [0, row('bar', 99, 'a', 10), 16000],
    ]);
  });

  it('LEFT with tombstones: a right delete pads with nulls, a left delete emits a tombstone, a delete of an absent row emits nothing', async () => {
    expect(
      await run('LEFT', [
        ['L', 0, { NAME: 'zero', VALUE: 0 }, 0],
        ['R', 0, { F1: 'blah', F2: 1 }, 0],
        ['R', 0, null, 0],
        ['L', 0, null, 0],
        ['L', 7, null, 0],
        ['R', 0, { F1: 'foo', F2: 2 }, 0],
        ['L', 0, { NAME: 'goo', VALUE: 3 }, 0],
      ]),
    ).toEqual([
      [0, row('zero', 0, null, null), 0],
      [0, row('zero', 0, 'blah', 1), 0],
      [0, row('zero', 0, null, null), 0],
      [0, null, 0],
      [0, row('goo', 3, 'foo', 2), 0],
    ]);
  });

  it('INNER with tombstones: a delete on either side deletes the joined row', async () => {
    expect(
      await run('INNER', [
        ['L', 90, { NAME: 'ninety', VALUE: 90 }, 17000],
        ['R', 90, { F1: 'b', F2: 10 }, 18000],
        ['R', 90, null, 19000],
        ['L', 90, null, 20000],
      ]),
    ).toEqual([
      [90, row('ninety', 90, 'b', 10), 18000],
      [90, null, 19000],
    ]);
  });

  it('OUTER with tombstones: deleting one side leaves the other side padded; deleting both deletes the row', async () => {
    expect(
      await run('OUTER', [
        ['L', 1, { NAME: 'l', VALUE: 1 }, 1],
        ['R', 1, { F1: 'r', F2: 2 }, 2],
        ['L', 1, null, 3],
        ['R', 1, null, 4],
      ]),
    ).toEqual([
      [1, row('l', 1, null, null), 1],
      [1, row('l', 1, 'r', 2), 2],
      [1, row(null, null, 'r', 2), 3],
      [1, null, 4],
    ]);
  });
});

describe('multi-way joins', () => {
  it('chains a stream-table join and a second stream-table join in one task', async () => {
    const stream = streamSource('KafkaTopic_Left/Source', 'stream_topic', { key: [col('ID', BIGINT)], value: [col('S', STRING)] });
    const t1 = tableSource('KafkaTopic_Right/Source', 't1', { key: [col('ID', BIGINT)], value: [col('A', STRING)] });
    const t2 = tableSource('KafkaTopic_Right-2/Source', 't2', { key: [col('ID', BIGINT)], value: [col('B', STRING)] });
    const first = streamTableJoin('Join', stream, t1, 'LEFT', BIGINT);
    const second = streamTableJoin('Join/Join', first, t2, 'INNER', BIGINT);
    const f = await fixture({ stream_topic: 2, t1: 2, t2: 2, OUT: 2 });
    await f.runtime.start(sinkPlan('CSAS_OUT_0', second, 'OUT', false));
    await f.send('t2', 1, { B: 'b1' }, 0, 1);
    await f.send('stream_topic', 1, { S: 's1' }, 1, 1);
    await f.send('t1', 1, { A: 'a1' }, 2, 1);
    await f.send('stream_topic', 1, { S: 's2' }, 3, 1);
    await f.send('stream_topic', 2, { S: 'no-b' }, 4, 0);
    expect(await f.output('OUT')).toEqual([
      [1, { S: 's1', A: null, B: 'b1' }, 1],
      [1, { S: 's2', A: 'a1', B: 'b1' }, 3],
    ]);
  });

  it('chains table-table joins and restarts', async () => {
    const t3 = tableSource('KafkaTopic_Right-2/Source', 't3', { key: [col('ID', BIGINT)], value: [col('F3', STRING)] });
    const first = tableTableJoin('Join', leftTable, rightTable, 'INNER', BIGINT);
    const second = tableTableJoin('Join/Join', first, t3, 'LEFT', BIGINT);
    const f = await fixture({ left_topic: 1, right_topic: 1, t3: 1, OUT: 1 });
    const plan = sinkPlan('CTAS_OUT_0', second, 'OUT', true);
    await f.runtime.start(plan);
    await f.send('left_topic', 0, { NAME: 'x', VALUE: 0 }, 0);
    await f.send('t3', 0, { F3: 'three' }, 5);
    await f.send('right_topic', 0, { F1: 'y', F2: 50 }, 10);
    const restarted = await f.restart();
    await restarted.start(plan);
    await f.send('t3', 0, { F3: 'drei' }, 20);
    await f.send('right_topic', 0, null, 30);
    expect(await f.output('OUT')).toEqual([
      [0, { NAME: 'x', VALUE: 0, F1: 'y', F2: 50, F3: 'three' }, 10],
      [0, { NAME: 'x', VALUE: 0, F1: 'y', F2: 50, F3: 'drei' }, 20],
      [0, null, 30],
    ]);
  });
});
