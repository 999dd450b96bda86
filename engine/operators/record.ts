/**
 * The record shape every operator and every compiled expression works on. One object per record
 * in flight, created by the source operator and mutated in place by the stateless operators (a
 * projection replaces `key`/`value`, nothing else is copied), so the per-record allocation is the
 * record plus its column arrays.
 *
 * - `key`: the key columns in the step schema's order (all null for a record without a key: see
 *   `absentKey`).
 * - `value`: the value columns, or null for a tombstone / a stream record without a value.
 * - `timestampMs`: the record's (extracted) timestamp; outputs keep it (stateless queries).
 * - `partition` / `offset`: where the source read it (ROWPARTITION / ROWOFFSET).
 * - `headers`: the Kafka headers, carried to the output. Header values may be views into the
 *   batch the record was decoded from.
 * - `window`: the window bounds of a windowed key, else null.
 */

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface WindowBounds {
  startMs: number;
  endMs: number;
}

export class EngineRecord {
  // `declare`: the constructor is the only place the fields are set (no define-then-assign)
  declare key: unknown[];
  declare value: unknown[] | null;
  declare timestampMs: number;
  declare partition: number;
  declare offset: number;
  declare headers: readonly RecordHeader[];
  declare window: WindowBounds | null;

  constructor(
    key: unknown[],
    value: unknown[] | null,
    timestampMs: number,
    partition: number,
    offset: number,
    headers: readonly RecordHeader[],
    window: WindowBounds | null,
  ) {
    this.key = key;
    this.value = value;
    this.timestampMs = timestampMs;
    this.partition = partition;
    this.offset = offset;
    this.headers = headers;
    this.window = window;
  }

  /** A copy sharing the column arrays' elements but not the arrays (for fan-out operators). */
  withColumns(key: unknown[], value: unknown[] | null): EngineRecord {
    return new EngineRecord(key, value, this.timestampMs, this.partition, this.offset, this.headers, this.window);
  }
}

const absentKeys = new WeakSet<readonly unknown[]>();

/**
 * The key of a record read without key bytes: all null, frozen, and marked, so that a sink writes
 * it back as no key (ksqlDB's null GenericKey), not as the key format's encoding of null columns
 * (`""` in DELIMITED, `{"A":null,"B":null}` in JSON). A key computed to nulls (PARTITION BY an
 * expression that is null) is not marked: ksqlDB serializes that one.
 */
export function absentKey(columnCount: number): unknown[] {
  const key = Object.freeze(new Array<unknown>(columnCount).fill(null)) as unknown[];
  absentKeys.add(key);
  return key;
}

/** True for a key made by `absentKey` (passed through unchanged by a projection). */
export function isAbsentKey(key: readonly unknown[]): boolean {
  return absentKeys.has(key);
}

export const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]) as readonly RecordHeader[];

/** A record for tests and INSERT-style producers: defaults for everything but the columns. */
export function makeRecord(
  key: unknown[],
  value: unknown[] | null,
  fields: Partial<Pick<EngineRecord, 'timestampMs' | 'partition' | 'offset' | 'headers' | 'window'>> = {},
): EngineRecord {
  return new EngineRecord(
    key,
    value,
    fields.timestampMs ?? 0,
    fields.partition ?? 0,
    fields.offset ?? 0,
    fields.headers ?? NO_HEADERS,
    fields.window ?? null,
  );
}
