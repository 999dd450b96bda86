/**
 * Row shapes and name scopes. A `RowShape` is what flows between the steps of a query: key
 * columns and value columns (names, types, and the source alias each came from). A scope built
 * over a shape resolves names the way ksqlDB does: key columns first, then value columns; a
 * qualifier must name a source of the query; an unqualified name found in several sources is
 * ambiguous; the pseudo-columns ROWTIME, ROWPARTITION and ROWOFFSET come from the record, and
 * WINDOWSTART / WINDOWEND too when the rows are windowed.
 */
import {
  ROWOFFSET_NAME,
  ROWPARTITION_NAME,
  ROWTIME_NAME,
  WINDOWEND_NAME,
  WINDOWSTART_NAME,
  systemColumnType,
  type ColumnDef,
  type ColumnSource,
  type SqlType,
} from './deps.js';
import type { ColumnBinding, ResolveResult, Scope } from './expressions.js';

export interface RowColumn {
  readonly name: string;
  readonly type: SqlType;
  /** The alias of the source the column came from; null for computed columns. */
  readonly qualifier: string | null;
  /** The column's name in step schemas when it differs (join outputs: `<ALIAS>_<NAME>`). */
  readonly physicalName?: string;
  /**
   * A join side's copy of a pseudo-column or window bound (`L.ROWTIME`, `L.WINDOWSTART`): found
   * only through its qualifier, never listed by `*`.
   */
  readonly qualifiedOnly?: boolean;
}

export interface RowShape {
  readonly key: readonly RowColumn[];
  readonly value: readonly RowColumn[];
  /** The rows carry window bounds (windowed source or windowed aggregation). */
  readonly windowed: boolean;
}

export function shapeColumns(columns: readonly RowColumn[]): ColumnDef[] {
  return columns.map((c) => ({ name: c.physicalName ?? c.name, type: c.type }));
}

export interface ScopeOptions {
  /** Aliases of the query's sources (qualifiers that are valid). */
  readonly aliases: readonly string[];
  /** Pseudo-columns resolve (false inside aggregate outputs). */
  readonly pseudoColumns: boolean;
  /** WINDOWSTART / WINDOWEND resolve. */
  readonly windowBounds: boolean;
  /** Columns of the shape that may not be referenced by name (e.g. synthetic internal columns). */
  readonly hidden?: (name: string) => boolean;
}

/** A scope over a row shape. */
export class ShapeScope implements Scope {
  constructor(
    readonly shape: RowShape,
    readonly options: ScopeOptions,
  ) {}

  resolve(qualifier: string | undefined, name: string): ResolveResult {
    if (qualifier !== undefined && !this.options.aliases.includes(qualifier)) return { unknownQualifier: qualifier };
    const matches: ColumnBinding[] = [];
    const seenQualifiers = new Set<string>();
    const add = (c: RowColumn, source: ColumnSource, isKey: boolean): void => {
      if (this.options.hidden?.(c.name) === true) return;
      if (c.name !== name) return;
      if (c.qualifiedOnly === true && qualifier === undefined) return;
      if (qualifier !== undefined && c.qualifier !== null && c.qualifier !== qualifier) return;
      const q = c.qualifier ?? '';
      if (seenQualifiers.has(q)) return; // key first; a value copy of the same column is the same column
      seenQualifiers.add(q);
      matches.push({ name: c.name, qualifier: c.qualifier, type: c.type, source, isKey });
    };
    this.shape.key.forEach((c, index) => add(c, { kind: 'KEY', index }, true));
    this.shape.value.forEach((c, index) => add(c, { kind: 'VALUE', index }, false));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      const qualifiers = matches.map((m) => m.qualifier).filter((q): q is string => q !== null);
      if (qualifiers.length > 1) return { ambiguous: qualifiers };
      return matches[0];
    }
    return this.system(name, qualifier);
  }

  private system(name: string, qualifier: string | undefined): ColumnBinding | undefined {
    const type = systemColumnType(name);
    if (type === null) return undefined;
    const q = qualifier ?? null;
    switch (name) {
      case ROWTIME_NAME:
        return this.options.pseudoColumns ? { name, qualifier: q, type, source: { kind: 'ROWTIME' } } : undefined;
      case ROWPARTITION_NAME:
        return this.options.pseudoColumns ? { name, qualifier: q, type, source: { kind: 'ROWPARTITION' } } : undefined;
      case ROWOFFSET_NAME:
        return this.options.pseudoColumns ? { name, qualifier: q, type, source: { kind: 'ROWOFFSET' } } : undefined;
      case WINDOWSTART_NAME:
        return this.options.windowBounds ? { name, qualifier: q, type, source: { kind: 'WINDOWSTART' } } : undefined;
      case WINDOWEND_NAME:
        return this.options.windowBounds ? { name, qualifier: q, type, source: { kind: 'WINDOWEND' } } : undefined;
      default:
        return undefined;
    }
  }
}
