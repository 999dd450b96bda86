/** Fixtures for the join tests: plans over JSON topics, a deterministic runtime over a real log. */
import type { SimulatedClock } from '../../../../common/index.js';
import type { Log } from '../../../../storage/log/index.js';
import { QueryRuntime, type QueryRuntimeOptions } from '../../../../engine/runtime/index.js';
import type { Expr } from '../../../../engine/expressions/index.js';
import type { ColumnDef, JoinType, QueryPlan, Step, StepSchema } from '../../../../engine/steps/index.js';
import type { SqlType } from '../../../../engine/types/index.js';
import { testFunctions } from '../expressions/exprs.js';
import { openTestLog, produce, readTopic, serdes, tableFunctions } from '../operators/helpers.js';

export const FORMATS = { key: { format: 'JSON', properties: {} }, value: { format: 'JSON', properties: {} } };

export function col(name: string, type: SqlType): ColumnDef {
  return { name, type };
}

export function streamSource(id: string, topic: string, schema: StepSchema): Step {
  return { kind: 'streamSource@1', id, schema, topic, formats: FORMATS, window: null, timestamp: { kind: 'record' }, headerColumns: [], materialize: false };
}

export function tableSource(id: string, topic: string, schema: StepSchema): Step {
  return { kind: 'tableSource@1', id, schema, topic, formats: FORMATS, window: null, timestamp: { kind: 'record' }, headerColumns: [], materialize: false };
}

export function joinSchema(keyName: string, keyType: SqlType, left: Step, right: Step, extra: ColumnDef[] = []): StepSchema {
  return { key: [col(keyName, keyType)], value: [...left.schema.value, ...right.schema.value, ...extra] };
}

export function streamStreamJoin(id: string, left: Step, right: Step, joinType: JoinType, beforeMs: number, afterMs: number, graceMs: number | null, keyType: SqlType): Step {
  return {
    kind: 'streamStreamJoin@1',
    id,
    schema: joinSchema('ID', keyType, left, right),
    left,
    right,
    joinType,
    beforeMs,
    afterMs,
    graceMs,
    keyColumnName: 'ID',
    internalFormats: FORMATS,
  };
}

export function streamTableJoin(id: string, left: Step, right: Step, joinType: JoinType, keyType: SqlType): Step {
  return { kind: 'streamTableJoin@1', id, schema: joinSchema('ID', keyType, left, right), left, right, joinType, keyColumnName: 'ID', internalFormats: FORMATS };
}

export function tableTableJoin(id: string, left: Step, right: Step, joinType: JoinType, keyType: SqlType): Step {
  return { kind: 'tableTableJoin@1', id, schema: joinSchema('ID', keyType, left, right), left, right, joinType, keyColumnName: 'ID' };
}

export function foreignKeyJoin(id: string, left: Step, right: Step, joinType: 'INNER' | 'LEFT', foreignKey: Expr): Step {
  return { kind: 'foreignKeyJoin@1', id, schema: { key: left.schema.key, value: [...left.schema.value, ...right.schema.value] }, left, right, joinType, foreignKey };
}

export function sinkPlan(queryId: string, source: Step, topic: string, table: boolean): QueryPlan {
  const sink: Step = { kind: table ? 'tableSink@1' : 'streamSink@1', id: topic.toUpperCase(), schema: source.schema, source, topic, formats: FORMATS, timestamp: null, windowed: null };
  const topics: string[] = [];
  const walk = (step: Step): void => {
    if (step.kind === 'streamSource@1' || step.kind === 'tableSource@1') topics.push(step.topic);
    else if ('left' in step) {
      walk(step.left);
      walk(step.right);
    } else if ('source' in step) walk(step.source);
  };
  walk(source);
  return { queryId, sink, sourceTopics: topics, properties: { 'auto.offset.reset': 'earliest' } };
}

export interface Fixture {
  log: Log;
  clock: SimulatedClock;
  runtime: QueryRuntime;
  /** Appends one record (JSON key and value) to partition 0 and drains, as ksqlDB's runner does. */
  send(topic: string, key: unknown, value: unknown, timestampMs: number, partition?: number): Promise<void>;
  /** The sink's records as [key, value, timestamp], JSON-parsed. */
  output(topic: string): Promise<Array<[unknown, unknown, number]>>;
  restart(options?: Partial<QueryRuntimeOptions>): Promise<QueryRuntime>;
}

export const runtimes: QueryRuntime[] = [];

export async function fixture(topics: Record<string, number>, options: Partial<QueryRuntimeOptions> = {}): Promise<Fixture> {
  const { log, clock } = await openTestLog();
  for (const [name, partitions] of Object.entries(topics)) await log.createTopic(name, { partitions });
  const make = (): QueryRuntime => {
    const runtime = new QueryRuntime({ log, clock, serdes, functions: testFunctions(), tableFunctions, mode: 'deterministic', ...options });
    runtimes.push(runtime);
    return runtime;
  };
  const state = { runtime: make() };
  return {
    log,
    clock,
    get runtime() {
      return state.runtime;
    },
    async send(topic, key, value, timestampMs, partition = 0) {
      await produce(log, topic, partition, [{ key: key === null ? null : JSON.stringify(key), value: value === null ? null : JSON.stringify(value), timestampMs }]);
      await state.runtime.drain();
    },
    async output(topic) {
      for (const query of state.runtime.list()) {
        if (query.state === 'ERROR') throw new Error(`query ${query.queryId} failed: ${query.errors().map((e) => e.errorMessage).join('; ')}`);
      }
      return (await readTopic(log, topic)).records.map((r) => [r.key === null ? null : JSON.parse(r.key), r.value === null ? null : JSON.parse(r.value), r.timestampMs]);
    },
    async restart(more = {}) {
      await state.runtime.close();
      const runtime = new QueryRuntime({ log, clock, serdes, functions: testFunctions(), tableFunctions, mode: 'deterministic', ...options, ...more });
      runtimes.push(runtime);
      state.runtime = runtime;
      return runtime;
    },
  } as Fixture;
}
