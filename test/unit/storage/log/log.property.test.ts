/**
 * Model-based property test: the log against an in-memory array of every record appended.
 * Random appends (1..5 records, random sizes and timestamps), segment rolls, retention by time,
 * and close/reopen, with random segment sizes and index intervals. After every step: offsets are
 * dense and monotonic, and reading from any offset returns exactly the model's records from there.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../../common/index.js';
import { MemoryFileSystem } from '../../../../storage/fs/index.js';
import { encodeRecordBatch, openLog } from '../../../../storage/log/index.js';
import type { BuiltInLog } from '../../../../storage/log/index.js';
import { readAll } from './helpers.js';
import type { SimpleRecord } from './helpers.js';

type Step =
  | { kind: 'append'; values: string[]; ageMs: number; withKeys: boolean }
  | { kind: 'roll' }
  | { kind: 'retention'; advanceMs: number }
  | { kind: 'reopen' }
  | { kind: 'read'; offsetFraction: number; maxBytes: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('append' as const), values: fc.array(fc.string({ maxLength: 60 }), { minLength: 1, maxLength: 5 }), ageMs: fc.integer({ min: 0, max: 5000 }), withKeys: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'roll' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retention' as const), advanceMs: fc.integer({ min: 0, max: 4000 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), offsetFraction: fc.double({ min: 0, max: 1, noNaN: true }), maxBytes: fc.integer({ min: 1, max: 3000 }) }) },
);

describe('log against an array model (property)', () => {
  it('offsets are dense and monotonic; reads return exactly what was appended', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 80, size: 'max' }),
        fc.integer({ min: 100, max: 1500 }),
        fc.integer({ min: 1, max: 600 }),
        async (steps, segmentBytes, indexIntervalBytes) => {
          const fs = new MemoryFileSystem();
          const clock = new SimulatedClock(1_000_000);
          const open = (): Promise<BuiltInLog> =>
            openLog({ dataDir: '/data', fs, clock, maintenanceIntervalMs: 0, indexIntervalBytes, defaults: { segmentBytes, retentionMs: 3000, durability: { kind: 'os' } } });
          let log = await open();
          await log.createTopic('t', { partitions: 1 });
          let model: SimpleRecord[] = [];
          let nextOffset = 0;
          let logStartOffset = 0;
          try {
            for (const current of steps) {
              switch (current.kind) {
                case 'append': {
                  const timestampMs = clock.nowMs() - current.ageMs;
                  const records = current.values.map((value, index) => ({ key: current.withKeys ? `k${index}` : null, value, timestampMs: timestampMs + index }));
                  const result = await log.append('t', 0, encodeRecordBatch(records));
                  expect(result.baseOffset).toBe(nextOffset);
                  expect(result.lastOffset).toBe(nextOffset + records.length - 1);
                  records.forEach((record, index) => model.push({ offset: nextOffset + index, key: record.key, value: record.value, timestampMs: record.timestampMs }));
                  nextOffset += records.length;
                  break;
                }
                case 'roll':
                  log.rollSegment('t', 0);
                  break;
                case 'retention': {
                  clock.advance(current.advanceMs);
                  log.enforceRetention();
                  const start = log.offsets('t', 0).logStartOffset;
                  expect(start).toBeGreaterThanOrEqual(logStartOffset);
                  expect(start).toBeLessThanOrEqual(nextOffset);
                  // only expired segments go, so every removed record is older than retention.ms
                  for (const record of model) if (record.offset < start) expect(clock.nowMs() - record.timestampMs).toBeGreaterThan(3000);
                  logStartOffset = start;
                  model = model.filter((record) => record.offset >= start);
                  break;
                }
                case 'reopen':
                  await log.close();
                  log = await open();
                  break;
                case 'read': {
                  const from = logStartOffset + Math.floor(current.offsetFraction * (nextOffset - logStartOffset));
                  expect(await readAll(log, 't', 0, from, current.maxBytes)).toEqual(model.filter((record) => record.offset >= from));
                  break;
                }
              }
              expect(log.offsets('t', 0)).toEqual({ logStartOffset, highWatermark: nextOffset });
            }
            const all = await readAll(log, 't');
            expect(all).toEqual(model);
            expect(all.map((record) => record.offset)).toEqual(Array.from({ length: nextOffset - logStartOffset }, (_, index) => logStartOffset + index));
          } finally {
            await log.close();
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
