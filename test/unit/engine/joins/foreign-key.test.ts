import { afterEach, describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../../engine/operators/index.js';
import { BIGINT, STRING, v } from '../expressions/exprs.js';
import { col, fixture, foreignKeyJoin, runtimes, sinkPlan, tableSource, tableTableJoin, type Fixture } from './helpers.js';

afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
});

const leftTable = tableSource('KafkaTopic_Left/Source', 'left_topic', { key: [col('L_ID', BIGINT)], value: [col('FOREIGN_KEY', BIGINT), col('NAME', STRING)] });
const middleTable = tableSource('KafkaTopic_Right/Source', 'middle_topic', { key: [col('M_ID', BIGINT)], value: [col('F2', BIGINT), col('OTHER', STRING)] });
const rightTable = tableSource('KafkaTopic_Right-2/Source', 'right_topic', { key: [col('R_ID', BIGINT)], value: [col('F3', BIGINT)] });

/** Sends to the partition a Kafka producer would pick for the JSON key. */
function send(f: Fixture, topic: string, partitions: number, key: number, value: unknown, ts: number): Promise<void> {
  return f.send(topic, key, value, ts, partitionForKey(Buffer.from(JSON.stringify(key)), partitions));
}

describe('foreign-key table-table join', () => {
  it('INNER, then a LEFT primary-key join (n-way); a changing foreign key re-joins without a tombstone; a delete propagates', async () => {
    const fk = foreignKeyJoin('Join', leftTable, middleTable, 'INNER', v(0, BIGINT, 'FOREIGN_KEY'));
    const plan = sinkPlan('CTAS_OUT_0', tableTableJoin('Join/Join', fk, rightTable, 'LEFT', BIGINT), 'OUT', true);
    const f = await fixture({ left_topic: 2, middle_topic: 3, right_topic: 2, OUT: 2 });
    await f.runtime.start(plan);
    await send(f, 'middle_topic', 3, 0, { F2: 100, OTHER: 'unused' }, 0);
    await send(f, 'left_topic', 2, 1, { FOREIGN_KEY: 0, NAME: 'one' }, 10000);
    await send(f, 'right_topic', 2, 1, { F3: 4 }, 11000);
    await send(f, 'middle_topic', 3, 8, { F2: 10, OTHER: 'unused' }, 13000);
    await send(f, 'left_topic', 2, 1, { FOREIGN_KEY: 8, NAME: 'one' }, 16000);
    await send(f, 'left_topic', 2, 1, null, 18000);
    expect(await f.output('OUT')).toEqual([
      [1, { FOREIGN_KEY: 0, NAME: 'one', F2: 100, OTHER: 'unused', F3: null }, 10000],
      [1, { FOREIGN_KEY: 0, NAME: 'one', F2: 100, OTHER: 'unused', F3: 4 }, 11000],
      [1, { FOREIGN_KEY: 8, NAME: 'one', F2: 10, OTHER: 'unused', F3: 4 }, 16000],
      [1, null, 18000],
    ]);
  });

  it('INNER: right-side updates reach every subscriber; a change to an unknown key deletes the row; right deletes delete', async () => {
    const plan = sinkPlan('CTAS_OUT_0', foreignKeyJoin('Join', leftTable, middleTable, 'INNER', v(0, BIGINT, 'FOREIGN_KEY')), 'OUT', true);
    const f = await fixture({ left_topic: 1, middle_topic: 1, OUT: 1 });
    await f.runtime.start(plan);
    await f.send('left_topic', 1, { FOREIGN_KEY: 5, NAME: 'a' }, 1);
    await f.send('left_topic', 2, { FOREIGN_KEY: 5, NAME: 'b' }, 2);
    await f.send('middle_topic', 5, { F2: 50, OTHER: 'x' }, 3);
    await f.send('middle_topic', 5, { F2: 55, OTHER: 'y' }, 4);
    await f.send('left_topic', 1, { FOREIGN_KEY: 6, NAME: 'a' }, 5);
    await f.send('middle_topic', 5, null, 6);
    await f.send('left_topic', 3, { FOREIGN_KEY: null, NAME: 'c' }, 7);
    expect(await f.output('OUT')).toEqual([
      [1, { FOREIGN_KEY: 5, NAME: 'a', F2: 50, OTHER: 'x' }, 3],
      [2, { FOREIGN_KEY: 5, NAME: 'b', F2: 50, OTHER: 'x' }, 3],
      [1, { FOREIGN_KEY: 5, NAME: 'a', F2: 55, OTHER: 'y' }, 4],
      [2, { FOREIGN_KEY: 5, NAME: 'b', F2: 55, OTHER: 'y' }, 4],
      [1, null, 5],
      [2, null, 6],
    ]);
  });

  it('LEFT: rows without a match (or with a null foreign key) are padded with nulls; deletes emit tombstones; state survives a restart', async () => {
    const plan = sinkPlan('CTAS_OUT_0', foreignKeyJoin('Join', leftTable, middleTable, 'LEFT', v(0, BIGINT, 'FOREIGN_KEY')), 'OUT', true);
    const f = await fixture({ left_topic: 1, middle_topic: 1, OUT: 1 });
    await f.runtime.start(plan);
    await f.send('left_topic', 1, { FOREIGN_KEY: 5, NAME: 'a' }, 1);
    await f.send('middle_topic', 5, { F2: 50, OTHER: 'x' }, 2);
    await f.send('left_topic', 2, { FOREIGN_KEY: null, NAME: 'b' }, 3);
    const restarted = await f.restart();
    await restarted.start(plan);
    await f.send('middle_topic', 5, { F2: 51, OTHER: 'x' }, 4);
    await f.send('left_topic', 1, { FOREIGN_KEY: 7, NAME: 'a' }, 5);
    await f.send('left_topic', 1, null, 6);
    await f.send('left_topic', 9, null, 7);
    expect(await f.output('OUT')).toEqual([
      [1, { FOREIGN_KEY: 5, NAME: 'a', F2: null, OTHER: null }, 1],
      [1, { FOREIGN_KEY: 5, NAME: 'a', F2: 50, OTHER: 'x' }, 2],
      [2, { FOREIGN_KEY: null, NAME: 'b', F2: null, OTHER: null }, 3],
      [1, { FOREIGN_KEY: 5, NAME: 'a', F2: 51, OTHER: 'x' }, 4],
      [1, { FOREIGN_KEY: 7, NAME: 'a', F2: null, OTHER: null }, 5],
      [1, null, 6],
    ]);
  });
});
