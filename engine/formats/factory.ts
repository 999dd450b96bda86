/**
 * The format catalogue and the serde factory.
 *
 * `createSerde(options)` validates what ksqlDB validates when it builds a serde (format name,
 * properties, wrapping features, column count and types) and returns a compiled RowSerde. Errors
 * carry ksqlDB's wording: `Unknown format: FOO`, `JSON does not support the following configs:
 * [delimiter]`, and for schemas a format cannot carry `Value format does not support schema.\n
 * format: KAFKA\nschema: Persistence{columns=[...], features=[]}\nreason: The 'KAFKA' format does
 * not support type 'STRUCT'`.
 *
 * The analyzer helpers `resolveKeyFeatures` / `resolveValueFeatures` give the wrapping feature
 * ksqlDB records for a source (with its WRAP_SINGLE_VALUE errors), and `validateKeyColumnTypes`
 * rejects MAP-containing keys as ksqlDB does.
 */

import { SluiceError } from '../../common/index.js';
import { formatSqlType, quoteIdentifier, type SqlType } from '../types/index.js';
import { createDelimitedSerde, parseDelimiter } from './delimited.js';
import { createJsonSerde } from './json.js';
import { createKafkaSerde, kafkaSupportsType } from './kafka.js';
import { AVRO_DEFAULT_SCHEMA_FULL_NAME, avroCodec, columnsToAvroSchema } from './avro.js';
import { createRegistrySerde, type RegistryCodec } from './connect-registry.js';
import { jsonSchemaCodec, validateJsonSchemaColumns } from './json-schema.js';
import { columnsToProtobufSchema, createProtobufNoSrSerde, protobufCodec } from './protobuf.js';
import type { FormatName, RowSerde, SerdeColumn, SerdeDependencies, SerdeFeature, SerdeOptions, SerdeTarget } from './serde.js';

export interface FormatSpec {
  readonly name: FormatName;
  /** Serde features the format supports (ksqlDB's supportedFeatures). */
  readonly features: readonly SerdeFeature[];
  /** Format properties accepted in FormatInfo (ksqlDB's getSupportedProperties). */
  readonly properties: readonly string[];
  /** Needs a schema registry (AVRO, PROTOBUF, JSON_SR). */
  readonly usesRegistry: boolean;
  /** Whether a key column of this type can use the format (ksqlDB's supportsKeyType). */
  supportsKeyType(type: SqlType): boolean;
  /** Whether several key columns fit in one key (ksqlDB: formats with WRAP_SINGLES support). */
  readonly multipleKeyColumns: boolean;
}

const primitive = (t: SqlType): boolean => t.kind !== 'ARRAY' && t.kind !== 'MAP' && t.kind !== 'STRUCT';
/** ksqlDB's DelimitedFormat.supportsKeyType: a SqlPrimitiveType, which DECIMAL is not. */
const delimitedKeyType = (t: SqlType): boolean => primitive(t) && t.kind !== 'DECIMAL';

export const FORMATS: Readonly<Record<FormatName, FormatSpec>> = {
  JSON: { name: 'JSON', features: ['WRAP_SINGLES', 'UNWRAP_SINGLES'], properties: [], usesRegistry: false, supportsKeyType: () => true, multipleKeyColumns: true },
  DELIMITED: { name: 'DELIMITED', features: ['UNWRAP_SINGLES'], properties: ['delimiter'], usesRegistry: false, supportsKeyType: delimitedKeyType, multipleKeyColumns: true },
  KAFKA: { name: 'KAFKA', features: ['UNWRAP_SINGLES'], properties: [], usesRegistry: false, supportsKeyType: kafkaSupportsType, multipleKeyColumns: false },
  NONE: { name: 'NONE', features: [], properties: [], usesRegistry: false, supportsKeyType: () => false, multipleKeyColumns: false },
  AVRO: { name: 'AVRO', features: ['WRAP_SINGLES', 'UNWRAP_SINGLES'], properties: ['fullSchemaName', 'schemaId'], usesRegistry: true, supportsKeyType: () => true, multipleKeyColumns: true },
  // ksqlDB's ProtobufFormat supports WRAP_SINGLES only: keys and single values are messages.
  PROTOBUF: {
    name: 'PROTOBUF',
    features: ['WRAP_SINGLES'],
    properties: ['fullSchemaName', 'schemaId', 'unwrapPrimitives', 'nullableRepresentation', 'subjectName'],
    usesRegistry: true,
    supportsKeyType: () => true,
    multipleKeyColumns: true,
  },
  PROTOBUF_NOSR: {
    name: 'PROTOBUF_NOSR',
    features: ['WRAP_SINGLES', 'UNWRAP_SINGLES'],
    properties: ['unwrapPrimitives', 'nullableRepresentation'],
    usesRegistry: false,
    supportsKeyType: () => true,
    multipleKeyColumns: true,
  },
  JSON_SR: { name: 'JSON_SR', features: ['WRAP_SINGLES', 'UNWRAP_SINGLES'], properties: ['fullSchemaName', 'schemaId'], usesRegistry: true, supportsKeyType: () => true, multipleKeyColumns: true },
};

function unsupported(message: string, extra: Record<string, unknown> = {}): SluiceError {
  return new SluiceError('ENGINE_FORMAT_UNSUPPORTED', message, extra);
}

/** The canonical format name; throws `Unknown format: FOO` (name upper-cased, as ksqlDB). */
export function resolveFormatName(name: string): FormatName {
  const upper = name.toUpperCase();
  if (Object.prototype.hasOwnProperty.call(FORMATS, upper)) return upper as FormatName;
  throw unsupported(`Unknown format: ${upper}`, { expected: Object.keys(FORMATS).join(', '), found: name });
}

export function formatSpec(name: string): FormatSpec {
  return FORMATS[resolveFormatName(name)];
}

/** Java's `Set.toString()` / `Map.toString()` forms for messages. */
function javaSet(items: readonly string[]): string {
  return `[${items.join(', ')}]`;
}

/**
 * ksqlDB's FormatProperties.validateProperties: unknown keys → `JSON does not support the
 * following configs: [delimiter]`; empty values → `<key> cannot be empty. Format configuration: {..}`.
 * Also checks the DELIMITED delimiter (`Delimiter cannot be empty, ...`).
 */
export function validateFormatProperties(format: string, properties: Readonly<Record<string, string>> = {}): void {
  const spec = formatSpec(format);
  const keys = Object.keys(properties);
  const unknown = keys.filter((k) => !spec.properties.includes(k));
  if (unknown.length > 0) throw unsupported(`${spec.name} does not support the following configs: ${javaSet(unknown)}`, { found: unknown.join(', ') });
  for (const k of keys) {
    if (k === 'delimiter') continue; // its own, more helpful, message below
    if (properties[k]!.trim().length === 0) {
      throw unsupported(`${k} cannot be empty. Format configuration: {${keys.map((x) => `${x}=${properties[x]}`).join(', ')}}`);
    }
  }
  if (spec.name === 'DELIMITED' && properties.delimiter !== undefined) parseDelimiter(properties.delimiter);
}

/** ksqlDB's SimpleColumn/Column text: ``"`K` STRING KEY"`` for keys, ``"`V` INTEGER"`` for values. */
function columnText(c: SerdeColumn, target: SerdeTarget): string {
  return `${quoteIdentifier(c.name)} ${formatSqlType(c.type)}${target === 'key' ? ' KEY' : ''}`;
}

/** ksqlDB's PersistenceSchema.toString: `Persistence{columns=[`K` ARRAY<DOUBLE> KEY], features=[]}`. */
export function persistenceSchemaText(columns: readonly SerdeColumn[], target: SerdeTarget, features: readonly SerdeFeature[] = []): string {
  return `Persistence{columns=[${columns.map((c) => columnText(c, target)).join(', ')}], features=${javaSet(features)}}`;
}

function containsMap(type: SqlType): boolean {
  switch (type.kind) {
    case 'MAP':
      return true;
    case 'ARRAY':
      return containsMap(type.element);
    case 'STRUCT':
      return type.fields.some((f) => containsMap(f.type));
    default:
      return false;
  }
}

/** ksqlDB rejects key columns whose type contains a MAP, with this message. */
export function validateKeyColumnTypes(columns: readonly SerdeColumn[]): void {
  for (const c of columns) {
    if (containsMap(c.type)) {
      throw unsupported(
        `Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: ${quoteIdentifier(c.name)}. Column type: ${formatSqlType(c.type)}. See https://github.com/confluentinc/ksql/issues/6621 for more.`,
        { found: c.name },
      );
    }
  }
}

/**
 * The key wrapping feature ksqlDB records: UNWRAP_SINGLES for a single key column when the format
 * supports both wrapping and unwrapping (JSON, AVRO, ...), else none.
 */
export function resolveKeyFeatures(format: string, singleKey: boolean): SerdeFeature[] {
  const spec = formatSpec(format);
  return singleKey && spec.features.includes('UNWRAP_SINGLES') && spec.features.includes('WRAP_SINGLES') ? ['UNWRAP_SINGLES'] : [];
}

/**
 * The value wrapping feature (ksqlDB's SerdeFeaturesFactory.buildValueFeatures). `explicitWrap` is
 * WRAP_SINGLE_VALUE from the WITH clause; `configWrap` is `ksql.persistence.wrap.single.values`.
 * Throws `Format 'KAFKA' does not support 'WRAP_SINGLE_VALUE' set to 'true'.` and
 * `'WRAP_SINGLE_VALUE' is only valid for single-field value schemas`.
 */
export function resolveValueFeatures(format: string, singleColumn: boolean, explicitWrap?: boolean, configWrap?: boolean): SerdeFeature[] {
  const spec = formatSpec(format);
  if (explicitWrap !== undefined) {
    const feature: SerdeFeature = explicitWrap ? 'WRAP_SINGLES' : 'UNWRAP_SINGLES';
    if (!spec.features.includes(feature)) {
      throw unsupported(`Format '${spec.name}' does not support 'WRAP_SINGLE_VALUE' set to '${explicitWrap}'.`);
    }
    if (!singleColumn) throw unsupported("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas");
    return [feature];
  }
  if (!singleColumn || configWrap === undefined) return [];
  const feature: SerdeFeature = configWrap ? 'WRAP_SINGLES' : 'UNWRAP_SINGLES';
  return spec.features.includes(feature) ? [feature] : [];
}

/** A serde for no columns: no bytes out, an empty row in (ksqlDB's KsqlVoidSerde). */
function voidSerde(format: FormatName, target: SerdeTarget): RowSerde {
  return {
    format,
    target,
    columns: [],
    serialize: () => null,
    deserialize: () => [],
  };
}

/**
 * Builds the compiled serde for one side of a topic. Registry formats (AVRO, PROTOBUF, JSON_SR)
 * validate the columns as ksqlDB does (`Avro only supports MAPs with STRING keys`, Avro names...)
 * with or without `deps.registry`; without one the serde cannot move data (the analyzer's check).
 * With one, the serde resolves its writer schema in the background (`ready`; `createSerdeAsync`
 * awaits it) and `prepare` loads the schemas records name. PROTOBUF_NOSR needs no registry.
 */
export function createSerde(options: SerdeOptions, deps: SerdeDependencies = {}): RowSerde {
  const format = resolveFormatName(options.format);
  const spec = FORMATS[format];
  const { target, columns } = options;
  const properties = options.properties ?? {};
  const features = options.features ?? [];
  const topic = options.topic ?? '?';
  validateFormatProperties(format, properties);
  if (target === 'key') validateKeyColumnTypes(columns);

  const notSupported = (reason: string): SluiceError =>
    unsupported(
      `${target === 'key' ? 'Key' : 'Value'} format does not support schema.\nformat: ${format}\nschema: ${persistenceSchemaText(columns, target, features)}\nreason: ${reason}`,
      { format, reason },
    );

  const unsupportedFeatures = features.filter((f) => !spec.features.includes(f));
  if (unsupportedFeatures.length > 0) throw notSupported(`Unsupported features: ${javaSet(unsupportedFeatures)}`);
  if (features.includes('UNWRAP_SINGLES') && columns.length !== 1 && format !== 'DELIMITED') {
    throw notSupported('Unwrapping only valid for single columns');
  }

  if (format === 'NONE') {
    if (columns.length > 0) {
      throw notSupported(`The 'NONE' format can only be used when no columns are defined. Got: ${javaSet(columns.map((c) => columnText(c, target)))}`);
    }
    return voidSerde(format, target);
  }
  if (columns.length === 0) return voidSerde(format, target);

  switch (format) {
    case 'JSON': {
      for (const c of columns) {
        if (containsNonStringMapKey(c.type)) throw notSupported('JSON only supports MAP types with STRING keys');
      }
      const wrapped = columns.length !== 1 || !features.includes('UNWRAP_SINGLES');
      const parts = createJsonSerde(columns, wrapped, target, topic);
      return { format, target, columns, serialize: parts.serialize, deserialize: parts.deserialize };
    }
    case 'DELIMITED': {
      for (const c of columns) {
        if (c.type.kind === 'ARRAY' || c.type.kind === 'MAP' || c.type.kind === 'STRUCT') {
          throw notSupported(`The 'DELIMITED' format does not support type '${c.type.kind}', column: ${quoteIdentifier(c.name)}`);
        }
      }
      const delimiter = properties.delimiter === undefined ? ',' : parseDelimiter(properties.delimiter);
      const parts = createDelimitedSerde(columns, delimiter, topic);
      return { format, target, columns, serialize: parts.serialize, deserialize: parts.deserialize };
    }
    case 'KAFKA': {
      if (columns.length !== 1) {
        throw notSupported(`The 'KAFKA' format only supports a single field. Got: ${javaSet(columns.map((c) => columnText(c, target)))}`);
      }
      const column = columns[0]!;
      if (!kafkaSupportsType(column.type)) throw notSupported(`The 'KAFKA' format does not support type '${column.type.kind}'`);
      const parts = createKafkaSerde(column, topic);
      return { format, target, columns, serialize: parts.serialize, deserialize: parts.deserialize };
    }
    case 'AVRO':
    case 'PROTOBUF':
    case 'JSON_SR':
    case 'PROTOBUF_NOSR': {
      const unwrapped = columns.length === 1 && features.includes('UNWRAP_SINGLES');
      if (format === 'PROTOBUF_NOSR') {
        try {
          return createProtobufNoSrSerde({
            target,
            columns,
            unwrapped,
            topic,
            unwrapPrimitives: properties.unwrapPrimitives === 'true',
            nullableRepresentation: properties.nullableRepresentation,
          });
        } catch (error) {
          if (error instanceof SluiceError && error.code === 'ENGINE_FORMAT_UNSUPPORTED') throw notSupported(error.message);
          throw error;
        }
      }
      const schemaIdText = properties.schemaId;
      const schemaId = schemaIdText === undefined ? undefined : Number(schemaIdText);
      if (schemaId !== undefined && !Number.isInteger(schemaId)) throw unsupported(`Invalid schemaId: ${schemaIdText}`, { found: schemaIdText });
      let codec: RegistryCodec;
      try {
        codec = registryCodec(format, { target, columns, unwrapped, topic, properties });
        // The schema ksqlDB would register must exist (names Avro accepts, MAP keys...), registry or not.
        if (schemaId === undefined) codec.deriveSchema();
      } catch (error) {
        if (error instanceof SluiceError && error.code === 'ENGINE_FORMAT_UNSUPPORTED') throw notSupported(error.message);
        throw error;
      }
      if (deps.registry === undefined) return registrylessSerde(format, target, columns);
      return createRegistrySerde(codec, { target, columns, topic, schemaId }, deps.registry);
    }
  }
}

function registryCodec(
  format: 'AVRO' | 'PROTOBUF' | 'JSON_SR',
  options: { target: SerdeTarget; columns: readonly SerdeColumn[]; unwrapped: boolean; topic: string; properties: Readonly<Record<string, string>> },
): RegistryCodec {
  const { columns, unwrapped, properties } = options;
  switch (format) {
    case 'AVRO': {
      const fullSchemaName = properties.fullSchemaName ?? AVRO_DEFAULT_SCHEMA_FULL_NAME;
      if (fullSchemaName.trim().length === 0) throw unsupported('the schema name cannot be empty');
      columnsToAvroSchema(columns, unwrapped, fullSchemaName);
      return avroCodec({ columns, unwrapped, fullSchemaName });
    }
    case 'PROTOBUF':
      columnsToProtobufSchema(columns, properties);
      return protobufCodec({
        columns,
        fullSchemaName: properties.fullSchemaName,
        unwrapPrimitives: properties.unwrapPrimitives === 'true',
        nullableRepresentation: properties.nullableRepresentation,
      });
    case 'JSON_SR':
      validateJsonSchemaColumns(columns);
      return jsonSchemaCodec({ target: options.target, columns, unwrapped, topic: options.topic });
  }
}

/** A registry format built without a registry (the analyzer validating a statement): it cannot move data. */
function registrylessSerde(format: FormatName, target: SerdeTarget, columns: readonly SerdeColumn[]): RowSerde {
  const fail = (): never => {
    throw new SluiceError('ENGINE_SERDE', `The '${format}' format needs a schema registry, and none is configured`, { format });
  };
  return { format, target, columns, serialize: (values) => (values === null ? null : fail()), deserialize: (bytes) => (bytes === null ? null : fail()) };
}

/**
 * Builds a serde and waits until it can write: for AVRO / PROTOBUF / JSON_SR the writer schema is
 * registered under `<topic>-key|value` (or fetched by `schemaId`) through `deps.registry`; records
 * are written as `0x00 + 4-byte id + payload` and read through a per-id reader cache that
 * `prepare` fills. For the other formats it is createSerde.
 */
export async function createSerdeAsync(options: SerdeOptions, deps: SerdeDependencies = {}): Promise<RowSerde> {
  const format = resolveFormatName(options.format);
  if (FORMATS[format].usesRegistry && deps.registry === undefined) {
    throw unsupported(`The '${format}' format needs a schema registry, and none is configured`, { format });
  }
  const serde = createSerde(options, deps);
  if (serde.prepareWrite !== undefined) {
    try {
      await serde.prepareWrite();
    } catch (error) {
      throw new SluiceError(
        'ENGINE_SERDE',
        `Cannot resolve the ${format} schema for the ${options.target} of topic ${options.topic ?? '?'}: ${(error as Error).message}`,
        { format },
        { cause: error },
      );
    }
  }
  return serde;
}

function containsNonStringMapKey(type: SqlType): boolean {
  switch (type.kind) {
    case 'MAP':
      return type.key.kind !== 'STRING' || containsNonStringMapKey(type.value);
    case 'ARRAY':
      return containsNonStringMapKey(type.element);
    case 'STRUCT':
      return type.fields.some((f) => containsNonStringMapKey(f.type));
    default:
      return false;
  }
}
