import { describe, expect, it } from 'vitest';
import {
  EmitThrottle,
  NO_TIMESTAMP,
  emitIntervalMs,
  graceMs,
  retentionMs,
  sessionEmitRange,
  timeWindowEmitRange,
  windowStartsFor,
} from '../../../../engine/windows/index.js';

describe('window arithmetic', () => {
  it('lists the windows holding a timestamp, oldest first', () => {
    expect(windowStartsFor(0, 10, 10)).toEqual([0]);
    expect(windowStartsFor(29_999, 30_000, 30_000)).toEqual([0]);
    expect(windowStartsFor(30_000, 30_000, 30_000)).toEqual([30_000]);
    expect(windowStartsFor(7, 10, 5)).toEqual([0, 5]);
    expect(windowStartsFor(12, 10, 3)).toEqual([3, 6, 9, 12]);
    expect(windowStartsFor(2, 10, 3)).toEqual([0]);
    expect(windowStartsFor(-1, 10, 5)).toEqual([]);
  });

  it('defaults grace to 24h minus the size, and retention to size + grace', () => {
    expect(graceMs({ kind: 'TUMBLING', sizeMs: 30_000, graceMs: null, retentionMs: null })).toBe(86_370_000);
    expect(graceMs({ kind: 'SESSION', gapMs: 30_000, graceMs: 60_000, retentionMs: null })).toBe(60_000);
    expect(graceMs({ kind: 'TUMBLING', sizeMs: 2 * 86_400_000, graceMs: null, retentionMs: null })).toBe(0);
    expect(retentionMs({ kind: 'HOPPING', sizeMs: 10, advanceMs: 5, graceMs: 3, retentionMs: null })).toBe(13);
    expect(retentionMs({ kind: 'TUMBLING', sizeMs: 10, graceMs: 3, retentionMs: 1000 })).toBe(1000);
  });

  it('EMIT FINAL ranges follow Kafka Streams (time windows)', () => {
    // Nothing closed yet.
    expect(timeWindowEmitRange(1, NO_TIMESTAMP, 2, 2)).toBe(null);
    // First emission: from 0.
    expect(timeWindowEmitRange(2, NO_TIMESTAMP, 2, 2)).toEqual({ fromStartMs: 0, toStartMs: 0 });
    // Close time did not move.
    expect(timeWindowEmitRange(2, 2, 2, 2)).toBe(null);
    // Later: from (last - size) + 1.
    expect(timeWindowEmitRange(4, 2, 2, 2)).toEqual({ fromStartMs: 1, toStartMs: 2 });
    // No new window closed (hopping): no fetch.
    expect(timeWindowEmitRange(5, 4, 4, 4)).toBe(null);
  });

  it('EMIT FINAL ranges follow Kafka Streams (sessions)', () => {
    expect(sessionEmitRange(0, NO_TIMESTAMP)).toBe(null);
    expect(sessionEmitRange(3, NO_TIMESTAMP)).toEqual({ fromEndMs: 0, toEndMs: 2 });
    expect(sessionEmitRange(19, 3)).toEqual({ fromEndMs: 3, toEndMs: 18 });
    expect(sessionEmitRange(19, 19)).toBe(null);
  });

  it('throttles EMIT FINAL checks by wall-clock interval', () => {
    let now = 100;
    const throttle = new EmitThrottle(1000, () => now);
    expect(throttle.due()).toBe(true);
    expect(throttle.due()).toBe(false);
    now = 1100;
    expect(throttle.due()).toBe(true);
    expect(new EmitThrottle(0, () => 0).due()).toBe(true);
    expect(emitIntervalMs({ 'ksql.streams.__emit.interval.ms.kstreams.windowed.aggregation__': '0' })).toBe(0);
    expect(emitIntervalMs({})).toBe(1000);
  });
});
