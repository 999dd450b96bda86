/**
 * Operator factories for the aggregation steps, so the runtime's builder entries stay small:
 * `groupBy@1` (stream or table GROUP BY), `aggregate@1` (unwindowed, time-windowed, session) and
 * the EMIT FINAL marking of `suppress@1`.
 *
 * EMIT FINAL: ksqlDB runs it inside the windowed aggregate (EmitStrategy.onWindowClose). The plan
 * puts `suppress@1` above the aggregate (and its HAVING filter and projection); building the
 * suppress step marks the aggregate below it (`markEmitFinal`) before the aggregate is built.
 */
import { SluiceError } from '../../../common/index.js';
import type { CompileOptions } from '../../expressions/index.js';
import { builtinAggregateFunctions, testAggregateFunctions } from '../../functions/index.js';
import type { ColumnDef, Step } from '../../steps/index.js';
import { EmitThrottle, emitIntervalMs, graceMs, retentionMs, windowAdvanceMs } from '../../windows/index.js';
import type { StepProcessingLog } from '../processing-log.js';
import type { Operator, RowSerde } from '../types.js';
import { AggregateOperator, SessionAggregateOperator, TimeWindowedAggregateOperator } from './aggregate.js';
import { AggregateCalls, Aggregation } from './calls.js';
import { aggregateLookup, type AggregateFunctionLike } from './functions.js';
import { StreamGroupByOperator, TableGroupByOperator, compileGroupKey } from './group-by.js';
import type { StatefulOperator } from './task-stores.js';

type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

export interface AggregateBuildOptions {
  compile: CompileOptions;
  properties: Readonly<Record<string, unknown>>;
  log: StepProcessingLog;
  /** Wall-clock ms (throttles EMIT FINAL checks). */
  nowMs: () => number;
  /**
   * Whether aggregates send old values (ChangeRecord.oldValue) from the start. Default true. A
   * builder that passes false must call `enableSendingOldValues()` on the aggregate when a table
   * filter (HAVING) is put above it, as Kafka Streams' KTableFilter does.
   */
  sendOldValues?: boolean;
}

/** GROUP BY: the value keeps the old key columns when the step's schema has room for them. */
export function createGroupByOperator(step: StepOf<'groupBy@1'>, input: 'stream' | 'table', options: AggregateBuildOptions): Operator {
  const source = step.source.schema;
  const appendOldKey = source.key.length > 0 && step.schema.value.length === source.value.length + source.key.length;
  if (!appendOldKey && step.schema.value.length !== source.value.length) {
    throw new SluiceError(
      'INTERNAL_ASSERTION',
      `groupBy ${step.id}: the output has ${step.schema.value.length} value columns; expected ${source.value.length} (the source's) or ${source.value.length + source.key.length} (with the old key)`,
    );
  }
  const groupKey = compileGroupKey(step.groupByExpressions, options.compile, options.log, source.key.length);
  return input === 'table' ? new TableGroupByOperator(step.id, groupKey, appendOldKey) : new StreamGroupByOperator(groupKey, appendOldKey);
}

const emitFinalAggregates = new WeakSet<Step>();

/** The aggregate below a suppress step (through filters and projections), marked EMIT FINAL. */
export function markEmitFinal(suppress: StepOf<'suppress@1'>): void {
  let step: Step = suppress.source;
  for (;;) {
    if (step.kind === 'aggregate@1') {
      if (step.window === null) throw new SluiceError('SQL_UNSUPPORTED', 'EMIT FINAL is only supported for windowed aggregations.');
      emitFinalAggregates.add(step);
      return;
    }
    if (step.kind === 'filter@1' || step.kind === 'select@1' || step.kind === 'suppress@1') {
      step = step.source;
      continue;
    }
    throw new SluiceError('SQL_UNSUPPORTED', `EMIT FINAL is only supported for windowed aggregations (found ${step.kind} under ${suppress.id})`);
  }
}

export function isEmitFinal(step: StepOf<'aggregate@1'>): boolean {
  return emitFinalAggregates.has(step);
}

const fallbackFunctions: readonly AggregateFunctionLike[] = [...builtinAggregateFunctions, ...testAggregateFunctions];

/**
 * The aggregate operator of a step. `input`: the step's input kind; `keySerde`: the internal key
 * serde (final emissions are ordered by serialized key, as Kafka Streams' stores order them).
 */
export function createAggregateOperator(
  step: StepOf<'aggregate@1'>,
  internalSerde: (target: 'key' | 'value', columns: readonly ColumnDef[]) => RowSerde,
  options: AggregateBuildOptions,
): StatefulOperator {
  const calls = new AggregateCalls(step.aggregates, aggregateLookup(options.compile.functions, fallbackFunctions), options.compile, options.properties, options.log);
  // The store's rows in the internal formats, as ksqlDB builds them (MaterializationUtil).
  const sourceValues = step.source.schema.value;
  const stateColumns: ColumnDef[] = [
    ...step.nonAggregateColumns.map((index) => sourceValues[index] ?? { name: `KSQL_INTERNAL_COL_${index}`, type: { kind: 'STRING' as const } }),
    ...calls.stateTypes.map((type, index) => ({ name: `KSQL_AGG_VARIABLE_${index}`, type })),
  ];
  const keySerde = intermediateSerde(internalSerde, 'key', step.schema.key);
  intermediateSerde(internalSerde, 'value', stateColumns);
  if (step.input === 'table' && calls.withoutUndo.length > 0) {
    const names = [...new Set(calls.withoutUndo)];
    throw new SluiceError(
      'SQL_ANALYSIS',
      `The aggregation function${names.length === 1 ? '' : 's'} ${names.join(', ')} cannot be applied to a table source, only to a stream source.`,
    );
  }
  const aggregation = new Aggregation(calls, step.nonAggregateColumns);
  const info = { stepId: step.id, keyTypes: step.schema.key.map((c) => c.type), sendOldValues: options.sendOldValues !== false };
  let window = step.window;
  if (window === null) return new AggregateOperator(aggregation, step.input, info);
  if (step.input === 'table') {
    throw new SluiceError('SQL_UNSUPPORTED', `Windowed aggregation of a table is not supported (step ${step.id})`);
  }
  const emitFinal = isEmitFinal(step);
  // ksqlDB's RewrittenAnalysis: EMIT FINAL without a GRACE PERIOD means a grace of zero.
  if (emitFinal && window.graceMs === null) window = { ...window, graceMs: 0 };
  const keyBytes = (key: readonly unknown[]): Buffer => keySerde.serialize(key) ?? EMPTY;
  const throttle = new EmitThrottle(emitIntervalMs(options.properties), options.nowMs);
  if (window.kind === 'SESSION') {
    return new SessionAggregateOperator(
      aggregation,
      { gapMs: window.gapMs, graceMs: graceMs(window), retentionMs: retentionMs(window), emitFinal, keyBytes, throttle },
      info,
    );
  }
  return new TimeWindowedAggregateOperator(
    aggregation,
    { sizeMs: window.sizeMs, advanceMs: windowAdvanceMs(window), graceMs: graceMs(window), retentionMs: retentionMs(window), emitFinal, keyBytes, throttle },
    info,
  );
}

const EMPTY = Buffer.alloc(0);

function intermediateSerde(
  create: (target: 'key' | 'value', columns: readonly ColumnDef[]) => RowSerde,
  target: 'key' | 'value',
  columns: readonly ColumnDef[],
): RowSerde {
  try {
    return create(target, columns);
  } catch (error) {
    throw new SluiceError(
      'SQL_UNSUPPORTED',
      `One of the functions used in the statement has an intermediate type that the ${target} format can not handle. Please remove the function or change the format.\nConsider up-voting https://github.com/confluentinc/ksql/issues/3950, which will resolve this limitation`,
      {},
      { cause: error },
    );
  }
}
