/** Shared plumbing of the topic and group tools: the kafkajs client, output, option parsers. */
import kafkajs from 'kafkajs';
import { InvalidArgumentError, type Command } from 'commander';

const { Kafka, logLevel } = kafkajs;
export type KafkaClient = InstanceType<typeof Kafka>;

/** Where the tools read and write: the process by default, buffers in tests. */
export interface ToolIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: NodeJS.ReadableStream;
  /** Called once a long-running tool (consume) is set up; resolves when the user interrupts (SIGINT). */
  interrupted(): Promise<void>;
}

export const processIo: ToolIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  interrupted: () =>
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
};

export const DEFAULT_BOOTSTRAP_SERVER = '127.0.0.1:9092';

export function withBootstrap(command: Command): Command {
  return command.option('--bootstrap-server <host:port>', 'a broker to connect to (Sluice or any Kafka)', hostPort, DEFAULT_BOOTSTRAP_SERVER);
}

export function hostPort(text: string): string {
  const match = /^(.+):(\d{1,5})$/.exec(text.trim());
  if (!match || Number(match[2]) > 65535) throw new InvalidArgumentError(`expected host:port, found ${JSON.stringify(text)}`);
  return text.trim();
}

export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`expected a positive integer, found ${JSON.stringify(text)}`);
  return value;
}

export function integer(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new InvalidArgumentError(`expected an integer, found ${JSON.stringify(text)}`);
  return value;
}

/** Repeatable `--config name=value`. */
export function configEntry(text: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const at = text.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected name=value, found ${JSON.stringify(text)}`);
  return [...previous, [text.slice(0, at).trim(), text.slice(at + 1)]];
}

export function collect(text: string, previous: string[] = []): string[] {
  return [...previous, text];
}

export function kafkaClient(bootstrapServer: string): KafkaClient {
  return new Kafka({
    clientId: 'sluice-cli',
    brokers: [bootstrapServer],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 2_000 },
  });
}

/** Runs `body` with a connected admin client, always disconnecting. */
export async function withAdmin<T>(bootstrapServer: string, body: (admin: ReturnType<KafkaClient['admin']>) => Promise<T>): Promise<T> {
  const admin = kafkaClient(bootstrapServer).admin();
  await admin.connect();
  try {
    return await body(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Left-aligned columns separated by two spaces. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
