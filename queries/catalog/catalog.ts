/**
 * The metastore: streams, tables, custom types and persistent queries. A `Catalog` is an
 * immutable snapshot; every change returns a new one (copy on write), so a statement can be
 * validated against a sandbox copy and the live catalog swapped only when it succeeds.
 */
import { SluiceError } from '../../common/index.js';
import type { SqlType } from '../../engine/types/index.js';
import type { ColumnDef, FormatSpec, QueryPlan, TimestampSpec } from '../../engine/steps/index.js';

export type SourceKind = 'STREAM' | 'TABLE';
export type WindowKind = 'TUMBLING' | 'HOPPING' | 'SESSION';

export interface HeaderColumnDef extends ColumnDef {
  /** null: all headers (ARRAY<STRUCT<KEY STRING, VALUE BYTES>>); else one header's key. */
  headerKey: string | null;
}

export interface DataSource {
  /** Name as resolved (unquoted names upper-cased). */
  name: string;
  kind: SourceKind;
  topic: string;
  keyColumns: ColumnDef[];
  valueColumns: ColumnDef[];
  /** Header columns, in the order they appear among the value columns of `valueColumns`. */
  headerColumns: HeaderColumnDef[];
  keyFormat: FormatSpec;
  valueFormat: FormatSpec;
  /** Windowed key (tables from windowed aggregations, or WINDOW_TYPE on CREATE). */
  window: { kind: WindowKind; sizeMs: number | null } | null;
  timestamp: TimestampSpec;
  /** CREATE SOURCE STREAM/TABLE: read-only, materialized for pull queries. */
  isSource: boolean;
  /** The statement that created it, as the user wrote it. */
  sqlText: string;
  /** The persistent query writing into it (CSAS/CTAS), if any. */
  writerQueryId: string | null;
  /** WITH properties as given (upper-cased keys), for DESCRIBE EXTENDED. */
  properties: Record<string, string>;
  /**
   * Every column name in declaration order, as DESCRIBE lists them (ksqlDB keeps one list across
   * key, value and header columns). Absent: key columns, then value columns.
   */
  columnOrder?: string[];
}

export type QueryState = 'RUNNING' | 'PAUSED' | 'ERROR' | 'UNRESPONSIVE';

export interface PersistentQuery {
  id: string;
  sqlText: string;
  /** The sink source's name (CSAS/CTAS/INSERT INTO). */
  sinkName: string;
  sourceNames: string[];
  plan: QueryPlan;
  state: QueryState;
}

export interface CustomType {
  name: string;
  type: SqlType;
}

export class Catalog {
  private constructor(
    private readonly sources: ReadonlyMap<string, DataSource>,
    private readonly types: ReadonlyMap<string, CustomType>,
    private readonly queries: ReadonlyMap<string, PersistentQuery>,
    /** Next number for generated query ids (CSAS_X_1, CTAS_Y_2, INSERTQUERY_3...). */
    readonly nextQueryNumber: number,
  ) {}

  static empty(): Catalog {
    return new Catalog(new Map(), new Map(), new Map(), 1);
  }

  // ---- sources ----
  source(name: string): DataSource | undefined {
    return this.sources.get(name);
  }
  requireSource(name: string, kind?: SourceKind): DataSource {
    const source = this.sources.get(name);
    if (!source || (kind !== undefined && source.kind !== kind)) {
      throw new SluiceError('SQL_SOURCE_NOT_FOUND', `${kind ? `${kind[0]}${kind.slice(1).toLowerCase()}` : 'Source'} ${name} does not exist.`, {
        expected: `an existing ${kind ?? 'stream or table'}`,
        found: name,
      });
    }
    return source;
  }
  allSources(): DataSource[] {
    return [...this.sources.values()];
  }
  withSource(source: DataSource): Catalog {
    const sources = new Map(this.sources);
    sources.set(source.name, source);
    return new Catalog(sources, this.types, this.queries, this.nextQueryNumber);
  }
  withoutSource(name: string): Catalog {
    const sources = new Map(this.sources);
    sources.delete(name);
    return new Catalog(sources, this.types, this.queries, this.nextQueryNumber);
  }

  // ---- types ----
  customType(name: string): CustomType | undefined {
    return this.types.get(name);
  }
  allTypes(): CustomType[] {
    return [...this.types.values()];
  }
  withType(type: CustomType): Catalog {
    const types = new Map(this.types);
    types.set(type.name, type);
    return new Catalog(this.sources, types, this.queries, this.nextQueryNumber);
  }
  withoutType(name: string): Catalog {
    const types = new Map(this.types);
    types.delete(name);
    return new Catalog(this.sources, types, this.queries, this.nextQueryNumber);
  }

  // ---- queries ----
  query(id: string): PersistentQuery | undefined {
    return this.queries.get(id);
  }
  allQueries(): PersistentQuery[] {
    return [...this.queries.values()];
  }
  /** Queries that read from or write to the named source. */
  queriesUsing(sourceName: string): { readers: PersistentQuery[]; writers: PersistentQuery[] } {
    const all = this.allQueries();
    return {
      readers: all.filter((q) => q.sourceNames.includes(sourceName)),
      writers: all.filter((q) => q.sinkName === sourceName),
    };
  }
  withQuery(query: PersistentQuery): Catalog {
    const queries = new Map(this.queries);
    queries.set(query.id, query);
    return new Catalog(this.sources, this.types, queries, this.nextQueryNumber);
  }
  withoutQuery(id: string): Catalog {
    const queries = new Map(this.queries);
    queries.delete(id);
    return new Catalog(this.sources, this.types, queries, this.nextQueryNumber);
  }
  /** Reserves the next query number. */
  withNextQueryNumber(): { catalog: Catalog; queryNumber: number } {
    return {
      catalog: new Catalog(this.sources, this.types, this.queries, this.nextQueryNumber + 1),
      queryNumber: this.nextQueryNumber,
    };
  }
}
