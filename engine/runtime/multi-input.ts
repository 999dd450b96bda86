/**
 * Multi-input tasks: a pipeline that reads several co-partitioned topics (the sides of a join,
 * and the internal topics of a foreign-key join) — Kafka Streams' sub-topology with several
 * source topics. The builder describes such a pipeline as a flow: a tree whose leaves are the
 * inputs (a topic + its stateless operators) and whose inner nodes are joins (a processor
 * factory + the operators after the join). The root's operators are the pipeline's operators.
 *
 * For each partition the query gets one `MultiInputGroup` — the task proper: it owns the join
 * processors (one instance per join node) and their TaskState (engine/state stores, changelogged)
 * — and one `InputCursor` per leaf, a `Task` that RunningQuery drives like any other (position,
 * status, consumer-group commits, the live loop, `drain()`). Whichever cursor polls, the group
 * reads a bounded batch from every input that has unread data and processes the buffered records
 * in timestamp order (Kafka Streams picks the record with the lowest timestamp across a task's
 * partitions); a run of one input's records goes through its leaf's operators, then up the tree
 * through each join (`process(side, records)`) and the operators after it, into the terminal.
 *
 * State: the group's TaskState restores before the first batch; when it holds a checkpoint, the
 * cursors resume from the checkpoint's input offsets (state and offsets always agree). After each
 * batch the state is committed with the inputs' positions (every batch in deterministic mode,
 * else when due); a cursor's `position` — what the consumer group commits — never passes the
 * offsets committed with the state.
 */
import { SluiceError, isSluiceError } from '../../common/index.js';
import type { StateEnvironment } from '../../storage/state/index.js';
import { TaskState, type KeyValueStore } from '../state/index.js';
import { isStatefulOperator, taskStateStores, type EngineRecord, type JoinProcessor, type JoinProcessorFactory, type JoinSide, type Operator, type StatefulOperator } from '../operators/index.js';
import type { Pipeline, PipelineSource } from './builder.js';
import { Task, type RunningQuery } from './query.js';
import { openTaskEnvironment } from './stateful-task.js';

export interface FlowLeaf {
  readonly kind: 'leaf';
  readonly source: PipelineSource;
  readonly operators: Operator[];
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

interface Hop {
  join: FlowJoin;
  side: JoinSide;
}

/** The tasks of a multi-input pipeline: one cursor per leaf and partition. */
export function createMultiInputTasks(query: RunningQuery, pipeline: Pipeline, root: FlowJoin, stateEnvironment: TaskStateEnvironmentFactory | null): Task[] {
  const tasks: Task[] = [];
  for (let partition = 0; partition < pipeline.source.partitions; partition++) {
    const group = new MultiInputGroup(query, pipeline, root, partition, stateEnvironment);
    tasks.push(...group.cursors);
  }
  return tasks;
}

/** One input of a group: a Task for RunningQuery, reading one leaf's topic partition. */
export class InputCursor extends Task {
  /** Next offset to read from the log (records before it are buffered or processed). */
  readPosition = 0;
  /** Decoded records read but not processed yet. */
  buffer: EngineRecord[] = [];
  bufferAt = 0;
  private waitAbortController: AbortController | null = null;

  constructor(
    query: RunningQuery,
    pipeline: Pipeline,
    partition: number,
    readonly group: MultiInputGroup,
    readonly leaf: FlowLeaf,
    readonly index: number,
  ) {
    super(query, pipeline, partition);
  }

  override get topic(): string {
    return this.leaf.source.topic;
  }

  override startPosition(): number {
    return this.query.resetPositionFor(this.leaf.source.topic, this.leaf.source.internal, this.partition);
  }

  /** Next offset whose record has not been processed. */
  processedPosition(): number {
    return this.bufferAt < this.buffer.length ? this.buffer[this.bufferAt]!.offset : this.readPosition;
  }

  buffered(): number {
    return this.buffer.length - this.bufferAt;
  }

  logHasMore(): boolean {
    return this.query.log.offsets(this.topic, this.partition).highWatermark > this.readPosition;
  }

  override hasUnread(): boolean {
    this.group.syncPositions();
    return this.buffered() > 0 || this.logHasMore();
  }

  override pollOnce(): Promise<boolean> {
    return this.group.poll();
  }

  override async run(): Promise<void> {
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
      if (progressed) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      const abort = new AbortController();
      this.waitAbortController = abort;
      try {
        if (!query.stopping && query.state === 'RUNNING' && !this.hasUnread()) {
          await query.log.waitForData(this.topic, this.partition, this.readPosition, query.pollWaitMs, abort.signal);
        }
      } catch (error) {
        query.fail(error);
        break;
      } finally {
        this.waitAbortController = null;
      }
    }
  }

  override wake(): void {
    this.waitAbortController?.abort();
    super.wake();
  }

  override close(): Promise<void> {
    return this.group.close();
  }

  override deleteState(): Promise<void> {
    return this.group.deleteState();
  }
}

/** The task proper: the processors, their state, and the cursors of one partition. */
export class MultiInputGroup {
  readonly cursors: InputCursor[];
  private readonly hops: Hop[][];
  private readonly processors = new Map<FlowJoin, JoinProcessor>();
  private readonly joins: FlowJoin[];
  private readonly statefulOperators: StatefulOperator[];
  private state: TaskState | null = null;
  private offsets: KeyValueStore<number> | null = null;
  private restored: Promise<void> | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private failed = false;
  private deleted: Promise<void> | null = null;

  constructor(
    readonly query: RunningQuery,
    readonly pipeline: Pipeline,
    readonly root: FlowJoin,
    readonly partition: number,
    private readonly stateEnvironment: TaskStateEnvironmentFactory | null,
  ) {
    const leaves = flowLeaves(root);
    this.cursors = leaves.map((leaf, index) => new InputCursor(query, pipeline, partition, this, leaf, index));
    this.hops = leaves.map((leaf) => pathToRoot(root, leaf));
    this.joins = flowJoins(root);
    this.statefulOperators = flowOperators(root).filter(isStatefulOperator);
  }

  /** The checkpointed offsets only move forward with the state: cursors report those. */
  syncPositions(): void {
    // RunningQuery sets `position` (initializePositions); before the first poll it is the read position too.
    if (this.restored === null) {
      for (const cursor of this.cursors) {
        cursor.readPosition = cursor.position;
      }
    }
  }

  private taskId(): string {
    return `${this.pipeline.index}_${this.partition}`;
  }

  /** Creates the processors and restores their state (once). */
  private ensureReady(): Promise<void> {
    if (this.restored === null) {
      this.syncPositions();
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

  /** One unit of work, serialized across the cursors' loops. */
  poll(): Promise<boolean> {
    const next = this.chain.then(() =>
      this.pollNow().catch((error: unknown) => {
        // A batch failed half-way: its state changes must not be committed with later offsets.
        this.failed = true;
        throw error;
      }),
    );
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async read(cursor: InputCursor): Promise<boolean> {
    const { log, limits } = this.query;
    if (!cursor.logHasMore()) return false;
    let read;
    try {
      read = await log.read(cursor.topic, this.partition, cursor.readPosition, limits.taskReadBytesMax);
    } catch (error) {
      if (isSluiceError(error, 'LOG_OFFSET_OUT_OF_RANGE')) {
        cursor.readPosition = cursor.startPosition();
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

  private async pollNow(): Promise<boolean> {
    if (this.closed || this.failed) return false;
    await this.ensureReady();
    let progressed = false;
    let reads = 0;
    const output: EngineRecord[] = [];
    const cursors = this.cursors;
    for (;;) {
      // Fill every empty buffer whose input has more (Kafka Streams waits for data it knows of).
      for (const cursor of cursors) {
        if (cursor.buffered() === 0 && reads < READS_PER_POLL_MAX * cursors.length && cursor.logHasMore()) {
          reads++;
          if (await this.read(cursor)) progressed = true;
        }
      }
      let next: InputCursor | null = null;
      for (const cursor of cursors) {
        if (cursor.buffered() === 0) continue;
        if (next === null || cursor.buffer[cursor.bufferAt]!.timestampMs < next.buffer[next.bufferAt]!.timestampMs) next = cursor;
      }
      if (next === null) break;
      // An empty input with unread data left (the read budget is spent): stop here, keep order.
      if (cursors.some((c) => c !== next && c.buffered() === 0 && c.logHasMore())) break;
      let limit = Number.POSITIVE_INFINITY;
      for (const cursor of cursors) if (cursor !== next && cursor.buffered() > 0) limit = Math.min(limit, cursor.buffer[cursor.bufferAt]!.timestampMs);
      const run: EngineRecord[] = [];
      while (next.bufferAt < next.buffer.length && (run.length === 0 || next.buffer[next.bufferAt]!.timestampMs <= limit)) {
        run.push(next.buffer[next.bufferAt++]!);
      }
      this.push(next.index, run, output);
      progressed = true;
    }
    if (!progressed) return false;
    if (output.length > 0) await this.pipeline.terminal.write(output);
    for (const processor of this.processors.values()) if (processor.flush) await processor.flush();
    const last = cursors[cursors.length - 1]!;
    last.recordsOut += output.length;
    await this.commitState(false);
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
    if (committed) for (let i = 0; i < this.cursors.length; i++) this.cursors[i]!.position = positions[i]!.offset;
  }

  /** Commits and closes the state (the query stopped). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.chain;
    this.closed = true;
    const state = this.state;
    if (state === null) return;
    try {
      if (state.ready && !this.failed) await this.commitState(true);
    } catch {
      // the log may be closing; the next start resumes from the last committed state
    }
    for (const operator of this.statefulOperators) operator.closeTask(this.partition);
    await state.close();
  }

  /** After close: deletes the local state and the changelogs (TERMINATE, DROP); once per group. */
  deleteState(): Promise<void> {
    if (this.deleted === null) {
      this.deleted = (async () => {
        await this.close();
        if (this.state === null) {
          // Never opened this run: open it to learn its stores (state from an earlier run).
          this.closed = false;
          this.openState();
          this.closed = true;
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
