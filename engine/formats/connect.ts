/**
 * Kafka Connect's data model, which ksqlDB's AVRO, PROTOBUF and JSON_SR formats all go through:
 * SQL columns ⇄ Connect schema ⇄ registry schema, and registry data → Connect value → row value.
 *
 * - `sqlToConnectSchema` / `columnsToConnectSchema`: ksqlDB's SqlToConnectTypeConverter (every
 *   type optional; DECIMAL carries `scale` and `connect.decimal.precision`; DATE/TIME/TIMESTAMP are
 *   Connect's logical types).
 * - `connectToColumns`: ksqlDB's ConnectKsqlSchemaTranslator + ConnectToSqlConverter, for schema
 *   inference: INT8/INT16 → INTEGER, FLOAT32 → DOUBLE, map keys must be primitive and become
 *   STRING, unsupported fields are dropped, names upper-cased unless the original names are kept.
 * - `compileConnectReader`: ksqlDB's ConnectDataTranslator: a decoded Connect value (written with
 *   the record's schema) becomes the column's value, with the same accepted type pairs
 *   (`Cannot deserialize type int32 as type boolean for path: ->F`), case-insensitive struct
 *   fields and String.valueOf coercion to STRING.
 *
 * Connect values, as the format decoders produce them: INT8..INT64 and FLOAT32/64 numbers,
 * BOOLEAN boolean, STRING string, BYTES Buffer, Decimal a `Decimal`, Date days / Time millis of
 * the day / Timestamp epoch millis (numbers), ARRAY arrays, MAP `Map`, STRUCT plain objects keyed
 * by field name.
 */
import { SluiceError } from '../../common/index.js';
import {
  Decimal,
  ensureDecimalFit,
  formatSqlType,
  javaDoubleToString,
  quoteIdentifier,
  type SqlType,
} from '../types/index.js';
import type { SerdeColumn } from './serde.js';

export type ConnectType = 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FLOAT32' | 'FLOAT64' | 'BOOLEAN' | 'STRING' | 'BYTES' | 'ARRAY' | 'MAP' | 'STRUCT';

export interface ConnectField {
  readonly name: string;
  readonly schema: ConnectSchema;
}

export interface ConnectSchema {
  readonly type: ConnectType;
  readonly optional: boolean;
  readonly name?: string | undefined;
  readonly version?: number | undefined;
  readonly doc?: string | undefined;
  readonly parameters?: Readonly<Record<string, string>> | undefined;
  readonly fields?: readonly ConnectField[] | undefined;
  readonly keySchema?: ConnectSchema | undefined;
  readonly valueSchema?: ConnectSchema | undefined;
  /** A default value (Connect value form), when the registry schema declares one. */
  readonly defaultValue?: unknown;
}

export const DECIMAL_LOGICAL = 'org.apache.kafka.connect.data.Decimal';
export const DATE_LOGICAL = 'org.apache.kafka.connect.data.Date';
export const TIME_LOGICAL = 'org.apache.kafka.connect.data.Time';
export const TIMESTAMP_LOGICAL = 'org.apache.kafka.connect.data.Timestamp';
export const DECIMAL_SCALE_PARAMETER = 'scale';
export const DECIMAL_PRECISION_PARAMETER = 'connect.decimal.precision';
export const DECIMAL_PRECISION_DEFAULT = 64;

export function isDecimalSchema(schema: ConnectSchema): boolean {
  return schema.type === 'BYTES' && schema.name === DECIMAL_LOGICAL;
}

export function decimalScale(schema: ConnectSchema): number {
  return Number(schema.parameters?.[DECIMAL_SCALE_PARAMETER] ?? '0');
}

export function decimalPrecision(schema: ConnectSchema): number {
  const text = schema.parameters?.[DECIMAL_PRECISION_PARAMETER];
  return text === undefined ? DECIMAL_PRECISION_DEFAULT : Number(text);
}

export function decimalConnectSchema(precision: number, scale: number, optional = true): ConnectSchema {
  return {
    type: 'BYTES',
    optional,
    name: DECIMAL_LOGICAL,
    version: 1,
    parameters: { [DECIMAL_SCALE_PARAMETER]: String(scale), [DECIMAL_PRECISION_PARAMETER]: String(precision) },
  };
}

/** ksqlDB's SqlToConnectTypeConverter: every level optional. */
export function sqlToConnectSchema(type: SqlType): ConnectSchema {
  switch (type.kind) {
    case 'BOOLEAN':
      return { type: 'BOOLEAN', optional: true };
    case 'INTEGER':
      return { type: 'INT32', optional: true };
    case 'BIGINT':
      return { type: 'INT64', optional: true };
    case 'DOUBLE':
      return { type: 'FLOAT64', optional: true };
    case 'STRING':
      return { type: 'STRING', optional: true };
    case 'BYTES':
      return { type: 'BYTES', optional: true };
    case 'DECIMAL':
      return decimalConnectSchema(type.precision, type.scale);
    case 'DATE':
      return { type: 'INT32', optional: true, name: DATE_LOGICAL, version: 1 };
    case 'TIME':
      return { type: 'INT32', optional: true, name: TIME_LOGICAL, version: 1 };
    case 'TIMESTAMP':
      return { type: 'INT64', optional: true, name: TIMESTAMP_LOGICAL, version: 1 };
    case 'ARRAY':
      return { type: 'ARRAY', optional: true, valueSchema: sqlToConnectSchema(type.element) };
    case 'MAP':
      return { type: 'MAP', optional: true, keySchema: sqlToConnectSchema(type.key), valueSchema: sqlToConnectSchema(type.value) };
    case 'STRUCT':
      return { type: 'STRUCT', optional: true, fields: type.fields.map((f) => ({ name: f.name, schema: sqlToConnectSchema(f.type) })) };
  }
}

/** ksqlDB's ConnectSchemas.columnsToConnectSchema: a (required) struct, one field per column. */
export function columnsToConnectSchema(columns: readonly SerdeColumn[]): ConnectSchema {
  return { type: 'STRUCT', optional: false, fields: columns.map((c) => ({ name: c.name, schema: sqlToConnectSchema(c.type) })) };
}

/** The schema the serde writes: the single column's schema when unwrapped, else the struct. */
export function physicalConnectSchema(columns: readonly SerdeColumn[], unwrapped: boolean): ConnectSchema {
  const struct = columnsToConnectSchema(columns);
  if (!unwrapped) return struct;
  if (columns.length !== 1) throw new SluiceError('ENGINE_FORMAT_UNSUPPORTED', 'Unwrapping only valid for single columns');
  return struct.fields![0]!.schema;
}

/** `int32`, `struct`...: Connect's Schema.Type.getName(). */
export function connectTypeName(type: ConnectType): string {
  return type.toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Connect schema → SQL columns (schema inference).

export interface ConnectToColumnsOptions {
  /** Keep the field names as written (ksqlDB does when KEY/VALUE_SCHEMA_ID is given); default upper-case. */
  readonly originalFieldNames?: boolean;
  /** The subject is read unwrapped (UNWRAP_SINGLES): wrap it in a `ROWKEY` / `ROWVAL` column. */
  readonly unwrapped?: boolean;
  readonly target: 'key' | 'value';
}

class UnsupportedConnectType extends Error {}

/** Connect → SQL, as ConnectKsqlSchemaTranslator.toKsqlFieldSchema + ConnectToSqlConverter; null = dropped field. */
export function connectToSqlType(schema: ConnectSchema, originalFieldNames = false): SqlType {
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
      return { kind: 'INTEGER' };
    case 'INT32':
      if (schema.name === TIME_LOGICAL) return { kind: 'TIME' };
      if (schema.name === DATE_LOGICAL) return { kind: 'DATE' };
      return { kind: 'INTEGER' };
    case 'INT64':
      return schema.name === TIMESTAMP_LOGICAL ? { kind: 'TIMESTAMP' } : { kind: 'BIGINT' };
    case 'FLOAT32':
    case 'FLOAT64':
      return { kind: 'DOUBLE' };
    case 'STRING':
      return { kind: 'STRING' };
    case 'BOOLEAN':
      return { kind: 'BOOLEAN' };
    case 'BYTES':
      return isDecimalSchema(schema) ? { kind: 'DECIMAL', precision: decimalPrecision(schema), scale: decimalScale(schema) } : { kind: 'BYTES' };
    case 'ARRAY':
      return { kind: 'ARRAY', element: connectToSqlType(schema.valueSchema!, originalFieldNames) };
    case 'MAP': {
      const key = connectToSqlType(schema.keySchema!, originalFieldNames);
      if (!['INT8', 'INT16', 'INT32', 'INT64', 'BOOLEAN', 'STRING'].includes(connectKindOf(key, schema.keySchema!))) {
        throw new UnsupportedConnectType(`Unsupported type for map key: ${connectTypeName(connectKindOf(key, schema.keySchema!) as ConnectType)}`);
      }
      return { kind: 'MAP', key: { kind: 'STRING' }, value: connectToSqlType(schema.valueSchema!, originalFieldNames) };
    }
    case 'STRUCT': {
      const fields: { name: string; type: SqlType }[] = [];
      for (const field of schema.fields ?? []) {
        try {
          fields.push({ name: originalFieldNames ? field.name : field.name.toUpperCase(), type: connectToSqlType(field.schema, originalFieldNames) });
        } catch (error) {
          if (!(error instanceof UnsupportedConnectType)) throw error;
          // ksqlDB logs and drops fields of types it does not support.
        }
      }
      return { kind: 'STRUCT', fields };
    }
  }
}

function connectKindOf(sql: SqlType, connect: ConnectSchema): string {
  if (sql.kind === 'DATE' || sql.kind === 'TIME') return 'INT32';
  if (sql.kind === 'TIMESTAMP') return 'INT64';
  return connect.type;
}

/**
 * The columns a registry schema gives a source (ksqlDB's ConnectFormatSchemaTranslator.toColumns):
 * an unwrapped subject becomes one `ROWKEY` / `ROWVAL` column; the root must then be a struct.
 */
export function connectToColumns(schema: ConnectSchema, options: ConnectToColumnsOptions): SerdeColumn[] {
  let root = schema;
  if (options.unwrapped) {
    root = { type: 'STRUCT', optional: false, fields: [{ name: options.target === 'key' ? 'ROWKEY' : 'ROWVAL', schema }] };
  }
  if (root.type !== 'STRUCT') {
    if (options.target === 'key') throw new SluiceError('ENGINE_FORMAT_UNSUPPORTED', 'Key schemas are always unwrapped.');
    throw new SluiceError(
      'ENGINE_FORMAT_UNSUPPORTED',
      "Schema returned from schema registry is anonymous type. To use this schema with ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties.",
    );
  }
  let type: SqlType;
  try {
    type = connectToSqlType(root, options.originalFieldNames === true);
  } catch (error) {
    if (error instanceof UnsupportedConnectType) {
      throw new SluiceError('ENGINE_FORMAT_UNSUPPORTED', `Unsupported type at root of schema: ${error.message}`);
    }
    throw error;
  }
  const fields = (type as Extract<SqlType, { kind: 'STRUCT' }>).fields;
  if (fields.length === 0) {
    throw new SluiceError(
      'ENGINE_FORMAT_UNSUPPORTED',
      `Schema does not include any columns with types that ksqlDB supports.\nschema: ${describeConnect(schema)}`,
    );
  }
  return fields.map((f) => ({ name: f.name, type: f.type }));
}

function describeConnect(schema: ConnectSchema): string {
  if (schema.type === 'STRUCT') return (schema.fields ?? []).map((f) => `${quoteIdentifier(f.name)} ${describeConnect(f.schema)}`).join(', ');
  return schema.type;
}

// ---------------------------------------------------------------------------------------------
// Connect value → row value (ConnectDataTranslator).

export type ConnectReader = (value: unknown) => unknown;

function mismatch(path: string, ksql: ConnectType, writer: ConnectType): SluiceError {
  return new SluiceError(
    'ENGINE_SERDE',
    `Cannot deserialize type ${connectTypeName(writer)} as type ${connectTypeName(ksql)} for path: ${path}`,
    { expected: connectTypeName(ksql), found: connectTypeName(writer), path },
  );
}

function ksqlConnectType(type: SqlType): ConnectType {
  return sqlToConnectSchema(type).type;
}

const INT_TYPES: readonly ConnectType[] = ['INT32', 'INT16', 'INT8'];
const LONG_TYPES: readonly ConnectType[] = ['INT64', 'INT32', 'INT16', 'INT8'];
const DOUBLE_TYPES: readonly ConnectType[] = ['FLOAT32', 'FLOAT64'];
const STRING_TYPES: readonly ConnectType[] = ['INT8', 'INT16', 'INT32', 'INT64', 'FLOAT32', 'FLOAT64', 'BOOLEAN', 'STRING'];

/** Java's Float.toString (the shortest decimal that reads back as the same float). */
export function javaFloatToString(value: number): string {
  if (!Number.isFinite(value) || value === 0) return javaDoubleToString(value);
  const f = Math.fround(value);
  for (let digits = 1; digits <= 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(Number(text)) === f) return javaDoubleToString(Number(text));
  }
  return javaDoubleToString(f);
}

function stringOf(value: unknown, writer: ConnectSchema): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (writer.type === 'FLOAT64') return javaDoubleToString(value);
    if (writer.type === 'FLOAT32') return javaFloatToString(value);
    return String(value);
  }
  return String(value);
}

/**
 * Compiles the conversion of values written with `writer` into values of the column type `ksql`
 * (ksqlDB's ConnectDataTranslator.toKsqlValue). Throws ENGINE_SERDE on a type mismatch.
 */
export function compileConnectReader(ksql: SqlType, writer: ConnectSchema, path = ''): ConnectReader {
  const expected = ksqlConnectType(ksql);
  const check = (accepted: readonly ConnectType[]): void => {
    if (!accepted.includes(writer.type)) throw mismatch(path, expected, writer.type);
  };
  switch (ksql.kind) {
    case 'BOOLEAN':
      check(['BOOLEAN']);
      return (v) => v;
    case 'INTEGER':
    case 'DATE':
    case 'TIME':
      check(INT_TYPES);
      return (v) => (v === null || v === undefined ? null : Number(v) | 0);
    case 'BIGINT':
    case 'TIMESTAMP':
      check(LONG_TYPES);
      return (v) => (v === null || v === undefined ? null : Number(v));
    case 'DOUBLE':
      check(DOUBLE_TYPES);
      return (v) => (v === null || v === undefined ? null : Number(v));
    case 'STRING':
      check(STRING_TYPES);
      return (v) => (v === null || v === undefined ? null : stringOf(v, writer));
    case 'BYTES':
      check(['BYTES']);
      return (v) => v ?? null;
    case 'DECIMAL': {
      check(['BYTES']);
      const { precision, scale } = ksql;
      return (v) => {
        if (v === null || v === undefined) return null;
        if (!(v instanceof Decimal)) {
          throw new SluiceError('ENGINE_SERDE', `Cannot deserialize type bytes as type DECIMAL(${precision}, ${scale}) for path: ${path}`, { path });
        }
        try {
          return ensureDecimalFit(v, precision, scale);
        } catch (error) {
          throw new SluiceError('ENGINE_SERDE', (error as Error).message, { path }, { cause: error });
        }
      };
    }
    case 'ARRAY': {
      check(['ARRAY']);
      const element = compileConnectReader(ksql.element, writer.valueSchema!, `${path}->ARRAY`);
      return (v) => {
        if (v === null || v === undefined) return null;
        const items = v as unknown[];
        const out = new Array<unknown>(items.length);
        for (let i = 0; i < items.length; i++) out[i] = element(items[i]);
        return out;
      };
    }
    case 'MAP': {
      check(['MAP']);
      const key = compileConnectReader(ksql.key, writer.keySchema!, `${path}->MAP_KEY`);
      const value = compileConnectReader(ksql.value, writer.valueSchema!, `${path}->MAP_VAL`);
      return (v) => {
        if (v === null || v === undefined) return null;
        const out = new Map<unknown, unknown>();
        for (const [k, item] of v as Map<unknown, unknown>) out.set(key(k), value(item));
        return out;
      };
    }
    case 'STRUCT': {
      check(['STRUCT']);
      const byName = new Map(ksql.fields.map((f, i) => [f.name, i] as const));
      const plan: { writerName: string; index: number; read: ConnectReader }[] = [];
      for (const field of writer.fields ?? []) {
        const index = byName.get(field.name) ?? byName.get(field.name.toUpperCase());
        if (index === undefined) continue;
        const target = ksql.fields[index]!;
        plan.push({ writerName: field.name, index, read: compileConnectReader(target.type, field.schema, `${path}->${target.name}`) });
      }
      const names = ksql.fields.map((f) => f.name);
      return (v) => {
        if (v === null || v === undefined) return null;
        const source = v as Record<string, unknown>;
        const values = new Array<unknown>(names.length).fill(null);
        for (const step of plan) {
          const item = source[step.writerName];
          values[step.index] = item === undefined ? null : step.read(item);
        }
        const out: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) out[names[i]!] = values[i];
        return out;
      };
    }
  }
}

/**
 * A row reader: a decoded Connect value of the whole key/value → the column values. Wrapped: the
 * writer must be a struct (fields matched as struct fields); unwrapped: the value is the column.
 */
export function compileRowReader(columns: readonly SerdeColumn[], writer: ConnectSchema, unwrapped: boolean): (value: unknown) => unknown[] | null {
  if (unwrapped) {
    const read = compileConnectReader(columns[0]!.type, writer);
    return (v) => [v === null || v === undefined ? null : read(v)];
  }
  const struct: SqlType = { kind: 'STRUCT', fields: columns.map((c) => ({ name: c.name, type: c.type })) };
  const read = compileConnectReader(struct, writer);
  const names = columns.map((c) => c.name);
  return (v) => {
    if (v === null || v === undefined) return null;
    const row = read(v) as Record<string, unknown>;
    return names.map((n) => row[n] ?? null);
  };
}

/** Values of several columns as one struct value (the wrapped form a writer takes). */
export function rowToStruct(columns: readonly SerdeColumn[], values: readonly unknown[]): Record<string, unknown> {
  if (values.length !== columns.length) {
    throw new SluiceError('ENGINE_SERDE', `Column count mismatch on serialization. expected: ${columns.length}, got: ${values.length}`);
  }
  const out: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) out[columns[i]!.name] = values[i] ?? null;
  return out;
}

/** `STRUCT<...>` text of columns, for messages. */
export function columnsText(columns: readonly SerdeColumn[]): string {
  return columns.map((c) => `${quoteIdentifier(c.name)} ${formatSqlType(c.type)}`).join(', ');
}

/** Whether a SQL type contains a MAP whose key is not a STRING (AVRO/PROTOBUF/JSON_SR reject it). */
export function containsNonStringMapKey(type: SqlType): boolean {
  switch (type.kind) {
    case 'MAP':
      return type.key.kind !== 'STRING' || containsNonStringMapKey(type.value);
    case 'ARRAY':
      return containsNonStringMapKey(type.element);
    case 'STRUCT':
      return type.fields.some((f) => containsNonStringMapKey(f.type));
    default:
      return false;
  }
}
