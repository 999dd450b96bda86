/**
 * Parsing by schema type, and compatibility levels: which earlier versions a new schema is
 * checked against, in which direction, and the messages Confluent's API answers with.
 */
import { compareAvro, parseAvro, type ParsedAvro } from './avro.js';
import { compareJsonSchema, parseJsonSchema, type ParsedJsonSchema } from './json-schema.js';
import { compareProtobuf, parseProtobuf, type ParsedProtobuf } from './protobuf.js';
import { formatIncompatibility, type Direction, type ResolvedReference } from './schema.js';
import type { CompatibilityLevel, CompatibilityResult, Incompatibility, RegistryLimits, SchemaType } from './types.js';

export type ParsedSchema = ParsedAvro | ParsedProtobuf | ParsedJsonSchema;

export function parseSchema(schemaType: SchemaType, text: string, references: readonly ResolvedReference[], limits: RegistryLimits): ParsedSchema {
  switch (schemaType) {
    case 'AVRO':
      return parseAvro(text, references, limits);
    case 'PROTOBUF':
      return parseProtobuf(text, references, limits);
    case 'JSON':
      return parseJsonSchema(text, references, limits);
  }
}

/** The breaking changes between two schemas in one direction (see `Direction`). */
export function compareSchemas(newer: ParsedSchema, older: ParsedSchema, direction: Direction): Incompatibility[] {
  if (newer.schemaType !== older.schemaType) {
    return [
      {
        errorType: 'SCHEMA_TYPE_CHANGED',
        path: '/',
        description: `Incompatible because of different schema type: the old schema is ${older.schemaType}, the new one ${newer.schemaType}`,
      },
    ];
  }
  switch (newer.schemaType) {
    case 'AVRO':
      return compareAvro(newer, older as ParsedAvro, direction);
    case 'PROTOBUF':
      return compareProtobuf(newer, older as ParsedProtobuf, direction);
    case 'JSON':
      return compareJsonSchema(newer, older as ParsedJsonSchema, direction);
  }
}

export interface PreviousVersion {
  version: number;
  /** Canonical text, quoted in messages. */
  schema: string;
  parsed: ParsedSchema;
}

function directionsOf(level: CompatibilityLevel): Direction[] {
  switch (level) {
    case 'NONE':
      return [];
    case 'BACKWARD':
    case 'BACKWARD_TRANSITIVE':
      return ['backward'];
    case 'FORWARD':
    case 'FORWARD_TRANSITIVE':
      return ['forward'];
    case 'FULL':
    case 'FULL_TRANSITIVE':
      return ['backward', 'forward'];
  }
}

export function isTransitive(level: CompatibilityLevel): boolean {
  return level.endsWith('_TRANSITIVE');
}

/**
 * Checks `candidate` against `previous` (newest first) under `level`: only the newest unless the
 * level is transitive, or unless `againstAll` (the versions were chosen by the caller). Stops at
 * the first version it breaks, as Confluent does.
 */
export function checkCompatibility(level: CompatibilityLevel, candidate: ParsedSchema, previous: readonly PreviousVersion[], againstAll = false): CompatibilityResult {
  const directions = directionsOf(level);
  const versions = againstAll || isTransitive(level) ? previous : previous.slice(0, 1);
  for (const old of versions) {
    const incompatibilities = directions.flatMap((direction) => compareSchemas(candidate, old.parsed, direction));
    if (incompatibilities.length > 0) {
      const messages = [
        ...incompatibilities.map(formatIncompatibility),
        `{oldSchemaVersion: ${old.version}}`,
        `{oldSchema: '${old.schema}'}`,
        `{compatibility: '${level}'}`,
      ];
      return { isCompatible: false, messages, incompatibilities };
    }
  }
  return { isCompatible: true, messages: [], incompatibilities: [] };
}
