/**
 * What the registry formats (AVRO, PROTOBUF, JSON_SR) share: the Confluent wire format, a cache of
 * schemas per registry client, and the serde skeleton that resolves the writer schema once and
 * reads each record by the schema id it carries.
 *
 * Wire format: byte 0 is the magic byte 0x00, bytes 1–4 the schema id (big-endian int32), then
 * the payload (Avro binary; Protobuf message indexes + message; JSON text).
 *
 * The cache (`registryCache(client)`, one per client object) keeps schemas by id (parsed, with
 * whatever each format derives from them) and ids by (subject, type, schema text), so that a serde
 * built synchronously finds what an earlier `await` (the executor registering a sink schema, a
 * CREATE reading a schema) already resolved. Everything else is fetched at most once.
 */
import { SluiceError } from '../../common/index.js';
import { defaultRegistryLimits, parseSchema, type ParsedSchema, type SchemaType } from '../../registry/index.js';
import type { FormatName, RowSerde, SchemaRegistryClient, SerdeColumn, SerdeTarget } from './serde.js';

export const MAGIC_BYTE = 0;
export const WIRE_HEADER_BYTES = 5;

export function wireHeader(id: number): Buffer {
  const header = Buffer.alloc(WIRE_HEADER_BYTES);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeInt32BE(id, 1);
  return header;
}

/** The schema id of a registry-framed record, or a reason it is not one. */
export function readWireHeader(bytes: Buffer): { id: number } | { error: string } {
  if (bytes.length > 0 && bytes[0] !== MAGIC_BYTE) return { error: 'Unknown magic byte!' };
  if (bytes.length < WIRE_HEADER_BYTES) return { error: `Record of ${bytes.length} bytes is too short for the schema registry wire format (magic byte and schema id)` };
  return { id: bytes.readInt32BE(1) };
}

/** The `<topic>-key` / `<topic>-value` subject (Confluent's TopicNameStrategy). */
export function subjectOf(topic: string, target: SerdeTarget): string {
  return `${topic}-${target}`;
}

/** A schema known by id, with memoised per-format derivations (compiled codecs...). */
export class CachedSchema {
  private readonly derived = new Map<string, unknown>();
  constructor(
    readonly id: number,
    readonly schemaType: SchemaType,
    readonly text: string,
    readonly parsed: ParsedSchema,
    /** Texts of the schemas this one references (Avro named types), dependencies first. */
    readonly referenceTexts: readonly string[],
  ) {}

  memo<T>(key: string, build: () => T): T {
    if (this.derived.has(key)) return this.derived.get(key) as T;
    const value = build();
    this.derived.set(key, value);
    return value;
  }
}

export class RegistryCache {
  private readonly byId = new Map<number, CachedSchema>();
  private readonly pendingById = new Map<number, Promise<CachedSchema>>();
  private readonly idsBySchema = new Map<string, number>();
  private readonly pendingRegistrations = new Map<string, Promise<number>>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(readonly client: SchemaRegistryClient) {}

  /** Tracks background work (a serde resolving its writer schema) so that `idle` can wait for it. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
    return work;
  }

  /** Settles when every lookup and registration started so far has finished (tests, statement ends). */
  async idle(): Promise<void> {
    while (this.pending.size > 0 || this.pendingById.size > 0 || this.pendingRegistrations.size > 0) {
      await Promise.all([...this.pending, ...this.pendingById.values(), ...this.pendingRegistrations.values()].map((p) => p.catch(() => undefined)));
    }
  }

  /** Records that `text` is registered under `subject` with `id` (found by a lookup). */
  remember(subject: string, schemaType: SchemaType, text: string, id: number): void {
    this.idsBySchema.set(registrationKey(subject, schemaType, text), id);
  }

  cached(id: number): CachedSchema | undefined {
    return this.byId.get(id);
  }

  cachedId(subject: string, schemaType: SchemaType, text: string): number | undefined {
    return this.idsBySchema.get(registrationKey(subject, schemaType, text));
  }

  /** The schema of an id (fetched once). Rejects with the registry's error (REGISTRY_SCHEMA_NOT_FOUND...). */
  byIdAsync(id: number): Promise<CachedSchema> {
    const hit = this.byId.get(id);
    if (hit !== undefined) return Promise.resolve(hit);
    let pending = this.pendingById.get(id);
    if (pending === undefined) {
      pending = this.fetch(id).finally(() => this.pendingById.delete(id));
      this.pendingById.set(id, pending);
    }
    return pending;
  }

  /** Registers (or finds) a schema under a subject; answers its id (cached). */
  register(subject: string, schemaType: SchemaType, text: string): Promise<number> {
    const key = registrationKey(subject, schemaType, text);
    const hit = this.idsBySchema.get(key);
    if (hit !== undefined) return Promise.resolve(hit);
    let pending = this.pendingRegistrations.get(key);
    if (pending === undefined) {
      pending = this.client
        .register(subject, text, schemaType)
        .then((id) => {
          this.idsBySchema.set(key, id);
          return id;
        })
        .finally(() => this.pendingRegistrations.delete(key));
      this.pendingRegistrations.set(key, pending);
    }
    return pending;
  }

  private async fetch(id: number): Promise<CachedSchema> {
    const raw = await this.client.getById(id);
    const referenceTexts: string[] = [];
    if (raw.references.length > 0 && this.client.getVersion !== undefined) {
      const seen = new Set<string>();
      const visit = async (references: readonly { subject: string; version: number }[], depth: number): Promise<void> => {
        if (depth > defaultRegistryLimits.referenceDepthMax) return;
        for (const reference of references) {
          const key = `${reference.subject}\u0000${reference.version}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const found = await this.client.getVersion!(reference.subject, reference.version);
          await visit(found.references, depth + 1);
          referenceTexts.push(found.schema);
        }
      };
      await visit(raw.references, 1);
    }
    let parsed: ParsedSchema;
    if (this.client.getParsedById !== undefined) parsed = await this.client.getParsedById(id);
    else parsed = parseSchema(raw.schemaType, raw.schema, [], defaultRegistryLimits);
    const entry = new CachedSchema(id, raw.schemaType, raw.schema, parsed, referenceTexts);
    this.byId.set(id, entry);
    return entry;
  }
}

function registrationKey(subject: string, schemaType: SchemaType, text: string): string {
  return `${subject}\u0000${schemaType}\u0000${text}`;
}

const caches = new WeakMap<SchemaRegistryClient, RegistryCache>();

/** The cache shared by every serde and helper using this client object. */
export function registryCache(client: SchemaRegistryClient): RegistryCache {
  let cache = caches.get(client);
  if (cache === undefined) {
    cache = new RegistryCache(client);
    caches.set(client, cache);
  }
  return cache;
}

// ---------------------------------------------------------------------------------------------
// The serde skeleton.

/** What a registry format contributes to the skeleton. */
export interface RegistryCodec {
  readonly format: FormatName;
  readonly schemaType: SchemaType;
  /** The schema the format derives from the columns (what ksqlDB registers), as registry text. */
  deriveSchema(): string;
  /** A payload writer for this writer schema (the header is added by the skeleton); null = no bytes. */
  writer(schema: CachedSchema): (values: readonly unknown[]) => Buffer | null;
  /** A payload reader for records written with this schema (null: the format reads without it). */
  reader(schema: CachedSchema | null): (payload: Buffer) => unknown[] | null;
  /** JSON_SR reads records without their schema. */
  readonly readsWithoutSchema?: boolean;
}

export interface RegistrySerdeOptions {
  readonly target: SerdeTarget;
  readonly columns: readonly SerdeColumn[];
  readonly topic: string;
  /** KEY_SCHEMA_ID / VALUE_SCHEMA_ID: write with this schema (no registration). */
  readonly schemaId?: number | undefined;
}

function serdeError(message: string, extra: Record<string, unknown> = {}, cause?: unknown): SluiceError {
  return new SluiceError('ENGINE_SERDE', message, extra, cause === undefined ? undefined : { cause });
}

/**
 * A serde over a registry: `ready` resolves the writer schema (by `schemaId`, or by registering the
 * derived schema under `<topic>-key|value`, as Confluent's serializers auto-register); records are
 * read by the id in their header, the schema fetched by `prepare` when not cached yet.
 */
export function createRegistrySerde(codec: RegistryCodec, options: RegistrySerdeOptions, client: SchemaRegistryClient): RowSerde {
  const cache = registryCache(client);
  const { target, columns, topic } = options;
  const subject = subjectOf(topic, target);
  const label = target === 'key' ? 'key' : 'value';

  let writerId: number | undefined;
  let write: ((values: readonly unknown[]) => Buffer | null) | undefined;
  let writerError: unknown;
  const useWriter = (schema: CachedSchema): void => {
    write = codec.writer(schema);
    writerId = schema.id;
  };

  // The writer schema: by `schemaId`, else the one derived from the columns. Found in the cache
  // when the executor registered it already (ksqlDB registers sink schemas at statement time);
  // else looked up: an absent subject gets it registered now (as ksqlDB's CREATE and Confluent's
  // auto-registering serializers do); a subject with other schemas gets it registered on the
  // first write (a source's serde, which only reads, changes nothing in the registry).
  const derivedText = options.schemaId === undefined ? codec.deriveSchema() : undefined;
  let registerOnDemand = false;
  let registering: Promise<void> | undefined;
  const fromCache = (): boolean => {
    if (write !== undefined) return true;
    const id = options.schemaId ?? cache.cachedId(subject, codec.schemaType, derivedText!);
    const schema = id === undefined ? undefined : cache.cached(id);
    if (schema === undefined) return false;
    try {
      useWriter(schema);
    } catch (error) {
      writerError = error;
      return false;
    }
    return true;
  };
  const registerDerived = (): Promise<void> =>
    cache
      .register(subject, codec.schemaType, derivedText!)
      .then((id) => cache.byIdAsync(id))
      .then(useWriter);
  let ready: Promise<void>;
  if (fromCache()) {
    ready = Promise.resolve();
  } else if (options.schemaId !== undefined) {
    ready = cache.byIdAsync(options.schemaId).then(useWriter);
  } else {
    ready = (async () => {
      let latest: { id: number } | undefined;
      try {
        latest = await client.getLatest(subject);
      } catch {
        latest = undefined;
      }
      if (latest === undefined) return registerDerived();
      if (client.lookup !== undefined) {
        try {
          const found = await client.lookup(subject, { schema: derivedText!, schemaType: codec.schemaType });
          cache.remember(subject, codec.schemaType, derivedText!, found.id);
          useWriter(await cache.byIdAsync(found.id));
          return undefined;
        } catch {
          // not among the subject's versions
        }
      }
      if (fromCache()) return undefined;
      registerOnDemand = true;
      return undefined;
    })();
  }
  ready = cache.track(
    ready.catch((error: unknown) => {
      writerError = error;
      throw error;
    }),
  );
  // A failure is reported by serialize (and by createSerdeAsync awaiting `ready`), never unhandled.
  ready.catch(() => undefined);

  const readers = new Map<number, (payload: Buffer) => unknown[] | null>();
  const schemalessReader = codec.readsWithoutSchema ? codec.reader(null) : undefined;
  const readerFor = (id: number): (payload: Buffer) => unknown[] | null => {
    if (schemalessReader !== undefined) return schemalessReader;
    let reader = readers.get(id);
    if (reader === undefined) {
      const schema = cache.cached(id);
      if (schema === undefined) {
        throw serdeError(`Failed to deserialize ${label} from topic: ${topic}. Schema id ${id} is not loaded (the record was not prepared)`, { topic, schemaId: id });
      }
      if (schema.schemaType !== codec.schemaType) {
        throw serdeError(
          `Failed to deserialize ${label} from topic: ${topic}. Schema id ${id} is a ${schema.schemaType} schema, expected ${codec.schemaType} for format ${codec.format}`,
          { topic, schemaId: id },
        );
      }
      reader = codec.reader(schema);
      readers.set(id, reader);
    }
    return reader;
  };
  const missingIds = new Map<number, unknown>();

  return {
    format: codec.format,
    target,
    columns,
    ready,
    async prepareWrite() {
      await ready;
      if (write === undefined && registerOnDemand) {
        registering ??= cache.track(
          registerDerived().catch((error: unknown) => {
            writerError = error;
          }),
        );
        await registering;
      }
      if (write === undefined) throw writerError instanceof Error ? writerError : new Error(`the ${codec.format} schema of subject ${subject} is not available`);
    },
    serialize(values) {
      if (values === null) return null;
      if (write === undefined && writerError === undefined) fromCache();
      if (write === undefined && registerOnDemand && registering === undefined) {
        registering = cache.track(
          registerDerived().catch((error: unknown) => {
            writerError = error;
          }),
        );
      }
      if (write === undefined || writerId === undefined) {
        const reason = writerError === undefined ? 'the schema is not registered yet' : (writerError as Error).message;
        throw serdeError(`Error serializing message to topic: ${topic}. Cannot resolve the ${codec.format} schema of subject ${subject}: ${reason}`, { topic, subject }, writerError);
      }
      let payload: Buffer | null;
      try {
        payload = write(values);
      } catch (error) {
        if (error instanceof SluiceError && error.code === 'ENGINE_SERDE') throw error;
        throw serdeError(`Error serializing message to topic: ${topic}. ${(error as Error).message}`, { topic, subject }, error);
      }
      return payload === null ? null : Buffer.concat([wireHeader(writerId), payload]);
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      const header = readWireHeader(bytes);
      if ('error' in header) throw serdeError(`Failed to deserialize ${label} from topic: ${topic}. ${header.error}`, { topic });
      const missing = missingIds.get(header.id);
      if (missing !== undefined) {
        throw serdeError(`Failed to deserialize ${label} from topic: ${topic}. ${(missing as Error).message}`, { topic, schemaId: header.id }, missing);
      }
      const read = readerFor(header.id);
      try {
        return read(bytes.subarray(WIRE_HEADER_BYTES));
      } catch (error) {
        if (error instanceof SluiceError && error.code === 'ENGINE_SERDE' && error.message.startsWith('Failed to deserialize')) throw error;
        throw serdeError(`Failed to deserialize ${label} from topic: ${topic}. ${(error as Error).message}`, { topic, schemaId: header.id }, error);
      }
    },
    prepare(bytes) {
      if (bytes === null || schemalessReader !== undefined) return undefined;
      const header = readWireHeader(bytes);
      if ('error' in header || cache.cached(header.id) !== undefined || missingIds.has(header.id)) return undefined;
      return cache.byIdAsync(header.id).then(
        () => undefined,
        (error: unknown) => {
          missingIds.set(header.id, error);
        },
      );
    },
  };
}
