/**
 * Multi-input tasks: a pipeline that reads several co-partitioned topics (the sides of a join,
 * and the internal topics of a foreign-key join) — Kafka Streams' sub-topology with several
 * source topics. The builder describes such a pipeline as a flow: a tree whose leaves are the
 * inputs (a topic + its stateless operators) and whose inner nodes are joins (a processor
 * factory + the operators after the join). The root's operators are the pipeline's operators.
 *
 * For each partition the query gets one `MultiInputTask`, a `Task` like any other (the live loop,
 * consumer-group commits, status and `drain()` are query.ts's), whose inputs are one `InputCursor`
 * per leaf. It owns the join processors (one instance per join node) and their TaskState
 * (engine/state stores, changelogged).
 *
 * Order. A poll reads a bounded batch from every input whose buffer is empty and processes the
 * buffered records in timestamp order (Kafka Streams' partition group: the lowest head timestamp
 * first); a run of one input's records goes through its leaf's operators, then up the tree
 * through each join (`process(side, records)`) and the operators after it, into the terminal.
 * The poll stops — and keeps the order — as soon as an input is empty but has records still to
 * come: unread in the log (the read budget is spent), or not written yet by an upstream task of
 * this runtime that still has input to process (a repartition pipeline of the same query, another
 * query whose sink this join reads; see upstream.ts). Without that, an input fed by a slower
 * upstream would be overtaken: the join's stream time would pass its records (grace drops them)
 * and a table side would be joined as of a later time. The wait ends when the upstream writes,
 * catches up, pauses or stops; an upstream that makes no progress at all for UPSTREAM_STALL_MS
 * (a cycle of joins waiting on each other) is not waited for, and `drain()` breaks such a cycle
 * with one enforced pass. The query property `max.task.idle.ms` = -1 turns the wait off.
 *
 * State: the task's TaskState restores before the first batch; when it holds a checkpoint, the
 * inputs resume from the checkpoint's offsets (state and offsets always agree). After each batch
 * the state is committed with the inputs' positions (every batch in deterministic mode, else when
 * due); what the consumer group commits for an input never passes the offset committed with the
 * state.
 */
import { SluiceError, isSluiceError } from '../../common/index.js';
import type { StateEnvironment } from '../../storage/state/index.js';
import { TaskState, type KeyValueStore } from '../state/index.js';
import { isStatefulOperator, taskStateStores, type EngineRecord, type JoinProcessor, type JoinProcessorFactory, type JoinSide, type Operator, type StatefulOperator } from '../operators/index.js';
import type { Pipeline, PipelineSource } from './builder.js';
import { Task, TaskInput, type RunningQuery } from './query.js';
import { openTaskEnvironment } from './stateful-task.js';

export interface FlowLeaf {
  readonly kind: 'leaf';
  readonly source: PipelineSource;
  readonly operators: Operator[];
  /**
   * false: never wait for this input's upstream (the foreign-key join's subscription topics,
   * written by the two tasks of the join itself). Default true.
   */
  readonly awaitUpstream?: boolean;
}

export interface FlowJoin {
  readonly kind: 'join';
  readonly left: FlowNode;
  readonly right: FlowNode;
  readonly factory: JoinProcessorFactory;
  /** Operators after the join (the pipeline's operators when this is the root). */
  readonly operators: Operator[];
}

export type FlowNode = FlowLeaf | FlowJoin;

/** Opens the storage environment of one task's state (lmdb in production); default in-memory. */
export type TaskStateEnvironmentFactory = (request: { applicationId: string; taskId: string; partition: number }) => StateEnvironment;

/** The leaves of a flow, left to right. */
export function flowLeaves(node: FlowNode): FlowLeaf[] {
  return node.kind === 'leaf' ? [node] : [...flowLeaves(node.left), ...flowLeaves(node.right)];
}

function flowJoins(node: FlowNode): FlowJoin[] {
  return node.kind === 'leaf' ? [] : [...flowJoins(node.left), ...flowJoins(node.right), node];
}

/** The store of a multi-input task's input positions (unique per pipeline of the query). */
function inputOffsetsStore(root: FlowJoin, pipelineIndex: number): string {
  return `${root.factory.stepId}-${pipelineIndex}-input-offsets`.replace(/[^A-Za-z0-9._-]/g, '-');
}

/** Batches of input read per input and poll, at most (bounds the work of one poll). */
const READS_PER_POLL_MAX = 4;

/**
 * How long a join waits for an upstream that makes no progress at all (no batch processed by any
 * writer of the input it waits for) before it processes its other inputs anyway: only a cycle of
 * joins waiting on each other, or a writer stuck on something this runtime cannot see, gets there.
 */
export const UPSTREAM_STALL_MS = 5000;

interface Hop {
  join: FlowJoin;
  side: JoinSide;
}

export interface MultiInputOptions {
  /** Opens the state environment of a task (lmdb in production); null: in memory. */
  stateEnvironment: TaskStateEnvironmentFactory | null;
  /**
   * Wait for an empty input whose upstream (a task of this runtime writing its topic) still has
   * unread input, instead of processing the other inputs past it. Default true; the query
   * property `max.task.idle.ms` = -1 turns it off (Kafka Streams' "never wait").
   */
  awaitUpstream?: boolean;
}

/** The tasks of a multi-input pipeline: one per partition. */
export function createMultiInputTasks(query: RunningQuery, pipeline: Pipeline, root: FlowJoin, options: MultiInputOptions | TaskStateEnvironmentFactory | null): Task[] {
  const resolved: MultiInputOptions = options === null || typeof options === 'function' ? { stateEnvironment: options } : options;
  const tasks: Task[] = [];
  for (let partition = 0; partition < pipeline.source.partitions; partition++) tasks.push(new MultiInputTask(query, pipeline, root, partition, resolved));
  return tasks;
}

/** One input of a multi-input task: a leaf's topic partition, with the records read but not processed. */
export class InputCursor extends TaskInput {
  /** Next offset to read from the log (records before it are buffered or processed). */
  readPosition = 0;
  /** The offset committed with the task's state: what the consumer group may commit. */
  committed = 0;
  /** Decoded records read but not processed yet. */
  buffer: EngineRecord[] = [];
  bufferAt = 0;

  constructor(
    readonly leaf: FlowLeaf,
    partition: number,
    readonly index: number,
  ) {
    super(leaf.source.topic, partition, leaf.source.internal);
  }

  /** Next offset whose record has not been processed. */
  processedPosition(): number {
    return this.bufferAt < this.buffer.length ? this.buffer[this.bufferAt]!.offset : this.readPosition;
  }

  buffered(): number {
    return this.buffer.length - this.bufferAt;
  }

  headTimestampMs(): number {
    return this.buffer[this.bufferAt]!.timestampMs;
  }
}

/** The task of one partition of a multi-input pipeline: its inputs, the processors and their state. */
export class MultiInputTask extends Task {
  readonly cursors: InputCursor[];
  private readonly hops: Hop[][];
  private readonly processors = new Map<FlowJoin, JoinProcessor>();
  private readonly joins: FlowJoin[];
  private readonly statefulOperators: StatefulOperator[];
  private readonly stateEnvironment: TaskStateEnvironmentFactory | null;
  private readonly awaitUpstream: boolean;
  private state: TaskState | null = null;
  private offsets: KeyValueStore<number> | null = null;
  private restored: Promise<void> | null = null;
  private closed = false;
  private failed = false;
  private deleted: Promise<void> | null = null;
  /** The empty input whose upstream the last poll stopped for (null: it did not stop for one). */
  private waitingOn: InputCursor | null = null;
  /** Since when the upstream waited for has made no progress. */
  private stall: { cursor: InputCursor; progress: number; sinceMs: number } | null = null;
  /** Set by `drain()` for a pass in which nothing else can move: process without waiting. */
  enforceProcessing = false;

  constructor(
    query: RunningQuery,
    pipeline: Pipeline,
    readonly root: FlowJoin,
    partition: number,
    options: MultiInputOptions,
  ) {
    const leaves = flowLeaves(root);
    const cursors = leaves.map((leaf, index) => new InputCursor(leaf, partition, index));
    super(query, pipeline, partition, cursors);
    this.cursors = cursors;
    this.hops = leaves.map((leaf) => pathToRoot(root, leaf));
    this.joins = flowJoins(root);
    this.statefulOperators = flowOperators(root).filter(isStatefulOperator);
    this.stateEnvironment = options.stateEnvironment;
    this.awaitUpstream = options.awaitUpstream !== false;
  }

  private taskId(): string {
    return `${this.pipeline.index}_${this.partition}`;
  }

  override hasUnread(): boolean {
    for (const cursor of this.cursors) {
      if (this.restored === null) {
        if (this.query.log.offsets(cursor.topic, this.partition).highWatermark > cursor.position) return true;
      } else if (cursor.buffered() > 0 || this.logHasMore(cursor)) return true;
    }
    return false;
  }

  private logHasMore(cursor: InputCursor): boolean {
    return this.query.log.offsets(cursor.topic, this.partition).highWatermark > cursor.readPosition;
  }

  override committablePosition(input: TaskInput): number {
    return (input as InputCursor).committed;
  }

  /** Creates the processors and restores their state (once); the cursors start at their positions. */
  private ensureReady(): Promise<void> {
    if (this.restored === null) {
      for (const cursor of this.cursors) {
        cursor.readPosition = cursor.position;
        cursor.committed = cursor.position;
      }
      this.restored = this.restore();
    }
    return this.restored;
  }

  private async restore(): Promise<void> {
    const state = this.openState();
    const outcome = await state.restore();
    const checkpoint = outcome.checkpoint;
    if (checkpoint !== null) {
      for (const cursor of this.cursors) {
        const found = checkpoint.inputOffsets.find((o) => o.topic === cursor.topic && o.partition === this.partition);
        if (found === undefined) continue;
        cursor.readPosition = found.offset;
        cursor.position = found.offset;
        cursor.committed = found.offset;
      }
    }
  }

  /** Creates the TaskState, the processors and the operators' stores (not restored yet). */
  private openState(): TaskState {
    const query = this.query;
    const applicationId = query.consumerGroupId ?? `_confluent-ksql-transient_${query.queryId}`;
    const environment = openTaskEnvironment(query, this.stateEnvironment, this.taskId(), this.partition);
    const state = new TaskState({
      environment,
      log: query.consumerGroupId === null ? null : query.log,
      applicationId,
      partition: this.partition,
      limits: query.limits,
      clock: query.clock,
      commitIntervalMs: query.commitIntervalMs,
    });
    this.state = state;
    const stores = taskStateStores(state);
    const clock = query.clock;
    const nowMs = (): number => clock.nowMs();
    for (const join of this.joins) this.processors.set(join, join.factory.create({ partition: this.partition, stores, nowMs }));
    // Stateful operators of the flow (table materialization, aggregates) keep their state in this task too.
    for (const operator of this.statefulOperators) operator.openTask({ partition: this.partition, stores, nowMs });
    // The positions are state too: every commit then writes to a changelog, so its marker (and
    // the checkpoint a restore finds there) carries the latest offsets even when nothing else changed.
    this.offsets = state.keyValueStore<number>(inputOffsetsStore(this.root, this.pipeline.index), { cacheEntriesMax: 0 });
    return state;
  }

  override async pollOnce(): Promise<boolean> {
    if (this.closed || this.failed) return false;
    try {
      return await this.pollNow();
    } catch (error) {
      // A batch failed half-way: its state changes must not be committed with later offsets.
      this.failed = true;
      throw error;
    }
  }

  private async read(cursor: InputCursor): Promise<boolean> {
    const { log, limits } = this.query;
    let read;
    try {
      read = await log.read(cursor.topic, this.partition, cursor.readPosition, limits.taskReadBytesMax);
    } catch (error) {
      if (isSluiceError(error, 'LOG_OFFSET_OUT_OF_RANGE')) {
        cursor.readPosition = this.startPosition(cursor);
        return true;
      }
      throw error;
    }
    if (read.batches.length === 0) {
      if (cursor.readPosition < read.logStartOffset) {
        cursor.readPosition = read.logStartOffset;
        return true;
      }
      return false;
    }
    const decoder = cursor.leaf.source.decoder;
    const decoded = decoder.decode(read.batches, cursor.readPosition);
    if (decoded.nextOffset <= cursor.readPosition) {
      throw new SluiceError('INTERNAL_ASSERTION', `a read of ${cursor.topic}-${this.partition} at ${cursor.readPosition} did not advance`, {
        topic: cursor.topic,
        partition: this.partition,
        offset: cursor.readPosition,
      });
    }
    const prepared = decoder.prepare(decoded.records);
    if (prepared !== undefined) await prepared;
    if (cursor.bufferAt >= cursor.buffer.length) {
      cursor.buffer = [];
      cursor.bufferAt = 0;
    }
    decoder.convert(decoded.records, this.partition, cursor.buffer);
    cursor.recordsIn += decoded.records.length;
    cursor.readPosition = decoded.nextOffset;
    return true;
  }

  /**
   * Whether to stop before processing other inputs past `cursor`, an empty input with nothing in
   * the log: yes while a task of this runtime that writes its topic still has input to process
   * (its records are on their way), unless that upstream has made no progress for UPSTREAM_STALL_MS.
   */
  private mustWaitFor(cursor: InputCursor): boolean {
    if (!this.awaitUpstream || this.enforceProcessing || cursor.leaf.awaitUpstream === false) return false;
    const check = this.query.upstream.pending(cursor.topic, this);
    if (!check.pending) return false;
    const nowMs = this.query.clock.nowMs();
    const stall = this.stall;
    if (stall === null || stall.cursor !== cursor || stall.progress !== check.progress) {
      this.stall = { cursor, progress: check.progress, sinceMs: nowMs };
      return true;
    }
    return nowMs - stall.sinceMs < UPSTREAM_STALL_MS;
  }

  private async pollNow(): Promise<boolean> {
    await this.ensureReady();
    this.waitingOn = null;
    let progressed = false;
    let reads = 0;
    const output: EngineRecord[] = [];
    const cursors = this.cursors;
    const readsMax = READS_PER_POLL_MAX * cursors.length;
    for (;;) {
      // Fill every empty buffer whose input has more (Kafka Streams waits for data it knows of).
      for (const cursor of cursors) {
        if (cursor.buffered() === 0 && reads < readsMax && this.logHasMore(cursor)) {
          reads++;
          if (await this.read(cursor)) progressed = true;
        }
      }
      let next: InputCursor | null = null;
      for (const cursor of cursors) {
        if (cursor.buffered() === 0) continue;
        if (next === null || cursor.headTimestampMs() < next.headTimestampMs()) next = cursor;
      }
      if (next === null) break;
      // The next record is the lowest timestamp among the inputs that have one. An empty input
      // whose records are still to come (unread in the log, or in an upstream task) could have a
      // lower one: stop here and keep the order.
      let limit = Number.POSITIVE_INFINITY;
      let stop = false;
      for (const cursor of cursors) {
        if (cursor === next) continue;
        if (cursor.buffered() > 0) limit = Math.min(limit, cursor.headTimestampMs());
        else if (this.logHasMore(cursor)) stop = true;
        else if (this.mustWaitFor(cursor)) {
          this.waitingOn = cursor;
          stop = true;
        }
        if (stop) break;
      }
      if (stop) break;
      const run: EngineRecord[] = [];
      const buffer = next.buffer;
      let at = next.bufferAt;
      run.push(buffer[at++]!);
      while (at < buffer.length && buffer[at]!.timestampMs <= limit) run.push(buffer[at++]!);
      next.bufferAt = at;
      this.push(next.index, run, output);
      progressed = true;
    }
    if (this.waitingOn === null) this.stall = null;
    if (!progressed) return false;
    if (output.length > 0) await this.pipeline.terminal.write(output);
    for (const processor of this.processors.values()) if (processor.flush) await processor.flush();
    this.recordsOut += output.length;
    for (const cursor of cursors) cursor.position = cursor.processedPosition();
    await this.commitState(false);
    this.progressed();
    return true;
  }

  /** Runs one input's records through its leaf's operators and up the tree. */
  private push(leafIndex: number, records: EngineRecord[], output: EngineRecord[]): void {
    let current = records;
    const leaf = this.cursors[leafIndex]!.leaf;
    current = applyOperators(leaf.operators, current);
    for (const hop of this.hops[leafIndex]!) {
      if (current.length === 0) return;
      current = this.processors.get(hop.join)!.process(hop.side, current);
      current = applyOperators(hop.join.operators, current);
    }
    for (const record of current) output.push(record);
  }

  /**
   * Waits for data on any input; when the last poll stopped for an upstream, also wakes at the
   * next batch any task processes (the upstream may move without writing to this partition).
   */
  override async waitForInput(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const log = this.query.log;
    const inner = new AbortController();
    const onAbort = (): void => inner.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const waits: Array<Promise<unknown>> = [];
      const waitingOn = this.waitingOn;
      if (waitingOn !== null) {
        waits.push(log.waitForData(waitingOn.topic, this.partition, waitingOn.readPosition, Math.min(timeoutMs, UPSTREAM_STALL_MS), inner.signal));
        waits.push(this.query.upstream.whenProgress());
      } else {
        for (const cursor of this.cursors) waits.push(log.waitForData(cursor.topic, this.partition, cursor.readPosition, timeoutMs, inner.signal));
      }
      await Promise.race(waits);
    } finally {
      inner.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }

  override async onIdle(): Promise<void> {
    const state = this.state;
    if (state === null || !state.ready || this.closed || this.failed) return;
    if (state.commitNeeded()) await this.commitState(true);
  }

  override async flushState(): Promise<void> {
    const state = this.state;
    if (state === null || !state.ready || this.closed || this.failed) return;
    await this.commitState(true);
  }

  /** Commits state with the processed positions (each batch when deterministic, else when due). */
  private async commitState(force: boolean): Promise<void> {
    const state = this.state;
    if (state === null || !state.ready) return;
    const positions = this.cursors.map((cursor) => ({ topic: cursor.topic, partition: this.partition, offset: cursor.processedPosition() }));
    const offsets = this.offsets;
    if (offsets !== null) {
      for (let i = 0; i < positions.length; i++) {
        const key = [i, positions[i]!.topic];
        if (offsets.get(key) !== positions[i]!.offset) offsets.put(key, positions[i]!.offset);
      }
    }
    const committed = force || this.query.mode === 'deterministic' ? (await state.commit({ inputOffsets: positions }), true) : await state.maybeCommit({ inputOffsets: positions });
    if (committed) for (let i = 0; i < this.cursors.length; i++) this.cursors[i]!.committed = positions[i]!.offset;
  }

  /** Commits and closes the state (the query stopped). */
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
    for (const operator of this.statefulOperators) operator.closeTask(this.partition);
    await state.close();
  }

  /** After close: deletes the local state and the changelogs (TERMINATE, DROP). */
  override deleteState(): Promise<void> {
    if (this.deleted === null) {
      this.deleted = (async () => {
        await this.close();
        if (this.state === null) {
          // Never opened this run: open it to learn its stores (state from an earlier run).
          this.openState();
          for (const operator of this.statefulOperators) operator.closeTask(this.partition);
        }
        const state = this.state!;
        await state.deleteChangelogs();
        await state.environment.destroy();
      })();
    }
    return this.deleted;
  }
}

/** Every operator of a flow (leaves' and joins'). */
function flowOperators(node: FlowNode): Operator[] {
  return node.kind === 'leaf' ? [...node.operators] : [...flowOperators(node.left), ...flowOperators(node.right), ...node.operators];
}

function applyOperators(operators: readonly Operator[], records: EngineRecord[]): EngineRecord[] {
  let current = records;
  for (const operator of operators) {
    if (current.length === 0) break;
    current = operator.process(current);
  }
  return current;
}

/** The joins from a leaf up to the root, with the side the records arrive on. */
function pathToRoot(root: FlowJoin, leaf: FlowLeaf): Hop[] {
  const path: Hop[] = [];
  const find = (node: FlowNode): boolean => {
    if (node === leaf) return true;
    if (node.kind === 'leaf') return false;
    if (find(node.left)) {
      path.push({ join: node, side: 'left' });
      return true;
    }
    if (find(node.right)) {
      path.push({ join: node, side: 'right' });
      return true;
    }
    return false;
  };
  if (!find(root)) throw new SluiceError('INTERNAL_ASSERTION', `input ${leaf.source.topic} is not in its flow`);
  return path;
}
