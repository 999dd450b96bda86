/**
 * The client side of `npm run bench -- push`, in a process of its own (forked by bench/push.ts
 * with a ClientJob as argv[2]); sends one result over IPC and exits.
 *
 * push: N `ws` clients, then a producer appending one batch per 10 ms tick at a fixed rate, each
 * row carrying its send time (TS) and a sequence number (SEQ). Against Sluice the clients
 * subscribe on /ws to `SELECT * FROM S EMIT CHANGES;` and the producer is a kafkajs producer;
 * against the bare baseline the clients just connect and the producer writes the same rows,
 * pre-serialized, one line per batch, to the server's ingest socket. Each client records
 * receive - TS per row and which SEQ it got (so rows missing and rows received twice show;
 * the kafkajs producer pipelines its sends and may reorder batches, so order is not checked). Producer and clients share this process,
 * hence one clock.
 *
 * pull: a CTAS table of `keys` keys loaded through the Kafka listener, then key lookups at a
 * fixed rate (open loop) on POST /query-stream, then the same through /ws subscriptions.
 */
import http from 'node:http';
import net from 'node:net';
import kafkajs from 'kafkajs';
import WebSocket from 'ws';
import { Histogram, TICK_MS, now, sleep, type ClientJob, type PullFigures, type PullJob, type PullResult, type PushJob, type PushResult } from './shared.js';

const { Kafka, logLevel } = kafkajs;
const PAD = 'x'.repeat(40);

interface Client {
  ws: WebSocket;
  received: number;
  frames: number;
  /** One byte per sequence number: seen or not (duplicates are counted). */
  seen: Uint8Array;
  duplicates: number;
  failed: string | null;
  header: boolean;
  seqIndex: number;
  tsIndex: number;
}

async function ksql(httpPort: number, statement: string, properties: Record<string, string> = {}): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${httpPort}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: statement, streamsProperties: properties }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`/ksql ${response.status}: ${text}`);
}

async function connectClients(url: string, count: number, histogram: Histogram, subscribe: boolean, rowsMax: number): Promise<Client[]> {
  const clients: Client[] = [];
  const opened: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const client: Client = { ws, received: 0, frames: 0, seen: new Uint8Array(rowsMax), duplicates: 0, failed: null, header: !subscribe, seqIndex: 0, tsIndex: 1 };
    clients.push(client);
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; rows?: unknown[][]; columns?: { name: string }[]; code?: string; message?: string };
      if (message.type === 'rows') {
        const t = now();
        const rows = message.rows!;
        for (let r = 0; r < rows.length; r++) {
          const row = rows[r]!;
          histogram.add(t - (row[client.tsIndex] as number));
          const seq = row[client.seqIndex] as number;
          if (client.seen[seq] === 1) {
            client.duplicates++;
            continue;
          }
          client.seen[seq] = 1;
          client.received++;
        }
        client.frames++;
      } else if (message.type === 'header') {
        client.tsIndex = message.columns!.findIndex((c) => c.name === 'TS');
        client.seqIndex = message.columns!.findIndex((c) => c.name === 'SEQ');
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
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && clients.some((c) => !c.header && c.failed === null)) await sleep(20);
  const missing = clients.filter((c) => !c.header && c.failed === null).length;
  if (missing > 0) throw new Error(`${missing} of ${count} subscribers got no header within 120 s`);
  const failed = clients.filter((c) => c.failed !== null);
  if (failed.length > 0) throw new Error(`${failed.length} of ${count} subscribers failed to start: ${failed[0]!.failed}`);
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

/** Fixed-rate tick loop: calls `emit(count, firstSeq)` per tick with the records due, for `seconds`. */
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

/** Waits until every live client has `produced` rows, or no progress for 3 s, or 30 s; returns the last receive time. */
async function drain(clients: Client[], produced: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  let last = -1;
  let lastChange = Date.now();
  let lastReceiveAt = now();
  for (;;) {
    const total = clients.reduce((sum, c) => sum + c.received, 0);
    if (total !== last) {
      last = total;
      lastChange = Date.now();
      lastReceiveAt = now();
    }
    const live = clients.filter((c) => c.failed === null);
    if (live.every((c) => c.received >= produced) || Date.now() - lastChange > 3000 || Date.now() > deadline) return lastReceiveAt;
    await sleep(10);
  }
}

async function runPush(job: PushJob): Promise<PushResult> {
  const histogram = new Histogram();
  let emit: (count: number, firstSeq: number) => Promise<void> | void;
  let closeProducer: () => Promise<void>;
  if (job.target === 'sluice') {
    await ksql(job.httpPort, "CREATE STREAM S (SEQ BIGINT, TS DOUBLE, PAD STRING) WITH (KAFKA_TOPIC='push_s', PARTITIONS=1, VALUE_FORMAT='JSON');");
    const kafka = new Kafka({ clientId: 'bench-push', brokers: [`127.0.0.1:${job.kafkaPort}`], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    // Sends are pipelined (at most 16 in flight, in order on one connection) so that the
    // producer keeps the rate while the server is busy, as the bare producer does.
    const inFlight = new Set<Promise<unknown>>();
    emit = async (count, firstSeq) => {
      const ts = now();
      const messages = new Array<{ value: string }>(count);
      for (let i = 0; i < count; i++) messages[i] = { value: `{"SEQ":${firstSeq + i},"TS":${ts},"PAD":"${PAD}"}` };
      const sent = producer.send({ topic: 'push_s', acks: 1, messages });
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent)).catch(() => undefined);
      if (inFlight.size >= 16) await Promise.race(inFlight);
    };
    closeProducer = async () => {
      await Promise.allSettled(inFlight);
      await producer.disconnect();
    };
  } else {
    const socket = net.connect(job.ingestPort, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    emit = (count, firstSeq) => {
      const ts = now();
      let line = '';
      for (let i = 0; i < count; i++) line += `${i > 0 ? ',' : ''}[${firstSeq + i},${ts},"${PAD}"]`;
      socket.write(line + '\n');
    };
    closeProducer = async () => {
      socket.end();
    };
  }
  const url = job.target === 'sluice' ? `ws://127.0.0.1:${job.httpPort}/ws` : `ws://127.0.0.1:${job.httpPort}/`;
  let clients: Client[] = [];
  try {
    clients = await connectClients(url, job.subscribers, histogram, job.target === 'sluice', Math.ceil(job.rate * job.seconds) + 1);
    await sleep(500); // let every subscription settle at the topic's end
    const cpuBefore = process.cpuUsage();
    const startedAt = now();
    const produced = await produceAtRate(job.rate, job.seconds, emit);
    const endedAt = await drain(clients, produced);
    const cpu = process.cpuUsage(cpuBefore);
    const live = clients.filter((c) => c.failed === null);
    const received = clients.reduce((sum, c) => sum + c.received, 0);
    const frames = clients.reduce((sum, c) => sum + c.frames, 0);
    const seconds = (endedAt - startedAt) / 1000;
    return {
      type: 'push-result',
      target: job.target,
      produced,
      received,
      keptUp: live.length,
      dropped: live.reduce((sum, c) => sum + Math.max(0, produced - c.received), 0),
      duplicates: clients.reduce((sum, c) => sum + c.duplicates, 0),
      rowsPerS: received / seconds,
      framesPerS: frames / seconds,
      p50: histogram.quantile(0.5),
      p99: histogram.quantile(0.99),
      failures: [...new Set(clients.map((c) => c.failed).filter((r): r is string => r !== null))].slice(0, 3),
      clientCpuS: (cpu.user + cpu.system) / 1e6,
    };
  } finally {
    await closeClients(clients);
    await closeProducer();
  }
}

/** Open-loop lookups at `rate`/s for `seconds`; `lookup` resolves to the rows found. */
async function pullLoad(rate: number, seconds: number, keys: number, lookup: (key: string) => Promise<number>): Promise<PullFigures> {
  const histogram = new Histogram();
  let requests = 0;
  let errors = 0;
  let skipped = 0;
  let inFlight = 0;
  let firstError: string | null = null;
  const pending = new Set<Promise<void>>();
  let seq = 0;
  const startedAt = performance.now();
  const cpuBefore = process.cpuUsage();
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
          if (rows !== 1) {
            errors++;
            firstError ??= `${key}: ${rows} rows`;
          } else histogram.add(performance.now() - t0);
        })
        .catch((error: unknown) => {
          errors++;
          firstError ??= String((error as Error).message ?? error);
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
  const cpu = process.cpuUsage(cpuBefore);
  return { requests, errors, skipped, rps: requests / elapsed, p50: histogram.quantile(0.5), p99: histogram.quantile(0.99), firstError, clientCpuS: (cpu.user + cpu.system) / 1e6 };
}

/** Pull queries over /ws: `sockets` sockets, one subscription per lookup, answered by rows then `done`. */
async function wsLookups(httpPort: number, sockets: number): Promise<{ lookup: (key: string) => Promise<number>; close: () => void }> {
  const open: WebSocket[] = [];
  const waiting = new Map<string, { rows: number; resolve: (rows: number) => void; reject: (error: Error) => void }>();
  for (let i = 0; i < sockets; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/ws`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type: string; id: string; rows?: unknown[]; changes?: unknown[]; message?: string };
      const w = waiting.get(message.id);
      if (w === undefined) return;
      if (message.type === 'rows') w.rows += message.rows!.length;
      else if (message.type === 'changes') w.rows += message.changes!.length;
      else if (message.type === 'done') {
        waiting.delete(message.id);
        w.resolve(w.rows);
      } else if (message.type === 'error') {
        waiting.delete(message.id);
        w.reject(new Error(message.message));
      }
    });
    open.push(ws);
  }
  let next = 0;
  const inFlight = open.map(() => 0);
  return {
    lookup: (key) =>
      new Promise<number>((resolve, reject) => {
        // The least busy socket (a socket holds at most 100 open subscriptions).
        let socket = 0;
        for (let i = 1; i < open.length; i++) if (inFlight[i]! < inFlight[socket]!) socket = i;
        if (inFlight[socket]! >= 100) return reject(new Error('every socket has 100 lookups open'));
        inFlight[socket]!++;
        const done = (): void => void inFlight[socket]!--;
        const id = `p${next++}`;
        waiting.set(id, { rows: 0, resolve: (rows) => (done(), resolve(rows)), reject: (error) => (done(), reject(error)) });
        open[socket]!.send(JSON.stringify({ type: 'subscribe', id, sql: `SELECT * FROM PT WHERE ID = '${key}';` }));
      }),
    close: () => open.forEach((ws) => ws.terminate()),
  };
}

async function runPull(job: PullJob): Promise<PullResult> {
  await ksql(job.httpPort, "CREATE STREAM P (ID STRING KEY, V BIGINT) WITH (KAFKA_TOPIC='pull_src', PARTITIONS=1, VALUE_FORMAT='JSON');");
  await ksql(job.httpPort, 'CREATE TABLE PT AS SELECT ID, LATEST_BY_OFFSET(V) AS V FROM P GROUP BY ID EMIT CHANGES;', { 'ksql.streams.auto.offset.reset': 'earliest' });
  const kafka = new Kafka({ clientId: 'bench-pull', brokers: [`127.0.0.1:${job.kafkaPort}`], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const loadStarted = performance.now();
  try {
    for (let start = 0; start < job.keys; start += 5000) {
      const messages = [];
      for (let i = start; i < Math.min(job.keys, start + 5000); i++) messages.push({ key: `k${i}`, value: `{"V":${i}}` });
      await producer.send({ topic: 'pull_src', acks: 1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  // node:http with keep-alive connections (undici's fetch costs the client more CPU per request).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const restLookup = (key: string): Promise<number> =>
    new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ sql: `SELECT * FROM PT WHERE ID = '${key}';`, properties: {} });
      const request = http.request(
        { host: '127.0.0.1', port: job.httpPort, path: '/query-stream', method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(body) } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (response.statusCode !== 200) reject(new Error(`/query-stream ${response.statusCode}: ${text.slice(0, 200)}`));
            else {
              try {
                resolve((JSON.parse(text) as unknown[]).length - 1);
              } catch (error) {
                reject(error as Error);
              }
            }
          });
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  // Wait until the table holds the last key (bounded).
  const readyDeadline = Date.now() + 600_000;
  for (;;) {
    let ready = false;
    try {
      ready = (await restLookup(`k${job.keys - 1}`)) === 1;
    } catch (error) {
      if (Date.now() > readyDeadline) throw error;
    }
    if (ready) break;
    if (Date.now() > readyDeadline) throw new Error(`the table did not reach ${job.keys} keys within 600 s`);
    await sleep(200);
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  for (let i = 0; i < 200; i++) await restLookup(`k${(i * 7919) % job.keys}`); // warm up
  const rest = await pullLoad(job.rate, job.seconds, job.keys, restLookup);
  const ws = await wsLookups(job.httpPort, 8);
  let wsFigures: PullFigures;
  try {
    for (let i = 0; i < 200; i++) await ws.lookup(`k${(i * 7919) % job.keys}`);
    wsFigures = await pullLoad(job.rate, job.seconds, job.keys, ws.lookup);
  } finally {
    ws.close();
  }
  return { type: 'pull-result', keys: job.keys, loadSeconds, rest, ws: wsFigures };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as ClientJob;
  const result = job.kind === 'push' ? await runPush(job) : await runPull(job);
  process.send!(result, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.send!({ type: 'error', message: String((error as Error)?.stack ?? error) }, () => process.exit(1));
});
