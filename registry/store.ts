/**
 * The records of the `_schemas` topic, in Confluent's own format so the topic reads the same to
 * both registries: a JSON key naming what changed (`{"keytype":"SCHEMA","subject":"s",
 * "version":1,"magic":1}`, `CONFIG`, `MODE`, `DELETE_SUBJECT`, `CLEAR_SUBJECT`) and a JSON value
 * with its new state, or no value (a tombstone) for a permanent delete. The topic is compacted:
 * the newest record per key is the state, so the registry is rebuilt by reading it in order.
 *
 * One Sluice-specific key, `{"keytype":"SLUICE_ID_HIGH_WATER","magic":0}`, remembers the largest
 * id ever handed out, so ids stay unique after the schemas holding them were deleted for good.
 */
import { SluiceError } from '../common/index.js';
import type { CompatibilityLevel, RegistryMode, SchemaReference, SchemaType } from './types.js';
import { COMPATIBILITY_LEVELS, REGISTRY_MODES, SCHEMA_TYPES } from './types.js';

export interface SchemaValue {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  references: SchemaReference[];
  schema: string;
  deleted: boolean;
}

export type StoreRecord =
  | { kind: 'schema'; subject: string; version: number; value: SchemaValue | null }
  | { kind: 'config'; subject: string | null; level: CompatibilityLevel | null }
  | { kind: 'mode'; subject: string | null; mode: RegistryMode | null }
  /** Confluent's soft delete of a subject: every version up to `version` is marked deleted. */
  | { kind: 'delete-subject'; subject: string; version: number }
  /** Confluent's permanent delete of a subject's soft-deleted versions up to `version`. */
  | { kind: 'clear-subject'; subject: string; version: number }
  | { kind: 'id-high-water'; maxId: number }
  /** NOOP and keys this version does not know. */
  | { kind: 'ignored' };

export interface EncodedRecord {
  key: string;
  value: string | null;
}

export function encodeStoreRecord(record: StoreRecord): EncodedRecord {
  switch (record.kind) {
    case 'schema': {
      const key = JSON.stringify({ keytype: 'SCHEMA', subject: record.subject, version: record.version, magic: 1 });
      if (record.value === null) return { key, value: null };
      const value = record.value;
      const body: Record<string, unknown> = { subject: value.subject, version: value.version, id: value.id };
      if (value.schemaType !== 'AVRO') body['schemaType'] = value.schemaType;
      if (value.references.length > 0) body['references'] = value.references;
      body['schema'] = value.schema;
      body['deleted'] = value.deleted;
      return { key, value: JSON.stringify(body) };
    }
    case 'config': {
      const key = JSON.stringify(record.subject === null ? { keytype: 'CONFIG', magic: 0 } : { keytype: 'CONFIG', subject: record.subject, magic: 0 });
      return { key, value: record.level === null ? null : JSON.stringify({ compatibilityLevel: record.level }) };
    }
    case 'mode': {
      const key = JSON.stringify(record.subject === null ? { keytype: 'MODE', magic: 0 } : { keytype: 'MODE', subject: record.subject, magic: 0 });
      return { key, value: record.mode === null ? null : JSON.stringify({ mode: record.mode }) };
    }
    case 'delete-subject':
      return {
        key: JSON.stringify({ keytype: 'DELETE_SUBJECT', subject: record.subject, magic: 0 }),
        value: JSON.stringify({ subject: record.subject, version: record.version }),
      };
    case 'clear-subject':
      return {
        key: JSON.stringify({ keytype: 'CLEAR_SUBJECT', subject: record.subject, magic: 0 }),
        value: JSON.stringify({ subject: record.subject, version: record.version }),
      };
    case 'id-high-water':
      return { key: JSON.stringify({ keytype: 'SLUICE_ID_HIGH_WATER', magic: 0 }), value: JSON.stringify({ maxId: record.maxId }) };
    case 'ignored':
      return { key: JSON.stringify({ keytype: 'NOOP', magic: 0 }), value: null };
  }
}

function corrupt(offset: number, what: string, found: string): SluiceError {
  return new SluiceError('REGISTRY_STORE_ERROR', `_schemas record at offset ${offset}: ${what}, found ${found.slice(0, 200)}`, { offset, expected: what, found });
}

function parseJsonObject(bytes: Buffer, offset: number, what: string): Record<string, unknown> {
  const text = bytes.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt(offset, `a JSON ${what}`, text);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw corrupt(offset, `a JSON object as ${what}`, text);
  return value as Record<string, unknown>;
}

function positiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function referencesOf(value: unknown, offset: number): SchemaReference[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw corrupt(offset, 'references as an array', JSON.stringify(value));
  return value.map((reference: Record<string, unknown>) => {
    if (typeof reference?.['name'] !== 'string' || typeof reference['subject'] !== 'string' || !positiveInteger(reference['version'])) {
      throw corrupt(offset, 'references of {name, subject, version}', JSON.stringify(reference));
    }
    return { name: reference['name'], subject: reference['subject'], version: reference['version'] };
  });
}

/** Reads one record of the topic; throws REGISTRY_STORE_ERROR for one it cannot make sense of. */
export function decodeStoreRecord(key: Buffer | null, value: Buffer | null, offset: number): StoreRecord {
  if (key === null) return { kind: 'ignored' };
  const keyObject = parseJsonObject(key, offset, 'key');
  const subject = keyObject['subject'];
  switch (keyObject['keytype']) {
    case 'SCHEMA': {
      if (typeof subject !== 'string' || !positiveInteger(keyObject['version'])) throw corrupt(offset, 'a SCHEMA key with subject and version', key.toString('utf8'));
      const version = keyObject['version'];
      if (value === null) return { kind: 'schema', subject, version, value: null };
      const body = parseJsonObject(value, offset, 'SCHEMA value');
      const schemaType = (body['schemaType'] ?? 'AVRO') as SchemaType;
      if (!SCHEMA_TYPES.includes(schemaType)) throw corrupt(offset, 'schemaType AVRO, PROTOBUF or JSON', String(body['schemaType']));
      if (!positiveInteger(body['id']) || typeof body['schema'] !== 'string') throw corrupt(offset, 'a SCHEMA value with id and schema', value.toString('utf8'));
      return {
        kind: 'schema',
        subject,
        version,
        value: {
          subject,
          version,
          id: body['id'],
          schemaType,
          references: referencesOf(body['references'], offset),
          schema: body['schema'],
          deleted: body['deleted'] === true,
        },
      };
    }
    case 'CONFIG': {
      const scope = typeof subject === 'string' ? subject : null;
      if (value === null) return { kind: 'config', subject: scope, level: null };
      const body = parseJsonObject(value, offset, 'CONFIG value');
      const level = body['compatibilityLevel'] ?? body['compatibility'];
      if (level === undefined || level === null) return { kind: 'config', subject: scope, level: null };
      if (!COMPATIBILITY_LEVELS.includes(level as CompatibilityLevel)) throw corrupt(offset, 'a compatibility level', String(level));
      return { kind: 'config', subject: scope, level: level as CompatibilityLevel };
    }
    case 'MODE': {
      const scope = typeof subject === 'string' ? subject : null;
      if (value === null) return { kind: 'mode', subject: scope, mode: null };
      const body = parseJsonObject(value, offset, 'MODE value');
      if (!REGISTRY_MODES.includes(body['mode'] as RegistryMode)) throw corrupt(offset, 'a mode', String(body['mode']));
      return { kind: 'mode', subject: scope, mode: body['mode'] as RegistryMode };
    }
    case 'DELETE_SUBJECT':
    case 'CLEAR_SUBJECT': {
      if (value === null || typeof subject !== 'string') return { kind: 'ignored' };
      const body = parseJsonObject(value, offset, `${keyObject['keytype']} value`);
      if (!positiveInteger(body['version'])) throw corrupt(offset, 'a version', JSON.stringify(body['version']));
      return { kind: keyObject['keytype'] === 'DELETE_SUBJECT' ? 'delete-subject' : 'clear-subject', subject, version: body['version'] };
    }
    case 'SLUICE_ID_HIGH_WATER': {
      if (value === null) return { kind: 'ignored' };
      const body = parseJsonObject(value, offset, 'id high-water value');
      if (!positiveInteger(body['maxId'])) throw corrupt(offset, 'a positive maxId', JSON.stringify(body['maxId']));
      return { kind: 'id-high-water', maxId: body['maxId'] };
    }
    default:
      return { kind: 'ignored' };
  }
}
