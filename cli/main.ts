#!/usr/bin/env node
/**
 * cli/ — the `sluice` command: `sluice start` runs the server; the topic and group tools talk to
 * any Kafka-protocol broker (Sluice's own listener or a real Kafka cluster).
 */
import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { startServer } from '../server/index.js';
import { registerKafkaTools } from './tools/index.js';
import { registerTestCommand } from './commands-test.js';
import { registerShellCommand } from './shell/index.js';

function portNumber(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`expected a port number 0..65535, found ${JSON.stringify(text)}`);
  }
  return port;
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`expected a positive integer, found ${JSON.stringify(text)}`);
  return value;
}

const program = new Command();
program.name('sluice').description('Sluice: a ksqlDB-compatible streaming SQL database').version('0.1.0');

program
  .command('start')
  .description('start the server: the ksqlDB REST API, the Kafka-compatible log listener and the schema registry')
  .option('--data-dir <dir>', 'where topics, state and the command log live', './data')
  .option('--host <host>', 'address the HTTP API listens on', '127.0.0.1')
  .option('--port <port>', 'HTTP port (ksqlDB REST API)', portNumber, 8088)
  .option('--kafka-host <host>', 'address the Kafka listener binds (default: --host)')
  .option('--kafka-port <port>', 'Kafka protocol port', portNumber, 9092)
  .option('--advertised-kafka-host <host>', 'host name given to Kafka clients in Metadata (default: the bind host)')
  .option('--advertised-kafka-port <port>', 'port given to Kafka clients in Metadata (default: --kafka-port)', portNumber)
  .option('--default-partitions <n>', 'partitions of auto-created topics', positiveInteger, 1)
  .option('--no-auto-create-topics', 'refuse to create topics on Metadata requests')
  .option('--flush <policy>', "durability: 'every-append' (default: no acknowledged record is lost in a crash), 'os', or a flush interval in ms", 'every-append')
  .option('--tls-cert <file>', 'PEM certificate: serve the REST API over TLS (with --tls-key)')
  .option('--tls-key <file>', 'PEM private key for --tls-cert')
  .option('--schema-registry-port <port>', 'also serve the schema registry API at the root of this port (Confluent uses 8081)', portNumber)
  .option('--schema-registry-url <url>', 'use this external Confluent-compatible schema registry instead of the built-in one (e.g. http://localhost:8081)')
  .option('--preserve-partitions', "testing only: sink and internal topics keep each record's input partition (ksqlDB's one-partition test driver), not the key's hash partition")
  .option('--service-id <id>', "ksqlDB's ksql.service.id (internal topic and consumer group names)", 'default_')
  .option('--state-backend <backend>', "where operator state lives: 'lmdb' (under <data-dir>/state), 'rocksdb' (there too; linux-x64 and darwin-arm64) or 'memory' (rebuilt from changelogs on start)", 'lmdb')
  .action(async (options) => {
    if (options.stateBackend !== 'lmdb' && options.stateBackend !== 'rocksdb' && options.stateBackend !== 'memory') {
      console.error(`--state-backend: expected lmdb, rocksdb or memory, found ${JSON.stringify(options.stateBackend)}`);
      process.exit(2);
    }
    const server = await startServer({
      stateBackend: options.stateBackend,
      ...(options.tlsCert ? { tlsCertPath: options.tlsCert } : {}),
      ...(options.tlsKey ? { tlsKeyPath: options.tlsKey } : {}),
      ...(options.schemaRegistryPort !== undefined ? { schemaRegistryPort: options.schemaRegistryPort } : {}),
      ...(options.schemaRegistryUrl !== undefined ? { schemaRegistryUrl: options.schemaRegistryUrl } : {}),
      ...(options.preservePartitions === true ? { preservePartitions: true } : {}),
      serviceId: options.serviceId,
      dataDir: path.resolve(options.dataDir),
      host: options.host,
      httpPort: options.port,
      kafkaHost: options.kafkaHost ?? options.host,
      kafkaPort: options.kafkaPort,
      advertisedKafkaHost: options.advertisedKafkaHost,
      advertisedKafkaPort: options.advertisedKafkaPort,
      defaultPartitions: options.defaultPartitions,
      autoCreateTopics: options.autoCreateTopics,
      flush: options.flush,
    });
    for (const line of server.describe()) console.log(line);
    let stopping = false;
    const stop = async (signal: string): Promise<void> => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: stopping`);
      await server.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

registerKafkaTools(program);
registerTestCommand(program);
registerShellCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
