/**
 * DESCRIBE, SHOW STREAMS / TABLES / QUERIES data, in ksqlDB's REST shapes.
 */
import type { SqlType } from '../../engine/types/index.js';
import type { Log } from '../../storage/log/index.js';
import type { RunningQuery } from '../../engine/runtime/index.js';
import type { Catalog, DataSource, PersistentQuery } from '../catalog/index.js';
import type { FieldInfo, QueryDescriptionInfo, RunningQueryInfo, SchemaInfo, SourceDescription, SourceSummary } from './results.js';
import { explainPlan } from '../plan/index.js';

/** ksqlDB's SchemaInfo of a type: INTEGER, BIGINT, ..., ARRAY/MAP with memberSchema, STRUCT with fields. */
export function schemaInfo(type: SqlType): SchemaInfo {
  switch (type.kind) {
    case 'ARRAY':
      return { type: 'ARRAY', fields: null, memberSchema: schemaInfo(type.element) };
    case 'MAP':
      return { type: 'MAP', fields: null, memberSchema: schemaInfo(type.value) };
    case 'STRUCT':
      return { type: 'STRUCT', fields: type.fields.map((f) => ({ name: f.name, schema: schemaInfo(f.type) })), memberSchema: null };
    case 'DECIMAL':
      return { type: 'DECIMAL', fields: null, memberSchema: null, parameters: { precision: type.precision, scale: type.scale } };
    default:
      return { type: type.kind, fields: null, memberSchema: null };
  }
}

/** The source's columns in declaration order, as DESCRIBE lists them. */
export function sourceFields(source: DataSource): FieldInfo[] {
  const byName = new Map<string, FieldInfo>();
  for (const c of source.keyColumns) byName.set(c.name, { name: c.name, schema: schemaInfo(c.type), type: 'KEY' });
  for (const c of source.valueColumns) {
    const header = source.headerColumns.find((h) => h.name === c.name);
    if (header !== undefined) {
      const field: FieldInfo = { name: c.name, schema: schemaInfo(c.type), type: 'HEADER' };
      if (header.headerKey !== null) field.headerKey = header.headerKey;
      byName.set(c.name, field);
    } else {
      byName.set(c.name, { name: c.name, schema: schemaInfo(c.type) });
    }
  }
  const order = source.columnOrder ?? [...source.keyColumns, ...source.valueColumns].map((c) => c.name);
  const out: FieldInfo[] = [];
  for (const name of order) {
    const f = byName.get(name);
    if (f !== undefined) {
      out.push(f);
      byName.delete(name);
    }
  }
  out.push(...byName.values());
  return out;
}

export function sourceSummary(source: DataSource): SourceSummary {
  return {
    name: source.name,
    type: source.kind,
    topic: source.topic,
    keyFormat: source.keyFormat.format,
    valueFormat: source.valueFormat.format,
    isWindowed: source.window !== null,
  };
}

export function queryState(query: PersistentQuery, running: RunningQuery | undefined): string {
  if (running === undefined) return query.state === 'PAUSED' ? 'PAUSED' : 'RUNNING';
  return running.state === 'TERMINATED' ? 'NOT_RUNNING' : running.state;
}

export function runningQueryInfo(query: PersistentQuery, catalog: Catalog, running: RunningQuery | undefined): RunningQueryInfo {
  const sink = catalog.source(query.sinkName);
  const state = queryState(query, running);
  return {
    queryString: query.sqlText,
    sinks: [query.sinkName],
    sinkKafkaTopics: sink === undefined ? [] : [sink.topic],
    id: query.id,
    statusCount: { [state]: 1 },
    queryType: 'PERSISTENT',
    state,
  };
}

export function queryDescription(query: PersistentQuery, catalog: Catalog, running: RunningQuery | undefined): QueryDescriptionInfo {
  const sink = catalog.source(query.sinkName);
  const state = queryState(query, running);
  return {
    id: query.id,
    statementText: query.sqlText,
    windowType: sink?.window?.kind ?? null,
    fields: sink === undefined ? [] : sourceFields(sink),
    sources: [...query.sourceNames],
    sinks: [query.sinkName],
    topology: '',
    executionPlan: explainPlan(query.plan),
    overriddenProperties: { ...query.plan.properties },
    ksqlHostQueryStatus: {},
    queryType: 'PERSISTENT',
    queryErrors: (running?.errors() ?? []).map((e) => ({ timestamp: e.timestampMs, errorMessage: e.errorMessage, type: e.type })),
    tasksMetadata: [],
    state,
  };
}

export function describeSource(
  source: DataSource,
  catalog: Catalog,
  log: Log,
  extended: boolean,
  runningQuery: (id: string) => RunningQuery | undefined,
): SourceDescription {
  const using = catalog.queriesUsing(source.name);
  const partitions = log.hasTopic(source.topic) ? log.describeTopic(source.topic).partitions : 0;
  const timestamp = source.timestamp.kind === 'column' ? source.timestamp.column.name : '';
  return {
    name: source.name,
    windowType: source.window?.kind ?? null,
    readQueries: using.readers.map((q) => runningQueryInfo(q, catalog, runningQuery(q.id))),
    writeQueries: using.writers.map((q) => runningQueryInfo(q, catalog, runningQuery(q.id))),
    fields: sourceFields(source),
    type: source.kind,
    timestamp,
    statistics: '',
    errorStats: '',
    extended,
    keyFormat: source.keyFormat.format,
    valueFormat: source.valueFormat.format,
    topic: source.topic,
    partitions,
    replication: 1,
    statement: source.sqlText,
    queryOffsetSummaries: [],
    sourceConstraints: [],
  };
}
