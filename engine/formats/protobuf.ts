/**
 * PROTOBUF (over the schema registry) and PROTOBUF_NOSR (schema from the columns, bare message).
 *
 * Schemas: the columns' Connect schema printed as Confluent's ProtobufData.fromConnectSchema
 * prints it: proto3, the message `ConnectDefault1` (or `fullSchemaName`, its dotted prefix the
 * package), fields numbered from 1, nested structs as nested messages `ConnectDefault2`...
 * (named depth-first), ARRAY as `repeated`, MAP as `repeated ConnectDefaultNEntry` with a nested
 * `{ key = 1; value = 2; }` message, DECIMAL as `confluent.type.Decimal` with precision/scale in
 * `(confluent.field_meta)`, DATE / TIME / TIMESTAMP as `google.type.Date` /
 * `google.type.TimeOfDay` / `google.protobuf.Timestamp`. `nullableRepresentation=optional` marks
 * the fields `optional`.
 *
 * Data: protobufjs. As ProtobufData reads proto3, an unset scalar is its default (0, "", false),
 * an unset message null, a missing repeated field an empty list; nulls are not written (so a null
 * column reads back as the default) and an empty list is not written. The wire payload of PROTOBUF
 * starts with Confluent's message-index list (a single 0 byte for the first message).
 */
import protobuf from 'protobufjs';
import { SluiceError } from '../../common/index.js';
import {
  defaultRegistryLimits,
  firstMessageName,
  parseSchema,
  protobufMessageAt,
  protobufMessageIndexes,
  type ParsedProtobuf,
} from '../../registry/index.js';
import { Decimal } from '../types/index.js';
import {
  DATE_LOGICAL,
  DECIMAL_PRECISION_PARAMETER,
  DECIMAL_SCALE_PARAMETER,
  TIME_LOGICAL,
  TIMESTAMP_LOGICAL,
  compileRowReader,
  decimalConnectSchema,
  isDecimalSchema,
  physicalConnectSchema,
  rowToStruct,
  type ConnectSchema,
} from './connect.js';
import type { CachedSchema, RegistryCodec } from './connect-registry.js';
import { bigIntFromTwosComplement, bigIntToTwosComplement } from './avro.js';
import type { RowSerde, SerdeColumn, SerdeTarget } from './serde.js';

const DEFAULT_NAME = 'ConnectDefault';
const DECIMAL_TYPE = 'confluent.type.Decimal';
const DATE_TYPE = 'google.type.Date';
const TIME_TYPE = 'google.type.TimeOfDay';
const TIMESTAMP_TYPE = 'google.protobuf.Timestamp';
const IMPORTS: Record<string, string> = {
  [DECIMAL_TYPE]: 'confluent/type/decimal.proto',
  [DATE_TYPE]: 'google/type/date.proto',
  [TIME_TYPE]: 'google/type/timeofday.proto',
  [TIMESTAMP_TYPE]: 'google/protobuf/timestamp.proto',
};
const WRAPPERS: Record<string, ConnectSchema['type']> = {
  'google.protobuf.DoubleValue': 'FLOAT64',
  'google.protobuf.FloatValue': 'FLOAT32',
  'google.protobuf.Int64Value': 'INT64',
  'google.protobuf.UInt64Value': 'INT64',
  'google.protobuf.Int32Value': 'INT32',
  'google.protobuf.UInt32Value': 'INT64',
  'google.protobuf.BoolValue': 'BOOLEAN',
  'google.protobuf.StringValue': 'STRING',
  'google.protobuf.BytesValue': 'BYTES',
};
const WRAPPER_FOR: Partial<Record<ConnectSchema['type'], string>> = {
  FLOAT64: 'google.protobuf.DoubleValue',
  FLOAT32: 'google.protobuf.FloatValue',
  INT64: 'google.protobuf.Int64Value',
  INT32: 'google.protobuf.Int32Value',
  INT16: 'google.protobuf.Int32Value',
  INT8: 'google.protobuf.Int32Value',
  BOOLEAN: 'google.protobuf.BoolValue',
  STRING: 'google.protobuf.StringValue',
  BYTES: 'google.protobuf.BytesValue',
};

function unsupported(message: string): SluiceError {
  return new SluiceError('ENGINE_FORMAT_UNSUPPORTED', message);
}

export interface ProtobufSchemaOptions {
  /** `fullSchemaName`: the message name (dotted prefix = package). Names starting `ConnectDefault` are ignored, as ksqlDB does. */
  readonly fullSchemaName?: string | undefined;
  /** `nullableRepresentation`: `optional` labels nullable fields `optional` (so null survives). */
  readonly nullableRepresentation?: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Connect → .proto text (ProtobufData.fromConnectSchema).

/** ksqlDB's ProtobufNoSRSerdeFactory / ProtobufSerdeFactory validation. */
export function validateProtobufColumns(columns: readonly SerdeColumn[]): void {
  const walk = (schema: ConnectSchema): void => {
    if (schema.type === 'MAP' && schema.keySchema!.type !== 'STRING') {
      throw unsupported('PROTOBUF format only supports MAP types with STRING keys. See https://github.com/confluentinc/ksql/issues/6177.');
    }
    if (schema.keySchema) walk(schema.keySchema);
    if (schema.valueSchema) walk(schema.valueSchema);
    for (const f of schema.fields ?? []) walk(f.schema);
  };
  for (const c of columns) walk(physicalConnectSchema([c], true));
}

class ProtoWriter {
  private nameIndex = 0;
  readonly imports = new Set<string>();
  constructor(private readonly optionalLabels: boolean) {}

  nextName(): string {
    this.nameIndex++;
    return `${DEFAULT_NAME}${this.nameIndex}`;
  }

  message(name: string, schema: ConnectSchema, indent: string): string {
    const lines: string[] = [];
    const nested: string[] = [];
    const nestedNames = new Set<string>();
    let tag = 1;
    for (const field of schema.fields ?? []) {
      lines.push(this.field(field.name, field.schema, tag++, indent + '  ', nested, nestedNames));
    }
    const body = [...lines, ...(nested.length > 0 ? ['', ...nested] : [])];
    return `${indent}message ${name} {\n${body.map((l) => (l === '' ? '' : l)).join('\n')}\n${indent}}`;
  }

  private field(name: string, schema: ConnectSchema, tag: number, indent: string, nested: string[], nestedNames: Set<string>): string {
    let label = '';
    let element = schema;
    if (schema.type === 'ARRAY') {
      label = 'repeated ';
      element = schema.valueSchema!;
      if (element.type === 'ARRAY') throw unsupported('Array cannot be nested');
    } else if (schema.type === 'MAP') {
      label = 'repeated ';
    } else if (this.optionalLabels && schema.optional) {
      label = 'optional ';
    }
    let options = '';
    let type: string;
    if (isDecimalSchema(element)) {
      type = DECIMAL_TYPE;
      this.imports.add('confluent/meta.proto');
      this.imports.add(IMPORTS[DECIMAL_TYPE]!);
      const params: string[] = [];
      if (element.parameters?.[DECIMAL_PRECISION_PARAMETER] !== undefined) params.push(`{\n${indent}      key: "precision",\n${indent}      value: "${element.parameters[DECIMAL_PRECISION_PARAMETER]}"\n${indent}    }`);
      if (element.parameters?.[DECIMAL_SCALE_PARAMETER] !== undefined) params.push(`{\n${indent}      key: "scale",\n${indent}      value: "${element.parameters[DECIMAL_SCALE_PARAMETER]}"\n${indent}    }`);
      if (params.length > 0) options = ` [(confluent.field_meta) = {\n${indent}  params: [\n${indent}    ${params.join(`,\n${indent}    `)}\n${indent}  ]\n${indent}}]`;
    } else if (element.name === DATE_LOGICAL) {
      type = DATE_TYPE;
      this.imports.add(IMPORTS[DATE_TYPE]!);
    } else if (element.name === TIME_LOGICAL) {
      type = TIME_TYPE;
      this.imports.add(IMPORTS[TIME_TYPE]!);
    } else if (element.name === TIMESTAMP_LOGICAL) {
      type = TIMESTAMP_TYPE;
      this.imports.add(IMPORTS[TIMESTAMP_TYPE]!);
    } else {
      switch (element.type) {
        case 'INT8':
        case 'INT16':
        case 'INT32':
          type = 'int32';
          break;
        case 'INT64':
          type = 'int64';
          break;
        case 'FLOAT32':
          type = 'float';
          break;
        case 'FLOAT64':
          type = 'double';
          break;
        case 'BOOLEAN':
          type = 'bool';
          break;
        case 'STRING':
          type = 'string';
          break;
        case 'BYTES':
          type = 'bytes';
          break;
        case 'MAP': {
          type = `${this.nextName()}Entry`;
          const entryLines: string[] = [];
          const entryNested: string[] = [];
          const entryNames = new Set<string>();
          entryLines.push(this.field('key', element.keySchema!, 1, indent + '  ', entryNested, entryNames));
          entryLines.push(this.field('value', element.valueSchema!, 2, indent + '  ', entryNested, entryNames));
          const body = [...entryLines, ...(entryNested.length > 0 ? ['', ...entryNested] : [])];
          nested.push(`${indent}message ${type} {\n${body.join('\n')}\n${indent}}`);
          break;
        }
        case 'STRUCT': {
          type = element.name === undefined ? this.nextName() : element.name.slice(element.name.lastIndexOf('.') + 1);
          if (type === name) type += 'Message';
          if (!nestedNames.has(type)) {
            nestedNames.add(type);
            nested.push(this.message(type, element, indent));
          }
          break;
        }
        case 'ARRAY':
          throw unsupported('Array cannot be nested');
      }
    }
    return `${indent}${label}${type} ${name} = ${tag}${options};`;
  }
}

/**
 * The .proto text ksqlDB registers for a Connect schema. A primitive root (PROTOBUF_NOSR with an
 * unwrapped single column) has no text of its own: it is written as a google.protobuf wrapper.
 */
export function connectToProtobufSchema(schema: ConnectSchema, options: ProtobufSchemaOptions = {}): string {
  if (schema.type !== 'STRUCT') throw unsupported(`Unsupported root schema of type ${schema.type}`);
  const writer = new ProtoWriter(options.nullableRepresentation === 'optional');
  const requested = options.fullSchemaName?.trim();
  const fullName = requested && !requested.startsWith(DEFAULT_NAME) ? requested : writer.nextName();
  const dot = fullName.lastIndexOf('.');
  const packageName = dot < 0 ? '' : fullName.slice(0, dot);
  const messageName = dot < 0 ? fullName : fullName.slice(dot + 1);
  const body = writer.message(messageName, schema, '');
  const imports = [...writer.imports].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let text = 'syntax = "proto3";\n';
  if (packageName) text += `package ${packageName};\n`;
  if (imports.length > 0) text += `\n${imports.map((i) => `import "${i}";`).join('\n')}\n`;
  return `${text}\n${body}\n`;
}

export function columnsToProtobufSchema(columns: readonly SerdeColumn[], options: ProtobufSchemaOptions = {}): string {
  validateProtobufColumns(columns);
  return connectToProtobufSchema(physicalConnectSchema(columns, false), options);
}

// ---------------------------------------------------------------------------------------------
// .proto → Connect (ProtobufData.toConnectSchema, ksqlDB's configuration).

export interface ProtobufReadOptions {
  /** `unwrapPrimitives=true`: google.protobuf wrapper messages read as their primitive. */
  readonly unwrapPrimitives?: boolean;
  /** `nullableRepresentation=optional`: only fields marked `optional` are nullable. */
  readonly nullableRepresentation?: string | undefined;
}

function isMapEntryType(type: protobuf.Type): boolean {
  const fields = type.fieldsArray;
  return type.name.endsWith('Entry') && fields.length === 2 && fields[0]!.name === 'key' && fields[1]!.name === 'value' && !fields[0]!.repeated && !fields[1]!.repeated;
}

function typeFullName(type: protobuf.ReflectionObject): string {
  return type.fullName.replace(/^\./, '');
}

function fieldMetaParams(field: protobuf.Field): Record<string, string> {
  const out: Record<string, string> = {};
  const parsed = (field as unknown as { parsedOptions?: Record<string, unknown>[] }).parsedOptions ?? [];
  for (const option of parsed) {
    const meta = option['(confluent.field_meta)'] as { params?: { key?: string; value?: string }[] | Record<string, string> } | undefined;
    const params = meta?.params;
    if (Array.isArray(params)) for (const p of params) if (p.key !== undefined) out[p.key] = String(p.value ?? '');
    else if (params && typeof params === 'object') Object.assign(out, params);
  }
  return out;
}

function scalarConnect(type: string): ConnectSchema['type'] {
  switch (type) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return 'INT32';
    case 'uint32':
    case 'fixed32':
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return 'INT64';
    case 'float':
      return 'FLOAT32';
    case 'double':
      return 'FLOAT64';
    case 'bool':
      return 'BOOLEAN';
    case 'string':
      return 'STRING';
    case 'bytes':
      return 'BYTES';
    default:
      throw unsupported(`Unknown protobuf type: ${type}`);
  }
}

function isProto3Optional(field: protobuf.Field): boolean {
  return (field.options as Record<string, unknown> | undefined)?.['proto3_optional'] === true;
}

function realOneofs(type: protobuf.Type): protobuf.OneOf[] {
  return type.oneofsArray.filter((o) => !(o.fieldsArray.length === 1 && isProto3Optional(o.fieldsArray[0]!)));
}

function fieldToConnect(field: protobuf.Field, options: ProtobufReadOptions, depth: number, oneofMember = false): ConnectSchema {
  if (depth > 100) throw unsupported('Recursive Protobuf schemas are not supported');
  const optional = oneofMember || options.nullableRepresentation !== 'optional' || isProto3Optional(field);
  if (field instanceof protobuf.MapField) {
    const valueField = { type: field.type, resolvedType: field.resolvedType, repeated: false, options: {} } as unknown as protobuf.Field;
    return {
      type: 'MAP',
      optional: true,
      keySchema: { type: scalarConnect(field.keyType), optional: true },
      valueSchema: elementToConnect(valueField, options, depth + 1, true),
    };
  }
  const resolved = field.resolvedType;
  if (field.repeated && resolved instanceof protobuf.Type && isMapEntryType(resolved)) {
    const [key, value] = resolved.fieldsArray;
    return { type: 'MAP', optional: true, keySchema: fieldToConnect(key!, options, depth + 1), valueSchema: fieldToConnect(value!, options, depth + 1) };
  }
  const element = elementToConnect(field, options, depth, optional);
  if (field.repeated) return { type: 'ARRAY', optional: true, valueSchema: { ...element, optional: true } };
  return element;
}

function elementToConnect(field: protobuf.Field, options: ProtobufReadOptions, depth: number, optional: boolean): ConnectSchema {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Enum) return { type: 'STRING', optional: true, name: typeFullName(resolved) };
  if (resolved instanceof protobuf.Type) {
    const full = typeFullName(resolved);
    switch (full) {
      case DECIMAL_TYPE: {
        const params = fieldMetaParams(field);
        const scale = Number(params['scale'] ?? '0');
        const schema = decimalConnectSchema(params['precision'] === undefined ? 64 : Number(params['precision']), scale, true);
        return params['precision'] === undefined ? { ...schema, parameters: { [DECIMAL_SCALE_PARAMETER]: String(scale) } } : schema;
      }
      case DATE_TYPE:
        return { type: 'INT32', optional: true, name: DATE_LOGICAL, version: 1 };
      case TIME_TYPE:
        return { type: 'INT32', optional: true, name: TIME_LOGICAL, version: 1 };
      case TIMESTAMP_TYPE:
        return { type: 'INT64', optional: true, name: TIMESTAMP_LOGICAL, version: 1 };
      default:
        if (options.unwrapPrimitives && WRAPPERS[full] !== undefined) return { type: WRAPPERS[full]!, optional: true };
        return messageToConnect(resolved, options, depth + 1, true);
    }
  }
  return { type: scalarConnect(field.type), optional };
}

/** The Connect schema of a message type. */
export function messageToConnect(type: protobuf.Type, options: ProtobufReadOptions = {}, depth = 0, optional = false): ConnectSchema {
  if (options.unwrapPrimitives && depth === 0 && WRAPPERS[typeFullName(type)] !== undefined) {
    return { type: WRAPPERS[typeFullName(type)]!, optional: true };
  }
  const fields: { name: string; schema: ConnectSchema }[] = [];
  const oneofs = realOneofs(type);
  const inOneof = new Set<protobuf.Field>();
  for (const oneof of oneofs) {
    fields.push({
      name: oneof.name,
      schema: {
        type: 'STRUCT',
        optional: true,
        name: `io.confluent.connect.protobuf.Union.${oneof.name}`,
        fields: oneof.fieldsArray.map((f) => {
          inOneof.add(f);
          return { name: f.name, schema: fieldToConnect(f, options, depth + 1, true) };
        }),
      },
    });
  }
  for (const field of type.fieldsArray) {
    if (inOneof.has(field)) continue;
    fields.push({ name: field.name, schema: fieldToConnect(field, options, depth + 1) });
  }
  return { type: 'STRUCT', optional, name: typeFullName(type), fields };
}

// ---------------------------------------------------------------------------------------------
// Data.

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, arrays: true, objects: true };

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (value !== null && typeof value === 'object' && 'low' in (value as object)) {
    const long = value as { low: number; high: number; unsigned?: boolean };
    return protobuf.util.LongBits.from(long as unknown as number).toNumber(long.unsigned === true);
  }
  return Number(value);
}

const DAY_MS = 86_400_000;

type Reader = (value: unknown) => unknown;

/** Converts a message object (protobufjs toObject form) of `type` to a Connect value. */
function compileMessageReader(type: protobuf.Type, schema: ConnectSchema, memo: Map<protobuf.Type, Reader>): Reader {
  const cached = memo.get(type);
  if (cached !== undefined) return cached;
  let compiled: Reader | undefined;
  memo.set(type, (v) => compiled!(v));
  if (schema.type !== 'STRUCT') {
    // an unwrapped wrapper message
    compiled = (v) => (v === null || v === undefined ? null : convertScalar((v as Record<string, unknown>)['value'], schema));
    return compiled;
  }
  const oneofs = new Map(realOneofs(type).map((o) => [o.name, o] as const));
  const plan = (schema.fields ?? []).map((f) => {
    const oneof = oneofs.get(f.name);
    if (oneof !== undefined) {
      const members = oneof.fieldsArray.map((m, i) => ({ name: m.name, read: compileFieldReader(m, f.schema.fields![i]!.schema, memo) }));
      return {
        name: f.name,
        read: (object: Record<string, unknown>): unknown => {
          let found: Record<string, unknown> | null = null;
          for (const m of members) {
            const raw = object[m.name];
            if (raw !== undefined && raw !== null) {
              found = Object.fromEntries(members.map((x) => [x.name, null]));
              found[m.name] = m.read(raw);
            }
          }
          return found;
        },
      };
    }
    const field = type.fields[f.name]!;
    const read = compileFieldReader(field, f.schema, memo);
    return { name: f.name, read: (object: Record<string, unknown>): unknown => read(object[f.name]) };
  });
  compiled = (v) => {
    if (v === null || v === undefined) return null;
    const object = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const step of plan) out[step.name] = step.read(object);
    return out;
  };
  return compiled;
}

function convertScalar(value: unknown, schema: ConnectSchema): unknown {
  if (value === null || value === undefined) return null;
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
    case 'FLOAT32':
    case 'FLOAT64':
      return toNumber(value);
    case 'BYTES':
      return Buffer.from(value as Uint8Array);
    default:
      return value;
  }
}

function compileFieldReader(field: protobuf.Field, schema: ConnectSchema, memo: Map<protobuf.Type, Reader>): Reader {
  if (schema.type === 'MAP') {
    const valueSchema = schema.valueSchema!;
    const keySchema = schema.keySchema!;
    let readValue: Reader;
    if (field instanceof protobuf.MapField) {
      readValue = compileElementReader(field.resolvedType, valueSchema, memo);
      return (v) => {
        const out = new Map<unknown, unknown>();
        if (v === null || v === undefined) return out;
        for (const [k, item] of Object.entries(v as Record<string, unknown>)) out.set(keySchema.type === 'STRING' ? k : convertScalar(k, keySchema), readValue(item));
        return out;
      };
    }
    const entryType = field.resolvedType as protobuf.Type;
    const readKey = compileFieldReader(entryType.fields['key']!, keySchema, memo);
    readValue = compileFieldReader(entryType.fields['value']!, valueSchema, memo);
    return (v) => {
      const out = new Map<unknown, unknown>();
      for (const entry of (v as Record<string, unknown>[] | undefined) ?? []) out.set(readKey(entry['key']), readValue(entry['value']));
      return out;
    };
  }
  if (schema.type === 'ARRAY') {
    const element = compileElementReader(field.resolvedType, schema.valueSchema!, memo);
    return (v) => ((v as unknown[] | undefined) ?? []).map(element);
  }
  return compileElementReader(field.resolvedType, schema, memo);
}

function compileElementReader(resolved: protobuf.ReflectionObject | null, schema: ConnectSchema, memo: Map<protobuf.Type, Reader>): Reader {
  if (resolved instanceof protobuf.Type) {
    const full = typeFullName(resolved);
    if (full === DECIMAL_TYPE) {
      return (v) => {
        if (v === null || v === undefined) return null;
        const d = v as { value?: Uint8Array; scale?: number };
        return new Decimal(bigIntFromTwosComplement(d.value ?? new Uint8Array(0)), Number(d.scale ?? 0));
      };
    }
    if (full === DATE_TYPE) {
      return (v) => {
        if (v === null || v === undefined) return null;
        const d = v as { year?: number; month?: number; day?: number };
        return Math.floor(Date.UTC(Number(d.year ?? 0), Number(d.month ?? 0) - 1, Number(d.day ?? 0)) / DAY_MS);
      };
    }
    if (full === TIME_TYPE) {
      return (v) => {
        if (v === null || v === undefined) return null;
        const t = v as { hours?: number; minutes?: number; seconds?: number; nanos?: number };
        return ((Number(t.hours ?? 0) * 60 + Number(t.minutes ?? 0)) * 60 + Number(t.seconds ?? 0)) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
      };
    }
    if (full === TIMESTAMP_TYPE) {
      return (v) => {
        if (v === null || v === undefined) return null;
        const t = v as { seconds?: unknown; nanos?: number };
        return toNumber(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
      };
    }
    return compileMessageReader(resolved, schema, memo);
  }
  if (resolved instanceof protobuf.Enum) return (v) => (v === null || v === undefined ? null : String(v));
  return (v) => convertScalar(v, schema);
}

/** Connect value → the plain object protobufjs' fromObject takes. */
type Writer = (value: unknown) => unknown;

function compileMessageWriter(type: protobuf.Type, memo: Map<protobuf.Type, Writer>): Writer {
  const cached = memo.get(type);
  if (cached !== undefined) return cached;
  let compiled: Writer | undefined;
  memo.set(type, (v) => compiled!(v));
  const oneofMembers = new Set(realOneofs(type).flatMap((o) => o.fieldsArray));
  const oneofs = realOneofs(type);
  const plan = type.fieldsArray.filter((f) => !oneofMembers.has(f)).map((f) => ({ name: f.name, write: compileFieldWriter(f, memo) }));
  const oneofPlan = oneofs.map((o) => ({ name: o.name, members: o.fieldsArray.map((f) => ({ name: f.name, write: compileFieldWriter(f, memo) })) }));
  compiled = (v) => {
    if (v === null || v === undefined) return undefined;
    const object = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const step of plan) {
      const item = object[step.name];
      if (item === null || item === undefined) continue;
      const converted = step.write(item);
      if (converted !== undefined) out[step.name] = converted;
    }
    for (const oneof of oneofPlan) {
      const union = object[oneof.name] as Record<string, unknown> | null | undefined;
      if (union === null || union === undefined) continue;
      for (const m of oneof.members) {
        const item = union[m.name];
        if (item !== null && item !== undefined) {
          out[m.name] = m.write(item);
          break;
        }
      }
    }
    return out;
  };
  return compiled;
}

function compileFieldWriter(field: protobuf.Field, memo: Map<protobuf.Type, Writer>): Writer {
  if (field instanceof protobuf.MapField) {
    const value = compileElementWriter(field.resolvedType, memo);
    return (v) => {
      const entries = v instanceof Map ? [...v] : Object.entries(v as object);
      if (entries.length === 0) return undefined;
      const out: Record<string, unknown> = {};
      for (const [k, item] of entries) {
        if (item === null || item === undefined) continue;
        out[String(k)] = value(item);
      }
      return out;
    };
  }
  const resolved = field.resolvedType;
  if (field.repeated && resolved instanceof protobuf.Type && isMapEntryType(resolved)) {
    const key = compileElementWriter(resolved.fields['key']!.resolvedType, memo);
    const value = compileElementWriter(resolved.fields['value']!.resolvedType, memo);
    return (v) => {
      const entries = v instanceof Map ? [...v] : Object.entries(v as object);
      if (entries.length === 0) return undefined;
      return entries.map(([k, item]) => {
        const entry: Record<string, unknown> = {};
        if (k !== null && k !== undefined) entry['key'] = key(k);
        if (item !== null && item !== undefined) entry['value'] = value(item);
        return entry;
      });
    };
  }
  const element = compileElementWriter(resolved, memo);
  if (field.repeated) {
    return (v) => {
      const items = v as unknown[];
      if (items.length === 0) return undefined;
      return items.map((item) => {
        if (item === null || item === undefined) throw new Error(`Invalid null element in repeated field ${field.name}`);
        return element(item);
      });
    };
  }
  return element;
}

function compileElementWriter(resolved: protobuf.ReflectionObject | null, memo: Map<protobuf.Type, Writer>): Writer {
  if (resolved instanceof protobuf.Type) {
    const full = typeFullName(resolved);
    if (full === DECIMAL_TYPE) {
      return (v) => {
        const d = v instanceof Decimal ? v : Decimal.fromString(String(v));
        return { value: bigIntToTwosComplement(d.unscaled), precision: d.precision(), scale: d.scale };
      };
    }
    if (full === DATE_TYPE) {
      return (v) => {
        const date = new Date(Number(v) * DAY_MS);
        return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      };
    }
    if (full === TIME_TYPE) {
      return (v) => {
        const ms = Number(v);
        if (ms < 0 || ms > DAY_MS) throw new Error('Time values must use number of millis greater than 0 and less than 86400000');
        return { hours: Math.floor(ms / 3_600_000), minutes: Math.floor(ms / 60_000) % 60, seconds: Math.floor(ms / 1000) % 60, nanos: (ms % 1000) * 1e6 };
      };
    }
    if (full === TIMESTAMP_TYPE) {
      return (v) => {
        const ms = Number(v);
        const seconds = Math.floor(ms / 1000);
        return { seconds, nanos: (ms - seconds * 1000) * 1e6 };
      };
    }
    if (WRAPPERS[full] !== undefined) {
      return (v) => (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Decimal) ? v : { value: v instanceof Decimal ? v.toNumber() : v });
    }
    return compileMessageWriter(resolved, memo);
  }
  if (resolved instanceof protobuf.Enum) return (v) => v;
  return (v) => (v instanceof Decimal ? v.toNumber() : v);
}

// ---------------------------------------------------------------------------------------------
// Message indexes (Confluent's MessageIndexes: zig-zag varints; [0] is the single byte 0).

function writeZigZag(out: number[], value: number): void {
  let n = (value << 1) ^ (value >> 31);
  n >>>= 0;
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 0 || (indexes.length === 1 && indexes[0] === 0)) return Buffer.from([0]);
  const out: number[] = [];
  writeZigZag(out, indexes.length);
  for (const index of indexes) writeZigZag(out, index);
  return Buffer.from(out);
}

export function decodeMessageIndexes(bytes: Buffer): { indexes: number[]; offset: number } {
  let offset = 0;
  const read = (): number => {
    let n = 0;
    let shift = 0;
    let b: number;
    do {
      if (offset >= bytes.length) throw new Error('Protobuf message indexes are truncated');
      b = bytes[offset++]!;
      n |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && shift < 35);
    return (n >>> 1) ^ -(n & 1);
  };
  const count = read();
  if (count === 0) return { indexes: [0], offset };
  if (count < 0 || count > 100) throw new Error(`Invalid Protobuf message index count ${count}`);
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) indexes.push(read());
  return { indexes, offset };
}

// ---------------------------------------------------------------------------------------------
// Codecs.

export interface ProtobufCodecOptions {
  readonly columns: readonly SerdeColumn[];
  readonly fullSchemaName?: string | undefined;
  readonly unwrapPrimitives?: boolean;
  readonly nullableRepresentation?: string | undefined;
}

function messageFor(parsed: ParsedProtobuf, fullSchemaName: string | undefined): protobuf.Type {
  const requested = fullSchemaName?.trim();
  const name = requested && !requested.startsWith(DEFAULT_NAME) ? requested : firstMessageName(parsed);
  const found = name === undefined ? null : parsed.root.lookup(name.startsWith('.') ? name : `.${name}`);
  if (!(found instanceof protobuf.Type)) {
    const fallback = requested ? parsed.root.lookup(`.${requested}`) : null;
    if (fallback instanceof protobuf.Type) return fallback;
    throw new SluiceError('ENGINE_FORMAT_UNSUPPORTED', `Protobuf schema has no message ${name ?? '(none)'}`);
  }
  return found;
}

/** The message type (and Connect schema) a registry schema gives a source, for `schemaToColumns`. */
export function protobufRootMessage(parsed: ParsedProtobuf, fullSchemaName?: string): protobuf.Type {
  return messageFor(parsed, fullSchemaName);
}

function payloadWriter(type: protobuf.Type, columns: readonly SerdeColumn[], unwrapped: boolean): (values: readonly unknown[]) => Buffer | null {
  const toObject = compileMessageWriter(type, new Map());
  const full = typeFullName(type);
  if (unwrapped) {
    const isWrapper = WRAPPERS[full] !== undefined;
    return (values) => {
      const value = values[0] ?? null;
      if (value === null) return null;
      const object = isWrapper ? { value: value instanceof Decimal ? value.toNumber() : value } : (toObject(value) as Record<string, unknown>);
      return Buffer.from(type.encode(type.fromObject(object)).finish());
    };
  }
  const fieldNames = new Set(type.fieldsArray.map((f) => f.name));
  for (const c of columns) {
    if (!fieldNames.has(c.name) && !realOneofs(type).some((o) => o.name === c.name)) {
      throw new Error(`Schema from Schema Registry misses field with name: ${c.name}`);
    }
  }
  return (values) => {
    const object = toObject(rowToStruct(columns, values)) as Record<string, unknown>;
    return Buffer.from(type.encode(type.fromObject(object)).finish());
  };
}

function payloadReader(type: protobuf.Type, columns: readonly SerdeColumn[], unwrapped: boolean, options: ProtobufReadOptions): (payload: Buffer) => unknown[] | null {
  const unwrapRoot = unwrapped && WRAPPERS[typeFullName(type)] !== undefined;
  const schema = messageToConnect(type, { ...options, unwrapPrimitives: options.unwrapPrimitives || unwrapRoot });
  const toConnect = compileMessageReader(type, schema, new Map());
  const toRow = compileRowReader(columns, schema, unwrapped);
  return (payload) => {
    const message = type.decode(payload);
    return toRow(toConnect(type.toObject(message, TO_OBJECT)));
  };
}

export function protobufCodec(options: ProtobufCodecOptions): RegistryCodec {
  const { columns } = options;
  const read: ProtobufReadOptions = { unwrapPrimitives: options.unwrapPrimitives === true, nullableRepresentation: options.nullableRepresentation };
  return {
    format: 'PROTOBUF',
    schemaType: 'PROTOBUF',
    deriveSchema: () => columnsToProtobufSchema(columns, options),
    writer(schema) {
      const parsed = schema.parsed as ParsedProtobuf;
      const type = messageFor(parsed, options.fullSchemaName);
      const indexes = encodeMessageIndexes(protobufMessageIndexes(parsed, typeFullName(type)) ?? [0]);
      const write = payloadWriter(type, columns, false);
      return (values) => {
        const payload = write(values);
        return payload === null ? null : Buffer.concat([indexes, payload]);
      };
    },
    reader(schema) {
      const parsed = schema!.parsed as ParsedProtobuf;
      const readers = new Map<string, (payload: Buffer) => unknown[] | null>();
      return (payload) => {
        const { indexes, offset } = decodeMessageIndexes(payload);
        const key = indexes.join(',');
        let reader = readers.get(key);
        if (reader === undefined) {
          const type = protobufMessageAt(parsed, indexes);
          if (type === undefined) throw new Error(`Invalid message indexes: [${indexes.join(', ')}]`);
          reader = payloadReader(type, columns, false, read);
          readers.set(key, reader);
        }
        return reader(payload.subarray(offset));
      };
    },
  };
}

/** A cached parse of the schema a PROTOBUF_NOSR serde derives from its columns. */
function noSchemaType(columns: readonly SerdeColumn[], unwrapped: boolean, nullableRepresentation: string | undefined): protobuf.Type {
  if (unwrapped) {
    const schema = physicalConnectSchema(columns, true);
    if (schema.type === 'STRUCT') {
      const parsed = parseSchema('PROTOBUF', connectToProtobufSchema({ ...schema, optional: false }, { nullableRepresentation }), [], defaultRegistryLimits) as ParsedProtobuf;
      return messageFor(parsed, undefined);
    }
    if (isDecimalSchema(schema) || schema.name !== undefined || schema.type === 'ARRAY' || schema.type === 'MAP') {
      throw unsupported(`Unsupported root schema of type ${schema.type}`);
    }
    const wrapper = WRAPPER_FOR[schema.type]!;
    const text = `syntax = "proto3";\nimport "google/protobuf/wrappers.proto";\nmessage ${DEFAULT_NAME}1 { ${wrapper} value = 1; }\n`;
    const parsed = parseSchema('PROTOBUF', text, [], defaultRegistryLimits) as ParsedProtobuf;
    return parsed.root.lookupType(wrapper);
  }
  const parsed = parseSchema('PROTOBUF', columnsToProtobufSchema(columns, { nullableRepresentation }), [], defaultRegistryLimits) as ParsedProtobuf;
  return messageFor(parsed, undefined);
}

export interface ProtobufNoSrOptions {
  readonly target: SerdeTarget;
  readonly columns: readonly SerdeColumn[];
  readonly unwrapped: boolean;
  readonly topic: string;
  readonly unwrapPrimitives?: boolean;
  readonly nullableRepresentation?: string | undefined;
}

/** PROTOBUF_NOSR: the message derived from the columns, no header. */
export function createProtobufNoSrSerde(options: ProtobufNoSrOptions): RowSerde {
  const { columns, unwrapped, topic, target } = options;
  validateProtobufColumns(columns);
  const type = noSchemaType(columns, unwrapped, options.nullableRepresentation);
  const write = payloadWriter(type, columns, unwrapped);
  const read = payloadReader(type, columns, unwrapped, { unwrapPrimitives: options.unwrapPrimitives === true, nullableRepresentation: options.nullableRepresentation });
  const label = target === 'key' ? 'key' : 'value';
  return {
    format: 'PROTOBUF_NOSR',
    target,
    columns,
    serialize(values) {
      if (values === null) return null;
      try {
        return write(values);
      } catch (error) {
        throw new SluiceError('ENGINE_SERDE', `Error serializing message to topic: ${topic}. ${(error as Error).message}`, { topic }, { cause: error });
      }
    },
    deserialize(bytes) {
      if (bytes === null) return null;
      try {
        return read(bytes);
      } catch (error) {
        throw new SluiceError('ENGINE_SERDE', `Failed to deserialize ${label} from topic: ${topic}. ${(error as Error).message}`, { topic }, { cause: error });
      }
    },
  };
}

/** The registered schema's message type for a cached schema (memoised). */
export function protobufTypeOf(schema: CachedSchema, fullSchemaName?: string): protobuf.Type {
  return schema.memo(`protobuf:type:${fullSchemaName ?? ''}`, () => messageFor(schema.parsed as ParsedProtobuf, fullSchemaName));
}
