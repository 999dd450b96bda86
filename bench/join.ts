/**
 * `npm run bench -- join [--events N] [--keys N] [--runs N]`: a stream of N JSON events joined with
 * a table of 100k keys (stream-table LEFT JOIN, CREATE STREAM ... AS SELECT), with the lmdb state
 * backend (and memory for reference), against a hand-written JS loop doing the same enrichment
 * from a Map (JSON.parse of the table rows and the events, JSON.stringify of each output row),
 * measured in the same run. Both sides load the table first (its records are older than every
 * event), and both are timed over the table load plus the events; records/s counts the events.
 */
import { random, runQuery, type BenchRecord, type Backend, type QueryRun } from './aggregate.js';
import { numberOption, parseOptions, printResultLine, printTable } from './util.js';

const EVENTS_TOPIC = 'bench_clicks';
const USERS_TOPIC = 'bench_users';
const SINK_TOPIC = 'ENRICHED';

export const JOIN_BENCH_STATEMENTS: readonly string[] = [
  `CREATE TABLE USERS (ID STRING PRIMARY KEY, NAME STRING, REGION STRING) WITH (KAFKA_TOPIC='${USERS_TOPIC}', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON', PARTITIONS=1);`,
  `CREATE STREAM CLICKS (USER_ID STRING KEY, URL STRING, AMOUNT DOUBLE) WITH (KAFKA_TOPIC='${EVENTS_TOPIC}', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON', PARTITIONS=1);`,
  `CREATE STREAM ENRICHED AS SELECT C.USER_ID AS USER_ID, C.URL, C.AMOUNT, U.NAME, U.REGION FROM CLICKS C LEFT JOIN USERS U ON C.USER_ID = U.ID EMIT CHANGES;`,
];

const REGIONS = ['emea', 'apac', 'amer', 'latam'];

export function generateUsers(keys: number): BenchRecord[] {
  const out: BenchRecord[] = new Array(keys);
  for (let i = 0; i < keys; i++) {
    out[i] = { key: Buffer.from(`user-${i}`), value: Buffer.from(JSON.stringify({ NAME: `name ${i}`, REGION: REGIONS[i % REGIONS.length] })), timestampMs: 1_600_000_000_000 };
  }
  return out;
}

/** Events for user ids in [0, keys * 1.1): about 9% find no user (the LEFT JOIN's nulls). */
export function generateClicks(count: number, keys: number, seed: number): BenchRecord[] {
  const next = random(seed);
  const out: BenchRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const user = Math.floor(next() * keys * 1.1);
    out[i] = {
      key: Buffer.from(`user-${user}`),
      value: Buffer.from(JSON.stringify({ URL: `/product/${i % 5000}`, AMOUNT: Math.round(next() * 10_000) / 100 })),
      timestampMs: 1_700_000_000_000 + i,
    };
  }
  return out;
}

export function runJoinHandLoop(users: readonly BenchRecord[], clicks: readonly BenchRecord[]): QueryRun {
  const started = performance.now();
  const table = new Map<string, { NAME: string | null; REGION: string | null }>();
  for (const user of users) table.set(user.key.toString('utf8'), JSON.parse(user.value.toString('utf8')) as { NAME: string; REGION: string });
  let outputBytes = 0;
  for (let i = 0; i < clicks.length; i++) {
    const click = clicks[i]!;
    const key = click.key.toString('utf8');
    const event = JSON.parse(click.value.toString('utf8')) as { URL: string | null; AMOUNT: number | null };
    const user = table.get(key);
    const output = Buffer.from(JSON.stringify({ URL: event.URL, AMOUNT: event.AMOUNT, NAME: user?.NAME ?? null, REGION: user?.REGION ?? null }));
    outputBytes += output.length;
  }
  const elapsedMs = performance.now() - started;
  if (outputBytes === 0 && clicks.length > 0) throw new Error('the hand loop produced nothing');
  return { elapsedMs, outputRecords: clicks.length };
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args, { events: '1000000', keys: '100000', runs: '2' });
  const eventCount = numberOption(options, 'events');
  const keys = numberOption(options, 'keys');
  const runs = numberOption(options, 'runs');
  const users = generateUsers(keys);
  const clicks = generateClicks(eventCount, keys, 42);
  const inputs = [
    { topic: USERS_TOPIC, records: users },
    { topic: EVENTS_TOPIC, records: clicks },
  ];

  const warmClicks = clicks.slice(0, Math.min(clicks.length, 50_000));
  runJoinHandLoop(users, warmClicks);
  await runQuery('lmdb', [inputs[0]!, { topic: EVENTS_TOPIC, records: warmClicks }], JOIN_BENCH_STATEMENTS, SINK_TOPIC);

  const best: Record<'hand' | Backend, number> = { hand: Number.POSITIVE_INFINITY, memory: Number.POSITIVE_INFINITY, lmdb: Number.POSITIVE_INFINITY };
  const outputs: Record<'hand' | Backend, number> = { hand: 0, memory: 0, lmdb: 0 };
  for (let i = 0; i < runs; i++) {
    const hand = runJoinHandLoop(users, clicks);
    best.hand = Math.min(best.hand, hand.elapsedMs);
    outputs.hand = hand.outputRecords;
    for (const backend of ['lmdb', 'memory'] as const) {
      const result = await runQuery(backend, inputs, JOIN_BENCH_STATEMENTS, SINK_TOPIC);
      best[backend] = Math.min(best[backend], result.elapsedMs);
      outputs[backend] = result.outputRecords;
    }
  }
  for (const backend of ['memory', 'lmdb'] as const) {
    if (outputs[backend] !== outputs.hand) throw new Error(`the query (${backend}) and the hand loop disagree: expected ${outputs.hand} output records, found ${outputs[backend]}`);
  }
  const rate = (ms: number): number => (eventCount * 1000) / ms;
  printTable(
    `join: ${eventCount.toLocaleString('en-US')} JSON events LEFT JOIN a table of ${keys.toLocaleString('en-US')} keys (best of ${runs})`,
    ['path', 'events/s', 'seconds', 'output records', 'ratio to hand loop'],
    [
      ['Sluice CSAS, lmdb state', rate(best.lmdb), best.lmdb / 1000, outputs.lmdb, best.hand / best.lmdb],
      ['Sluice CSAS, memory state', rate(best.memory), best.memory / 1000, outputs.memory, best.hand / best.memory],
      ['hand-written JS loop (Map)', rate(best.hand), best.hand / 1000, outputs.hand, 1],
    ],
  );
  console.log(`\nratio lmdb / hand loop: ${(best.hand / best.lmdb).toFixed(3)} (goal >= 0.3)`);
  printResultLine(
    'join',
    { events: eventCount, keys, lmdb_records_per_s: rate(best.lmdb), memory_records_per_s: rate(best.memory), hand_loop_records_per_s: rate(best.hand) },
    { lmdb_over_hand_loop: best.hand / best.lmdb, memory_over_hand_loop: best.hand / best.memory },
  );
}
