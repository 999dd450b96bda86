/** A built-in schema registry over an in-memory log, for the registry-format tests. */
import { SimulatedClock } from '../../../../common/index.js';
import { MemoryFileSystem } from '../../../../storage/fs/index.js';
import { openLog } from '../../../../storage/log/index.js';
import { SchemaRegistry } from '../../../../registry/index.js';
import { createSerdeAsync, type RowSerde, type SerdeColumn, type SerdeOptions } from '../../../../engine/formats/index.js';

export async function openRegistry(): Promise<SchemaRegistry> {
  const clock = new SimulatedClock(0);
  const log = await openLog({ dataDir: '/registry', fs: new MemoryFileSystem(), clock, maintenanceIntervalMs: 0 });
  return SchemaRegistry.open({ log, clock });
}

export async function registrySerde(
  registry: SchemaRegistry,
  format: string,
  columns: SerdeColumn[],
  extra: Partial<SerdeOptions> = {},
): Promise<RowSerde> {
  return createSerdeAsync({ target: 'value', format, columns, topic: 't', ...extra }, { registry });
}

/** Serializes, prepares (loads the writer schema) and deserializes. */
export async function roundTrip(serde: RowSerde, values: unknown[] | null): Promise<unknown[] | null> {
  const bytes = serde.serialize(values);
  await serde.prepare?.(bytes);
  return serde.deserialize(bytes);
}

/** Map → plain object, Decimal → text, Buffer → base64: values comparable with toEqual. */
export function plain(value: unknown): unknown {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v)]));
  if (Buffer.isBuffer(value)) return `b64:${value.toString('base64')}`;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && typeof (value as { toJavaString?: unknown }).toJavaString === 'function') return `dec:${String(value)}`;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}
