/**
 * One port for HTTP/1.1 and HTTP/2. Cleartext: a `net.Server` reads the first bytes of each
 * connection and hands the socket (bytes put back) to an `http2` server when they are the HTTP/2
 * connection preface (prior knowledge, as ksqldb-client, Cube Store and ksqlDB's Java client send
 * it), else to an `http` server. Neither Node's `http2.createServer({allowHTTP1})` nor fastify's
 * `http2` option serves HTTP/1.1 without TLS, hence the sniffing. With TLS, ALPN picks h2 or
 * http/1.1 (`http2.createSecureServer({allowHTTP1: true})`).
 *
 * The returned server is what fastify's `serverFactory` gives fastify: it re-emits the http
 * server's `upgrade` (WebSocket) and `clientError` events and can close every open connection.
 */
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { Duplex } from 'node:stream';

/** `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export type RequestHandler = (request: http.IncomingMessage | http2.Http2ServerRequest, response: http.ServerResponse | http2.Http2ServerResponse) => void;

export interface TransportOptions {
  /** PEM certificate and key: serve TLS with ALPN h2 + http/1.1 instead of cleartext. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Idle connection timeout; ksqlDB keeps idle connections for a day. */
  idleTimeoutMs: number;
  /** How long the first bytes of a connection may take before it is dropped. */
  sniffTimeoutMs: number;
}

/** The server fastify listens on, plus `closeAllConnections`. */
export interface DualProtocolServer extends net.Server {
  /** Ends every HTTP/2 session and destroys every socket still open. */
  closeAllConnections(): void;
}

function prefaceVerdict(bytes: Buffer): 'h2' | 'http1' | 'undecided' {
  const n = Math.min(bytes.length, HTTP2_PREFACE.length);
  if (bytes.subarray(0, n).compare(HTTP2_PREFACE, 0, n) !== 0) return 'http1';
  return n === HTTP2_PREFACE.length ? 'h2' : 'undecided';
}

export function createDualProtocolServer(handler: RequestHandler, options: TransportOptions): DualProtocolServer {
  const sockets = new Set<Duplex>();
  const sessions = new Set<http2.Http2Session>();
  const h2Settings: http2.Settings = { enableConnectProtocol: false };

  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const trackSessions = (server: http2.Http2Server | http2.Http2SecureServer): void => {
    server.on('session', (session: http2.Http2Session) => {
      sessions.add(session);
      session.once('close', () => sessions.delete(session));
      session.setTimeout(options.idleTimeoutMs, () => session.close());
    });
  };

  let front: net.Server;
  if (options.tls) {
    const secure = http2.createSecureServer({ ...options.tls, allowHTTP1: true, ALPNProtocols: ['h2', 'http/1.1'], settings: h2Settings }, handler);
    secure.setTimeout(options.idleTimeoutMs);
    secure.on('secureConnection', (socket: net.Socket) => {
      socket.setNoDelay(true);
      track(socket);
    });
    trackSessions(secure);
    front = secure as unknown as net.Server;
  } else {
    const h1 = http.createServer({ keepAliveTimeout: options.idleTimeoutMs, requestTimeout: 0 }, handler as http.RequestListener);
    h1.setTimeout(options.idleTimeoutMs);
    const h2 = http2.createServer({}, handler);
    trackSessions(h2);
    // noDelay: a response must not wait for the client's delayed ACK (Nagle), ~40 ms per pull query.
    front = net.createServer({ pauseOnConnect: false, noDelay: true }, (socket) => {
      track(socket);
      let seen: Buffer = Buffer.alloc(0);
      const timer = setTimeout(() => socket.destroy(), options.sniffTimeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        socket.removeListener('data', onData);
        socket.removeListener('end', onEnd);
        socket.removeListener('error', onError);
      };
      const onData = (chunk: Buffer): void => {
        seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
        const verdict = prefaceVerdict(seen);
        if (verdict === 'undecided') return;
        done();
        socket.pause();
        socket.unshift(seen);
        if (verdict === 'h2') {
          // The http2 session takes the socket's handle over and first reads what was put back;
          // resuming the socket would let bytes flow past it.
          h2.emit('connection', socket);
        } else {
          // The http server reads through 'data' events: the socket must flow again.
          h1.emit('connection', socket);
          socket.resume();
        }
      };
      const onEnd = (): void => {
        done();
        socket.destroy();
      };
      const onError = (): void => {
        done();
        socket.destroy();
      };
      socket.on('data', onData);
      socket.on('end', onEnd);
      socket.on('error', onError);
    });
    h1.on('upgrade', (request, socket, head) => front.emit('upgrade', request, socket, head));
    h1.on('clientError', (error, socket) => {
      if (front.listenerCount('clientError') > 0) front.emit('clientError', error, socket);
      else socket.destroy();
    });
  }

  const server = front as DualProtocolServer;
  server.closeAllConnections = () => {
    for (const session of sessions) session.destroy();
    for (const socket of sockets) socket.destroy();
  };
  return server;
}
