import { afterEach, describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../../common/index.js';
import { COMMIT_MARKER_KEY, changelogTopicName, decodeKey } from '../../../../engine/state/index.js';
import type { TaskState } from '../../../../engine/state/index.js';
import { BACKENDS, readTopic, stateHarness } from './helpers.js';
import type { StateHarness } from './helpers.js';

const inputAt = (offset: number) => ({ inputOffsets: [{ topic: 'in', partition: 0, offset }] });

describe.each(BACKENDS)('typed stores on %s', (backend) => {
  let harness: StateHarness;
  const tasks: TaskState[] = [];
  const start = async (register: (task: TaskState) => void, options = {}): Promise<TaskState> => {
    const task = harness.task(options);
    tasks.push(task);
    register(task);
    await task.restore();
    return task;
  };
  afterEach(async () => {
    for (const task of tasks.splice(0)) await task.close();
    await harness.cleanup();
  });

  it('key-value: reads its writes at once, scans in key order, commits them to the changelog', async () => {
    harness = await stateHarness(backend);
    let counts!: ReturnType<TaskState['keyValueStore']>;
    const task = await start((t) => {
      counts = t.keyValueStore('counts');
    });
    expect(() => task.keyValueStore('late')).toThrow(/before restore/);
    expect(counts.get(['a'])).toBeUndefined();
    counts.put(['b'], [2]);
    counts.put(['a'], [1]);
    counts.put(['c'], [3]);
    counts.delete(['c']);
    expect(counts.get(['a'])).toEqual([1]);
    expect(counts.get(['c'])).toBeUndefined();
    expect([...counts.range()]).toEqual([
      { key: ['a'], value: [1] },
      { key: ['b'], value: [2] },
    ]);
    expect([...counts.range({ from: ['b'] })].map((e) => e.key)).toEqual([['b']]);
    expect([...counts.range({ reverse: true, limit: 1 })].map((e) => e.key)).toEqual([['b']]);
    const outcome = await task.commit(inputAt(10));
    expect(outcome.committed).toBe(true);
    expect(outcome.sequence).toBe(1);
    const records = await readTopic(harness.log, changelogTopicName('app', 'counts'));
    // one record per key changed (the latest value; c was put then deleted: a tombstone), then the marker
    expect(records.map((record) => (record.key!.equals(COMMIT_MARKER_KEY) ? 'marker' : `${decodeKey(record.key!)[0]}=${record.value ? 'v' : 'null'}`))).toEqual(['a=v', 'b=v', 'c=null', 'marker']);
    expect(JSON.parse(records[3]!.value!.toString())).toMatchObject({ sequence: 1, inputOffsets: [{ topic: 'in', partition: 0, offset: 10 }] });
    expect(harness.log.describeTopic(changelogTopicName('app', 'counts')).configs['cleanup.policy']).toBe('compact');
    expect(task.checkpoint()?.inputOffsets).toEqual([{ topic: 'in', partition: 0, offset: 10 }]);
    expect(task.stats().stores['counts']).toMatchObject({ kind: 'key-value', entries: 2, pendingWrites: 0, changelogNextOffset: 4 });
    // nothing new: nothing to commit
    expect((await task.commit(inputAt(10))).committed).toBe(false);
    // offsets moved, state did not: a local commit only, no changelog records
    const moved = await task.commit(inputAt(12));
    expect(moved).toMatchObject({ committed: true, sequence: 1, changelogRecords: 0 });
  });

  it('key-value: values decoded once, mutated objects must be put back', async () => {
    harness = await stateHarness(backend);
    let store!: ReturnType<TaskState['keyValueStore']>;
    const task = await start((t) => {
      store = t.keyValueStore<{ count: number; items: string[] }>('acc') as never;
    });
    const accumulators = store as unknown as { get(k: unknown[]): { count: number; items: string[] } | undefined; put(k: unknown[], v: { count: number; items: string[] }): void };
    for (let i = 0; i < 100; i++) {
      const key = [`k${i % 3}`];
      const acc = accumulators.get(key) ?? { count: 0, items: [] };
      acc.count++;
      acc.items.push(String(i));
      accumulators.put(key, acc);
    }
    await task.commit(inputAt(100));
    await task.close();
    tasks.length = 0;
    const reopened = await start((t) => {
      store = t.keyValueStore('acc');
    });
    expect(reopened.checkpoint()?.inputOffsets[0]!.offset).toBe(100);
    expect((store.get(['k0']) as unknown as { count: number }).count).toBe(34);
    expect((store.get(['k2']) as unknown as { items: string[] }).items.slice(0, 3)).toEqual(['2', '5', '8']);
  });

  it('window: fetches by key and time range in order, and all keys in a range', async () => {
    harness = await stateHarness(backend);
    let windows!: ReturnType<TaskState['windowStore']>;
    const task = await start((t) => {
      windows = t.windowStore('windows', { retentionMs: 1_000_000, segmentIntervalMs: 100 });
    });
    for (const key of ['b', 'a']) for (const startMs of [500, 0, 100, 250, -100]) windows.put([key], startMs, [`${key}@${startMs}`]);
    windows.put(['a'], 100, ['a@100!']);
    expect(windows.get(['a'], 100)).toEqual(['a@100!']);
    expect([...windows.fetch(['a'], 0, 300)].map((w) => [w.windowStartMs, w.value[0]])).toEqual([
      [0, 'a@0'],
      [100, 'a@100!'],
      [250, 'a@250'],
    ]);
    expect([...windows.fetch(['a'], -1000, 1000, { reverse: true })].map((w) => w.windowStartMs)).toEqual([500, 250, 100, 0, -100]);
    await task.commit(inputAt(1));
    expect([...windows.fetchAll(100, 250)].map((w) => `${w.key[0]}@${w.windowStartMs}`)).toEqual(['a@100', 'b@100', 'a@250', 'b@250']);
    expect([...windows.all()].length).toBe(10);
    windows.delete(['a'], 0);
    expect([...windows.fetch(['a'], 0, 0)]).toEqual([]);
  });

  it('window: drops windows older than retention, with tombstones in the changelog', async () => {
    harness = await stateHarness(backend);
    let windows!: ReturnType<TaskState['windowStore']>;
    const task = await start((t) => {
      windows = t.windowStore('w', { retentionMs: 300, segmentIntervalMs: 100 });
    });
    for (let startMs = 0; startMs <= 500; startMs += 50) windows.put(['k'], startMs, [startMs]);
    // observed stream time 500: windows starting before 201 are expired
    expect(windows.liveFromMs()).toBe(201);
    expect([...windows.fetch(['k'], 0, 1000)].map((w) => w.windowStartMs)).toEqual([250, 300, 350, 400, 450, 500]);
    expect(windows.get(['k'], 200)).toBeUndefined();
    expect(windows.put(['k'], 100, [1])).toBe(false);
    await task.commit(inputAt(1));
    // expired windows never reached the store (they expired while cached): 250..500 remain
    expect(task.stats().stores['w']!.entries).toBe(6);
    windows.put(['k'], 1000, [1000]);
    await task.commit(inputAt(2));
    expect(task.stats().stores['w']!.entries).toBe(1);
    const records = await readTopic(harness.log, changelogTopicName('app', 'w'));
    const tombstones = records.filter((record) => record.value === null).length;
    expect(tombstones).toBe(6);
  });

  it('window: duplicates kept for joins, each put a new entry', async () => {
    harness = await stateHarness(backend);
    let joins!: ReturnType<TaskState['windowStore']>;
    const task = await start((t) => {
      joins = t.windowStore('join', { retentionMs: 10_000, retainDuplicates: true });
    });
    joins.put(['k'], 5, ['one']);
    joins.put(['k'], 5, ['two']);
    joins.put(['k'], 7, ['three']);
    joins.put(['j'], 5, ['other']);
    expect([...joins.fetch(['k'], 0, 10)].map((w) => w.value[0])).toEqual(['one', 'two', 'three']);
    expect(() => joins.get(['k'], 5)).toThrow(/duplicates/);
    await task.commit(inputAt(1));
    await task.close();
    tasks.length = 0;
    harness.loseLocalState();
    await start((t) => {
      joins = t.windowStore('join', { retentionMs: 10_000, retainDuplicates: true });
    });
    joins.put(['k'], 5, ['four']);
    expect([...joins.fetch(['k'], 5, 5)].map((w) => w.value[0])).toEqual(['one', 'two', 'four']);
  });

  it('session: finds the sessions a record merges with, removes merged ones, expires old ones', async () => {
    harness = await stateHarness(backend);
    let sessions!: ReturnType<TaskState['sessionStore']>;
    const task = await start((t) => {
      sessions = t.sessionStore('s', { retentionMs: 1000, segmentIntervalMs: 100 });
    });
    const gap = 10;
    sessions.put(['u'], 0, 20, [2]);
    sessions.put(['u'], 40, 45, [1]);
    sessions.put(['u'], 100, 150, [5]);
    sessions.put(['v'], 25, 35, [1]);
    // a record at t = 30 merges with sessions ending >= 20 and starting <= 40
    const found = sessions.findSessions(['u'], 30 - gap, 30 + gap);
    expect(found.map((s) => [s.startMs, s.endMs, s.value[0]])).toEqual([
      [0, 20, 2],
      [40, 45, 1],
    ]);
    for (const session of found) sessions.remove(['u'], session.startMs, session.endMs);
    sessions.put(['u'], 0, 45, [4]);
    expect(sessions.fetch(['u']).map((s) => [s.startMs, s.endMs])).toEqual([
      [0, 45],
      [100, 150],
    ]);
    expect(sessions.fetchSession(['u'], 0, 45)).toEqual([4]);
    expect(sessions.findSessions(['u'], 46, 99)).toEqual([]);
    expect([...sessions.fetchAll()].map((s) => `${s.key[0]}:${s.startMs}-${s.endMs}`)).toEqual(['u:0-45', 'v:25-35', 'u:100-150']);
    await task.commit(inputAt(1));
    // stream time 1100: sessions ending before 101 expire
    sessions.put(['v'], 1100, 1100, [1]);
    expect(sessions.fetch(['u']).map((s) => s.endMs)).toEqual([150]);
    expect(sessions.put(['u'], 10, 50, [1])).toBe(false);
    await task.commit(inputAt(2));
    expect(task.stats().stores['s']!.entries).toBe(2);
  });

  it('session: rebuilt from the changelog with its sessions and observed stream time', async () => {
    harness = await stateHarness(backend);
    let sessions!: ReturnType<TaskState['sessionStore']>;
    const register = (t: TaskState): void => {
      sessions = t.sessionStore('s', { retentionMs: 100, segmentIntervalMs: 60 });
    };
    const task = await start(register);
    sessions.put(['a'], 0, 10, ['first']);
    sessions.put(['b'], 150, 160, ['second']);
    sessions.put(['a'], 170, 200, ['third']);
    await task.commit(inputAt(3));
    const before = [...sessions.fetchAll()];
    expect(before.map((s) => s.endMs)).toEqual([160, 200]);
    await task.close();
    tasks.length = 0;
    harness.loseLocalState();
    const rebuilt = await start(register);
    expect(rebuilt.checkpoint()?.inputOffsets[0]!.offset).toBe(3);
    expect(sessions.observedStreamTimeMs).toBe(200);
    expect([...sessions.fetchAll()]).toEqual(before);
    expect(sessions.put(['a'], 50, 60, ['late'])).toBe(false);
  });

  it('refuses use before restore and after close', async () => {
    harness = await stateHarness(backend);
    const task = harness.task();
    const store = task.keyValueStore('kv');
    expect(() => store.get(['a'])).toThrow(/before restore/);
    await task.restore();
    await expect(task.restore()).rejects.toThrow(/runs once/);
    await task.close();
    try {
      store.get(['a']);
      throw new Error('expected STATE_CLOSED');
    } catch (error) {
      expect(isSluiceError(error, 'STATE_CLOSED')).toBe(true);
    }
  });
});
