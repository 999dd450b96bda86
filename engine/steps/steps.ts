/**
 * The physical plan: what queries/plan produces, what the command log stores, and what the
 * engine runs. It is JSON data, versioned per step (`kind@version`); to change a step, add a new
 * version and keep the old one running (a restart replays stored plans, never re-plans SQL).
 *
 * A plan is a tree of steps rooted at a sink. Each step has an `id` that is stable for the
 * query (`KsqlTopic/Source`, `Aggregate/Aggregate/Materialize`...): it names the step's state
 * store and internal topics (`_confluent-ksql-<service>query_<queryId>-<id>-changelog`), so a
 * re-planned or restarted query finds its state again.
 *
 * Records between steps carry key columns, value columns, a timestamp, the source partition and
 * offset, headers, and (windowed) the window bounds. Every step declares its output schema.
 */
import type { Expr } from '../expressions/index.js';
import type { SqlType } from '../types/index.js';

export interface ColumnDef {
  name: string;
  type: SqlType;
}

/** The columns a step outputs. `headers` lists value-side header columns taken from record headers. */
export interface StepSchema {
  key: ColumnDef[];
  value: ColumnDef[];
}

export interface FormatSpec {
  /** JSON, DELIMITED, KAFKA, NONE, AVRO, PROTOBUF, PROTOBUF_NOSR, JSON_SR. */
  format: string;
  /**
   * Format properties (`delimiter`, `unwrapPrimitives`, `schemaId`, `fullSchemaName`...), plus
   * the serde features under `features`: `WRAP_SINGLES` or `UNWRAP_SINGLES` (ksqlDB's
   * WRAP_SINGLE_VALUE). Without `features`, a single key column is unwrapped where the format can
   * do both (ksqlDB's key default) and values use the format's default.
   */
  properties: Record<string, string>;
}

export interface Formats {
  key: FormatSpec;
  value: FormatSpec;
}

export type WindowSpec =
  | { kind: 'TUMBLING'; sizeMs: number; graceMs: number | null; retentionMs: number | null }
  | { kind: 'HOPPING'; sizeMs: number; advanceMs: number; graceMs: number | null; retentionMs: number | null }
  | { kind: 'SESSION'; gapMs: number; graceMs: number | null; retentionMs: number | null };

/** How a source reads each record's timestamp. */
export type TimestampSpec =
  | { kind: 'record' }
  /** From a BIGINT/TIMESTAMP column or a STRING column parsed with `format`. */
  | { kind: 'column'; column: ColumnDef; source: 'KEY' | 'VALUE'; index: number; format: string | null };

export interface HeaderColumn {
  /** Index among the value columns. */
  valueIndex: number;
  /** null: all headers as ARRAY<STRUCT<KEY, VALUE>>; else the last header with this key. */
  headerKey: string | null;
}

export interface SelectExpression {
  name: string;
  expression: Expr;
}

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'OUTER';

export interface AggregateCall {
  /** Registry name of the aggregate function. */
  functionName: string;
  overloadIndex: number;
  /** Arguments: column expressions over the aggregate's input, then literal init arguments. */
  args: Expr[];
  /** Constant arguments (e.g. TOPK's k), JSON-encoded like literals. */
  literalArgs: unknown[];
  resultType: SqlType;
}

interface StepBase {
  id: string;
  schema: StepSchema;
}

export type Step =
  | (StepBase & {
      kind: 'streamSource@1' | 'tableSource@1';
      topic: string;
      formats: Formats;
      /** Windowed sources (reading a windowed topic). */
      window: { kind: 'TUMBLING' | 'HOPPING' | 'SESSION'; sizeMs: number | null } | null;
      timestamp: TimestampSpec;
      headerColumns: HeaderColumn[];
      /** Tables: materialize into a store (needed for joins and pull queries). */
      materialize: boolean;
    })
  | (StepBase & { kind: 'filter@1'; source: Step; predicate: Expr })
  | (StepBase & {
      kind: 'select@1';
      source: Step;
      /** New key expressions (usually the key columns passed through) and value expressions. */
      keyExpressions: SelectExpression[];
      valueExpressions: SelectExpression[];
    })
  | (StepBase & {
      kind: 'flatMap@1';
      source: Step;
      /** Value columns passed through, then one column per table function. */
      passThrough: SelectExpression[];
      tableFunctions: Array<{ functionName: string; overloadIndex: number; args: Expr[]; resultType: SqlType }>;
    })
  | (StepBase & {
      /**
       * PARTITION BY: re-key a stream; repartitions through an internal topic when `repartition`
       * (`_confluent-ksql-<service>query_<queryId>-<id>-repartition`, as many partitions as the
       * source topic). Output key: the key expressions (no key columns for PARTITION BY NULL).
       * Output value: the source's value columns, followed by the source's key columns when
       * `schema.value` has room for them (so later steps can still read the old key).
       */
      kind: 'selectKey@1';
      source: Step;
      keyExpressions: Expr[];
      repartition: boolean;
      /** Formats of the repartition topic (default: JSON key and value). */
      internalFormats?: Formats;
    })
  | (StepBase & {
      kind: 'groupBy@1';
      source: Step;
      groupByExpressions: Expr[];
      /** False when the grouping is the current key (no repartition topic). */
      repartition: boolean;
      /** Formats of the repartition topic. */
      internalFormats: Formats;
    })
  | (StepBase & {
      kind: 'aggregate@1';
      source: Step;
      /** Stream aggregations see inserts only; table aggregations undo the old row (retraction). */
      input: 'stream' | 'table';
      /** Columns the aggregate reads, as indexes into the source's value columns. */
      nonAggregateColumns: number[];
      aggregates: AggregateCall[];
      window: WindowSpec | null;
      internalFormats: Formats;
    })
  | (StepBase & {
      /** EMIT FINAL: hold each window's result until it closes. */
      kind: 'suppress@1';
      source: Step;
    })
  | (StepBase & {
      kind: 'streamStreamJoin@1';
      left: Step;
      right: Step;
      joinType: JoinType;
      beforeMs: number;
      afterMs: number;
      graceMs: number | null;
      /** Key column name of the result. */
      keyColumnName: string;
      internalFormats: Formats;
    })
  | (StepBase & { kind: 'streamTableJoin@1'; left: Step; right: Step; joinType: JoinType; keyColumnName: string; internalFormats: Formats })
  | (StepBase & { kind: 'tableTableJoin@1'; left: Step; right: Step; joinType: JoinType; keyColumnName: string })
  | (StepBase & {
      kind: 'foreignKeyJoin@1';
      left: Step;
      right: Step;
      joinType: 'INNER' | 'LEFT';
      /** Computes the right table's key from a left row. */
      foreignKey: Expr;
    })
  | (StepBase & {
      kind: 'streamSink@1' | 'tableSink@1';
      source: Step;
      topic: string;
      formats: Formats;
      /** Output timestamp column, when the sink names one. */
      timestamp: TimestampSpec | null;
      /** Windowed results write windowed keys. */
      windowed: { kind: 'TUMBLING' | 'HOPPING' | 'SESSION' } | null;
    })
  | (StepBase & {
      /** A push query's sink: rows go to a bounded in-memory queue. */
      kind: 'pushSink@1';
      source: Step;
      limit: number | null;
    });

export type StepKind = Step['kind'];

/** A whole query's plan: a sink step plus the properties it was planned with. */
export interface QueryPlan {
  queryId: string;
  sink: Step;
  /** Source topics read, for SHOW QUERIES / EXPLAIN. */
  sourceTopics: string[];
  /** ksqlDB properties in force (auto.offset.reset, emit interval...). */
  properties: Record<string, unknown>;
}
