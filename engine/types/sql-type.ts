/**
 * SQL types, as ksqlDB has them, and how their values are represented at run time.
 *
 * | SQL type          | JS value                                                          |
 * | ----------------- | ----------------------------------------------------------------- |
 * | BOOLEAN           | boolean                                                           |
 * | INT (INTEGER)     | number, a 32-bit integer (arithmetic wraps as Java's int does)    |
 * | BIGINT            | number, an integer (exact up to 2^53; see README compatibility)   |
 * | DOUBLE            | number                                                            |
 * | DECIMAL(p, s)     | Decimal (exact: bigint unscaled value + scale)                    |
 * | STRING / VARCHAR  | string                                                            |
 * | BYTES             | Buffer                                                            |
 * | DATE              | number: days since 1970-01-01                                     |
 * | TIME              | number: milliseconds since midnight                               |
 * | TIMESTAMP         | number: milliseconds since the epoch, UTC                         |
 * | ARRAY<T>          | Array of values (elements may be null)                            |
 * | MAP<K, V>         | Map<K value, V value> (insertion order kept)                      |
 * | STRUCT<a T, ...>  | plain object { a: value, ... } with fields in declared order      |
 * | any type, missing | null (never undefined)                                            |
 */

export type SqlType =
  | { kind: 'BOOLEAN' }
  | { kind: 'INTEGER' }
  | { kind: 'BIGINT' }
  | { kind: 'DOUBLE' }
  | { kind: 'DECIMAL'; precision: number; scale: number }
  | { kind: 'STRING' }
  | { kind: 'BYTES' }
  | { kind: 'DATE' }
  | { kind: 'TIME' }
  | { kind: 'TIMESTAMP' }
  | { kind: 'ARRAY'; element: SqlType }
  | { kind: 'MAP'; key: SqlType; value: SqlType }
  | { kind: 'STRUCT'; fields: readonly StructField[] };

export type SqlTypeKind = SqlType['kind'];

export interface StructField {
  name: string;
  type: SqlType;
}

export const BOOLEAN: SqlType = Object.freeze({ kind: 'BOOLEAN' });
export const INTEGER: SqlType = Object.freeze({ kind: 'INTEGER' });
export const BIGINT: SqlType = Object.freeze({ kind: 'BIGINT' });
export const DOUBLE: SqlType = Object.freeze({ kind: 'DOUBLE' });
export const STRING: SqlType = Object.freeze({ kind: 'STRING' });
export const BYTES: SqlType = Object.freeze({ kind: 'BYTES' });
export const DATE: SqlType = Object.freeze({ kind: 'DATE' });
export const TIME: SqlType = Object.freeze({ kind: 'TIME' });
export const TIMESTAMP: SqlType = Object.freeze({ kind: 'TIMESTAMP' });

export function decimalType(precision: number, scale: number): SqlType {
  return { kind: 'DECIMAL', precision, scale };
}
export function arrayType(element: SqlType): SqlType {
  return { kind: 'ARRAY', element };
}
export function mapType(key: SqlType, value: SqlType): SqlType {
  return { kind: 'MAP', key, value };
}
export function structType(fields: readonly StructField[]): SqlType {
  return { kind: 'STRUCT', fields };
}

export function isNumericType(type: SqlType): boolean {
  return type.kind === 'INTEGER' || type.kind === 'BIGINT' || type.kind === 'DOUBLE' || type.kind === 'DECIMAL';
}

export function isPrimitiveType(type: SqlType): boolean {
  return type.kind !== 'ARRAY' && type.kind !== 'MAP' && type.kind !== 'STRUCT';
}

/** Structural equality (struct field names compared exactly). */
export function sqlTypesEqual(a: SqlType, b: SqlType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'DECIMAL': {
      const other = b as Extract<SqlType, { kind: 'DECIMAL' }>;
      return a.precision === other.precision && a.scale === other.scale;
    }
    case 'ARRAY':
      return sqlTypesEqual(a.element, (b as Extract<SqlType, { kind: 'ARRAY' }>).element);
    case 'MAP': {
      const other = b as Extract<SqlType, { kind: 'MAP' }>;
      return sqlTypesEqual(a.key, other.key) && sqlTypesEqual(a.value, other.value);
    }
    case 'STRUCT': {
      const other = b as Extract<SqlType, { kind: 'STRUCT' }>;
      return (
        a.fields.length === other.fields.length &&
        a.fields.every((f, i) => f.name === other.fields[i]!.name && sqlTypesEqual(f.type, other.fields[i]!.type))
      );
    }
    default:
      return true;
  }
}

/**
 * The type as ksqlDB prints it in schemas and DESCRIBE (`INTEGER`, `DECIMAL(4, 2)`,
 * `ARRAY<STRING>`, `MAP<STRING, BIGINT>`, ``STRUCT<`A` INTEGER, `B` STRING>``).
 */
export function formatSqlType(type: SqlType): string {
  switch (type.kind) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'ARRAY':
      return `ARRAY<${formatSqlType(type.element)}>`;
    case 'MAP':
      return `MAP<${formatSqlType(type.key)}, ${formatSqlType(type.value)}>`;
    case 'STRUCT':
      return `STRUCT<${type.fields.map((f) => `\`${f.name}\` ${formatSqlType(f.type)}`).join(', ')}>`;
    default:
      return type.kind;
  }
}
