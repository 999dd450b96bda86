/**
 * server/ — adapters only: how the outside world reaches Sluice. `app.ts` is the composition
 * root; `kafka/` serves the Kafka wire protocol over storage/log; `http/` and `ws/` (ksqlDB's REST
 * API and WebSocket push queries) come next.
 */
export { startServer, parseDurability } from './app.js';
export type { ServerConfig, RunningServer } from './app.js';
