/**
 * Sending on a WebSocket with backpressure. A send returns at once while the socket's buffer is
 * below `highWaterBytes`; above it, the caller waits until that frame has been written to the
 * TCP socket, at most `slowConsumerTimeoutMs` (then SERVER_SLOW_CONSUMER). So every subscription
 * holds at most one frame beyond the high-water mark, and a client that stops reading cannot make
 * the server buffer without bound.
 */
import { WebSocket } from 'ws';
import { awaitFlush } from '../http/index.js';

export class SocketSender {
  private corked = false;

  constructor(
    readonly socket: WebSocket,
    private readonly highWaterBytes: number,
    private readonly slowConsumerTimeoutMs: number,
    /** Aborted when the socket closes. */
    readonly closed: AbortSignal,
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN && !this.closed.aborted;
  }

  /** Sends one text frame; waits while the socket is backed up. `name` labels slow-consumer errors. */
  async send(text: string, name: string): Promise<void> {
    if (!this.isOpen) return;
    this.corkUntilTick();
    const written = new Promise<void>((resolve) => this.socket.send(text, () => resolve()));
    // ws writes frames in order: once this one is on the TCP socket, the buffer has drained.
    if (this.socket.bufferedAmount >= this.highWaterBytes) {
      await awaitFlush(written, this.slowConsumerTimeoutMs, name, this.closed);
    }
  }

  /**
   * Frames sent in the same turn of the event loop (a pull query's header, rows and `done`) leave
   * in one write: the TCP socket is corked until the microtasks of this turn have run.
   */
  private corkUntilTick(): void {
    if (this.corked) return;
    const raw = (this.socket as unknown as { _socket?: { cork?: () => void; uncork?: () => void } })._socket;
    if (raw === undefined || typeof raw.cork !== 'function' || typeof raw.uncork !== 'function') return;
    raw.cork();
    this.corked = true;
    process.nextTick(() => {
      this.corked = false;
      raw.uncork!();
    });
  }

  close(code: number, reason: string): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, truncateReason(reason));
    }
  }
}

/** A close reason must fit in 123 bytes of UTF-8. */
export function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let out = reason;
  while (Buffer.byteLength(out + '…') > 123) out = out.slice(0, -1);
  return out + '…';
}
