/**
 * Aggregate operators over engine/state's TaskState: a restart resumes from the stores (local
 * state, or the changelog when the state directory is lost), stream time included; outputs carry
 * the previous row for table filters.
 */
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../../common/index.js';
import { MemoryStateVolume, openStateEnvironment } from '../../../../storage/state/index.js';
import { TaskState } from '../../../../engine/state/index.js';
import {
  ChangeRecord,
  createAggregateOperator,
  makeRecord,
  taskStateStores,
  type EngineRecord,
  type StatefulOperator,
  TableSourceMaterializeOperator,
} from '../../../../engine/operators/index.js';
import type { OldValueSender } from '../../../../engine/operators/aggregate/aggregate.js';
import { formatsSerdeFactory } from '../../../../engine/runtime/index.js';
import type { Step, WindowSpec } from '../../../../engine/steps/index.js';
import { INT, STRING, v, k } from '../expressions/exprs.js';
import { openTestLog, testProcessingLog } from '../operators/helpers.js';
import { ROWTIME, aggregatePlan, registry } from './helpers.js';
import type { Log } from '../../../../storage/log/index.js';

type AggregateStep = Extract<Step, { kind: 'aggregate@1' }>;

function aggregateStep(window: WindowSpec | null, table = false): AggregateStep {
  const plan = aggregatePlan({
    source: { topic: 'input', table, schema: { key: [{ name: 'ID', type: STRING }], value: [{ name: 'V', type: INT }] } },
    groupBy: [k(0, STRING)],
    groupColumns: [{ name: 'ID', type: STRING }],
    repartition: false,
    aggregates: [{ name: 'COUNT', args: [ROWTIME] }, { name: 'SUM', args: [v(0, INT)] }],
    window,
    sinkTopic: 'output',
  });
  let step: Step = plan.sink;
  while (step.kind !== 'aggregate@1') step = (step as { source: Step }).source;
  return step;
}

function operator(step: AggregateStep, sendOldValues?: boolean): StatefulOperator & Partial<OldValueSender> {
  const serdes = formatsSerdeFactory();
  return createAggregateOperator(
    step,
    (target, columns) => serdes.create({ topic: 'changelog', target, format: 'JSON', properties: {}, columns }),
    {
      compile: { functions: registry, functionContext: { nowMs: () => 0, properties: {} } },
      properties: {},
      log: testProcessingLog().log.forStep(step.id),
      nowMs: () => 0,
      ...(sendOldValues === undefined ? {} : { sendOldValues }),
    },
  );
}

async function openTask(op: StatefulOperator, volume: MemoryStateVolume, log: Log | null): Promise<TaskState> {
  const state = new TaskState({ environment: openStateEnvironment({ backend: 'memory', volume }), log, applicationId: 'app', partition: 0, clock: new SimulatedClock(0) });
  op.openTask({ partition: 0, stores: taskStateStores(state), nowMs: () => 0 });
  await state.restore();
  return state;
}

let offset = 0;
function row(key: string, value: number, timestampMs: number): EngineRecord {
  return makeRecord([key], [value, key], { timestampMs, offset: offset++ });
}

function summary(records: EngineRecord[]): unknown[] {
  return records.map((r) => [r.key[0], r.value, r.timestampMs, r.window === null ? null : r.window.startMs]);
}

describe('aggregate state across restarts', () => {
  it('resumes counts and stream time from local state', async () => {
    const volume = new MemoryStateVolume();
    const step = aggregateStep({ kind: 'TUMBLING', sizeMs: 10, graceMs: 0, retentionMs: null });
    let op = operator(step);
    let state = await openTask(op, volume, null);
    expect(summary(op.process([row('a', 1, 1), row('a', 2, 15)]))).toEqual([
      ['a', [1, 1], 1, 0],
      ['a', [1, 2], 15, 10],
    ]);
    await state.commit({ inputOffsets: [{ topic: 'input', partition: 0, offset: 2 }] });
    await state.close();

    op = operator(step);
    state = await openTask(op, volume, null);
    expect(state.checkpoint()?.inputOffsets).toEqual([{ topic: 'input', partition: 0, offset: 2 }]);
    // [0,10) closed at stream time 15 before the restart: still closed.
    expect(summary(op.process([row('a', 5, 5), row('a', 3, 12)]))).toEqual([['a', [2, 5], 15, 10]]);
    await state.close();
  });

  it('rebuilds from the changelog when the local state is lost', async () => {
    const { log } = await openTestLog();
    const step = aggregateStep(null);
    let volume = new MemoryStateVolume();
    let op = operator(step);
    let state = await openTask(op, volume, log);
    op.process([row('a', 1, 1), row('b', 2, 2), row('a', 3, 3)]);
    await state.commit({ inputOffsets: [{ topic: 'input', partition: 0, offset: 3 }] });
    await state.close();
    expect(log.listTopics()).toContain('app-Aggregate-Aggregate-Materialize-changelog');

    volume = new MemoryStateVolume();
    op = operator(step);
    state = await openTask(op, volume, log);
    expect(state.checkpoint()?.inputOffsets).toEqual([{ topic: 'input', partition: 0, offset: 3 }]);
    expect(summary(op.process([row('a', 10, 4)]))).toEqual([['a', [3, 14], 4, null]]);
    await state.close();
  });
});

describe('old values for table filters', () => {
  it('a stream aggregate forwards the previous row (the initial one for a new key)', async () => {
    const op = operator(aggregateStep(null));
    const out = op.process([row('a', 1, 1), row('a', 2, 2)]);
    expect(out.every((r) => r instanceof ChangeRecord)).toBe(true);
    expect(out.map((r) => (r as ChangeRecord).oldValue)).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('a table aggregate forwards null for a new key, then the previous row', async () => {
    const op = operator(aggregateStep(null, true));
    const change = (key: string, next: number | null, old: number | null): EngineRecord =>
      makeRecord([key], [next === null ? null : [next, key], old === null ? null : [old, key]], { offset: offset++ });
    const out = op.process([change('a', 5, null), change('a', 7, 5), change('a', null, 7)]);
    expect(out.map((r) => [r.value, (r as ChangeRecord).oldValue])).toEqual([
      [[1, 5], null],
      [[1, 7], [1, 5]],
      [[0, 0], [1, 7]],
    ]);
  });
});

describe('without old values (no table filter downstream)', () => {
  const windows: Array<[string, WindowSpec | null]> = [
    ['unwindowed', null],
    ['tumbling', { kind: 'TUMBLING', sizeMs: 10, graceMs: 5, retentionMs: null }],
    ['hopping', { kind: 'HOPPING', sizeMs: 10, advanceMs: 5, graceMs: 5, retentionMs: null }],
    ['session', { kind: 'SESSION', gapMs: 4, graceMs: 5, retentionMs: null }],
  ];
  const input = (): EngineRecord[] =>
    [
      ['a', 1, 1],
      ['b', 2, 3],
      ['a', 3, 12],
      ['a', 4, 2],
      ['b', 5, 30],
      ['a', 6, 7],
      ['a', 7, 9],
    ].map(([key, value, timestampMs], i) => makeRecord([key], [value, key], { timestampMs: timestampMs as number, offset: 100 + i }));
  const full = (records: EngineRecord[]) => records.map((r) => [r.key, r.value, r.timestampMs, r.window, r.offset, r.headers]);

  it.each(windows)('%s: the same outputs as with old values, none computed', async (_name, window) => {
    const withOld = operator(aggregateStep(window), true);
    const without = operator(aggregateStep(window), false);
    const expected = withOld.process(input());
    const records = input();
    const actual = without.process(records);
    expect(full(actual)).toEqual(full(expected));
    expect(expected.length).toBeGreaterThan(0);
    expect(actual.some((r) => r instanceof ChangeRecord && r.oldValue !== null)).toBe(false);
    // One output per record (unwindowed, tumbling): the input records themselves, updated.
    if (window === null || window.kind === 'TUMBLING') expect(actual.every((r) => records.includes(r) && !(r instanceof ChangeRecord))).toBe(true);
  });

  it.each(windows)('%s: old values once a table filter asks for them', async (_name, window) => {
    const withOld = operator(aggregateStep(window), true);
    const enabled = operator(aggregateStep(window), false);
    enabled.enableSendingOldValues!();
    const summarize = (records: EngineRecord[]) => records.map((r) => [r.key, r.value, r.timestampMs, r.window, r instanceof ChangeRecord ? r.oldValue : 'none']);
    expect(summarize(enabled.process(input()))).toEqual(summarize(withOld.process(input())));
  });

  it('table aggregates: no previous row computed', async () => {
    const op = operator(aggregateStep(null, true), false);
    const change = (key: string, next: number | null, old: number | null): EngineRecord =>
      makeRecord([key], [next === null ? null : [next, key], old === null ? null : [old, key]], { offset: offset++ });
    const out = op.process([change('a', 5, null), change('a', 7, 5), change('a', null, 7)]);
    expect(out.map((r) => [r.value, (r as ChangeRecord).oldValue])).toEqual([
      [[1, 5], null],
      [[1, 7], null],
      [[0, 0], null],
    ]);
  });

  it('a materialized table source passes records through, or sends old values when asked', async () => {
    const source = new TableSourceMaterializeOperator('KsqlTopic/Source', [STRING], null, false);
    const records = [makeRecord(['a'], [1], { offset: 1 }), makeRecord(['a'], [2], { offset: 2 })];
    const out = source.process(records.slice());
    expect(out).toEqual(records);
    expect(out.every((r, i) => r === records[i])).toBe(true);
    source.enableSendingOldValues();
    const next = source.process([makeRecord(['a'], [3], { offset: 3 })]);
    expect((next[0] as ChangeRecord).oldValue).toEqual([2]);
  });
});
