/**
 * server/ws — WebSocket endpoints, added to server/http's fastify app as a plugin:
 *
 * - `GET /ws/query?request=…` — ksqlDB's own WebSocket query endpoint (one query per socket).
 * - `GET /ws` — Sluice's protocol for browsers (docs/websocket.md): many push-query
 *   subscriptions per socket, a header then rows (streams) or keyed upserts/deletes (tables),
 *   unsubscribe, coded errors; rows produced together share a frame. Subscriptions to the same
 *   stateless stream query reading from the latest offsets share one running query (fanout.ts):
 *   each row is serialized once and the same frame goes to every subscriber.
 *
 * Every query goes through the SQL engine in the HTTP context and counts against the same
 * push-query limit as /query-stream. A client that stops reading is cut off
 * (SERVER_SLOW_CONSUMER) instead of being buffered for.
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { HttpContext, HttpPlugin } from '../http/index.js';
import { handleKsqlDbWebSocket } from './ksqldb-endpoint.js';
import { handleSubscriptionSocket } from './subscriptions.js';

export const websocketPlugin: HttpPlugin = async (app: FastifyInstance, ctx: HttpContext) => {
  await app.register(async (scope) => {
    await scope.register(websocket, {
      options: { maxPayload: ctx.settings.wsMessageBytesMax, perMessageDeflate: false },
      // Closing the server ends the sockets (their queries end with them).
      preClose: (done) => {
        for (const client of scope.websocketServer.clients) client.terminate();
        done();
      },
    });
    scope.get('/ws/query', { websocket: true }, (socket, request) => handleKsqlDbWebSocket(ctx, socket, request));
    scope.get('/ws', { websocket: true }, (socket, request) => handleSubscriptionSocket(ctx, socket, request));
  });
};

export { SubscriptionSocket, ROWS_PER_FRAME_MAX, SOCKET_HIGH_WATER_BYTES, SHARED_HIGH_WATER_BYTES, SHARED_PENDING_BYTES_MAX } from './subscriptions.js';
export { RowBatch, SharedPushQuery, SharedSubscriber, sharedQuery, sharedQueryCount } from './fanout.js';
export { handleKsqlDbWebSocket } from './ksqldb-endpoint.js';
