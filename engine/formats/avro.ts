/**
 * AVRO: ksqlDB's Avro format over the schema registry.
 *
 * Schemas: the columns' Connect schema is named as ksqlDB's AvroSchemas does (the record
 * `io.confluent.ksql.avro_schemas.KsqlDataSourceSchema`, or `fullSchemaName`; nested records
 * `<parent>_<FIELD>`, maps `<parent>_<FIELD>` with `_MapKey` / `_MapValue`) and printed as
 * Confluent's AvroData.fromConnectSchema prints it: optional types as `["null", T]` with
 * `"default": null`, `connect.name` / `connect.version` / `connect.parameters` properties,
 * DECIMAL as `bytes` + `decimal` logical type, DATE / TIME / TIMESTAMP as `date` / `time-millis` /
 * `timestamp-millis`, MAP (whose keys are optional strings) as an array of `MapEntry` records.
 * Registry schemas read back as AvroData.toConnectSchema reads them (enums → STRING, fixed →
 * BYTES, float → DOUBLE, `["null", T]` → optional T, other unions → structs).
 *
 * Data: Avro binary, decoded and encoded by closures compiled once per schema (avsc validates and
 * canonicalises schemas; the registry parses them with it). Values written with any registered
 * schema are read into the columns by ksqlDB's ConnectDataTranslator rules (connect.ts).
 */
import avsc from 'avsc';
import { SluiceError } from '../../common/index.js';
import type { ParsedAvro } from '../../registry/index.js';
import { Decimal } from '../types/index.js';
import {
  DATE_LOGICAL,
  DECIMAL_LOGICAL,
  DECIMAL_PRECISION_DEFAULT,
  DECIMAL_PRECISION_PARAMETER,
  DECIMAL_SCALE_PARAMETER,
  TIME_LOGICAL,
  TIMESTAMP_LOGICAL,
  compileRowReader,
  decimalScale,
  isDecimalSchema,
  physicalConnectSchema,
  rowToStruct,
  type ConnectSchema,
} from './connect.js';
import type { CachedSchema, RegistryCodec } from './connect-registry.js';
import type { SerdeColumn } from './serde.js';

export const AVRO_SCHEMA_NAMESPACE = 'io.confluent.ksql.avro_schemas';
export const AVRO_DEFAULT_SCHEMA_FULL_NAME = `${AVRO_SCHEMA_NAMESPACE}.KsqlDataSourceSchema`;
const CONNECT_NAMESPACE = 'io.confluent.connect.avro';
const MAP_ENTRY = 'MapEntry';
const CONNECT_UNION = `${CONNECT_NAMESPACE}.Union`;

/** ksqlDB's AvroFormat.getKeySchemaName: `io.confluent.ksql.avro_schemas.<SourceInCamelCase>Key`. */
export function avroKeySchemaFullName(sourceName: string): string {
  const camel = sourceName
    .split('_')
    .map((part) => (part.length === 0 ? '' : part[0]!.toUpperCase() + part.slice(1).toLowerCase()))
    .join('');
  return `${AVRO_SCHEMA_NAMESPACE}.${camel}Key`;
}

function unsupported(message: string): SluiceError {
  return new SluiceError('ENGINE_FORMAT_UNSUPPORTED', message);
}

// ---------------------------------------------------------------------------------------------
// The Avro schema as a tree (named types resolved, recursion allowed).

type Primitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';
const PRIMITIVES = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

export type AvroNode =
  | { kind: Primitive; props: Record<string, unknown> }
  | { kind: 'fixed'; name: string; size: number; props: Record<string, unknown> }
  | { kind: 'enum'; name: string; symbols: string[]; props: Record<string, unknown> }
  | { kind: 'array'; items: AvroNode; props: Record<string, unknown> }
  | { kind: 'map'; values: AvroNode; props: Record<string, unknown> }
  | { kind: 'record'; name: string; fields: AvroFieldNode[]; props: Record<string, unknown> }
  | { kind: 'union'; types: AvroNode[]; props: Record<string, unknown> };

export interface AvroFieldNode {
  name: string;
  type: AvroNode;
  hasDefault: boolean;
  default: unknown;
}

const RESERVED = new Set(['type', 'name', 'namespace', 'fields', 'items', 'values', 'symbols', 'size', 'aliases', 'doc', 'default', 'order']);

function propsOf(json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) if (!RESERVED.has(key)) out[key] = value;
  return out;
}

function fullNameOf(name: string, namespace: string | undefined): string {
  if (name.includes('.')) return name;
  return namespace ? `${namespace}.${name}` : name;
}

function namespaceOf(fullName: string): string | undefined {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? undefined : fullName.slice(0, dot);
}

/** Parses Avro schema JSON into a tree; `names` holds the named types seen (references first). */
export function parseAvroNode(json: unknown, names: Map<string, AvroNode> = new Map(), namespace?: string): AvroNode {
  if (typeof json === 'string') {
    if (PRIMITIVES.has(json)) return { kind: json as Primitive, props: {} };
    const found = names.get(fullNameOf(json, namespace)) ?? names.get(json);
    if (found === undefined) throw unsupported(`Unknown Avro type: ${json}`);
    return found;
  }
  if (Array.isArray(json)) return { kind: 'union', types: json.map((t) => parseAvroNode(t, names, namespace)), props: {} };
  if (json === null || typeof json !== 'object') throw unsupported(`Invalid Avro schema: ${JSON.stringify(json)}`);
  const object = json as Record<string, unknown>;
  const type = object['type'];
  if (typeof type !== 'string') {
    const inner = parseAvroNode(type, names, namespace);
    return { ...inner, props: { ...inner.props, ...propsOf(object) } } as AvroNode;
  }
  const props = propsOf(object);
  const named = (): string => {
    const name = String(object['name']);
    const ns = typeof object['namespace'] === 'string' ? (object['namespace'] as string) : namespace;
    return fullNameOf(name, ns || undefined);
  };
  switch (type) {
    case 'record':
    case 'error': {
      const name = named();
      const node: AvroNode = { kind: 'record', name, fields: [], props };
      names.set(name, node);
      const inner = namespaceOf(name);
      for (const field of (object['fields'] as Record<string, unknown>[]) ?? []) {
        node.fields.push({
          name: String(field['name']),
          type: parseAvroNode(field['type'], names, inner),
          hasDefault: 'default' in field,
          default: field['default'],
        });
      }
      return node;
    }
    case 'enum': {
      const name = named();
      const node: AvroNode = { kind: 'enum', name, symbols: ((object['symbols'] as unknown[]) ?? []).map(String), props };
      names.set(name, node);
      return node;
    }
    case 'fixed': {
      const name = named();
      const node: AvroNode = { kind: 'fixed', name, size: Number(object['size']), props };
      names.set(name, node);
      return node;
    }
    case 'array':
      return { kind: 'array', items: parseAvroNode(object['items'], names, namespace), props };
    case 'map':
      return { kind: 'map', values: parseAvroNode(object['values'], names, namespace), props };
    default:
      if (PRIMITIVES.has(type)) return { kind: type as Primitive, props };
      return parseAvroNode(type, names, namespace);
  }
}

/** The tree of a registered Avro schema (its references' named types included). */
export function avroNodeOf(schema: CachedSchema): AvroNode {
  return schema.memo('avro:node', () => {
    const names = new Map<string, AvroNode>();
    for (const text of schema.referenceTexts) {
      try {
        parseAvroNode(JSON.parse(text), names);
      } catch {
        // a reference that is not Avro JSON: its names stay unknown
      }
    }
    const json = (schema.parsed as ParsedAvro).json ?? JSON.parse(schema.text);
    return parseAvroNode(json, names);
  });
}

function isNullableUnion(node: AvroNode): AvroNode | null {
  if (node.kind !== 'union' || node.types.length !== 2) return null;
  const nullIndex = node.types.findIndex((t) => t.kind === 'null');
  if (nullIndex < 0) return null;
  return node.types[1 - nullIndex]!;
}

function isMapEntry(node: AvroNode): boolean {
  if (node.kind !== 'record') return false;
  return node.name === `${CONNECT_NAMESPACE}.${MAP_ENTRY}` || node.props['connect.internal.type'] === MAP_ENTRY;
}

function shortName(fullName: string): string {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? fullName : fullName.slice(dot + 1);
}

function unionMemberFieldName(node: AvroNode): string {
  if (node.kind === 'record' || node.kind === 'enum' || node.kind === 'fixed') return shortName(node.name);
  return node.kind;
}

// ---------------------------------------------------------------------------------------------
// Avro → Connect (AvroData.toConnectSchema).

export function avroToConnect(node: AvroNode, optional = false, depth = 0): ConnectSchema {
  if (depth > 200) throw unsupported('Recursive Avro schemas are not supported');
  const logical = node.props['logicalType'];
  const connectName = typeof node.props['connect.name'] === 'string' ? (node.props['connect.name'] as string) : undefined;
  const withName = (schema: ConnectSchema, fallback?: string): ConnectSchema => {
    const name = schema.name ?? connectName ?? fallback;
    return name === undefined || name.startsWith(`${CONNECT_NAMESPACE}.ConnectDefault`) ? schema : { ...schema, name };
  };
  switch (node.kind) {
    case 'null':
      throw unsupported('Standalone null schemas are not supported by this converter');
    case 'boolean':
      return withName({ type: 'BOOLEAN', optional });
    case 'int': {
      if (logical === 'date') return { type: 'INT32', optional, name: DATE_LOGICAL, version: 1 };
      if (logical === 'time-millis') return { type: 'INT32', optional, name: TIME_LOGICAL, version: 1 };
      const connectType = node.props['connect.type'];
      if (logical === undefined && connectType === 'int8') return withName({ type: 'INT8', optional });
      if (logical === undefined && connectType === 'int16') return withName({ type: 'INT16', optional });
      return withName({ type: 'INT32', optional });
    }
    case 'long':
      if (logical === 'timestamp-millis') return { type: 'INT64', optional, name: TIMESTAMP_LOGICAL, version: 1 };
      return withName({ type: 'INT64', optional });
    case 'float':
      return withName({ type: 'FLOAT32', optional });
    case 'double':
      return withName({ type: 'FLOAT64', optional });
    case 'string':
      return withName({ type: 'STRING', optional });
    case 'enum':
      return withName({ type: 'STRING', optional }, node.name);
    case 'bytes':
    case 'fixed': {
      if (logical === 'decimal') {
        const scale = typeof node.props['scale'] === 'number' ? (node.props['scale'] as number) : 0;
        const precision = typeof node.props['precision'] === 'number' ? (node.props['precision'] as number) : DECIMAL_PRECISION_DEFAULT;
        return {
          type: 'BYTES',
          optional,
          name: DECIMAL_LOGICAL,
          version: 1,
          parameters: { [DECIMAL_SCALE_PARAMETER]: String(scale), [DECIMAL_PRECISION_PARAMETER]: String(precision) },
        };
      }
      return withName({ type: 'BYTES', optional }, node.kind === 'fixed' ? node.name : undefined);
    }
    case 'array': {
      if (isMapEntry(node.items)) {
        const entry = node.items as Extract<AvroNode, { kind: 'record' }>;
        const key = entry.fields.find((f) => f.name === 'key');
        const value = entry.fields.find((f) => f.name === 'value');
        if (entry.fields.length !== 2 || key === undefined || value === undefined) {
          throw unsupported('Found map encoded as array of key-value pairs, but array elements do not match the expected format.');
        }
        return withName({ type: 'MAP', optional, keySchema: avroToConnect(key.type, false, depth + 1), valueSchema: avroToConnect(value.type, false, depth + 1) });
      }
      return withName({ type: 'ARRAY', optional, valueSchema: avroToConnect(node.items, false, depth + 1) });
    }
    case 'map':
      return withName({ type: 'MAP', optional, keySchema: { type: 'STRING', optional: false }, valueSchema: avroToConnect(node.values, false, depth + 1) });
    case 'record':
      return withName(
        {
          type: 'STRUCT',
          optional,
          fields: node.fields.map((f) => {
            const schema = avroToConnect(f.type, false, depth + 1);
            return { name: f.name, schema: f.hasDefault && f.default !== null ? { ...schema, defaultValue: f.default } : schema };
          }),
        },
        node.name,
      );
    case 'union': {
      const nonNull = isNullableUnion(node);
      if (nonNull !== null) return avroToConnect(nonNull, true, depth + 1);
      const hasNull = node.types.some((t) => t.kind === 'null');
      return {
        type: 'STRUCT',
        optional: optional || hasNull,
        name: CONNECT_UNION,
        fields: node.types.filter((t) => t.kind !== 'null').map((t) => ({ name: unionMemberFieldName(t), schema: avroToConnect(t, true, depth + 1) })),
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Connect → Avro (AvroSchemas.getAvroCompatibleConnectSchema + AvroData.fromConnectSchema).

function avroCompatible(schema: ConnectSchema, context: readonly string[], root: boolean): ConnectSchema {
  const name = (): string => context.join('_');
  switch (schema.type) {
    case 'STRUCT':
      return {
        ...schema,
        optional: schema.optional && !root,
        name: schema.name ?? name(),
        fields: (schema.fields ?? []).map((f) => ({ name: f.name.replaceAll('.', '_'), schema: avroCompatible(f.schema, [...context, f.name], false) })),
      };
    case 'ARRAY':
      return { ...schema, optional: schema.optional && !root, valueSchema: avroCompatible(schema.valueSchema!, context, false) };
    case 'MAP':
      return {
        ...schema,
        optional: schema.optional && !root,
        name: name(),
        keySchema: avroCompatible(schema.keySchema!, [...context, 'MapKey'], false),
        valueSchema: avroCompatible(schema.valueSchema!, [...context, 'MapValue'], false),
      };
    default:
      return root && schema.optional ? { ...schema, optional: false } : schema;
  }
}

/** Java's Schema.validateName, with Avro's messages. */
function validateAvroName(name: string): void {
  if (name.length === 0) throw new Error('Empty name');
  const first = name[0]!;
  if (!/[A-Za-z_]/.test(first)) throw new Error(`Illegal initial character: ${name}`);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`Illegal character in: ${name}`);
}

function validateFullName(fullName: string): void {
  for (const part of fullName.split('.')) validateAvroName(part);
}

function splitFullName(fullName: string): { name: string; namespace: string | undefined } {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? { name: fullName, namespace: undefined } : { name: fullName.slice(dot + 1), namespace: fullName.slice(0, dot) };
}

function fromConnect(schema: ConnectSchema): unknown {
  let base: Record<string, unknown>;
  let connectType: string | undefined;
  switch (schema.type) {
    case 'INT8':
      connectType = 'int8';
      base = { type: 'int' };
      break;
    case 'INT16':
      connectType = 'int16';
      base = { type: 'int' };
      break;
    case 'INT32':
      base = { type: 'int' };
      break;
    case 'INT64':
      base = { type: 'long' };
      break;
    case 'FLOAT32':
      base = { type: 'float' };
      break;
    case 'FLOAT64':
      base = { type: 'double' };
      break;
    case 'BOOLEAN':
      base = { type: 'boolean' };
      break;
    case 'STRING':
      base = { type: 'string' };
      break;
    case 'BYTES':
      base = { type: 'bytes' };
      if (isDecimalSchema(schema)) {
        base['scale'] = decimalScale(schema);
        base['precision'] = Number(schema.parameters?.[DECIMAL_PRECISION_PARAMETER] ?? DECIMAL_PRECISION_DEFAULT);
      }
      break;
    case 'ARRAY':
      base = { type: 'array', items: fromConnect(schema.valueSchema!) };
      break;
    case 'MAP': {
      if (schema.keySchema!.type === 'STRING' && !schema.keySchema!.optional) {
        base = { type: 'map', values: fromConnect(schema.valueSchema!) };
      } else {
        const entryName = schema.name === undefined ? { name: MAP_ENTRY, namespace: CONNECT_NAMESPACE } : splitFullName(schema.name);
        const entry: Record<string, unknown> = { type: 'record', name: entryName.name };
        if (entryName.namespace !== undefined) entry['namespace'] = entryName.namespace;
        entry['fields'] = [recordField('key', schema.keySchema!), recordField('value', schema.valueSchema!)];
        if (schema.name !== undefined) entry['connect.internal.type'] = MAP_ENTRY;
        base = { type: 'array', items: entry };
      }
      break;
    }
    case 'STRUCT': {
      if (schema.optional) return ['null', fromConnect({ ...schema, optional: false })];
      const names = splitFullName(schema.name ?? `${CONNECT_NAMESPACE}.ConnectDefault`);
      base = { type: 'record', name: names.name };
      if (names.namespace !== undefined) base['namespace'] = names.namespace;
      base['fields'] = (schema.fields ?? []).map((f) => recordField(f.name, f.schema));
      break;
    }
  }
  if (schema.doc !== undefined) base['connect.doc'] = schema.doc;
  if (schema.version !== undefined) base['connect.version'] = schema.version;
  if (schema.parameters !== undefined && Object.keys(schema.parameters).length > 0) base['connect.parameters'] = { ...schema.parameters };
  if (schema.name !== undefined) base['connect.name'] = schema.name;
  if (connectType !== undefined) base['connect.type'] = connectType;
  if (schema.name === DECIMAL_LOGICAL) base['logicalType'] = 'decimal';
  else if (schema.name === TIME_LOGICAL) base['logicalType'] = 'time-millis';
  else if (schema.name === TIMESTAMP_LOGICAL) base['logicalType'] = 'timestamp-millis';
  else if (schema.name === DATE_LOGICAL) base['logicalType'] = 'date';
  const simple = Object.keys(base).length === 1 ? base['type'] : base;
  return schema.optional ? ['null', simple] : simple;
}

function recordField(name: string, schema: ConnectSchema): Record<string, unknown> {
  const field: Record<string, unknown> = { name, type: fromConnect(schema) };
  if (schema.optional) field['default'] = null;
  return field;
}

function validateNames(json: unknown): void {
  if (Array.isArray(json)) {
    json.forEach(validateNames);
    return;
  }
  if (json === null || typeof json !== 'object') return;
  const object = json as Record<string, unknown>;
  if (object['type'] === 'record' || object['type'] === 'enum' || object['type'] === 'fixed') {
    validateAvroName(String(object['name']));
    if (typeof object['namespace'] === 'string' && object['namespace'] !== '') validateFullName(object['namespace'] as string);
  }
  if (object['type'] === 'record') {
    for (const field of object['fields'] as Record<string, unknown>[]) {
      validateAvroName(String(field['name']));
      validateNames(field['type']);
    }
  }
  if (object['items'] !== undefined) validateNames(object['items']);
  if (object['values'] !== undefined) validateNames(object['values']);
}

/** ksqlDB's AvroUtil.throwOnInvalidSchema. */
export function validateAvroColumns(columns: readonly SerdeColumn[]): void {
  const walk = (schema: ConnectSchema): void => {
    if (schema.type === 'MAP' && schema.keySchema!.type !== 'STRING') throw unsupported('Avro only supports MAPs with STRING keys');
    if (schema.keySchema) walk(schema.keySchema);
    if (schema.valueSchema) walk(schema.valueSchema);
    for (const f of schema.fields ?? []) walk(f.schema);
  };
  for (const c of columns) {
    const type = c.type;
    walk(physicalConnectSchema([{ name: c.name, type }], true));
  }
}

/**
 * The Avro schema ksqlDB registers for a Connect schema, as JSON. Throws ENGINE_FORMAT_UNSUPPORTED
 * `Schema is not compatible with Avro: Illegal initial character: 1X` for names Avro refuses.
 */
export function connectToAvroSchema(schema: ConnectSchema, fullSchemaName: string = AVRO_DEFAULT_SCHEMA_FULL_NAME): unknown {
  const named = avroCompatible(schema, [fullSchemaName.trim()], true);
  const json = fromConnect(named);
  try {
    validateNames(json);
    avsc.Type.forSchema(json as avsc.Schema, { wrapUnions: true });
  } catch (error) {
    throw unsupported(`Schema is not compatible with Avro: ${(error as Error).message}`);
  }
  return json;
}

/** The Avro schema text for columns (wrapped in a record, or the single column's type). */
export function columnsToAvroSchema(columns: readonly SerdeColumn[], unwrapped: boolean, fullSchemaName?: string): string {
  validateAvroColumns(columns);
  return JSON.stringify(connectToAvroSchema(physicalConnectSchema(columns, unwrapped), fullSchemaName));
}

// ---------------------------------------------------------------------------------------------
// Binary: decoding to Connect values.

class Tap {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error('Avro payload is truncated');
  }

  readLong(): number {
    let n = 0;
    let shift = 0;
    let b: number;
    do {
      if (this.pos >= this.buf.length) throw new Error('Avro payload is truncated');
      b = this.buf[this.pos++]!;
      if (shift < 28) n |= (b & 0x7f) << shift;
      else {
        // Beyond 28 bits: continue in floating point (exact up to 2^53), as avsc does.
        let f = n >>> 0;
        let factor = 2 ** shift;
        f += (b & 0x7f) * factor;
        while (b & 0x80) {
          if (this.pos >= this.buf.length) throw new Error('Avro payload is truncated');
          b = this.buf[this.pos++]!;
          factor *= 128;
          f += (b & 0x7f) * factor;
        }
        return f % 2 ? -(f + 1) / 2 : f / 2;
      }
      shift += 7;
    } while (b & 0x80);
    return (n >>> 1) ^ -(n & 1);
  }

  readBytes(): Buffer {
    const length = this.readLong();
    if (length < 0) throw new Error(`Invalid Avro length ${length}`);
    this.need(length);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + length));
    this.pos += length;
    return out;
  }

  readString(): string {
    const length = this.readLong();
    if (length < 0) throw new Error(`Invalid Avro length ${length}`);
    this.need(length);
    const out = this.buf.toString('utf8', this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
}

export function bigIntFromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  if (bytes[0]! & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

/** Java's BigInteger.toByteArray: the shortest two's-complement big-endian form. */
export function bigIntToTwosComplement(value: bigint): Buffer {
  const bytes: number[] = [];
  let v = value;
  for (;;) {
    const byte = Number(v & 0xffn);
    bytes.unshift(byte);
    v >>= 8n;
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Buffer.from(bytes);
}

type Decoder = (tap: Tap) => unknown;

function compileDecoder(node: AvroNode, memo: Map<AvroNode, Decoder>): Decoder {
  const cached = memo.get(node);
  if (cached !== undefined) return cached;
  let compiled: Decoder | undefined;
  const lazy: Decoder = (tap) => compiled!(tap);
  memo.set(node, lazy);
  compiled = buildDecoder(node, memo);
  memo.set(node, compiled);
  return compiled;
}

function buildDecoder(node: AvroNode, memo: Map<AvroNode, Decoder>): Decoder {
  const logical = node.props['logicalType'];
  switch (node.kind) {
    case 'null':
      return () => null;
    case 'boolean':
      return (tap) => {
        tap.need(1);
        return tap.buf[tap.pos++] !== 0;
      };
    case 'int':
    case 'long':
      return (tap) => tap.readLong();
    case 'float':
      return (tap) => {
        tap.need(4);
        const v = tap.buf.readFloatLE(tap.pos);
        tap.pos += 4;
        return v;
      };
    case 'double':
      return (tap) => {
        tap.need(8);
        const v = tap.buf.readDoubleLE(tap.pos);
        tap.pos += 8;
        return v;
      };
    case 'string':
      return (tap) => tap.readString();
    case 'bytes':
    case 'fixed': {
      const size = node.kind === 'fixed' ? node.size : 0;
      const read: (tap: Tap) => Buffer =
        node.kind === 'bytes'
          ? (tap) => tap.readBytes()
          : (tap) => {
              tap.need(size);
              const out = Buffer.from(tap.buf.subarray(tap.pos, tap.pos + size));
              tap.pos += size;
              return out;
            };
      if (logical === 'decimal') {
        const scale = typeof node.props['scale'] === 'number' ? (node.props['scale'] as number) : 0;
        return (tap) => new Decimal(bigIntFromTwosComplement(read(tap)), scale);
      }
      return read;
    }
    case 'enum':
      return (tap) => {
        const index = tap.readLong();
        const symbol = node.symbols[index];
        if (symbol === undefined) throw new Error(`Invalid enum index ${index} for ${node.name}`);
        return symbol;
      };
    case 'array': {
      const item = compileDecoder(node.items, memo);
      const asMap = isMapEntry(node.items);
      const readBlocks = (tap: Tap, each: () => void): void => {
        for (;;) {
          let count = tap.readLong();
          if (count === 0) return;
          if (count < 0) {
            count = -count;
            tap.readLong();
          }
          for (let i = 0; i < count; i++) each();
        }
      };
      if (asMap) {
        return (tap) => {
          const out = new Map<unknown, unknown>();
          readBlocks(tap, () => {
            const entry = item(tap) as Record<string, unknown>;
            out.set(entry['key'], entry['value']);
          });
          return out;
        };
      }
      return (tap) => {
        const out: unknown[] = [];
        readBlocks(tap, () => out.push(item(tap)));
        return out;
      };
    }
    case 'map': {
      const value = compileDecoder(node.values, memo);
      return (tap) => {
        const out = new Map<unknown, unknown>();
        for (;;) {
          let count = tap.readLong();
          if (count === 0) return out;
          if (count < 0) {
            count = -count;
            tap.readLong();
          }
          for (let i = 0; i < count; i++) {
            const key = tap.readString();
            out.set(key, value(tap));
          }
        }
      };
    }
    case 'record': {
      const fields = node.fields.map((f) => ({ name: f.name, read: compileDecoder(f.type, memo) }));
      return (tap) => {
        const out: Record<string, unknown> = {};
        for (const field of fields) out[field.name] = field.read(tap);
        return out;
      };
    }
    case 'union': {
      const branches = node.types.map((t) => compileDecoder(t, memo));
      const nonNull = isNullableUnion(node);
      if (nonNull !== null) {
        return (tap) => {
          const index = tap.readLong();
          const branch = branches[index];
          if (branch === undefined) throw new Error(`Invalid union index ${index}`);
          return branch(tap);
        };
      }
      const fieldNames = node.types.map(unionMemberFieldName);
      return (tap) => {
        const index = tap.readLong();
        const branch = branches[index];
        if (branch === undefined) throw new Error(`Invalid union index ${index}`);
        const value = branch(tap);
        if (node.types[index]!.kind === 'null') return null;
        const out: Record<string, unknown> = {};
        for (const name of fieldNames) if (name !== 'null') out[name] = null;
        out[fieldNames[index]!] = value;
        return out;
      };
    }
  }
}

/** A decoder of Avro binary written with this schema, to Connect values. */
export function avroDecoder(node: AvroNode): (payload: Buffer) => unknown {
  const decode = compileDecoder(node, new Map());
  return (payload) => {
    const tap = new Tap(payload);
    const value = decode(tap);
    return value;
  };
}

// ---------------------------------------------------------------------------------------------
// Binary: encoding Connect values.

class Sink {
  private buf = Buffer.alloc(256);
  pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  writeLong(value: number): void {
    this.ensure(10);
    if (value >= -1073741824 && value < 1073741824) {
      let n = value >= 0 ? value << 1 : (~value << 1) | 1;
      do {
        let byte = n & 0x7f;
        n >>>= 7;
        if (n !== 0) byte |= 0x80;
        this.buf[this.pos++] = byte;
      } while (n !== 0);
      return;
    }
    let z = BigInt.asUintN(64, (BigInt(Math.trunc(value)) << 1n) ^ (BigInt(Math.trunc(value)) >> 63n));
    do {
      let byte = Number(z & 0x7fn);
      z >>= 7n;
      if (z !== 0n) byte |= 0x80;
      this.buf[this.pos++] = byte;
    } while (z !== 0n);
  }

  writeByte(byte: number): void {
    this.ensure(1);
    this.buf[this.pos++] = byte;
  }

  writeFloat(value: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(value, this.pos);
    this.pos += 4;
  }

  writeDouble(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  writeRaw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  writeBytes(bytes: Uint8Array): void {
    this.writeLong(bytes.length);
    this.writeRaw(bytes);
  }

  writeString(text: string): void {
    const length = Buffer.byteLength(text, 'utf8');
    this.writeLong(length);
    this.ensure(length);
    this.buf.write(text, this.pos, 'utf8');
    this.pos += length;
  }

  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

type Encoder = (sink: Sink, value: unknown, path: string) => void;

function typeError(path: string, node: AvroNode, value: unknown): Error {
  const shown = value === null ? 'null' : value instanceof Map ? 'a map' : Array.isArray(value) ? 'an array' : typeof value;
  return new Error(`Invalid value for Avro type ${node.kind}${path ? ` at ${path}` : ''}: ${shown}`);
}

function decimalValue(value: unknown): Decimal | null {
  if (value instanceof Decimal) return value;
  if (typeof value === 'number') return Decimal.fromNumber(value);
  if (typeof value === 'string') return Decimal.tryParse(value);
  return null;
}

/** Which union branch a value goes to (ksqlDB values are typed by their columns, so this is rare). */
function branchMatches(node: AvroNode, value: unknown): boolean {
  switch (node.kind) {
    case 'null':
      return value === null || value === undefined;
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
    case 'long':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
    case 'double':
      return typeof value === 'number';
    case 'string':
    case 'enum':
      return typeof value === 'string';
    case 'bytes':
    case 'fixed':
      return node.props['logicalType'] === 'decimal' ? value instanceof Decimal : Buffer.isBuffer(value) || value instanceof Uint8Array;
    case 'array':
      return Array.isArray(value) || (isMapEntry(node.items) && value instanceof Map);
    case 'map':
      return value instanceof Map || (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Decimal) && !Buffer.isBuffer(value));
    case 'record':
      return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Map) && !(value instanceof Decimal) && !Buffer.isBuffer(value);
    case 'union':
      return node.types.some((t) => branchMatches(t, value));
  }
}

function compileEncoder(node: AvroNode, memo: Map<AvroNode, Encoder>): Encoder {
  const cached = memo.get(node);
  if (cached !== undefined) return cached;
  let compiled: Encoder | undefined;
  memo.set(node, (sink, value, path) => compiled!(sink, value, path));
  compiled = buildEncoder(node, memo);
  memo.set(node, compiled);
  return compiled;
}

function defaultOf(field: AvroFieldNode): unknown {
  const d = field.default;
  const target = field.type.kind === 'union' ? field.type.types[0]! : field.type;
  if ((target.kind === 'bytes' || target.kind === 'fixed') && typeof d === 'string') {
    if (target.props['logicalType'] === 'decimal') {
      const scale = typeof target.props['scale'] === 'number' ? (target.props['scale'] as number) : 0;
      return new Decimal(bigIntFromTwosComplement(Buffer.from(d, 'latin1')), scale);
    }
    return Buffer.from(d, 'latin1');
  }
  if (target.kind === 'map' && d !== null && typeof d === 'object') return new Map(Object.entries(d as object));
  return d;
}

function buildEncoder(node: AvroNode, memo: Map<AvroNode, Encoder>): Encoder {
  const logical = node.props['logicalType'];
  switch (node.kind) {
    case 'null':
      return (_sink, value, path) => {
        if (value !== null && value !== undefined) throw typeError(path, node, value);
      };
    case 'boolean':
      return (sink, value, path) => {
        if (typeof value !== 'boolean') throw typeError(path, node, value);
        sink.writeByte(value ? 1 : 0);
      };
    case 'int':
    case 'long':
      return (sink, value, path) => {
        let n: number;
        if (typeof value === 'number') n = value;
        else if (typeof value === 'bigint') n = Number(value);
        else if (value instanceof Decimal) n = value.toNumber();
        else throw typeError(path, node, value);
        sink.writeLong(node.kind === 'int' ? n | 0 : Math.trunc(n));
      };
    case 'float':
    case 'double':
      return (sink, value, path) => {
        let n: number;
        if (typeof value === 'number') n = value;
        else if (value instanceof Decimal) n = value.toNumber();
        else throw typeError(path, node, value);
        if (node.kind === 'float') sink.writeFloat(n);
        else sink.writeDouble(n);
      };
    case 'string':
      return (sink, value, path) => {
        if (typeof value === 'string') sink.writeString(value);
        else if (typeof value === 'number' || typeof value === 'boolean') sink.writeString(String(value));
        else throw typeError(path, node, value);
      };
    case 'enum':
      return (sink, value, path) => {
        const index = typeof value === 'string' ? node.symbols.indexOf(value) : -1;
        if (index < 0) throw new Error(`Invalid enum symbol ${JSON.stringify(value)} for ${node.name}${path ? ` at ${path}` : ''}`);
        sink.writeLong(index);
      };
    case 'bytes':
    case 'fixed': {
      const size = node.kind === 'fixed' ? node.size : -1;
      const fixedName = node.kind === 'fixed' ? node.name : '';
      const write = (sink: Sink, bytes: Uint8Array, path: string): void => {
        if (size < 0) sink.writeBytes(bytes);
        else {
          if (bytes.length !== size) throw new Error(`Fixed ${fixedName} needs ${size} bytes, found ${bytes.length}${path ? ` at ${path}` : ''}`);
          sink.writeRaw(bytes);
        }
      };
      if (logical === 'decimal') {
        const scale = typeof node.props['scale'] === 'number' ? (node.props['scale'] as number) : 0;
        return (sink, value, path) => {
          const decimal = decimalValue(value);
          if (decimal === null) throw typeError(path, node, value);
          const unscaled = decimal.setScale(scale, 'HALF_UP').unscaled;
          let bytes = bigIntToTwosComplement(unscaled);
          if (size >= 0 && bytes.length < size) {
            const padded = Buffer.alloc(size, unscaled < 0n ? 0xff : 0);
            bytes.copy(padded, size - bytes.length);
            bytes = padded;
          }
          write(sink, bytes, path);
        };
      }
      return (sink, value, path) => {
        if (!(value instanceof Uint8Array)) throw typeError(path, node, value);
        write(sink, value, path);
      };
    }
    case 'array': {
      const item = compileEncoder(node.items, memo);
      if (isMapEntry(node.items)) {
        return (sink, value, path) => {
          const entries = value instanceof Map ? [...value] : value !== null && typeof value === 'object' ? Object.entries(value as object) : null;
          if (entries === null) throw typeError(path, node, value);
          if (entries.length > 0) {
            sink.writeLong(entries.length);
            for (const [k, v] of entries) item(sink, { key: k, value: v }, path);
          }
          sink.writeLong(0);
        };
      }
      return (sink, value, path) => {
        if (!Array.isArray(value)) throw typeError(path, node, value);
        if (value.length > 0) {
          sink.writeLong(value.length);
          for (const v of value) item(sink, v, `${path}[]`);
        }
        sink.writeLong(0);
      };
    }
    case 'map': {
      const write = compileEncoder(node.values, memo);
      return (sink, value, path) => {
        const entries = value instanceof Map ? [...value] : value !== null && typeof value === 'object' ? Object.entries(value as object) : null;
        if (entries === null) throw typeError(path, node, value);
        if (entries.length > 0) {
          sink.writeLong(entries.length);
          for (const [k, v] of entries) {
            sink.writeString(String(k));
            write(sink, v, `${path}[${String(k)}]`);
          }
        }
        sink.writeLong(0);
      };
    }
    case 'record': {
      const fields = node.fields.map((f) => ({
        name: f.name,
        write: compileEncoder(f.type, memo),
        fallback: f.hasDefault ? defaultOf(f) : undefined,
        hasDefault: f.hasDefault,
        nullable: f.type.kind === 'union' && f.type.types.some((t) => t.kind === 'null'),
      }));
      return (sink, value, path) => {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) throw typeError(path, node, value);
        const object = value as Record<string, unknown>;
        for (const field of fields) {
          let v = object[field.name];
          // A null for a field that cannot hold one takes the field's default (Connect's Struct.get).
          if (v === null && field.hasDefault && !field.nullable) v = undefined;
          if (v === undefined) {
            if (field.hasDefault) v = field.fallback;
            else if (field.nullable) v = null;
            else throw new Error(`Missing default value for required Avro field: [${field.name}]. This field appears in Avro schema in Schema Registry`);
          }
          field.write(sink, v, path ? `${path}.${field.name}` : field.name);
        }
      };
    }
    case 'union': {
      const branches = node.types.map((t) => compileEncoder(t, memo));
      const nonNull = isNullableUnion(node);
      if (nonNull !== null) {
        const nullIndex = node.types.findIndex((t) => t.kind === 'null');
        const valueIndex = 1 - nullIndex;
        const writeValue = branches[valueIndex]!;
        return (sink, value, path) => {
          if (value === null || value === undefined) sink.writeLong(nullIndex);
          else {
            sink.writeLong(valueIndex);
            writeValue(sink, value, path);
          }
        };
      }
      const names = node.types.map(unionMemberFieldName);
      return (sink, value, path) => {
        if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Map) && !(value instanceof Decimal) && !Buffer.isBuffer(value)) {
          // A Connect union struct: its one non-null member names the branch.
          const keys = Object.keys(value);
          const set = keys.filter((k) => (value as Record<string, unknown>)[k] !== null);
          if (keys.every((k) => names.includes(k)) && set.length === 1) {
            const member = names.indexOf(set[0]!);
            sink.writeLong(member);
            branches[member]!(sink, (value as Record<string, unknown>)[set[0]!], path);
            return;
          }
        }
        const index = node.types.findIndex((t) => branchMatches(t, value));
        if (index < 0) throw typeError(path, node, value);
        sink.writeLong(index);
        branches[index]!(sink, value ?? null, path);
      };
    }
  }
}

/** An encoder of Connect values to Avro binary with this schema. */
export function avroEncoder(node: AvroNode): (value: unknown) => Buffer {
  const encode = compileEncoder(node, new Map());
  return (value) => {
    const sink = new Sink();
    encode(sink, value, '');
    return sink.take();
  };
}

// ---------------------------------------------------------------------------------------------
// The codec.

export interface AvroCodecOptions {
  readonly columns: readonly SerdeColumn[];
  readonly unwrapped: boolean;
  readonly fullSchemaName?: string | undefined;
}

export function avroCodec(options: AvroCodecOptions): RegistryCodec {
  const { columns, unwrapped } = options;
  const names = columns.map((c) => c.name);
  return {
    format: 'AVRO',
    schemaType: 'AVRO',
    deriveSchema: () => columnsToAvroSchema(columns, unwrapped, options.fullSchemaName),
    writer(schema) {
      const node = avroNodeOf(schema);
      if (!unwrapped && node.kind === 'record') {
        const fieldNames = new Set(node.fields.map((f) => f.name));
        const missing = names.find((n) => !fieldNames.has(n) && !fieldNames.has(n.replaceAll('.', '_')));
        if (missing !== undefined) throw new Error(`Schema from Schema Registry misses field with name: ${missing}`);
      }
      const encode = schema.memo('avro:encoder', () => avroEncoder(node));
      if (unwrapped) {
        return (values) => {
          const value = values[0] ?? null;
          return value === null ? null : encode(value);
        };
      }
      const renamed = names.map((n) => n.replaceAll('.', '_'));
      return (values) => {
        const struct = rowToStruct(columns, values);
        if (renamed.some((n, i) => n !== names[i])) {
          const out: Record<string, unknown> = {};
          renamed.forEach((n, i) => (out[n] = values[i] ?? null));
          return encode(out);
        }
        return encode(struct);
      };
    },
    reader(schema) {
      const node = avroNodeOf(schema!);
      const decode = schema!.memo('avro:decoder', () => avroDecoder(node));
      const writerSchema = schema!.memo('avro:connect', () => avroToConnect(node));
      const toRow = compileRowReader(columns, writerSchema, unwrapped);
      return (payload) => toRow(decode(payload));
    },
  };
}
