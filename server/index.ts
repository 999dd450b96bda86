/**
 * server/ — adapters only: how the outside world reaches Sluice. `app.ts` is the composition
 * root (log, SQL engine, listeners; stopped in reverse order); `kafka/` serves the Kafka wire
 * protocol over storage/log; `http/` serves ksqlDB's REST API (HTTP/1.1 and h2c on one port, or
 * TLS); `ws/` adds the WebSocket endpoints (ksqlDB's `/ws/query` and Sluice's `/ws`).
 */
export { startServer, parseDurability } from './app.js';
export type { ServerConfig, RunningServer } from './app.js';
export { startHttpServer, createHttpApp, defaultHttpSettings } from './http/index.js';
export type { HttpServer, HttpServerOptions, HttpSettings, SqlEngine } from './http/index.js';
export { websocketPlugin } from './ws/index.js';
