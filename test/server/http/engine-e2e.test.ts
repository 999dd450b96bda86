/**
 * End to end through the real SQL engine (queries/ facade) over a real log: /ksql entities and
 * errors, INSERT VALUES, /inserts-stream, push queries on /query-stream, PRINT, and /ws.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createQueryEngine, type QueryEngine } from '../../../queries/index.js';
import { startHttpServer, type HttpServer } from '../../../server/http/index.js';
import { websocketPlugin } from '../../../server/ws/index.js';
import { MemoryFileSystem } from '../../../storage/fs/index.js';
import { encodeRecordBatch, openLog, type Log } from '../../../storage/log/index.js';
import { H2Client, eventually, h1 } from './helpers.js';

let log: Log;
let engine: QueryEngine;
let server: HttpServer;
let h2: H2Client;
const EARLIEST = { 'ksql.streams.auto.offset.reset': 'earliest' };

beforeAll(async () => {
  log = await openLog({ dataDir: '/data', fs: new MemoryFileSystem(), maintenanceIntervalMs: 0 });
  engine = await createQueryEngine({ log });
  server = await startHttpServer({ engine, log, host: '127.0.0.1', port: 0, plugins: [websocketPlugin] });
  h2 = new H2Client(server.url);
});
afterAll(async () => {
  await h2?.close();
  await server?.close();
  await engine?.close();
  await log?.close();
});

const ksql = (text: string, extra: object = {}) => h2.request('/ksql', { body: { ksql: text, ...extra }, headers: { accept: 'application/json' } });

describe('/ksql through the engine', () => {
  it('CREATE STREAM answers a currentStatus entity in ksqlDB field order', async () => {
    const text = "CREATE STREAM ORDERS (ID VARCHAR KEY, CUSTOMER VARCHAR, AMOUNT DOUBLE) WITH (KAFKA_TOPIC='orders', PARTITIONS=1, VALUE_FORMAT='JSON');";
    const a = await ksql(text);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/json');
    const [entity] = a.json();
    expect(Object.keys(entity)).toEqual(['@type', 'statementText', 'commandId', 'commandStatus', 'commandSequenceNumber', 'warnings']);
    expect(entity).toMatchObject({ '@type': 'currentStatus', statementText: text, commandStatus: { status: 'SUCCESS', message: 'Stream created', queryId: null }, warnings: [] });
    expect(typeof entity.commandSequenceNumber).toBe('number');
  });

  it('INSERT VALUES answers []; LIST and DESCRIBE answer their entities', async () => {
    const inserted = await ksql("INSERT INTO ORDERS (ID, CUSTOMER, AMOUNT) VALUES ('o1', 'alice', 10.5);");
    expect(inserted.status).toBe(200);
    expect(inserted.json()).toEqual([]);
    const listed = (await ksql('LIST STREAMS;')).json();
    expect(listed[0]['@type']).toBe('streams');
    expect(listed[0].streams).toContainEqual({ type: 'STREAM', name: 'ORDERS', topic: 'orders', keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: false });
    const described = (await ksql('DESCRIBE ORDERS; ')).json()[0];
    expect(described['@type']).toBe('sourceDescription');
    const d = described.sourceDescription;
    expect(Object.keys(d).slice(0, 6)).toEqual(['name', 'windowType', 'readQueries', 'writeQueries', 'fields', 'type']);
    expect(d.fields.map((f: any) => [f.name, f.schema.type, f.type ?? null])).toEqual([
      ['ID', 'STRING', 'KEY'],
      ['CUSTOMER', 'STRING', null],
      ['AMOUNT', 'DOUBLE', null],
    ]);
    expect(d).toMatchObject({ type: 'STREAM', topic: 'orders', partitions: 1, keyFormat: 'KAFKA', valueFormat: 'JSON', windowType: null });
  });

  it('maps errors: SELECT → 40002, syntax → 40001 with statementText, unknown source → 40001', async () => {
    const select = await ksql('SELECT * FROM ORDERS;');
    expect(select.status).toBe(400);
    expect(select.json()).toMatchObject({ '@type': 'statement_error', error_code: 40002, statementText: 'SELECT * FROM ORDERS;', entities: [] });
    const broken = await h1(server.url, '/ksql', { body: { ksql: 'CREATE STREAM BROKEN (ID VARCHAR KEY WITH;' }, headers: { accept: 'application/json, text/plain, */*', authorization: 'Basic Og==' } });
    expect(broken.status).toBe(400);
    expect(broken.json()).toMatchObject({ '@type': 'statement_error', error_code: 40001, statementText: 'CREATE STREAM BROKEN (ID VARCHAR KEY WITH;', entities: [] });
    expect(broken.json().message).toMatch(/Syntax Error/);
    expect(broken.json().message).not.toContain('Statement:');
    // The legacy /query endpoint ends a parse error's message with the statement, as ksqlDB does.
    const query = await h1(server.url, '/query', { body: { ksql: 'SELECT * FROM ORDERS ORDER BY ID;' }, headers: { accept: 'application/vnd.ksql.v1+json' } });
    expect(query.status).toBe(400);
    expect(query.json()).toMatchObject({ '@type': 'statement_error', error_code: 40001, statementText: 'SELECT * FROM ORDERS ORDER BY ID;' });
    expect(query.json().message).toMatch(/^line 1:\d+: Syntax Error\n[^]*\nStatement: SELECT \* FROM ORDERS ORDER BY ID;$/);
    const unknown = await ksql('DESCRIBE NO_SUCH_SOURCE;');
    expect(unknown.status).toBe(400);
    expect(unknown.json().error_code).toBe(40001);
  });

  it('a persistent query failing at planning names the statement as ksqlDB re-formats it', async () => {
    const text = "CREATE TABLE BADKEY WITH (KEY_FORMAT='KAFKA') AS SELECT ID, CUSTOMER, COUNT(*) FROM ORDERS GROUP BY ID, CUSTOMER;";
    const a = await ksql(text);
    expect(a.status).toBe(400);
    const error = a.json();
    expect(error).toMatchObject({ '@type': 'statement_error', error_code: 40001 });
    expect(error.message).toContain("The 'KAFKA' format only supports a single field.");
    // SqlFormatter's layout: one select item per line, sources aliased, EMIT CHANGES appended.
    expect(error.statementText).toMatch(/^CREATE TABLE BADKEY WITH \(.*\) AS SELECT\n {2}ORDERS\.ID ID,\n {2}ORDERS\.CUSTOMER CUSTOMER,\n/s);
    expect(error.statementText).toContain('FROM ORDERS ORDERS\nGROUP BY ORDERS.ID, ORDERS.CUSTOMER\nEMIT CHANGES');
  });

  it('a failing statement in a batch reports the entities of the statements before it', async () => {
    const a = await ksql("CREATE STREAM BATCH1 (ID VARCHAR KEY, V INT) WITH (KAFKA_TOPIC='batch1', PARTITIONS=1, VALUE_FORMAT='JSON'); DESCRIBE NOPE;");
    expect(a.status).toBe(400);
    const error = a.json();
    expect(error.statementText).toBe('DESCRIBE NOPE;');
    expect(error.entities).toHaveLength(1);
    expect(error.entities[0]['@type']).toBe('currentStatus');
  });
});

describe('rows in and out', () => {
  it('/inserts-stream acks each row (JSON array), then a push query on /query-stream sees them', async () => {
    for (const [i, row] of [{ ID: 'o2', CUSTOMER: 'bob', AMOUNT: 3 }, { id: 'o3', customer: 'carol', amount: 7.75 }].entries()) {
      const a = await h2.request('/inserts-stream', { body: `{"target":"orders"}\n${JSON.stringify(row)}`, headers: { accept: 'application/json' } });
      expect(a.status, `row ${i}`).toBe(200);
      expect(a.json()).toEqual([{ seq: 0, status: 'ok' }]);
    }
    const stream = await h2.request('/query-stream', {
      body: { sql: 'SELECT ID, AMOUNT FROM ORDERS EMIT CHANGES LIMIT 3;', properties: EARLIEST },
      headers: { accept: 'application/vnd.ksqlapi.delimited.v1' },
      timeoutMs: 20_000,
    });
    expect(stream.status).toBe(200);
    expect(JSON.parse(stream.chunks[0]!)).toMatchObject({ columnNames: ['ID', 'AMOUNT'], columnTypes: ['STRING', 'DOUBLE'] });
    expect(stream.chunks.slice(1).map((c) => JSON.parse(c))).toEqual([['o1', 10.5], ['o2', 3], ['o3', 7.75]]);
  });

  it('/inserts-stream: delimited acks, a bad row ends the stream, HTTP/1.1 is refused, unknown targets are 40001', async () => {
    const a = await h2.request('/inserts-stream', { body: '{"target":"ORDERS"}\n{"ID":"o4","AMOUNT":1}\n{"ID":"o5","AMOUNT":"x"}\n{"ID":"o6","AMOUNT":2}\n' });
    expect(a.headers['content-type']).toBe('application/vnd.ksqlapi.delimited.v1');
    const acks = a.body.trim().split('\n').map((l) => JSON.parse(l));
    expect(acks[0]).toEqual({ seq: 0, status: 'ok' });
    expect(acks[1]).toMatchObject({ '@type': 'generic_error', error_code: 40000, status: 'error', seq: 1 });
    expect(acks).toHaveLength(2);
    const overH1 = await h1(server.url, '/inserts-stream', { body: '{"target":"ORDERS"}\n{"ID":"o7"}' });
    expect(overH1.status).toBe(400);
    expect(overH1.json()).toMatchObject({ '@type': 'generic_error', error_code: 40004 });
    const unknown = await h2.request('/inserts-stream', { body: '{"target":"NOPE"}\n{"ID":"x"}' });
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toEqual({ '@type': 'generic_error', error_code: 40001, message: 'Cannot insert values into an unknown stream/table: `NOPE`' });
  });

  it('a push query with the default (latest) offset sees only new rows; /close-query ends it', async () => {
    let queryId = '';
    const pending = h2.request('/query-stream', {
      body: { sql: "SELECT * FROM ORDERS WHERE CUSTOMER = 'zed' EMIT CHANGES;" },
      timeoutMs: 20_000,
      until: (chunks) => {
        if (chunks.length === 1) queryId = JSON.parse(chunks[0]!).queryId;
        if (chunks.length === 2) void h2.request('/close-query', { body: { queryId } });
        return false;
      },
    });
    await eventually(() => expect(queryId).not.toBe(''));
    await ksql("INSERT INTO ORDERS (ID, CUSTOMER, AMOUNT) VALUES ('z1', 'zed', 1.0);");
    const a = await pending;
    expect(a.chunks.slice(1).map((c) => JSON.parse(c))).toEqual([['z1', 'zed', 1]]);
    await eventually(() => expect(server.context.registry.size).toBe(0));
  });

  it('PRINT streams the topic (delimited only)', async () => {
    await log.createTopic('raw', { partitions: 1 });
    await log.append('raw', 0, encodeRecordBatch([{ key: 'k1', value: '{"a":1}', timestampMs: 1_700_000_000_000 }, { key: null, value: 'plain text', timestampMs: 1_700_000_000_001 }]));
    const a = await h1(server.url, '/query-stream', { body: { sql: "PRINT 'raw' FROM BEGINNING LIMIT 2;" } });
    expect(a.status).toBe(200);
    expect(a.body.split('\n').filter(Boolean)).toEqual([
      'Key format: KAFKA_STRING',
      'Value format: JSON',
      'rowtime: 2023/11/14 22:13:20.000 Z, key: k1, value: {"a":1}, partition: 0',
      'rowtime: 2023/11/14 22:13:20.001 Z, key: <null>, value: plain text, partition: 0',
    ]);
    expect((await h1(server.url, '/query-stream', { body: { sql: "PRINT 'raw';" }, headers: { accept: 'application/json' } })).status).toBe(406);
    const missing = await h1(server.url, '/query-stream', { body: { sql: "PRINT 'nope';" } });
    expect(missing.status).toBe(400);
    expect(missing.json()).toMatchObject({ '@type': 'statement_error', error_code: 40001 });
  });

  it('/ws subscription through the engine', async () => {
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws`);
    const messages: any[] = [];
    socket.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((r) => socket.once('open', r));
    socket.send(JSON.stringify({ type: 'subscribe', id: 'o', sql: 'SELECT ID FROM ORDERS EMIT CHANGES LIMIT 2;', properties: EARLIEST }));
    await eventually(() => expect(messages.some((m) => m.type === 'done')).toBe(true), 20_000);
    expect(messages.filter((m) => m.type === 'rows').flatMap((m) => m.rows)).toEqual([['o1'], ['o2']]);
    socket.close();
  });
});
