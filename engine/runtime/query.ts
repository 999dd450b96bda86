/**
 * A running query: its tasks, its life cycle (RUNNING, PAUSED, ERROR, TERMINATED), its committed
 * input offsets and its errors.
 *
 * A task is a unit of work over its inputs (`TaskInput`: topic partitions): one partition of a
 * pipeline's topic, or — for a join (multi-input.ts) — one partition of each co-partitioned topic
 * the join reads. Its unit of work is `pollOnce()`: read a bounded batch (limits.taskReadBytesMax),
 * decode, run the operators, write the terminal's output (awaited), and only then advance the
 * positions. Both modes call it:
 * - live: each task loops (`run`, shared by every kind of task), waiting in `waitForInput` when it
 *   is caught up (never spinning), pausing while the push queue is full or the query is paused,
 *   yielding to the event loop between batches;
 * - deterministic: the runtime's `drain()` calls it for every task with unread input until no
 *   task has any, so one input record flows through every query (and the queries reading their
 *   outputs) before the next one is produced.
 *
 * Offsets: a persistent query commits its tasks' input positions to the consumer group
 * `_confluent-ksql-<serviceId>query_<queryId>` periodically, on pause and on stop (at least
 * once: a position is committed only after the output it produced was appended, and a task with
 * state only commits the offsets committed with its state). On start an input resumes from the
 * committed offset, else from `auto.offset.reset` (earliest or latest; a repartition topic always
 * from the earliest). Push queries commit nothing. Every task is registered with the runtime's
 * `TopicWriters` (upstream.ts), so that a join can wait for the tasks that write its inputs.
 */
import { SluiceError, isSluiceError, type Clock, type Limits } from '../../common/index.js';
import type { Log } from '../../storage/log/index.js';
import type { EngineRecord, PushQueue, QueryError, QueryProcessingLog } from '../operators/index.js';
import type { QueryPlan } from '../steps/index.js';
import type { BuiltQuery, Pipeline } from './builder.js';
import { TopicWriters } from './upstream.js';

export type QueryState = 'RUNNING' | 'PAUSED' | 'ERROR' | 'TERMINATED';
export type OffsetReset = 'earliest' | 'latest';

export interface TaskStatus {
  pipeline: number;
  topic: string;
  partition: number;
  /** Next offset the task will read. */
  position: number;
  highWatermark: number;
  recordsIn: number;
  recordsOut: number;
}

export interface QueryStatus {
  queryId: string;
  state: QueryState;
  /** The consumer group (null for push queries). */
  consumerGroupId: string | null;
  sourceTopics: string[];
  sinkTopic: string | null;
  tasks: TaskStatus[];
  recordsIn: number;
  recordsOut: number;
  /** Processing errors since the start (the last few are in `errors()`). */
  errorCount: number;
}

export interface RunningQueryOptions {
  plan: QueryPlan;
  built: BuiltQuery;
  log: Log;
  clock: Clock;
  limits: Limits;
  processingLog: QueryProcessingLog;
  /** null: a transient (push) query, nothing committed. */
  consumerGroupId: string | null;
  offsetReset: OffsetReset;
  mode: 'live' | 'deterministic';
  commitIntervalMs: number;
  /** How long a caught-up task waits for data before looking around (commits, state). */
  pollWaitMs: number;
  /** Called once when the query has stopped (TERMINATED or ERROR). */
  onStopped?: (query: RunningQuery) => void;
  /** Which tasks of the runtime write which topics (joins wait for their upstream); default: this query's own. */
  upstream?: TopicWriters;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One topic partition a task reads. */
export class TaskInput {
  /** Next offset whose record the task has not processed. */
  position = 0;
  recordsIn = 0;

  constructor(
    readonly topic: string,
    readonly partition: number,
    /** A topic of this query (repartition, subscription): read from the start, never from `latest`. */
    readonly internal: boolean,
  ) {}
}

/**
 * A unit of work: reads its inputs (one topic partition; a join's task reads several), runs the
 * operators and writes to the terminal. The live loop (`run`) and the bookkeeping RunningQuery
 * does over `inputs` (start positions, consumer-group commits, status) are shared by every kind
 * of task; subclasses change how a batch is polled (`pollOnce`), how a caught-up task waits for
 * input (`waitForInput`), and what offsets may be committed (`committablePosition`).
 */
export class Task {
  readonly inputs: TaskInput[];
  recordsOut = 0;
  /** Batches processed so far (upstream tracking: a writer that makes no progress is stalled). */
  progressCount = 0;
  private waitAbort: AbortController | null = null;
  loop: Promise<void> | null = null;

  constructor(
    readonly query: RunningQuery,
    readonly pipeline: Pipeline,
    readonly partition: number,
    inputs?: TaskInput[],
  ) {
    this.inputs = inputs ?? [new TaskInput(pipeline.source.topic, partition, pipeline.source.internal)];
  }

  /** The (first) input's topic. */
  get topic(): string {
    return this.inputs[0]!.topic;
  }

  /** The (first) input's next offset to process. */
  get position(): number {
    return this.inputs[0]!.position;
  }
  set position(offset: number) {
    this.inputs[0]!.position = offset;
  }

  get recordsIn(): number {
    let n = 0;
    for (const input of this.inputs) n += input.recordsIn;
    return n;
  }

  /** True when the log holds records past the task's position. */
  hasUnread(): boolean {
    return this.query.log.offsets(this.topic, this.partition).highWatermark > this.position;
  }

  isBlocked(): boolean {
    return this.pipeline.terminal.isBlocked?.() === true;
  }

  isDone(): boolean {
    return this.pipeline.terminal.isDone?.() === true;
  }

  /** Running and able to take input now (not paused, stopping, failed or blocked by its terminal). */
  isActive(): boolean {
    return this.query.state === 'RUNNING' && !this.query.stopping && !this.isBlocked() && !this.isDone();
  }

  /**
   * Reads one bounded batch at the position and runs it through the pipeline. Resolves false when
   * there was nothing to read. Throws on a failure that must stop the query.
   */
  async pollOnce(): Promise<boolean> {
    const { log, limits } = this.query;
    const input = this.inputs[0]!;
    let read;
    try {
      read = await log.read(input.topic, this.partition, input.position, limits.taskReadBytesMax);
    } catch (error) {
      if (isSluiceError(error, 'LOG_OFFSET_OUT_OF_RANGE')) {
        input.position = this.startPosition(input);
        return true;
      }
      throw error;
    }
    if (read.batches.length === 0) {
      if (input.position < read.logStartOffset) {
        input.position = read.logStartOffset;
        return true;
      }
      return false;
    }
    const { decoder } = this.pipeline.source;
    const decoded = decoder.decode(read.batches, input.position);
    if (decoded.nextOffset <= input.position) {
      throw new SluiceError('INTERNAL_ASSERTION', `a read of ${input.topic}-${this.partition} at ${input.position} did not advance`, {
        topic: input.topic,
        partition: this.partition,
        offset: input.position,
      });
    }
    const prepared = decoder.prepare(decoded.records);
    if (prepared !== undefined) await prepared;
    let records: EngineRecord[] = [];
    decoder.convert(decoded.records, this.partition, records);
    for (const operator of this.pipeline.operators) {
      if (records.length === 0) break;
      records = operator.process(records);
    }
    if (records.length > 0) await this.pipeline.terminal.write(records);
    input.recordsIn += decoded.records.length;
    this.recordsOut += records.length;
    input.position = decoded.nextOffset;
    this.progressed();
    return true;
  }

  /** Counts a processed batch and wakes the tasks waiting on this one's output. */
  protected progressed(): void {
    this.progressCount++;
    this.query.upstream.progressed();
  }

  /** The live loop (every kind of task). */
  async run(): Promise<void> {
    const query = this.query;
    const terminal = this.pipeline.terminal;
    while (!query.stopping) {
      if (query.state === 'PAUSED') {
        await query.whenResumed();
        continue;
      }
      if (this.isDone()) {
        query.requestStop();
        break;
      }
      if (this.isBlocked()) {
        await Promise.race([terminal.whenUnblocked?.() ?? Promise.resolve(), query.whenStopping()]);
        continue;
      }
      let progressed: boolean;
      try {
        progressed = await this.pollOnce();
      } catch (error) {
        query.fail(error);
        break;
      }
      if (this.isDone()) {
        query.requestStop();
        break;
      }
      if (progressed) {
        await yieldToEventLoop();
        continue;
      }
      try {
        await this.onIdle();
      } catch (error) {
        query.fail(error);
        break;
      }
      const abort = new AbortController();
      this.waitAbort = abort;
      try {
        if (!query.stopping && query.state === 'RUNNING') await this.waitForInput(query.pollWaitMs, abort.signal);
      } catch (error) {
        query.fail(error);
        break;
      } finally {
        this.waitAbort = null;
      }
    }
  }

  /** A caught-up task waits (at most `timeoutMs`) for more input; `signal` interrupts it. */
  async waitForInput(timeoutMs: number, signal: AbortSignal): Promise<void> {
    await this.query.log.waitForData(this.topic, this.partition, this.position, timeoutMs, signal);
  }

  /** Interrupts a wait for data (pause, stop). */
  wake(): void {
    this.waitAbort?.abort();
  }

  /** Where an input starts without a committed offset. */
  startPosition(input: TaskInput): number {
    return this.query.resetPositionFor(input.topic, input.internal, input.partition);
  }

  /** Called once the query has stopped (tasks with state commit and close it). */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * The offset the consumer group may commit for an input: its position, or — for a task with
   * state — the input offset committed with the state (never ahead of it).
   */
  committablePosition(input: TaskInput): number {
    return input.position;
  }

  /** Commits the task's state now if it has any (deterministic `drain()` at its end). */
  flushState(): Promise<void> {
    return Promise.resolve();
  }

  /** The live loop found nothing to read (a task with state commits when due). */
  onIdle(): Promise<void> {
    return Promise.resolve();
  }

  /** After close: deletes the task's local state and changelogs (TERMINATE, DROP). */
  deleteState(): Promise<void> {
    return Promise.resolve();
  }

  /** One status per input; the task's output count is on the last. */
  status(): TaskStatus[] {
    return this.inputs.map((input, index) => {
      let highWatermark = -1;
      try {
        highWatermark = this.query.log.offsets(input.topic, input.partition).highWatermark;
      } catch {
        // the topic was deleted under us
      }
      return {
        pipeline: this.pipeline.index,
        topic: input.topic,
        partition: input.partition,
        position: input.position,
        highWatermark,
        recordsIn: input.recordsIn,
        recordsOut: index === this.inputs.length - 1 ? this.recordsOut : 0,
      };
    });
  }
}

export class RunningQuery {
  readonly queryId: string;
  readonly plan: QueryPlan;
  readonly consumerGroupId: string | null;
  /** The push query's rows (null for persistent queries). */
  readonly output: PushQueue | null;
  readonly sinkTopic: string | null;
  readonly tasks: Task[] = [];
  readonly log: Log;
  readonly limits: Limits;
  readonly pollWaitMs: number;
  readonly processingLog: QueryProcessingLog;
  readonly internalTopics: readonly string[];
  /** The runtime's writers of each topic (shared by its queries). */
  readonly upstream: TopicWriters;
  private stateValue: QueryState = 'RUNNING';
  private stopRequested = false;
  readonly clock: Clock;
  readonly mode: 'live' | 'deterministic';
  private readonly offsetReset: OffsetReset;
  readonly commitIntervalMs: number;
  private readonly lastCommitted = new Map<string, number>();
  private commitChain: Promise<void> = Promise.resolve();
  private commitTimer: { cancel(): void } | null = null;
  /** One promise per pause, shared by the waiting tasks (no waiter list to grow). */
  private resumed: { promise: Promise<void>; resolve: () => void } | null = null;
  private readonly stoppingSignal: { promise: Promise<void>; resolve: () => void };
  private stoppedPromise: Promise<void> | null = null;
  private readonly onStopped: ((query: RunningQuery) => void) | undefined;

  constructor(options: RunningQueryOptions) {
    this.queryId = options.plan.queryId;
    this.plan = options.plan;
    this.consumerGroupId = options.consumerGroupId;
    this.output = options.built.output;
    this.sinkTopic = options.built.sinkTopic;
    this.log = options.log;
    this.clock = options.clock;
    this.limits = options.limits;
    this.processingLog = options.processingLog;
    this.mode = options.mode;
    this.offsetReset = options.offsetReset;
    this.commitIntervalMs = options.commitIntervalMs;
    this.pollWaitMs = options.pollWaitMs;
    this.onStopped = options.onStopped;
    this.internalTopics = options.built.internalTopics.map((t) => t.name);
    this.upstream = options.upstream ?? new TopicWriters();
    let resolveStopping = (): void => undefined;
    this.stoppingSignal = { promise: new Promise<void>((resolve) => (resolveStopping = resolve)), resolve: () => resolveStopping() };
    for (const pipeline of options.built.pipelines) {
      if (pipeline.createTasks !== undefined) {
        this.tasks.push(...pipeline.createTasks(this, pipeline));
        continue;
      }
      for (let partition = 0; partition < pipeline.source.partitions; partition++) this.tasks.push(new Task(this, pipeline, partition));
    }
  }

  get state(): QueryState {
    return this.stateValue;
  }
  get stopping(): boolean {
    return this.stopRequested;
  }

  /** Sets every task's start position: committed offset, else auto.offset.reset. */
  initializePositions(): void {
    const committed = new Map<string, number>();
    if (this.consumerGroupId !== null) {
      for (const c of this.log.fetchOffsets(this.consumerGroupId)) committed.set(`${c.topic}\u0000${c.partition}`, c.offset);
    }
    for (const task of this.tasks) {
      for (const input of task.inputs) {
        const key = `${input.topic}\u0000${input.partition}`;
        const offset = committed.get(key);
        input.position = offset !== undefined ? offset : task.startPosition(input);
        if (offset !== undefined) this.lastCommitted.set(key, offset);
      }
      this.upstream.add(task);
    }
  }

  /** The same for any topic a task reads (`internal`: a topic of this query, read from the start). */
  resetPositionFor(topic: string, internal: boolean, partition: number): number {
    const offsets = this.log.offsets(topic, partition);
    return internal || this.offsetReset === 'earliest' ? offsets.logStartOffset : offsets.highWatermark;
  }

  /** Live mode: starts the task loops and the commit timer. */
  startLoops(): void {
    if (this.mode !== 'live') return;
    for (const task of this.tasks) task.loop = task.run();
    this.scheduleCommit();
  }

  private scheduleCommit(): void {
    if (this.consumerGroupId === null || this.mode !== 'live' || this.stopRequested) return;
    this.commitTimer = this.clock.setTimer(this.commitIntervalMs, () => {
      this.commitTimer = null;
      this.commit()
        .catch((error: unknown) => this.fail(error))
        .finally(() => this.scheduleCommit());
    });
  }

  /** Commits the positions that changed since the last commit. */
  commit(): Promise<void> {
    const next = this.commitChain.then(async () => {
      if (this.consumerGroupId === null) return;
      const offsets: Array<{ topic: string; partition: number; offset: number; metadata: string | null }> = [];
      for (const task of this.tasks) {
        for (const input of task.inputs) {
          const key = `${input.topic}\u0000${input.partition}`;
          const position = task.committablePosition(input);
          if (this.lastCommitted.get(key) !== position) offsets.push({ topic: input.topic, partition: input.partition, offset: position, metadata: null });
        }
      }
      if (offsets.length === 0) return;
      await this.log.commitOffsets(this.consumerGroupId, offsets);
      for (const o of offsets) this.lastCommitted.set(`${o.topic}\u0000${o.partition}`, o.offset);
    });
    this.commitChain = next.catch(() => undefined);
    return next;
  }

  pause(): void {
    if (this.stateValue !== 'RUNNING') return;
    this.stateValue = 'PAUSED';
    let resolve = (): void => undefined;
    const promise = new Promise<void>((r) => (resolve = r));
    this.resumed = { promise, resolve: () => resolve() };
    for (const task of this.tasks) task.wake();
    void this.commit().catch(() => undefined);
  }

  resume(): void {
    if (this.stateValue !== 'PAUSED') return;
    this.stateValue = 'RUNNING';
    this.releasePause();
  }

  private releasePause(): void {
    const resumed = this.resumed;
    this.resumed = null;
    resumed?.resolve();
  }

  whenResumed(): Promise<void> {
    if (this.stateValue !== 'PAUSED' || this.stopRequested || this.resumed === null) return Promise.resolve();
    return this.resumed.promise;
  }

  whenStopping(): Promise<void> {
    return this.stoppingSignal.promise;
  }

  /** Asks the tasks to stop; `stop()` waits for them. */
  requestStop(): void {
    if (this.stopRequested) return;
    this.stopRequested = true;
    this.commitTimer?.cancel();
    this.commitTimer = null;
    for (const task of this.tasks) task.wake();
    this.releasePause();
    this.stoppingSignal.resolve();
    void this.stopped();
  }

  /** Stops the query: tasks finish their current batch, positions are committed. */
  stop(): Promise<void> {
    this.requestStop();
    return this.stopped();
  }

  private stopped(): Promise<void> {
    if (this.stoppedPromise === null) {
      this.stoppedPromise = (async () => {
        await Promise.all(this.tasks.map((t) => t.loop ?? Promise.resolve()));
        for (const task of this.tasks) this.upstream.remove(task);
        await Promise.all(this.tasks.map((t) => t.close().catch(() => undefined)));
        try {
          await this.commit();
        } catch {
          // the log may be closing; the next start re-reads from the last commit
        }
        if (this.stateValue !== 'ERROR') this.stateValue = 'TERMINATED';
        if (this.output !== null) {
          const error = this.stateValue === 'ERROR' ? this.processingLog.errors.list().at(-1) : undefined;
          if (error !== undefined) this.output.fail(new SluiceError('ENGINE_STATE', error.errorMessage));
          else this.output.complete();
        }
        this.onStopped?.(this);
      })();
    }
    return this.stoppedPromise;
  }

  /** After stop: deletes every task's local state and state changelogs (TERMINATE, DROP). */
  async deleteState(): Promise<void> {
    await this.stop();
    for (const task of this.tasks) await task.deleteState();
  }

  /** A failure that stops the query: state ERROR, the error listed in `errors()`. */
  fail(error: unknown): void {
    if (this.stateValue === 'ERROR' || this.stateValue === 'TERMINATED') return;
    const message = error instanceof Error ? error.message : String(error);
    const causes: string[] = [];
    let cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
    while (cause !== undefined && cause !== null && causes.length < 10) {
      causes.push(cause instanceof Error ? cause.message : String(cause));
      cause = cause instanceof Error ? (cause as { cause?: unknown }).cause : undefined;
    }
    const system = isSluiceError(error) && (error.code.startsWith('LOG_') || error.code.startsWith('FS_'));
    this.processingLog.errors.add({
      timestampMs: this.clock.nowMs(),
      errorMessage: [message, ...causes.map((c) => `Caused by: ${c}`)].join('\n'),
      type: system ? 'SYSTEM' : isSluiceError(error) ? 'USER' : 'UNKNOWN',
    });
    this.stateValue = 'ERROR';
    this.requestStop();
  }

  /** The last errors, oldest first (SHOW QUERIES EXTENDED `queryErrors`). */
  errors(): readonly QueryError[] {
    return this.processingLog.errors.list();
  }

  status(): QueryStatus {
    const tasks = this.tasks.flatMap((t) => t.status());
    return {
      queryId: this.queryId,
      state: this.stateValue,
      consumerGroupId: this.consumerGroupId,
      sourceTopics: this.plan.sourceTopics,
      sinkTopic: this.sinkTopic,
      tasks,
      recordsIn: tasks.filter((t) => t.pipeline === 0).reduce((n, t) => n + t.recordsIn, 0),
      recordsOut: this.tasks.filter((t) => t.pipeline.index === this.lastPipelineIndex()).reduce((n, t) => n + t.recordsOut, 0),
      errorCount: this.processingLog.errors.total,
    };
  }

  private lastPipelineIndex(): number {
    return this.tasks.reduce((max, t) => Math.max(max, t.pipeline.index), 0);
  }

}
