import { afterEach, describe, expect, it } from 'vitest';
import type { JoinType } from '../../../../engine/steps/index.js';
import { BIGINT, STRING } from '../expressions/exprs.js';
import { col, fixture, runtimes, sinkPlan, streamSource, streamStreamJoin } from './helpers.js';

afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.close();
});

const left = streamSource('KafkaTopic_Left/Source', 'left_topic', { key: [col('ID', BIGINT)], value: [col('L1', STRING)] });
const right = streamSource('KafkaTopic_Right/Source', 'right_topic', { key: [col('ID', BIGINT)], value: [col('L2', STRING)] });
const MINUTE = 60_000;

type Input = ['L' | 'R', number | null, string | null, number];

async function run(joinType: JoinType, beforeMs: number, afterMs: number, graceMs: number | null, inputs: Input[], between?: (index: number, f: Awaited<ReturnType<typeof fixture>>) => void) {
  const f = await fixture({ left_topic: 1, right_topic: 1, OUT: 1 });
  await f.runtime.start(sinkPlan('CSAS_OUT_0', streamStreamJoin('Join', left, right, joinType, beforeMs, afterMs, graceMs, BIGINT), 'OUT', false));
  for (let i = 0; i < inputs.length; i++) {
    const [side, key, text, ts] = inputs[i]!;
    between?.(i, f);
    if (side === 'L') await f.send('left_topic', key, text === null ? null : { L1: text }, ts);
    else await f.send('right_topic', key, text === null ? null : { L2: text }, ts);
  }
  return { f, out: await f.output('OUT') };
}

const outOfOrder: Input[] = [
  ['L', 0, 'A', 0],
  ['R', 0, 'a', 60000],
  ['L', 1, 'B', 330000],
  ['L', 2, 'C', 90000],
  ['R', 2, 'c', 90000],
  ['L', 3, 'D', 60000],
  ['R', 3, 'd', 60000],
];

describe('stream-stream join with GRACE PERIOD (out of order records)', () => {
  it('INNER: records older than the retention are neither stored nor matched', async () => {
    const { out } = await run('INNER', MINUTE, MINUTE, MINUTE, outOfOrder);
    expect(out).toEqual([[0, { L1: 'A', L2: 'a' }, 60000]]);
  });

  it('LEFT: late unmatched records are emitted at once, padded with nulls', async () => {
    const { out } = await run('LEFT', MINUTE, MINUTE, MINUTE, outOfOrder);
    expect(out).toEqual([
      [0, { L1: 'A', L2: 'a' }, 60000],
      [2, { L1: 'C', L2: null }, 90000],
      [3, { L1: 'D', L2: null }, 60000],
    ]);
  });

  it('RIGHT: the right side is preserved', async () => {
    const { out } = await run('RIGHT', MINUTE, MINUTE, MINUTE, [
      ['L', 0, 'A', 0],
      ['R', 0, 'a', 60000],
      ['L', 1, 'B', 330000],
      ['L', 2, 'C', 90000],
      ['R', 2, 'c', 90000],
      ['R', 3, 'd', 60000],
      ['L', 3, 'D', 90000],
    ]);
    expect(out).toEqual([
      [0, { L1: 'A', L2: 'a' }, 60000],
      [2, { L1: null, L2: 'c' }, 90000],
      [3, { L1: null, L2: 'd' }, 60000],
      [3, { L1: 'D', L2: 'd' }, 90000],
    ]);
  });

  it('FULL OUTER: both sides are preserved', async () => {
    const { out } = await run('OUTER', MINUTE, MINUTE, MINUTE, [
      ['L', 0, 'A', 0],
      ['R', 0, 'a', 60000],
      ['R', 1, 'b', 330000],
      ['R', 2, 'c', 90000],
      ['L', 2, 'C', 90000],
      ['R', 3, 'd', 60000],
      ['L', 3, 'D', 60000],
    ]);
    expect(out).toEqual([
      [0, { L1: 'A', L2: 'a' }, 60000],
      [2, { L1: null, L2: 'c' }, 90000],
      [2, { L1: 'C', L2: null }, 90000],
      [3, { L1: null, L2: 'd' }, 60000],
      [3, { L1: 'D', L2: null }, 60000],
    ]);
  });

  it('emits a held null-padded result when its window closes (at most once per second of wall-clock time)', async () => {
    const { out } = await run(
      'LEFT',
      10_000,
      10_000,
      0,
      [
        ['L', 1, 'held', 0],
        ['L', 2, 'matched', 1000],
        ['R', 2, 'x', 2000],
        ['R', 9, 'late', 20000],
        ['L', 3, 'later', 21000],
        ['R', 8, 'more', 40000],
      ],
      (index, f) => {
        // The first check (first record) used up the throttle; the wall clock moves on before the 4th.
        if (index === 3) f.clock.advance(1000);
      },
    );
    expect(out).toEqual([
      [2, { L1: 'matched', L2: 'x' }, 2000],
      [1, { L1: 'held', L2: null }, 0],
      // L3 (t=21000) is held; R8 at t=40000 closes its window, but the throttle allows no second emit yet.
    ]);
  });
});

describe('stream-stream join without GRACE PERIOD', () => {
  it('RIGHT join within 11 seconds: null-padded results are emitted eagerly', async () => {
    const { out } = await run('RIGHT', 11_000, 11_000, null, [
      ['L', 0, 'zero', 0],
      ['R', 0, 'blah', 10000],
      ['L', 10, '100', 11000],
      ['L', 0, 'foo', 13000],
      ['R', 0, 'a', 15000],
      ['R', 100, 'newblah', 16000],
      ['L', 90, 'ninety', 17000],
      ['L', 0, 'bar', 30000],
    ]);
    expect(out).toEqual([
      [0, { L1: 'zero', L2: 'blah' }, 10000],
      [0, { L1: 'foo', L2: 'blah' }, 13000],
      [0, { L1: 'foo', L2: 'a' }, 15000],
      [100, { L1: null, L2: 'newblah' }, 16000],
    ]);
  });

  it('different BEFORE and AFTER: a right record matches left records in [t - after, t + before]', async () => {
    // WITHIN (1 SECOND, 2 SECONDS): right at tR joins left at tL when tR in [tL - 1000, tL + 2000].
    const { out } = await run('INNER', 1000, 2000, null, [
      ['L', 1, 'l', 10000],
      ['R', 1, 'too-early', 8999],
      ['R', 1, 'early', 9000],
      ['R', 1, 'late', 12000],
      ['R', 1, 'too-late', 12001],
    ]);
    expect(out).toEqual([
      [1, { L1: 'l', L2: 'early' }, 10000],
      [1, { L1: 'l', L2: 'late' }, 12000],
    ]);
  });

  it('drops records without a key on inner sides, pads them on outer sides; drops records without a value', async () => {
    const { out } = await run('LEFT', 1000, 1000, null, [
      ['L', null, 'nokey', 1],
      ['R', null, 'nokey', 2],
      ['L', 5, null, 3],
      ['R', 5, 'r', 4],
    ]);
    expect(out).toEqual([[null, { L1: 'nokey', L2: null }, 1]]);
  });
});

describe('stream-stream join state', () => {
  it('survives a restart: the window stores come back from their changelogs', async () => {
    const f = await fixture({ left_topic: 1, right_topic: 1, OUT: 1 });
    const plan = sinkPlan('CSAS_OUT_0', streamStreamJoin('Join', left, right, 'INNER', MINUTE, MINUTE, MINUTE, BIGINT), 'OUT', false);
    await f.runtime.start(plan);
    await f.send('left_topic', 0, { L1: 'A' }, 0);
    await f.send('right_topic', 1, { L2: 'b' }, 100);
    const restarted = await f.restart();
    await restarted.start(plan);
    await f.send('right_topic', 0, { L2: 'a' }, 1000);
    await f.send('left_topic', 1, { L1: 'B' }, 2000);
    expect(await f.output('OUT')).toEqual([
      [0, { L1: 'A', L2: 'a' }, 1000],
      [1, { L1: 'B', L2: 'b' }, 2000],
    ]);
    expect(f.log.listTopics().filter((t) => t.endsWith('-changelog')).sort()).toEqual([
      '_confluent-ksql-default_query_CSAS_OUT_0-Join-0-input-offsets-changelog',
      '_confluent-ksql-default_query_CSAS_OUT_0-Join-other-join-store-changelog',
      '_confluent-ksql-default_query_CSAS_OUT_0-Join-this-join-store-changelog',
    ]);
  });
});
