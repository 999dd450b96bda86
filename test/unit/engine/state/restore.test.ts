/**
 * Changelogs, restore and crashes: a deterministic aggregation (a non-idempotent running sum per
 * key, and per-window sums with retention) runs over the same input while it is killed at random
 * points — before a commit, after its changelog appends but before the local transaction, between
 * two appends of one commit, with or without losing the state directory. After every restart the
 * restored state must equal the state computed from the input up to the restored offset, and the
 * final state (and a rebuild from the changelogs alone) must equal the state without crashes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TaskState, changelogTopicName } from '../../../../engine/state/index.js';
import type { KeyValueStore, WindowStore } from '../../../../engine/state/index.js';
import { BACKENDS, FaultyLog, readTopic, stateHarness } from './helpers.js';
import type { StateHarness } from './helpers.js';

const INPUT = 700;
const RETENTION_MS = 2000;
const WINDOW_MS = 200;

const record = (i: number): { key: string; amount: number; timeMs: number } => ({ key: `k${(i * 7919) % 17}`, amount: (i % 5) + 1, timeMs: i * 10 });

interface Stores {
  sums: KeyValueStore<number>;
  windows: WindowStore<number>;
}

/** `cacheEntriesMax`: small, so the caches are trimmed at most commits (whole windows and parts of one). */
function register(task: TaskState, cacheEntriesMax?: number): Stores {
  const cache = cacheEntriesMax === undefined ? {} : { cacheEntriesMax };
  return {
    sums: task.keyValueStore<number>('sums', cache),
    windows: task.windowStore<number>('windows', { retentionMs: RETENTION_MS, segmentIntervalMs: 500, ...cache }),
  };
}

function apply(stores: Stores, i: number): void {
  const { key, amount, timeMs } = record(i);
  stores.sums.put([key], (stores.sums.get([key]) ?? 0) + amount);
  const windowStartMs = Math.floor(timeMs / WINDOW_MS) * WINDOW_MS;
  stores.windows.put([key], windowStartMs, (stores.windows.get([key], windowStartMs) ?? 0) + amount);
}

interface View {
  sums: Record<string, number>;
  windows: Record<string, number>;
}

function view(stores: Stores): View {
  const sums: Record<string, number> = {};
  for (const entry of stores.sums.all()) sums[String(entry.key[0])] = entry.value;
  const windows: Record<string, number> = {};
  for (const entry of stores.windows.all()) windows[`${entry.key[0]}@${entry.windowStartMs}`] = entry.value;
  return { sums, windows };
}

function reference(upTo: number): View {
  const sums: Record<string, number> = {};
  const all = new Map<string, number>();
  let observed = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < upTo; i++) {
    const { key, amount, timeMs } = record(i);
    sums[key] = (sums[key] ?? 0) + amount;
    const windowStartMs = Math.floor(timeMs / WINDOW_MS) * WINDOW_MS;
    observed = Math.max(observed, windowStartMs);
    const id = `${key}@${windowStartMs}`;
    all.set(id, (all.get(id) ?? 0) + amount);
  }
  const windows: Record<string, number> = {};
  for (const [id, value] of all) if (Number(id.split('@')[1]) >= observed - RETENTION_MS + 1) windows[id] = value;
  return { sums, windows };
}

function random(seed: number): (n: number) => number {
  let state = seed >>> 0 || 1;
  return (n) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 8) % n;
  };
}

describe.each(BACKENDS.flatMap((backend) => [[backend, undefined] as const, [backend, 12] as const]))('changelog and restore on %s (cache entries: %s)', (backend, cacheEntriesMax) => {
  let harness: StateHarness;
  const open: TaskState[] = [];
  afterEach(async () => {
    for (const task of open.splice(0)) await task.close();
    await harness.cleanup();
  });

  /** Which restore paths the crash runs went through. */
  const paths = { repaired: 0, tailOverLocal: 0, fullRebuild: 0, localOnly: 0 };
  /** Set to make the next local transaction of a commit fail (after every changelog append). */
  let failNextFinish = false;
  const startTask = async (log = harness.log): Promise<{ task: TaskState; stores: Stores; resume: number; restored: number }> => {
    const opened = harness.openEnvironment();
    const environment = new Proxy(opened, {
      get(target, property, receiver) {
        if (property === 'prepareCommit') {
          return () => {
            const prepared = target.prepareCommit();
            return {
              ...prepared,
              finish: (metadata?: Parameters<typeof prepared.finish>[0]) => {
                if (failNextFinish) {
                  failNextFinish = false;
                  throw new Error('injected crash before the local transaction');
                }
                return prepared.finish(metadata);
              },
            };
          };
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const hadLocal = environment.metadata('task.checkpoint') !== undefined;
    const task = new TaskState({ environment, log, applicationId: 'app', partition: 0, clock: harness.clock, limits: harness.limits });
    open.push(task);
    const stores = register(task, cacheEntriesMax);
    const outcome = await task.restore();
    expect(outcome.inconsistent).toBe(false);
    if (outcome.repairedKeys > 0) paths.repaired++;
    if (hadLocal && outcome.restoredRecords > 0) paths.tailOverLocal++;
    if (!hadLocal && outcome.restoredRecords > 0) paths.fullRebuild++;
    if (hadLocal && outcome.restoredRecords === 0) paths.localOnly++;
    const resume = outcome.checkpoint?.inputOffsets[0]?.offset ?? 0;
    return { task, stores, resume, restored: outcome.restoredRecords };
  };
  const stop = async (task: TaskState): Promise<void> => {
    open.splice(open.indexOf(task), 1);
    await task.close();
  };

  it('reopens from local state without reading the changelog; rebuilds the same state from the changelog', async () => {
    harness = await stateHarness(backend);
    let { task, stores } = await startTask();
    for (let i = 0; i < 300; i++) {
      apply(stores, i);
      if (i % 50 === 49) await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: i + 1 }], metadata: { streamTimeMs: i * 10 } });
    }
    for (let i = 300; i < 320; i++) apply(stores, i); // never committed
    await stop(task);

    const reopened = await startTask();
    expect(reopened.resume).toBe(300);
    if (backend === 'lmdb') expect(reopened.restored).toBe(0);
    expect(reopened.task.checkpoint()?.metadata).toEqual({ streamTimeMs: 2990 });
    expect(view(reopened.stores)).toEqual(reference(300));
    await stop(reopened.task);

    harness.loseLocalState();
    const rebuilt = await startTask();
    expect(rebuilt.resume).toBe(300);
    expect(rebuilt.restored).toBeGreaterThan(0);
    expect(view(rebuilt.stores)).toEqual(reference(300));
    expect(rebuilt.task.stats().restoredRecords).toBe(rebuilt.restored);
    ({ task, stores } = rebuilt);
    for (let i = 300; i < INPUT; i++) apply(stores, i);
    await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: INPUT }] });
    expect(view(stores)).toEqual(reference(INPUT));
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('state and offsets never diverge across random crashes (seed %i)', async (seed) => {
    // Small batches: a commit spans several appends, so a crash can fall between two of them.
    harness = await stateHarness(backend, { batchBytesMax: 1500 });
    const rng = random(seed);
    const faulty = new FaultyLog(harness.log);
    let position = 0;
    let restarts = 0;
    for (;;) {
      faulty.appendsBeforeFailure = Number.POSITIVE_INFINITY;
      faulty.failAfterAppend = false;
      const { task, stores, resume } = await startTask(faulty.log);
      restarts++;
      expect(resume).toBeLessThanOrEqual(position);
      position = resume;
      expect(view(stores)).toEqual(reference(position));
      if (position >= INPUT) {
        await stop(task);
        break;
      }
      const runUntil = Math.min(INPUT, position + 1 + rng(200));
      while (position < runUntil) {
        const batch = Math.min(runUntil - position, 1 + rng(25));
        for (let i = position; i < position + batch; i++) apply(stores, i);
        position += batch;
        if (rng(3) === 0) await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: position }] });
      }
      const crash = position >= INPUT ? 0 : rng(5);
      if (crash === 0) {
        await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: position }] });
      } else if (crash === 1) {
        // killed with uncommitted work
      } else if (crash === 4) {
        // killed after every changelog append, before the local transaction
        failNextFinish = true;
        const outcome = await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: position }] }).catch((error: unknown) => error);
        failNextFinish = false;
        if (outcome instanceof Error) expect(outcome.message).toMatch(/injected crash/);
      } else {
        // killed inside a commit: after some appends (2: the last one went through, 3: not)
        faulty.appendsBeforeFailure = 1 + rng(4);
        faulty.failAfterAppend = crash === 2;
        const outcome = await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: position }] }).catch((error: unknown) => error);
        // (a commit with fewer appends than that, or nothing to append, simply succeeds)
        if (outcome instanceof Error) expect(outcome.message).toMatch(/injected crash/);
      }
      await stop(task);
      if (rng(4) === 0) harness.loseLocalState();
    }
    expect(restarts).toBeGreaterThan(2);
    expect(position).toBe(INPUT);
    // and the changelogs alone give the same state
    harness.loseLocalState();
    const rebuilt = await startTask();
    expect(rebuilt.resume).toBe(INPUT);
    expect(view(rebuilt.stores)).toEqual(reference(INPUT));
  });

  it('went through every restore path in those runs', () => {
    expect(paths.repaired).toBeGreaterThan(0);
    expect(paths.tailOverLocal).toBeGreaterThan(0);
    expect(paths.fullRebuild).toBeGreaterThan(0);
    if (backend === 'lmdb') expect(paths.localOnly).toBeGreaterThan(0);
  });

  it('re-sends the whole store when its changelog was lost', async () => {
    harness = await stateHarness(backend);
    let { task, stores } = await startTask();
    for (let i = 0; i < 100; i++) apply(stores, i);
    await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: 100 }] });
    await stop(task);
    await harness.log.deleteTopic(changelogTopicName('app', 'sums'));
    ({ task, stores } = await startTask());
    expect(view(stores)).toEqual(reference(100));
    const outcome = await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: 100 }] });
    expect(outcome.changelogRecords).toBeGreaterThan(17);
    await stop(task);
    harness.loseLocalState();
    const rebuilt = await startTask();
    expect(rebuilt.resume).toBe(100);
    expect(view(rebuilt.stores)).toEqual(reference(100));
  });

  it('keeps state local only without a log, and commits on the interval', async () => {
    harness = await stateHarness(backend);
    const task = new TaskState({ environment: harness.openEnvironment(), log: null, applicationId: 'app', partition: 0, clock: harness.clock, commitIntervalMs: 1000 });
    open.push(task);
    const stores = register(task);
    await task.restore();
    apply(stores, 0);
    expect(task.commitNeeded()).toBe(false);
    expect(await task.maybeCommit({ inputOffsets: [] })).toBe(false);
    harness.clock.advance(1000);
    expect(task.commitNeeded()).toBe(true);
    expect(await task.maybeCommit(() => ({ inputOffsets: [{ topic: 'in', partition: 0, offset: 1 }] }))).toBe(true);
    expect(task.checkpoint()?.inputOffsets[0]!.offset).toBe(1);
    expect(harness.log.listTopics().filter((topic) => topic.includes('changelog'))).toEqual([]);
    const stats = task.stats();
    expect(stats.commits).toBe(1);
    expect(stats.stores['sums']!.entries).toBe(1);
  });

  it('writes markers that carry the checkpoint, one per store per commit', async () => {
    harness = await stateHarness(backend);
    const { task, stores } = await startTask();
    apply(stores, 0);
    await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: 1 }] });
    apply(stores, 1);
    await task.commit({ inputOffsets: [{ topic: 'in', partition: 0, offset: 2 }] });
    for (const store of ['sums', 'windows']) {
      const records = await readTopic(harness.log, changelogTopicName('app', store));
      const markers = records.filter((r) => r.headers.some((h) => h.key === 'sluice.commit')).map((r) => JSON.parse(r.value!.toString()).sequence);
      expect(markers).toEqual([1, 2]);
    }
  });
});
