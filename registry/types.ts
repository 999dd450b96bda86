/**
 * The registry's public vocabulary: schema types, references, registered versions, compatibility
 * levels and modes, with the limits the registry enforces.
 */

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON';
export const SCHEMA_TYPES: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO'];

/** A schema's use of another registered schema: `name` is how the schema text refers to it. */
export interface SchemaReference {
  /** Avro: the full name of a named type; Protobuf: the import path; JSON: the `$ref` URL. */
  name: string;
  subject: string;
  version: number;
}

/** What a client sends to register, look up or check a schema. */
export interface SchemaInput {
  schema: string;
  /** Default AVRO. */
  schemaType?: SchemaType;
  references?: readonly SchemaReference[];
}

/** A version of a subject. `schema` is the canonical text (what GET answers). */
export interface RegisteredSchema {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
  /** Soft-deleted: hidden from lookups unless asked for, id kept. */
  deleted: boolean;
}

/** A schema by global id. */
export interface SchemaById {
  id: number;
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
}

export interface SubjectVersion {
  subject: string;
  version: number;
}

export type CompatibilityLevel =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

export const COMPATIBILITY_LEVELS: readonly CompatibilityLevel[] = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];

export const DEFAULT_COMPATIBILITY_LEVEL: CompatibilityLevel = 'BACKWARD';

/**
 * READWRITE: normal. READONLY: registrations and deletes are refused (42205); READONLY_OVERRIDE
 * also refuses them. IMPORT: registrations may carry their own id and version (for migrating a
 * registry) and skip compatibility checks.
 */
export type RegistryMode = 'READWRITE' | 'READONLY' | 'READONLY_OVERRIDE' | 'IMPORT';
export const REGISTRY_MODES: readonly RegistryMode[] = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'];
export const DEFAULT_REGISTRY_MODE: RegistryMode = 'READWRITE';

/** One breaking change found by a compatibility check. */
export interface Incompatibility {
  /** Confluent's name for the kind of change: READER_FIELD_MISSING_DEFAULT_VALUE, FIELD_KIND_CHANGED... */
  errorType: string;
  /** Where in the schema: `/fields/2` (Avro), `#/Order/3` (Protobuf), `#/properties/a` (JSON). */
  path: string;
  /** A sentence naming the change, in terms of the new and the old schema. */
  description: string;
  /** The field, symbols or types concerned, when there are. */
  additionalInfo?: string;
}

export interface CompatibilityResult {
  isCompatible: boolean;
  /** Confluent's verbose messages: one per breaking change, then the old version and the level. */
  messages: string[];
  /** The breaking changes, structured. */
  incompatibilities: Incompatibility[];
}

export interface RegistryLimits {
  /** Longest schema text accepted (characters). */
  schemaCharsMax: number;
  /** Longest subject name. */
  subjectCharsMax: number;
  /** Deepest chain of references followed while resolving a schema. */
  referenceDepthMax: number;
  /** Deepest nesting a schema may have (JSON Schema, Avro). */
  schemaDepthMax: number;
  /** Most versions one subject may hold (live and soft-deleted). */
  versionsPerSubjectMax: number;
  /** Largest `_schemas` record value (the stored schema with its metadata), kept below the log's record limit. */
  storedRecordBytesMax: number;
}

export const defaultRegistryLimits: Readonly<RegistryLimits> = Object.freeze({
  schemaCharsMax: 1_000_000,
  subjectCharsMax: 1_000,
  referenceDepthMax: 32,
  schemaDepthMax: 1_000,
  versionsPerSubjectMax: 100_000,
  storedRecordBytesMax: 900_000,
});

/** Largest version number (and id): Java's Integer.MAX_VALUE. */
export const VERSION_MAX = 2_147_483_647;
