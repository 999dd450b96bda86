/**
 * `npm run bench -- push [--scenario a|b|all] [--seconds N] [--subscribers N --rate R]
 *  [--pull-keys N] [--pull-rate R] [--pull-seconds N]`: WebSocket push-query load test on loopback.
 *
 * For each scenario ((a) 100 subscribers at 10k records/s, (b) 1,000 subscribers at 1k records/s,
 * or a custom one with --subscribers/--rate): a Sluice server in this process, a JSON stream over a
 * one-partition topic, N `ws` clients on /ws each subscribed to `SELECT * FROM S EMIT CHANGES;`,
 * and a kafkajs producer appending one batch per 10 ms tick at the fixed rate, each value carrying
 * its send time. Clients record receive - send per row (a 0.1 ms histogram) and count rows.
 * Then the same clients against a bare `ws` server broadcasting the same rows, serialized once per
 * tick (the rows ready in one tick -> one frame), and the ratio of delivered rows/s.
 * Last, pull-query latency: a CTAS table with --pull-keys keys, key lookups on /query-stream at
 * --pull-rate requests/s (open loop). Clients, producer and server share this process, for both
 * Sluice and the baseline. The producer waits for each send, so when the process saturates it
 * falls behind the target rate: `produced` < `target` shows it (rows are then not dropped but
 * never sent).
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import kafkajs from 'kafkajs';
import WebSocket, { WebSocketServer } from 'ws';
import { startServer, type RunningServer } from '../server/index.js';
import { numberOption, parseOptions, printResultLine, printTable } from './util.js';

const { Kafka, logLevel } = kafkajs;
const TICK_MS = 10;
const HIST_BUCKETS = 600_000; // 0.1 ms buckets up to 60 s
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const now = () => performance.timeOrigin + performance.now();

class Histogram {
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

interface Scenario {
  name: string;
  subscribers: number;
  rate: number;
}

interface Client {
  ws: WebSocket;
  received: number;
  failed: string | null;
  header: boolean;
  tsIndex: number;
}

interface RunResult {
  produced: number;
  received: number;
  keptUp: number;
  dropped: number;
  rowsPerS: number;
  p50: number;
  p99: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
  failed: number;
}

const mb = (bytes: number) => bytes / (1024 * 1024);

/** Connects N clients; `onOpen` sends what each must send once open. */
async function connectClients(url: string, count: number, histogram: Histogram, subscribe: boolean, timeoutMs: number): Promise<Client[]> {
  const clients: Client[] = [];
  const opened: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const client: Client = { ws, received: 0, failed: null, header: !subscribe, tsIndex: 1 };
    clients.push(client);
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; rows?: unknown[][]; columns?: { name: string }[]; code?: string; message?: string };
      if (message.type === 'rows') {
        const t = now();
        for (const row of message.rows!) histogram.add(t - (row[client.tsIndex] as number));
        client.received += message.rows!.length;
      } else if (message.type === 'header') {
        client.tsIndex = message.columns!.findIndex((c) => c.name === 'TS');
        client.header = true;
      } else if (message.type === 'error') client.failed = `${message.code}: ${message.message}`;
    });
    ws.on('error', (error) => (client.failed ??= error.message));
    ws.on('close', () => (client.failed ??= 'closed'));
    opened.push(
      new Promise<void>((resolve) => {
        ws.once('open', () => {
          if (subscribe) ws.send(JSON.stringify({ type: 'subscribe', id: 'q', sql: 'SELECT * FROM S EMIT CHANGES;' }));
          resolve();
        });
        ws.once('error', () => resolve());
      }),
    );
    if (i % 50 === 49) await sleep(1); // don't flood the accept queue
  }
  await Promise.all(opened);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && clients.some((c) => !c.header && c.failed === null)) await sleep(20);
  const missing = clients.filter((c) => !c.header && c.failed === null).length;
  if (missing > 0) throw new Error(`${missing} of ${count} subscribers got no header within ${timeoutMs} ms`);
  return clients;
}

async function closeClients(clients: Client[]): Promise<void> {
  await Promise.all(
    clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            c.ws.terminate();
            resolve();
          }, 2000);
          c.ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          c.failed ??= 'closing';
          c.ws.close();
        }),
    ),
  );
}

/** Fixed-rate tick loop: calls `emit(count, seq)` per tick with the records due, bounded by time. */
async function produceAtRate(rate: number, seconds: number, emit: (count: number, firstSeq: number) => Promise<void> | void): Promise<number> {
  const started = performance.now();
  const endMs = seconds * 1000;
  const perTickMax = Math.max(1, Math.ceil((rate * TICK_MS) / 1000) * 10);
  let sent = 0;
  for (let tick = 1; ; tick++) {
    const elapsed = performance.now() - started;
    if (elapsed >= endMs) break;
    const due = Math.min(Math.floor((elapsed * rate) / 1000), Math.floor((endMs * rate) / 1000)) - sent;
    if (due > 0) {
      const count = Math.min(due, perTickMax);
      await emit(count, sent);
      sent += count;
    }
    const wait = started + tick * TICK_MS - performance.now();
    if (wait > 0) await sleep(wait);
  }
  return sent;
}

/** Waits until every live client has `produced` rows, or no progress for 3 s, or 30 s. */
async function drain(clients: Client[], produced: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  let last = -1;
  let lastChange = Date.now();
  let lastReceiveAt = now();
  for (;;) {
    const live = clients.filter((c) => c.failed === null);
    const total = clients.reduce((sum, c) => sum + c.received, 0);
    if (total !== last) {
      last = total;
      lastChange = Date.now();
      lastReceiveAt = now();
    }
    if (live.every((c) => c.received >= produced) || Date.now() - lastChange > 3000 || Date.now() > deadline) return lastReceiveAt;
    await sleep(10);
  }
}

function summarize(clients: Client[], produced: number, histogram: Histogram, startedAt: number, endedAt: number, rss: { before: number; peak: number; after: number }): RunResult {
  const live = clients.filter((c) => c.failed === null);
  const keptUp = live.length;
  const received = clients.reduce((sum, c) => sum + c.received, 0);
  const dropped = live.reduce((sum, c) => sum + Math.max(0, produced - c.received), 0);
  return {
    produced,
    received,
    keptUp,
    dropped,
    rowsPerS: received / ((endedAt - startedAt) / 1000),
    p50: histogram.quantile(0.5),
    p99: histogram.quantile(0.99),
    rssBeforeMb: mb(rss.before),
    rssPeakMb: mb(rss.peak),
    rssAfterMb: mb(rss.after),
    failed: clients.length - keptUp,
  };
}

function rssSampler(): { peak: () => number; stop: () => void } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  return { peak: () => peak, stop: () => clearInterval(timer) };
}

async function ksql(server: RunningServer, statement: string, properties: Record<string, string> = {}): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: statement, streamsProperties: properties }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`/ksql ${response.status}: ${text}`);
}

async function withServer<T>(pushQueriesMax: number, body: (server: RunningServer) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-push-'));
  const server = await startServer({
    dataDir,
    host: '127.0.0.1',
    httpPort: 0,
    kafkaHost: '127.0.0.1',
    kafkaPort: 0,
    defaultPartitions: 1,
    autoCreateTopics: true,
    flush: 'os',
    limits: { pushQueriesMax },
  });
  try {
    return await body(server);
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function padding(): string {
  return 'x'.repeat(40);
}

async function runSluice(scenario: Scenario, seconds: number): Promise<RunResult> {
  const rssBefore = process.memoryUsage().rss;
  return withServer(scenario.subscribers + 50, async (server) => {
    const topic = `push_${scenario.name}`;
    await ksql(server, `CREATE STREAM S (SEQ BIGINT, TS DOUBLE, PAD STRING) WITH (KAFKA_TOPIC='${topic}', PARTITIONS=1, VALUE_FORMAT='JSON');`);
    const kafka = new Kafka({ clientId: 'bench-push', brokers: [`127.0.0.1:${server.kafkaPort}`], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const histogram = new Histogram();
    const sampler = rssSampler();
    let clients: Client[] = [];
    try {
      clients = await connectClients(`ws://127.0.0.1:${server.httpPort}/ws`, scenario.subscribers, histogram, true, 60_000);
      await sleep(300); // let every push query settle at the topic's end
      const pad = padding();
      const startedAt = now();
      const produced = await produceAtRate(scenario.rate, seconds, async (count, firstSeq) => {
        const ts = now();
        const messages = [];
        for (let i = 0; i < count; i++) messages.push({ value: `{"SEQ":${firstSeq + i},"TS":${ts},"PAD":"${pad}"}` });
        await producer.send({ topic, acks: 1, messages });
      });
      const endedAt = await drain(clients, produced);
      const result = summarize(clients, produced, histogram, startedAt, endedAt, { before: rssBefore, peak: sampler.peak(), after: process.memoryUsage().rss });
      const reasons = [...new Set(clients.map((c) => c.failed).filter((r) => r !== null))];
      if (reasons.length > 0) console.log(`  sluice ${scenario.name}: ${result.failed} subscribers failed: ${reasons.slice(0, 3).join('; ')}`);
      return result;
    } finally {
      sampler.stop();
      await closeClients(clients);
      await producer.disconnect();
    }
  });
}

async function runBare(scenario: Scenario, seconds: number): Promise<RunResult> {
  const rssBefore = process.memoryUsage().rss;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const port = (wss.address() as AddressInfo).port;
  const histogram = new Histogram();
  const sampler = rssSampler();
  let clients: Client[] = [];
  try {
    clients = await connectClients(`ws://127.0.0.1:${port}/`, scenario.subscribers, histogram, false, 60_000);
    const deadline = Date.now() + 10_000;
    while (wss.clients.size < scenario.subscribers && Date.now() < deadline) await sleep(10);
    const pad = padding();
    const startedAt = now();
    const produced = await produceAtRate(scenario.rate, seconds, (count, firstSeq) => {
      const ts = now();
      const rows: unknown[][] = [];
      for (let i = 0; i < count; i++) rows.push([firstSeq + i, ts, pad]);
      const frame = JSON.stringify({ type: 'rows', id: 'q', rows });
      for (const socket of wss.clients) socket.send(frame);
    });
    const endedAt = await drain(clients, produced);
    return summarize(clients, produced, histogram, startedAt, endedAt, { before: rssBefore, peak: sampler.peak(), after: process.memoryUsage().rss });
  } finally {
    sampler.stop();
    await closeClients(clients);
    for (const socket of wss.clients) socket.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}

interface PullResult {
  keys: number;
  loadSeconds: number;
  requests: number;
  errors: number;
  skipped: number;
  rps: number;
  p50: number;
  p99: number;
}

async function runPull(keys: number, rate: number, seconds: number): Promise<PullResult> {
  return withServer(200, async (server) => {
    await ksql(server, "CREATE STREAM P (ID STRING KEY, V BIGINT) WITH (KAFKA_TOPIC='pull_src', PARTITIONS=1, VALUE_FORMAT='JSON');");
    await ksql(server, 'CREATE TABLE PT AS SELECT ID, LATEST_BY_OFFSET(V) AS V FROM P GROUP BY ID EMIT CHANGES;', { 'ksql.streams.auto.offset.reset': 'earliest' });
    const kafka = new Kafka({ clientId: 'bench-pull', brokers: [`127.0.0.1:${server.kafkaPort}`], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    const loadStarted = performance.now();
    try {
      for (let start = 0; start < keys; start += 5000) {
        const messages = [];
        for (let i = start; i < Math.min(keys, start + 5000); i++) messages.push({ key: `k${i}`, value: `{"V":${i}}` });
        await producer.send({ topic: 'pull_src', acks: 1, messages });
      }
    } finally {
      await producer.disconnect();
    }
    const url = `http://127.0.0.1:${server.httpPort}/query-stream`;
    const lookup = async (key: string): Promise<unknown[]> => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ sql: `SELECT * FROM PT WHERE ID = '${key}';`, properties: {} }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`/query-stream ${response.status}: ${text.slice(0, 200)}`);
      return (JSON.parse(text) as unknown[]).slice(1);
    };
    // Wait until the table holds the last key (bounded).
    const readyDeadline = Date.now() + 300_000;
    for (;;) {
      let ready = false;
      try {
        ready = (await lookup(`k${keys - 1}`)).length === 1;
      } catch (error) {
        if (Date.now() > readyDeadline) throw error;
      }
      if (ready) break;
      if (Date.now() > readyDeadline) throw new Error(`the table did not reach ${keys} keys within 300 s`);
      await sleep(200);
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    for (let i = 0; i < 200; i++) await lookup(`k${(i * 7919) % keys}`); // warm up
    const histogram = new Histogram();
    let requests = 0;
    let errors = 0;
    let skipped = 0;
    let inFlight = 0;
    const pending = new Set<Promise<void>>();
    let seq = 0;
    const startedAt = performance.now();
    await produceAtRate(rate, seconds, (count) => {
      for (let i = 0; i < count; i++) {
        if (inFlight >= 500) {
          skipped++;
          continue;
        }
        const key = `k${(seq++ * 104729) % keys}`;
        const t0 = performance.now();
        inFlight++;
        const p = lookup(key)
          .then((rows) => {
            if (rows.length !== 1) errors++;
            else histogram.add(performance.now() - t0);
          })
          .catch(() => {
            errors++;
          })
          .finally(() => {
            inFlight--;
            requests++;
            pending.delete(p);
          });
        pending.add(p);
      }
    });
    await Promise.race([Promise.all(pending), sleep(10_000)]);
    const elapsed = (performance.now() - startedAt) / 1000;
    return { keys, loadSeconds, requests, errors, skipped, rps: requests / elapsed, p50: histogram.quantile(0.5), p99: histogram.quantile(0.99) };
  });
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args, {
    scenario: 'all',
    seconds: '30',
    subscribers: '',
    rate: '',
    'pull-keys': '100000',
    'pull-rate': '1000',
    'pull-seconds': '5',
    'skip-pull': 'false',
  });
  const seconds = numberOption(options, 'seconds');
  let scenarios: Scenario[] = [];
  if (options.subscribers !== '' || options.rate !== '') {
    scenarios = [{ name: 'custom', subscribers: numberOption(options, 'subscribers'), rate: numberOption(options, 'rate') }];
  } else {
    const a = { name: 'a', subscribers: 100, rate: 10_000 };
    const b = { name: 'b', subscribers: 1000, rate: 1000 };
    if (options.scenario === 'a') scenarios = [a];
    else if (options.scenario === 'b') scenarios = [b];
    else if (options.scenario === 'all') scenarios = [a, b];
    else throw new Error(`--scenario: expected a, b or all, found ${JSON.stringify(options.scenario)}`);
  }

  const figures: Record<string, number> = { seconds };
  const ratios: Record<string, number> = {};
  const rows: (string | number)[][] = [];
  for (const scenario of scenarios) {
    const label = `${scenario.name} (${scenario.subscribers} subs x ${scenario.rate}/s)`;
    const sluice = await runSluice(scenario, seconds);
    const bare = await runBare(scenario, seconds);
    for (const [name, r] of [['Sluice /ws', sluice], ['bare ws', bare]] as const) {
      rows.push([label, name, Math.floor(scenario.rate * seconds), r.produced, r.rowsPerS, r.p50, r.p99, r.keptUp, r.dropped, r.rssBeforeMb, r.rssPeakMb, r.rssAfterMb]);
    }
    const n = scenario.name;
    Object.assign(figures, {
      [`${n}_subscribers`]: scenario.subscribers,
      [`${n}_rate`]: scenario.rate,
      [`${n}_target`]: Math.floor(scenario.rate * seconds),
      [`${n}_produced`]: sluice.produced,
      [`${n}_bare_produced`]: bare.produced,
      [`${n}_sluice_rows_per_s`]: sluice.rowsPerS,
      [`${n}_sluice_p50_ms`]: sluice.p50,
      [`${n}_sluice_p99_ms`]: sluice.p99,
      [`${n}_sluice_dropped`]: sluice.dropped,
      [`${n}_sluice_failed_subscribers`]: sluice.failed,
      [`${n}_sluice_rss_before_mb`]: sluice.rssBeforeMb,
      [`${n}_sluice_rss_peak_mb`]: sluice.rssPeakMb,
      [`${n}_sluice_rss_after_mb`]: sluice.rssAfterMb,
      [`${n}_bare_rows_per_s`]: bare.rowsPerS,
      [`${n}_bare_p50_ms`]: bare.p50,
      [`${n}_bare_p99_ms`]: bare.p99,
      [`${n}_bare_dropped`]: bare.dropped,
    });
    ratios[`${n}_sluice_over_bare_rows_per_s`] = sluice.rowsPerS / bare.rowsPerS;
    ratios[`${n}_sluice_produced_over_target`] = sluice.produced / Math.floor(scenario.rate * seconds);
  }
  printTable(
    `push: WebSocket subscribers on loopback, ${seconds} s each (clients, producer and server in one process)`,
    ['scenario', 'server', 'target', 'produced', 'rows/s', 'p50 ms', 'p99 ms', 'kept up', 'dropped', 'RSS before MB', 'RSS peak MB', 'RSS after MB'],
    rows,
  );
  for (const [key, value] of Object.entries(ratios)) console.log(`ratio ${key}: ${value.toFixed(3)}`);

  if (options['skip-pull'] !== 'true') {
    const pull = await runPull(numberOption(options, 'pull-keys'), numberOption(options, 'pull-rate'), numberOption(options, 'pull-seconds'));
    printTable(
      `pull: key lookups on a CTAS table via POST /query-stream (open loop at ${options['pull-rate']}/s)`,
      ['keys', 'load s', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'skipped'],
      [[pull.keys, pull.loadSeconds, pull.requests, pull.rps, pull.p50, pull.p99, pull.errors, pull.skipped]],
    );
    Object.assign(figures, {
      pull_keys: pull.keys,
      pull_load_s: pull.loadSeconds,
      pull_requests: pull.requests,
      pull_requests_per_s: pull.rps,
      pull_p50_ms: pull.p50,
      pull_p99_ms: pull.p99,
      pull_errors: pull.errors,
    });
  }
  printResultLine('push', figures, ratios);
}
