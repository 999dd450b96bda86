/**
 * The composition root: reads the configuration, opens the log, starts the SQL engine and the
 * listeners (Kafka protocol, ksqlDB REST + WebSocket), and stops them in reverse order.
 */
import { readFileSync } from 'node:fs';
import { systemClock, withLimits, SluiceError, type Limits } from '../common/index.js';
import type { Durability } from '../storage/log/index.js';
import { openLog } from '../storage/log/index.js';
import { RealFileSystem } from '../storage/fs/index.js';
import { createQueryEngine } from '../queries/index.js';
import { diskStateEnvironments } from '../engine/runtime/index.js';
import { startKafkaListener } from './kafka/index.js';
import { registryNotFoundHandler, schemaRegistryRoutes, startHttpServer, type HttpServer, type HttpSettings } from './http/index.js';
import { websocketPlugin } from './ws/index.js';
import { HttpSchemaRegistryClient, SchemaRegistry, type SchemaRegistryClient } from '../registry/index.js';

import Fastify from 'fastify';

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
  /** PEM files: serve the REST API over TLS (ALPN h2 + http/1.1). Both or neither. */
  tlsCertPath?: string;
  tlsKeyPath?: string;
  /** Limits overriding the defaults (request body size, statement length, push queries...). */
  limits?: Partial<Limits>;
  /** HTTP/WebSocket settings overriding the defaults. */
  http?: Partial<HttpSettings>;
  /** ksqlDB's `ksql.service.id`. Default `default_`. */
  serviceId?: string;
  /** Also serve the schema registry's REST API at the root of this port (Confluent's default is 8081). */
  schemaRegistryPort?: number;
  /**
   * Use this external Confluent-compatible schema registry instead of the built-in one (which is
   * then neither opened nor served). Not with `schemaRegistryPort`.
   */
  schemaRegistryUrl?: string;
  /** Operator state: 'lmdb' under `<dataDir>/state` (default), 'rocksdb' (there too) or 'memory' (rebuilt from changelogs at start). */
  stateBackend?: 'lmdb' | 'rocksdb' | 'memory';
  /**
   * Testing only: sink and internal topics keep each record's input partition instead of the
   * key's hash partition (ksqlDB's one-partition test driver; the conformance runner writes every
   * input to partition 0). Not for production: keys would be split across partitions.
   */
  preservePartitions?: boolean;
}

export interface RunningServer {
  kafkaPort: number;
  httpPort: number;
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

function tlsOf(config: ServerConfig): { cert: Buffer; key: Buffer } | undefined {
  if (config.tlsCertPath === undefined && config.tlsKeyPath === undefined) return undefined;
  if (config.tlsCertPath === undefined || config.tlsKeyPath === undefined) {
    throw new SluiceError('CONFIG_INVALID', 'TLS: expected both --tls-cert and --tls-key, found only one', { expected: 'both', found: 'one' });
  }
  return { cert: readFileSync(config.tlsCertPath), key: readFileSync(config.tlsKeyPath) };
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const limits = withLimits(config.limits);
  const tls = tlsOf(config);
  const clock = systemClock;
  const fs = new RealFileSystem();
  const log = await openLog({
    dataDir: config.dataDir,
    fs,
    clock,
    limits,
    defaults: { durability: parseDurability(config.flush) },
  });
  const stops: Array<() => Promise<void>> = [() => log.close()];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch {
        // keep stopping the rest
      }
    }
  };
  let kafka: Awaited<ReturnType<typeof startKafkaListener>>;
  let http: HttpServer;
  let schemaRegistryPort: number | undefined;
  let externalRegistryUrl: string | undefined;
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
    stops.push(() => kafka.close());
    let registry: SchemaRegistryClient;
    let builtInRegistry: SchemaRegistry | undefined;
    if (config.schemaRegistryUrl !== undefined) {
      if (config.schemaRegistryPort !== undefined) {
        throw new SluiceError('CONFIG_INVALID', '--schema-registry-port serves the built-in registry; it cannot be used with --schema-registry-url', {
          expected: 'one of --schema-registry-port, --schema-registry-url',
          found: 'both',
        });
      }
      const external = new HttpSchemaRegistryClient({ url: config.schemaRegistryUrl });
      await external.ping();
      externalRegistryUrl = external.url;
      registry = external;
    } else {
      const opened = await SchemaRegistry.open({ log, clock });
      stops.push(() => opened.close());
      builtInRegistry = opened;
      registry = opened;
    }
    const stateEnvironment = config.stateBackend === 'memory' ? undefined : diskStateEnvironments({ backend: config.stateBackend ?? 'lmdb', dataDir: config.dataDir, fs, clock });
    const engine = await createQueryEngine({
      log,
      clock,
      limits,
      ...(config.serviceId ? { serviceId: config.serviceId } : {}),
      // AVRO/PROTOBUF/JSON_SR: schema inference, sink registration and the serdes use the registry.
      schemaRegistry: registry,
      runtime: { preservePartitions: config.preservePartitions === true, ...(stateEnvironment !== undefined ? { stateEnvironment } : {}) },
    });
    stops.push(() => engine.close());
    http = await startHttpServer({
      engine,
      log,
      limits,
      host: config.host,
      port: config.httpPort,
      ...(tls ? { tls } : {}),
      ...(config.http ? { settings: config.http } : {}),
      identity: { ksqlServiceId: config.serviceId ?? 'default_' },
      plugins: [
        websocketPlugin,
        (app) => {
          if (builtInRegistry !== undefined) app.register(schemaRegistryRoutes(builtInRegistry), { prefix: '/schema-registry' });
        },
      ],
    });
    stops.push(() => http.close());
    if (config.schemaRegistryPort !== undefined && builtInRegistry !== undefined) {
      const registryApp = Fastify({ logger: false, bodyLimit: limits.httpBodyBytesMax });
      await registryApp.register(schemaRegistryRoutes(builtInRegistry));
      registryApp.setNotFoundHandler(registryNotFoundHandler);
      await registryApp.listen({ host: config.host, port: config.schemaRegistryPort });
      const address = registryApp.server.address();
      schemaRegistryPort = typeof address === 'object' && address ? address.port : config.schemaRegistryPort;
      stops.push(() => registryApp.close());
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    kafkaPort: kafka.port,
    httpPort: http.port,
    describe: () => [
      `Sluice is running.`,
      `  data directory:  ${config.dataDir}`,
      `  REST API:        ${http.url}   (ksqlDB's API: HTTP/1.1 and HTTP/2 on one port; WebSocket at /ws/query and /ws)`,
      externalRegistryUrl !== undefined
        ? `  Schema registry: external, ${externalRegistryUrl}`
        : `  Schema registry: ${http.url}/schema-registry${schemaRegistryPort !== undefined ? `   and http://${config.host}:${schemaRegistryPort}` : ''}   (Confluent Schema Registry API)`,
      `  Kafka protocol:  ${config.kafkaHost}:${kafka.port}   (kafkajs and other Kafka clients; bootstrap server ${config.advertisedKafkaHost ?? config.kafkaHost}:${config.advertisedKafkaPort ?? kafka.port})`,
      `Press Ctrl-C to stop.`,
    ],
    // REST first (ends push queries), then the engine, the Kafka listener and the log.
    close: stopAll,
  };
}
