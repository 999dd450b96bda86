/**
 * engine/formats — serdes: bytes on the wire ⇄ row values, per key and per value of a topic.
 *
 * A serde is compiled once per query step (`createSerde`) from the columns (names + SqlTypes), the
 * format name, its properties and the wrapping feature, then called per record:
 * `deserialize(Buffer | null) → values[] | null`, `serialize(values[] | null) → Buffer | null`.
 *
 * - serde:      the RowSerde contract, options, features, and the schema-registry client interface
 *               that AVRO / PROTOBUF / JSON_SR will use (optional `registry` dependency).
 * - factory:    format catalogue, validation with ksqlDB's messages, wrapping-feature resolution.
 * - json:       ksqlDB's JSON serde (compiled converters and writers; generated code for rows).
 * - json-parse: lossless JSON parsing for schemas with DECIMAL columns.
 * - delimited:  CSV as commons-csv 1.4 reads and writes it, VALUE_DELIMITER / TAB / SPACE.
 * - kafka:      Kafka's primitive serdes (INT, BIGINT, DOUBLE, STRING, BYTES).
 * - windowed:   time- and session-windowed key wrapping.
 * - connect:    Kafka Connect's data model (ksqlDB's registry formats go through it): SQL ⇄ Connect
 *               schemas, and ConnectDataTranslator (registry data → column values).
 * - connect-registry: the Confluent wire format, a per-client schema cache, the registry serde skeleton.
 * - avro / protobuf / json-schema: AVRO, PROTOBUF + PROTOBUF_NOSR, JSON_SR (schemas as ksqlDB derives
 *               and reads them; data codecs).
 * - schema-translation: for the executor: schema inference from the registry, sink schema registration.
 *
 * Decode failures throw SluiceError ENGINE_SERDE; unsupported schemas ENGINE_FORMAT_UNSUPPORTED.
 * Depends on engine/types, registry/ (schema parsing, message indexes) and common/.
 */

export * from './serde.js';
export * from './factory.js';
export {
  compileConverter,
  compileRowConverter,
  compileRowWriter,
  compileWriter,
  connectTypeText,
  javaJsonStringify,
  jacksonNodeType,
  JsonCoercionError,
  type JsonConverter,
  type JsonWriter,
} from './json.js';
export { JsonNumber, JsonSyntaxError, parseJsonLossless } from './json-parse.js';
export { parseCsvRecord, parseDelimiter, quoteCsvValue } from './delimited.js';
export { kafkaSupportsType, readInt64BE, writeInt64BE } from './kafka.js';
export * from './windowed.js';
export {
  AVRO_DEFAULT_SCHEMA_FULL_NAME,
  AVRO_SCHEMA_NAMESPACE,
  avroKeySchemaFullName,
  columnsToAvroSchema,
  connectToAvroSchema,
  avroToConnect,
  parseAvroNode,
  type AvroNode,
} from './avro.js';
export { columnsToProtobufSchema, connectToProtobufSchema, messageToConnect, encodeMessageIndexes, decodeMessageIndexes } from './protobuf.js';
export { columnsToJsonSchema, connectToJsonSchema, jsonSchemaToConnect } from './json-schema.js';
export {
  columnsToConnectSchema,
  sqlToConnectSchema,
  connectToColumns,
  connectToSqlType,
  compileConnectReader,
  javaFloatToString,
  type ConnectSchema,
  type ConnectField,
  type ConnectType,
} from './connect.js';
export { MAGIC_BYTE, WIRE_HEADER_BYTES, readWireHeader, registryCache, subjectOf, wireHeader, type CachedSchema } from './connect-registry.js';
export {
  columnsToSchema,
  inferColumnsFromRegistry,
  registerSchemaForSource,
  registrySchemaToConnect,
  registrySchemaType,
  schemaToColumns,
  type ColumnsToSchemaOptions,
  type InferColumnsRequest,
  type InferredColumns,
  type RegisterSchemaRequest,
  type SchemaToColumnsOptions,
} from './schema-translation.js';
