/**
 * JSON_SR: ksqlDB's JSON format framed by the schema registry (magic byte, schema id, JSON text).
 *
 * Schemas: the columns' Connect schema printed as Confluent's JsonSchemaData.fromConnectSchema
 * prints it: `{"type":"object","properties":{"A":{"connect.index":0,"oneOf":[{"type":"null"},
 * {"type":"integer","connect.type":"int32"}]}}}` — optional types as a `oneOf` with `null`, field
 * order in `connect.index`, Connect types in `connect.type`, DECIMAL as a number titled
 * `org.apache.kafka.connect.data.Decimal`, MAP (optional string keys) as an array of key/value
 * objects. Registry schemas read back as JsonSchemaData.toConnectSchema reads them (`integer`
 * without `connect.type` → BIGINT, `number` → DOUBLE, `$ref`s followed).
 *
 * Data: JSON written as JsonSchemaData.fromConnectData writes it (every field of the schema, null
 * included; BYTES base64; DECIMAL a number; MAP with optional keys an array of `{"key","value"}`
 * objects), read by the record's schema (JsonSchemaData.toConnectData) then into the columns.
 */
import { SluiceError } from '../../common/index.js';
import type { ParsedJsonSchema } from '../../registry/index.js';
import { Decimal, javaDoubleToString, javaLongToString } from '../types/index.js';
import {
  DATE_LOGICAL,
  DECIMAL_LOGICAL,
  TIME_LOGICAL,
  TIMESTAMP_LOGICAL,
  compileRowReader,
  javaFloatToString,
  physicalConnectSchema,
  rowToStruct,
  type ConnectSchema,
  type ConnectType,
} from './connect.js';
import type { CachedSchema, RegistryCodec } from './connect-registry.js';
import { JsonNumber, parseJsonLossless } from './json-parse.js';
import type { SerdeColumn, SerdeTarget } from './serde.js';

const CONNECT_TYPE_NAMES: Partial<Record<ConnectType, string>> = {
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float32',
  FLOAT64: 'float64',
  BYTES: 'bytes',
};

function unsupported(message: string): SluiceError {
  return new SluiceError('ENGINE_FORMAT_UNSUPPORTED', message);
}

/** ksqlDB's KsqlJsonSerdeFactory validation. */
export function validateJsonSchemaColumns(columns: readonly SerdeColumn[]): void {
  const walk = (schema: ConnectSchema): void => {
    if (schema.type === 'MAP' && schema.keySchema!.type !== 'STRING') throw unsupported('JSON only supports MAP types with STRING keys');
    if (schema.keySchema) walk(schema.keySchema);
    if (schema.valueSchema) walk(schema.valueSchema);
    for (const f of schema.fields ?? []) walk(f.schema);
  };
  for (const c of columns) walk(physicalConnectSchema([c], true));
}

// ---------------------------------------------------------------------------------------------
// Connect → JSON Schema.

function fromConnect(schema: ConnectSchema, index?: number): Record<string, unknown> {
  let node: Record<string, unknown>;
  const props: Record<string, unknown> = {};
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
      node = { type: 'integer' };
      props['connect.type'] = CONNECT_TYPE_NAMES[schema.type];
      break;
    case 'FLOAT32':
    case 'FLOAT64':
      node = { type: 'number' };
      props['connect.type'] = CONNECT_TYPE_NAMES[schema.type];
      break;
    case 'BOOLEAN':
      node = { type: 'boolean' };
      break;
    case 'STRING':
      node = { type: 'string' };
      break;
    case 'BYTES':
      node = { type: schema.name === DECIMAL_LOGICAL ? 'number' : 'string' };
      props['connect.type'] = 'bytes';
      break;
    case 'ARRAY':
      node = { type: 'array', items: fromConnect(schema.valueSchema!) };
      break;
    case 'MAP':
      if (schema.keySchema!.type === 'STRING' && !schema.keySchema!.optional) {
        node = { type: 'object', additionalProperties: fromConnect(schema.valueSchema!) };
      } else {
        node = {
          type: 'array',
          items: { type: 'object', properties: { key: fromConnect(schema.keySchema!, 0), value: fromConnect(schema.valueSchema!, 1) } },
        };
      }
      props['connect.type'] = 'map';
      break;
    case 'STRUCT': {
      if (schema.optional) {
        const combined: Record<string, unknown> = { oneOf: [{ type: 'null' }, fromConnect({ ...schema, optional: false })] };
        if (index !== undefined) combined['connect.index'] = index;
        return combined;
      }
      const properties: Record<string, unknown> = {};
      (schema.fields ?? []).forEach((f, i) => (properties[f.name] = fromConnect(f.schema, i)));
      node = { type: 'object', properties };
      break;
    }
  }
  if (schema.name !== undefined) node['title'] = schema.name;
  if (schema.version !== undefined) props['connect.version'] = schema.version;
  if (schema.doc !== undefined) node['description'] = schema.doc;
  if (schema.parameters !== undefined && Object.keys(schema.parameters).length > 0) props['connect.parameters'] = { ...schema.parameters };
  Object.assign(node, props);
  if (schema.optional) {
    const combined: Record<string, unknown> = { oneOf: [{ type: 'null' }, node] };
    if (index !== undefined) combined['connect.index'] = index;
    return combined;
  }
  if (index !== undefined) node['connect.index'] = index;
  return node;
}

export function connectToJsonSchema(schema: ConnectSchema): Record<string, unknown> {
  return fromConnect(schema);
}

export function columnsToJsonSchema(columns: readonly SerdeColumn[], unwrapped: boolean): string {
  validateJsonSchemaColumns(columns);
  return JSON.stringify(connectToJsonSchema(physicalConnectSchema(columns, unwrapped)));
}

// ---------------------------------------------------------------------------------------------
// JSON Schema → Connect.

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function resolvePointer(root: unknown, pointer: string): unknown {
  let current: unknown = root;
  for (const raw of pointer.replace(/^#\/?/, '').split('/').filter((s) => s.length > 0)) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

class JsonToConnect {
  private depth = 0;
  constructor(
    private readonly root: unknown,
    private readonly documents: ReadonlyMap<string, { root: unknown }>,
  ) {}

  private deref(node: JsonObject): unknown {
    const ref = node['$ref'] as string;
    const hash = ref.indexOf('#');
    const base = hash < 0 ? ref : ref.slice(0, hash);
    const pointer = hash < 0 ? '' : ref.slice(hash);
    const document = base === '' ? this.root : this.documents.get(base)?.root;
    if (document === undefined) throw unsupported(`Unresolvable $ref: ${ref}`);
    return resolvePointer(document, pointer);
  }

  convert(json: unknown, forceOptional = false): ConnectSchema {
    if (++this.depth > 200) throw unsupported('Recursive JSON schemas are not supported');
    try {
      return this.convertInner(json, forceOptional);
    } finally {
      this.depth--;
    }
  }

  private convertInner(json: unknown, forceOptional: boolean): ConnectSchema {
    if (json === true || (isObject(json) && Object.keys(json).length === 0)) throw unsupported('Unsupported type: Variant');
    if (!isObject(json)) throw unsupported(`Unsupported JSON schema: ${JSON.stringify(json)}`);
    if (typeof json['$ref'] === 'string') return this.convert(this.deref(json), forceOptional);
    const combined = (json['oneOf'] ?? json['anyOf']) as unknown[] | undefined;
    if (Array.isArray(combined)) {
      const nonNull = combined.filter((s) => !(isObject(s) && s['type'] === 'null'));
      if (combined.length === 2 && nonNull.length === 1) return this.convert(nonNull[0], true);
      if (combined.length === 1) return this.convert(combined[0], forceOptional);
      return {
        type: 'STRUCT',
        optional: forceOptional || nonNull.length < combined.length,
        name: 'io.confluent.connect.json.OneOf',
        fields: nonNull.map((s, i) => ({ name: `io.confluent.connect.json.OneOf.field.${i}`, schema: this.convert(s, true) })),
      };
    }
    if (Array.isArray(json['allOf'])) {
      const merged: JsonObject = {};
      for (const part of json['allOf'] as unknown[]) {
        const resolved = isObject(part) && typeof part['$ref'] === 'string' ? this.deref(part) : part;
        if (isObject(resolved)) {
          for (const [k, v] of Object.entries(resolved)) {
            if (k === 'properties' && isObject(merged['properties']) && isObject(v)) merged['properties'] = { ...merged['properties'], ...v };
            else merged[k] = v;
          }
        }
      }
      return this.convert(merged, forceOptional);
    }
    let type = json['type'];
    if (Array.isArray(type)) {
      const nonNull = type.filter((t) => t !== 'null');
      if (nonNull.length === 1) return this.convert({ ...json, type: nonNull[0] }, forceOptional || nonNull.length < type.length);
      throw unsupported(`Unsupported JSON schema type list: ${JSON.stringify(type)}`);
    }
    if (type === undefined) {
      if (json['enum'] !== undefined || json['const'] !== undefined) type = 'string';
      else if (isObject(json['properties']) || json['additionalProperties'] !== undefined) type = 'object';
      else if (json['items'] !== undefined) type = 'array';
    }
    const connectType = json['connect.type'];
    let schema: ConnectSchema;
    switch (type) {
      case 'boolean':
        schema = { type: 'BOOLEAN', optional: forceOptional };
        break;
      case 'integer':
      case 'number': {
        const byName: Record<string, ConnectType> = { int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64', float32: 'FLOAT32', float64: 'FLOAT64', bytes: 'BYTES' };
        const mapped = typeof connectType === 'string' ? byName[connectType] : undefined;
        schema = { type: mapped ?? (type === 'integer' ? 'INT64' : 'FLOAT64'), optional: forceOptional };
        break;
      }
      case 'string':
        schema = { type: connectType === 'bytes' ? 'BYTES' : 'STRING', optional: forceOptional };
        break;
      case 'null':
        throw unsupported('Unsupported type: null');
      case 'array': {
        const items = json['items'];
        if (items === undefined || Array.isArray(items)) throw unsupported('Array schema did not specify the items type');
        const resolved = isObject(items) && typeof items['$ref'] === 'string' ? this.deref(items) : items;
        if (connectType === 'map' && isObject(resolved) && isObject(resolved['properties'])) {
          const properties = resolved['properties'] as JsonObject;
          schema = { type: 'MAP', optional: forceOptional, keySchema: this.convert(properties['key']), valueSchema: this.convert(properties['value']) };
        } else {
          schema = { type: 'ARRAY', optional: forceOptional, valueSchema: this.convert(items) };
        }
        break;
      }
      case 'object': {
        if (connectType === 'map') {
          const values = json['additionalProperties'];
          schema = { type: 'MAP', optional: forceOptional, keySchema: { type: 'STRING', optional: false }, valueSchema: this.convert(isObject(values) ? values : {}) };
          break;
        }
        const properties = isObject(json['properties']) ? (json['properties'] as JsonObject) : {};
        const entries = Object.entries(properties).map(([name, child], position) => {
          const index = isObject(child) && typeof child['connect.index'] === 'number' ? (child['connect.index'] as number) : position;
          return { name, child, index, position };
        });
        entries.sort((a, b) => a.index - b.index || a.position - b.position);
        schema = { type: 'STRUCT', optional: forceOptional, fields: entries.map((e) => ({ name: e.name, schema: this.convert(e.child) })) };
        break;
      }
      default:
        throw unsupported(`Unsupported JSON schema type: ${JSON.stringify(type)}`);
    }
    const title = json['title'];
    const parameters = json['connect.parameters'];
    const version = json['connect.version'];
    return {
      ...schema,
      ...(typeof title === 'string' ? { name: title } : {}),
      ...(isObject(parameters) ? { parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, String(v)])) } : {}),
      ...(typeof version === 'number' ? { version } : {}),
    };
  }
}

/** The Connect schema of a registered JSON schema (JsonSchemaData.toConnectSchema). */
export function jsonSchemaToConnect(parsed: ParsedJsonSchema): ConnectSchema {
  const documents = new Map<string, { root: unknown }>();
  for (const [name, document] of parsed.documents ?? new Map<string, { root: unknown }>()) documents.set(name, { root: document.root });
  return new JsonToConnect(parsed.json, documents).convert(parsed.json);
}

/** Whether a Connect schema uses a logical type ksqlDB maps (for tests and messages). */
export function isLogicalConnectName(name: string | undefined): boolean {
  return name === DECIMAL_LOGICAL || name === DATE_LOGICAL || name === TIME_LOGICAL || name === TIMESTAMP_LOGICAL;
}

// ---------------------------------------------------------------------------------------------
// Data: JsonSchemaData.toConnectData / fromConnectData.

type ToConnect = (value: unknown) => unknown;

function jsonKind(value: unknown): string {
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return 'ARRAY';
  if (value instanceof JsonNumber || typeof value === 'number') return 'NUMBER';
  if (typeof value === 'string') return 'STRING';
  if (typeof value === 'boolean') return 'BOOLEAN';
  return 'OBJECT';
}

function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value instanceof JsonNumber) return value.value;
  return 0;
}

/** JSON (parsed losslessly) written with `schema` → Connect value. */
export function compileJsonToConnect(schema: ConnectSchema, depth = 0): ToConnect {
  if (depth > 200) throw unsupported('Recursive JSON schemas are not supported');
  const inner = compileJsonToConnectInner(schema, depth);
  const fallback = schema.defaultValue ?? null;
  return (value) => {
    if (value === null || value === undefined) {
      if (fallback !== null) return fallback;
      if (value === undefined || schema.optional) return null;
      throw new Error(`Invalid null value for required ${schema.type} field`);
    }
    return inner(value);
  };
}

function compileJsonToConnectInner(schema: ConnectSchema, depth: number): ToConnect {
  switch (schema.type) {
    case 'BOOLEAN':
      return (v) => v === true;
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
      return (v) => Math.trunc(numberOf(v));
    case 'FLOAT32':
    case 'FLOAT64':
      return (v) => numberOf(v);
    case 'STRING':
      return (v) => (typeof v === 'string' ? v : null);
    case 'BYTES':
      if (schema.name === DECIMAL_LOGICAL) {
        return (v) => {
          if (v instanceof JsonNumber) return v.toDecimal();
          if (typeof v === 'number') return Decimal.fromString(String(v));
          if (typeof v === 'string') return Decimal.fromString(v);
          throw new Error(`Invalid decimal value: ${jsonKind(v)}`);
        };
      }
      return (v) => {
        if (typeof v !== 'string') throw new Error(`Invalid bytes field: ${jsonKind(v)}`);
        return Buffer.from(v, 'base64');
      };
    case 'ARRAY': {
      const element = compileJsonToConnect(schema.valueSchema!, depth + 1);
      return (v) => {
        if (!Array.isArray(v)) throw new Error(`Arrays should be encoded as JSON arrays, but found ${jsonKind(v)}`);
        return v.map(element);
      };
    }
    case 'MAP': {
      const key = compileJsonToConnect(schema.keySchema!, depth + 1);
      const value = compileJsonToConnect(schema.valueSchema!, depth + 1);
      if (schema.keySchema!.type === 'STRING' && !schema.keySchema!.optional) {
        return (v) => {
          if (jsonKind(v) !== 'OBJECT') throw new Error(`Maps with string fields should be encoded as JSON objects, but found ${jsonKind(v)}`);
          const out = new Map<unknown, unknown>();
          for (const [k, item] of Object.entries(v as Record<string, unknown>)) out.set(k, value(item));
          return out;
        };
      }
      return (v) => {
        if (!Array.isArray(v)) throw new Error(`Maps with non-string fields should be encoded as JSON array of objects, but found ${jsonKind(v)}`);
        const out = new Map<unknown, unknown>();
        for (const entry of v) {
          if (jsonKind(entry) !== 'OBJECT') throw new Error(`Found invalid map entry instead of object: ${jsonKind(entry)}`);
          const object = entry as Record<string, unknown>;
          out.set(key(object['key']), value(object['value']));
        }
        return out;
      };
    }
    case 'STRUCT': {
      if (schema.name === 'io.confluent.connect.json.OneOf') {
        const members = (schema.fields ?? []).map((f) => ({ name: f.name, schema: f.schema, read: compileJsonToConnect(f.schema, depth + 1) }));
        return (v) => {
          const kind = jsonKind(v);
          const matches = (s: ConnectSchema): boolean =>
            (kind === 'NUMBER' && /^(INT|FLOAT)/.test(s.type)) ||
            (kind === 'NUMBER' && s.name === DECIMAL_LOGICAL) ||
            (kind === 'STRING' && (s.type === 'STRING' || s.type === 'BYTES')) ||
            (kind === 'BOOLEAN' && s.type === 'BOOLEAN') ||
            (kind === 'ARRAY' && (s.type === 'ARRAY' || s.type === 'MAP')) ||
            (kind === 'OBJECT' && (s.type === 'STRUCT' || s.type === 'MAP'));
          const member = members.find((m) => matches(m.schema));
          if (member === undefined) throw new Error('Did not find matching oneof field for data');
          const out: Record<string, unknown> = Object.fromEntries(members.map((m) => [m.name, null]));
          out[member.name] = member.read(v);
          return out;
        };
      }
      const fields = (schema.fields ?? []).map((f) => ({ name: f.name, read: compileJsonToConnect(f.schema, depth + 1) }));
      return (v) => {
        if (jsonKind(v) !== 'OBJECT') throw new Error(`Structs should be encoded as JSON objects, but found ${jsonKind(v)}`);
        const object = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const f of fields) out[f.name] = f.read(object[f.name]);
        return out;
      };
    }
  }
}

type ToJson = (value: unknown) => string;

/** Connect value (a row's struct, or the single value) → JSON text as JsonSchemaData writes it. */
export function compileConnectToJson(schema: ConnectSchema, depth = 0): ToJson {
  if (depth > 200) throw unsupported('Recursive JSON schemas are not supported');
  const inner = compileConnectToJsonInner(schema, depth);
  const fallback = schema.defaultValue ?? null;
  return (value) => {
    if (value === null || value === undefined) {
      if (fallback !== null) return inner(fallback);
      return 'null';
    }
    return inner(value);
  };
}

function compileConnectToJsonInner(schema: ConnectSchema, depth: number): ToJson {
  switch (schema.type) {
    case 'BOOLEAN':
      return (v) => (v ? 'true' : 'false');
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
      return (v) => (v instanceof Decimal ? v.toBigInt().toString() : javaLongToString(Math.trunc(Number(v))));
    case 'FLOAT32':
      return (v) => javaFloatToString(Number(v instanceof Decimal ? v.toNumber() : v));
    case 'FLOAT64':
      return (v) => {
        const n = Number(v instanceof Decimal ? v.toNumber() : v);
        return Number.isFinite(n) ? javaDoubleToString(n) : JSON.stringify(javaDoubleToString(n));
      };
    case 'STRING':
      return (v) => JSON.stringify(String(v));
    case 'BYTES':
      if (schema.name === DECIMAL_LOGICAL) return (v) => (v instanceof Decimal ? v.toJavaString() : String(v));
      return (v) => JSON.stringify(Buffer.from(v as Uint8Array).toString('base64'));
    case 'ARRAY': {
      const element = compileConnectToJson(schema.valueSchema!, depth + 1);
      return (v) => `[${(v as unknown[]).map(element).join(',')}]`;
    }
    case 'MAP': {
      const key = compileConnectToJson(schema.keySchema!, depth + 1);
      const value = compileConnectToJson(schema.valueSchema!, depth + 1);
      const entries = (v: unknown): [unknown, unknown][] => (v instanceof Map ? [...v] : Object.entries(v as object));
      if (schema.keySchema!.type === 'STRING' && !schema.keySchema!.optional) {
        return (v) => `{${entries(v).map(([k, item]) => `${JSON.stringify(String(k))}:${value(item)}`).join(',')}}`;
      }
      return (v) => `[${entries(v).map(([k, item]) => `{"key":${key(k)},"value":${value(item)}}`).join(',')}]`;
    }
    case 'STRUCT': {
      if (schema.name === 'io.confluent.connect.json.OneOf') {
        const members = (schema.fields ?? []).map((f) => ({ name: f.name, write: compileConnectToJson(f.schema, depth + 1) }));
        return (v) => {
          const object = v as Record<string, unknown>;
          const member = members.find((m) => object[m.name] !== null && object[m.name] !== undefined);
          return member === undefined ? 'null' : member.write(object[member.name]);
        };
      }
      const fields = (schema.fields ?? []).map((f) => ({ name: f.name, key: JSON.stringify(f.name), write: compileConnectToJson(f.schema, depth + 1) }));
      return (v) => {
        const object = v as Record<string, unknown>;
        return `{${fields.map((f) => `${f.key}:${f.write(object[f.name])}`).join(',')}}`;
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The codec.

export interface JsonSchemaCodecOptions {
  readonly target: SerdeTarget;
  readonly columns: readonly SerdeColumn[];
  readonly unwrapped: boolean;
  readonly topic: string;
}

function connectOf(schema: CachedSchema): ConnectSchema {
  return schema.memo('json:connect', () => jsonSchemaToConnect(schema.parsed as ParsedJsonSchema));
}

export function jsonSchemaCodec(options: JsonSchemaCodecOptions): RegistryCodec {
  const { columns, unwrapped } = options;
  const names = columns.map((c) => c.name);
  return {
    format: 'JSON_SR',
    schemaType: 'JSON',
    deriveSchema: () => columnsToJsonSchema(columns, unwrapped),
    writer(schema) {
      const physical = connectOf(schema);
      if (!unwrapped && physical.type === 'STRUCT') {
        const fieldNames = new Set((physical.fields ?? []).map((f) => f.name));
        const missing = names.find((n) => !fieldNames.has(n));
        if (missing !== undefined) throw new Error(`Schema from Schema Registry misses field with name: ${missing}`);
      }
      const write = compileConnectToJson(physical);
      if (unwrapped) {
        return (values) => {
          const value = values[0] ?? null;
          return value === null ? null : Buffer.from(write(value), 'utf8');
        };
      }
      return (values) => Buffer.from(write(rowToStruct(columns, values)), 'utf8');
    },
    reader(schema) {
      const writer = connectOf(schema!);
      const toConnect = compileJsonToConnect(writer);
      const toRow = compileRowReader(columns, writer, unwrapped);
      return (payload) => {
        let tree: unknown;
        try {
          tree = parseJsonLossless(payload.toString('utf8'));
        } catch (error) {
          throw new Error(`Converting byte[] to Kafka Connect data failed due to serialization error: ${(error as Error).message}`);
        }
        return toRow(toConnect(tree));
      };
    },
  };
}
