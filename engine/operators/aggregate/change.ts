/**
 * Table changes between the operators of a table aggregation, and old values for table filters.
 *
 * - A table GROUP BY turns each update of its input into changes keyed by the group key, as Kafka
 *   Streams' KTableRepartitionMap does: `record.value` is a ChangePair `[newRow, oldRow]` (either
 *   may be null). Through a repartition topic the pair travels as one value: `changeSerde` frames
 *   the two rows, each serialized with the internal value format (Kafka Streams' ChangedSerializer
 *   does the same with a flag byte).
 * - An aggregate emits ChangeRecords: the record plus the previous output row of its key
 *   (`oldValue`), which a table filter downstream (HAVING) needs to forward a tombstone only for a
 *   row that matched before (Kafka Streams' KTableFilter with old values enabled).
 */
import { SluiceError } from '../../../common/index.js';
import { EngineRecord, type RecordHeader, type WindowBounds } from '../record.js';
import type { RowSerde } from '../types.js';

export type ChangePair = [newRow: unknown[] | null, oldRow: unknown[] | null];

export class ChangeRecord extends EngineRecord {
  /** The row this key had before this update (null: none, or not known to match). */
  oldValue: unknown[] | null;

  constructor(
    key: unknown[],
    value: unknown[] | null,
    oldValue: unknown[] | null,
    timestampMs: number,
    partition: number,
    offset: number,
    headers: readonly RecordHeader[],
    window: WindowBounds | null,
  ) {
    super(key, value, timestampMs, partition, offset, headers, window);
    this.oldValue = oldValue;
  }
}

const HAS_NEW = 1;
const HAS_OLD = 2;

/**
 * A serde for ChangePairs over a row serde: flags byte, 4-byte length of the new row's bytes, the
 * new row's bytes, then the old row's bytes.
 */
export function changeSerde(inner: RowSerde): RowSerde {
  const prepare = inner.prepare;
  return {
    ...(prepare === undefined
      ? {}
      : {
          prepare(bytes: Buffer | null): Promise<void> | undefined {
            if (bytes === null || bytes.length < 5) return undefined;
            const newLength = bytes.readUInt32BE(1);
            const waits = [
              (bytes[0]! & HAS_NEW) !== 0 ? prepare.call(inner, bytes.subarray(5, 5 + newLength)) : undefined,
              (bytes[0]! & HAS_OLD) !== 0 ? prepare.call(inner, bytes.subarray(5 + newLength)) : undefined,
            ].filter((w): w is Promise<void> => w !== undefined);
            return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
          },
        }),
    serialize(values) {
      if (values === null) return null;
      const [newRow, oldRow] = values as ChangePair;
      const newBytes = newRow === null ? null : inner.serialize(newRow);
      const oldBytes = oldRow === null ? null : inner.serialize(oldRow);
      const newLength = newBytes === null ? 0 : newBytes.length;
      const out = Buffer.allocUnsafe(5 + newLength + (oldBytes === null ? 0 : oldBytes.length));
      out[0] = (newRow !== null ? HAS_NEW : 0) | (oldRow !== null ? HAS_OLD : 0);
      out.writeUInt32BE(newLength, 1);
      if (newBytes !== null) newBytes.copy(out, 5);
      if (oldBytes !== null) oldBytes.copy(out, 5 + newLength);
      return out;
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      if (bytes.length < 5) throw new SluiceError('ENGINE_SERDE', `A table change of ${bytes.length} bytes is shorter than its 5-byte header`);
      const flags = bytes[0]!;
      const newLength = bytes.readUInt32BE(1);
      if (5 + newLength > bytes.length) throw new SluiceError('ENGINE_SERDE', `A table change's new row (${newLength} bytes) runs past its ${bytes.length} bytes`);
      const newRow = (flags & HAS_NEW) !== 0 ? (inner.deserialize(bytes.subarray(5, 5 + newLength)) ?? []) : null;
      const oldRow = (flags & HAS_OLD) !== 0 ? (inner.deserialize(bytes.subarray(5 + newLength)) ?? []) : null;
      return [newRow, oldRow];
    },
  };
}
