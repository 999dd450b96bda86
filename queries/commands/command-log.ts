/**
 * The command log: every statement that changes the metastore or starts / stops a persistent
 * query is stored in the internal topic `_commands` (one partition, so one order) as JSON
 * `{ version, statementText, command }`, where `command` is the already-analyzed and planned
 * change (a DataSource, a QueryPlan...). On restart the commands are read back and applied in
 * order without re-analyzing or re-planning the text.
 */
import { SluiceError } from '../../common/index.js';
import { decodeRecords, encodeRecordBatch, type Log } from '../../storage/log/index.js';
import type { Command } from './commands.js';

export const COMMAND_LOG_VERSION = 1;

export interface StoredCommand {
  version: number;
  /** The statement as the user gave it (after variable substitution). */
  statementText: string;
  command: Command;
  /** Wall-clock time the command was logged. */
  timestampMs: number;
}

export interface LoggedCommand extends StoredCommand {
  /** Position in the command log (ksqlDB's command sequence number). */
  sequenceNumber: number;
}

const READ_BYTES = 4 * 1024 * 1024;

export class CommandLog {
  private constructor(
    private readonly log: Log,
    readonly topic: string,
  ) {}

  /** Opens (creating if needed) the command topic. */
  static async open(log: Log, topic: string): Promise<CommandLog> {
    if (!log.hasTopic(topic)) {
      await log.createTopic(topic, { partitions: 1, configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1' } });
    }
    return new CommandLog(log, topic);
  }

  /** The sequence number the next appended command will get. */
  nextSequenceNumber(): number {
    return this.log.offsets(this.topic, 0).highWatermark;
  }

  async append(command: StoredCommand): Promise<number> {
    const value = Buffer.from(JSON.stringify(command), 'utf8');
    const key = Buffer.from(command.command.kind, 'utf8');
    const batch = encodeRecordBatch([{ key, value, timestampMs: command.timestampMs }]);
    const result = await this.log.append(this.topic, 0, batch);
    return result.baseOffset;
  }

  /** Every stored command, in order. */
  async readAll(): Promise<LoggedCommand[]> {
    const out: LoggedCommand[] = [];
    const { logStartOffset, highWatermark } = this.log.offsets(this.topic, 0);
    let offset = logStartOffset;
    while (offset < highWatermark) {
      const read = await this.log.read(this.topic, 0, offset, READ_BYTES);
      if (read.batches.length === 0) break;
      let advanced = false;
      for (const batch of read.batches) {
        for (const record of decodeRecords(batch)) {
          if (record.offset < offset) continue;
          offset = record.offset + 1;
          advanced = true;
          if (record.value === null) continue;
          let stored: StoredCommand;
          try {
            stored = JSON.parse(record.value.toString('utf8')) as StoredCommand;
          } catch (error) {
            throw new SluiceError('INTERNAL_ASSERTION', `command log record at offset ${record.offset} is not valid JSON`, {}, { cause: error });
          }
          if (stored.version !== COMMAND_LOG_VERSION) {
            throw new SluiceError('INTERNAL_ASSERTION', `command log record at offset ${record.offset} has version ${stored.version}; this server reads version ${COMMAND_LOG_VERSION}`);
          }
          out.push({ ...stored, sequenceNumber: record.offset });
        }
      }
      if (!advanced) break;
    }
    return out;
  }
}
