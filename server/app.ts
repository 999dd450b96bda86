/**
 * The composition root: reads the configuration, opens the log, starts the listeners, and stops
 * them in reverse order.
 */
import { systemClock, withLimits, SluiceError } from '../common/index.js';
import type { Durability } from '../storage/log/index.js';
import { openLog } from '../storage/log/index.js';
import { RealFileSystem } from '../storage/fs/index.js';
import { startKafkaListener } from './kafka/index.js';

export interface ServerConfig {
  dataDir: string;
  host: string;
  httpPort: number;
  kafkaHost: string;
  kafkaPort: number;
  advertisedKafkaHost?: string;
  advertisedKafkaPort?: number;
  defaultPartitions: number;
  autoCreateTopics: boolean;
  /** 'every-append', 'os', or a flush interval in milliseconds. */
  flush: string;
}

export interface RunningServer {
  kafkaPort: number;
  /** Lines telling a user what is served where. */
  describe(): string[];
  close(): Promise<void>;
}

export function parseDurability(text: string): Durability {
  if (text === 'every-append') return { kind: 'every-append' };
  if (text === 'os') return { kind: 'os' };
  const intervalMs = Number(text);
  if (Number.isInteger(intervalMs) && intervalMs > 0) return { kind: 'interval', flushIntervalMs: intervalMs };
  throw new SluiceError('CONFIG_INVALID', `--flush: expected 'every-append', 'os' or a positive number of milliseconds, found ${JSON.stringify(text)}`, {
    expected: "'every-append' | 'os' | <ms>",
    found: text,
  });
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const limits = withLimits();
  const clock = systemClock;
  const log = await openLog({
    dataDir: config.dataDir,
    fs: new RealFileSystem(),
    clock,
    limits,
    defaults: { durability: parseDurability(config.flush) },
  });
  let kafka: Awaited<ReturnType<typeof startKafkaListener>>;
  try {
    kafka = await startKafkaListener({
      log,
      host: config.kafkaHost,
      port: config.kafkaPort,
      advertisedHost: config.advertisedKafkaHost ?? config.kafkaHost,
      advertisedPort: config.advertisedKafkaPort ?? config.kafkaPort,
      limits,
      clock,
      autoCreateTopics: config.autoCreateTopics,
      defaultPartitions: config.defaultPartitions,
    });
  } catch (error) {
    await log.close();
    throw error;
  }
  return {
    kafkaPort: kafka.port,
    describe: () => [
      `Sluice is running.`,
      `  data directory:  ${config.dataDir}`,
      `  Kafka protocol:  ${config.kafkaHost}:${kafka.port}   (kafkajs and other Kafka clients; bootstrap server ${config.advertisedKafkaHost ?? config.kafkaHost}:${config.advertisedKafkaPort ?? kafka.port})`,
      `  REST API:        not served yet (the ksqlDB REST API on :${config.httpPort} comes with the server issue)`,
      `Press Ctrl-C to stop.`,
    ],
    close: async () => {
      await kafka.close();
      await log.close();
    },
  };
}
