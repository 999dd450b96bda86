/**
 * The KAFKA format: Kafka's primitive serdes for exactly one column (ksqlDB's KafkaSerdeFactory).
 * INTEGER 4-byte big-endian; BIGINT 8-byte big-endian; DOUBLE 8-byte IEEE-754 big-endian; STRING
 * UTF-8; BYTES as is. Other types are not supported. A null value writes no bytes (tombstone).
 * (No columns at all is handled by the factory with a void serde.)
 */

import { SluiceError } from '../../common/index.js';
import type { SqlType } from '../types/index.js';
import type { SerdeColumn } from './serde.js';

export function kafkaSupportsType(type: SqlType): boolean {
  return type.kind === 'INTEGER' || type.kind === 'BIGINT' || type.kind === 'DOUBLE' || type.kind === 'STRING' || type.kind === 'BYTES';
}

const TWO_32 = 4294967296;

/** Writes a JS integer as a big-endian signed 64-bit value (exact for integral doubles). */
export function writeInt64BE(buf: Buffer, n: number, offset: number): void {
  const hi = Math.floor(n / TWO_32);
  const lo = n - hi * TWO_32;
  buf.writeInt32BE(hi | 0, offset);
  buf.writeUInt32BE(lo >>> 0, offset + 4);
}

/** Reads a big-endian signed 64-bit value as a number (exact up to 2^53). */
export function readInt64BE(buf: Buffer, offset: number): number {
  return buf.readInt32BE(offset) * TWO_32 + buf.readUInt32BE(offset + 4);
}

export interface KafkaSerdeParts {
  serialize(values: readonly unknown[] | null): Buffer | null;
  deserialize(bytes: Buffer | null): unknown[] | null;
}

export function createKafkaSerde(column: SerdeColumn, topic: string): KafkaSerdeParts {
  const fail = (detail: string): SluiceError =>
    new SluiceError('ENGINE_SERDE', `Error deserializing KAFKA message from topic: ${topic}: ${detail}`, { topic });
  let read: (b: Buffer) => unknown;
  let write: (v: any) => Buffer;
  switch (column.type.kind) {
    case 'INTEGER':
      read = (b) => {
        if (b.length !== 4) throw fail('Size of data received by IntegerDeserializer is not 4');
        return b.readInt32BE(0);
      };
      write = (v: number) => {
        const b = Buffer.allocUnsafe(4);
        b.writeInt32BE(v | 0, 0);
        return b;
      };
      break;
    case 'BIGINT':
      read = (b) => {
        if (b.length !== 8) throw fail('Size of data received by LongDeserializer is not 8');
        return readInt64BE(b, 0);
      };
      write = (v: number) => {
        const b = Buffer.allocUnsafe(8);
        writeInt64BE(b, v, 0);
        return b;
      };
      break;
    case 'DOUBLE':
      read = (b) => {
        if (b.length !== 8) throw fail('Size of data received by Deserializer is not 8');
        return b.readDoubleBE(0);
      };
      write = (v: number) => {
        const b = Buffer.allocUnsafe(8);
        b.writeDoubleBE(v, 0);
        return b;
      };
      break;
    case 'STRING':
      read = (b) => b.toString('utf8');
      write = (v: string) => Buffer.from(v, 'utf8');
      break;
    case 'BYTES':
      read = (b) => Buffer.from(b); // a copy: never keep a batch buffer alive through a row
      write = (v: Buffer) => v;
      break;
    default:
      throw new SluiceError('ENGINE_FORMAT_UNSUPPORTED', `The 'KAFKA' format does not support type '${column.type.kind}'`, {
        found: column.type.kind,
      });
  }
  return {
    deserialize(bytes) {
      if (bytes === null) return null;
      return [read(bytes)];
    },
    serialize(values) {
      if (values === null) return null;
      if (values.length !== 1) {
        throw new SluiceError('ENGINE_SERDE', `Column count mismatch on serialization. topic: ${topic}, expected: 1, got: ${values.length}`, { topic });
      }
      const v = values[0];
      if (v === null || v === undefined) return null;
      return write(v);
    },
  };
}
