/**
 * Tasks with state for single-input pipelines (aggregations, materialized table sources): the
 * same contract multi-input.ts gives joins. Per task, before the first batch, a TaskState
 * (engine/state) is created over the task's StateEnvironment (lmdb under
 * `<dataDir>/state/<applicationId>/<taskId>` in production, memory in tests), every stateful
 * operator of the pipeline registers its stores (`openTask`), and the state restores (local state
 * at once; the changelogs beyond it, or all of them when the local state is gone). When the state
 * holds a checkpoint, the task resumes from the checkpoint's input offset (state and offsets
 * always agree); else from the consumer group's offset (or auto.offset.reset).
 *
 * After each batch the state is committed with the input position when due (commit interval or
 * buffered writes; a caught-up live task checks when idle; deterministic `drain()` commits at its
 * end).
 * The consumer group only ever commits the offset committed with the state. Stop commits and
 * closes the state; TERMINATE/DROP also deletes the local state and the changelog topics.
 */
import { openStateEnvironment, type StateEnvironment } from '../../storage/state/index.js';
import { TaskState, type KeyValueStore } from '../state/index.js';
import { isStatefulOperator, storeName, taskStateStores, type StatefulOperator } from '../operators/index.js';
import type { Pipeline } from './builder.js';
import type { TaskStateEnvironmentFactory } from './multi-input.js';
import { Task, type RunningQuery, type TaskInput } from './query.js';

/** The stateful operators of a pipeline (none: plain tasks do). */
export function statefulOperators(pipeline: Pipeline): StatefulOperator[] {
  return pipeline.operators.filter(isStatefulOperator);
}

/** The tasks of a single-input pipeline with stateful operators. */
export function createStatefulTasks(query: RunningQuery, pipeline: Pipeline, stateEnvironment: TaskStateEnvironmentFactory | null): Task[] {
  const operators = statefulOperators(pipeline);
  const tasks: Task[] = [];
  for (let partition = 0; partition < pipeline.source.partitions; partition++) tasks.push(new StatefulTask(query, pipeline, partition, operators, stateEnvironment));
  return tasks;
}

/** The application id that names a query's changelogs and state directories. */
export function stateApplicationId(query: RunningQuery): string {
  return query.consumerGroupId ?? `_confluent-ksql-transient_${query.queryId}`;
}

/**
 * Opens the environment of a task: the factory's for persistent queries, memory for transient
 * ones (push queries keep nothing across restarts) and when no factory is given.
 */
export function openTaskEnvironment(query: RunningQuery, factory: TaskStateEnvironmentFactory | null, taskId: string, partition: number): StateEnvironment {
  if (factory === null || query.consumerGroupId === null) return openStateEnvironment({ backend: 'memory' });
  return factory({ applicationId: stateApplicationId(query), taskId, partition });
}

export class StatefulTask extends Task {
  private state: TaskState | null = null;
  private offsets: KeyValueStore<number> | null = null;
  private restored: Promise<void> | null = null;
  /** The input offset committed with the state (null: none yet this run). */
  private committedPosition: number | null = null;
  private failed = false;
  private closed = false;
  private deleted = false;

  constructor(
    query: RunningQuery,
    pipeline: Pipeline,
    partition: number,
    private readonly operators: readonly StatefulOperator[],
    private readonly stateEnvironment: TaskStateEnvironmentFactory | null,
  ) {
    super(query, pipeline, partition);
  }

  private taskId(): string {
    return `${this.pipeline.index}_${this.partition}`;
  }

  /** Creates the task's state, opens the operators' stores on it and restores it (once). */
  private ensureReady(): Promise<void> {
    if (this.restored === null) this.restored = this.restore();
    return this.restored;
  }

  private openState(): TaskState {
    const query = this.query;
    const state = new TaskState({
      environment: openTaskEnvironment(query, this.stateEnvironment, this.taskId(), this.partition),
      log: query.consumerGroupId === null ? null : query.log,
      applicationId: stateApplicationId(query),
      partition: this.partition,
      limits: query.limits,
      clock: query.clock,
      commitIntervalMs: query.commitIntervalMs,
    });
    const stores = taskStateStores(state);
    const clock = query.clock;
    const nowMs = (): number => clock.nowMs();
    for (const operator of this.operators) operator.openTask({ partition: this.partition, stores, nowMs });
    // The position is state too: every commit writes to a changelog, so the marker a rebuild
    // finds carries the latest offset even when no operator state changed.
    const first = this.operators[0]!;
    this.offsets = state.keyValueStore<number>(storeName(`${first.stepId}-${this.pipeline.index}-input-offsets`), { cacheEntriesMax: 0 });
    return state;
  }

  private async restore(): Promise<void> {
    const state = this.openState();
    this.state = state;
    const outcome = await state.restore();
    const found = outcome.checkpoint?.inputOffsets.find((o) => o.topic === this.topic && o.partition === this.partition);
    if (found !== undefined) this.position = found.offset;
    // Until the first commit, the consumer group keeps the offset this run started from.
    this.committedPosition = this.position;
  }

  override async pollOnce(): Promise<boolean> {
    if (this.closed || this.failed) return false;
    await this.ensureReady();
    let progressed: boolean;
    try {
      progressed = await super.pollOnce();
      if (progressed) await this.commitState(false);
    } catch (error) {
      // A batch failed half-way: its state changes must not be committed with later offsets.
      this.failed = true;
      throw error;
    }
    return progressed;
  }

  override committablePosition(input: TaskInput): number {
    return this.committedPosition ?? input.position;
  }

  override async flushState(): Promise<void> {
    const state = this.state;
    if (state === null || !state.ready || this.closed || this.failed) return;
    await this.commitState(true);
  }

  override async onIdle(): Promise<void> {
    const state = this.state;
    if (state === null || !state.ready || this.closed || this.failed) return;
    if (state.commitNeeded()) await this.commitState(true);
  }

  /** Commits the state with the task's position (when due, or forced: drain's end, stop). */
  private async commitState(force: boolean): Promise<void> {
    const state = this.state;
    if (state === null || !state.ready) return;
    const position = this.position;
    const offsets = this.offsets;
    if (offsets !== null && offsets.get([this.topic]) !== position) offsets.put([this.topic], position);
    const point = { inputOffsets: [{ topic: this.topic, partition: this.partition, offset: position }] };
    const committed = force ? (await state.commit(point), true) : await state.maybeCommit(point);
    if (committed) this.committedPosition = position;
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const state = this.state;
    if (state === null) return;
    if (this.restored !== null) await this.restored.catch(() => undefined);
    try {
      if (state.ready && !this.failed) await this.commitState(true);
    } catch {
      // the log may be closing; the next start resumes from the last committed state
    }
    for (const operator of this.operators) operator.closeTask(this.partition);
    await state.close();
  }

  override async deleteState(): Promise<void> {
    if (this.deleted) return;
    this.deleted = true;
    await this.close();
    let state = this.state;
    if (state === null) {
      // Never opened this run: open it to learn its stores (state from an earlier run).
      state = this.openState();
      for (const operator of this.operators) operator.closeTask(this.partition);
    }
    await state.deleteChangelogs();
    await state.environment.destroy();
  }
}
