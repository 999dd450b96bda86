/** `sluice consume <topic>`: prints records, like kafka-console-consumer.sh. */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { kafkaClient, positiveInteger, withBootstrap, type ToolIo } from './client.js';

interface ConsumeOptions {
  bootstrapServer: string;
  fromBeginning?: boolean;
  group?: string;
  maxMessages?: number;
  timeoutMs?: number;
  printKey?: boolean;
  printPartition?: boolean;
  printOffset?: boolean;
  keySeparator: string;
}

export function registerConsumeCommand(program: Command, io: ToolIo): void {
  withBootstrap(program.command('consume').description('print the records of a topic').argument('<topic>'))
    .option('--from-beginning', 'start from the earliest offset when the group has no committed offset')
    .option('--group <group>', 'consumer group (offsets are committed); default: a throw-away group, nothing committed')
    .option('--max-messages <n>', 'exit after this many records', positiveInteger)
    .option('--timeout-ms <ms>', 'exit when no record arrives for this long', positiveInteger)
    .option('--print-key', 'print key<separator>value')
    .option('--print-partition', 'prefix each line with the partition')
    .option('--print-offset', 'prefix each line with the offset')
    .option('--key-separator <text>', 'separator printed between key and value', '\t')
    .action(async (topic: string, options: ConsumeOptions) => {
      const consumer = kafkaClient(options.bootstrapServer).consumer({
        groupId: options.group ?? `sluice-console-${randomUUID()}`,
        maxWaitTimeInMs: 500,
        allowAutoTopicCreation: false,
      });
      let count = 0;
      let finish: () => void = () => {};
      const finished = new Promise<void>((resolve) => (finish = resolve));
      let idleTimer: NodeJS.Timeout | undefined;
      const armIdle = (): void => {
        if (options.timeoutMs === undefined) return;
        clearTimeout(idleTimer);
        idleTimer = setTimeout(finish, options.timeoutMs);
      };
      let done = false;
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: Boolean(options.fromBeginning) });
        await consumer.run({
          autoCommit: options.group !== undefined,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, isRunning, isStale }) => {
            for (const message of batch.messages) {
              if (done || !isRunning() || isStale()) break;
              const value = message.value === null ? 'null' : message.value.toString('utf8');
              let line = options.printKey ? `${message.key === null ? 'null' : message.key.toString('utf8')}${options.keySeparator}${value}` : value;
              if (options.printOffset) line = `${message.offset}\t${line}`;
              if (options.printPartition) line = `${batch.partition}\t${line}`;
              io.stdout.write(`${line}\n`);
              resolveOffset(message.offset);
              count += 1;
              armIdle();
              if (options.maxMessages !== undefined && count >= options.maxMessages) {
                done = true;
                finish();
              }
            }
          },
        });
        armIdle();
        await Promise.race([finished, io.interrupted()]);
      } finally {
        clearTimeout(idleTimer);
        await consumer.disconnect();
      }
      io.stderr.write(`${count} records consumed from ${topic}\n`);
    });
}
