/** Plans for aggregation tests: source -> groupBy -> aggregate [-> HAVING] -> select [-> suppress] -> sink. */
import { createFunctionRegistry, resolveAggregateCall, type FunctionRegistry } from '../../../../engine/functions/index.js';
import type { Expr } from '../../../../engine/expressions/index.js';
import type { ColumnDef, Formats, QueryPlan, Step, StepSchema, WindowSpec } from '../../../../engine/steps/index.js';
import type { SqlType } from '../../../../engine/types/index.js';

export const JSON_FORMATS: Formats = { key: { format: 'JSON', properties: {} }, value: { format: 'JSON', properties: {} } };
export const KAFKA_JSON: Formats = { key: { format: 'KAFKA', properties: {} }, value: { format: 'JSON', properties: {} } };

export const registry: FunctionRegistry = createFunctionRegistry();

export const ROWTIME: Expr = { kind: 'column', type: { kind: 'BIGINT' }, source: { kind: 'ROWTIME' }, name: 'ROWTIME' };

export interface AggregateSpec {
  name: string;
  /** Column arguments (over the groupBy output: source values, then source keys). */
  args: Expr[];
  /** Literal init arguments. */
  init?: Array<{ type: SqlType; value: unknown }>;
}

export interface AggregatePlanOptions {
  queryId?: string;
  source: { topic: string; table?: boolean; schema: StepSchema; formats?: Formats };
  /** Over the source row. */
  groupBy: Expr[];
  groupColumns: ColumnDef[];
  repartition: boolean;
  aggregates: AggregateSpec[];
  window?: WindowSpec | null;
  /** Over the aggregate output (key: group columns; value: KSQL_COL_i). */
  having?: Expr;
  emitFinal?: boolean;
  sinkTopic: string;
  sinkFormats?: Formats;
  properties?: Record<string, unknown>;
}

export function aggregatePlan(options: AggregatePlanOptions): QueryPlan {
  const table = options.source.table === true;
  const sourceSchema = options.source.schema;
  const source: Step = {
    kind: table ? 'tableSource@1' : 'streamSource@1',
    id: 'KsqlTopic/Source',
    schema: sourceSchema,
    topic: options.source.topic,
    formats: options.source.formats ?? KAFKA_JSON,
    window: null,
    timestamp: { kind: 'record' },
    headerColumns: [],
    materialize: false,
  };
  const groupSchema: StepSchema = { key: options.groupColumns, value: [...sourceSchema.value, ...sourceSchema.key] };
  const groupBy: Step = {
    kind: 'groupBy@1',
    id: 'Aggregate/GroupBy',
    schema: groupSchema,
    source,
    groupByExpressions: options.groupBy,
    repartition: options.repartition,
    internalFormats: JSON_FORMATS,
  };
  const calls = options.aggregates.map((spec) => {
    const fn = registry.getAggregate(spec.name)!;
    const init = spec.init ?? [];
    const resolved = resolveAggregateCall(fn, [...spec.args.map((a) => a.type), ...init.map((i) => i.type)]);
    const resultType = resolved.instantiate(init.map((i) => i.value)).returnType;
    const literalArgs = init.map((i) => i.value);
    const initExprs: Expr[] = init.map((i) => ({ kind: 'literal', type: i.type, value: i.value }));
    return { functionName: fn.name, overloadIndex: resolved.overloadIndex, args: [...spec.args, ...initExprs], literalArgs, resultType };
  });
  const aggregateSchema: StepSchema = { key: options.groupColumns, value: calls.map((c, i) => ({ name: `KSQL_COL_${i}`, type: c.resultType })) };
  let top: Step = {
    kind: 'aggregate@1',
    id: 'Aggregate/Aggregate/Materialize',
    schema: aggregateSchema,
    source: groupBy,
    input: table ? 'table' : 'stream',
    nonAggregateColumns: [],
    aggregates: calls,
    window: options.window ?? null,
    internalFormats: JSON_FORMATS,
  };
  if (options.having !== undefined) {
    top = { kind: 'filter@1', id: 'Aggregate/HavingFilter', schema: aggregateSchema, source: top, predicate: options.having };
  }
  top = {
    kind: 'select@1',
    id: 'Aggregate/Project',
    schema: aggregateSchema,
    source: top,
    keyExpressions: options.groupColumns.map((c, index) => ({ name: c.name, expression: { kind: 'column', type: c.type, source: { kind: 'KEY', index }, name: c.name } })),
    valueExpressions: aggregateSchema.value.map((c, index) => ({ name: c.name, expression: { kind: 'column', type: c.type, source: { kind: 'VALUE', index }, name: c.name } })),
  };
  if (options.emitFinal === true) top = { kind: 'suppress@1', id: 'Suppress', schema: aggregateSchema, source: top };
  const window = options.window ?? null;
  const sink: Step = {
    kind: 'tableSink@1',
    id: options.sinkTopic,
    schema: aggregateSchema,
    source: top,
    topic: options.sinkTopic,
    formats: options.sinkFormats ?? KAFKA_JSON,
    timestamp: null,
    windowed: window === null ? null : { kind: window.kind },
  };
  return {
    queryId: options.queryId ?? 'CTAS_OUTPUT_1',
    sink,
    sourceTopics: [options.source.topic],
    properties: { 'auto.offset.reset': 'earliest', ...(options.properties ?? {}) },
  };
}

/** Reads a time-windowed key written by the sink: inner key text and window start. */
export function timeWindowedKey(key: Buffer): { key: string; startMs: number } {
  const n = key.length - 8;
  return { key: key.subarray(0, n).toString(), startMs: Number(key.readBigInt64BE(n)) };
}

/** Reads a session-windowed key: inner key text, start and end. */
export function sessionWindowedKey(key: Buffer): { key: string; startMs: number; endMs: number } {
  const n = key.length - 16;
  return { key: key.subarray(0, n).toString(), endMs: Number(key.readBigInt64BE(n)), startMs: Number(key.readBigInt64BE(n + 8)) };
}

import { decodeRecordBatch, type Log } from '../../../../storage/log/index.js';

export interface RawRecord {
  partition: number;
  key: Buffer | null;
  value: string | null;
  timestampMs: number;
  headers: Array<{ key: string; value: string | null }>;
}

/** Every record of a topic, partition by partition, keys as bytes. */
export async function readRaw(log: Log, topic: string): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  const partitions = log.describeTopic(topic).partitions;
  for (let partition = 0; partition < partitions; partition++) {
    let offset = 0;
    for (;;) {
      const read = await log.read(topic, partition, offset, 1 << 20);
      if (read.batches.length === 0) break;
      for (const batch of read.batches) {
        const decoded = decodeRecordBatch(batch);
        for (const r of decoded.records) {
          if (r.offset < offset) continue;
          out.push({
            partition,
            key: r.key === null ? null : Buffer.from(r.key),
            value: r.value === null ? null : r.value.toString(),
            timestampMs: r.timestampMs,
            headers: r.headers.map((h) => ({ key: h.key, value: h.value === null ? null : h.value.toString() })),
          });
        }
        offset = decoded.header.baseOffset + decoded.header.lastOffsetDelta + 1;
      }
    }
  }
  return out;
}
