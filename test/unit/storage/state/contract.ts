/**
 * The contract every state backend must keep, run once per backend (memory.test.ts,
 * lmdb.test.ts, rocksdb.test.ts): ordering, ranges, prefix scans, pending writes, atomic commit with metadata,
 * two-step commits, snapshots, reopen and crash (uncommitted writes lost, committed kept).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSluiceError } from '../../../../common/index.js';
import { RealFileSystem } from '../../../../storage/fs/index.js';
import { KeyWriter, openStateEnvironment, stateDirectory } from '../../../../storage/state/index.js';
import type { KeyRange, StateEnvironment } from '../../../../storage/state/index.js';

export interface BackendHarness {
  /** Opens the environment on the harness's place (the same place every time). */
  open(): StateEnvironment;
  /** Removes everything stored. */
  wipe(): Promise<void>;
}

const b = (text: string): Buffer => Buffer.from(text, 'latin1');
const s = (buffer: Buffer | undefined): string | undefined => buffer?.toString('latin1');
const entries = (iterable: Iterable<{ key: Buffer; value: Buffer }>): Array<[string, string]> => [...iterable].map((entry) => [entry.key.toString('latin1'), entry.value.toString('latin1')]);

function expectCode(action: () => unknown, code: string): void {
  try {
    action();
  } catch (error) {
    if (!isSluiceError(error)) throw error;
    expect(error.code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

/** A reference model: sorted entries filtered by the range, as the contract defines it. */
function reference(model: Map<string, string>, range: KeyRange): Array<[string, string]> {
  const keys = [...model.keys()].sort((x, y) => Buffer.compare(b(x), b(y)));
  let out = keys.filter((key) => {
    const k = b(key);
    if (range.gte && Buffer.compare(k, range.gte) < 0) return false;
    if (range.gt && Buffer.compare(k, range.gt) <= 0) return false;
    if (range.lte && Buffer.compare(k, range.lte) > 0) return false;
    if (range.lt && Buffer.compare(k, range.lt) >= 0) return false;
    return true;
  });
  if (range.reverse) out = out.reverse();
  if (range.limit !== undefined) out = out.slice(0, range.limit);
  return out.map((key) => [key, model.get(key)!]);
}

export function stateContract(name: string, makeHarness: () => BackendHarness): void {
  describe(`state contract: ${name}`, () => {
    let open: StateEnvironment[] = [];
    let harness: BackendHarness;
    const start = (): StateEnvironment => {
      const environment = harness.open();
      open.push(environment);
      return environment;
    };
    const restart = async (environment: StateEnvironment): Promise<StateEnvironment> => {
      await environment.close();
      return start();
    };

    afterEach(async () => {
      for (const environment of open) await environment.close();
      open = [];
      await harness?.wipe();
    });

    it('reads its own pending writes, then the committed ones', async () => {
      harness = makeHarness();
      const environment = start();
      const table = environment.table('kv');
      table.put(b('a'), b('1'));
      table.put(b('b'), b('2'));
      expect(s(table.get(b('a')))).toBe('1');
      expect(table.pendingCount()).toBe(2);
      expect(table.committedEntries()).toBe(0);
      const outcome = environment.commit();
      expect(outcome.writes).toBe(2);
      expect(table.pendingCount()).toBe(0);
      expect(table.committedEntries()).toBe(2);
      table.delete(b('a'));
      expect(table.get(b('a'))).toBeUndefined();
      expect(table.has(b('b'))).toBe(true);
      expect(entries(table.range())).toEqual([['b', '2']]);
      environment.commit();
      expect(table.committedEntries()).toBe(1);
      expect(environment.tableNames()).toEqual(['kv']);
    });

    it('orders keys as unsigned bytes and scans ranges both ways with every kind of bound', () => {
      harness = makeHarness();
      const environment = start();
      const table = environment.table('order');
      const keys = ['', '\u0000', '\u0001', 'a', 'a\u0000', 'ab', 'b', '\u007f', '\u0080', '\u00ff', '\u00ff\u00ff'].filter((key) => key !== '');
      const model = new Map<string, string>();
      keys.forEach((key, index) => {
        table.put(b(key), b(String(index)));
        model.set(key, String(index));
      });
      // half committed, half pending, one pending delete over a committed key
      environment.commit();
      table.put(b('aa'), b('x'));
      model.set('aa', 'x');
      table.delete(b('b'));
      model.delete('b');
      const ranges: KeyRange[] = [
        {},
        { reverse: true },
        { gte: b('a'), lt: b('b') },
        { gt: b('a'), lte: b('b') },
        { gte: b('a'), lt: b('b'), reverse: true },
        { gt: b('a'), lte: b('\u0080'), reverse: true },
        { lt: b('a') },
        { gte: b('\u007f'), reverse: true, limit: 2 },
        { limit: 3 },
        { gte: b('b'), lt: b('a') },
        { gte: b('a'), lte: b('a') },
        { gt: b('a'), lt: b('a') },
      ];
      for (const range of ranges) expect(entries(table.range(range)), JSON.stringify(range)).toEqual(reference(model, range));
      expect(entries(table.prefix(b('a')))).toEqual(reference(model, { gte: b('a'), lt: b('b') }));
      expect(entries(table.prefix(b('\u00ff')))).toEqual(reference(model, { gte: b('\u00ff') }));
      expect(entries(table.prefix(b('a'), { reverse: true, limit: 2 }))).toEqual(reference(model, { gte: b('a'), lt: b('b'), reverse: true, limit: 2 }));
    });

    it('matches a reference model under random writes, commits and scans', () => {
      harness = makeHarness();
      const environment = start();
      const table = environment.table('model');
      const model = new Map<string, string>();
      const keyArbitrary = fc.uint8Array({ minLength: 1, maxLength: 4, max: 4 }).map((bytes) => Buffer.from(bytes).toString('latin1'));
      const operation = fc.oneof(
        fc.record({ kind: fc.constant('put' as const), key: keyArbitrary, value: fc.string({ maxLength: 3 }) }),
        fc.record({ kind: fc.constant('delete' as const), key: keyArbitrary }),
        fc.record({ kind: fc.constant('commit' as const) }),
        fc.record({
          kind: fc.constant('scan' as const),
          low: fc.option(keyArbitrary, { nil: undefined }),
          high: fc.option(keyArbitrary, { nil: undefined }),
          lowInclusive: fc.boolean(),
          highInclusive: fc.boolean(),
          reverse: fc.boolean(),
          limit: fc.option(fc.nat(5), { nil: undefined }),
        }),
      );
      fc.assert(
        fc.property(fc.array(operation, { maxLength: 60 }), (operations) => {
          for (const op of operations) {
            if (op.kind === 'put') {
              table.put(b(op.key), Buffer.from(op.value, 'utf8'));
              model.set(op.key, Buffer.from(op.value, 'utf8').toString('latin1'));
            } else if (op.kind === 'delete') {
              table.delete(b(op.key));
              model.delete(op.key);
            } else if (op.kind === 'commit') environment.commit();
            else {
              const range: KeyRange = { reverse: op.reverse };
              if (op.low !== undefined) range[op.lowInclusive ? 'gte' : 'gt'] = b(op.low);
              if (op.high !== undefined) range[op.highInclusive ? 'lte' : 'lt'] = b(op.high);
              if (op.limit !== undefined) range.limit = op.limit;
              expect(entries(table.range(range))).toEqual(reference(model, range));
            }
          }
          for (const [key, value] of model) expect(s(table.get(b(key)))).toBe(value);
          environment.commit();
          expect(table.committedEntries()).toBe(model.size);
        }),
        { numRuns: 60 },
      );
    });

    it('commits state and metadata atomically and finds both after reopen', async () => {
      harness = makeHarness();
      let environment = start();
      const counts = environment.table('counts');
      const other = environment.table('other');
      counts.put(b('k1'), b('1'));
      other.put(b('x'), b('y'));
      environment.commit(new Map([['offsets', b('topic:0=10')]]));
      counts.put(b('k1'), b('2'));
      counts.put(b('k2'), b('1'));
      environment.commit(new Map([['offsets', b('topic:0=12')]]));
      // uncommitted work, then the process "dies" (close discards pending writes)
      counts.put(b('k1'), b('3'));
      counts.put(b('k3'), b('1'));
      environment = await restart(environment);
      expect(s(environment.metadata('offsets'))).toBe('topic:0=12');
      expect(entries(environment.table('counts').range())).toEqual([
        ['k1', '2'],
        ['k2', '1'],
      ]);
      expect(s(environment.table('other').get(b('x')))).toBe('y');
      expect(environment.tableNames()).toEqual(['counts', 'other']);
      environment.commit(new Map([['offsets', null]]));
      expect(environment.metadata('offsets')).toBeUndefined();
    });

    it('never commits part of a batch: a failed commit leaves the previous state and offsets', async () => {
      harness = makeHarness();
      let environment = start();
      const table = environment.table('t');
      table.put(b('a'), b('1'));
      environment.commit(new Map([['offset', b('1')]]));
      table.put(b('b'), b('2'));
      // A write batch with an invalid operation in the middle is refused as a whole.
      expectCode(
        () =>
          environment.write(
            [
              { table: 't', key: b('c'), value: b('3') },
              { table: 't', key: Buffer.alloc(0), value: b('x') },
            ],
            new Map([['offset', b('3')]]),
          ),
        'INVALID_ARGUMENT',
      );
      environment = await restart(environment);
      expect(s(environment.metadata('offset'))).toBe('1');
      expect(entries(environment.table('t').range())).toEqual([['a', '1']]);
    });

    it('applies explicit write batches with metadata in one transaction', () => {
      harness = makeHarness();
      const environment = start();
      const outcome = environment.write(
        [
          { table: 'a', key: b('1'), value: b('one') },
          { table: 'b', key: b('2'), value: b('two') },
          { table: 'a', key: b('1'), value: b('uno') },
          { table: 'a', key: b('3'), value: null },
        ],
        new Map([['restored', b('yes')]]),
      );
      expect(outcome.writes).toBe(4);
      expect(s(environment.table('a').get(b('1')))).toBe('uno');
      expect(s(environment.table('b').get(b('2')))).toBe('two');
      expect(s(environment.metadata('restored'))).toBe('yes');
    });

    it('two-step commit: frozen writes stay readable, new writes win, abort gives them back', () => {
      harness = makeHarness();
      const environment = start();
      const table = environment.table('t');
      table.put(b('a'), b('1'));
      table.put(b('b'), b('1'));
      const prepared = environment.prepareCommit();
      expect(prepared.tables()).toEqual(['t']);
      expect(prepared.writeCount()).toBe(2);
      expect(entries(prepared.writes('t') as Iterable<{ key: Buffer; value: Buffer }>)).toEqual([
        ['a', '1'],
        ['b', '1'],
      ]);
      expect(s(table.get(b('a')))).toBe('1');
      table.put(b('b'), b('2'));
      table.put(b('c'), b('2'));
      expect(entries(table.range())).toEqual([
        ['a', '1'],
        ['b', '2'],
        ['c', '2'],
      ]);
      expectCode(() => environment.prepareCommit(), 'INTERNAL_ASSERTION');
      prepared.abort();
      expect(table.pendingCount()).toBe(3);
      expect(entries(table.pendingWrites() as Iterable<{ key: Buffer; value: Buffer }>)).toEqual([
        ['a', '1'],
        ['b', '2'],
        ['c', '2'],
      ]);
      const second = environment.prepareCommit();
      table.delete(b('a'));
      second.finish(new Map([['m', b('1')]]));
      expect(table.committedEntries()).toBe(3);
      expect(table.get(b('a'))).toBeUndefined();
      environment.commit();
      expect(table.committedEntries()).toBe(2);
    });

    it('deletes ranges and prefixes through the pending layer', () => {
      harness = makeHarness();
      const environment = start();
      const table = environment.table('t');
      for (const key of ['a1', 'a2', 'b1', 'b2', 'c1']) table.put(b(key), b('v'));
      environment.commit();
      table.put(b('a3'), b('v'));
      expect(table.deleteRange({ gte: b('a'), lt: b('b') })).toBe(3);
      expect(entries(table.range()).map(([key]) => key)).toEqual(['b1', 'b2', 'c1']);
      environment.commit();
      expect(table.committedEntries()).toBe(3);
    });

    it('keeps keys and values within the limits', () => {
      harness = makeHarness();
      const environment = start();
      const table = environment.table('t');
      expectCode(() => table.put(Buffer.alloc(0), b('v')), 'INVALID_ARGUMENT');
      expectCode(() => table.put(Buffer.alloc(1979, 1), b('v')), 'STATE_KEY_TOO_LARGE');
      table.put(Buffer.alloc(1978, 1), Buffer.alloc(0));
      expectCode(() => table.put(b('k'), Buffer.alloc(2_000_000)), 'STATE_VALUE_TOO_LARGE');
      expectCode(() => environment.table('__meta'), 'INVALID_ARGUMENT');
      environment.commit();
      expect(table.get(Buffer.alloc(1978, 1))?.length).toBe(0);
    });

    it('gives snapshots of the committed state that later commits do not change', () => {
      harness = makeHarness();
      const environment = start();
      const table = environment.table('t');
      table.put(b('a'), b('1'));
      environment.commit(new Map([['m', b('1')]]));
      const snapshot = environment.snapshot();
      table.put(b('a'), b('2'));
      table.put(b('b'), b('2'));
      environment.commit(new Map([['m', b('2')]]));
      expect(s(snapshot.table('t').get(b('a')))).toBe('1');
      expect(entries(snapshot.table('t').range())).toEqual([['a', '1']]);
      expect(s(snapshot.metadata('m'))).toBe('1');
      snapshot.release();
      expect(s(environment.snapshot().table('t').get(b('a')))).toBe('2');
    });

    it('scans many entries both ways, live and in a snapshot taken before later commits', () => {
      harness = makeHarness();
      const environment = start();
      const table = environment.table('big');
      const key = (index: number): Buffer => b(`k${String(index).padStart(5, '0')}`);
      for (let index = 0; index < 3000; index++) table.put(key(index), b(String(index)));
      environment.table('after').put(b('x'), b('1'));
      environment.commit(new Map([['m', b('1')]]));
      const snapshot = environment.snapshot();
      for (let index = 0; index < 3000; index += 2) table.delete(key(index));
      table.put(key(5000), b('new'));
      environment.commit(new Map([['m', b('2')]]));
      const indexes = (source: Iterable<{ key: Buffer }>): number[] => [...source].map((entry) => Number(entry.key.toString('latin1').slice(1)));
      const span = (from: number, to: number, step = 1): number[] => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
      // live: the later commit shows
      expect(indexes(table.range({ gt: key(100), lte: key(2501) }))).toEqual(span(101, 2501, 2));
      expect(indexes(table.range({ gte: key(100), lt: key(2501), reverse: true }))).toEqual(span(101, 2499, 2).reverse());
      expect(table.range({ reverse: true }).next().value?.key.toString('latin1')).toBe('k05000');
      // the snapshot: as it was, over many chunks, with every kind of bound
      const old = snapshot.table('big');
      expect(indexes(old.range())).toEqual(span(0, 2999));
      expect(indexes(old.range({ reverse: true }))).toEqual(span(0, 2999).reverse());
      expect(indexes(old.range({ gt: key(100), lte: key(2500) }))).toEqual(span(101, 2500));
      expect(indexes(old.range({ gte: key(100), lt: key(2500), reverse: true }))).toEqual(span(100, 2499).reverse());
      expect(indexes(old.range({ gt: key(2998), reverse: true }))).toEqual([2999]);
      expect(indexes(old.range({ gte: key(2999) }))).toEqual([2999]);
      expect(indexes(old.prefix(b('k010'), { limit: 3 }))).toEqual([1000, 1001, 1002]);
      // a get between the steps of a scan does not disturb it
      const scan = old.range({ gte: key(10) });
      expect(indexes([scan.next().value!])).toEqual([10]);
      expect(s(old.get(key(2000)))).toBe('2000');
      expect(old.get(key(5000))).toBeUndefined();
      expect(indexes([scan.next().value!])).toEqual([11]);
      scan.return?.(undefined);
      expect(s(snapshot.metadata('m'))).toBe('1');
      expect(entries(snapshot.table('after').range())).toEqual([['x', '1']]);
      expect(entries(snapshot.table('none').range())).toEqual([]);
      snapshot.release();
    });

    it('drops tables, reports stats, refuses use after close', async () => {
      harness = makeHarness();
      const environment = start();
      environment.table('gone').put(b('a'), b('1'));
      environment.table('kept').put(b('a'), b('1'));
      environment.commit();
      environment.dropTable('gone');
      expect(environment.stats().tables['gone']?.committedEntries ?? 0).toBe(0);
      expect(environment.table('gone').get(b('a'))).toBeUndefined();
      const stats = environment.stats();
      expect(stats.backend).toBe(environment.backend);
      expect(stats.tables['kept']!.committedEntries).toBe(1);
      expect(stats.commits).toBe(1);
      expect(stats.sizeBytes).toBeGreaterThan(0);
      await environment.close();
      expectCode(() => environment.table('kept').get(b('a')), 'STATE_CLOSED');
      expect(environment.closed).toBe(true);
    });

    it('refuses a second open of the same place while the first is open', async () => {
      harness = makeHarness();
      const environment = start();
      expectCode(() => harness.open(), 'STATE_IN_USE');
      await environment.close();
      start();
    });

    it('scans keys written with KeyWriter in value order', () => {
      harness = makeHarness();
      const environment = start();
      const table = environment.table('composite');
      const writer = new KeyWriter();
      const rows: Array<[string, number]> = [];
      for (const name of ['b', 'a', 'a\u0000', '', 'ab']) for (const time of [5, -3, 0, 1e12, -1e12]) rows.push([name, time]);
      for (const [name, time] of rows) table.put(writer.reset().string(name).int64(time).finish(), b(`${name}@${time}`));
      environment.commit();
      const sorted = [...rows].sort((x, y) => Buffer.compare(Buffer.from(x[0]), Buffer.from(y[0])) || x[1] - y[1]);
      expect([...table.range()].map((entry) => entry.value.toString('latin1'))).toEqual(sorted.map(([name, time]) => `${name}@${time}`));
      const a = writer.reset().string('a').finish();
      const windowLow = writer.reset().string('a').int64(-3).finish();
      const windowHigh = writer.reset().string('a').int64(5).finish();
      expect([...table.range({ gte: windowLow, lte: windowHigh })].map((entry) => entry.value.toString('latin1'))).toEqual(['a@-3', 'a@0', 'a@5']);
      expect([...table.prefix(a)].length).toBe(5);
    });
  });
}

/** The contract for an on-disk backend: each test in a fresh directory of a temporary root. */
export function directoryStateContract(backend: 'lmdb' | 'rocksdb'): void {
  const root = mkdtempSync(path.join(tmpdir(), `sluice-state-${backend}-`));
  const fs = new RealFileSystem();
  let counter = 0;
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  stateContract(backend, () => {
    const directory = stateDirectory(root, 'app', `task-${counter++}`);
    return {
      open: () => openStateEnvironment({ backend, path: directory, fs, durable: false }),
      wipe: async () => fs.removeRecursive(directory),
    };
  });
}
