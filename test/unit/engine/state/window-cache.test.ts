/**
 * The window store's write-back cache: a window start newer than any start ever put is known
 * empty (no table read), trimming drops the oldest starts (and a start trimmed in part reads the
 * table again), values written back at the commit are the latest ones, and a restart reads what
 * the commit wrote. Also the key-value store's flush hook and the value codec's short strings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StateEnvironment, StateTable } from '../../../../storage/state/index.js';
import { TaskState, engineValueCodec } from '../../../../engine/state/index.js';
import { BACKENDS, stateHarness } from './helpers.js';
import type { StateHarness } from './helpers.js';

const inputAt = (offset: number) => ({ inputOffsets: [{ topic: 'in', partition: 0, offset }] });

/** An environment whose tables count `get` calls. */
function countingEnvironment(environment: StateEnvironment, reads: { count: number }): StateEnvironment {
  return new Proxy(environment, {
    get(target, property, receiver) {
      if (property === 'table') {
        return (name: string): StateTable => {
          const table = target.table(name);
          return new Proxy(table, {
            get(inner, key, innerReceiver) {
              if (key === 'get') {
                return (bytes: Buffer) => {
                  reads.count++;
                  return inner.get(bytes);
                };
              }
              const value = Reflect.get(inner, key, innerReceiver) as unknown;
              return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(inner) : value;
            },
          });
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A TaskState of the harness whose tables count reads. */
function countingTask(harness: StateHarness, reads: { count: number }): TaskState {
  return new TaskState({ environment: countingEnvironment(harness.openEnvironment(), reads), log: harness.log, applicationId: 'app', partition: 0, clock: harness.clock, limits: harness.limits });
}

describe.each(BACKENDS)('window store cache on %s', (backend) => {
  let harness: StateHarness;
  const tasks: TaskState[] = [];
  afterEach(async () => {
    for (const task of tasks.splice(0)) await task.close();
    await harness.cleanup();
  });

  const open = async (reads: { count: number }, cacheEntriesMax?: number) => {
    const task = countingTask(harness, reads);
    tasks.push(task);
    const windows = task.windowStore<number[]>('w', { retentionMs: 1_000_000, segmentIntervalMs: 1000, ...(cacheEntriesMax === undefined ? {} : { cacheEntriesMax }) });
    await task.restore();
    return { task, windows };
  };

  it('reads nothing for a window start newer than every start put', async () => {
    harness = await stateHarness(backend);
    const reads = { count: 0 };
    const { task, windows } = await open(reads);
    for (let start = 0; start < 5000; start += 1000) {
      for (let key = 0; key < 20; key++) {
        const value = windows.get([`k${key}`], start) ?? [0];
        windows.put([`k${key}`], start, [value[0]! + 1]);
        const again = windows.get([`k${key}`], start)!;
        windows.put([`k${key}`], start, [again[0]! + 1]);
      }
      await task.commit(inputAt(start + 1));
    }
    expect(reads.count).toBe(0);
    // An older start not in the cache is read from the table.
    expect(windows.get(['k0'], -1000)).toBeUndefined();
    expect(reads.count).toBe(1);
    expect([...windows.fetch(['k3'], 0, 10_000)].map((w) => [w.windowStartMs, w.value[0]])).toEqual([
      [0, 2],
      [1000, 2],
      [2000, 2],
      [3000, 2],
      [4000, 2],
    ]);
  });

  it('trims the oldest window starts; what was trimmed is read back from the table', async () => {
    harness = await stateHarness(backend);
    const reads = { count: 0 };
    let { task, windows } = await open(reads, 8);
    // Three starts of 5 keys: 15 entries, trimmed at the commit to the newest start(s).
    for (const start of [0, 1000, 2000]) for (let key = 0; key < 5; key++) windows.put([`k${key}`], start, [start + key]);
    await task.commit(inputAt(1));
    expect(task.stats().stores['w']!.cachedEntries).toBeLessThanOrEqual(6);
    expect(reads.count).toBe(0);
    // Start 0 was trimmed: read from the table, then cached (one read per key).
    expect(windows.get(['k1'], 0)).toEqual([1]);
    expect(windows.get(['k1'], 0)).toEqual([1]);
    expect(reads.count).toBe(1);
    // Its keys not stored are known absent after one read each.
    expect(windows.get(['nobody'], 0)).toBeUndefined();
    expect(windows.get(['nobody'], 0)).toBeUndefined();
    expect(reads.count).toBe(2);
    windows.put(['k1'], 0, [100]);
    // The newest start alone over the target: trimmed in part, and no longer known complete.
    for (let key = 0; key < 20; key++) windows.put([`n${key}`], 3000, [key]);
    await task.commit(inputAt(2));
    for (let key = 0; key < 20; key++) expect(windows.get([`n${key}`], 3000)).toEqual([key]);
    expect(windows.get(['n-absent'], 3000)).toBeUndefined();
    expect(reads.count).toBeGreaterThan(2);
    await task.close();
    tasks.length = 0;

    // After a restart, stored starts are read from the table (none is newer than observed).
    reads.count = 0;
    ({ task, windows } = await open(reads, 8));
    expect(windows.observedStreamTimeMs).toBe(3000);
    expect(windows.get(['k1'], 0)).toEqual([100]);
    expect(windows.get(['k4'], 2000)).toEqual([2004]);
    expect(windows.get(['n7'], 3000)).toEqual([7]);
    expect(reads.count).toBe(3);
    // A new start after the restart is known empty.
    expect(windows.get(['k1'], 4000)).toBeUndefined();
    expect(reads.count).toBe(3);
  });

  it('forgets cached windows as they expire, dirty ones included', async () => {
    harness = await stateHarness(backend);
    const reads = { count: 0 };
    const task = countingTask(harness, reads);
    tasks.push(task);
    const windows = task.windowStore<number[]>('w', { retentionMs: 350, segmentIntervalMs: 100 });
    await task.restore();
    windows.put(['a'], 0, [1]);
    windows.put(['a'], 100, [2]);
    expect(task.stats().stores['w']!.pendingWrites).toBe(2);
    windows.put(['a'], 400, [3]);
    // observed 400: starts before 51 expired (0, before the commit wrote it; 100 lives on)
    expect(task.stats().stores['w']!.pendingWrites).toBe(2);
    expect(windows.get(['a'], 100)).toEqual([2]);
    expect(windows.get(['a'], 0)).toBeUndefined();
    await task.commit(inputAt(1));
    expect(task.stats().stores['w']!.entries).toBe(2);
  });
});

describe.each(BACKENDS)('key-value store flush hooks on %s', (backend) => {
  it('run before the commit freezes the writes, so what they put is committed', async () => {
    const harness = await stateHarness(backend);
    const task = harness.task();
    const store = task.keyValueStore<number>('meta');
    await task.restore();
    let latest = 0;
    store.onFlush(() => store.put(['latest'], latest));
    latest = 42;
    expect(store.get(['latest'])).toBeUndefined();
    await task.commit(inputAt(1));
    expect(store.get(['latest'])).toBe(42);
    await task.close();
    const reopened = harness.task();
    const again = reopened.keyValueStore<number>('meta');
    await reopened.restore();
    expect(again.get(['latest'])).toBe(42);
    await reopened.close();
    await harness.cleanup();
  });
});

describe('value codec strings', () => {
  it('round-trips short and long text, ASCII or not', () => {
    const texts = ['', 'SUM', 'timestampMs', 'é', 'aé', 'abc日本', '😀x', 'x'.repeat(42), 'é'.repeat(42), 'y'.repeat(43), 'ü'.repeat(100)];
    for (const text of texts) expect(engineValueCodec.decode(engineValueCodec.encode(text))).toBe(text);
    const struct = { state: [1, 2.5, { SUM: 3, COUNT: 1 }], timestampMs: 17, 'naïve': 'ß' };
    expect(engineValueCodec.decode(engineValueCodec.encode(struct))).toEqual(struct);
  });
});
