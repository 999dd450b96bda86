/**
 * Pull queries, executed (ksqlDB's PullQueryExecutor / StreamPullQuery):
 *
 * - a table built by a running persistent query is read from that query's state stores
 *   (engine/pull): by key when the WHERE clause binds every key column, else scanned; the WHERE
 *   clause and the SELECT list are then evaluated over each row;
 * - a source table (CREATE SOURCE TABLE), or a table whose query keeps no store (a join), is read
 *   into a store first: its topic from the earliest offsets to the end offsets seen at start;
 * - a stream is a bounded push query: from the earliest offsets to the end offsets seen at start.
 *
 * The result is a PushQueryHandle over a completed (or completing) queue: the server streams
 * it as it streams push queries, and there is no final message.
 */
import { SluiceError } from '../../common/index.js';
import { compileExpression, compileProjection, decodeLiteral, type CompileOptions, type Expr } from '../../engine/expressions/index.js';
import type { FunctionContext, FunctionRegistry } from '../../engine/functions/index.js';
import { PushQueue, makeRecord, type PushRow } from '../../engine/operators/index.js';
import { materializedTable, type MaterializedTable, type PullRow } from '../../engine/pull/index.js';
import type { QueryRuntime, RunningQuery } from '../../engine/runtime/index.js';
import type { QueryPlan } from '../../engine/steps/index.js';
import type { Log } from '../../storage/log/index.js';
import type { DataSource } from '../catalog/index.js';
import { PushQueryHandle, type PushColumn } from '../lifecycle/index.js';
import { planPullTable, planTableMaterialization, type PullTablePlan } from '../plan/index.js';

export interface PullEnvironment {
  readonly runtime: QueryRuntime;
  readonly log: Log;
  readonly functions: FunctionRegistry;
  readonly functionContext: FunctionContext;
}

export interface PullRequestSpec {
  readonly queryId: string;
  readonly source: DataSource;
  /** The query planned as a transient query (limit null). */
  readonly plan: QueryPlan;
  readonly columns: readonly PushColumn[];
  readonly schemaText: string;
  readonly limit: number | null;
  readonly tableScanEnabled: boolean;
  /** A table's plan prepared beforehand (preparePullTable over `plan`); else prepared here. */
  readonly prepared?: PreparedPullTable;
}

/** Rows of a pull result at most (a bound on memory; LIMIT is the user's). */
const PULL_ROWS_MAX = 1_000_000;
const OUTPUT_QUEUE_ROWS = 10_000;

/** A pull query's rows: the queue it reads is filled by the pull execution, not by a running query. */
export class PullQueryHandle extends PushQueryHandle {
  private readonly onClose: () => Promise<void>;
  constructor(
    queryId: string,
    columns: readonly PushColumn[],
    schemaText: string,
    queue: PushQueue,
    runtime: QueryRuntime,
    onClose: () => Promise<void>,
    /** The kind of source read: a stream's pull query answers like a push query (REST). */
    readonly pullSource: 'STREAM' | 'TABLE',
  ) {
    super(queryId, columns, schemaText, queue, runtime);
    this.onClose = onClose;
  }

  /**
   * The rows of a result already complete when the query started (a pull query over a table),
   * taken at once (the queue is left empty); null while rows are still being produced (a
   * stream). Lets a server write the whole response in one write.
   */
  completedRecords(): PushRow[] | null {
    return this.queue.state === 'completed' ? this.queue.poll() : null;
  }

  /** The query stopped at its LIMIT. */
  get limitReached(): boolean {
    return this.queue.limit !== null && this.queue.offered >= this.queue.limit;
  }

  override async close(): Promise<void> {
    await super.close();
    await this.onClose();
  }
}

function endOffsets(log: Log, topic: string): Map<number, number> {
  const ends = new Map<number, number>();
  if (!log.hasTopic(topic)) return ends;
  const partitions = log.describeTopic(topic).partitions;
  for (let p = 0; p < partitions; p++) ends.set(p, log.offsets(topic, p).highWatermark);
  return ends;
}

function caughtUp(query: RunningQuery, topic: string, ends: Map<number, number>): boolean {
  for (const task of query.status().tasks) {
    if (task.topic !== topic) continue;
    if (task.position < (ends.get(task.partition) ?? 0)) return false;
  }
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `plan` (reading `topic` from the earliest offsets) until it has read everything the topic
 * held at the start; `onRows` gets its output rows (stream rows beyond those offsets excluded).
 * Returns the running query, still registered (the caller stops it).
 */
async function boundedRun(
  env: PullEnvironment,
  plan: QueryPlan,
  topic: string,
  onRows: (rows: PushRow[]) => Promise<boolean>,
  signal: { stopped: boolean },
): Promise<RunningQuery> {
  const ends = endOffsets(env.log, topic);
  const running = await env.runtime.start({ ...plan, properties: { ...plan.properties, 'auto.offset.reset': 'earliest' } });
  const queue = running.output;
  if (queue === null) throw new SluiceError('INTERNAL_ASSERTION', 'a pull query plan has no output queue');
  const take = async (): Promise<boolean> => {
    const rows = queue.poll().filter((r) => r.offset < (ends.get(r.partition) ?? 0));
    return rows.length === 0 ? true : onRows(rows);
  };
  const deterministic = env.runtime.mode === 'deterministic';
  for (;;) {
    if (signal.stopped) return running;
    if (!(await take())) return running;
    if (queue.state === 'failed') throw queue.error ?? new SluiceError('ENGINE_EVALUATION', 'the pull query failed');
    if (running.state === 'ERROR') {
      const last = running.errors().at(-1);
      throw new SluiceError('ENGINE_EVALUATION', `Pull query failed: ${last?.errorMessage ?? 'the query stopped with an error'}`);
    }
    if (caughtUp(running, topic, ends)) {
      await take();
      return running;
    }
    if (deterministic) await env.runtime.drain();
    else await sleep(queue.size > 0 ? 0 : 2);
  }
}

async function stopQuietly(runtime: QueryRuntime, queryId: string): Promise<void> {
  if (runtime.get(queryId) === undefined) return;
  await runtime.stop(queryId, { deleteInternalTopics: true }).catch(() => undefined);
}

function compileOptions(env: PullEnvironment): CompileOptions {
  return { functions: env.functions, functionContext: env.functionContext };
}

/** A pull query over a stream: a push query bounded by the end offsets seen at start. */
async function pullStream(env: PullEnvironment, spec: PullRequestSpec): Promise<PushQueryHandle> {
  const out = new PushQueue(OUTPUT_QUEUE_ROWS, spec.limit);
  const signal = { stopped: false };
  const handle = new PullQueryHandle(spec.queryId, spec.columns, spec.schemaText, out, env.runtime, async () => {
    signal.stopped = true;
    await stopQuietly(env.runtime, spec.queryId);
  }, 'STREAM');
  const pump = async (): Promise<void> => {
    try {
      await boundedRun(
        env,
        spec.plan,
        spec.source.topic,
        async (rows) => {
          for (const row of rows) {
            if (out.state !== 'open') return false;
            await out.whenNotFull();
            out.offer([row]);
          }
          return out.state === 'open';
        },
        signal,
      );
      out.complete();
    } catch (error) {
      out.fail(error instanceof SluiceError ? error : new SluiceError('INTERNAL_ASSERTION', String((error as Error)?.message ?? error)));
    } finally {
      await stopQuietly(env.runtime, spec.queryId);
    }
  };
  void pump();
  return handle;
}

/** The materialization a pull query over `source` reads, and how to release it. */
async function openTable(env: PullEnvironment, spec: PullRequestSpec): Promise<{ table: MaterializedTable; release: () => Promise<void> }> {
  const writer = spec.source.writerQueryId;
  if (!spec.source.isSource && writer !== null && env.runtime.get(writer) !== undefined) {
    try {
      return { table: materializedTable(env.runtime, writer, { functions: env.functions }), release: async () => undefined };
    } catch (error) {
      if (!(error instanceof SluiceError) || error.code !== 'SQL_UNSUPPORTED') throw error;
      // No store (e.g. a join): read the table's topic instead.
    }
  }
  const scanId = `${spec.queryId}_materialize`;
  const plan = planTableMaterialization(spec.plan, scanId);
  const running = await boundedRun(env, plan, spec.source.topic, async () => true, { stopped: false }).catch(async (error: unknown) => {
    await stopQuietly(env.runtime, scanId);
    throw error;
  });
  try {
    return { table: materializedTable(env.runtime, running.queryId, { functions: env.functions }), release: () => stopQuietly(env.runtime, scanId) };
  } catch (error) {
    await stopQuietly(env.runtime, scanId);
    throw error;
  }
}

function constant(expr: Expr, options: CompileOptions): unknown {
  // A literal (the usual key of a lookup) needs no code generation.
  if (expr.kind === 'literal') return decodeLiteral(expr.type, expr.value);
  if (expr.kind === 'null') return null;
  return compileExpression(expr, options).evaluate(makeRecord([], []));
}

const LOOKUP_KEY_TYPES = new Set(['STRING', 'INTEGER', 'BIGINT', 'BOOLEAN']);

/**
 * True when every row read by `keys` satisfies `predicate` by construction: the WHERE clause is
 * `K = literal`, `K IN (literals)` or an AND of such equalities binding each key column once, and
 * the keys are of types whose store equality is SQL's `=`. Then the predicate need not be
 * compiled (code generation costs more than the lookup).
 */
function predicateCoveredByKeys(predicate: Expr, keyTypes: readonly string[]): boolean {
  const keyEquality = (e: Expr): number | null => {
    if (e.kind !== 'compare' || e.operator !== '=') return null;
    const [column, other] = e.left.kind === 'column' ? [e.left, e.right] : [e.right, e.left];
    if (column.kind !== 'column' || column.source.kind !== 'KEY' || (other.kind !== 'literal' && other.kind !== 'null')) return null;
    return LOOKUP_KEY_TYPES.has(keyTypes[column.source.index] ?? '') ? column.source.index : null;
  };
  if (keyTypes.length === 1) {
    if (keyEquality(predicate) !== null) return true;
    if (predicate.kind === 'in' && !predicate.negated && predicate.operand.kind === 'column' && predicate.operand.source.kind === 'KEY') {
      return LOOKUP_KEY_TYPES.has(keyTypes[0]!) && predicate.list.every((e) => e.kind === 'literal' && e.type.kind === predicate.operand.type.kind);
    }
    return false;
  }
  if (predicate.kind !== 'and' || predicate.operands.length !== keyTypes.length) return false;
  const bound = new Set<number>();
  for (const operand of predicate.operands) {
    const index = keyEquality(operand);
    if (index === null || bound.has(index)) return false;
    bound.add(index);
  }
  return bound.size === keyTypes.length;
}

type Projection = (record: ReturnType<typeof makeRecord>) => unknown;

/** Compiled SELECT lists without function calls, by their JSON (pull queries repeat them). */
const projectionCache = new Map<string, Projection>();
const PROJECTION_CACHE_MAX = 256;
/** The same, by the list itself (a prepared pull query shares its list between requests). */
const projectionsByList = new WeakMap<Expr[], Projection>();

function compilePullProjection(projection: Expr[], options: CompileOptions): Projection {
  const shared = projectionsByList.get(projection);
  if (shared !== undefined) return shared;
  let key: string | null = JSON.stringify(projection, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  // A function call may read the per-request function context (properties, the clock): not shared.
  if (key.includes('"kind":"call"') || key.includes('"kind":"lambda"')) key = null;
  const cached = key === null ? undefined : projectionCache.get(key);
  if (cached !== undefined) {
    projectionsByList.set(projection, cached);
    return cached;
  }
  const evaluate = compileProjection(projection, options, () => undefined).evaluate;
  if (key !== null) {
    if (projectionCache.size >= PROJECTION_CACHE_MAX) projectionCache.delete(projectionCache.keys().next().value!);
    projectionCache.set(key, evaluate);
    projectionsByList.set(projection, evaluate);
  }
  return evaluate;
}

/** What a pull query over a table evaluates, derived from its plan once (see pull-cache.ts). */
export interface PreparedPullTable {
  readonly tablePlan: PullTablePlan;
  /** The key lookups return only rows the WHERE clause accepts: it need not be evaluated. */
  readonly covered: boolean;
}

/** Throws ksqlDB's errors for WHERE clauses a table cannot answer (table scans disabled). */
export function preparePullTable(plan: QueryPlan, limit: number | null, tableScanEnabled: boolean): PreparedPullTable {
  const tablePlan = planPullTable(plan, limit, tableScanEnabled);
  const keyTypes = tablePlan.sourceSchema.key.map((c) => c.type.kind);
  const covered = tablePlan.keys !== null && tablePlan.predicate !== null && !tablePlan.windowed && predicateCoveredByKeys(tablePlan.predicate, keyTypes);
  return { tablePlan, covered };
}

/** A pull query over a table. */
async function pullTable(env: PullEnvironment, spec: PullRequestSpec): Promise<PushQueryHandle> {
  const { tablePlan, covered } = spec.prepared ?? preparePullTable(spec.plan, spec.limit, spec.tableScanEnabled);
  const options = compileOptions(env);
  const keys = tablePlan.keys?.map((key) => key.map((e) => constant(e, options)));
  const predicate = tablePlan.predicate === null || covered ? null : compileExpression(tablePlan.predicate, options).evaluate;
  const projection = compilePullProjection(tablePlan.projection, options);
  const { table, release } = await openTable(env, spec);
  let stored: PullRow[];
  try {
    stored = table.query(keys === undefined ? {} : { keys });
  } finally {
    await release();
  }
  const rows: PushRow[] = [];
  const limit = spec.limit ?? PULL_ROWS_MAX;
  const seen = new Set<string>();
  for (const row of stored) {
    if (rows.length >= limit) break;
    const record = makeRecord([...row.key], [...row.value], { timestampMs: row.timestampMs, window: row.window });
    if (predicate !== null) {
      let keep: unknown;
      try {
        keep = predicate(record);
      } catch {
        keep = false;
      }
      if (keep !== true) continue;
    }
    if (keys !== undefined && keys.length > 1) {
      // IN lists may name a key twice: each row once.
      const id = JSON.stringify([row.key, row.window], (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      if (seen.has(id)) continue;
      seen.add(id);
    }
    const value = projection(record) as unknown[];
    rows.push({ key: row.key, value, timestampMs: row.timestampMs, partition: 0, offset: 0, window: row.window });
  }
  const out = new PushQueue(Math.max(1, rows.length), null);
  out.offer(rows);
  out.complete();
  return new PullQueryHandle(spec.queryId, spec.columns, spec.schemaText, out, env.runtime, async () => undefined, 'TABLE');
}

export function executePullQuery(env: PullEnvironment, spec: PullRequestSpec): Promise<PushQueryHandle> {
  return spec.source.kind === 'STREAM' ? pullStream(env, spec) : pullTable(env, spec);
}
