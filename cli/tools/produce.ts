/** `sluice produce <topic>`: one record per stdin line, like kafka-console-producer.sh. */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import kafkajs from 'kafkajs';
import { integer, kafkaClient, positiveInteger, withBootstrap, type ToolIo } from './client.js';

const { CompressionTypes, Partitioners } = kafkajs;

interface ProduceOptions {
  bootstrapServer: string;
  parseKey?: boolean;
  keySeparator: string;
  nullMarker?: string;
  partition?: number;
  acks: number;
  batchSize: number;
  compression: 'none' | 'gzip';
}

export function registerProduceCommand(program: Command, io: ToolIo): void {
  withBootstrap(
    program
      .command('produce')
      .description('send each stdin line as a record (optionally key<TAB>value)')
      .argument('<topic>'),
  )
    .option('--parse-key', 'split each line into key and value at the first key separator')
    .option('--key-separator <text>', 'separator between key and value', '\t')
    .option('--null-marker <text>', 'a key or value equal to this is sent as null (a value: a tombstone)')
    .option('--partition <n>', 'send every record to this partition (default: by key, murmur2)', integer)
    .option('--acks <n>', 'acknowledgements: -1 (all), 1 or 0', integer, -1)
    .option('--batch-size <n>', 'most lines sent in one request', positiveInteger, 500)
    .option('--compression <codec>', 'none or gzip', 'none')
    .action(async (topic: string, options: ProduceOptions) => {
      if (options.compression !== 'none' && options.compression !== 'gzip') {
        throw new Error(`--compression: expected none or gzip, found ${JSON.stringify(options.compression)}`);
      }
      const producer = kafkaClient(options.bootstrapServer).producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: true,
      });
      await producer.connect();
      let sent = 0;
      try {
        const pending: Array<{ key: string | null; value: string | null; partition?: number }> = [];
        const flush = async (): Promise<void> => {
          if (pending.length === 0) return;
          const messages = pending.splice(0, pending.length);
          await producer.send({
            topic,
            acks: options.acks,
            compression: options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
            messages,
          });
          sent += messages.length;
        };
        const asNull = (text: string): string | null => (options.nullMarker !== undefined && text === options.nullMarker ? null : text);
        const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
        for await (const line of lines) {
          let key: string | null = null;
          let value: string | null = line;
          if (options.parseKey) {
            const at = line.indexOf(options.keySeparator);
            if (at < 0) throw new Error(`line ${sent + pending.length + 1}: expected key${JSON.stringify(options.keySeparator)}value, found no separator`);
            key = asNull(line.slice(0, at));
            value = line.slice(at + options.keySeparator.length);
          }
          value = value === null ? null : asNull(value);
          pending.push({ key, value, ...(options.partition !== undefined ? { partition: options.partition } : {}) });
          if (pending.length >= options.batchSize) await flush();
        }
        await flush();
      } finally {
        await producer.disconnect();
      }
      io.stderr.write(`${sent} records sent to ${topic}\n`);
    });
}
