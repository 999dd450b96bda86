/**
 * The Sluice side of one query: start the engine over a log that already holds the events, run
 * the query's statements, wait until every task of every query has read everything (the query
 * is done: its output is final), read the output back, and measure on the way:
 *
 * - throughput: events loaded / seconds from the first CREATE ... AS SELECT to completion;
 * - memory: the process RSS sampled every 20 ms while the queries run (and the RSS before);
 * - latency (optional): afterwards, with the queries warm, more events are appended at a fixed
 *   rate in 1 ms ticks; an input tick is done when every task downstream of it has read past
 *   what it produced (a task advances its position only once its output is appended, so when the
 *   last stage passes it, the tick's results are in the sink topic). Latency = done time - the
 *   tick's scheduled time (so a producer that falls behind does not hide the delay).
 *
 * A statement the engine rejects is reported as such (`not supported yet: <error>`), a query that
 * fails while running as `failed: <error>`, one that stops progressing as `stalled`.
 */
import { systemClock } from '../../common/index.js';
import { createQueryEngine, type QueryEngine } from '../../queries/index.js';
import { decodeRecords, type Log } from '../../storage/log/index.js';
import type { NexmarkConfig, NexmarkEventKind, NexmarkGenerator } from './generator.js';
import { encodeSlots, EVENT_KINDS, NEXMARK_TOPICS } from './load.js';
import { canonicalRow, type NexmarkQuery, type QuerySettings } from './queries.js';

/** One input of a task: a topic partition, and the next offset the task has not processed. */
interface TaskInputView {
  readonly topic: string;
  readonly partition: number;
  /** Moves only once the output of the records before it is appended. */
  readonly position: number;
}

/** The parts of the runtime's running queries the benchmark watches. */
interface TaskView {
  /** One for most tasks; a join's task reads several topics. */
  readonly inputs: readonly TaskInputView[];
}

interface QueryView {
  readonly queryId: string;
  readonly state: string;
  readonly tasks: readonly TaskView[];
  readonly sinkTopic: string | null;
  readonly internalTopics: readonly string[];
  errors(): readonly { errorMessage: string }[];
}

function runningQueries(engine: QueryEngine): readonly QueryView[] {
  const queries: readonly QueryView[] = engine.runtime.list();
  return queries;
}

export type SluiceOutcome =
  | { kind: 'done' }
  | { kind: 'unsupported'; statement: string; error: string }
  | { kind: 'failed'; error: string }
  | { kind: 'stalled'; error: string };

export interface SluiceRun {
  outcome: SluiceOutcome;
  /** Seconds from the first persistent query's statement to completion. */
  seconds: number;
  /** Input records the queries read from the event topics. */
  inputRecords: number;
  /** RSS before the queries started and its sampled peak while they ran, in bytes. */
  rssBeforeBytes: number;
  rssPeakBytes: number;
  heapUsedPeakBytes: number;
  /** The engine, still running (for the latency phase), or null when it did not start. */
  engine: QueryEngine | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}

/** Samples RSS and heap every `intervalMs` until stopped. */
export class MemorySampler {
  rssPeakBytes = 0;
  heapUsedPeakBytes = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 20) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  sample(): void {
    const usage = process.memoryUsage();
    if (usage.rss > this.rssPeakBytes) this.rssPeakBytes = usage.rss;
    if (usage.heapUsed > this.heapUsedPeakBytes) this.heapUsedPeakBytes = usage.heapUsed;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}

interface Progress {
  caughtUp: boolean;
  positions: number;
  failure: string | null;
}

function progressOf(engine: QueryEngine, log: Log): Progress {
  let caughtUp = true;
  let positions = 0;
  for (const query of runningQueries(engine)) {
    if (query.state === 'ERROR') {
      const errors = query.errors();
      return { caughtUp: false, positions, failure: `${query.queryId}: ${errors.length > 0 ? errors[errors.length - 1]!.errorMessage : 'ERROR'}` };
    }
    for (const task of query.tasks) {
      for (const input of task.inputs) {
        positions += input.position;
        if (input.position < log.offsets(input.topic, input.partition).highWatermark) caughtUp = false;
      }
    }
  }
  return { caughtUp, positions, failure: null };
}

/** Resolves once every task has read everything (twice in a row), or a query failed or stalled. */
async function waitUntilDone(engine: QueryEngine, log: Log, stallSeconds: number): Promise<SluiceOutcome> {
  let lastPositions = -1;
  let lastProgressMs = performance.now();
  let caughtUpChecks = 0;
  for (;;) {
    const progress = progressOf(engine, log);
    if (progress.failure !== null) return { kind: 'failed', error: progress.failure };
    if (progress.caughtUp) {
      if (++caughtUpChecks >= 2) return { kind: 'done' };
    } else caughtUpChecks = 0;
    const now = performance.now();
    if (progress.positions !== lastPositions) {
      lastPositions = progress.positions;
      lastProgressMs = now;
    } else if (!progress.caughtUp && now - lastProgressMs > stallSeconds * 1000) {
      return { kind: 'stalled', error: `no task advanced for ${stallSeconds} s` };
    }
    await sleep(caughtUpChecks > 0 ? 1 : 5);
  }
}

export interface RunOptions {
  log: Log;
  query: NexmarkQuery;
  config: NexmarkConfig;
  settings: QuerySettings;
  /** Seconds without progress before giving up. */
  stallSeconds: number;
}

/**
 * Runs the query over the events already in the log. The source statements run first (not
 * timed); the clock starts before the first persistent query's statement.
 */
export async function runSluiceQuery(options: RunOptions): Promise<SluiceRun> {
  const { log, query, config } = options;
  const inputRecords = query.inputs.reduce((sum, kind) => sum + log.offsets(NEXMARK_TOPICS[kind], 0).highWatermark, 0);
  const engine = await createQueryEngine({
    log,
    clock: systemClock,
    serviceId: 'nexmark_',
    deterministic: false,
    properties: { 'auto.offset.reset': 'earliest' },
    runtime: { pollWaitMs: 100 },
  });
  const statements = query.sluiceStatements(config, options.settings);
  const rssBeforeBytes = process.memoryUsage().rss;
  let sampler: MemorySampler | null = null;
  let started = 0;
  for (const statement of statements) {
    const persistent = /\bAS\s+SELECT\b/i.test(statement);
    if (persistent && sampler === null) {
      sampler = new MemorySampler();
      started = performance.now();
    }
    try {
      await engine.execute(statement);
    } catch (error) {
      sampler?.stop();
      await engine.close();
      return {
        outcome: { kind: 'unsupported', statement, error: errorMessage(error) },
        seconds: 0,
        inputRecords,
        rssBeforeBytes,
        rssPeakBytes: sampler?.rssPeakBytes ?? 0,
        heapUsedPeakBytes: sampler?.heapUsedPeakBytes ?? 0,
        engine: null,
      };
    }
  }
  sampler ??= new MemorySampler();
  if (started === 0) started = performance.now();
  const outcome = await waitUntilDone(engine, log, options.stallSeconds);
  const seconds = (performance.now() - started) / 1000;
  sampler.stop();
  return { outcome, seconds, inputRecords, rssBeforeBytes, rssPeakBytes: sampler.rssPeakBytes, heapUsedPeakBytes: sampler.heapUsedPeakBytes, engine };
}

// ---- reading the output ----

function decodeKeyColumns(key: Buffer | null, query: NexmarkQuery): Record<string, unknown> {
  const keyColumns = query.output.columns.filter((c) => c.from === 'key');
  if (keyColumns.length === 0 || key === null || query.output.keyFormat === 'none') return {};
  const parsed: unknown = JSON.parse(key.toString('utf8'));
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  return { [keyColumns[0]!.name]: parsed };
}

/**
 * The query's final output as canonical rows: every record of a stream's topic, or the last value
 * per key of a table's topic (a null value deletes the key), up to `endOffset` when given.
 */
export async function readSluiceOutput(log: Log, query: NexmarkQuery, endOffset?: number): Promise<string[]> {
  const { topic, kind, columns } = query.output;
  if (!log.hasTopic(topic)) return [];
  const partitions = log.describeTopic(topic).partitions;
  const streamRows: string[] = [];
  const tableRows = new Map<string, string>();
  for (let partition = 0; partition < partitions; partition++) {
    const { logStartOffset, highWatermark } = log.offsets(topic, partition);
    const end = endOffset ?? highWatermark;
    let offset = logStartOffset;
    while (offset < end) {
      const read = await log.read(topic, partition, offset, 1 << 20);
      if (read.batches.length === 0) break;
      for (const batch of read.batches) {
        for (const record of decodeRecords(batch)) {
          if (record.offset < offset || record.offset >= end) continue;
          offset = record.offset + 1;
          const tableKey = `${partition}:${record.key === null ? '' : record.key.toString('latin1')}`;
          if (record.value === null) {
            if (kind === 'table') tableRows.delete(tableKey);
            continue;
          }
          const value = JSON.parse(record.value.toString('utf8')) as Record<string, unknown>;
          const keyValues = decodeKeyColumns(record.key, query);
          const row = canonicalRow(
            columns.map((c) => (c.from === 'key' ? keyValues[c.name] : value[c.name])),
            columns,
          );
          if (kind === 'stream') streamRows.push(row);
          else tableRows.set(tableKey, row);
        }
      }
    }
  }
  return kind === 'stream' ? streamRows : [...tableRows.values()];
}

/** High watermarks of the event topics (what the hand loop and the output check cover). */
export function eventTopicEnds(log: Log): Record<NexmarkEventKind, number> {
  const ends = { person: 0, auction: 0, bid: 0 };
  for (const kind of EVENT_KINDS) ends[kind] = log.offsets(NEXMARK_TOPICS[kind], 0).highWatermark;
  return ends;
}

// ---- latency ----

export interface LatencyResult {
  rateEventsPerSecond: number;
  /** The rate the producer achieved (events appended / seconds). */
  achievedEventsPerSecond: number;
  /** How long the producer ran. */
  seconds: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Ticks not done when the wait ended. */
  unfinished: number;
}

interface Sample {
  scheduledMs: number;
  /** "topic\0partition" -> offset every task reading it must reach. */
  required: Map<string, number>;
  satisfied: Set<string>;
}

const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

class LatencyTracker {
  private readonly pending: Sample[] = [];
  readonly latenciesMs: number[] = [];

  constructor(
    private readonly engine: QueryEngine,
    private readonly log: Log,
  ) {}

  get unfinished(): number {
    return this.pending.length;
  }

  add(scheduledMs: number, inputEnds: ReadonlyArray<{ topic: string; offset: number }>, record: boolean): void {
    const required = new Map<string, number>();
    for (const { topic, offset } of inputEnds) required.set(partitionKey(topic, 0), offset);
    const sample = { scheduledMs, required, satisfied: new Set<string>() };
    if (record) this.pending.push(sample);
  }

  /** Advances every pending tick; records those done. */
  check(nowMs: number): void {
    if (this.pending.length === 0) return;
    const queries = runningQueries(this.engine);
    const positions = new Map<string, number>();
    const readers = new Map<string, QueryView[]>();
    for (const query of queries) {
      for (const task of query.tasks) {
        for (const input of task.inputs) {
          const key = partitionKey(input.topic, input.partition);
          const current = positions.get(key);
          positions.set(key, current === undefined ? input.position : Math.min(current, input.position));
          const list = readers.get(input.topic) ?? [];
          if (!list.includes(query)) list.push(query);
          readers.set(input.topic, list);
        }
      }
    }
    // Ticks complete in order (a later tick's offsets are higher): stop at the first one not done,
    // so that a backlog does not make every check slower.
    let done = 0;
    while (done < this.pending.length && this.advance(this.pending[done]!, positions, readers)) {
      this.latenciesMs.push(nowMs - this.pending[done]!.scheduledMs);
      done++;
    }
    if (done > 0) this.pending.splice(0, done);
  }

  private advance(sample: Sample, positions: Map<string, number>, readers: Map<string, QueryView[]>): boolean {
    let changed = true;
    while (changed) {
      changed = false;
      for (const [key, offset] of sample.required) {
        if (sample.satisfied.has(key)) continue;
        const position = positions.get(key);
        if (position !== undefined && position < offset) continue;
        sample.satisfied.add(key);
        changed = true;
        // What the queries reading this topic wrote by now includes this tick's results.
        const topic = key.slice(0, key.indexOf('\u0000'));
        for (const query of readers.get(topic) ?? []) {
          for (const output of [...query.internalTopics, ...(query.sinkTopic === null ? [] : [query.sinkTopic])]) {
            if (!this.log.hasTopic(output)) continue;
            const partitions = this.log.describeTopic(output).partitions;
            for (let partition = 0; partition < partitions; partition++) {
              const outputKey = partitionKey(output, partition);
              if (sample.satisfied.has(outputKey)) continue;
              const highWatermark = this.log.offsets(output, partition).highWatermark;
              if ((sample.required.get(outputKey) ?? -1) < highWatermark) sample.required.set(outputKey, highWatermark);
            }
          }
        }
      }
    }
    return sample.satisfied.size === sample.required.size;
  }
}

export interface LatencyOptions {
  engine: QueryEngine;
  log: Log;
  query: NexmarkQuery;
  generator: NexmarkGenerator;
  rateEventsPerSecond: number;
  seconds: number;
  /** Ticks in the first `warmupSeconds` are not counted. */
  warmupSeconds: number;
  /** How long to wait, after the last tick, for the ticks still in flight. */
  drainSeconds: number;
  /** Bound on the events encoded ahead of time (the phase is shortened to fit). Default 2,000,000. */
  eventsMax?: number;
}

/** Slots of input per second: one per millisecond. */
const SLOTS_PER_SECOND = 1000;

/**
 * Appends pre-encoded events at a fixed rate (one slot of rate/1000 events per millisecond) while
 * the queries run, and measures each tick's end-to-end latency.
 */
export async function measureLatency(options: LatencyOptions): Promise<LatencyResult> {
  const { engine, log, query, rateEventsPerSecond } = options;
  const eventsPerSlot = Math.max(1, Math.round(rateEventsPerSecond / SLOTS_PER_SECOND));
  const rate = eventsPerSlot * SLOTS_PER_SECOND;
  const eventsMax = options.eventsMax ?? 2_000_000;
  const slotCount = Math.max(1, Math.min(Math.round(options.seconds * SLOTS_PER_SECOND), Math.floor(eventsMax / eventsPerSlot)));
  const slots = encodeSlots(options.generator, slotCount, eventsPerSlot);
  const tracker = new LatencyTracker(engine, log);
  const inputTopics = query.inputs.map((kind) => NEXMARK_TOPICS[kind]);
  let monitoring = true;
  const monitor = (async () => {
    while (monitoring) {
      tracker.check(performance.now());
      await sleep(1);
    }
  })();
  let next = 0;
  let produced = 0;
  const started = performance.now();
  while (next < slots.length) {
    const due = Math.min(slots.length, Math.floor(((performance.now() - started) * SLOTS_PER_SECOND) / 1000) + 1);
    if (due > next) {
      const scheduledMs = started + (next * 1000) / SLOTS_PER_SECOND;
      for (; next < due; next++) {
        const slot = slots[next]!;
        for (const { topic, batch } of slot.batches) await log.append(topic, 0, batch);
        produced += slot.events;
        slots[next] = { events: 0, batches: [] };
      }
      const ends = inputTopics.map((topic) => ({ topic, offset: log.offsets(topic, 0).highWatermark }));
      tracker.add(scheduledMs, ends, scheduledMs - started >= options.warmupSeconds * 1000);
    }
    await sleep(1);
  }
  const producedSeconds = (performance.now() - started) / 1000;
  const drainEnd = performance.now() + options.drainSeconds * 1000;
  while (tracker.unfinished > 0 && performance.now() < drainEnd) await sleep(5);
  monitoring = false;
  await monitor;
  const sorted = [...tracker.latenciesMs].sort((a, b) => a - b);
  return {
    rateEventsPerSecond: rate,
    achievedEventsPerSecond: produced / producedSeconds,
    seconds: producedSeconds,
    samples: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
    unfinished: tracker.unfinished,
  };
}
