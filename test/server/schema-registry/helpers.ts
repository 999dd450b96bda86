/**
 * Helpers for the schema-registry REST tests: the plugin on a bare fastify app (as on its own
 * port) and inside Sluice's ksqlDB app under /schema-registry (as on the main port), with one
 * `call` shape for inject and for real sockets.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { SimulatedClock } from '../../../common/index.js';
import { MemoryFileSystem } from '../../../storage/fs/index.js';
import { openLog, type BuiltInLog } from '../../../storage/log/index.js';
import { SchemaRegistry } from '../../../registry/index.js';
import { createHttpApp, startHttpServer, type HttpServer, type SqlEngine } from '../../../server/http/index.js';
import { schemaRegistryRoutes } from '../../../server/http/schema-registry/index.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export type Call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Reply>;

/** What @kafkajs/confluent-schema-registry sends on every request. */
export const KAFKAJS_HEADERS = { 'content-type': 'application/vnd.schemaregistry.v1+json', 'user-agent': '@kafkajs/confluent-schema-registry' };

export interface Mounted {
  registry: SchemaRegistry;
  log: BuiltInLog;
  app: FastifyInstance;
  /** Path prefix of the API ('' or '/schema-registry'). */
  prefix: string;
  call: Call;
  close(): Promise<void>;
}

const noEngine = {
  execute: async () => [],
  startPushQuery: async () => {
    throw new Error('no engine in these tests');
  },
  catalog: () => ({ source: () => undefined }),
} as unknown as SqlEngine;

async function openRegistry(): Promise<{ registry: SchemaRegistry; log: BuiltInLog }> {
  const log = await openLog({ dataDir: '/data', fs: new MemoryFileSystem(), clock: new SimulatedClock(1_700_000_000_000), maintenanceIntervalMs: 0 });
  const registry = await SchemaRegistry.open({ log });
  return { registry, log };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function injectCall(app: FastifyInstance, prefix: string): Call {
  return async (method, path, body, headers = KAFKAJS_HEADERS) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const response = await app.inject({ method: method as 'GET', url: prefix + path, headers, ...(payload === undefined ? {} : { payload }) });
    return { status: response.statusCode, headers: response.headers as Reply['headers'], text: response.body, json: parse(response.body) };
  };
}

export function fetchCall(baseUrl: string): Call {
  return async (method, path, body, headers = KAFKAJS_HEADERS) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(baseUrl + path, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await response.text();
    return { status: response.status, headers: Object.fromEntries(response.headers.entries()), text, json: parse(text) };
  };
}

/** The plugin at the root of its own fastify app. */
export async function bareApp(): Promise<Mounted> {
  const { registry, log } = await openRegistry();
  const app = Fastify();
  await app.register(schemaRegistryRoutes(registry));
  await app.ready();
  return { registry, log, app, prefix: '', call: injectCall(app, ''), close: async () => closeAll(app, registry, log) };
}

/** The plugin inside Sluice's ksqlDB app, under /schema-registry. */
export async function embeddedApp(): Promise<Mounted> {
  const { registry, log } = await openRegistry();
  const { app } = await createHttpApp({
    engine: noEngine,
    plugins: [async (parent) => parent.register(schemaRegistryRoutes(registry), { prefix: '/schema-registry' })],
  });
  await app.ready();
  return { registry, log, app, prefix: '/schema-registry', call: injectCall(app, '/schema-registry'), close: async () => closeAll(app, registry, log) };
}

async function closeAll(app: FastifyInstance, registry: SchemaRegistry, log: BuiltInLog): Promise<void> {
  await app.close();
  await registry.close();
  await log.close();
}

export interface Listening {
  url: string;
  registry: SchemaRegistry;
  close(): Promise<void>;
}

/** The plugin on a real socket: bare (`embedded` false) or in Sluice's server under /schema-registry. */
export async function listening(embedded: boolean): Promise<Listening> {
  const { registry, log } = await openRegistry();
  if (!embedded) {
    const app = Fastify();
    await app.register(schemaRegistryRoutes(registry));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    return { url: `http://127.0.0.1:${port}`, registry, close: async () => closeAll(app, registry, log) };
  }
  const server: HttpServer = await startHttpServer({
    engine: noEngine,
    port: 0,
    plugins: [async (parent) => parent.register(schemaRegistryRoutes(registry), { prefix: '/schema-registry' })],
  });
  return {
    url: `${server.url}/schema-registry`,
    registry,
    close: async () => {
      await server.close();
      await registry.close();
      await log.close();
    },
  };
}
