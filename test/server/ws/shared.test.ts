/**
 * server/ws shared push queries (fanout.ts): subscriptions to the same stateless stream query
 * reading from the latest offsets share one running query, through the real engine; and a
 * subscriber's bounded queue, drained as one frame or cut off with SERVER_SLOW_CONSUMER.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createQueryEngine, type QueryEngine } from '../../../queries/index.js';
import { startHttpServer, type HttpServer } from '../../../server/http/index.js';
import { RowBatch, SharedSubscriber, websocketPlugin } from '../../../server/ws/index.js';
import { MemoryFileSystem } from '../../../storage/fs/index.js';
import { encodeRecordBatch, openLog, type Log } from '../../../storage/log/index.js';
import { eventually, h1 } from '../http/helpers.js';

let log: Log;
let engine: QueryEngine;
let server: HttpServer;
let wsUrl: string;

beforeAll(async () => {
  log = await openLog({ dataDir: '/data', fs: new MemoryFileSystem(), maintenanceIntervalMs: 0 });
  engine = await createQueryEngine({ log });
  server = await startHttpServer({ engine, log, host: '127.0.0.1', port: 0, plugins: [websocketPlugin] });
  wsUrl = server.url.replace(/^http/, 'ws') + '/ws';
  await engine.execute("CREATE STREAM S (ID STRING KEY, V INT) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON');");
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
  await log?.close();
});

let sequence = 0;
async function append(...values: number[]): Promise<void> {
  const records = values.map((v) => ({ key: Buffer.from(`k${sequence++}`), value: Buffer.from(JSON.stringify({ V: v })), timestampMs: 1000 }));
  await log.append('s', 0, encodeRecordBatch(records));
}

class Client {
  readonly socket: WebSocket;
  readonly messages: any[] = [];
  readonly opened: Promise<void>;
  constructor() {
    this.socket = new WebSocket(wsUrl);
    this.opened = new Promise((resolve, reject) => this.socket.once('open', () => resolve()).once('error', reject));
    this.socket.on('message', (data) => this.messages.push(JSON.parse(data.toString())));
  }
  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }
  of(id: string, type?: string): any[] {
    return this.messages.filter((m) => m.id === id && (type === undefined || m.type === type));
  }
  values(id: string): unknown[] {
    return this.of(id, 'rows').flatMap((m) => m.rows.map((r: unknown[]) => r[1]));
  }
  async subscribe(id: string, sql: string, properties: object = {}): Promise<string> {
    await this.opened;
    this.send({ type: 'subscribe', id, sql, properties });
    await eventually(() => expect(this.of(id, 'header').length + this.of(id, 'error').length).toBe(1));
    if (this.of(id, 'error').length > 0) throw new Error(this.of(id, 'error')[0].message);
    return this.of(id, 'header')[0].queryId as string;
  }
}

const runningId = (subscriptionQueryId: string) => subscriptionQueryId.replace(/_\d+$/, '');

describe('shared push queries on /ws', () => {
  it('subscriptions to the same query share one running query; each gets every row', async () => {
    const a = new Client();
    const b = new Client();
    const sql = 'SELECT ID, V FROM S EMIT CHANGES;';
    const idA = await a.subscribe('q', sql);
    const idB = await b.subscribe('other', sql);
    expect(idA).toMatch(/^transient_S_\d+_1$/);
    expect(runningId(idB)).toBe(runningId(idA));
    expect(idB).not.toBe(idA);
    expect(engine.runtime.get(runningId(idA))).toBeDefined();
    await append(1, 2);
    await append(3);
    await eventually(() => {
      expect(a.values('q')).toEqual([1, 2, 3]);
      expect(b.values('other')).toEqual([1, 2, 3]);
    });
    // Rows produced together come in one frame.
    expect(a.of('q', 'rows')[0].rows.length).toBeGreaterThanOrEqual(2);
    // One leaves: the other goes on; the last one leaving stops the query.
    a.send({ type: 'unsubscribe', id: 'q' });
    await eventually(() => expect(a.of('q', 'done')).toEqual([{ type: 'done', id: 'q', reason: 'unsubscribed' }]));
    await append(4);
    await eventually(() => expect(b.values('other')).toEqual([1, 2, 3, 4]));
    expect(a.values('q')).toEqual([1, 2, 3]);
    b.socket.close();
    await eventually(() => expect(engine.runtime.get(runningId(idA))).toBeUndefined());
    a.socket.close();
  });

  it('LIMIT applies per subscriber; /close-query ends one subscription', async () => {
    const a = new Client();
    const b = new Client();
    const idA = await a.subscribe('q', 'SELECT ID, V FROM S EMIT CHANGES LIMIT 2;');
    const idB = await b.subscribe('q', 'SELECT ID, V FROM S EMIT CHANGES LIMIT 2;');
    expect(runningId(idB)).toBe(runningId(idA));
    await append(10);
    await eventually(() => expect(b.values('q')).toEqual([10]));
    const closed = await h1(server.url, '/close-query', { body: { queryId: idB } });
    expect(closed.status).toBe(200);
    await eventually(() => expect(b.of('q', 'done')).toEqual([{ type: 'done', id: 'q', reason: 'closed' }]));
    await append(11, 12);
    await eventually(() => expect(a.of('q', 'done')).toEqual([{ type: 'done', id: 'q', reason: 'limit' }]));
    expect(a.values('q')).toEqual([10, 11]);
    expect(b.values('q')).toEqual([10]);
    await eventually(() => expect(engine.runtime.get(runningId(idA))).toBeUndefined());
    a.socket.close();
    b.socket.close();
  });

  it('queries reading from the earliest offsets, or with other properties, are not shared', async () => {
    const a = new Client();
    const earliest = await a.subscribe('e', 'SELECT ID, V FROM S EMIT CHANGES;', { 'auto.offset.reset': 'earliest' });
    expect(earliest).toMatch(/^transient_S_\d+$/);
    await eventually(() => expect(a.values('e').length).toBeGreaterThanOrEqual(6));
    const latest1 = await a.subscribe('l1', 'SELECT ID, V FROM S EMIT CHANGES;');
    const latest2 = await a.subscribe('l2', 'SELECT ID, V FROM S EMIT CHANGES;', { 'ksql.streams.auto.offset.reset': 'latest' });
    expect(runningId(latest2)).not.toBe(runningId(latest1));
    a.socket.close();
  });
});

type SocketSender = ConstructorParameters<typeof SharedSubscriber>[1];
type SubscriberEnd = Awaited<ReturnType<SharedSubscriber['whenEnded']>>;

/** A socket stand-in: `bufferedAmount` is set by the test; frames sent are recorded. */
function fakeSender(): { sender: SocketSender; frames: string[]; socket: { bufferedAmount: number; readyState: number } } {
  const frames: string[] = [];
  const socket = {
    readyState: WebSocket.OPEN,
    bufferedAmount: 0,
    send: (data: Buffer | string) => void frames.push(data.toString()),
  };
  const sender = { socket, closed: new AbortController().signal } as unknown as SocketSender;
  return { sender, frames, socket };
}

describe('a shared query subscriber', () => {
  const options = { highWaterBytes: 1000, pendingBytesMax: 100, slowConsumerTimeoutMs: 1000 };

  it('sends a batch as one shared frame; while the socket is backed up rows queue and leave as one frame', () => {
    const { sender, frames, socket } = fakeSender();
    const subscriber = new SharedSubscriber('q', sender, null, options);
    subscriber.ready = true;
    const batch = new RowBatch(['[1]', '[2]']);
    expect(subscriber.deliver(batch, 0)).toBe(true);
    expect(frames).toEqual(['{"type":"rows","id":"q","rows":[[1],[2]]}']);
    expect(batch.frameFor('"q"')).toBe(batch.frameFor('"q"'));
    socket.bufferedAmount = 5000;
    subscriber.deliver(new RowBatch(['[3]']), 10);
    subscriber.deliver(new RowBatch(['[4]', '[5]']), 20);
    expect(frames).toHaveLength(1);
    expect(subscriber.blocked).toBe(true);
    subscriber.drain(30);
    expect(frames).toHaveLength(1);
    socket.bufferedAmount = 0;
    subscriber.drain(40);
    expect(frames[1]).toBe('{"type":"rows","id":"q","rows":[[3],[4],[5]]}');
    expect(subscriber.blocked).toBe(false);
    expect(subscriber.ended).toBe(false);
  });

  it('is cut off with SERVER_SLOW_CONSUMER when its queue overflows or its socket takes nothing for the timeout', async () => {
    const overflow = fakeSender();
    overflow.socket.bufferedAmount = 5000;
    const a = new SharedSubscriber('a', overflow.sender, null, options);
    a.ready = true;
    const row = `[${'1'.repeat(40)}]`;
    let delivered = 0;
    while (a.deliver(new RowBatch([row]), 0)) delivered++;
    expect(delivered).toBe(2); // 3 x 42 bytes > 100
    const endA: SubscriberEnd = await a.whenEnded();
    expect(endA.kind).toBe('failed');
    expect((endA as { error: { code: string; message: string } }).error.code).toBe('SERVER_SLOW_CONSUMER');
    expect(overflow.frames).toEqual([]);

    const stalled = fakeSender();
    stalled.socket.bufferedAmount = 5000;
    const b = new SharedSubscriber('b', stalled.sender, null, options);
    b.ready = true;
    b.deliver(new RowBatch(['[1]']), 0);
    b.drain(500);
    stalled.socket.bufferedAmount = 4000; // progress: the clock restarts
    b.drain(900);
    b.drain(1800);
    expect(b.ended).toBe(false);
    b.drain(1900);
    const endB = await b.whenEnded();
    expect(endB.kind).toBe('failed');
    expect((endB as { error: { message: string } }).error.message).toMatch(/took nothing for 1000 ms/);
  });

  it('takes rows only once its header is sent, and stops at its LIMIT', async () => {
    const { sender, frames } = fakeSender();
    const subscriber = new SharedSubscriber('q', sender, 3, options);
    expect(subscriber.deliver(new RowBatch(['[0]']), 0)).toBe(true);
    expect(frames).toEqual([]);
    subscriber.ready = true;
    expect(subscriber.deliver(new RowBatch(['[1]', '[2]']), 0)).toBe(true);
    expect(subscriber.deliver(new RowBatch(['[3]', '[4]']), 0)).toBe(false);
    expect(frames).toEqual(['{"type":"rows","id":"q","rows":[[1],[2]]}', '{"type":"rows","id":"q","rows":[[3]]}']);
    expect(await subscriber.whenEnded()).toEqual({ kind: 'limit' });
  });
});
