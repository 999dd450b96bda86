/**
 * Streaming queries: /query-stream in its three formats over HTTP/1.1 and HTTP/2 (one row per
 * DATA frame), the legacy /query, /close-query, disconnect cleanup, the push-query limit and the
 * slow-consumer cut-off.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import { defaultLimits } from '../../../common/index.js';
import { CREATE_S, H2Client, eventually, h1, sleep, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
let h2: H2Client;
const EARLIEST = { 'ksql.streams.auto.offset.reset': 'earliest' };

beforeAll(async () => {
  t = await startTestServer({ settings: { keepAliveIntervalMs: 200 } });
  h2 = new H2Client(t.url);
  await h2.request('/ksql', { body: { ksql: CREATE_S } });
  t.engine.publish('S', ['a', 1.5]);
  t.engine.publish('S', ['b', 2]);
});
afterAll(async () => {
  await h2.close();
  await t.close();
});
beforeEach(async () => {
  await eventually(() => expect(t.server.context.registry.size).toBe(0));
});

const header = (queryIdPattern = /^transient_S_\d+$/) => ({
  queryId: expect.stringMatching(queryIdPattern),
  columnNames: ['ID', 'V'],
  columnTypes: ['STRING', 'DOUBLE'],
});

describe('/query-stream', () => {
  it('HTTP/2 without Accept: delimited, header then one row per DATA frame, ends at LIMIT', async () => {
    const a = await h2.request('/query-stream', { body: { sql: 'SELECT ID, V FROM S EMIT CHANGES LIMIT 2;', properties: EARLIEST } });
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/vnd.ksqlapi.delimited.v1');
    expect(a.chunks).toHaveLength(3);
    expect(JSON.parse(a.chunks[0]!)).toEqual(header());
    expect(a.chunks.slice(1)).toEqual(['["a",1.5]\n', '["b",2.0]\n']);
  });

  it('HTTP/2 frames stay one row each when rows arrive together (ksqldb-client parses every frame alone)', async () => {
    const rows: string[] = [];
    const done = h2.request('/query-stream', {
      body: { sql: 'SELECT * FROM S EMIT CHANGES LIMIT 20;' },
      headers: { accept: 'application/vnd.ksqlapi.delimited.v1' },
      until: (chunks) => {
        rows.push(...chunks.slice(rows.length));
        return false;
      },
    });
    await eventually(() => expect(t.server.context.registry.size).toBe(1));
    await sleep(50);
    for (let i = 0; i < 20; i++) t.engine.publish('S', [`burst${i}`, i]);
    const a = await done;
    expect(a.chunks).toHaveLength(21);
    for (const chunk of a.chunks) expect(() => JSON.parse(chunk)).not.toThrow();
    expect(JSON.parse(a.chunks[20]!)).toEqual(['burst19', 19]);
  });

  it('application/json: one JSON array, header first', async () => {
    for (const send of [(b: object) => h2.request('/query-stream', { body: b, headers: { accept: 'application/json' } }), (b: object) => h1(t.url, '/query-stream', { body: b, headers: { accept: 'application/json' } })]) {
      const a = await send({ sql: 'SELECT ID, V FROM S EMIT CHANGES LIMIT 2;', properties: EARLIEST });
      expect(a.status).toBe(200);
      expect(a.headers['content-type']).toBe('application/json');
      const body = a.json();
      expect(body[0]).toEqual(header());
      expect(body.slice(1)).toEqual([['a', 1.5], ['b', 2]]);
      expect(a.body).not.toContain('\n');
    }
  });

  it('application/vnd.ksql.v1+json: streamed rows with a final message', async () => {
    const a = await h1(t.url, '/query-stream', { body: { sql: 'SELECT ID, V FROM S EMIT CHANGES LIMIT 2;', properties: EARLIEST }, headers: { accept: 'application/vnd.ksql.v1+json' } });
    expect(a.headers['content-type']).toBe('application/vnd.ksql.v1+json');
    expect(a.body).toMatch(/^\[\{"header":\{"queryId":"transient_S_\d+","schema":"`ID` STRING, `V` DOUBLE"\}\},\n\{"row":\{"columns":\["a",1.5\]\}\},\n\{"row":\{"columns":\["b",2.0\]\}\},\n\{"finalMessage":"Limit Reached"\}\]$/);
    expect(a.json()).toHaveLength(4);
  });

  it('a pull query answers all rows and ends (no completion line)', async () => {
    const a = await h1(t.url, '/query-stream', { body: { sql: 'SELECT * FROM S;' } });
    const lines = a.body.split('\n').filter(Boolean);
    expect(JSON.parse(lines[0]!)).toEqual(header(/^query_\d+$/));
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });

  it('latest by default: only rows that arrive after the query started', async () => {
    const done = h2.request('/query-stream', { body: { sql: 'SELECT ID FROM S EMIT CHANGES LIMIT 1;' } });
    await eventually(() => expect(t.server.context.registry.size).toBe(1));
    t.engine.publish('S', ['late', 9]);
    const a = await done;
    expect(a.chunks[1]).toBe('["late"]\n');
  });

  it('errors before the header are JSON errors', async () => {
    const bad = await h2.request('/query-stream', { body: { sql: 'SELECT nope FROM S EMIT CHANGES;' } });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ '@type': 'statement_error', error_code: 40001, message: "Column 'NOPE' cannot be resolved.", statementText: 'SELECT nope FROM S EMIT CHANGES;', entities: [] });
    expect(bad.chunks).toHaveLength(1);
    const missing = await h1(t.url, '/query-stream', { body: { ksql: 'SELECT * FROM S EMIT CHANGES;' } });
    expect(missing.status).toBe(400);
    expect(missing.json()).toMatchObject({ '@type': 'generic_error', error_code: 40000 });
    const unknown = await h1(t.url, '/query-stream', { body: { sql: 'SELECT * FROM NOPE EMIT CHANGES;' } });
    expect(unknown.json()).toMatchObject({ error_code: 40001, message: 'NOPE does not exist.' });
    const refused = await h1(t.url, '/query-stream', { body: { sql: 'SELECT * FROM S EMIT CHANGES;' }, headers: { accept: 'text/csv' } });
    expect(refused.status).toBe(406);
  });
});

describe('ending push queries', () => {
  it('/close-query ends the response; an unknown id is 400 / 40000', async () => {
    let queryId = '';
    const done = h2.request('/query-stream', {
      body: { sql: 'SELECT * FROM S EMIT CHANGES;', properties: EARLIEST },
      until: (chunks) => {
        if (chunks.length === 1) queryId = JSON.parse(chunks[0]!).queryId;
        return false;
      },
    });
    await eventually(() => expect(queryId).not.toBe(''));
    const closed = await h2.request('/close-query', { body: { queryId }, headers: { accept: 'application/json' } });
    expect(closed.status).toBe(200);
    const a = await done;
    expect(a.status).toBe(200);
    expect(t.engine.openQueries.has(queryId)).toBe(false);
    const unknown = await h2.request('/close-query', { body: { queryId: 'no_such_query_id' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toEqual({ '@type': 'generic_error', error_code: 40000, message: 'No query with id no_such_query_id' });
  });

  it('an HTTP/2 stream reset closes the query', async () => {
    await h2.request('/query-stream', { body: { sql: 'SELECT * FROM S EMIT CHANGES;', properties: EARLIEST }, until: (chunks) => chunks.length >= 2 });
    await eventually(() => expect(t.engine.openQueries.size).toBe(0));
    await eventually(() => expect(t.server.context.registry.size).toBe(0));
  });

  it('closing the HTTP/1.1 connection closes the query', async () => {
    await h1(t.url, '/query-stream', { body: { sql: 'SELECT * FROM S EMIT CHANGES;', properties: EARLIEST }, until: (chunks) => chunks.join('').split('\n').length > 2 });
    await eventually(() => expect(t.engine.openQueries.size).toBe(0));
  });

  it('closing an HTTP/2 session closes all of its queries', async () => {
    const other = new H2Client(t.url);
    const pending = [1, 2, 3].map(() => other.request('/query-stream', { body: { sql: 'SELECT * FROM S EMIT CHANGES;' } }).catch(() => null));
    await eventually(() => expect(t.engine.openQueries.size).toBe(3));
    other.session.destroy();
    await Promise.all(pending);
    await eventually(() => expect(t.engine.openQueries.size).toBe(0));
  });
});

describe('limits', () => {
  it('refuses push queries beyond pushQueriesMax with 40003', async () => {
    const small = await startTestServer({ limits: { ...defaultLimits, pushQueriesMax: 2 } });
    const client = new H2Client(small.url);
    try {
      await client.request('/ksql', { body: { ksql: CREATE_S } });
      small.engine.startDelayMs = 50;
      const running = [1, 2].map(() => client.request('/query-stream', { body: { sql: 'SELECT * FROM S EMIT CHANGES;' }, until: () => true }));
      const third = await client.request('/query-stream', { body: { sql: 'SELECT * FROM S EMIT CHANGES;' } });
      expect(third.status).toBe(400);
      expect(third.json()).toMatchObject({ '@type': 'statement_error', error_code: 40003, statementText: 'SELECT * FROM S EMIT CHANGES;' });
      await Promise.all(running);
      await eventually(() => expect(small.server.context.registry.size).toBe(0));
      const after = await client.request('/query-stream', { body: { sql: 'SELECT * FROM S EMIT CHANGES;' }, until: () => true });
      expect(after.status).toBe(200);
    } finally {
      await client.close();
      await small.close();
    }
  });

  it('cuts off a client that stops reading, and frees the query', async () => {
    const small = await startTestServer({ settings: { slowConsumerTimeoutMs: 300 } });
    try {
      await h1(small.url, '/ksql', { body: { ksql: CREATE_S } });
      const socket = net.connect(small.server.port, '127.0.0.1');
      await new Promise((r) => socket.once('connect', r));
      const body = JSON.stringify({ sql: 'SELECT * FROM S EMIT CHANGES;' });
      socket.write(`POST /query-stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      await eventually(() => expect(small.engine.openQueries.size).toBe(1));
      socket.pause(); // reads nothing from now on
      const big = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 600 && small.engine.openQueries.size > 0; i++) {
        small.engine.publish('S', [big, i]);
        if (i % 50 === 0) await sleep(10);
      }
      await eventually(() => expect(small.engine.openQueries.size).toBe(0), 10_000);
      expect(small.server.context.registry.size).toBe(0);
      socket.destroy();
    } finally {
      await small.close();
    }
  });
});

describe('/query (legacy)', () => {
  it('streams the chunked JSON array with header schema, rows and final message', async () => {
    const a = await h1(t.url, '/query', { body: { ksql: 'SELECT ID, V FROM S EMIT CHANGES LIMIT 2;', streamsProperties: EARLIEST }, headers: { accept: 'application/vnd.ksql.v1+json' } });
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/vnd.ksql.v1+json');
    const lines = a.body.split('\n');
    expect(lines[0]).toMatch(/^\[\{"header":\{"queryId":"transient_S_\d+","schema":"`ID` STRING, `V` DOUBLE"\}\},$/);
    expect(lines.slice(1)).toEqual(['{"row":{"columns":["a",1.5]}},', '{"row":{"columns":["b",2.0]}},', '{"finalMessage":"Limit Reached"}]']);
  });

  it('writes a bare newline while a push query is idle', async () => {
    const a = await h1(t.url, '/query', {
      body: { ksql: 'SELECT ID FROM S EMIT CHANGES;' },
      until: (chunks) => chunks.filter((c) => c === '\n').length >= 2,
    });
    expect(a.chunks.filter((c) => c === '\n').length).toBeGreaterThanOrEqual(2);
  });

  it('a pull query closes the array without a final message; keys are marked', async () => {
    const a = await h1(t.url, '/query', { body: { ksql: 'SELECT * FROM S;' } });
    const body = a.json();
    expect(body[0].header.schema).toBe('`ID` STRING KEY, `V` DOUBLE');
    expect(body[1]).toEqual({ row: { columns: ['a', 1.5] } });
    expect(body.at(-1).row).toBeDefined();
  });

  it('answers 405 over HTTP/2, and bad requests with JSON errors', async () => {
    expect((await h2.request('/query', { body: { ksql: 'SELECT * FROM S EMIT CHANGES;' } })).status).toBe(405);
    const bad = await h1(t.url, '/query', { body: { ksql: 'SELECT nope FROM S EMIT CHANGES;' } });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ '@type': 'statement_error', error_code: 40001, statementText: 'SELECT nope FROM S EMIT CHANGES;' });
  });
});

describe('server shutdown', () => {
  it('ends running push queries and closes', async () => {
    const s = await startTestServer();
    const client = new H2Client(s.url);
    await client.request('/ksql', { body: { ksql: CREATE_S } });
    const pending = client.request('/query-stream', { body: { sql: 'SELECT * FROM S EMIT CHANGES;' } });
    await eventually(() => expect(s.engine.openQueries.size).toBe(1));
    await s.close();
    const a = await pending;
    expect(a.status).toBe(200);
    expect(s.engine.openQueries.size).toBe(0);
  });
});
