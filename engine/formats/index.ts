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
 *
 * Decode failures throw SluiceError ENGINE_SERDE; unsupported schemas ENGINE_FORMAT_UNSUPPORTED.
 * Depends on engine/types and common/.
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
