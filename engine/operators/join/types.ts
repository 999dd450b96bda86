/**
 * Contracts of the join operators. A join has two inputs, so it is not an `Operator`: the
 * runtime's multi-input task (engine/runtime/multi-input.ts) reads both co-partitioned inputs in
 * timestamp order and hands each run of records to `process(side, records)`, which returns the
 * joined records in the order Kafka Streams would forward them. One processor instance per task
 * (per partition): the processors hold the task's join state in engine/state stores, so they are
 * changelogged and restart-safe.
 *
 * `flush()` is for joins with side outputs (the foreign-key join writes subscriptions to an
 * internal topic): the task awaits it after each batch, before it advances its input positions.
 */
import type { KeyValueStore, KeyValueStoreOptions, WindowStore, WindowStoreOptions } from '../../state/index.js';
import type { EngineRecord } from '../record.js';
import type { StepProcessingLog } from '../processing-log.js';

export type JoinSide = 'left' | 'right';

export interface JoinProcessor {
  process(side: JoinSide, records: EngineRecord[]): EngineRecord[];
  flush?(): Promise<void>;
}

/** The stores of one task, created (and restored) by the task's state. Names must be unique per task. */
export interface JoinStores {
  keyValue<V>(name: string, options: KeyValueStoreOptions<V>): KeyValueStore<V>;
  window<V>(name: string, options: WindowStoreOptions<V>): WindowStore<V>;
}

/** What a processor gets when its task starts. */
export interface JoinTaskContext {
  /** The partition of the inputs the task reads. */
  partition: number;
  stores: JoinStores;
  /** Wall-clock ms (the runtime's Clock): throttles outer-join emission as Kafka Streams does. */
  nowMs(): number;
}

export interface JoinProcessorFactory {
  /** The step the processor runs (names its stores). */
  readonly stepId: string;
  create(context: JoinTaskContext): JoinProcessor;
}

export interface JoinLogging {
  log: StepProcessingLog;
}
