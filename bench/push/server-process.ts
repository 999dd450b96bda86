/**
 * The server side of `npm run bench -- push`, in a process of its own (forked by bench/push.ts
 * with a ServerJob as argv[2]):
 *
 * - `sluice`: a Sluice server (REST + /ws on httpPort, the Kafka listener on kafkaPort), data in
 *   a temporary directory removed on stop;
 * - `bare`: the baseline, a bare `ws` server on httpPort that broadcasts what the producer writes
 *   to its TCP ingest port: each line is one batch of pre-serialized rows (`[..],[..]`), sent to
 *   every client as one frame `{"type":"rows","id":"q","rows":[<line>]}`, encoded once.
 *
 * IPC: sends `ready` with the ports; answers `rss` with the current and peak RSS (sampled every
 * 50 ms) and the CPU seconds used; `rss-reset` restarts the peak; `stop` closes everything and
 * exits (so `--cpu-prof` writes its profile).
 */
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import { startServer } from '../../server/index.js';
import type { RssReport, ServerJob, ServerReady } from './shared.js';

const mb = (bytes: number): number => bytes / (1024 * 1024);

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as ServerJob;
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  let stop: () => Promise<void>;
  let ready: ServerReady;

  if (job.kind === 'sluice') {
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
      limits: { pushQueriesMax: job.pushQueriesMax },
    });
    ready = { type: 'ready', httpPort: server.httpPort, kafkaPort: server.kafkaPort, ingestPort: 0 };
    stop = async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    };
  } else {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const prefix = Buffer.from('{"type":"rows","id":"q","rows":[');
    const suffix = Buffer.from(']}');
    const broadcast = (rows: Buffer): void => {
      const frame = Buffer.concat([prefix, rows, suffix]);
      for (const socket of wss.clients) if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary: false });
    };
    const ingest = net.createServer((socket) => {
      let pending: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => {
        let start = 0;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
          pending.push(chunk.subarray(start, i));
          broadcast(pending.length === 1 ? pending[0]! : Buffer.concat(pending));
          pending = [];
          start = i + 1;
        }
        if (start < chunk.length) pending.push(chunk.subarray(start));
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => ingest.listen(0, '127.0.0.1', () => resolve()));
    ready = { type: 'ready', httpPort: (wss.address() as AddressInfo).port, kafkaPort: 0, ingestPort: (ingest.address() as AddressInfo).port };
    stop = async () => {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => ingest.close(() => resolve()));
    };
  }

  process.on('message', (message: { type: string }) => {
    if (message.type === 'rss') {
      const cpu = process.cpuUsage();
      const report: RssReport = { type: 'rss', currentMb: mb(process.memoryUsage.rss()), peakMb: mb(peak), cpuS: (cpu.user + cpu.system) / 1e6 };
      process.send!(report);
    } else if (message.type === 'rss-reset') {
      peak = process.memoryUsage.rss();
    } else if (message.type === 'stop') {
      clearInterval(sampler);
      void stop().finally(() => process.exit(0));
    }
  });
  process.send!(ready);
}

main().catch((error: unknown) => {
  console.error('bench push server:', error);
  process.exit(1);
});
