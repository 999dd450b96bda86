/**
 * Pull queries, engine side: read a persistent query's materialized table from its state stores,
 * never from the log (ksqlDB's KsMaterialization).
 *
 * A table is materialized by the query that builds it: the aggregate of a CREATE TABLE AS SELECT
 * ... GROUP BY (its store holds accumulators), or a table source read with `materialize`. The
 * rows a pull query sees are that step's rows carried through the steps between it and the sink
 * — HAVING filters, the projection, EMIT FINAL — exactly as ksqlDB's MaterializationInfo replays
 * them, so a row has the sink's schema: key columns, value columns, and the window bounds of a
 * windowed table. Stores are per partition (task); a key is looked for in every partition.
 *
 * Requests: exact keys (WHERE K = x, K IN (...)), a key range (K > x AND K <= y, in key order:
 * see engine/state's key-codec), or a scan; windowed tables take WINDOWSTART / WINDOWEND bounds.
 * The caller (queries facade, REST) applies the rest of the WHERE clause and the SELECT list.
 */
import { SluiceError } from '../../common/index.js';
import { compileExpression, compileProjection, type CompileOptions, type ScalarFunctionLookup } from '../expressions/index.js';
import type { FunctionContext } from '../functions/index.js';
import { isMaterializedOperator, makeRecord, type EngineRecord, type Materialization, type MaterializedRow } from '../operators/index.js';
import type { QueryRuntime, RunningQuery } from '../runtime/index.js';
import type { Step, StepSchema } from '../steps/index.js';
import { compareValues, valuesEqual } from '../types/index.js';

export interface PullWindow {
  startMs: number;
  endMs: number;
}

/** One row of a materialized table, in the schema of the query's sink. */
export interface PullRow {
  key: unknown[];
  value: unknown[];
  /** The window of a windowed table's row, else null. */
  window: PullWindow | null;
  timestampMs: number;
}

/** Bounds on WINDOWSTART or WINDOWEND (ms; absent bounds are open). */
export interface TimeBounds {
  from?: number;
  /** Default true. */
  fromInclusive?: boolean;
  to?: number;
  /** Default true. */
  toInclusive?: boolean;
}

export interface KeyBound {
  key: readonly unknown[];
  /** Default true. */
  inclusive?: boolean;
}

export interface PullRequest {
  /** Exact keys (all key columns each); absent: no key condition. */
  keys?: ReadonlyArray<readonly unknown[]>;
  /** A key range (ignored when `keys` is given). */
  range?: { from?: KeyBound; to?: KeyBound };
  windowStart?: TimeBounds;
  windowEnd?: TimeBounds;
  /** At most this many rows. */
  limit?: number;
}

export interface PullOptions {
  /** The function registry (to replay the steps after the materialized one). */
  functions: ScalarFunctionLookup;
  /** Properties for function calls; default the query's. */
  properties?: Readonly<Record<string, unknown>>;
  /** Wall-clock ms for functions that ask; default 0. */
  nowMs?: () => number;
}

type Transform = (record: EngineRecord) => EngineRecord | null;

function inBounds(ms: number, bounds: TimeBounds | undefined): boolean {
  if (bounds === undefined) return true;
  if (bounds.from !== undefined && (bounds.fromInclusive === false ? ms <= bounds.from : ms < bounds.from)) return false;
  if (bounds.to !== undefined && (bounds.toInclusive === false ? ms >= bounds.to : ms > bounds.to)) return false;
  return true;
}

function materializedOperators(query: RunningQuery): Map<string, Materialization> {
  const found = new Map<string, Materialization>();
  for (const task of query.tasks) {
    for (const operator of task.pipeline.operators) {
      if (isMaterializedOperator(operator) && !found.has(operator.stepId)) found.set(operator.stepId, operator.materialized());
    }
  }
  return found;
}

/** A persistent query's materialized table. */
export class MaterializedTable {
  readonly queryId: string;
  /** The table's schema (the sink's): key columns, value columns. */
  readonly schema: StepSchema;
  readonly windowType: 'TUMBLING' | 'HOPPING' | 'SESSION' | null;
  /** The step whose store is read. */
  readonly stepId: string;
  private readonly materialization: Materialization;
  private readonly transforms: Transform[];

  constructor(query: RunningQuery, options: PullOptions) {
    this.queryId = query.queryId;
    const root = query.plan.sink;
    this.schema = root.schema;
    const operators = materializedOperators(query);
    const between: Step[] = [];
    let step: Step = root;
    let materialization: Materialization | undefined;
    for (;;) {
      materialization = operators.get(step.id);
      if (materialization !== undefined) break;
      if (!('source' in step)) break;
      if (step !== root) between.push(step);
      step = step.source;
    }
    if (materialization === undefined) {
      throw new SluiceError('SQL_UNSUPPORTED', `Query ${query.queryId} does not materialize a table that pull queries can read`, {
        expected: 'a CREATE TABLE AS SELECT with GROUP BY, or a materialized table source',
        found: root.kind,
      });
    }
    this.materialization = materialization;
    this.stepId = materialization.stepId;
    this.windowType =
      materialization.kind === 'window' ? materialization.windowType : materialization.kind === 'session' ? 'SESSION' : materialization.keyWindow;
    const functionContext: FunctionContext = { nowMs: options.nowMs ?? (() => 0), properties: options.properties ?? query.plan.properties };
    const compile: CompileOptions = { functions: options.functions, functionContext } as CompileOptions;
    this.transforms = between.reverse().map((s) => transformOf(s, compile));
  }

  /** Rows for a request (see PullRequest). */
  query(request: PullRequest = {}): PullRow[] {
    const limit = request.limit ?? Number.POSITIVE_INFINITY;
    const out: PullRow[] = [];
    for (const row of this.storedRows(request)) {
      if (out.length >= limit) break;
      const result = this.replay(row);
      if (result !== null) out.push(result);
    }
    return out;
  }

  /** The row of one key (non-windowed tables), or null. */
  get(key: readonly unknown[]): PullRow | null {
    return this.query({ keys: [key], limit: 1 })[0] ?? null;
  }

  /** The windows of one key (windowed tables), by window start. */
  windows(key: readonly unknown[], bounds: { windowStart?: TimeBounds; windowEnd?: TimeBounds } = {}): PullRow[] {
    return this.query({ keys: [key], ...bounds });
  }

  /** Rows with keys in a range, in key order. */
  range(from?: KeyBound, to?: KeyBound): PullRow[] {
    return this.query({ range: { ...(from ? { from } : {}), ...(to ? { to } : {}) } });
  }

  /** Every row. */
  scan(limit?: number): PullRow[] {
    return this.query(limit === undefined ? {} : { limit });
  }

  private replay(row: { key: unknown[]; stored: MaterializedRow; window: PullWindow | null }): PullRow | null {
    let record: EngineRecord | null = makeRecord(row.key, row.stored.value, {
      timestampMs: row.stored.timestampMs,
      window: row.window === null ? null : { startMs: row.window.startMs, endMs: row.window.endMs },
    });
    for (const transform of this.transforms) {
      record = transform(record);
      if (record === null) return null;
    }
    if (record.value === null) return null;
    return { key: record.key, value: record.value, window: row.window, timestampMs: record.timestampMs };
  }

  private *storedRows(request: PullRequest): Generator<{ key: unknown[]; stored: MaterializedRow; window: PullWindow | null }> {
    const m = this.materialization;
    const partitions = m.partitions();
    switch (m.kind) {
      case 'key-value': {
        const rows: Array<{ key: unknown[]; stored: MaterializedRow; window: PullWindow | null }> = [];
        const windowed = m.keyWindow !== null;
        const accept = (key: unknown[], value: unknown): void => {
          let rowKey = key;
          let window: PullWindow | null = null;
          if (windowed) {
            rowKey = key.slice(0, key.length - 2);
            window = { startMs: key[key.length - 2] as number, endMs: key[key.length - 1] as number };
            if (!inBounds(window.startMs, request.windowStart) || !inBounds(window.endMs, request.windowEnd)) return;
          }
          rows.push({ key: rowKey, stored: m.row(value), window });
        };
        if (request.keys !== undefined && !windowed) {
          for (const key of request.keys) {
            for (const partition of partitions) {
              const value = m.store(partition)?.get(key);
              if (value !== undefined) {
                accept([...key], value);
                break;
              }
            }
          }
          yield* rows;
          return;
        }
        for (const partition of partitions) {
          const store = m.store(partition);
          if (store === null) continue;
          const range = request.keys === undefined && !windowed ? request.range : undefined;
          const entries = store.range({
            ...(range?.from ? { from: range.from.key, fromExclusive: range.from.inclusive === false } : {}),
            ...(range?.to ? { to: range.to.key, toExclusive: range.to.inclusive === false } : {}),
          });
          for (const entry of entries) {
            if (windowed && request.keys !== undefined) {
              const rowKey = entry.key.slice(0, entry.key.length - 2);
              if (!request.keys.some((k) => k.length === rowKey.length && k.every((v, i) => valuesEqual(v, rowKey[i])))) continue;
            }
            accept(entry.key, entry.value);
          }
        }
        rows.sort((a, b) => compareKeys(a.key, b.key) || (a.window?.startMs ?? 0) - (b.window?.startMs ?? 0));
        yield* rows;
        return;
      }
      case 'window': {
        const rows: Array<{ key: unknown[]; stored: MaterializedRow; window: PullWindow | null }> = [];
        const from = request.windowStart?.from ?? Number.MIN_SAFE_INTEGER;
        const to = request.windowStart?.to ?? Number.MAX_SAFE_INTEGER - 1;
        const accept = (key: unknown[], startMs: number, value: unknown): void => {
          const window = { startMs, endMs: startMs + m.sizeMs };
          if (!inBounds(window.startMs, request.windowStart) || !inBounds(window.endMs, request.windowEnd)) return;
          rows.push({ key, stored: m.row(value), window });
        };
        for (const partition of partitions) {
          const store = m.store(partition);
          if (store === null) continue;
          if (request.keys !== undefined) {
            for (const key of request.keys) for (const entry of store.fetch(key, from, to)) accept([...key], entry.windowStartMs, entry.value);
          } else {
            for (const entry of store.fetchAll(from, to)) {
              if (!keyInRange(entry.key, request.range)) continue;
              accept(entry.key, entry.windowStartMs, entry.value);
            }
          }
        }
        rows.sort((a, b) => compareKeys(a.key, b.key) || a.window!.startMs - b.window!.startMs);
        yield* rows;
        return;
      }
      case 'session': {
        const rows: Array<{ key: unknown[]; stored: MaterializedRow; window: PullWindow | null }> = [];
        const accept = (key: unknown[], startMs: number, endMs: number, value: unknown): void => {
          if (!inBounds(startMs, request.windowStart) || !inBounds(endMs, request.windowEnd)) return;
          rows.push({ key, stored: m.row(value), window: { startMs, endMs } });
        };
        for (const partition of partitions) {
          const store = m.store(partition);
          if (store === null) continue;
          if (request.keys !== undefined) {
            for (const key of request.keys) for (const session of store.fetch(key)) accept([...key], session.startMs, session.endMs, session.value);
          } else {
            for (const session of store.fetchAll()) {
              if (!keyInRange(session.key, request.range)) continue;
              accept(session.key, session.startMs, session.endMs, session.value);
            }
          }
        }
        rows.sort((a, b) => compareKeys(a.key, b.key) || a.window!.startMs - b.window!.startMs || a.window!.endMs - b.window!.endMs);
        yield* rows;
        return;
      }
    }
  }
}

function compareKeys(a: readonly unknown[], b: readonly unknown[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function keyInRange(key: readonly unknown[], range: PullRequest['range']): boolean {
  if (range === undefined) return true;
  if (range.from !== undefined) {
    const c = compareKeys(key, range.from.key);
    if (c < 0 || (c === 0 && range.from.inclusive === false)) return false;
  }
  if (range.to !== undefined) {
    const c = compareKeys(key, range.to.key);
    if (c > 0 || (c === 0 && range.to.inclusive === false)) return false;
  }
  return true;
}

/** A step between the materialized one and the sink, as a function over one row. */
function transformOf(step: Step, compile: CompileOptions): Transform {
  switch (step.kind) {
    case 'filter@1': {
      const predicate = compileExpression(step.predicate, compile).evaluate;
      return (record) => {
        if (record.value === null) return null;
        try {
          return predicate(record) === true ? record : null;
        } catch {
          return null;
        }
      };
    }
    case 'select@1': {
      const keys = step.keyExpressions.map((e) => e.expression);
      const values = step.valueExpressions.map((e) => e.expression);
      const ignore = (): void => undefined;
      const key = compileProjection(keys, compile, ignore).evaluate;
      const value = compileProjection(values, compile, ignore).evaluate;
      return (record) => {
        if (record.value === null) return null;
        const newValue = value(record);
        record.key = key(record);
        record.value = newValue;
        return record;
      };
    }
    case 'suppress@1':
      return (record) => record;
    default:
      throw new SluiceError('SQL_UNSUPPORTED', `Pull queries cannot replay a ${step.kind} step (${step.id}) over a materialized table`, { found: step.kind });
  }
}

interface CachedTable {
  readonly functions: ScalarFunctionLookup;
  /** The query's tasks when the table was made (their operators hold the stores). */
  readonly tasks: readonly unknown[];
  readonly table: MaterializedTable;
}

/**
 * Tables made with the default options, per running query: a pull query is a key lookup, and
 * finding the stores and compiling the steps to replay (code generation) cost more than the
 * lookup itself. A cached table is used while the query keeps the same tasks.
 */
const tableCache = new WeakMap<RunningQuery, CachedTable>();

/** The materialized table of a running persistent query (throws when it has none). */
export function materializedTable(runtime: QueryRuntime, queryId: string, options: PullOptions): MaterializedTable {
  const query = runtime.get(queryId);
  if (query === undefined) {
    throw new SluiceError('ENGINE_QUERY_NOT_FOUND', `Unknown queryId: ${queryId}`, { expected: 'a running query', found: queryId });
  }
  const cacheable = options.properties === undefined && options.nowMs === undefined;
  if (!cacheable) return new MaterializedTable(query, options);
  const cached = tableCache.get(query);
  if (cached !== undefined && cached.functions === options.functions && sameTasks(cached.tasks, query.tasks)) return cached.table;
  const table = new MaterializedTable(query, options);
  tableCache.set(query, { functions: options.functions, tasks: [...query.tasks], table });
  return table;
}

function sameTasks(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
