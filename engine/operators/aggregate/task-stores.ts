/**
 * Per-task state of operators that are shared by the tasks of a pipeline.
 *
 * Contract with the runtime (the same as the join processors'): for each task, before its
 * TaskState restores, the runtime calls `openTask({ partition, stores, nowMs })` on every operator
 * of the task's pipeline that `isStatefulOperator`; the operator registers its stores there
 * (changelogged, restored, committed with the task's input offsets by the runtime). Records carry
 * their partition, so `process()` finds the task's stores by `record.partition`.
 *
 * A task the runtime did not open (no state support for that pipeline) gets an in-memory
 * TaskState without a changelog on first use: the query runs, but its state does not survive a
 * restart.
 */
import { openStateEnvironment } from '../../../storage/state/index.js';
import {
  TaskState,
  type KeyValueStore,
  type KeyValueStoreOptions,
  type SessionStore,
  type SessionStoreOptions,
  type WindowStore,
  type WindowStoreOptions,
} from '../../state/index.js';
import type { EngineRecord } from '../record.js';
import type { Operator } from '../types.js';
import type { OperatorMetadataLike } from './state.js';

const FALLBACK_COMMIT_CHECK_EVERY = 4096;

/** The stores of one task (created and restored by its TaskState). Names are unique per task. */
export interface OperatorStores {
  keyValue<V>(name: string, options: Omit<KeyValueStoreOptions<V>, 'codec'> & Partial<Pick<KeyValueStoreOptions<V>, 'codec'>>): KeyValueStore<V>;
  window<V>(name: string, options: Omit<WindowStoreOptions<V>, 'codec'> & Partial<Pick<WindowStoreOptions<V>, 'codec'>>): WindowStore<V>;
  session<V>(name: string, options: Omit<SessionStoreOptions<V>, 'codec'> & Partial<Pick<SessionStoreOptions<V>, 'codec'>>): SessionStore<V>;
}

/** What a stateful operator gets when one of its tasks starts. */
export interface OperatorTaskContext {
  partition: number;
  stores: OperatorStores;
  /** Wall-clock ms (the runtime's Clock). */
  nowMs(): number;
}

export interface StatefulOperator extends Operator {
  /** The step whose state this is (names the stores). */
  readonly stepId: string;
  /** Registers the task's stores; called once per task before the task's state restores. */
  openTask(context: OperatorTaskContext): void;
  /** The task's stores are closed (the query stopped, or the partition moved). */
  closeTask(partition: number): void;
}

export function isStatefulOperator(operator: unknown): operator is StatefulOperator {
  return (
    typeof operator === 'object' &&
    operator !== null &&
    typeof (operator as Partial<StatefulOperator>).openTask === 'function' &&
    typeof (operator as Partial<StatefulOperator>).closeTask === 'function'
  );
}

/** The stores of a TaskState, as OperatorStores. */
export function taskStateStores(state: TaskState): OperatorStores {
  return {
    keyValue: (name, options) => state.keyValueStore(name, options),
    window: (name, options) => state.windowStore(name, options),
    session: (name, options) => state.sessionStore(name, options),
  };
}

/** A state-store name for a step id and a suffix: [A-Za-z0-9._-] only (`Aggregate/GroupBy` -> `Aggregate-GroupBy`). */
export function storeName(stepId: string, suffix = ''): string {
  const name = `${stepId}${suffix}`.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return name === '' ? 'store' : name.slice(0, 200);
}

/**
 * The per-partition stores of a shared operator: `open` registers them on a task's stores;
 * `get(partition)` returns them (opening an in-memory fallback for a task the runtime did not open).
 */
export class PartitionStateMap<S> {
  private readonly byPartition = new Map<number, S>();
  private readonly fallbacks = new Map<number, TaskState>();
  private uses = 0;

  constructor(private readonly create: (context: OperatorTaskContext) => S) {}

  open(context: OperatorTaskContext): void {
    this.byPartition.set(context.partition, this.create(context));
  }

  close(partition: number): void {
    this.byPartition.delete(partition);
    const fallback = this.fallbacks.get(partition);
    if (fallback !== undefined) {
      this.fallbacks.delete(partition);
      void fallback.close().catch(() => undefined);
    }
  }

  get(partition: number): S {
    const found = this.byPartition.get(partition);
    if (found !== undefined) {
      if (this.fallbacks.size > 0 && ++this.uses >= FALLBACK_COMMIT_CHECK_EVERY) this.commitFallbacks();
      return found;
    }
    const state = new TaskState({
      environment: openStateEnvironment({ backend: 'memory' }),
      log: null,
      applicationId: 'sluice-local',
      partition,
    });
    const stores = this.create({ partition, stores: taskStateStores(state), nowMs: () => 0 });
    // Without a changelog, restore has nothing to wait for: the stores are ready when it returns.
    void state.restore();
    this.fallbacks.set(partition, state);
    this.byPartition.set(partition, stores);
    return stores;
  }

  /** Fallback state has no runtime to commit it: commit it now and then, so buffered writes stay bounded. */
  private commitFallbacks(): void {
    this.uses = 0;
    for (const state of this.fallbacks.values()) {
      if (state.ready && state.commitNeeded()) void state.commit({ inputOffsets: [] }).catch(() => undefined);
    }
  }

  /** The partitions whose stores are open. */
  partitions(): number[] {
    return [...this.byPartition.keys()].sort((a, b) => a - b);
  }

  peek(partition: number): S | undefined {
    return this.byPartition.get(partition);
  }
}

/**
 * Numbers an operator keeps per task, in a small key-value store (changelogged like the rest).
 * Values live here and are put into the store when it flushes (each commit), so a number that
 * changes with every record (stream time) costs a Map write per record.
 */
export class StoreMetadata implements OperatorMetadataLike {
  private readonly values = new Map<string, number>();
  private readonly changed = new Set<string>();

  constructor(private readonly store: KeyValueStore<number>) {
    store.onFlush(() => {
      for (const name of this.changed) store.put([name], this.values.get(name)!);
      this.changed.clear();
    });
  }

  get(name: string): number | undefined {
    const cached = this.values.get(name);
    if (cached !== undefined) return cached;
    const stored = this.store.get([name]);
    if (stored !== undefined) this.values.set(name, stored);
    return stored;
  }

  set(name: string, value: number): void {
    this.values.set(name, value);
    this.changed.add(name);
  }
}

/**
 * A stateful operator whose tasks each register their stores (`create`) on `openTask`; records
 * find theirs by partition (`this.state.get(record.partition)`).
 */
export abstract class PartitionedOperator<S> implements StatefulOperator {
  readonly state: PartitionStateMap<S>;

  constructor(
    readonly stepId: string,
    create: (context: OperatorTaskContext) => S,
  ) {
    this.state = new PartitionStateMap(create);
  }

  openTask(context: OperatorTaskContext): void {
    this.state.open(context);
  }

  closeTask(partition: number): void {
    this.state.close(partition);
  }

  abstract process(records: EngineRecord[]): EngineRecord[];
}
