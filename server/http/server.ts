/**
 * The fastify application and its listener.
 *
 * - Request `Content-Type` is never checked: fastify's parsers are replaced by a catch-all that
 *   leaves the body stream to the routes (which read it with a size limit).
 * - `Authorization` is ignored (auth is off).
 * - Unknown paths: 404 with plain text `Not Found`; known paths with another method: 405.
 * - Errors thrown by routes become ksqlDB error entities (error-entities.ts).
 * - `close()` ends every push query first (their responses end cleanly), then the listener.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { defaultLimits, SluiceError, type Limits } from '../../common/index.js';
import type { Log } from '../../storage/log/index.js';
import { registerAdminRoutes } from './admin-routes.js';
import { createHttpContext, defaultHttpSettings, sendError, type HttpContext, type HttpSettings, type ServerIdentity } from './context.js';
import type { SqlEngine } from './engine.js';
import { registerInsertsRoute } from './inserts-route.js';
import { registerKsqlRoutes } from './ksql-routes.js';
import { registerQueryRoutes } from './query-routes.js';
import { createDualProtocolServer, type DualProtocolServer, type RequestHandler } from './transport.js';

/** Adds routes to the app (server/ws registers its WebSocket endpoints this way). */
export type HttpPlugin = (app: FastifyInstance, ctx: HttpContext) => Promise<void> | void;

export interface HttpServerOptions {
  engine: SqlEngine;
  /** The topic log PRINT reads; null disables PRINT. */
  log?: Log | null;
  limits?: Limits;
  settings?: Partial<HttpSettings>;
  identity?: Partial<ServerIdentity>;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Port to bind; 0 picks a free one. Default 8088. */
  port?: number;
  /** Serve TLS (ALPN h2 and http/1.1) with this PEM certificate and key. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** fastify's logger option (default: off). */
  logger?: FastifyServerOptions['logger'];
  plugins?: readonly HttpPlugin[];
}

export interface HttpServer {
  readonly app: FastifyInstance;
  readonly context: HttpContext;
  readonly port: number;
  readonly host: string;
  /** `http://host:port` (or https). */
  readonly url: string;
  close(): Promise<void>;
}

/** Builds the app without listening (for `inject`); the listener comes from `startHttpServer`. */
export async function createHttpApp(
  options: HttpServerOptions,
  serverFactory?: (handler: RequestHandler) => DualProtocolServer,
): Promise<{ app: FastifyInstance; context: HttpContext }> {
  const limits = options.limits ?? defaultLimits;
  const settings: HttpSettings = { ...defaultHttpSettings, ...options.settings };
  const context = createHttpContext({
    engine: options.engine,
    log: options.log ?? null,
    limits,
    settings,
    identity: { version: '0.29.0', kafkaClusterId: 'sluice', ksqlServiceId: 'default_', ...options.identity },
    advertisedAddress: `${options.host ?? '127.0.0.1'}:${options.port ?? 8088}`,
  });

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: limits.httpBodyBytesMax,
    forceCloseConnections: false,
    return503OnClosing: false,
    ...(serverFactory ? { serverFactory: serverFactory as unknown as FastifyServerOptions['serverFactory'] } : {}),
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  app.addHook('onRequest', async (request, reply) => {
    // Clients send application/json, application/vnd.ksql.v1+json, or nothing, or anything.
    delete request.raw.headers['content-type'];
    if (context.closing) {
      return sendError(reply, new SluiceError('SHUTTING_DOWN', 'The server is shutting down', { retryAfterSeconds: 10 }));
    }
    return undefined;
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof SluiceError) return sendError(reply, error);
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendError(reply, new SluiceError(status === 413 ? 'SERVER_BODY_TOO_LARGE' : 'SERVER_BAD_REQUEST', (error as Error).message));
    }
    reply.log.error({ err: error }, 'request failed');
    return sendError(reply, error);
  });

  const knownPaths = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const set = knownPaths.get(route.url) ?? new Set<string>();
    for (const m of methods) set.add(m);
    knownPaths.set(route.url, set);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    if (knownPaths.has(path) && !knownPaths.get(path)!.has(request.method)) {
      return reply.code(405).header('content-type', 'text/plain').send('Method Not Allowed');
    }
    return reply.code(404).header('content-type', 'text/plain').send('Not Found');
  });

  registerAdminRoutes(app, context);
  registerKsqlRoutes(app, context);
  registerQueryRoutes(app, context);
  registerInsertsRoute(app, context);
  for (const plugin of options.plugins ?? []) await plugin(app, context);
  return { app, context };
}

/** Starts listening (HTTP/1.1 + h2c on one port, or TLS with ALPN). */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  let server: DualProtocolServer | undefined;
  const settingsIdle = 24 * 60 * 60 * 1000;
  const { app, context } = await createHttpApp(options, (handler) => {
    server = createDualProtocolServer(handler, {
      ...(options.tls ? { tls: options.tls } : {}),
      idleTimeoutMs: settingsIdle,
      sniffTimeoutMs: 30_000,
    });
    return server;
  });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 8088 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 8088);
  context.advertisedAddress = `${host}:${port}`;
  let closed: Promise<void> | undefined;
  return {
    app,
    context,
    port,
    host,
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => {
      closed ??= (async () => {
        context.closing = true;
        await context.registry.closeAll();
        const closing = app.close();
        // Idle keep-alive connections and HTTP/2 sessions would hold close() for a day.
        setImmediate(() => server?.closeAllConnections());
        await closing;
      })();
      return closed;
    },
  };
}
