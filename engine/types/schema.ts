/**
 * LogicalSchema: the columns of a stream or table, as ksqlDB models them.
 *
 * Columns keep the order they were declared in (ksqlDB keeps one list), each with a namespace
 * (KEY, VALUE or HEADERS), its index within that namespace and, for `HEADER('k')` columns, the
 * header key. `toString()` prints the schema as ksqlDB does in REST headers and errors:
 * ``"`ID` STRING KEY, `COUNT` BIGINT, `H` BYTES HEADER('k')"``.
 *
 * Pseudo-columns (ROWTIME, ROWPARTITION, ROWOFFSET) and window bounds (WINDOWSTART, WINDOWEND) are
 * not part of a source's schema; `withPseudoAndKeyColumnsInValue` builds the schema the query
 * engine works on (ksqlDB's `withPseudoAndKeyColsInValue`), with them copied into the value.
 */

import { SluiceError } from '../../common/index.js';
import { BIGINT, BYTES, INTEGER, STRING, arrayType, formatSqlType, sqlTypesEqual, structType, type SqlType } from './sql-type.js';

export type ColumnNamespace = 'KEY' | 'VALUE' | 'HEADERS';

export interface Column {
  readonly name: string;
  readonly type: SqlType;
  readonly namespace: ColumnNamespace;
  /** Position within its namespace. */
  readonly index: number;
  /** For `HEADER('k')` columns: the header key. Absent for `HEADERS` (all headers) columns. */
  readonly headerKey?: string;
}

/** Plain name + type, what serdes and operators need. */
export interface SimpleColumn {
  readonly name: string;
  readonly type: SqlType;
}

// ---- system columns (ksqlDB's SystemColumns) ----

export const ROWTIME_NAME = 'ROWTIME';
export const ROWPARTITION_NAME = 'ROWPARTITION';
export const ROWOFFSET_NAME = 'ROWOFFSET';
export const WINDOWSTART_NAME = 'WINDOWSTART';
export const WINDOWEND_NAME = 'WINDOWEND';
export const ROWKEY_NAME = 'ROWKEY';

export const ROWTIME_TYPE = BIGINT;
export const ROWPARTITION_TYPE = INTEGER;
export const ROWOFFSET_TYPE = BIGINT;
export const WINDOWBOUND_TYPE = BIGINT;
/** Type of a `HEADERS` column: ARRAY<STRUCT<KEY STRING, VALUE BYTES>>. */
export const HEADERS_TYPE: SqlType = arrayType(
  structType([
    { name: 'KEY', type: STRING },
    { name: 'VALUE', type: BYTES },
  ]),
);

/** Pseudo-column version 0 had only ROWTIME; version 1 (current) adds ROWPARTITION and ROWOFFSET. */
export const CURRENT_PSEUDOCOLUMN_VERSION = 1;

export function pseudoColumnNames(version = CURRENT_PSEUDOCOLUMN_VERSION): readonly string[] {
  return version >= 1 ? [ROWTIME_NAME, ROWPARTITION_NAME, ROWOFFSET_NAME] : [ROWTIME_NAME];
}

export function isPseudoColumn(name: string, version = CURRENT_PSEUDOCOLUMN_VERSION): boolean {
  return pseudoColumnNames(version).includes(name);
}

export function isWindowBound(name: string): boolean {
  return name === WINDOWSTART_NAME || name === WINDOWEND_NAME;
}

/** Pseudo-columns and window bounds: names a user may not declare. */
export function isSystemColumn(name: string, version = CURRENT_PSEUDOCOLUMN_VERSION): boolean {
  return isPseudoColumn(name, version) || isWindowBound(name);
}

/** The type of a pseudo-column or window bound, or null. */
export function systemColumnType(name: string): SqlType | null {
  switch (name) {
    case ROWTIME_NAME:
      return ROWTIME_TYPE;
    case ROWPARTITION_NAME:
      return ROWPARTITION_TYPE;
    case ROWOFFSET_NAME:
      return ROWOFFSET_TYPE;
    case WINDOWSTART_NAME:
    case WINDOWEND_NAME:
      return WINDOWBOUND_TYPE;
    default:
      return null;
  }
}

/** An identifier as ksqlDB prints it in schemas: back-ticked (inner back-ticks doubled). */
export function quoteIdentifier(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** ksqlDB's Column.toString: ``"`NAME` TYPE[ KEY| HEADERS| HEADER('k')]"``. */
export function formatColumn(c: Column): string {
  let ns = '';
  if (c.namespace === 'HEADERS' && c.headerKey !== undefined) ns = ` HEADER('${c.headerKey}')`;
  else if (c.namespace !== 'VALUE') ns = ' ' + c.namespace;
  return `${quoteIdentifier(c.name)} ${formatSqlType(c.type)}${ns}`;
}

export class LogicalSchema {
  /** All columns, in declaration order. */
  readonly columns: readonly Column[];
  readonly key: readonly Column[];
  readonly value: readonly Column[];
  readonly headers: readonly Column[];

  private constructor(columns: readonly Column[]) {
    this.columns = Object.freeze(columns.slice());
    this.key = Object.freeze(columns.filter((c) => c.namespace === 'KEY'));
    this.value = Object.freeze(columns.filter((c) => c.namespace === 'VALUE'));
    this.headers = Object.freeze(columns.filter((c) => c.namespace === 'HEADERS'));
  }

  static builder(): LogicalSchemaBuilder {
    return new LogicalSchemaBuilder();
  }

  /** Builds from columns (namespace indexes are recomputed). Duplicates throw as the builder does. */
  static of(columns: readonly Pick<Column, 'name' | 'type' | 'namespace' | 'headerKey'>[]): LogicalSchema {
    const b = new LogicalSchemaBuilder();
    for (const c of columns) b.add(c.namespace, c.name, c.type, c.headerKey);
    return b.build();
  }

  /** @internal used by the builder. */
  static fromColumns(columns: readonly Column[]): LogicalSchema {
    return new LogicalSchema(columns);
  }

  /** Finds a column by exact name: key first, then value, then headers (as ksqlDB's findColumn). */
  findColumn(name: string): Column | undefined {
    return this.columns.find((c) => c.name === name);
  }

  findValueColumn(name: string): Column | undefined {
    return this.value.find((c) => c.name === name);
  }

  findKeyColumn(name: string): Column | undefined {
    return this.key.find((c) => c.name === name);
  }

  isKeyColumn(name: string): boolean {
    return this.key.some((c) => c.name === name);
  }

  isHeaderColumn(name: string): boolean {
    return this.headers.some((c) => c.name === name);
  }

  /** Key columns as name + type (what a key serde needs). */
  keySimpleColumns(): SimpleColumn[] {
    return this.key.map((c) => ({ name: c.name, type: c.type }));
  }

  /** Value columns as name + type (what a value serde needs). */
  valueSimpleColumns(): SimpleColumn[] {
    return this.value.map((c) => ({ name: c.name, type: c.type }));
  }

  /**
   * ksqlDB's withPseudoAndKeyColsInValue: key columns; the value columns; header columns; then into
   * the value: copies of the header columns, ROWTIME (+ ROWPARTITION, ROWOFFSET for version >= 1),
   * copies of the key columns, and WINDOWSTART/WINDOWEND when windowed. Pseudo-columns already in
   * the value are dropped first, so the call is idempotent.
   */
  withPseudoAndKeyColumnsInValue(windowed: boolean, pseudoColumnVersion = CURRENT_PSEUDOCOLUMN_VERSION): LogicalSchema {
    const b = new LogicalSchemaBuilder();
    for (const c of this.key) b.key(c.name, c.type);
    const keyNames = new Set(this.key.map((c) => c.name));
    const headerNames = new Set(this.headers.map((c) => c.name));
    for (const c of this.value) {
      if (isSystemColumn(c.name, pseudoColumnVersion) || keyNames.has(c.name) || headerNames.has(c.name)) continue;
      b.value(c.name, c.type);
    }
    for (const c of this.headers) b.header(c.name, c.headerKey);
    for (const c of this.headers) b.value(c.name, c.type);
    for (const name of pseudoColumnNames(pseudoColumnVersion)) b.value(name, systemColumnType(name)!);
    for (const c of this.key) b.value(c.name, c.type);
    if (windowed) {
      b.value(WINDOWSTART_NAME, WINDOWBOUND_TYPE);
      b.value(WINDOWEND_NAME, WINDOWBOUND_TYPE);
    }
    return b.build();
  }

  /** The inverse: drops pseudo-columns, window bounds and copies of key/header columns from the value. */
  withoutPseudoAndKeyColumnsInValue(pseudoColumnVersion = CURRENT_PSEUDOCOLUMN_VERSION): LogicalSchema {
    const keyNames = new Set(this.key.map((c) => c.name));
    const headerNames = new Set(this.headers.map((c) => c.name));
    const b = new LogicalSchemaBuilder();
    for (const c of this.columns) {
      if (c.namespace === 'VALUE' && (isSystemColumn(c.name, pseudoColumnVersion) || keyNames.has(c.name) || headerNames.has(c.name))) continue;
      b.add(c.namespace, c.name, c.type, c.headerKey);
    }
    return b.build();
  }

  /** Same columns in the same order, ignoring types (ksqlDB's equalsIgnoreType per column). */
  sameColumnNames(other: LogicalSchema): boolean {
    return (
      this.columns.length === other.columns.length &&
      this.columns.every((c, i) => {
        const o = other.columns[i]!;
        return c.name === o.name && c.namespace === o.namespace && c.headerKey === o.headerKey;
      })
    );
  }

  equals(other: LogicalSchema): boolean {
    return this.sameColumnNames(other) && this.columns.every((c, i) => sqlTypesEqual(c.type, other.columns[i]!.type));
  }

  /** ksqlDB's LogicalSchema.toString: ``"`ID` STRING KEY, `COUNT` BIGINT"``. */
  toString(): string {
    return this.columns.map(formatColumn).join(', ');
  }

  toJSON(): unknown {
    return this.columns.map((c) => ({
      name: c.name,
      type: formatSqlType(c.type),
      namespace: c.namespace,
      ...(c.headerKey !== undefined ? { headerKey: c.headerKey } : {}),
    }));
  }
}

export class LogicalSchemaBuilder {
  private readonly columns: Column[] = [];
  private readonly seen: Record<ColumnNamespace, Set<string>> = { KEY: new Set(), VALUE: new Set(), HEADERS: new Set() };
  private readonly headerKeys = new Set<string | null>();

  key(name: string, type: SqlType): this {
    return this.add('KEY', name, type);
  }

  value(name: string, type: SqlType): this {
    return this.add('VALUE', name, type);
  }

  /** A `HEADERS` column (all headers, ARRAY<STRUCT<KEY STRING, VALUE BYTES>>) or `HEADER('k')` (BYTES). */
  header(name: string, headerKey?: string): this {
    return this.add('HEADERS', name, headerKey === undefined ? HEADERS_TYPE : BYTES, headerKey);
  }

  add(namespace: ColumnNamespace, name: string, type: SqlType, headerKey?: string): this {
    const seen = this.seen[namespace];
    const index = seen.size;
    const column: Column =
      namespace === 'HEADERS' && headerKey !== undefined
        ? { name, type: BYTES, namespace, index, headerKey }
        : namespace === 'HEADERS'
          ? { name, type: HEADERS_TYPE, namespace, index }
          : { name, type, namespace, index };
    if (seen.has(name)) {
      throw new SluiceError('SQL_ANALYSIS', `Duplicate ${namespace.toLowerCase()} columns found in schema: ${formatColumn(column)}`, {
        found: name,
      });
    }
    if (namespace === 'HEADERS') {
      if (this.headerKeys.has(null)) throw new SluiceError('SQL_ANALYSIS', 'Schema already contains a HEADERS column.');
      if (headerKey !== undefined) {
        if (this.headerKeys.has(headerKey)) throw new SluiceError('SQL_ANALYSIS', `Schema already contains a HEADER('${headerKey}') column.`);
        this.headerKeys.add(headerKey);
      } else {
        this.headerKeys.add(null);
      }
    }
    seen.add(name);
    this.columns.push(column);
    return this;
  }

  build(): LogicalSchema {
    return LogicalSchema.fromColumns(this.columns);
  }
}
