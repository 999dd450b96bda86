/**
 * Logical plan -> physical steps (engine/steps). Step ids follow ksqlDB's query contexts, so
 * state stores and internal topics get the names ksqlDB gives them:
 *
 *   source            KsqlTopic/Source            (joins: KafkaTopic_Left/Source, KafkaTopic_Right/Source)
 *   WHERE             WhereFilter
 *   PARTITION BY      PartitionBy
 *   table functions   FlatMap
 *   GROUP BY          Aggregate/GroupBy
 *   aggregation       Aggregate/Aggregate/Materialize
 *   HAVING            Aggregate/HavingFilter
 *   projection        Project (Aggregate/Project after an aggregation)
 *   EMIT FINAL        Suppress
 *   joins             Join (n-way: Join, then Join/Join...)
 *   sink              the sink's name
 *   push sink         PushSink
 *
 * A repartition topic is planned only where the data must move between partitions before a
 * stateful step: GROUP BY on something other than the current key, join sides not keyed by the
 * join expression, and join sides whose key bytes the join's key format changes (or, for schema
 * registry key formats, may change). PARTITION BY into a sink needs none: the sink partitions by
 * the new key.
 *
 * Internal topics (repartition topics, the aggregate's store) carry keys in the key format
 * ksqlDB gives them (see internal-formats.ts): the source's own, unless it cannot hold the key.
 * The formats are part of the stored plan, so a plan keeps the formats it was written with.
 */
import { SluiceError } from '../../common/index.js';
import type { LogicalNode } from '../analyze/index.js';
import type { ColumnDef, Formats, QueryPlan, Step, StepSchema, TimestampSpec } from '../../engine/steps/index.js';
import { sourceTopicsOf } from '../../engine/steps/index.js';
import { InternalFormatResolver, defaultKeyFormatOf } from './internal-formats.js';

function schemaOf(node: LogicalNode): StepSchema {
  return {
    key: node.shape.key.map((c): ColumnDef => ({ name: c.physicalName ?? c.name, type: c.type })),
    value: node.shape.value.map((c): ColumnDef => ({ name: c.physicalName ?? c.name, type: c.type })),
  };
}

interface Context {
  /** The step ids used so far (ids must be unique in a plan). */
  readonly ids: Set<string>;
  aggregated: boolean;
  /** Key formats of the nodes' outputs and the formats of their internal topics. */
  readonly formats: InternalFormatResolver;
}

function uniqueId(context: Context, id: string): string {
  let candidate = id;
  for (let n = 2; context.ids.has(candidate); n++) candidate = `${id}-${n}`;
  context.ids.add(candidate);
  return candidate;
}

function build(node: LogicalNode, context: Context): Step {
  switch (node.kind) {
    case 'source': {
      const source = node.source;
      const id = node.id ?? 'KsqlTopic/Source';
      const headerColumns = source.headerColumns.map((h) => ({ valueIndex: source.valueColumns.findIndex((v) => v.name === h.name), headerKey: h.headerKey }));
      return {
        kind: source.kind === 'TABLE' ? 'tableSource@1' : 'streamSource@1',
        id: uniqueId(context, id),
        schema: schemaOf(node),
        topic: source.topic,
        formats: { key: source.keyFormat, value: source.valueFormat },
        window: source.window === null ? null : { kind: source.window.kind, sizeMs: source.window.sizeMs },
        timestamp: source.timestamp,
        headerColumns,
        materialize: false,
      };
    }
    case 'filter': {
      const input = build(node.input, context);
      const id = node.clause === 'HAVING' ? 'Aggregate/HavingFilter' : 'WhereFilter';
      return { kind: 'filter@1', id: uniqueId(context, id), schema: schemaOf(node), source: input, predicate: node.predicate };
    }
    case 'partitionBy': {
      const input = build(node.input, context);
      return {
        kind: 'selectKey@1',
        id: uniqueId(context, node.id ?? 'PartitionBy'),
        schema: schemaOf(node),
        source: input,
        keyExpressions: node.keyExpressions,
        repartition: node.repartition ?? false,
        internalFormats: context.formats.internalFormats(node),
      };
    }
    case 'flatMap': {
      const input = build(node.input, context);
      return {
        kind: 'flatMap@1',
        id: uniqueId(context, 'FlatMap'),
        schema: schemaOf(node),
        source: input,
        passThrough: node.passThrough.map((p) => ({ name: p.name, expression: p.expression })),
        tableFunctions: node.tableFunctions.map((t) => ({ functionName: t.functionName, overloadIndex: t.overloadIndex, args: t.args, resultType: t.resultType })),
      };
    }
    case 'groupBy': {
      const input = build(node.input, context);
      context.aggregated = true;
      return {
        kind: 'groupBy@1',
        id: uniqueId(context, 'Aggregate/GroupBy'),
        schema: schemaOf(node),
        source: input,
        groupByExpressions: node.groupByExpressions,
        repartition: !node.keyUnchanged,
        internalFormats: context.formats.internalFormats(node),
      };
    }
    case 'aggregate': {
      const input = build(node.input, context);
      return {
        kind: 'aggregate@1',
        id: uniqueId(context, 'Aggregate/Aggregate/Materialize'),
        schema: schemaOf(node),
        source: input,
        input: node.inputKind,
        nonAggregateColumns: node.nonAggregateColumns,
        aggregates: node.aggregates.map((a) => ({
          functionName: a.functionName,
          overloadIndex: a.overloadIndex,
          args: a.args,
          literalArgs: a.literalArgs,
          resultType: a.resultType,
        })),
        window: node.window,
        internalFormats: context.formats.internalFormats(node),
      };
    }
    case 'suppress': {
      const input = build(node.input, context);
      return { kind: 'suppress@1', id: uniqueId(context, 'Suppress'), schema: schemaOf(node), source: input };
    }
    case 'project': {
      const input = build(node.input, context);
      return {
        kind: 'select@1',
        id: uniqueId(context, node.id ?? (context.aggregated ? 'Aggregate/Project' : 'Project')),
        schema: schemaOf(node),
        source: input,
        keyExpressions: node.keyExpressions.map((e) => ({ name: e.name, expression: e.expression })),
        valueExpressions: node.valueExpressions.map((e) => ({ name: e.name, expression: e.expression })),
      };
    }
    case 'join': {
      const prefix = node.id.endsWith('Join') ? node.id.slice(0, -'Join'.length) : '';
      const left = joinSide(node.left, build(node.left, context), `${prefix}LeftSourceKeyed`, context);
      const right = joinSide(node.right, build(node.right, context), `${prefix}RightSourceKeyed`, context);
      const schema = schemaOf(node);
      const id = uniqueId(context, node.id);
      const formats = context.formats.internalFormats(node);
      switch (node.joinKind) {
        case 'streamStream':
          return {
            kind: 'streamStreamJoin@1',
            id,
            schema,
            left,
            right,
            joinType: node.joinType,
            beforeMs: node.beforeMs,
            afterMs: node.afterMs,
            graceMs: node.graceMs,
            keyColumnName: node.keyColumnName,
            internalFormats: formats,
          };
        case 'streamTable':
          return { kind: 'streamTableJoin@1', id, schema, left, right, joinType: node.joinType, keyColumnName: node.keyColumnName, internalFormats: formats };
        case 'tableTable':
          return { kind: 'tableTableJoin@1', id, schema, left, right, joinType: node.joinType, keyColumnName: node.keyColumnName };
        case 'foreignKey':
          if (node.foreignKey === null || (node.joinType !== 'INNER' && node.joinType !== 'LEFT')) {
            throw new SluiceError('INTERNAL_ASSERTION', 'foreign-key join without a foreign key expression');
          }
          return { kind: 'foreignKeyJoin@1', id, schema, left, right, joinType: node.joinType, foreignKey: node.foreignKey };
      }
    }
  }
  throw new SluiceError('INTERNAL_ASSERTION', `unknown logical node ${(node as LogicalNode).kind}`);
}

/**
 * A join side read as it is that the join's key format still moves through a repartition topic
 * (see internal-formats.ts): the same key, re-keyed by itself (ksqlDB's `SourceKeyed` step).
 */
function joinSide(node: LogicalNode, step: Step, id: string, context: Context): Step {
  if (!context.formats.repartitionsSide(node)) return step;
  return {
    kind: 'selectKey@1',
    id: uniqueId(context, id),
    schema: step.schema,
    source: step,
    keyExpressions: step.schema.key.map((c, index) => ({ kind: 'column', type: c.type, source: { kind: 'KEY', index }, name: c.name })),
    repartition: true,
    internalFormats: context.formats.internalFormats(node),
  };
}

export interface SinkSpec {
  readonly name: string;
  readonly kind: 'STREAM' | 'TABLE';
  readonly topic: string;
  readonly formats: Formats;
  readonly timestamp: TimestampSpec | null;
  readonly windowed: { kind: 'TUMBLING' | 'HOPPING' | 'SESSION' } | null;
}

/** Planner settings that are not stored in the plan's properties. */
export interface PlanOptions {
  /**
   * `ksql.persistence.default.format.key` in force (server, session and request properties
   * merged). Default: the value in `properties`, else KAFKA.
   */
  readonly defaultKeyFormat?: string;
}

/** A persistent query's plan: the logical tree into its sink topic. */
export function planPersistent(root: LogicalNode, sink: SinkSpec, queryId: string, properties: Record<string, unknown>, options: PlanOptions = {}): QueryPlan {
  const context: Context = { ids: new Set(), aggregated: false, formats: new InternalFormatResolver(root, defaultKeyFormatOf(properties, options)) };
  const input = build(root, context);
  const step: Step = {
    kind: sink.kind === 'TABLE' ? 'tableSink@1' : 'streamSink@1',
    id: uniqueId(context, sink.name),
    schema: input.schema,
    source: input,
    topic: sink.topic,
    formats: sink.formats,
    timestamp: sink.timestamp,
    windowed: sink.windowed,
  };
  return { queryId, sink: step, sourceTopics: sourceTopicsOf(step), properties: { ...properties } };
}

/** A transient (push) query's plan: rows go to a bounded queue. */
export function planTransient(root: LogicalNode, queryId: string, limit: number | null, properties: Record<string, unknown>, options: PlanOptions = {}): QueryPlan {
  const context: Context = { ids: new Set(), aggregated: false, formats: new InternalFormatResolver(root, defaultKeyFormatOf(properties, options)) };
  const input = build(root, context);
  const step: Step = { kind: 'pushSink@1', id: uniqueId(context, 'PushSink'), schema: input.schema, source: input, limit };
  return { queryId, sink: step, sourceTopics: sourceTopicsOf(step), properties: { ...properties } };
}
