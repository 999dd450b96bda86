/**
 * Internal topic key formats end to end: a new plan writes the repartition topics' keys in the
 * source's KAFKA format; a plan stored by an earlier version (JSON internal keys) replays from the
 * command log exactly as it was written, with the same results in the sink.
 */
import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecordBatch } from '../../../../storage/log/index.js';
import { CommandLog, type StoredCommand } from '../../../../queries/commands/index.js';
import { walkSteps, type Step } from '../../../../engine/steps/index.js';
import { engineOver, newEnv, produceJson, readTopic, reopen, type TestEnv } from '../helpers.js';

const STATEMENTS = [
  "CREATE STREAM S (NAME STRING, TID INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');",
  "CREATE TABLE T (ID INT PRIMARY KEY, LABEL STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');",
  'CREATE TABLE COUNTS AS SELECT NAME, COUNT(*) AS N FROM S GROUP BY NAME;',
  'CREATE STREAM ENRICHED AS SELECT S.TID, NAME, LABEL FROM S JOIN T ON S.TID = T.ID;',
];

async function produceInputs(env: TestEnv): Promise<void> {
  // KAFKA INT keys for the table: 4 bytes big-endian.
  const intKey = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  for (const [id, label] of [
    [1, 'one'],
    [2, 'two'],
  ] as const) {
    await env.log.append('t', 0, encodeRecordBatch([{ key: intKey(id), value: Buffer.from(JSON.stringify({ LABEL: label })), timestampMs: 0 }]));
  }
  await produceJson(env.log, 's', [
    { value: { NAME: 'a', TID: 1 }, timestampMs: 10 },
    { value: { NAME: 'b', TID: 2 }, timestampMs: 20 },
    { value: { NAME: 'a', TID: 2 }, timestampMs: 30 },
  ]);
}

/** Raw keys of every record of the internal topic whose name ends with `suffix`. */
async function internalKeys(env: TestEnv, suffix: string): Promise<Buffer[]> {
  const topic = env.log.listTopics().find((t) => t.endsWith(suffix));
  if (topic === undefined) throw new Error(`no topic ending with ${suffix}: ${env.log.listTopics().join(', ')}`);
  const keys: Buffer[] = [];
  for (let partition = 0; partition < env.log.describeTopic(topic).partitions; partition++) {
    const { logStartOffset, highWatermark } = env.log.offsets(topic, partition);
    if (logStartOffset === highWatermark) continue;
    const read = await env.log.read(topic, partition, logStartOffset, 1 << 20);
    for (const batch of read.batches) for (const record of decodeRecords(batch)) keys.push(record.key ?? Buffer.alloc(0));
  }
  return keys;
}

async function sinkRows(env: TestEnv, topic: string): Promise<Array<[string | null, unknown]>> {
  return (await readTopic(env.log, topic)).map((r) => [r.key, r.value]);
}

function internalKeyFormats(sink: Step): string[] {
  const out: string[] = [];
  walkSteps(sink, (step) => {
    if ((step.kind === 'groupBy@1' || (step.kind === 'selectKey@1' && step.repartition)) && step.internalFormats !== undefined) {
      out.push(`${step.id}:${step.internalFormats.key.format}`);
    }
  });
  return out.sort();
}

async function setUp(env: TestEnv): Promise<void> {
  await env.log.createTopic('s', { partitions: 1 });
  await env.log.createTopic('t', { partitions: 1 });
}

describe('internal topic key formats, end to end', () => {
  it('new plans write KAFKA internal keys; plans stored with JSON internal keys replay as written', async () => {
    // The current planner.
    let env = await newEnv();
    await setUp(env);
    let engine = await engineOver(env);
    for (const sql of STATEMENTS) await engine.execute(sql);
    expect(engine.runtime.list().flatMap((q) => internalKeyFormats(q.plan.sink))).toEqual(['Aggregate/GroupBy:KAFKA', 'LeftSourceKeyed:KAFKA']);
    await produceInputs(env);
    await engine.runtime.drain();
    const counts = await sinkRows(env, 'COUNTS');
    const enriched = await sinkRows(env, 'ENRICHED');
    expect(counts).toEqual([
      ['a', { N: 1 }],
      ['b', { N: 1 }],
      ['a', { N: 2 }],
    ]);
    expect(enriched.map(([, v]) => v)).toEqual([
      { NAME: 'a', LABEL: 'one' },
      { NAME: 'b', LABEL: 'two' },
      { NAME: 'a', LABEL: 'two' },
    ]);
    // KAFKA STRING keys are the UTF-8 bytes; KAFKA INT keys 4 bytes big-endian.
    expect((await internalKeys(env, 'Aggregate-GroupBy-repartition')).map((k) => k.toString('utf8'))).toEqual(['a', 'b', 'a']);
    expect((await internalKeys(env, 'Join-repartition')).map((k) => k.toString('hex'))).toEqual(['00000001', '00000002', '00000002']);

    // A restart replays the stored plans: still KAFKA.
    const stored = await (await CommandLog.open(env.log, '_commands')).readAll();
    await engine.close();
    env = await reopen(env);
    engine = await engineOver(env);
    expect(engine.runtime.list().flatMap((q) => internalKeyFormats(q.plan.sink))).toEqual(['Aggregate/GroupBy:KAFKA', 'LeftSourceKeyed:KAFKA']);
    await engine.close();

    // The same commands as an earlier version stored them: JSON internal keys.
    const old = await newEnv();
    await setUp(old);
    const log = await CommandLog.open(old.log, '_commands');
    for (const entry of stored) {
      const copy = JSON.parse(JSON.stringify({ version: entry.version, statementText: entry.statementText, command: entry.command, timestampMs: entry.timestampMs })) as StoredCommand;
      if (copy.command.kind === 'createQuery') {
        walkSteps(copy.command.query.plan.sink, (step) => {
          if ('internalFormats' in step && step.internalFormats !== undefined) step.internalFormats.key = { format: 'JSON', properties: {} };
        });
      }
      await log.append(copy);
    }
    const replayed = await engineOver(old);
    expect(replayed.runtime.list().flatMap((q) => internalKeyFormats(q.plan.sink))).toEqual(['Aggregate/GroupBy:JSON', 'LeftSourceKeyed:JSON']);
    await produceInputs(old);
    await replayed.runtime.drain();
    expect((await internalKeys(old, 'Aggregate-GroupBy-repartition')).map((k) => k.toString('utf8'))).toEqual(['"a"', '"b"', '"a"']);
    expect((await internalKeys(old, 'Join-repartition')).map((k) => k.toString('utf8'))).toEqual(['1', '2', '2']);
    expect(await sinkRows(old, 'COUNTS')).toEqual(counts);
    expect(await sinkRows(old, 'ENRICHED')).toEqual(enriched);
    await replayed.close();
  });
});
