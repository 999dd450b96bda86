/**
 * Registry schema ⇄ SQL columns, for the executor: schema inference (CREATE STREAM/TABLE without
 * columns takes them from the registry) and sink schema registration (CREATE with columns,
 * CREATE ... AS SELECT), with ksqlDB's messages.
 *
 * - `schemaToColumns(schema, format, options)`: the columns a parsed registry schema gives.
 * - `columnsToSchema(columns, format, options)`: the schema ksqlDB derives from columns (what the
 *   serdes write and register).
 * - `inferColumnsFromRegistry(registry, request)`: SchemaRegistryTopicSchemaSupplier: latest
 *   version of `<topic>-key|value` (or the schema `schemaId` names) → columns, or a SluiceError
 *   ENGINE_FORMAT_UNSUPPORTED saying why (absent, wrong schema type, unsupported, multi-column key).
 * - `registerSchemaForSource(registry, request)`: SchemaRegisterInjector: registers the derived
 *   schema (CREATE: only when the subject has none; CSAS/CTAS: always, evolving it compatibly),
 *   or, with `schemaId`, the schema of that id under the subject (it must get the same id).
 */
import { SluiceError } from '../../common/index.js';
import type { ParsedAvro, ParsedJsonSchema, ParsedProtobuf, ParsedSchema, SchemaType } from '../../registry/index.js';
import { avroNodeOf, avroToConnect, columnsToAvroSchema, parseAvroNode } from './avro.js';
import { connectToColumns, type ConnectSchema } from './connect.js';
import { CachedSchema, registryCache, subjectOf } from './connect-registry.js';
import { columnsToJsonSchema, jsonSchemaToConnect } from './json-schema.js';
import { columnsToProtobufSchema, messageToConnect, protobufRootMessage } from './protobuf.js';
import type { SchemaRegistryClient, SerdeColumn, SerdeTarget } from './serde.js';

/** The registry schema type a format uses, or null for formats without a registry. */
export function registrySchemaType(format: string): SchemaType | null {
  switch (format.toUpperCase()) {
    case 'AVRO':
      return 'AVRO';
    case 'PROTOBUF':
      return 'PROTOBUF';
    case 'JSON_SR':
      return 'JSON';
    default:
      return null;
  }
}

function unsupported(message: string, cause?: unknown): SluiceError {
  return new SluiceError('ENGINE_FORMAT_UNSUPPORTED', message, {}, cause === undefined ? undefined : { cause });
}

export interface SchemaToColumnsOptions {
  readonly target: SerdeTarget;
  /** The source reads the subject unwrapped (UNWRAP_SINGLES): one `ROWKEY` / `ROWVAL` column. */
  readonly unwrapped?: boolean;
  /** Keep field names as written (ksqlDB does when KEY/VALUE_SCHEMA_ID is given); default upper-case. */
  readonly originalFieldNames?: boolean;
  /** PROTOBUF: the message to use (`KEY/VALUE_SCHEMA_FULL_NAME`); default the first one. */
  readonly fullSchemaName?: string | undefined;
  /** PROTOBUF `unwrapPrimitives`. */
  readonly unwrapPrimitives?: boolean;
}

/** The Connect schema of a registry schema, as the format reads it. */
export function registrySchemaToConnect(schema: ParsedSchema | CachedSchema, format: string, options: { fullSchemaName?: string | undefined; unwrapPrimitives?: boolean } = {}): ConnectSchema {
  const parsed = schema instanceof CachedSchema ? schema.parsed : schema;
  const expected = registrySchemaType(format);
  if (expected === null) throw unsupported(`The '${format.toUpperCase()}' format does not use the schema registry`);
  if (parsed.schemaType !== expected) {
    throw unsupported(`Schema type ${parsed.schemaType} does not match format ${format.toUpperCase()} (expected ${expected})`);
  }
  switch (parsed.schemaType) {
    case 'AVRO':
      return avroToConnect(schema instanceof CachedSchema ? avroNodeOf(schema) : parseAvroNode((parsed as ParsedAvro).json));
    case 'PROTOBUF':
      return messageToConnect(protobufRootMessage(parsed as ParsedProtobuf, options.fullSchemaName), { unwrapPrimitives: options.unwrapPrimitives === true });
    case 'JSON':
      return jsonSchemaToConnect(parsed as ParsedJsonSchema);
  }
}

/** The columns a registry schema gives a source (ksqlDB's SchemaTranslator.toColumns). */
export function schemaToColumns(schema: ParsedSchema | CachedSchema, format: string, options: SchemaToColumnsOptions): SerdeColumn[] {
  const connect = registrySchemaToConnect(schema, format, options);
  return connectToColumns(connect, { target: options.target, unwrapped: options.unwrapped === true, originalFieldNames: options.originalFieldNames === true });
}

export interface ColumnsToSchemaOptions {
  /** The subject is written unwrapped (a single column, UNWRAP_SINGLES). */
  readonly unwrapped?: boolean;
  /** AVRO record name (default `io.confluent.ksql.avro_schemas.KsqlDataSourceSchema`); PROTOBUF message name. */
  readonly fullSchemaName?: string | undefined;
  /** PROTOBUF `nullableRepresentation`. */
  readonly nullableRepresentation?: string | undefined;
}

/** The registry schema ksqlDB derives from columns (SchemaTranslator.toParsedSchema), as registry text. */
export function columnsToSchema(columns: readonly SerdeColumn[], format: string, options: ColumnsToSchemaOptions = {}): { schemaType: SchemaType; schema: string } {
  const schemaType = registrySchemaType(format);
  switch (schemaType) {
    case 'AVRO':
      return { schemaType, schema: columnsToAvroSchema(columns, options.unwrapped === true, options.fullSchemaName) };
    case 'PROTOBUF':
      return { schemaType, schema: columnsToProtobufSchema(columns, options) };
    case 'JSON':
      return { schemaType, schema: columnsToJsonSchema(columns, options.unwrapped === true) };
    default:
      throw unsupported(`The '${format.toUpperCase()}' format does not use the schema registry`);
  }
}

// ---------------------------------------------------------------------------------------------
// Against a registry.

export interface InferColumnsRequest {
  readonly topic: string;
  readonly target: SerdeTarget;
  readonly format: string;
  /** Format properties: `schemaId`, `fullSchemaName`, `unwrapPrimitives`. */
  readonly properties?: Readonly<Record<string, string>>;
  /** UNWRAP_SINGLES (the key of AVRO / JSON_SR sources; `WRAP_SINGLE_VALUE=false` values). */
  readonly unwrapped?: boolean;
}

export interface InferredColumns {
  readonly columns: SerdeColumn[];
  readonly schemaId: number;
  /** The schema as the registry stores it. */
  readonly schema: string;
  readonly schemaType: SchemaType;
}

function sourceText(topic: string, schemaId: number | undefined): string {
  return schemaId === undefined ? `topic: ${topic}` : `topic: ${topic}, schema id: ${schemaId}`;
}

function isNotFound(error: unknown): boolean {
  if (error instanceof SluiceError) return ['REGISTRY_SUBJECT_NOT_FOUND', 'REGISTRY_VERSION_NOT_FOUND', 'REGISTRY_SCHEMA_NOT_FOUND'].includes(error.code);
  return (error as { status?: unknown } | null)?.status === 404;
}

/**
 * Schema inference for CREATE STREAM/TABLE without columns (ksqlDB's
 * SchemaRegistryTopicSchemaSupplier). Throws ENGINE_FORMAT_UNSUPPORTED with ksqlDB's messages.
 */
export async function inferColumnsFromRegistry(registry: SchemaRegistryClient, request: InferColumnsRequest): Promise<InferredColumns> {
  const { topic, target } = request;
  const isKey = target === 'key';
  const properties = request.properties ?? {};
  const schemaId = properties.schemaId === undefined ? undefined : Number(properties.schemaId);
  const subject = subjectOf(topic, target);
  const cache = registryCache(registry);
  let schema: CachedSchema;
  try {
    const id = schemaId ?? (await registry.getLatest(subject)).id;
    schema = await cache.byIdAsync(id);
  } catch (error) {
    if (isNotFound(error)) {
      throw unsupported(
        `Schema for message ${isKey ? 'keys' : 'values'} on topic '${topic}' does not exist in the Schema Registry.\n` +
          `Subject: ${subject}\n` +
          (schemaId === undefined ? '' : `Schema Id: ${schemaId}\n`) +
          'Possible causes include:\n' +
          '- The topic itself does not exist\n' +
          '\t-> Use SHOW TOPICS; to check\n' +
          '- Messages on the topic are not serialized using a format Schema Registry supports\n' +
          `\t-> Use PRINT '${topic}' FROM BEGINNING; to verify\n` +
          '- Messages on the topic have not been serialized using a Confluent Schema Registry supported serializer\n' +
          '- The schema is registered on a different instance of the Schema Registry\n' +
          '- You do not have permissions to access the Schema Registry.',
        error,
      );
    }
    throw unsupported(`Schema registry fetch for topic ${isKey ? 'key' : 'value'} request failed for ${sourceText(topic, schemaId)}`, error);
  }
  const expected = registrySchemaType(request.format);
  if (schema.schemaType !== expected) {
    const config = isKey ? 'KEY_FORMAT' : 'VALUE_FORMAT';
    const actual = schema.schemaType === 'JSON' ? 'JSON' : schema.schemaType;
    throw unsupported(
      `${isKey ? 'Key' : 'Value'} schema is not in the expected format. You may want to set ${config} to '${actual}'.\n` +
        `${sourceText(topic, schemaId)}\nexpected format: ${expected}\nactual format from Schema Registry: ${actual}`,
    );
  }
  let columns: SerdeColumn[];
  try {
    columns = schemaToColumns(schema, request.format, {
      target,
      unwrapped: request.unwrapped === true,
      originalFieldNames: schemaId !== undefined,
      fullSchemaName: properties.fullSchemaName,
      unwrapPrimitives: properties.unwrapPrimitives === 'true',
    });
  } catch (error) {
    throw unsupported(
      `Unable to verify if the ${isKey ? 'key' : 'value'} schema for ${sourceText(topic, schemaId)} is compatible with ksqlDB.\n` +
        `Reason: ${(error as Error).message}\n\n` +
        'Please see https://github.com/confluentinc/ksql/issues/ to see if this particular reason is already known.\n' +
        'If not, please log a new issue, including this full error message.\n' +
        `Schema:${schema.text}`,
      error,
    );
  }
  if (isKey && columns.length > 1) {
    throw unsupported(`The key schema for ${sourceText(topic, schemaId)} contains multiple columns, which is not supported by ksqlDB at this time.\nSchema:${schema.text}`);
  }
  return { columns, schemaId: schema.id, schema: schema.text, schemaType: schema.schemaType };
}

export interface RegisterSchemaRequest {
  readonly topic: string;
  readonly target: SerdeTarget;
  readonly format: string;
  /** Format properties: `schemaId`, `fullSchemaName`, `nullableRepresentation`. */
  readonly properties?: Readonly<Record<string, string>>;
  readonly columns: readonly SerdeColumn[];
  /** UNWRAP_SINGLES. */
  readonly unwrapped?: boolean;
  /** CREATE ... AS SELECT: register even when the subject has versions (it must be compatible). CREATE: only when absent. */
  readonly registerIfSchemaExists: boolean;
}

/**
 * Registers the schema of a source's key or value (ksqlDB's SchemaRegisterInjector). Answers the
 * id, or null when nothing was registered (a format without a registry, no columns, or a CREATE
 * whose subject already has a schema). Throws ENGINE_FORMAT_UNSUPPORTED `Could not register
 * schema for topic: ...` (e.g. an incompatible evolution).
 */
export async function registerSchemaForSource(registry: SchemaRegistryClient, request: RegisterSchemaRequest): Promise<number | null> {
  const schemaType = registrySchemaType(request.format);
  if (schemaType === null) return null;
  const properties = request.properties ?? {};
  const subject = subjectOf(request.topic, request.target);
  const cache = registryCache(registry);
  const isKey = request.target === 'key';
  if (properties.schemaId !== undefined) {
    const schemaId = Number(properties.schemaId);
    const idProperty = isKey ? 'KEY_SCHEMA_ID' : 'VALUE_SCHEMA_ID';
    let schema: CachedSchema;
    try {
      schema = await cache.byIdAsync(schemaId);
    } catch (error) {
      throw unsupported(`Could not register schema for topic: failed to fetch the schema of ${idProperty} ${schemaId}: ${(error as Error).message}`, error);
    }
    if (schema.schemaType !== schemaType) {
      throw unsupported(
        `Format and fetched schema type using ${idProperty} ${schemaId} are different. Format: [${request.format.toUpperCase()}], Fetched schema type: [${schema.schemaType}].`,
      );
    }
    let id: number;
    try {
      id = await cache.register(subject, schemaType, schema.text);
    } catch (error) {
      throw unsupported(`Could not register schema for topic: ${(error as Error).message}`, error);
    }
    if (id !== schemaId) {
      throw unsupported(
        `Schema id registered is ${id} which is different from provided ${idProperty} ${schemaId}.\nTopic: ${request.topic}\nSubject: ${subject}\nSchema: ${schema.text}`,
      );
    }
    return id;
  }
  if (request.columns.length === 0) return null;
  if (!request.registerIfSchemaExists) {
    try {
      await registry.getLatest(subject);
      return null;
    } catch (error) {
      if (!isNotFound(error)) throw unsupported(`Could not register schema for topic: ${(error as Error).message}`, error);
    }
  }
  try {
    const { schema } = columnsToSchema(request.columns, request.format, {
      unwrapped: request.unwrapped === true,
      fullSchemaName: properties.fullSchemaName,
      nullableRepresentation: properties.nullableRepresentation,
    });
    const id = await cache.register(subject, schemaType, schema);
    await cache.byIdAsync(id);
    return id;
  } catch (error) {
    throw unsupported(`Could not register schema for topic: ${(error as Error).message}`, error);
  }
}

export type { ConnectSchema };
