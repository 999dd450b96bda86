/**
 * A small stand-in for a ksqlDB server (127.0.0.1, port 0) with canned, ksqlDB-shaped answers:
 * /info, /ksql, /query-stream (delimited, rows written one by one), /close-query and
 * /is_valid_property. It records every request so tests can check what the shell sent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | null;
}

export interface MockServer {
  url: string;
  requests: RecordedRequest[];
  /** Query ids closed through /close-query. */
  closed: string[];
  /** Resolves when a never-ending push query has started streaming. */
  openPushQuery(): Promise<string>;
  /** Resolves when the open push query's connection went away (closed by /close-query or the client). */
  pushQueryEnded(): Promise<void>;
  close(): Promise<void>;
}

const SOURCE_DESCRIPTION = {
  name: 'PAGEVIEWS',
  windowType: null,
  readQueries: [],
  writeQueries: [],
  fields: [
    { name: 'ID', schema: { type: 'STRING', fields: null, memberSchema: null }, type: 'KEY' },
    { name: 'V', schema: { type: 'DOUBLE', fields: null, memberSchema: null } },
  ],
  type: 'STREAM',
  timestamp: '',
  statistics: '',
  errorStats: '',
  extended: false,
  keyFormat: 'KAFKA',
  valueFormat: 'JSON',
  topic: 'pageviews',
  partitions: 1,
  replication: 1,
  statement: "CREATE STREAM PAGEVIEWS (ID STRING KEY, V DOUBLE) WITH (KAFKA_TOPIC='pageviews', VALUE_FORMAT='JSON');",
  queryOffsetSummaries: [],
  sourceConstraints: [],
  clusterStatistics: [],
  clusterErrorStats: [],
};

function split(ksql: string): string[] {
  return ksql
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => `${s};`);
}

function entityFor(statement: string, streamsProperties: Record<string, string>): Record<string, unknown> | null | 'error' {
  const upper = statement.toUpperCase().replace(/\s+/g, ' ');
  if (upper.includes('BROKEN')) return 'error';
  if (upper.startsWith('CREATE STREAM')) {
    const name = /CREATE STREAM\s+(\w+)/i.exec(statement)![1]!.toUpperCase();
    return {
      '@type': 'currentStatus',
      statementText: statement,
      commandId: `stream/\`${name}\`/create`,
      commandStatus: { status: 'SUCCESS', message: 'Stream created', queryId: null },
      commandSequenceNumber: 2,
      warnings: [],
    };
  }
  if (upper.startsWith('INSERT')) return null;
  if (upper.startsWith('SHOW STREAMS') || upper.startsWith('LIST STREAMS')) {
    return {
      '@type': 'streams',
      statementText: statement,
      streams: [
        { type: 'STREAM', name: 'PAGEVIEWS', topic: 'pageviews', keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: false },
        { type: 'STREAM', name: 'KSQL_PROCESSING_LOG', topic: 'default_ksql_processing_log', keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: false },
      ],
      warnings: [],
    };
  }
  if (upper.startsWith('DESCRIBE')) return { '@type': 'sourceDescription', statementText: statement, sourceDescription: SOURCE_DESCRIPTION, warnings: [] };
  if (upper.startsWith('SHOW PROPERTIES')) {
    return {
      '@type': 'properties',
      statementText: statement,
      properties: Object.entries(streamsProperties).map(([name, value]) => ({ name, scope: 'KSQL', value, editable: true, level: 'SESSION' })),
      overwrittenProperties: Object.keys(streamsProperties),
      defaultProperties: [],
      warnings: [],
    };
  }
  return { '@type': 'warning_entity', statementText: statement, message: `mock: no answer for ${statement}`, warnings: [] };
}

export async function startMockServer(): Promise<MockServer> {
  const requests: RecordedRequest[] = [];
  const closed: string[] = [];
  let openPush: { id: string; response: http.ServerResponse } | null = null;
  let pushWaiters: ((id: string) => void)[] = [];
  let endWaiters: (() => void)[] = [];
  let pushCounter = 0;

  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text === '' ? null : (JSON.parse(text) as Record<string, unknown>);
    const path = (request.url ?? '/').split('?')[0]!;
    requests.push({ method: request.method ?? 'GET', path, body });
    const json = (status: number, value: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };

    if (path === '/info') {
      json(200, { KsqlServerInfo: { version: '0.29.0', kafkaClusterId: 'mock', ksqlServiceId: 'default_', serverStatus: 'RUNNING' } });
      return;
    }
    if (path.startsWith('/is_valid_property/')) {
      const name = decodeURIComponent(path.slice('/is_valid_property/'.length));
      if (name.startsWith('ksql.internal')) json(400, { '@type': 'generic_error', error_code: 40000, message: `Cannot override property '${name}'` });
      else json(200, true);
      return;
    }
    if (path === '/ksql') {
      const streamsProperties = (body?.['streamsProperties'] ?? {}) as Record<string, string>;
      const entities: Record<string, unknown>[] = [];
      for (const statement of split(String(body?.['ksql'] ?? ''))) {
        const entity = entityFor(statement, streamsProperties);
        if (entity === 'error') {
          json(400, { '@type': 'statement_error', error_code: 40001, message: 'line 1:1: Syntax Error', statementText: statement, entities: [] });
          return;
        }
        if (entity !== null) entities.push(entity);
      }
      json(200, entities);
      return;
    }
    if (path === '/close-query') {
      const id = String(body?.['queryId'] ?? '');
      if (openPush !== null && openPush.id === id) {
        closed.push(id);
        openPush.response.end();
        response.writeHead(200);
        response.end();
      } else {
        json(400, { '@type': 'generic_error', error_code: 40000, message: `No query with id ${id}` });
      }
      return;
    }
    if (path === '/query-stream') {
      const sql = String(body?.['sql'] ?? '').trim();
      const upper = sql.toUpperCase();
      const line = (value: unknown): void => {
        response.write(`${JSON.stringify(value)}\n`);
      };
      if (upper.includes('MISSING')) {
        json(400, { '@type': 'statement_error', error_code: 40001, message: 'MISSING does not exist.', statementText: sql, entities: [] });
        return;
      }
      response.writeHead(200, { 'content-type': 'application/vnd.ksqlapi.delimited.v1' });
      if (upper.startsWith('PRINT')) {
        response.write('Key format: KAFKA_STRING\n');
        response.write('Value format: JSON\n');
        response.write('rowtime: 2024/01/02 03:04:05.678 Z, key: a, value: {"V":1.5}, partition: 0\n');
        response.end();
        return;
      }
      if (!upper.includes('EMIT')) {
        line({ queryId: 'query_1700000000000', columnNames: ['ID', 'TOTAL', 'TAGS'], columnTypes: ['STRING', 'DOUBLE', 'ARRAY<STRING>'] });
        response.write('["a",3.0,["x","y"]]\n');
        response.write('["bb",12.25,[]]\n');
        response.end();
        return;
      }
      const id = `transient_PAGEVIEWS_${++pushCounter}`;
      line({ queryId: id, columnNames: ['ID', 'V'], columnTypes: ['STRING', 'DOUBLE'] });
      const limit = /LIMIT\s+(\d+)/i.exec(sql);
      if (limit !== null) {
        const count = Number(limit[1]);
        for (let i = 0; i < count; i++) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          response.write(`["k${i}",${i}.5]\n`);
        }
        response.end();
        return;
      }
      // Never ends by itself: one row, then wait for /close-query or the client going away.
      response.write('["first",1.0]\n');
      openPush = { id, response };
      response.on('close', () => {
        if (openPush?.response === response) openPush = null;
        const waiters = endWaiters;
        endWaiters = [];
        for (const w of waiters) w();
      });
      const waiters = pushWaiters;
      pushWaiters = [];
      for (const w of waiters) w(id);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    closed,
    openPushQuery: () => (openPush !== null ? Promise.resolve(openPush.id) : new Promise((resolve) => pushWaiters.push(resolve))),
    pushQueryEnded: () => (openPush === null ? Promise.resolve() : new Promise((resolve) => endWaiters.push(resolve))),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
