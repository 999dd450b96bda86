/**
 * The plumbing: one port for HTTP/1.1 and HTTP/2 prior knowledge, the small GET endpoints, 404 /
 * 405, Accept negotiation (406), the error model, Content-Type and Authorization ignored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { createHttpApp } from '../../../server/http/index.js';
import { FakeEngine } from './fake-engine.js';
import { CREATE_S, H2Client, h1, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
let h2: H2Client;
beforeAll(async () => {
  t = await startTestServer({ identity: { kafkaClusterId: 'test-cluster' } });
  h2 = new H2Client(t.url);
});
afterAll(async () => {
  await h2.close();
  await t.close();
});

describe('one port, two protocols', () => {
  it('serves GET /info over HTTP/1.1 and HTTP/2', async () => {
    const expected = { KsqlServerInfo: { version: '0.29.0', kafkaClusterId: 'test-cluster', ksqlServiceId: 'default_', serverStatus: 'RUNNING' } };
    const a = await h1(t.url, '/info');
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/json');
    expect(a.json()).toEqual(expected);
    const b = await h2.request('/info');
    expect(b.status).toBe(200);
    expect(b.headers['content-type']).toBe('application/json');
    expect(b.json()).toEqual(expected);
  });

  it('keeps serving when the HTTP/2 preface arrives in pieces', async () => {
    const socket = net.connect(t.server.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('GE');
    await new Promise((r) => setTimeout(r, 20));
    socket.write('T /healthcheck HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const text = await new Promise<string>((resolve) => {
      let out = '';
      socket.on('data', (d) => (out += d));
      socket.on('end', () => resolve(out));
    });
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text).toContain('"isHealthy":true');
  });

  it('answers the health, status and metadata endpoints', async () => {
    expect((await h1(t.url, '/healthcheck')).json()).toEqual({
      isHealthy: true,
      details: { metastore: { isHealthy: true }, kafka: { isHealthy: true }, commandRunner: { isHealthy: true } },
      serverState: 'READY',
    });
    const cluster = (await h2.request('/clusterStatus')).json();
    const host = `127.0.0.1:${t.server.port}`;
    expect(Object.keys(cluster.clusterStatus)).toEqual([host]);
    expect(cluster.clusterStatus[host].hostAlive).toBe(true);
    expect((await h1(t.url, '/v1/metadata/id')).json()).toEqual({ id: '', scope: { path: [], clusters: { 'kafka-cluster': 'test-cluster', 'ksql-cluster': 'default_' } } });
    expect((await h1(t.url, '/chc/live')).json()).toEqual({});
    const root = await h1(t.url, '/');
    expect(root.status).toBe(307);
    expect(root.headers.location).toBe('/info');
    expect((await h1(t.url, '/is_valid_property/ksql.streams.auto.offset.reset')).json()).toBe(true);
    const bad = await h1(t.url, '/is_valid_property/ksql.service.id');
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ '@type': 'generic_error', error_code: 40000 });
  });

  it('tracks command statuses for /status', async () => {
    await h1(t.url, '/ksql', { body: { ksql: CREATE_S.replace(' S ', ' STATUS_S ') } });
    expect((await h1(t.url, '/status')).json().commandStatuses['stream/`STATUS_S`/create']).toBe('SUCCESS');
    expect((await h1(t.url, '/status/stream/`STATUS_S`/create')).json()).toEqual({ status: 'SUCCESS', message: 'Stream created', queryId: null });
    const missing = await h2.request('/status/stream/NOPE/create');
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ '@type': 'generic_error', error_code: 40400, message: 'Command not found' });
  });

  it('answers unknown paths with 404 Not Found, wrong methods with 405', async () => {
    for (const a of [await h1(t.url, '/nope'), await h2.request('/nope')]) {
      expect(a.status).toBe(404);
      expect(a.body).toBe('Not Found');
      expect(a.headers['content-type']).toMatch(/^text\/plain/);
    }
    expect((await h1(t.url, '/ksql')).status).toBe(405);
  });
});

describe('Accept negotiation', () => {
  it('honours q-values and wildcards, answers 406 with an empty body', async () => {
    const withAccept = (accept: string) => h1(t.url, '/info', { headers: { accept } });
    expect((await withAccept('application/vnd.ksql.v1+json')).status).toBe(200);
    expect((await withAccept('application/vnd.ksql.v1+json')).headers['content-type']).toBe('application/json');
    expect((await withAccept('application/json, text/plain, */*')).status).toBe(200);
    expect((await withAccept('*/*')).status).toBe(200);
    expect((await withAccept('application/*;q=0.5')).status).toBe(200);
    const refused = await withAccept('text/html');
    expect(refused.status).toBe(406);
    expect(refused.body).toBe('');
    expect((await withAccept('application/json;q=0')).status).toBe(406);
  });
});

describe('request bodies and the error model', () => {
  it('ignores Content-Type (none, vendor types, garbage) and Authorization', async () => {
    for (const contentType of [undefined, 'application/vnd.ksql.v1+json', 'text/plain', 'application/vnd.ksqlapi.delimited.v1', 'garbage']) {
      const a = await h1(t.url, '/ksql', {
        body: JSON.stringify({ ksql: 'LIST STREAMS;' }),
        headers: { ...(contentType ? { 'content-type': contentType } : {}), authorization: 'Basic Og==' },
      });
      expect(a.status, String(contentType)).toBe(200);
      expect(a.json()[0]['@type']).toBe('streams');
    }
    const b = await h2.request('/ksql', { body: { ksql: 'LIST STREAMS;' }, headers: { 'content-type': 'garbage', authorization: 'Bearer x' } });
    expect(b.status).toBe(200);
  });

  it('answers invalid JSON with 400 / 40000', async () => {
    for (const body of ['{nope', '', '[1]']) {
      const a = await h1(t.url, '/ksql', { body, method: 'POST' });
      expect(a.status).toBe(400);
      expect(a.json()).toMatchObject({ '@type': 'generic_error', error_code: 40000 });
      expect(a.json().message).toMatch(/^Invalid JSON in request: /);
    }
    const wrongType = await h1(t.url, '/ksql', { body: { ksql: 42 } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.json().error_code).toBe(40000);
  });

  it('refuses a body over the limit with 413', async () => {
    const small = await startTestServer({ limits: { ...(await import('../../../common/index.js')).defaultLimits, httpBodyBytesMax: 100 } });
    try {
      const a = await h1(small.url, '/ksql', { body: { ksql: 'x'.repeat(200) } });
      expect(a.status).toBe(413);
      expect(a.json()).toMatchObject({ '@type': 'generic_error', error_code: 41300 });
    } finally {
      await small.close();
    }
  });
});

describe('fastify.inject', () => {
  it('drives the app without a socket', async () => {
    const { app } = await createHttpApp({ engine: new FakeEngine() });
    const info = await app.inject({ method: 'GET', url: '/info' });
    expect(info.statusCode).toBe(200);
    expect(info.json().KsqlServerInfo.serverStatus).toBe('RUNNING');
    const ksql = await app.inject({ method: 'POST', url: '/ksql', payload: JSON.stringify({ ksql: CREATE_S }) });
    expect(ksql.json()[0].commandStatus.message).toBe('Stream created');
    await app.close();
  });
});

describe('/ksql', () => {
  it('answers [] for a missing or empty ksql, and limits statement length', async () => {
    expect((await h1(t.url, '/ksql', { body: {} })).json()).toEqual([]);
    expect((await h1(t.url, '/ksql', { body: { ksql: '  ' } })).json()).toEqual([]);
    const small = await startTestServer({ limits: { ...(await import('../../../common/index.js')).defaultLimits, statementCharsMax: 20 } });
    try {
      const a = await h1(small.url, '/ksql', { body: { ksql: 'LIST STREAMS; LIST STREAMS; LIST STREAMS;' } });
      expect(a.status).toBe(400);
      expect(a.json()).toMatchObject({ '@type': 'generic_error', error_code: 40000 });
      const q = await h1(small.url, '/query-stream', { body: { sql: 'SELECT * FROM S EMIT CHANGES LIMIT 1;' } });
      expect(q.status).toBe(400);
    } finally {
      await small.close();
    }
  });

  it('passes streamsProperties and sessionVariables (as strings) to the engine', async () => {
    await h1(t.url, '/ksql', { body: { ksql: 'LIST STREAMS;', streamsProperties: { 'ksql.streams.auto.offset.reset': 'earliest' }, sessionVariables: { a: 1, b: 'x' } } });
    expect(t.engine.executed.at(-1)!.options).toEqual({ properties: { 'ksql.streams.auto.offset.reset': 'earliest' }, sessionVariables: { a: '1', b: 'x' } });
  });

  it('POST /ksql/terminate terminates queries and drops every source', async () => {
    const s = await startTestServer();
    try {
      await h1(s.url, '/ksql', { body: { ksql: CREATE_S } });
      const a = await h1(s.url, '/ksql/terminate', { body: { deleteTopicList: ['s'] } });
      expect(a.status).toBe(200);
      expect(a.json()[0]).toMatchObject({ '@type': 'currentStatus', commandId: 'cluster/TerminateCluster/terminate', commandStatus: { status: 'SUCCESS' } });
      expect(s.engine.sources.size).toBe(0);
      expect(s.engine.executed.map((e) => e.text)).toContain('DROP STREAM IF EXISTS `S` DELETE TOPIC;');
    } finally {
      await s.close();
    }
  });
});

describe('TLS', () => {
  it('serves HTTP/1.1 and HTTP/2 by ALPN', async () => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    } catch {
      console.warn('TLS test skipped: openssl not available');
      return;
    }
    const s = await startTestServer({ tls: { cert: readFileSync(path.join(dir, 'cert.pem')), key: readFileSync(path.join(dir, 'key.pem')) } });
    try {
      expect(s.url).toMatch(/^https:/);
      const https = await import('node:https');
      const h1Answer = await new Promise<string>((resolve, reject) => {
        https.get(`${s.url}/info`, { rejectUnauthorized: false }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve(`${res.httpVersion} ${body}`));
        }).on('error', reject);
      });
      expect(h1Answer).toMatch(/^1\.1 \{"KsqlServerInfo"/);
      const http2 = await import('node:http2');
      const session = http2.connect(s.url, { rejectUnauthorized: false });
      const h2Answer = await new Promise<string>((resolve, reject) => {
        const req = session.request({ ':path': '/info' });
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (d) => (body += d));
        req.on('end', () => resolve(body));
        req.on('error', reject);
        req.end();
      });
      session.close();
      expect(JSON.parse(h2Answer).KsqlServerInfo.serverStatus).toBe('RUNNING');
    } finally {
      await s.close();
    }
  });
});
