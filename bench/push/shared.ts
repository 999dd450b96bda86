/**
 * What bench/push.ts and its two child processes (bench/push/server-process.ts, the server;
 * bench/push/client-process.ts, the WebSocket clients and the producer) share: the jobs and
 * results they pass over the IPC channel, and a latency histogram.
 */

export const TICK_MS = 10;
const HIST_BUCKETS = 600_000; // 0.1 ms buckets up to 60 s

export const sleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));
/** Wall-clock ms with sub-ms precision (producer and clients share one process, so one clock). */
export const now = (): number => performance.timeOrigin + performance.now();

export class Histogram {
  readonly counts = new Uint32Array(HIST_BUCKETS + 1);
  total = 0;
  add(ms: number): void {
    const bucket = ms <= 0 ? 0 : Math.min(HIST_BUCKETS, Math.floor(ms * 10));
    this.counts[bucket]!++;
    this.total++;
  }
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const target = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i <= HIST_BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= target) return (i + 0.5) / 10;
    }
    return HIST_BUCKETS / 10;
  }
}

/** The server process: a Sluice server, or a bare `ws` broadcaster fed over a TCP socket. */
export interface ServerJob {
  kind: 'sluice' | 'bare';
  pushQueriesMax: number;
}

export interface ServerReady {
  type: 'ready';
  httpPort: number;
  kafkaPort: number;
  /** bare: the port the producer writes rows to (one line per batch). */
  ingestPort: number;
}

export interface RssReport {
  type: 'rss';
  currentMb: number;
  peakMb: number;
  /** CPU seconds the server process has used so far. */
  cpuS: number;
}

export interface PushJob {
  kind: 'push';
  target: 'sluice' | 'bare';
  httpPort: number;
  kafkaPort: number;
  ingestPort: number;
  subscribers: number;
  rate: number;
  seconds: number;
}

export interface PushResult {
  type: 'push-result';
  target: 'sluice' | 'bare';
  produced: number;
  received: number;
  /** Subscribers still subscribed at the end. */
  keptUp: number;
  /** Rows produced but never received by a subscriber still subscribed (gaps included). */
  dropped: number;
  /** Rows received twice. */
  duplicates: number;
  rowsPerS: number;
  framesPerS: number;
  p50: number;
  p99: number;
  failures: string[];
  clientCpuS: number;
}

export interface PullJob {
  kind: 'pull';
  httpPort: number;
  kafkaPort: number;
  keys: number;
  rate: number;
  seconds: number;
}

export interface PullFigures {
  requests: number;
  errors: number;
  skipped: number;
  rps: number;
  p50: number;
  p99: number;
  firstError: string | null;
  /** CPU seconds the client process used during the load. */
  clientCpuS: number;
}

export interface PullResult {
  type: 'pull-result';
  keys: number;
  loadSeconds: number;
  rest: PullFigures;
  ws: PullFigures;
}

export type ClientJob = PushJob | PullJob;
