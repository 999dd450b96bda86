/**
 * The TCP listener: accepts Kafka clients (up to `kafkaConnectionsMax`), gives each a Connection,
 * and shares one broker context (log, group coordinator, advertised address) among them.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { defaultLimits, systemClock, SluiceError, type Clock, type Limits } from '../../common/index.js';
import type { Log } from '../../storage/log/index.js';
import { Connection, type ConnectionStats } from './connection.js';
import { GroupCoordinator } from './coordinator.js';
import type { BrokerContext } from './handlers.js';
import { silentLogger, type KafkaListenerLogger } from './logger.js';

export interface KafkaListenerOptions {
  log: Log;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Port to bind; 0 picks a free one (read it from the returned `port`). Default 9092. */
  port?: number;
  /** Host clients are told to connect to (Metadata, FindCoordinator); default `host` (127.0.0.1 for 0.0.0.0 / ::). */
  advertisedHost?: string;
  /** Port clients are told to connect to; default (or 0): the bound port. */
  advertisedPort?: number;
  /** kafkaFrameBytesMax, kafkaConnectionsMax, batchBytesMax are used. */
  limits?: Limits;
  clock?: Clock;
  logger?: KafkaListenerLogger;
  /** Create a topic when a Metadata request names a missing one and allows it. Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics without a count. Default 1. */
  defaultPartitions?: number;
  /** Broker id in Metadata. Default 1. */
  nodeId?: number;
  /** Cluster id in Metadata. Default "sluice". */
  clusterId?: string;
  /** Bounds on a group member's session timeout. Defaults 1000 and 1800000 ms. */
  groupSessionTimeoutMinMs?: number;
  groupSessionTimeoutMaxMs?: number;
  /** Most members in one consumer group. Default 1000. */
  groupMembersMax?: number;
  /** Cap on one Fetch response's record bytes, whatever the client asks. Default 57671680 (Kafka's fetch.max.bytes). */
  fetchResponseBytesMax?: number;
}

export interface KafkaListenerStats {
  connections: number;
  connectionsAccepted: number;
  connectionsRejected: number;
  /** Requests received per API name (unknown keys under "unknown"). */
  requests: Record<string, number>;
}

export interface KafkaListener {
  /** The bound port. */
  readonly port: number;
  readonly host: string;
  /** Counters, for tests and metrics. */
  stats(): KafkaListenerStats;
  /** The group coordinator (tests, admin). */
  readonly coordinator: GroupCoordinator;
  /** Stops accepting, closes every connection (ending long polls) and the group coordinator. */
  close(): Promise<void>;
}

export async function startKafkaListener(options: KafkaListenerOptions): Promise<KafkaListener> {
  const limits = options.limits ?? defaultLimits;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const host = options.host ?? '127.0.0.1';
  const defaultPartitions = options.defaultPartitions ?? 1;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) {
    throw new SluiceError('CONFIG_INVALID', `default partitions: expected an integer >= 1, found ${defaultPartitions}`);
  }
  const coordinator = new GroupCoordinator({
    log: options.log,
    clock,
    logger,
    sessionTimeoutMinMs: options.groupSessionTimeoutMinMs ?? 1_000,
    sessionTimeoutMaxMs: options.groupSessionTimeoutMaxMs ?? 1_800_000,
    groupMembersMax: options.groupMembersMax ?? 1_000,
  });

  let boundPort = 0;
  const advertisedHost = options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  const broker: BrokerContext = {
    log: options.log,
    clock,
    logger,
    limits,
    coordinator,
    nodeId: options.nodeId ?? 1,
    clusterId: options.clusterId ?? 'sluice',
    advertised: () => ({ host: advertisedHost, port: options.advertisedPort || boundPort }),
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions,
    fetchResponseBytesMax: options.fetchResponseBytesMax ?? 57_671_680,
  };

  const connections = new Set<Connection>();
  const stats: ConnectionStats = { requests: new Map() };
  let accepted = 0;
  let rejected = 0;
  let nextId = 1;
  let closing = false;

  const server: Server = createServer((socket: Socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    if (connections.size >= limits.kafkaConnectionsMax) {
      rejected += 1;
      logger.warn(
        { client: socket.remoteAddress, connections: connections.size, max: limits.kafkaConnectionsMax },
        'kafka: connection refused, too many connections',
      );
      socket.destroy();
      return;
    }
    accepted += 1;
    const connection = new Connection(nextId++, socket, broker, stats, (c) => connections.delete(c));
    connections.add(connection);
  });
  server.on('error', (error) => logger.error({ err: error.message }, 'kafka listener error'));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(options.port ?? 9092, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  boundPort = typeof address === 'object' && address ? address.port : (options.port ?? 9092);
  logger.info({ host, port: boundPort, advertised: broker.advertised() }, 'kafka listener started');

  return {
    port: boundPort,
    host,
    coordinator,
    stats: () => ({
      connections: connections.size,
      connectionsAccepted: accepted,
      connectionsRejected: rejected,
      requests: Object.fromEntries(stats.requests),
    }),
    async close() {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const open = [...connections];
      for (const connection of open) connection.close();
      coordinator.close();
      // Long polls and group waits end at once; let in-flight appends finish before the log closes.
      await Promise.all(open.map((connection) => connection.idle()));
      await closed;
      logger.info({ port: boundPort }, 'kafka listener stopped');
    },
  };
}
