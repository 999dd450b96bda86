/**
 * The test runner's own serializers, independent of the engine's formats (a bug shared by both
 * sides would otherwise hide): input records become bytes the way ksqlDB's test runner writes
 * them, and output bytes become Java-typed values the way its deserializers read them.
 *
 *   JSON       UTF-8 JSON text of the test value; null is a tombstone
 *   DELIMITED  the test value is already the delimited text
 *   KAFKA      one column: INTEGER 4 bytes, BIGINT 8 bytes, DOUBLE 8-byte IEEE, all big-endian;
 *              STRING and BYTES as UTF-8; no column: a UTF-8 string
 *   NONE       no bytes
 *   windowed keys: inner key bytes, then the window start (time windows), or the window end and
 *              then the start (session windows), 8 bytes each
 */
import type { SqlType } from '../../engine/types/index.js';
import { NumberText, parseLenientJson, stringifyTree, type JsonTree } from './lenient-json.js';
import {
  JavaInteger,
  JavaLong,
  javaDoubleText,
  parseBigDecimal,
  typedJson,
  type ActualValue,
} from './java-values.js';

export class TestSerdeError extends Error {}

export interface TopicShape {
  keyFormat: string;
  valueFormat: string;
  keyColumns: ReadonlyArray<{ name?: string; type: SqlType }>;
  valueColumns: ReadonlyArray<{ name?: string; type: SqlType }>;
  windowKind: 'TUMBLING' | 'HOPPING' | 'SESSION' | null;
  /** The source's format properties (`features`, `fullSchemaName`...), for the registry formats. */
  keyProperties?: Readonly<Record<string, string>>;
  valueProperties?: Readonly<Record<string, string>>;
}

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;

function kafkaType(columns: ReadonlyArray<{ type: SqlType }>): string {
  if (columns.length > 1) throw new TestSerdeError('KAFKA format only supports single column schemas.');
  return columns.length ? columns[0]!.type.kind : 'STRING';
}

function serializeKafka(value: JsonTree | undefined, columns: ReadonlyArray<{ type: SqlType }>): Buffer | null {
  if (value === null || value === undefined) return null;
  const type = kafkaType(columns);
  const requireNumber = (): NumberText => {
    if (!(value instanceof NumberText)) throw new TestSerdeError(`Can't serialize ${stringifyTree(value)} as ${type}`);
    return value;
  };
  switch (type) {
    case 'INTEGER': {
      const number = requireNumber();
      if (!number.isIntegral || BigInt(number.text) < INT_MIN || BigInt(number.text) > INT_MAX) {
        throw new TestSerdeError(`Can't serialize ${number.text} as INTEGER`);
      }
      const bytes = Buffer.alloc(4);
      bytes.writeInt32BE(Number(number.text));
      return bytes;
    }
    case 'BIGINT': {
      const decimal = parseBigDecimal(requireNumber().text)!;
      const whole = decimal.scale <= 0 ? decimal.unscaled * 10n ** BigInt(-decimal.scale) : decimal.unscaled / 10n ** BigInt(decimal.scale);
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64BE(BigInt.asIntN(64, whole));
      return bytes;
    }
    case 'DOUBLE': {
      const bytes = Buffer.alloc(8);
      bytes.writeDoubleBE(requireNumber().toNumber());
      return bytes;
    }
    case 'STRING':
    case 'BYTES':
      if (typeof value !== 'string') throw new TestSerdeError(`Can't serialize ${stringifyTree(value)} as ${type}`);
      return Buffer.from(value, 'utf8');
    default:
      throw new TestSerdeError(`Unsupported type for KAFKA format: ${type}`);
  }
}

function deserializeKafka(bytes: Buffer, columns: ReadonlyArray<{ type: SqlType }>): ActualValue {
  const type = kafkaType(columns);
  const requireSize = (size: number): void => {
    if (bytes.length !== size) throw new TestSerdeError(`Size of data received by ${type} deserializer is not ${size}`);
  };
  switch (type) {
    case 'INTEGER':
      requireSize(4);
      return new JavaInteger(bytes.readInt32BE(0));
    case 'BIGINT': {
      requireSize(8);
      const value = bytes.readBigInt64BE(0);
      // ksqlDB's test deserializer narrows small longs to Integer.
      return value > INT_MIN && value < INT_MAX ? new JavaInteger(Number(value)) : new JavaLong(value);
    }
    case 'DOUBLE':
      requireSize(8);
      return parseBigDecimal(javaDoubleText(bytes.readDoubleBE(0)));
    case 'STRING':
    case 'BYTES':
      return bytes.toString('utf8');
    default:
      throw new TestSerdeError(`Unsupported type for KAFKA format: ${type}`);
  }
}

export function serializeTestValue(
  format: string,
  value: JsonTree | undefined,
  columns: ReadonlyArray<{ type: SqlType }>,
): Buffer | null {
  switch (format.toUpperCase()) {
    case 'JSON':
      return value === null || value === undefined ? null : Buffer.from(stringifyTree(value), 'utf8');
    case 'DELIMITED':
      if (value === null || value === undefined) return null;
      if (typeof value !== 'string') throw new TestSerdeError(`DELIMITED test data must be a string, found ${stringifyTree(value)}`);
      return Buffer.from(value, 'utf8');
    case 'KAFKA':
      return serializeKafka(value, columns);
    case 'NONE':
      return null;
    default:
      throw new TestSerdeError(`format ${format} is not supported by the in-process runner yet`);
  }
}

export function deserializeTestValue(
  format: string,
  bytes: Buffer | null,
  columns: ReadonlyArray<{ type: SqlType }>,
  exactDecimals: boolean,
): ActualValue {
  if (bytes === null) return null;
  switch (format.toUpperCase()) {
    case 'JSON': {
      let tree: JsonTree;
      try {
        tree = parseLenientJson(bytes.toString('utf8'));
      } catch (error) {
        throw new TestSerdeError(`invalid JSON: ${(error as Error).message}`);
      }
      return typedJson(tree, exactDecimals);
    }
    case 'DELIMITED':
      return bytes.toString('utf8');
    case 'KAFKA':
      return deserializeKafka(bytes, columns);
    case 'NONE':
      return null;
    default:
      throw new TestSerdeError(`format ${format} is not supported by the in-process runner yet`);
  }
}

function long8(value: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(value));
  return bytes;
}

export function wrapWindowedKey(inner: Buffer | null, window: { start: number; end: number; type: string }): Buffer {
  const key = inner ?? Buffer.alloc(0);
  if (window.type.toUpperCase() === 'SESSION') return Buffer.concat([key, long8(window.end), long8(window.start)]);
  return Buffer.concat([key, long8(window.start)]);
}

export interface UnwrappedKey {
  inner: Buffer;
  window: { type: 'TIME' | 'SESSION'; start: bigint; end: bigint | null };
}

export function unwrapWindowedKey(bytes: Buffer, kind: 'TUMBLING' | 'HOPPING' | 'SESSION'): UnwrappedKey {
  const session = kind === 'SESSION';
  const trailer = session ? 16 : 8;
  if (bytes.length < trailer) throw new TestSerdeError(`windowed key shorter than ${trailer} bytes`);
  const end = bytes.length;
  if (session) {
    return {
      inner: bytes.subarray(0, end - 16),
      window: { type: 'SESSION', end: bytes.readBigInt64BE(end - 16), start: bytes.readBigInt64BE(end - 8) },
    };
  }
  return { inner: bytes.subarray(0, end - 8), window: { type: 'TIME', start: bytes.readBigInt64BE(end - 8), end: null } };
}
