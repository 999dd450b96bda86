/**
 * Window arithmetic, as Kafka Streams does it for ksqlDB:
 *
 * - TUMBLING / HOPPING (TimeWindows): `windowsFor(ts)` lists the windows holding `ts`, oldest
 *   first: starts are multiples of the advance (the size for tumbling), from
 *   `max(0, ts - size + advance) / advance * advance` up to `ts`; a window is [start, start+size).
 * - SESSION: a record opens [ts, ts]; sessions of the same key whose end is within the gap before
 *   it, or whose start is within the gap after it, merge into one.
 * - Grace: the GRACE PERIOD, else ksqlDB's default `max(24h - size, 0)` (size: the window size or
 *   the session gap; StreamAggregateBuilder.defaultGrace).
 * - Retention of the window / session store: RETENTION, else size + grace (gap + grace).
 * - Close time, from the stream time (the largest record timestamp the operator has seen on its
 *   partition): time windows accept a record for a window while `end > streamTime - grace`;
 *   sessions accept a merged session while `end >= streamTime - grace - gap`.
 */
import type { WindowSpec } from '../steps/index.js';

export const DEFAULT_GRACE_BASE_MS = 24 * 60 * 60 * 1000;

/** ksqlDB's Long.MAX_VALUE clamp for window ends (a safe integer stands in for it). */
export const WINDOW_END_MAX = Number.MAX_SAFE_INTEGER;

/** Kafka's "no timestamp" (ConsumerRecord.NO_TIMESTAMP). */
export const NO_TIMESTAMP = -1;

/** The window's size: the SIZE of time windows, the gap of session windows. */
export function windowSizeMs(spec: WindowSpec): number {
  return spec.kind === 'SESSION' ? spec.gapMs : spec.sizeMs;
}

/** The advance of time windows (the size for tumbling); 0 for sessions. */
export function windowAdvanceMs(spec: WindowSpec): number {
  return spec.kind === 'HOPPING' ? spec.advanceMs : spec.kind === 'TUMBLING' ? spec.sizeMs : 0;
}

/** GRACE PERIOD, or ksqlDB's default of 24 hours minus the size (never negative). */
export function graceMs(spec: WindowSpec): number {
  if (spec.graceMs !== null) return spec.graceMs;
  return Math.max(DEFAULT_GRACE_BASE_MS - windowSizeMs(spec), 0);
}

/** RETENTION, or Kafka Streams' default: size (gap) + grace. */
export function retentionMs(spec: WindowSpec): number {
  if (spec.retentionMs !== null) return spec.retentionMs;
  return windowSizeMs(spec) + graceMs(spec);
}

/** Window starts holding `timestampMs`, oldest first (TimeWindows.windowsFor). */
export function windowStartsFor(timestampMs: number, sizeMs: number, advanceMs: number): number[] {
  if (timestampMs < 0) return [];
  let start = Math.floor(Math.max(0, timestampMs - sizeMs + advanceMs) / advanceMs) * advanceMs;
  const starts: number[] = [];
  while (start <= timestampMs) {
    starts.push(start);
    start += advanceMs;
  }
  return starts;
}

/** The end of the time window starting at `startMs` (clamped as Kafka clamps to Long.MAX_VALUE). */
export function windowEnd(startMs: number, sizeMs: number): number {
  return startMs > WINDOW_END_MAX - sizeMs ? WINDOW_END_MAX : startMs + sizeMs;
}

/** Two lists of window starts hold the same windows. */
export function sameWindows(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The range of window starts EMIT FINAL emits when the close time reaches `windowCloseTime`, as
 * KStreamWindowAggregate (EmitStrategy.onWindowClose) computes it; null when nothing closes.
 * `lastEmitCloseTime` is the close time of the previous emission (NO_TIMESTAMP before the first).
 */
export function timeWindowEmitRange(
  windowCloseTime: number,
  lastEmitCloseTime: number,
  sizeMs: number,
  advanceMs: number,
): { fromStartMs: number; toStartMs: number } | null {
  if (lastEmitCloseTime !== NO_TIMESTAMP && lastEmitCloseTime >= windowCloseTime) return null;
  const upper = windowCloseTime - sizeMs;
  if (upper < 0) return null;
  const lower = lastEmitCloseTime === NO_TIMESTAMP ? 0 : Math.max(0, lastEmitCloseTime - sizeMs) + 1;
  if (lastEmitCloseTime !== NO_TIMESTAMP) {
    // No window closed since the last emission: nothing to fetch (and the close time is not recorded).
    if (sameWindows(windowStartsFor(upper, sizeMs, advanceMs), windowStartsFor(lower - 1, sizeMs, advanceMs))) return null;
  }
  return { fromStartMs: lower, toStartMs: upper };
}

/**
 * The range of session ends EMIT FINAL emits when the close time reaches `windowCloseTime`
 * (KStreamSessionWindowAggregate): [max(0, last), close - 1], inclusive; null when nothing closes.
 */
export function sessionEmitRange(windowCloseTime: number, lastEmitCloseTime: number): { fromEndMs: number; toEndMs: number } | null {
  if (lastEmitCloseTime !== NO_TIMESTAMP && lastEmitCloseTime >= windowCloseTime) return null;
  const upper = windowCloseTime - 1;
  if (upper < 0) return null;
  const lower = Math.max(0, lastEmitCloseTime);
  if (upper < lower) return null;
  return { fromEndMs: lower, toEndMs: upper };
}

/**
 * EMIT FINAL throttling (Kafka's `__emit.interval.ms.kstreams.windowed.aggregation__`, default
 * 1000 ms of wall-clock time): a check runs at most once per interval.
 */
export class EmitThrottle {
  private nextTimeToEmitMs = 0;
  constructor(
    private readonly intervalMs: number,
    private readonly nowMs: () => number,
  ) {}

  /** True when a check may run now (and schedules the next one). */
  due(): boolean {
    if (this.intervalMs <= 0) return true;
    const now = this.nowMs();
    if (now < this.nextTimeToEmitMs) return false;
    this.nextTimeToEmitMs = now + this.intervalMs;
    return true;
  }
}

/** The EMIT FINAL interval from the query's properties (ksqlDB passes `ksql.streams.*` through). */
export function emitIntervalMs(properties: Readonly<Record<string, unknown>>): number {
  const keys = [
    'ksql.streams.__emit.interval.ms.kstreams.windowed.aggregation__',
    '__emit.interval.ms.kstreams.windowed.aggregation__',
    'emit.interval.ms.kstreams.windowed.aggregation',
  ];
  for (const key of keys) {
    const value = properties[key];
    if (value === undefined || value === null) continue;
    const n = typeof value === 'number' ? value : Number(String(value).trim());
    if (Number.isFinite(n)) return Math.max(0, n);
  }
  return 1000;
}
