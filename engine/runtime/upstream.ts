/**
 * Which running tasks write which topics, so that a join task can tell an input that is merely
 * empty from one whose records are still on their way: a repartition topic written by another
 * pipeline of the same query, or a topic written by another query of this runtime. Kafka Streams
 * waits for a partition that it knows has more data (fetched lag) before it processes the others
 * past it (its partition group picks the lowest timestamp across a task's inputs); here the data
 * a join is waiting for may not be in the log yet but in an upstream task's unread input.
 *
 * `pending(topic, asker)`: some task that writes `topic` is active (running, not blocked) and has
 * unread input, or its own inputs are pending in turn (chains of queries). The asker and the
 * tasks already visited are skipped, so a cycle (queries feeding each other) ends the walk. The
 * walk also sums the writers' progress counts: a join that waits while that sum stays the same
 * for long enough is stalled (e.g. two joins waiting on each other) and stops waiting.
 *
 * `progressed()` is called by every task after a batch; `whenProgress()` resolves at the next one,
 * so a waiting join wakes when its upstream moves, even when the upstream wrote nothing to it.
 */
export interface WriterTask {
  readonly inputs: ReadonlyArray<{ readonly topic: string }>;
  readonly pipeline: { readonly outputTopics?: readonly string[] };
  readonly progressCount: number;
  isActive(): boolean;
  hasUnread(): boolean;
}

export interface PendingCheck {
  /** True when a writer of the topic will produce more (as far as this runtime knows). */
  pending: boolean;
  /** The sum of the progress counts of the writers visited: unchanged = no upstream progress. */
  progress: number;
}

export class TopicWriters {
  private readonly writers = new Map<string, Set<WriterTask>>();
  private waiter: { promise: Promise<void>; resolve: () => void } | null = null;

  /** Registers a task as a writer of its pipeline's output topics. */
  add(task: WriterTask): void {
    for (const topic of task.pipeline.outputTopics ?? []) {
      let set = this.writers.get(topic);
      if (set === undefined) this.writers.set(topic, (set = new Set()));
      set.add(task);
    }
  }

  remove(task: WriterTask): void {
    for (const topic of task.pipeline.outputTopics ?? []) {
      const set = this.writers.get(topic);
      if (set === undefined) continue;
      set.delete(task);
      if (set.size === 0) this.writers.delete(topic);
    }
    this.progressed();
  }

  /** Whether the writers of `topic` (other than `asker`) may still produce records. */
  pending(topic: string, asker: WriterTask): PendingCheck {
    const check: PendingCheck = { pending: false, progress: 0 };
    if (this.writers.size === 0) return check;
    const visited = new Set<WriterTask>([asker]);
    this.walk(topic, visited, check);
    return check;
  }

  private walk(topic: string, visited: Set<WriterTask>, check: PendingCheck): void {
    const set = this.writers.get(topic);
    if (set === undefined) return;
    for (const writer of set) {
      if (visited.has(writer)) continue;
      visited.add(writer);
      check.progress += writer.progressCount;
      if (!writer.isActive()) continue;
      if (writer.hasUnread()) check.pending = true;
      for (const input of writer.inputs) this.walk(input.topic, visited, check);
    }
  }

  /** A task processed a batch (or stopped): wakes the waiting joins. */
  progressed(): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    waiter.resolve();
  }

  /** Resolves at the next `progressed()`. */
  whenProgress(): Promise<void> {
    if (this.waiter === null) {
      let resolve = (): void => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      this.waiter = { promise, resolve: () => resolve() };
    }
    return this.waiter.promise;
  }
}
