/**
 * Row values (engine/types run-time representation) to the JSON ksqlDB's REST API writes, and SQL
 * types to the texts and schema objects the API uses.
 *
 * Values: BOOLEAN/INTEGER/BIGINT as JSON numbers and booleans; DOUBLE as Java prints it (`3.0`;
 * NaN and infinities as strings); DECIMAL as an exact JSON number (`1.50`); STRING; BYTES as
 * base64; DATE `yyyy-MM-dd`, TIME `HH:mm[:ss]`, TIMESTAMP `yyyy-MM-ddTHH:mm:ss.SSS` (strings);
 * ARRAY as an array; MAP and STRUCT as objects (struct fields in declared order).
 * The writers build JSON text directly so that DECIMAL digits are never rounded through a double.
 */
import {
  bytesToBase64,
  formatDate,
  formatTime,
  formatTimestamp,
  isDecimal,
  javaDoubleToString,
  type SqlType,
} from '../../engine/types/index.js';

export type ValueWriter = (value: unknown) => string;

function numberText(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  if (typeof value === 'bigint') return value.toString();
  if (isDecimal(value)) return value.toString();
  return JSON.stringify(value);
}

function doubleText(value: unknown): string {
  if (typeof value !== 'number') return numberText(value);
  return Number.isFinite(value) ? javaDoubleToString(value) : JSON.stringify(javaDoubleToString(value));
}

function mapKeyText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isDecimal(value)) return value.toString();
  return String(value);
}

/** A writer for values of `type` (null-safe). */
export function compileValueWriter(type: SqlType): ValueWriter {
  let write: ValueWriter;
  switch (type.kind) {
    case 'BOOLEAN':
      write = (v) => (v === true ? 'true' : v === false ? 'false' : JSON.stringify(v));
      break;
    case 'INTEGER':
    case 'BIGINT':
      write = numberText;
      break;
    case 'DOUBLE':
      write = doubleText;
      break;
    case 'DECIMAL':
      write = (v) => (isDecimal(v) ? v.toString() : numberText(v));
      break;
    case 'STRING':
      write = (v) => JSON.stringify(typeof v === 'string' ? v : String(v));
      break;
    case 'BYTES':
      write = (v) => (v instanceof Uint8Array ? JSON.stringify(bytesToBase64(v)) : JSON.stringify(String(v)));
      break;
    case 'DATE':
      write = (v) => (typeof v === 'number' ? JSON.stringify(formatDate(v)) : JSON.stringify(String(v)));
      break;
    case 'TIME':
      write = (v) => (typeof v === 'number' ? JSON.stringify(formatTime(v)) : JSON.stringify(String(v)));
      break;
    case 'TIMESTAMP':
      write = (v) => (typeof v === 'number' ? JSON.stringify(formatTimestamp(v)) : JSON.stringify(String(v)));
      break;
    case 'ARRAY': {
      const element = compileValueWriter(type.element);
      write = (v) => {
        if (!Array.isArray(v)) return JSON.stringify(v);
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + element(v[i]);
        return out + ']';
      };
      break;
    }
    case 'MAP': {
      const value = compileValueWriter(type.value);
      write = (v) => {
        const entries: Iterable<[unknown, unknown]> = v instanceof Map ? v.entries() : Object.entries(v as object);
        let out = '{';
        let first = true;
        for (const [k, e] of entries) {
          out += (first ? '' : ',') + JSON.stringify(mapKeyText(k)) + ':' + value(e);
          first = false;
        }
        return out + '}';
      };
      break;
    }
    case 'STRUCT': {
      const fields = type.fields.map((f) => ({ name: JSON.stringify(f.name), key: f.name, write: compileValueWriter(f.type) }));
      write = (v) => {
        const o = v as Record<string, unknown>;
        let out = '{';
        for (let i = 0; i < fields.length; i++) {
          const f = fields[i]!;
          out += (i > 0 ? ',' : '') + f.name + ':' + f.write(o[f.key]);
        }
        return out + '}';
      };
      break;
    }
  }
  return (v) => (v === null || v === undefined ? 'null' : write(v));
}

/** A writer for whole rows: `[v1,v2,...]` in column order. */
export function compileRowWriter(types: readonly SqlType[]): (row: readonly unknown[]) => string {
  const writers = types.map(compileValueWriter);
  return (row) => {
    let out = '[';
    for (let i = 0; i < writers.length; i++) out += (i > 0 ? ',' : '') + writers[i]!(row[i]);
    return out + ']';
  };
}

/**
 * A column type as `/query-stream` headers print it: `STRING`, `DECIMAL(10, 2)`,
 * `ARRAY<STRING>`, `MAP<STRING, INTEGER>`, `STRUCT<A STRING, B INTEGER>` (no backticks).
 */
export function columnTypeText(type: SqlType): string {
  switch (type.kind) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'ARRAY':
      return `ARRAY<${columnTypeText(type.element)}>`;
    case 'MAP':
      return `MAP<${columnTypeText(type.key)}, ${columnTypeText(type.value)}>`;
    case 'STRUCT':
      return `STRUCT<${type.fields.map((f) => `${f.name} ${columnTypeText(f.type)}`).join(', ')}>`;
    default:
      return type.kind;
  }
}

/**
 * A column type as the schema strings of `/query` headers print it (```ID` STRING KEY, `V` DOUBLE``):
 * struct fields are backticked there.
 */
export function schemaTypeText(type: SqlType): string {
  switch (type.kind) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'ARRAY':
      return `ARRAY<${schemaTypeText(type.element)}>`;
    case 'MAP':
      return `MAP<${schemaTypeText(type.key)}, ${schemaTypeText(type.value)}>`;
    case 'STRUCT':
      return `STRUCT<${type.fields.map((f) => `\`${f.name}\` ${schemaTypeText(f.type)}`).join(', ')}>`;
    default:
      return type.kind;
  }
}

/** ksqlDB's SchemaInfo JSON: `{"type","fields","memberSchema"}` (+ `parameters` for DECIMAL). */
export interface SchemaInfo {
  type: string;
  fields: Array<{ name: string; schema: SchemaInfo }> | null;
  memberSchema: SchemaInfo | null;
  parameters?: Record<string, unknown>;
}

export function schemaInfo(type: SqlType): SchemaInfo {
  switch (type.kind) {
    case 'DECIMAL':
      return { type: 'DECIMAL', fields: null, memberSchema: null, parameters: { precision: type.precision, scale: type.scale } };
    case 'ARRAY':
      return { type: 'ARRAY', fields: null, memberSchema: schemaInfo(type.element) };
    case 'MAP':
      return { type: 'MAP', fields: null, memberSchema: schemaInfo(type.value) };
    case 'STRUCT':
      return { type: 'STRUCT', fields: type.fields.map((f) => ({ name: f.name, schema: schemaInfo(f.type) })), memberSchema: null };
    default:
      return { type: type.kind, fields: null, memberSchema: null };
  }
}
