/**
 * Join sides re-keyed through repartition topics by the join builders: windowed sides keep their
 * windows (read back with the join's window size, so time windows of other sizes meet on their
 * start, as ksqlDB's bytes do), the right table of a foreign-key join is looked up through its
 * repartition topic, and the topics carry ksqlDB's names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRecordBatch, type Log } from '../../../../storage/log/index.js';
import { partitionForKey } from '../../../../engine/operators/index.js';
import type { Step } from '../../../../engine/steps/index.js';
import { BIGINT, k, v } from '../expressions/exprs.js';
import { FORMATS, col, fixture, foreignKeyJoin, runtimes, sinkPlan, streamStreamJoin, tableSource } from './helpers.js';

afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
});

/** ksqlDB's `<prefix>LeftSourceKeyed` step: the same key, through a repartition topic. */
function rekeyed(id: string, source: Step): Step {
  return {
    kind: 'selectKey@1',
    id,
    schema: source.schema,
    source,
    keyExpressions: source.schema.key.map((c, i) => k(i, c.type, c.name)),
    repartition: true,
    internalFormats: FORMATS,
  };
}

function windowedStream(id: string, topic: string, value: string, window: { kind: 'HOPPING' | 'TUMBLING'; sizeMs: number }): Step {
  return {
    kind: 'streamSource@1',
    id,
    schema: { key: [col('ID', BIGINT)], value: [col(value, BIGINT)] },
    topic,
    formats: FORMATS,
    window,
    timestamp: { kind: 'record' },
    headerColumns: [],
    materialize: false,
  };
}

/** A time-windowed JSON key: the key, then the window start as 8 bytes. */
async function sendWindowed(log: Log, topic: string, key: number, startMs: number, value: unknown, timestampMs: number): Promise<void> {
  const start = Buffer.alloc(8);
  start.writeBigInt64BE(BigInt(startMs));
  await log.append(topic, 0, encodeRecordBatch([{ key: Buffer.concat([Buffer.from(JSON.stringify(key)), start]), value: Buffer.from(JSON.stringify(value)), timestampMs }]));
}

function repartitionTopics(log: Log): string[] {
  return log
    .listTopics()
    .filter((t) => t.endsWith('-repartition'))
    .map((t) => t.replace(/^_confluent-ksql-[a-z_]*query_[A-Z]+_[A-Z]+_\d+-/, ''))
    .sort();
}

describe('join sides through repartition topics', () => {
  it('windowed streams moved into the join key format meet on their window start (ksqlDB: other sizes, same bytes)', async () => {
    const left = windowedStream('KafkaTopic_Left/Source', 'left_topic', 'LV', { kind: 'HOPPING', sizeMs: 5000 });
    const right = windowedStream('KafkaTopic_Right/Source', 'right_topic', 'RV', { kind: 'TUMBLING', sizeMs: 2000 });
    const join = streamStreamJoin('Join', rekeyed('LeftSourceKeyed', left), rekeyed('RightSourceKeyed', right), 'INNER', 60_000, 60_000, null, BIGINT);
    const f = await fixture({ left_topic: 1, right_topic: 1, OUT: 1 });
    await f.runtime.start(sinkPlan('CSAS_OUT_0', join, 'OUT', false));
    await sendWindowed(f.log, 'left_topic', 1, 0, { LV: 1 }, 0);
    await sendWindowed(f.log, 'left_topic', 1, 1000, { LV: 2 }, 1000);
    await sendWindowed(f.log, 'left_topic', 1, 2000, { LV: 3 }, 2000);
    await sendWindowed(f.log, 'right_topic', 1, 0, { RV: 4 }, 0);
    await sendWindowed(f.log, 'right_topic', 1, 2000, { RV: 5 }, 2000);
    await f.runtime.drain();
    expect(await f.output('OUT')).toEqual([
      [1, { LV: 1, RV: 4 }, 0],
      [1, { LV: 3, RV: 5 }, 2000],
    ]);
    expect(repartitionTopics(f.log)).toEqual(['Join-left-repartition', 'Join-right-repartition']);
  });

  it('a foreign-key join routes subscriptions by the key bytes of the right table’s repartition topic', async () => {
    const leftTable = tableSource('KafkaTopic_Left/Source', 'left_topic', { key: [col('L_ID', BIGINT)], value: [col('FOREIGN_KEY', BIGINT), col('NAME', BIGINT)] });
    const rightTable = tableSource('KafkaTopic_Right/Source', 'right_topic', { key: [col('R_ID', BIGINT)], value: [col('F2', BIGINT)] });
    const plan = sinkPlan('CTAS_OUT_0', foreignKeyJoin('Join', leftTable, rekeyed('RightSourceKeyed', rightTable), 'INNER', v(0, BIGINT, 'FOREIGN_KEY')), 'OUT', true);
    const f = await fixture({ left_topic: 2, right_topic: 3, OUT: 2 });
    await f.runtime.start(plan);
    const send = (topic: string, partitions: number, key: number, value: unknown, ts: number) =>
      f.send(topic, key, value, ts, partitionForKey(Buffer.from(JSON.stringify(key)), partitions));
    for (let id = 0; id < 6; id++) await send('right_topic', 3, id, { F2: id * 100 }, id);
    for (let id = 0; id < 6; id++) await send('left_topic', 2, 10 + id, { FOREIGN_KEY: id, NAME: id }, 100 + id);
    const out = (await f.output('OUT')).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(out).toEqual([0, 1, 2, 3, 4, 5].map((id) => [10 + id, { FOREIGN_KEY: id, NAME: id, F2: id * 100 }, 100 + id]));
    expect(repartitionTopics(f.log)).toEqual(['RightSourceKeyed-SelectKey-repartition']);
  });
});
