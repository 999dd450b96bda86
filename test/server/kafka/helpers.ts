/** Shared test plumbing: a listener over a log, kafkajs clients tuned for fast tests, a raw socket client. */
import { connect, type Socket } from 'node:net';
import kafkajs from 'kafkajs';
import { startKafkaListener, type KafkaListener, type KafkaListenerOptions, type KafkaListenerLogger } from '../../../server/kafka/index.js';
import { Writer } from '../../../server/kafka/protocol/schema.js';
import { openLog, type Log } from '../../../storage/log/index.js';
import { MemoryFileSystem } from '../../../storage/fs/index.js';

const { Kafka, logLevel } = kafkajs;
export type KafkaClient = InstanceType<typeof Kafka>;

export interface LogLine {
  level: string;
  message: string;
  fields: object;
}

export function recordingLogger(lines: LogLine[] = [], echo = false): KafkaListenerLogger & { lines: LogLine[] } {
  const at = (level: string) => (fields: object, message: string) => {
    lines.push({ level, message, fields });
    if (echo) console.log(level, message, fields);
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The real log on an in-memory file system (no background maintenance). */
export async function openTestLog(): Promise<Log> {
  return openLog({ dataDir: '/data', fs: new MemoryFileSystem(), maintenanceIntervalMs: 0 });
}

export interface TestBroker {
  log: Log;
  listener: KafkaListener;
  bootstrap: string;
  logger: ReturnType<typeof recordingLogger>;
  kafka(options?: { clientId?: string }): KafkaClient;
  close(): Promise<void>;
}

export async function startTestBroker(options: Partial<KafkaListenerOptions> = {}): Promise<TestBroker> {
  const log = options.log ?? (await openTestLog());
  const logger = recordingLogger([], process.env.KAFKA_TEST_LOG === '1');
  const listener = await startKafkaListener({ host: '127.0.0.1', port: 0, logger, ...options, log });
  const bootstrap = `127.0.0.1:${listener.port}`;
  const clients: KafkaClient[] = [];
  return {
    log,
    listener,
    bootstrap,
    logger,
    kafka: (clientOptions = {}) => {
      const client = new Kafka({
        clientId: clientOptions.clientId ?? 'test',
        brokers: [bootstrap],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 1_000,
        requestTimeout: 10_000,
        retry: { retries: 3, initialRetryTime: 50, maxRetryTime: 500 },
      });
      clients.push(client);
      return client;
    },
    async close() {
      await listener.close();
      await log.close();
    },
  };
}

/** A hand-driven client: frames requests itself and reads raw responses. */
export class RawClient {
  private socket: Socket;
  private buffer = Buffer.alloc(0);
  private waiting = new Map<number, (body: Buffer) => void>();
  private correlationId = 1;
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4) {
        const size = this.buffer.readInt32BE(0);
        if (this.buffer.length < 4 + size) break;
        const frame = this.buffer.subarray(4, 4 + size);
        this.buffer = this.buffer.subarray(4 + size);
        const id = frame.readInt32BE(0);
        this.waiting.get(id)?.(frame.subarray(4));
        this.waiting.delete(id);
      }
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  /** The request frame (size prefix included) for a body. */
  frame(apiKey: number, apiVersion: number, body: Buffer, clientId: string | null = 'raw'): { frame: Buffer; correlationId: number } {
    const correlationId = this.correlationId++;
    const header = new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).nullableString(clientId).toBuffer();
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + body.length);
    return { frame: Buffer.concat([size, header, body]), correlationId };
  }

  /** Sends a request and resolves with the response body (after the correlation id). */
  request(apiKey: number, apiVersion: number, body: Buffer = Buffer.alloc(0)): Promise<Buffer> {
    const { frame, correlationId } = this.frame(apiKey, apiVersion, body);
    const response = this.expect(correlationId);
    this.socket.write(frame);
    return response;
  }

  expect(correlationId: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting.set(correlationId, resolve);
      void this.closed.then(() => reject(new Error('connection closed')));
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
