/**
 * The state the aggregate operators use, as the shapes of engine/state's stores (KeyValueStore,
 * WindowStore, SessionStore) — stated here so the operators depend on the calls they make only.
 * Operators are shared by the tasks of a pipeline; `PartitionStores` gives the stores of the task
 * that reads a partition (records carry their partition).
 */

export interface KeyValueStoreLike<V> {
  get(key: readonly unknown[]): V | undefined;
  put(key: readonly unknown[], value: V): void;
  delete(key: readonly unknown[]): void;
}

export interface WindowEntryLike<V> {
  key: unknown[];
  windowStartMs: number;
  value: V;
}

export interface WindowStoreLike<V> {
  get(key: readonly unknown[], windowStartMs: number): V | undefined;
  /** False when the window has expired (nothing stored). */
  put(key: readonly unknown[], windowStartMs: number, value: V): boolean | void;
  delete(key: readonly unknown[], windowStartMs: number): void;
  /** Every key's windows starting in [fromMs, toMs] (any order). */
  fetchAll(fromMs: number, toMs: number): Iterable<WindowEntryLike<V>>;
}

export interface SessionEntryLike<V> {
  key: unknown[];
  startMs: number;
  endMs: number;
  value: V;
}

export interface SessionStoreLike<V> {
  /** The key's sessions ending at or after `earliestEndMs` and starting at or before `latestStartMs`, by end then start. */
  findSessions(key: readonly unknown[], earliestEndMs: number, latestStartMs: number): Iterable<SessionEntryLike<V>>;
  put(key: readonly unknown[], startMs: number, endMs: number, value: V): void;
  remove(key: readonly unknown[], startMs: number, endMs: number): void;
  /** Every key's sessions ending in [fromEndMs, toEndMs] (any order). */
  findByEnd(fromEndMs: number, toEndMs: number): Iterable<SessionEntryLike<V>>;
}

/** Numbers an operator keeps per partition across restarts (stream time, last emission). */
export interface OperatorMetadataLike {
  get(name: string): number | undefined;
  set(name: string, value: number): void;
}

export type PartitionStores<S> = (partition: number) => S;

/** What an aggregate keeps per key (and window): the accumulators and the row's timestamp. */
export interface AggregateValue {
  /** One accumulator per aggregate call; the non-aggregate columns first when the step has some. */
  state: unknown[];
  timestampMs: number;
}
