/**
 * The test runner's serializers for the schema-registry formats (AVRO, PROTOBUF, JSON_SR) and
 * PROTOBUF_NOSR, written apart from the engine's serdes (avsc and protobufjs used directly) so
 * that a bug shared by both sides does not hide: as ksqlDB's test runner (ConnectSerdeSupplier +
 * SpecToConnectConverter) does, an input value is converted with the subject's latest schema and
 * written with its id; an output record is read with the schema its id names and turned into
 * Java-typed values (Integer, Long, Double, BigDecimal, ByteBuffer, Map...).
 *
 * When the subject has no schema yet (nothing registered one), the runner registers the schema
 * the engine's rules derive from the source's columns (the schema ksqlDB would have registered).
 */
import avsc from 'avsc';
import protobuf from 'protobufjs';
import type { SqlType } from '../../engine/types/index.js';
import { columnsToSchema, jsonSchemaToConnect, type ConnectSchema } from '../../engine/formats/index.js';
import {
  defaultRegistryLimits,
  firstMessageName,
  parseSchema,
  protobufMessageAt,
  protobufMessageIndexes,
  type ParsedJsonSchema,
  type ParsedProtobuf,
  type SchemaRegistry,
} from '../../registry/index.js';
import { JavaBigDecimal, JavaDouble, JavaInteger, JavaLong, parseBigDecimal, type ActualValue } from './java-values.js';
import { NumberText, parseLenientJson, stringifyTree, type JsonTree } from './lenient-json.js';

export class RegistrySerdeError extends Error {}

export interface RegistrySide {
  topic: string;
  target: 'key' | 'value';
  format: string;
  columns: ReadonlyArray<{ name: string; type: SqlType }>;
  /** The source's format properties (`features`, `fullSchemaName`...), when a source uses the topic. */
  properties: Readonly<Record<string, string>>;
}

export const REGISTRY_TEST_FORMATS = new Set(['AVRO', 'PROTOBUF', 'PROTOBUF_NOSR', 'JSON_SR']);

export function registrySchemaTypeOf(format: string): 'AVRO' | 'PROTOBUF' | 'JSON' | null {
  switch (format.toUpperCase()) {
    case 'AVRO':
      return 'AVRO';
    case 'PROTOBUF':
      return 'PROTOBUF';
    case 'JSON':
    case 'JSON_SR':
      return 'JSON';
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared helpers.

function header(id: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeInt32BE(id, 1);
  return b;
}

function isObjectTree(tree: JsonTree | undefined): tree is Record<string, JsonTree> {
  return tree !== null && tree !== undefined && typeof tree === 'object' && !Array.isArray(tree) && !(tree instanceof NumberText);
}

function specText(spec: JsonTree): string {
  if (spec instanceof NumberText) return spec.text;
  if (typeof spec === 'string') return spec;
  if (typeof spec === 'boolean') return String(spec);
  return stringifyTree(spec);
}

function specInt(spec: JsonTree): number {
  const text = specText(spec);
  if (!/^[+-]?\d+$/.test(text)) throw new RegistrySerdeError(`For input string: "${text}"`);
  return Number(text);
}

function specLong(spec: JsonTree): bigint {
  const text = specText(spec);
  if (!/^[+-]?\d+$/.test(text)) throw new RegistrySerdeError(`For input string: "${text}"`);
  return BigInt(text);
}

function specDouble(spec: JsonTree): number {
  const n = Number(specText(spec));
  if (Number.isNaN(n) && specText(spec) !== 'NaN') throw new RegistrySerdeError(`For input string: "${specText(spec)}"`);
  return n;
}

/** A JSON number (or string) as the unscaled value at `scale` (DecimalUtil.ensureFit / cast). */
function specDecimal(spec: JsonTree, scale: number): bigint {
  if (!(spec instanceof NumberText) && typeof spec !== 'string') throw new RegistrySerdeError('DECIMAL type requires JSON number in test data');
  const decimal = parseBigDecimal(specText(spec));
  if (decimal === null) throw new RegistrySerdeError(`Invalid decimal: ${specText(spec)}`);
  if (decimal.scale === scale) return decimal.unscaled;
  if (decimal.scale < scale) return decimal.unscaled * 10n ** BigInt(scale - decimal.scale);
  const factor = 10n ** BigInt(decimal.scale - scale);
  const q = decimal.unscaled / factor;
  const r = decimal.unscaled % factor;
  if (typeof spec === 'string') {
    // DecimalUtil.cast rounds HALF_UP
    const twice = (r < 0n ? -r : r) * 2n;
    return twice >= factor ? q + (decimal.unscaled < 0n ? -1n : 1n) : q;
  }
  if (r !== 0n) throw new RegistrySerdeError(`Cannot fit decimal '${specText(spec)}' without rounding`);
  return q;
}

function twosComplement(value: bigint): Buffer {
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

function fromTwosComplement(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  if (bytes.length > 0 && bytes[0]! & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

function base64(spec: JsonTree): Buffer {
  if (typeof spec === 'string') return Buffer.from(spec, 'base64');
  throw new RegistrySerdeError(`Can't convert ${specText(spec)} to BYTES`);
}

function caseInsensitive(spec: Record<string, JsonTree>, name: string): JsonTree | undefined {
  if (name in spec) return spec[name];
  const upper = name.toUpperCase();
  for (const key of Object.keys(spec)) if (key.toUpperCase() === upper) return spec[key];
  return undefined;
}

function asInteger(n: number): JavaInteger {
  return new JavaInteger(n | 0);
}

// ---------------------------------------------------------------------------------------------
// Schemas, cached per registry.

interface Prepared {
  id: number;
  schemaType: 'AVRO' | 'PROTOBUF' | 'JSON';
  avro?: avsc.Type;
  protobuf?: ParsedProtobuf;
  json?: ConnectSchema;
}

const caches = new WeakMap<SchemaRegistry, Map<number, Prepared>>();

/** Avro's decimal logical type: values are `{ unscaled bytes, scale }`. */
class AvroDecimal extends avsc.types.LogicalType {
  readonly scale: number;
  constructor(attrs: Record<string, unknown>, opts?: avsc.ForSchemaOptions) {
    super(attrs as unknown as avsc.Schema, opts);
    this.scale = typeof attrs['scale'] === 'number' ? (attrs['scale'] as number) : 0;
  }
  protected override _fromValue(value: unknown): unknown {
    return { dec: value, scale: this.scale };
  }
  protected override _toValue(value: unknown): unknown {
    return (value as { dec?: unknown }).dec ?? value;
  }
  protected override _resolve(): undefined {
    return undefined;
  }
}

const mapEntryTypes = new WeakSet<avsc.Type>();

/** Full names of the records a schema marks `"connect.internal.type": "MapEntry"`. */
function mapEntryNames(json: unknown, namespace: string | undefined, out: Set<string>): void {
  if (Array.isArray(json)) {
    for (const item of json) mapEntryNames(item, namespace, out);
    return;
  }
  if (json === null || typeof json !== 'object') return;
  const node = json as Record<string, unknown>;
  let ns = namespace;
  if (typeof node['name'] === 'string' && (node['type'] === 'record' || node['type'] === 'enum' || node['type'] === 'fixed')) {
    const name = node['name'] as string;
    const full = name.includes('.') ? name : typeof node['namespace'] === 'string' && node['namespace'] ? `${node['namespace']}.${name}` : ns ? `${ns}.${name}` : name;
    ns = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;
    if (node['connect.internal.type'] === 'MapEntry') out.add(full);
  }
  for (const key of ['type', 'items', 'values', 'fields']) if (node[key] !== undefined) mapEntryNames(node[key], ns, out);
}

const bigLong = avsc.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(0),
  toBuffer: (n: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(n));
    return b;
  },
  fromJSON: (x: unknown) => BigInt(x as number),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

async function prepared(registry: SchemaRegistry, id: number): Promise<Prepared> {
  let cache = caches.get(registry);
  if (cache === undefined) {
    cache = new Map();
    caches.set(registry, cache);
  }
  const hit = cache.get(id);
  if (hit !== undefined) return hit;
  const raw = await registry.getById(id);
  const entry: Prepared = { id, schemaType: raw.schemaType };
  if (raw.schemaType === 'AVRO') {
    const types: Record<string, avsc.Type> = { long: bigLong as unknown as avsc.Type };
    const options = { wrapUnions: true, registry: types, logicalTypes: { decimal: AvroDecimal as unknown as new (...args: unknown[]) => avsc.types.LogicalType } } as unknown as avsc.ForSchemaOptions;
    const entries = new Set<string>();
    const visit = async (references: readonly { subject: string; version: number }[]): Promise<void> => {
      for (const reference of references) {
        const found = await registry.getVersion(reference.subject, reference.version);
        await visit(found.references);
        const json = JSON.parse(found.schema) as unknown;
        mapEntryNames(json, undefined, entries);
        avsc.Type.forSchema(json as avsc.Schema, options);
      }
    };
    await visit(raw.references);
    const json = JSON.parse(raw.schema) as unknown;
    mapEntryNames(json, undefined, entries);
    entry.avro = avsc.Type.forSchema(json as avsc.Schema, options);
    for (const name of entries) if (types[name] !== undefined) mapEntryTypes.add(types[name]!);
  } else if (raw.schemaType === 'PROTOBUF') {
    entry.protobuf = (await registry.getParsedById(id)) as ParsedProtobuf;
  } else {
    entry.json = jsonSchemaToConnect((await registry.getParsedById(id)) as ParsedJsonSchema);
  }
  cache.set(id, entry);
  return entry;
}

function unwrappedSide(side: RegistrySide): boolean {
  return side.columns.length === 1 && (side.properties['features'] ?? '').includes('UNWRAP_SINGLES');
}

/** The id of the subject's latest schema, registering the one derived from the columns when there is none. */
async function writerId(registry: SchemaRegistry, side: RegistrySide): Promise<number> {
  const subject = `${side.topic}-${side.target}`;
  try {
    return (await registry.getLatest(subject)).id;
  } catch {
    if (side.columns.length === 0) throw new RegistrySerdeError(`No schema registered for subject ${subject} and no columns to derive one from`);
    const derived = columnsToSchema(side.columns, side.format, { unwrapped: unwrappedSide(side), fullSchemaName: side.properties['fullSchemaName'] });
    return registry.register(subject, derived.schema, derived.schemaType);
  }
}

// ---------------------------------------------------------------------------------------------
// AVRO.

function toAvro(type: avsc.Type, spec: JsonTree | undefined): unknown {
  if (spec === undefined) spec = null;
  const name = type.typeName;
  if (type instanceof avsc.types.WrappedUnionType) {
    const branches = (type as unknown as { types: avsc.Type[] }).types;
    if (spec === null) {
      if (branches.some((b) => b.typeName === 'null')) return null;
      throw new RegistrySerdeError('null value for a union without null');
    }
    let lastError: unknown;
    for (const branch of branches) {
      if (branch.typeName === 'null') continue;
      try {
        return { [(branch as unknown as { branchName: string }).branchName]: toAvro(branch, spec) };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError instanceof Error ? lastError : new RegistrySerdeError('no union branch fits');
  }
  if (spec === null) {
    if (name === 'null') return null;
    throw new RegistrySerdeError(`null value for required Avro type ${name}`);
  }
  switch (name) {
    case 'boolean':
      return specText(spec) === 'true';
    case 'int':
      return specInt(spec);
    case 'long':
      // avsc's own long type (a `{"type": "long", ...}` schema object): a safe number.
      return Number(specLong(spec));
    case 'abstract:long':
      return specLong(spec);
    case 'float':
    case 'double':
      return specDouble(spec);
    case 'string':
      if (isObjectTree(spec) || Array.isArray(spec)) throw new RegistrySerdeError(`Can't convert ${specText(spec)} to string`);
      return specText(spec);
    case 'enum':
      return specText(spec);
    case 'logical:decimal': {
      const decimal = type as unknown as AvroDecimal & { underlyingType: avsc.Type };
      let bytes = twosComplement(specDecimal(spec, decimal.scale));
      if (decimal.underlyingType.typeName === 'fixed') {
        const size = (decimal.underlyingType as unknown as { size: number }).size;
        if (bytes.length < size) {
          const padded = Buffer.alloc(size, bytes.length > 0 && bytes[0]! & 0x80 ? 0xff : 0);
          bytes.copy(padded, size - bytes.length);
          bytes = padded;
        }
      }
      return { dec: bytes };
    }
    case 'bytes':
    case 'fixed':
      return base64(spec);
    case 'array': {
      const items = (type as unknown as { itemsType: avsc.Type }).itemsType;
      if (isMapEntryType(items) && isObjectTree(spec)) {
        return Object.entries(spec).map(([k, v]) => toAvro(items, { key: k, value: v } as unknown as JsonTree));
      }
      if (!Array.isArray(spec)) throw new RegistrySerdeError(`Can't convert ${specText(spec)} to an array`);
      return spec.map((item) => toAvro(items, item));
    }
    case 'map': {
      if (!isObjectTree(spec)) throw new RegistrySerdeError(`Can't convert ${specText(spec)} to a map`);
      const values = (type as unknown as { valuesType: avsc.Type }).valuesType;
      return Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, toAvro(values, v)]));
    }
    case 'record':
    case 'error': {
      if (!isObjectTree(spec)) throw new RegistrySerdeError(`Can't convert ${specText(spec)} to a record`);
      const out: Record<string, unknown> = {};
      for (const field of (type as unknown as { fields: Array<{ name: string; type: avsc.Type; defaultValue(): unknown }> }).fields) {
        const value = caseInsensitive(spec, field.name);
        if (value === undefined || value === null) {
          const fallback = field.defaultValue();
          if (fallback !== undefined && value === undefined) out[field.name] = fallback;
          else out[field.name] = toAvro(field.type, null);
        } else {
          out[field.name] = toAvro(field.type, value);
        }
      }
      return out;
    }
    default:
      throw new RegistrySerdeError(`Unsupported Avro type ${name}`);
  }
}

function isMapEntryType(type: avsc.Type): boolean {
  if (type.typeName !== 'record') return false;
  return type.name === 'io.confluent.connect.avro.MapEntry' || mapEntryTypes.has(type);
}

function fromAvro(type: avsc.Type, value: unknown): ActualValue {
  if (type instanceof avsc.types.WrappedUnionType) {
    if (value === null || value === undefined) return null;
    const branches = (type as unknown as { types: avsc.Type[] }).types;
    const key = Object.keys(value as object)[0]!;
    const branch = branches.find((b) => (b as unknown as { branchName: string }).branchName === key)!;
    const inner = fromAvro(branch, (value as Record<string, unknown>)[key]);
    const nonNull = branches.filter((b) => b.typeName !== 'null');
    if (nonNull.length === 1) return inner;
    // A general union reads as a struct with one field per branch (AvroData).
    const out: { [key: string]: ActualValue } = {};
    for (const b of nonNull) out[unionFieldName(b)] = null;
    out[unionFieldName(branch)] = inner;
    return out;
  }
  if (value === null || value === undefined) return null;
  switch (type.typeName) {
    case 'boolean':
      return value as boolean;
    case 'int':
      return asInteger(value as number);
    case 'long':
    case 'abstract:long':
      return new JavaLong(BigInt(value as bigint | number));
    case 'float':
    case 'double':
      return new JavaDouble(value as number);
    case 'string':
    case 'enum':
      return value as string;
    case 'logical:decimal': {
      const decimal = value as { dec: Buffer; scale: number };
      return new JavaBigDecimal(fromTwosComplement(decimal.dec), decimal.scale);
    }
    case 'bytes':
    case 'fixed':
      return Buffer.from(value as Buffer);
    case 'array': {
      const items = (type as unknown as { itemsType: avsc.Type }).itemsType;
      if (isMapEntryType(items)) {
        const out: { [key: string]: ActualValue } = {};
        for (const entry of value as Array<Record<string, unknown>>) {
          const record = fromAvro(items, entry) as { [key: string]: ActualValue };
          out[String(record['key'])] = record['value'] ?? null;
        }
        return out;
      }
      return (value as unknown[]).map((item) => fromAvro(items, item));
    }
    case 'map': {
      const values = (type as unknown as { valuesType: avsc.Type }).valuesType;
      const out: { [key: string]: ActualValue } = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = fromAvro(values, v);
      return out;
    }
    case 'record':
    case 'error': {
      const out: { [key: string]: ActualValue } = {};
      for (const field of (type as unknown as { fields: Array<{ name: string; type: avsc.Type }> }).fields) {
        out[field.name] = fromAvro(field.type, (value as Record<string, unknown>)[field.name]);
      }
      return out;
    }
    default:
      return null;
  }
}

function unionFieldName(type: avsc.Type): string {
  if (type.typeName === 'record' || type.typeName === 'enum' || type.typeName === 'fixed') {
    const name = type.name ?? '';
    return name.slice(name.lastIndexOf('.') + 1);
  }
  return type.typeName;
}

// ---------------------------------------------------------------------------------------------
// PROTOBUF.

const DAY_MS = 86_400_000;

function protoFullName(type: protobuf.ReflectionObject): string {
  return type.fullName.replace(/^\./, '');
}

function isProtoMapEntry(type: protobuf.Type): boolean {
  const fields = type.fieldsArray;
  return type.name.endsWith('Entry') && fields.length === 2 && fields[0]!.name === 'key' && fields[1]!.name === 'value';
}

function toProtoScalar(field: { type: string; resolvedType: protobuf.ReflectionObject | null }, spec: JsonTree): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return toProtoMessage(resolved, spec);
  if (resolved instanceof protobuf.Enum) return specText(spec);
  switch (field.type) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return specInt(spec);
    case 'uint32':
    case 'fixed32':
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return specLong(spec).toString();
    case 'float':
    case 'double':
      return specDouble(spec);
    case 'bool':
      return specText(spec) === 'true';
    case 'string':
      return specText(spec);
    case 'bytes':
      return base64(spec);
    default:
      throw new RegistrySerdeError(`Unsupported protobuf type ${field.type}`);
  }
}

function toProtoMessage(type: protobuf.Type, spec: JsonTree): unknown {
  switch (protoFullName(type)) {
    case 'google.protobuf.Timestamp': {
      const ms = specLong(spec);
      const seconds = ms >= 0n ? ms / 1000n : -((-ms + 999n) / 1000n);
      return { seconds: seconds.toString(), nanos: Number(ms - seconds * 1000n) * 1e6 };
    }
    case 'google.type.Date': {
      const date = new Date(specInt(spec) * DAY_MS);
      return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
    }
    case 'google.type.TimeOfDay': {
      const ms = specInt(spec);
      return { hours: Math.floor(ms / 3_600_000), minutes: Math.floor(ms / 60_000) % 60, seconds: Math.floor(ms / 1000) % 60, nanos: (ms % 1000) * 1e6 };
    }
    case 'confluent.type.Decimal': {
      const decimal = parseBigDecimal(specText(spec));
      if (decimal === null) throw new RegistrySerdeError(`Invalid decimal ${specText(spec)}`);
      const digits = (decimal.unscaled < 0n ? -decimal.unscaled : decimal.unscaled).toString().length;
      return { value: twosComplement(decimal.unscaled), precision: digits, scale: decimal.scale };
    }
    default:
      break;
  }
  if (!isObjectTree(spec)) {
    const wrapped = type.fields['value'];
    if (wrapped !== undefined && type.fieldsArray.length === 1 && protoFullName(type).startsWith('google.protobuf.')) {
      return spec === null ? undefined : { value: toProtoScalar(wrapped, spec) };
    }
    throw new RegistrySerdeError(`Can't convert ${specText(spec)} to message ${type.name}`);
  }
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = caseInsensitive(spec, field.name);
    if (value === undefined || value === null) continue;
    if (field instanceof protobuf.MapField) {
      if (!isObjectTree(value)) throw new RegistrySerdeError(`Can't convert ${specText(value)} to a map`);
      const entries: Record<string, unknown> = {};
      const valueField = { type: field.type, resolvedType: field.resolvedType };
      for (const [k, v] of Object.entries(value)) if (v !== null) entries[k] = toProtoScalar(valueField, v);
      out[field.name] = entries;
      continue;
    }
    const resolved = field.resolvedType;
    if (field.repeated && resolved instanceof protobuf.Type && isProtoMapEntry(resolved) && isObjectTree(value)) {
      out[field.name] = Object.entries(value).map(([k, v]) => {
        const entry: Record<string, unknown> = { key: toProtoScalar(resolved.fields['key']!, k) };
        if (v !== null) entry['value'] = toProtoScalar(resolved.fields['value']!, v);
        return entry;
      });
      continue;
    }
    if (field.repeated) {
      if (!Array.isArray(value)) throw new RegistrySerdeError(`Can't convert ${specText(value)} to a list`);
      out[field.name] = value.map((item) => toProtoScalar(field, item));
      continue;
    }
    out[field.name] = toProtoScalar(field, value);
  }
  return out;
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: true, arrays: true, objects: true };

function realOneofs(type: protobuf.Type): protobuf.OneOf[] {
  return type.oneofsArray.filter((o) => !(o.fieldsArray.length === 1 && (o.fieldsArray[0]!.options as Record<string, unknown> | undefined)?.['proto3_optional'] === true));
}

function fromProtoScalar(field: { type: string; resolvedType: protobuf.ReflectionObject | null }, value: unknown, unwrapPrimitives: boolean): ActualValue {
  if (value === null || value === undefined) return null;
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return fromProtoMessage(resolved, value as Record<string, unknown>, unwrapPrimitives);
  if (resolved instanceof protobuf.Enum) return String(value);
  switch (field.type) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return asInteger(Number(value));
    case 'uint32':
    case 'fixed32':
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return new JavaLong(BigInt(String(value)));
    case 'float':
    case 'double':
      return new JavaDouble(Number(value));
    case 'bool':
      return Boolean(value);
    case 'string':
      return String(value);
    case 'bytes':
      return Buffer.from(value as Uint8Array);
    default:
      return null;
  }
}

const WRAPPER_TYPES = new Set([
  'google.protobuf.DoubleValue',
  'google.protobuf.FloatValue',
  'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value',
  'google.protobuf.Int32Value',
  'google.protobuf.UInt32Value',
  'google.protobuf.BoolValue',
  'google.protobuf.StringValue',
  'google.protobuf.BytesValue',
]);

function fromProtoMessage(type: protobuf.Type, object: Record<string, unknown> | null, unwrapPrimitives: boolean): ActualValue {
  if (object === null || object === undefined) return null;
  const full = protoFullName(type);
  switch (full) {
    case 'google.protobuf.Timestamp':
      return new JavaLong(BigInt(String(object['seconds'] ?? 0)) * 1000n + BigInt(Math.floor(Number(object['nanos'] ?? 0) / 1e6)));
    case 'google.type.Date':
      return asInteger(Math.floor(Date.UTC(Number(object['year'] ?? 0), Number(object['month'] ?? 0) - 1, Number(object['day'] ?? 0)) / DAY_MS));
    case 'google.type.TimeOfDay':
      return asInteger(((Number(object['hours'] ?? 0) * 60 + Number(object['minutes'] ?? 0)) * 60 + Number(object['seconds'] ?? 0)) * 1000 + Math.floor(Number(object['nanos'] ?? 0) / 1e6));
    case 'confluent.type.Decimal':
      return new JavaBigDecimal(fromTwosComplement((object['value'] as Uint8Array) ?? new Uint8Array()), Number(object['scale'] ?? 0));
    default:
      break;
  }
  if (unwrapPrimitives && WRAPPER_TYPES.has(full)) return fromProtoScalar(type.fields['value']!, object['value'], unwrapPrimitives);
  const out: { [key: string]: ActualValue } = {};
  const oneofMembers = new Set<protobuf.Field>();
  for (const oneof of realOneofs(type)) {
    let union: { [key: string]: ActualValue } | null = null;
    for (const member of oneof.fieldsArray) {
      oneofMembers.add(member);
      const raw = object[member.name];
      if (raw !== undefined && raw !== null) {
        union = Object.fromEntries(oneof.fieldsArray.map((m) => [m.name, null]));
        union[member.name] = fromProtoScalar(member, raw, unwrapPrimitives);
      }
    }
    out[oneof.name] = union;
  }
  for (const field of type.fieldsArray) {
    if (oneofMembers.has(field)) continue;
    const raw = object[field.name];
    if (field instanceof protobuf.MapField) {
      const map: { [key: string]: ActualValue } = {};
      const valueField = { type: field.type, resolvedType: field.resolvedType };
      for (const [k, v] of Object.entries((raw as Record<string, unknown>) ?? {})) map[k] = fromProtoScalar(valueField, v, unwrapPrimitives);
      out[field.name] = map;
      continue;
    }
    const resolved = field.resolvedType;
    if (field.repeated && resolved instanceof protobuf.Type && isProtoMapEntry(resolved)) {
      const map: { [key: string]: ActualValue } = {};
      for (const entry of (raw as Array<Record<string, unknown>>) ?? []) {
        const key = fromProtoScalar(resolved.fields['key']!, entry['key'], unwrapPrimitives);
        map[String(key)] = fromProtoScalar(resolved.fields['value']!, entry['value'], unwrapPrimitives);
      }
      out[field.name] = map;
      continue;
    }
    if (field.repeated) {
      out[field.name] = ((raw as unknown[]) ?? []).map((item) => fromProtoScalar(field, item, unwrapPrimitives));
      continue;
    }
    out[field.name] = fromProtoScalar(field, raw, unwrapPrimitives);
  }
  return out;
}

function protoMessageFor(parsed: ParsedProtobuf, fullSchemaName: string | undefined): protobuf.Type {
  const requested = fullSchemaName?.trim();
  const name = requested && !requested.startsWith('ConnectDefault') ? requested : firstMessageName(parsed);
  const found = name === undefined ? null : parsed.root.lookup(`.${name.replace(/^\./, '')}`);
  if (!(found instanceof protobuf.Type)) throw new RegistrySerdeError(`No message ${name} in the Protobuf schema`);
  return found;
}

function writeIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const out: number[] = [];
  const zigzag = (n: number): void => {
    let z = ((n << 1) ^ (n >> 31)) >>> 0;
    do {
      let byte = z & 0x7f;
      z >>>= 7;
      if (z !== 0) byte |= 0x80;
      out.push(byte);
    } while (z !== 0);
  };
  zigzag(indexes.length);
  for (const i of indexes) zigzag(i);
  return Buffer.from(out);
}

function readIndexes(bytes: Buffer): { indexes: number[]; offset: number } {
  let offset = 0;
  const read = (): number => {
    let n = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[offset++]!;
      n |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    return (n >>> 1) ^ -(n & 1);
  };
  const count = read();
  if (count === 0) return { indexes: [0], offset };
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) indexes.push(read());
  return { indexes, offset };
}

/** PROTOBUF_NOSR: the message of the source's columns (always a struct, as ksqlDB's test supplier). */
function noSchemaMessage(side: RegistrySide): protobuf.Type {
  const text = columnsToSchema(side.columns, 'PROTOBUF', {}).schema;
  const parsed = parseSchema('PROTOBUF', text, [], defaultRegistryLimits) as ParsedProtobuf;
  return protoMessageFor(parsed, undefined);
}

// ---------------------------------------------------------------------------------------------
// JSON_SR.

function toJsonText(schema: ConnectSchema, spec: JsonTree | undefined): string {
  if (spec === undefined || spec === null) return 'null';
  switch (schema.type) {
    case 'BOOLEAN':
      return specText(spec) === 'true' ? 'true' : 'false';
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
      return specLong(spec).toString();
    case 'FLOAT32':
    case 'FLOAT64':
      return spec instanceof NumberText ? spec.text : String(specDouble(spec));
    case 'STRING':
      return JSON.stringify(specText(spec));
    case 'BYTES':
      if (schema.name === 'org.apache.kafka.connect.data.Decimal') return specText(spec);
      return JSON.stringify(typeof spec === 'string' ? spec : specText(spec));
    case 'ARRAY':
      if (!Array.isArray(spec)) throw new RegistrySerdeError(`Can't convert ${specText(spec)} to an array`);
      return `[${spec.map((item) => toJsonText(schema.valueSchema!, item)).join(',')}]`;
    case 'MAP': {
      if (!isObjectTree(spec)) throw new RegistrySerdeError(`Can't convert ${specText(spec)} to a map`);
      const entries = Object.entries(spec);
      if (schema.keySchema!.type === 'STRING' && !schema.keySchema!.optional) {
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(schema.valueSchema!, v)}`).join(',')}}`;
      }
      return `[${entries.map(([k, v]) => `{"key":${toJsonText(schema.keySchema!, k)},"value":${toJsonText(schema.valueSchema!, v)}}`).join(',')}]`;
    }
    case 'STRUCT': {
      if (!isObjectTree(spec)) throw new RegistrySerdeError(`Can't convert ${specText(spec)} to a struct`);
      const parts: string[] = [];
      for (const field of schema.fields ?? []) parts.push(`${JSON.stringify(field.name)}:${toJsonText(field.schema, caseInsensitive(spec, field.name))}`);
      return `{${parts.join(',')}}`;
    }
  }
}

function fromJsonTree(schema: ConnectSchema, tree: JsonTree | undefined, exactDecimals: boolean): ActualValue {
  if (tree === undefined || tree === null) return null;
  switch (schema.type) {
    case 'BOOLEAN':
      return tree === true;
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return asInteger(Number(specText(tree)));
    case 'INT64':
      return new JavaLong(BigInt(specText(tree).replace(/\..*$/, '')));
    case 'FLOAT32':
    case 'FLOAT64':
      return exactDecimals && tree instanceof NumberText && !tree.isIntegral ? new JavaDouble(Number(tree.text)) : new JavaDouble(Number(specText(tree)));
    case 'STRING':
      return typeof tree === 'string' ? tree : null;
    case 'BYTES':
      if (schema.name === 'org.apache.kafka.connect.data.Decimal') return parseBigDecimal(specText(tree));
      return typeof tree === 'string' ? Buffer.from(tree, 'base64') : null;
    case 'ARRAY':
      return Array.isArray(tree) ? tree.map((item) => fromJsonTree(schema.valueSchema!, item, exactDecimals)) : null;
    case 'MAP': {
      const out: { [key: string]: ActualValue } = {};
      if (Array.isArray(tree)) {
        for (const entry of tree) {
          if (!isObjectTree(entry)) continue;
          out[specText(entry['key'] ?? null)] = fromJsonTree(schema.valueSchema!, entry['value'], exactDecimals);
        }
      } else if (isObjectTree(tree)) {
        for (const [k, v] of Object.entries(tree)) out[k] = fromJsonTree(schema.valueSchema!, v, exactDecimals);
      }
      return out;
    }
    case 'STRUCT': {
      if (!isObjectTree(tree)) return null;
      const out: { [key: string]: ActualValue } = {};
      for (const field of schema.fields ?? []) out[field.name] = fromJsonTree(field.schema, tree[field.name], exactDecimals);
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points.

/** Serializes a test value for a registry format (null for a null value). */
export async function serializeRegistryTestValue(registry: SchemaRegistry, side: RegistrySide, spec: JsonTree | undefined): Promise<Buffer | null> {
  if (spec === null || spec === undefined) return null;
  const format = side.format.toUpperCase();
  if (format === 'PROTOBUF_NOSR') {
    const type = noSchemaMessage(side);
    return Buffer.from(type.encode(type.fromObject(toProtoMessage(type, spec) as Record<string, unknown>)).finish());
  }
  const id = await writerId(registry, side);
  const schema = await prepared(registry, id);
  switch (schema.schemaType) {
    case 'AVRO':
      return Buffer.concat([header(id), schema.avro!.toBuffer(toAvro(schema.avro!, spec))]);
    case 'PROTOBUF': {
      const type = protoMessageFor(schema.protobuf!, side.properties['fullSchemaName']);
      const indexes = protobufMessageIndexes(schema.protobuf!, protoFullName(type)) ?? [0];
      const object = toProtoMessage(type, spec) as Record<string, unknown>;
      return Buffer.concat([header(id), writeIndexes(indexes), Buffer.from(type.encode(type.fromObject(object ?? {})).finish())]);
    }
    case 'JSON':
      return Buffer.concat([header(id), Buffer.from(toJsonText(schema.json!, spec), 'utf8')]);
  }
}

/** Reads an output record of a registry format into Java-typed values. */
export async function deserializeRegistryTestValue(
  registry: SchemaRegistry,
  side: RegistrySide,
  bytes: Buffer | null,
  exactDecimals: boolean,
): Promise<ActualValue> {
  if (bytes === null) return null;
  const format = side.format.toUpperCase();
  const unwrapPrimitives = side.properties['unwrapPrimitives'] === 'true';
  if (format === 'PROTOBUF_NOSR') {
    const type = noSchemaMessage(side);
    return fromProtoMessage(type, type.toObject(type.decode(bytes), TO_OBJECT) as Record<string, unknown>, unwrapPrimitives);
  }
  if (bytes.length < 5 || bytes[0] !== 0) throw new RegistrySerdeError('Unknown magic byte!');
  const schema = await prepared(registry, bytes.readInt32BE(1));
  const payload = bytes.subarray(5);
  switch (schema.schemaType) {
    case 'AVRO':
      return fromAvro(schema.avro!, schema.avro!.fromBuffer(payload));
    case 'PROTOBUF': {
      const { indexes, offset } = readIndexes(payload);
      const type = protobufMessageAt(schema.protobuf!, indexes);
      if (type === undefined) throw new RegistrySerdeError(`Invalid message indexes [${indexes.join(', ')}]`);
      return fromProtoMessage(type, type.toObject(type.decode(payload.subarray(offset)), TO_OBJECT) as Record<string, unknown>, unwrapPrimitives);
    }
    case 'JSON': {
      let tree: JsonTree;
      try {
        tree = parseLenientJson(payload.toString('utf8'));
      } catch (error) {
        throw new RegistrySerdeError(`invalid JSON: ${(error as Error).message}`);
      }
      return fromJsonTree(schema.json!, tree, exactDecimals);
    }
  }
}

/** Registers a topic's declared schema (QTT `topics[].keySchema/valueSchema`), under a fixed id when given. */
export async function registerTopicSchema(registry: SchemaRegistry, subject: string, format: string, text: string, id: number | null): Promise<void> {
  const schemaType = registrySchemaTypeOf(format) ?? 'AVRO';
  let schema = text;
  if (schemaType !== 'PROTOBUF') {
    try {
      JSON.parse(text);
    } catch {
      schema = JSON.stringify(text);
    }
  }
  if (id === null) {
    await registry.register(subject, schema, schemaType);
    return;
  }
  await registry.setMode(subject, 'IMPORT', { force: true });
  try {
    await registry.registerSchema(subject, { schema, schemaType }, { id });
  } finally {
    await registry.deleteMode(subject);
  }
}
