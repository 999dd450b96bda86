/**
 * The query runtime: starts a QueryPlan as a RunningQuery (build pipelines, create repartition
 * topics, resolve start offsets, start tasks), keeps the running queries by id, stops them, and
 * — in deterministic mode — drives every task to completion on demand (`drain`), which is what
 * the test runner needs: produce one input record, drain, produce the next.
 */
import { SluiceError, defaultLimits, systemClock, type Clock, type Limits } from '../../common/index.js';
import { encodeRecordBatch, type Log, type RecordToEncode } from '../../storage/log/index.js';
import type { ScalarFunctionLookup } from '../expressions/index.js';
import type { FunctionContext } from '../functions/index.js';
import {
  QueryProcessingLog,
  type ProcessingLogSink,
  type SerdeFactory,
  type TableFunctionLookup,
  type TimestampParserFactory,
} from '../operators/index.js';
import { applicationId, type QueryPlan } from '../steps/index.js';
import { buildQuery } from './builder.js';
import { RunningQuery, type OffsetReset } from './query.js';
import { MultiInputTask, type TaskStateEnvironmentFactory } from './multi-input.js';
import { TopicWriters } from './upstream.js';

export interface QueryRuntimeOptions {
  log: Log;
  /** Serdes for the steps' formats (`formatsSerdeFactory()` in production). */
  serdes: SerdeFactory;
  /** The function registry (scalar functions; table functions when it has `getTable`). */
  functions: ScalarFunctionLookup & Partial<TableFunctionLookup>;
  /** Table functions, when not served by `functions`. */
  tableFunctions?: TableFunctionLookup;
  clock?: Clock;
  limits?: Limits;
  /** Where processing-log entries go (e.g. a TopicProcessingLogSink); none by default. */
  processingLog?: ProcessingLogSink | null;
  /** ksqlDB's `ksql.service.id`; default `default_`. */
  serviceId?: string;
  /** `live` (tasks loop on their own) or `deterministic` (tasks run only inside `drain()`). */
  mode?: 'live' | 'deterministic';
  /** How often a persistent query commits its input offsets (ksqlDB's commit.interval.ms). Default 2000. */
  commitIntervalMs?: number;
  /** Longest wait for data before a caught-up task looks around. Default 500. */
  pollWaitMs?: number;
  /** Server-level properties; a plan's own properties override them. */
  properties?: Readonly<Record<string, unknown>>;
  /** Parses STRING timestamp columns with a Java pattern; default: the registry's PARSE_TIMESTAMP. */
  timestampParser?: TimestampParserFactory | null;
  /** auto.offset.reset when neither the plan nor the server sets it. Default `latest`, as ksqlDB. */
  defaultOffsetReset?: OffsetReset;
  /** Errors kept per query for SHOW QUERIES EXTENDED. Default 10. */
  queryErrorsKept?: number;
  /**
   * Opens the storage environment of a stateful task of a persistent query (aggregates, tables,
   * joins): `diskStateEnvironments(...)` in production; default: in memory, restored from changelogs.
   */
  stateEnvironment?: TaskStateEnvironmentFactory;
  /**
   * Sinks and internal topics (repartition, subscription) write each record to the partition its
   * input record was read from, not to its key's hash partition. For deterministic runs whose
   * inputs were all written to one partition (ksqlDB's test driver behaves as one partition per
   * topic): keeps co-partitioned inputs together and downstream order equal to write order.
   * Default false (key-hash partitioning, as Kafka Streams).
   */
  preservePartitions?: boolean;
}

export interface StopOptions {
  /** Delete the query's repartition topics (TERMINATE does). Default false. */
  deleteInternalTopics?: boolean;
}

const OFFSET_RESET_KEYS = ['auto.offset.reset', 'ksql.streams.auto.offset.reset'];

function property(properties: Readonly<Record<string, unknown>>, ...keys: string[]): unknown {
  for (const key of keys) if (properties[key] !== undefined && properties[key] !== null) return properties[key];
  return undefined;
}

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

export class QueryRuntime {
  readonly log: Log;
  readonly mode: 'live' | 'deterministic';
  readonly serviceId: string;
  private readonly options: QueryRuntimeOptions;
  private readonly clock: Clock;
  private readonly limits: Limits;
  private readonly queries = new Map<string, RunningQuery>();
  private readonly timestampParser: TimestampParserFactory | null;
  /** Which task writes which topic, across the queries (a join waits for its upstream). */
  private readonly upstream = new TopicWriters();
  private closed = false;

  constructor(options: QueryRuntimeOptions) {
    this.options = options;
    this.log = options.log;
    this.clock = options.clock ?? systemClock;
    this.limits = options.limits ?? defaultLimits;
    this.mode = options.mode ?? 'live';
    this.serviceId = options.serviceId ?? 'default_';
    this.timestampParser = options.timestampParser !== undefined ? options.timestampParser : registryTimestampParser(options.functions);
  }

  /** Starts a query. Throws (and starts nothing) when the plan cannot be built. */
  async start(plan: QueryPlan): Promise<RunningQuery> {
    if (this.closed) throw new SluiceError('SHUTTING_DOWN', 'The query runtime is closed');
    const existing = this.queries.get(plan.queryId);
    if (existing !== undefined && existing.state !== 'TERMINATED') {
      throw new SluiceError('INVALID_ARGUMENT', `Query ${plan.queryId} is already running`, { found: plan.queryId });
    }
    const properties: Readonly<Record<string, unknown>> = Object.freeze({ ...(this.options.properties ?? {}), ...plan.properties });
    const clock = this.clock;
    const functionContext: FunctionContext = { nowMs: () => clock.nowMs(), properties };
    const processingLog = new QueryProcessingLog({
      queryId: plan.queryId,
      clock,
      sink: this.options.processingLog ?? null,
      includeRows: isTrue(property(properties, 'ksql.logging.processing.rows.include')),
    });
    const tableFunctions: TableFunctionLookup | null =
      this.options.tableFunctions ?? (typeof this.options.functions.getTable === 'function' ? (this.options.functions as TableFunctionLookup) : null);
    const built = buildQuery(plan.sink, {
      queryId: plan.queryId,
      serviceId: this.serviceId,
      log: this.log,
      limits: this.limits,
      serdes: this.options.serdes,
      operators: {
        queryId: plan.queryId,
        compile: { functions: this.options.functions, functionContext },
        tableFunctions,
        log: (stepId) => processingLog.forStep(stepId),
        properties,
      },
      timestampParser: this.timestampParser,
      failOnInvalidTimestamp: isTrue(property(properties, 'ksql.timestamp.throw.on.invalid')),
      pushQueueRows: this.limits.pushQueueRowsMax,
      stateEnvironment: this.options.stateEnvironment ?? null,
      preservePartitions: this.options.preservePartitions === true,
    });
    for (const topic of built.internalTopics) {
      if (!this.log.hasTopic(topic.name)) await this.log.createTopic(topic.name, { partitions: topic.partitions });
    }
    const transient = plan.sink.kind === 'pushSink@1';
    const reset = String(property(properties, ...OFFSET_RESET_KEYS) ?? this.options.defaultOffsetReset ?? 'latest').toLowerCase();
    if (reset !== 'earliest' && reset !== 'latest') {
      throw new SluiceError('CONFIG_INVALID', `auto.offset.reset: expected earliest or latest, found ${reset}`, { expected: 'earliest or latest', found: reset });
    }
    const query = new RunningQuery({
      plan,
      built,
      log: this.log,
      clock,
      limits: this.limits,
      processingLog,
      consumerGroupId: transient ? null : applicationId(this.serviceId, plan.queryId),
      offsetReset: reset,
      mode: this.mode,
      commitIntervalMs: this.options.commitIntervalMs ?? 2000,
      pollWaitMs: this.options.pollWaitMs ?? 500,
      upstream: this.upstream,
    });
    query.initializePositions();
    this.queries.set(plan.queryId, query);
    query.startLoops();
    return query;
  }

  get(queryId: string): RunningQuery | undefined {
    return this.queries.get(queryId);
  }

  /** Running, paused and failed queries, in start order. */
  list(): RunningQuery[] {
    return [...this.queries.values()];
  }

  /** Stops a query and forgets it (TERMINATE). */
  async stop(queryId: string, options: StopOptions = {}): Promise<void> {
    const query = this.queries.get(queryId);
    if (query === undefined) {
      throw new SluiceError('ENGINE_QUERY_NOT_FOUND', `Unknown queryId: ${queryId}`, { expected: 'a running query', found: queryId });
    }
    await query.stop();
    this.queries.delete(queryId);
    if (options.deleteInternalTopics === true) {
      // ksqlDB's cleanup: the state stores' changelogs and local state go with the query.
      await query.deleteState();
      for (const topic of query.internalTopics) if (this.log.hasTopic(topic)) await this.log.deleteTopic(topic);
      if (query.consumerGroupId !== null && this.log.listOffsetGroups().includes(query.consumerGroupId)) {
        await this.log.deleteOffsetGroup(query.consumerGroupId);
      }
    }
  }

  /**
   * Deterministic mode: runs every task that has unread input, over and over, until none has
   * (so records written by one query are read by the queries downstream in the same call); then
   * commits. Resolves the number of batches processed. Queries are visited in start order.
   * Throws LIMIT_EXCEEDED when `maxPolls` batches did not settle it (queries feeding each other).
   */
  async drain(maxPolls = 1_000_000): Promise<number> {
    if (this.mode !== 'deterministic') throw new SluiceError('INVALID_ARGUMENT', 'drain() is for a runtime in deterministic mode');
    let polls = 0;
    let enforcing = false;
    for (;;) {
      let progressed = false;
      for (const query of [...this.queries.values()]) {
        for (const task of query.tasks) {
          while (query.state === 'RUNNING' && !query.stopping && !task.isBlocked() && !task.isDone() && task.hasUnread()) {
            let advanced: boolean;
            if (enforcing && task instanceof MultiInputTask) task.enforceProcessing = true;
            try {
              advanced = await task.pollOnce();
            } catch (error) {
              query.fail(error);
              break;
            } finally {
              if (task instanceof MultiInputTask) task.enforceProcessing = false;
            }
            if (!advanced) break;
            progressed = true;
            if (++polls > maxPolls) {
              throw new SluiceError('LIMIT_EXCEEDED', `drain() did not settle after ${maxPolls} batches: do queries feed each other in a cycle?`);
            }
          }
          if (task.isDone() && !query.stopping) await query.stop();
        }
      }
      if (progressed) {
        enforcing = false;
        continue;
      }
      // Nothing moved, yet joins may have input they hold back for an upstream that cannot move
      // (a cycle of queries): one pass that processes without waiting, as Kafka Streams' enforced
      // processing does after max.task.idle.ms.
      if (enforcing || !this.anyUnread()) break;
      enforcing = true;
    }
    for (const query of this.queries.values()) {
      if (query.state !== 'RUNNING' && query.state !== 'PAUSED') continue;
      try {
        for (const task of query.tasks) await task.flushState();
      } catch (error) {
        query.fail(error);
        continue;
      }
      await query.commit();
    }
    return polls;
  }

  private anyUnread(): boolean {
    for (const query of this.queries.values()) {
      if (query.state !== 'RUNNING' || query.stopping) continue;
      for (const task of query.tasks) if (!task.isBlocked() && !task.isDone() && task.hasUnread()) return true;
    }
    return false;
  }

  /**
   * Deterministic mode: appends `records` to one partition of a topic (one batch) and drains, so
   * every query — and every query reading their outputs — has processed them when it resolves.
   * The test runner calls it once per input record, in file order.
   */
  async feed(topic: string, partition: number, records: readonly RecordToEncode[]): Promise<number> {
    if (this.mode !== 'deterministic') throw new SluiceError('INVALID_ARGUMENT', 'feed() is for a runtime in deterministic mode');
    if (records.length > 0) await this.log.append(topic, partition, encodeRecordBatch(records));
    return this.drain();
  }

  /** Stops every query (positions committed). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.queries.values()].map((q) => q.stop()));
  }
}

/** STRING timestamp columns with a pattern use the registry's PARSE_TIMESTAMP(text, pattern). */
function registryTimestampParser(functions: ScalarFunctionLookup): TimestampParserFactory | null {
  const fn = functions.getScalar('PARSE_TIMESTAMP');
  if (fn === undefined) return null;
  const overload = fn.overloads.find((o) => o.params.length === 2 && o.variadic !== true);
  if (overload === undefined) return null;
  const STRING = { kind: 'STRING' } as const;
  const implementation = overload.implementationFor ? overload.implementationFor([STRING, STRING], { kind: 'TIMESTAMP' }) : overload.implementation;
  const context: FunctionContext = { nowMs: () => 0, properties: {} };
  return (pattern) => (text) => {
    const value = overload.needsContext === true ? implementation(context, text, pattern) : implementation(text, pattern);
    if (typeof value !== 'number') throw new SluiceError('ENGINE_EVALUATION', `Cannot parse '${text}' with pattern '${pattern}'`, { found: text });
    return value;
  };
}
