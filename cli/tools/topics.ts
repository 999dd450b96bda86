/** `sluice topics list|create|describe|delete|alter`, like kafka-topics.sh / kafka-configs.sh. */
import type { Command } from 'commander';
import kafkajs from 'kafkajs';
import { collect, configEntry, positiveInteger, table, withAdmin, withBootstrap, type ToolIo } from './client.js';

const { ConfigResourceTypes } = kafkajs;

interface BootstrapOptions {
  bootstrapServer: string;
}

export function registerTopicCommands(program: Command, io: ToolIo): void {
  const topics = program.command('topics').description('list, create, describe, delete and alter topics over the Kafka protocol');

  withBootstrap(topics.command('list').description('list topic names'))
    .option('--exclude-internal', 'hide internal topics (names starting with _)')
    .action(async (options: BootstrapOptions & { excludeInternal?: boolean }) => {
      await withAdmin(options.bootstrapServer, async (admin) => {
        const names = (await admin.listTopics()).filter((n) => !options.excludeInternal || !n.startsWith('_')).sort();
        for (const name of names) io.stdout.write(`${name}\n`);
      });
    });

  withBootstrap(topics.command('create').description('create a topic').argument('<topic>'))
    .option('--partitions <n>', 'partition count (default: the broker default)', positiveInteger)
    .option('--replication-factor <n>', 'replicas per partition', positiveInteger)
    .option('--config <name=value>', 'a topic config (repeatable)', configEntry, [])
    .option('--if-not-exists', 'succeed when the topic already exists')
    .action(async (topic: string, options: BootstrapOptions & { partitions?: number; replicationFactor?: number; config: Array<[string, string]>; ifNotExists?: boolean }) => {
      await withAdmin(options.bootstrapServer, async (admin) => {
        const created = await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic,
              ...(options.partitions !== undefined ? { numPartitions: options.partitions } : {}),
              ...(options.replicationFactor !== undefined ? { replicationFactor: options.replicationFactor } : {}),
              configEntries: options.config.map(([name, value]) => ({ name, value })),
            },
          ],
        });
        if (!created && !options.ifNotExists) throw new Error(`topic ${topic} already exists`);
        io.stdout.write(created ? `Created topic ${topic}.\n` : `Topic ${topic} already exists.\n`);
      });
    });

  withBootstrap(topics.command('describe').description('partitions, leaders, offsets and configs of topics (all when none named)').argument('[topics...]'))
    .action(async (names: string[], options: BootstrapOptions) => {
      await withAdmin(options.bootstrapServer, async (admin) => {
        const wanted = names.length > 0 ? names : (await admin.listTopics()).sort();
        if (wanted.length === 0) return;
        const metadata = await admin.fetchTopicMetadata({ topics: wanted });
        const configs = await admin.describeConfigs({
          includeSynonyms: false,
          resources: wanted.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
        });
        const configsByTopic = new Map(configs.resources.map((r) => [r.resourceName, r.configEntries]));
        for (const topic of metadata.topics) {
          const offsets = await admin.fetchTopicOffsets(topic.name);
          const byPartition = new Map(offsets.map((o) => [o.partition, o]));
          const entries = (configsByTopic.get(topic.name) ?? []).map((c) => `${c.configName}=${c.configValue}`).join(',');
          const replication = topic.partitions[0]?.replicas.length ?? 0;
          io.stdout.write(`Topic: ${topic.name}\tPartitionCount: ${topic.partitions.length}\tReplicationFactor: ${replication}\tConfigs: ${entries}\n`);
          const rows = [...topic.partitions]
            .sort((a, b) => a.partitionId - b.partitionId)
            .map((p) => {
              const o = byPartition.get(p.partitionId);
              return [p.partitionId, p.leader, p.replicas.join(','), p.isr.join(','), o?.low ?? '-', o?.high ?? '-'];
            });
          io.stdout.write(table(['PARTITION', 'LEADER', 'REPLICAS', 'ISR', 'LOG-START-OFFSET', 'LOG-END-OFFSET'], rows));
        }
      });
    });

  withBootstrap(topics.command('delete').description('delete topics').argument('<topics...>'))
    .action(async (names: string[], options: BootstrapOptions) => {
      await withAdmin(options.bootstrapServer, async (admin) => {
        await admin.deleteTopics({ topics: names });
        for (const name of names) io.stdout.write(`Deleted topic ${name}.\n`);
      });
    });

  withBootstrap(topics.command('alter').description('add partitions or change topic configs').argument('<topic>'))
    .option('--partitions <n>', 'new (larger) partition count', positiveInteger)
    .option('--config <name=value>', 'set a topic config (repeatable)', configEntry, [])
    .option('--delete-config <name>', 'reset a topic config to its default (repeatable)', collect, [])
    .action(async (topic: string, options: BootstrapOptions & { partitions?: number; config: Array<[string, string]>; deleteConfig: string[] }) => {
      if (options.partitions === undefined && options.config.length === 0 && options.deleteConfig.length === 0) {
        throw new Error('topics alter: expected --partitions, --config or --delete-config, found none');
      }
      await withAdmin(options.bootstrapServer, async (admin) => {
        if (options.partitions !== undefined) {
          await admin.createPartitions({ topicPartitions: [{ topic, count: options.partitions }] });
          io.stdout.write(`Topic ${topic} now has ${options.partitions} partitions.\n`);
        }
        if (options.config.length > 0 || options.deleteConfig.length > 0) {
          // AlterConfigs replaces a topic's whole config set on Kafka brokers, so send the current
          // non-default values merged with the changes (as kafka-configs.sh did before KIP-339).
          const current = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
          const merged = new Map<string, string>();
          for (const entry of current.resources[0]?.configEntries ?? []) {
            if (!entry.isDefault && !entry.readOnly && entry.configValue !== null) merged.set(entry.configName, entry.configValue);
          }
          for (const [name, value] of options.config) merged.set(name, value);
          for (const name of options.deleteConfig) merged.delete(name);
          const entries = [...merged].map(([name, value]) => ({ name, value }));
          // A config named in --delete-config is sent as null: brokers that apply only what they are
          // given (Sluice) reset it; brokers that replace the set drop it anyway.
          for (const name of options.deleteConfig) entries.push({ name, value: null as unknown as string });
          await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: entries }] });
          io.stdout.write(`Updated configs of topic ${topic}.\n`);
        }
      });
    });
}
