/**
 * server/ws: ksqlDB's /ws/query and Sluice's /ws subscription protocol, over real sockets.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { defaultLimits } from '../../../common/index.js';
import { websocketPlugin } from '../../../server/ws/index.js';
import { CREATE_S, eventually, h1, sleep, startTestServer, type TestServer } from '../http/helpers.js';

let t: TestServer;
let wsUrl: string;
const EARLIEST = { 'ksql.streams.auto.offset.reset': 'earliest' };

beforeAll(async () => {
  t = await startTestServer({ plugins: [websocketPlugin], limits: { ...defaultLimits, pushQueriesMax: 20 } });
  wsUrl = t.url.replace(/^http/, 'ws');
  await h1(t.url, '/ksql', { body: { ksql: CREATE_S } });
  await h1(t.url, '/ksql', { body: { ksql: "CREATE TABLE T (ID STRING PRIMARY KEY, N BIGINT) WITH (KAFKA_TOPIC='t', PARTITIONS=1, VALUE_FORMAT='JSON');" } });
  t.engine.publish('S', ['a', 1.5]);
  t.engine.publish('S', ['b', 2]);
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await eventually(() => expect(t.engine.openQueries.size).toBe(0));
});

/** A socket that records every message and its close. */
class Client {
  readonly socket: WebSocket;
  readonly messages: any[] = [];
  readonly raw: string[] = [];
  closeCode: number | null = null;
  closeReason = '';
  readonly opened: Promise<void>;
  readonly closed: Promise<void>;
  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      this.socket.once('close', (code, reason) => {
        this.closeCode = code;
        this.closeReason = reason.toString();
        resolve();
      }),
    );
    this.socket.on('message', (data) => {
      this.raw.push(data.toString());
      this.messages.push(JSON.parse(data.toString()));
    });
  }
  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }
  of(id: string, type?: string): any[] {
    return this.messages.filter((m) => m.id === id && (type === undefined || m.type === type));
  }
  rowsOf(id: string): unknown[][] {
    return this.of(id, 'rows').flatMap((m) => m.rows);
  }
}

function ksqlWs(request: object): Client {
  return new Client(`${wsUrl}/ws/query?request=${encodeURIComponent(JSON.stringify(request))}&version=1`);
}

describe('GET /ws/query (ksqlDB)', () => {
  it('sends the schema, one frame per row, and closes 1000 done at LIMIT', async () => {
    const c = ksqlWs({ ksql: 'SELECT ID, V FROM S EMIT CHANGES LIMIT 2;', streamsProperties: EARLIEST });
    await c.closed;
    expect(c.closeCode).toBe(1000);
    expect(c.closeReason).toBe('done');
    expect(c.messages).toEqual([
      [
        { name: 'ID', schema: { type: 'STRING', fields: null, memberSchema: null } },
        { name: 'V', schema: { type: 'DOUBLE', fields: null, memberSchema: null } },
      ],
      { row: { columns: ['a', 1.5] } },
      { row: { columns: ['b', 2] } },
    ]);
    expect(c.raw[2]).toBe('{"row":{"columns":["b",2.0]}}');
  });

  it('closes 1003 with the message for a bad request or statement', async () => {
    const bad = ksqlWs({ ksql: 'SELECT nope FROM S EMIT CHANGES;' });
    await bad.closed;
    expect(bad.closeCode).toBe(1003);
    expect(bad.closeReason).toBe("Column 'NOPE' cannot be resolved.");
    const missing = new Client(`${wsUrl}/ws/query`);
    await missing.closed;
    expect(missing.closeCode).toBe(1003);
    expect(missing.closeReason).toMatch(/request/);
  });

  it('stops the query when the client closes the socket', async () => {
    const c = ksqlWs({ ksql: 'SELECT * FROM S EMIT CHANGES;', streamsProperties: EARLIEST });
    await eventually(() => expect(c.messages.length).toBe(3));
    expect(t.engine.openQueries.size).toBe(1);
    c.socket.close();
    await eventually(() => expect(t.engine.openQueries.size).toBe(0));
  });
});

describe('GET /ws (subscriptions)', () => {
  it('streams: header, rows, done at LIMIT', async () => {
    const c = new Client(`${wsUrl}/ws`);
    await c.opened;
    c.send({ type: 'subscribe', id: 'q1', sql: 'SELECT ID, V FROM S EMIT CHANGES LIMIT 2;', properties: EARLIEST });
    await eventually(() => expect(c.of('q1', 'done')).toHaveLength(1));
    expect(c.of('q1', 'header')[0]).toEqual({
      type: 'header',
      id: 'q1',
      queryId: expect.stringMatching(/^transient_S_/),
      kind: 'STREAM',
      columns: [
        { name: 'ID', type: 'STRING', key: true },
        { name: 'V', type: 'DOUBLE', key: false },
      ],
      key: ['ID'],
    });
    expect(c.rowsOf('q1')).toEqual([['a', 1.5], ['b', 2]]);
    expect(c.of('q1', 'done')[0]).toEqual({ type: 'done', id: 'q1', reason: 'limit' });
    c.socket.close();
  });

  it('batches rows produced together into one frame', async () => {
    const c = new Client(`${wsUrl}/ws`);
    await c.opened;
    c.send({ type: 'subscribe', id: 'burst', sql: 'SELECT ID FROM S EMIT CHANGES;' });
    await eventually(() => expect(c.of('burst', 'header')).toHaveLength(1));
    for (let i = 0; i < 100; i++) t.engine.publish('S', [`r${i}`, i]);
    await eventually(() => expect(c.rowsOf('burst')).toHaveLength(100));
    expect(c.of('burst', 'rows').length).toBeLessThan(10);
    expect(c.rowsOf('burst').map((r) => r[0])).toEqual(Array.from({ length: 100 }, (_, i) => `r${i}`));
    c.socket.close();
  });

  it('tables: keyed upserts and deletes', async () => {
    const c = new Client(`${wsUrl}/ws`);
    await c.opened;
    c.send({ type: 'subscribe', id: 't', sql: 'SELECT * FROM T EMIT CHANGES;' });
    await eventually(() => expect(c.of('t', 'header')).toHaveLength(1));
    expect(c.of('t', 'header')[0]).toMatchObject({ kind: 'TABLE', key: ['ID'] });
    t.engine.publish('T', ['k1', 1]);
    await sleep(20);
    t.engine.publish('T', ['k1', 2]);
    await sleep(20);
    t.engine.publishTombstone('T', ['k1']);
    await eventually(() => expect(c.of('t', 'changes').flatMap((m) => m.changes)).toHaveLength(3));
    expect(c.of('t', 'changes').flatMap((m) => m.changes)).toEqual([
      { key: ['k1'], row: ['k1', 1] },
      { key: ['k1'], row: ['k1', 2] },
      { key: ['k1'], deleted: true },
    ]);
    c.socket.close();
  });

  it('many subscriptions per socket; unsubscribe ends one; errors are coded and per subscription', async () => {
    const c = new Client(`${wsUrl}/ws`);
    await c.opened;
    c.send({ type: 'subscribe', id: 'x', sql: 'SELECT ID FROM S EMIT CHANGES;' });
    c.send({ type: 'subscribe', id: 'y', sql: 'SELECT V FROM S EMIT CHANGES;' });
    c.send({ type: 'subscribe', id: 'bad', sql: 'SELECT nope FROM S EMIT CHANGES;' });
    c.send({ type: 'subscribe', id: 'x', sql: 'SELECT ID FROM S EMIT CHANGES;' });
    await eventually(() => expect(c.of('x', 'header').length + c.of('y', 'header').length).toBe(2));
    await eventually(() => expect(c.of('bad', 'error')).toHaveLength(1));
    expect(c.of('bad', 'error')[0]).toEqual({ type: 'error', id: 'bad', code: 'SQL_ANALYSIS', errorCode: 40001, message: "Column 'NOPE' cannot be resolved.", retryable: false });
    await eventually(() => expect(c.of('x', 'error')).toHaveLength(1));
    expect(c.of('x', 'error')[0]).toMatchObject({ code: 'SERVER_WS_PROTOCOL', errorCode: 40000 });
    expect(t.engine.openQueries.size).toBe(2);

    t.engine.publish('S', ['c', 3]);
    await eventually(() => expect(c.rowsOf('x')).toEqual([['c']]));
    await eventually(() => expect(c.rowsOf('y')).toEqual([[3]]));

    c.send({ type: 'unsubscribe', id: 'x' });
    await eventually(() => expect(c.of('x', 'done')).toEqual([{ type: 'done', id: 'x', reason: 'unsubscribed' }]));
    await eventually(() => expect(t.engine.openQueries.size).toBe(1));
    t.engine.publish('S', ['d', 4]);
    await eventually(() => expect(c.rowsOf('y')).toEqual([[3], [4]]));
    expect(c.rowsOf('x')).toEqual([['c']]);

    c.send({ type: 'unsubscribe', id: 'nope' });
    c.send({ type: 'what' });
    c.socket.send('not json');
    c.send({ type: 'ping' });
    await eventually(() => expect(c.messages.filter((m) => m.type === 'pong')).toHaveLength(1));
    expect(c.of('nope', 'error')[0]).toMatchObject({ code: 'SERVER_QUERY_NOT_FOUND', errorCode: 40000 });
    const socketErrors = c.messages.filter((m) => m.type === 'error' && m.id === null);
    expect(socketErrors.map((m) => m.code)).toEqual(['SERVER_WS_PROTOCOL', 'SERVER_WS_PROTOCOL']);

    c.socket.close();
    await eventually(() => expect(t.engine.openQueries.size).toBe(0));
  });

  it('counts subscriptions against the push-query limit and per socket', async () => {
    const small = await startTestServer({ plugins: [websocketPlugin], limits: { ...defaultLimits, pushQueriesMax: 2 }, settings: { wsSubscriptionsPerSocketMax: 5 } });
    try {
      await h1(small.url, '/ksql', { body: { ksql: CREATE_S } });
      const c = new Client(`${small.url.replace(/^http/, 'ws')}/ws`);
      await c.opened;
      for (const id of ['a', 'b', 'c']) c.send({ type: 'subscribe', id, sql: 'SELECT * FROM S EMIT CHANGES;' });
      await eventually(() => expect(c.of('c', 'error')).toHaveLength(1));
      expect(c.of('c', 'error')[0]).toMatchObject({ code: 'SQL_TOO_MANY_PUSH_QUERIES', errorCode: 40003, retryable: true });
      for (const id of ['d', 'e', 'f', 'g']) c.send({ type: 'subscribe', id, sql: 'SELECT * FROM S EMIT CHANGES;' });
      await eventually(() => expect(c.of('g', 'error')).toHaveLength(1));
      expect(c.of('g', 'error')[0]).toMatchObject({ code: 'LIMIT_EXCEEDED' });
      c.socket.close();
    } finally {
      await small.close();
    }
  });

  it('cuts off a subscription whose socket stops reading, and frees its query', async () => {
    const s = await startTestServer({ plugins: [websocketPlugin], settings: { slowConsumerTimeoutMs: 300 } });
    try {
      await h1(s.url, '/ksql', { body: { ksql: CREATE_S } });
      const c = new Client(`${s.url.replace(/^http/, 'ws')}/ws`);
      await c.opened;
      c.send({ type: 'subscribe', id: 'slow', sql: 'SELECT * FROM S EMIT CHANGES;' });
      await eventually(() => expect(c.of('slow', 'header')).toHaveLength(1));
      c.socket.pause(); // reads nothing from now on
      const big = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 2000 && s.engine.openQueries.size > 0; i++) {
        s.engine.publish('S', [big, i]);
        if (i % 20 === 0) await sleep(5);
      }
      await eventually(() => expect(s.engine.openQueries.size).toBe(0), 10_000);
      c.socket.resume();
      await eventually(() => expect(c.of('slow', 'error')).toHaveLength(1), 10_000);
      expect(c.of('slow', 'error')[0]).toMatchObject({ code: 'SERVER_SLOW_CONSUMER', errorCode: 42900, retryable: true });
      c.socket.close();
    } finally {
      await s.close();
    }
  });

  it('server shutdown ends subscriptions', async () => {
    const s = await startTestServer({ plugins: [websocketPlugin] });
    await h1(s.url, '/ksql', { body: { ksql: CREATE_S } });
    const c = new Client(`${s.url.replace(/^http/, 'ws')}/ws`);
    await c.opened;
    c.send({ type: 'subscribe', id: 'q', sql: 'SELECT * FROM S EMIT CHANGES;' });
    await eventually(() => expect(c.of('q', 'header')).toHaveLength(1));
    await s.close();
    await c.closed;
    expect(s.engine.openQueries.size).toBe(0);
  });
});
