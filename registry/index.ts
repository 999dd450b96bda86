/**
 * registry/ — the built-in schema registry, compatible with Confluent Schema Registry's model:
 * subjects holding numbered versions of schemas, global ids (the same schema, canonicalised per
 * type, gets the same id under every subject; ids are never reused), soft and permanent deletes,
 * references between schemas, schema types AVRO (default), PROTOBUF and JSON, compatibility
 * levels (global and per subject) and modes.
 *
 * Compatibility follows each type's rules: Avro schema resolution (avro.ts: reader/writer check
 * with defaults, promotions, unions, enums, names and aliases), Protobuf field evolution
 * (protobuf.ts: Confluent's structural diff), JSON Schema (json-schema.ts: content models,
 * required, types, bounds). A breaking change is refused with REGISTRY_INCOMPATIBLE_SCHEMA (409)
 * whose message names it the way Confluent's does.
 *
 * Storage: every change is a record appended to the compacted `_schemas` topic of a `Log`
 * (store.ts, Confluent's record format); `SchemaRegistry.open` rebuilds the state by reading the
 * topic, so it survives restarts and travels with the data. Errors are `SluiceError`s with the
 * REGISTRY_* codes of common/errors.ts, whose `ksqlErrorCode` is Confluent's `error_code`.
 *
 * Above storage, below the engine: the engine's serdes call `register`, `getById`,
 * `getLatest`... The REST API lives in server/http/schema-registry.
 *
 * http-client.ts: the same `SchemaRegistryClient` over an external Confluent-compatible registry
 * (`--schema-registry-url`), caching what never changes (schemas by id, registrations).
 */
export {
  SchemaRegistry,
  SCHEMAS_TOPIC,
  parseVersionSelector,
  parseCompatibilityLevel,
  parseRegistryMode,
  parseSchemaType,
  subjectNotFound,
  versionNotFound,
  schemaNotFound,
} from './registry.js';
export type {
  SchemaRegistryClient,
  OpenSchemaRegistryOptions,
  VersionSelector,
  RegisterOptions,
  IncludeDeleted,
  ListSubjectsOptions,
  DeleteOptions,
} from './registry.js';
export {
  SCHEMA_TYPES,
  COMPATIBILITY_LEVELS,
  DEFAULT_COMPATIBILITY_LEVEL,
  REGISTRY_MODES,
  DEFAULT_REGISTRY_MODE,
  VERSION_MAX,
  defaultRegistryLimits,
} from './types.js';
export type {
  SchemaType,
  SchemaReference,
  SchemaInput,
  RegisteredSchema,
  SchemaById,
  SubjectVersion,
  CompatibilityLevel,
  RegistryMode,
  Incompatibility,
  CompatibilityResult,
  RegistryLimits,
} from './types.js';
export { parseSchema, compareSchemas, checkCompatibility } from './compatibility.js';
export type { ParsedSchema, PreviousVersion } from './compatibility.js';
export type { ParsedAvro } from './avro.js';
export { avroReaderWriterIncompatibilities } from './avro.js';
export type { ParsedProtobuf } from './protobuf.js';
export { firstMessageName, isBuiltinProtobufImport, protobufMessageIndexes, protobufMessageAt } from './protobuf.js';
export type { ParsedJsonSchema } from './json-schema.js';
export type { ResolvedReference, Direction } from './schema.js';
export { encodeStoreRecord, decodeStoreRecord } from './store.js';
export { HttpSchemaRegistryClient } from './http-client.js';
export type { HttpSchemaRegistryClientOptions } from './http-client.js';
export type { StoreRecord, SchemaValue } from './store.js';
