/**
 * The serde contract: how a key or a value of a record becomes row values and back.
 *
 * A serde is built ONCE per query step for one side (key or value) of one topic, from the columns
 * it carries, the format name, the format's properties and the wrapping feature; it is then called
 * per record. `deserialize` turns bytes (null = no bytes / tombstone) into the column values in
 * column order, or null when there is no row; `serialize` does the reverse (null row → null bytes).
 * Decode failures throw SluiceError ENGINE_SERDE with ksqlDB's wording (the runtime sends them to
 * the processing log and skips the record); a format that cannot carry the columns throws
 * ENGINE_FORMAT_UNSUPPORTED when the serde is built.
 *
 * Schema-registry formats (AVRO, PROTOBUF, JSON_SR) plug in through `SerdeDependencies.registry`:
 * the factory resolves the writer schema once (async, `createSerdeAsync`), and a record whose
 * schema id is not cached yet is announced by `prepare(bytes)` returning a promise the runtime
 * awaits before calling the synchronous `deserialize` — so the per-record path stays synchronous.
 */

import type { ParsedSchema, RegisteredSchema, SchemaById, SchemaReference, SchemaType } from '../../registry/index.js';
import type { SqlType } from '../types/index.js';

export type FormatName = 'JSON' | 'DELIMITED' | 'KAFKA' | 'NONE' | 'AVRO' | 'PROTOBUF' | 'PROTOBUF_NOSR' | 'JSON_SR';

export const FORMAT_NAMES: readonly FormatName[] = ['JSON', 'DELIMITED', 'KAFKA', 'NONE', 'AVRO', 'PROTOBUF', 'PROTOBUF_NOSR', 'JSON_SR'];

export type SerdeTarget = 'key' | 'value';

export interface SerdeColumn {
  readonly name: string;
  readonly type: SqlType;
}

/**
 * ksqlDB's serde features. WRAP_SINGLES: a single column is written as a record/object with one
 * field; UNWRAP_SINGLES: as the bare value. Neither: the format's default (JSON/AVRO/PROTOBUF/
 * JSON_SR wrap; KAFKA/DELIMITED are unwrapped by nature).
 */
export type SerdeFeature = 'WRAP_SINGLES' | 'UNWRAP_SINGLES';

export interface SerdeOptions {
  readonly target: SerdeTarget;
  readonly columns: readonly SerdeColumn[];
  /** Format name, case-insensitive (`json`, `DELIMITED`, ...). */
  readonly format: string;
  /**
   * Format properties as ksqlDB names them: `delimiter` (DELIMITED; a single character or
   * TAB/SPACE), `schemaId` / `fullSchemaName` (registry formats). Unknown keys are rejected.
   */
  readonly properties?: Readonly<Record<string, string>>;
  readonly features?: readonly SerdeFeature[];
  /** Topic name, used in error messages as ksqlDB does. */
  readonly topic?: string;
}

/**
 * The registry the registry formats depend on: the part of registry/'s `SchemaRegistryClient` the
 * serdes call (the built-in `SchemaRegistry` implements it; so can a client of an external
 * Confluent registry). Lookups are async; serdes cache by id and by (subject, schema).
 * `getParsedById` (when present) gives parsed schemas with their references resolved;
 * `getVersion` (when present) lets Avro references be followed.
 */
export interface SchemaRegistryClient {
  register(subject: string, schema: string, schemaType?: SchemaType, references?: readonly SchemaReference[]): Promise<number>;
  getById(id: number): Promise<SchemaById>;
  getLatest(subject: string): Promise<RegisteredSchema>;
  getParsedById?(id: number): Promise<ParsedSchema>;
  getVersion?(subject: string, version: number | 'latest'): Promise<RegisteredSchema>;
  /** Finds a schema among a subject's versions (registry/'s `lookup`); rejects when absent. */
  lookup?(subject: string, input: { schema: string; schemaType?: SchemaType }): Promise<RegisteredSchema>;
}

export interface SerdeDependencies {
  readonly registry?: SchemaRegistryClient;
}

/** A compiled serde for one side of a topic. */
export interface RowSerde {
  readonly format: FormatName;
  readonly target: SerdeTarget;
  readonly columns: readonly SerdeColumn[];
  /** Row values (in column order) → bytes; a null row → null (a tombstone / no key). */
  serialize(values: readonly unknown[] | null): Buffer | null;
  /** Bytes → row values (in column order); null bytes → null (no row). Throws ENGINE_SERDE. */
  deserialize(bytes: Buffer | null): unknown[] | null;
  /**
   * Registry formats only: a promise to await before `deserialize(bytes)` when the record names a
   * schema not cached yet; undefined when deserialize can run now.
   */
  prepare?(bytes: Buffer | null): Promise<void> | undefined;
  /**
   * Registry formats only: settles when the serde has looked its writer schema up (found or
   * registered it, or fetched it by `schemaId`; a subject holding other schemas gets it
   * registered on the first write). `serialize` before then throws ENGINE_SERDE.
   */
  readonly ready?: Promise<void>;
  /** Registry formats only: resolves the writer schema, registering it if needed (before writing). */
  prepareWrite?(): Promise<void>;
}
