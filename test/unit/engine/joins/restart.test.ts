/**
 * Kill and restart: a stream-table join and a stream-stream join, killed in the middle (the
 * process dies: no close, no final commit; the log is reopened from the same disk) and restarted
 * from their committed state, produce the same output as an uninterrupted run.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock, withLimits } from '../../../../common/index.js';
import { MemoryFileSystem } from '../../../../storage/fs/index.js';
import { openLog, type Log } from '../../../../storage/log/index.js';
import { QueryRuntime } from '../../../../engine/runtime/index.js';
import type { QueryPlan } from '../../../../engine/steps/index.js';
import { BIGINT, STRING, testFunctions } from '../expressions/exprs.js';
import { produce, readTopic, serdes, tableFunctions } from '../operators/helpers.js';
import { col, sinkPlan, streamSource, streamStreamJoin, streamTableJoin, tableSource } from './helpers.js';

type Input = [topic: string, key: number, value: Record<string, unknown> | null, timestampMs: number];

async function runWithKills(plan: QueryPlan, topics: string[], inputs: Input[], killAfter: number[]): Promise<Array<[unknown, unknown, number]>> {
  const fs = new MemoryFileSystem();
  const clock = new SimulatedClock(1_000_000);
  const open = (): Promise<Log> => openLog({ dataDir: '/data', fs, clock, limits: withLimits(), maintenanceIntervalMs: 0 });
  let log = await open();
  for (const topic of [...topics, 'OUT']) await log.createTopic(topic, { partitions: 2 });
  const start = async (): Promise<QueryRuntime> => {
    const runtime = new QueryRuntime({ log, clock, serdes, functions: testFunctions(), tableFunctions, mode: 'deterministic' });
    await runtime.start(plan);
    return runtime;
  };
  let runtime = await start();
  for (let i = 0; i < inputs.length; i++) {
    const [topic, key, value, ts] = inputs[i]!;
    clock.advance(1000);
    await produce(log, topic, key % 2, [{ key: JSON.stringify(key), value: value === null ? null : JSON.stringify(value), timestampMs: ts }]);
    await runtime.drain();
    if (killAfter.includes(i)) {
      // The process dies: what the OS had is kept, nothing is closed or committed any more.
      fs.crash({ unsynced: 'all' });
      log = await open();
      runtime = await start();
    }
  }
  const out = (await readTopic(log, 'OUT')).records.map((r): [unknown, unknown, number] => [JSON.parse(r.key!), r.value === null ? null : JSON.parse(r.value), r.timestampMs]);
  await runtime.close();
  return out;
}

describe('joins killed and restarted', () => {
  it('stream-table LEFT join: the same output as an uninterrupted run', async () => {
    const stream = streamSource('KafkaTopic_Left/Source', 'events', { key: [col('ID', BIGINT)], value: [col('E', STRING)] });
    const table = tableSource('KafkaTopic_Right/Source', 'users', { key: [col('ID', BIGINT)], value: [col('NAME', STRING)] });
    const plan = sinkPlan('CSAS_OUT_0', streamTableJoin('Join', stream, table, 'LEFT', BIGINT), 'OUT', false);
    const inputs: Input[] = [];
    for (let i = 0; i < 40; i++) {
      if (i % 3 === 0) inputs.push(['users', i % 7, i % 11 === 0 ? null : { NAME: `n${i}` }, i]);
      else inputs.push(['events', i % 7, { E: `e${i}` }, i]);
    }
    const uninterrupted = await runWithKills(plan, ['events', 'users'], inputs, []);
    const killed = await runWithKills(plan, ['events', 'users'], inputs, [5, 17, 18, 30]);
    expect(uninterrupted.length).toBeGreaterThan(20);
    expect(killed).toEqual(uninterrupted);
  });

  it('stream-stream OUTER join with grace: the same output as an uninterrupted run', async () => {
    const left = streamSource('KafkaTopic_Left/Source', 'left_topic', { key: [col('ID', BIGINT)], value: [col('L', STRING)] });
    const right = streamSource('KafkaTopic_Right/Source', 'right_topic', { key: [col('ID', BIGINT)], value: [col('R', STRING)] });
    const plan = sinkPlan('CSAS_OUT_0', streamStreamJoin('Join', left, right, 'OUTER', 100, 100, 50, BIGINT), 'OUT', false);
    const inputs: Input[] = [];
    for (let i = 0; i < 60; i++) inputs.push([i % 2 === 0 ? 'left_topic' : 'right_topic', i % 3, i % 2 === 0 ? { L: `l${i}` } : { R: `r${i}` }, i * 40 - (i % 4) * 30]);
    const uninterrupted = await runWithKills(plan, ['left_topic', 'right_topic'], inputs, []);
    const killed = await runWithKills(plan, ['left_topic', 'right_topic'], inputs, [3, 11, 12, 25, 40]);
    expect(uninterrupted.length).toBeGreaterThan(20);
    expect(killed).toEqual(uninterrupted);
  });
});
