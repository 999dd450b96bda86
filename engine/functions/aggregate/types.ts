/**
 * The aggregate-function (UDAF) contract: how an aggregate is declared, resolved and run.
 *
 * Declaring. An AggregateFunction has overloads. An overload's parameters are its COLUMN
 * parameters (values read from each input row) followed by its INIT parameters (literal constants
 * given once per call site: TOPK's `k`, EARLIEST_BY_OFFSET's `ignoreNulls`). At most one parameter
 * is variadic (`variadicIndex`; the pattern at that index is the element type, repeated zero or
 * more times), a column one (TOPK's other columns) or an init one. Resolution is ksqlDB's UdfIndex
 * with NO implicit casts (ksqlDB builds the UDAF index with `supportsImplicitCasts = false`).
 *
 * Running. `overload.create(init)` is called once per call site (query), with the column argument
 * types, the init argument values and the query's properties (`ksql.functions.collect_list.limit`
 * ...). It returns an Aggregator specialised for those types: the state (intermediate) type and
 * the result type, both SqlTypes, and the functions
 *   initialize() -> state
 *   aggregate(input, state, sequence) -> state      every input row (stream and table inputs)
 *   undo(input, state) -> state                     the old row of a table aggregation; null
 *                                                   when ksqlDB's UDAF is not a TableUdaf
 *   merge(a, b) -> state                            session windows
 *   map(state) -> result                            what the row shows
 *
 * State. A state is a run-time value of `aggregateType` (engine/types' representation: numbers,
 * Decimal, arrays, Maps, plain-object structs), so state stores and changelogs serialize it like
 * any column. aggregate/undo/merge may update a container state in place and return it (or return
 * a new value): the caller must store what they return and never reuse the state it passed in.
 * map() returns a value that shares nothing mutable with the state (a copy of a list), so an
 * emitted row stays valid while the state keeps changing.
 *
 * Input. `input` is the single column argument's value when `input === 'value'`; when it is
 * 'array' (several column parameters or a variadic one) it is an array of all column argument
 * values in order, variadic ones flat. The array belongs to the caller (it may reuse it after the
 * call); functions copy what they keep. Nulls are passed as they are: each function ignores them
 * or not as its ksqlDB UDAF does (COUNT, SUM, AVG, MIN, MAX, TOPK... ignore nulls; COLLECT_LIST,
 * COLLECT_SET, HISTOGRAM and ATTR keep them). COUNT(*) is COUNT(ROWTIME): the analyzer passes the
 * source's ROWTIME as the argument of an aggregate called with no arguments, as ksqlDB does.
 *
 * Ordering. `sequence` gives the record's place in processing order within a state store; the
 * operator passes the input record's offset (records of one store come from one partition, in
 * offset order, and offsets survive restarts). EARLIEST_BY_OFFSET and LATEST_BY_OFFSET store it
 * (`SEQ`) to order values when session windows merge; other functions ignore it.
 */
import type { ParamType } from '../types.js';
import type { SqlType } from './deps.js';

/** What `create` gets: the call site's types, literal values and properties. */
export interface AggregateInit {
  /** Types of the column arguments, one per argument (variadic ones expanded). */
  readonly columnTypes: readonly SqlType[];
  /** Values of the init (literal) arguments, in order (a variadic init parameter expanded). */
  readonly initArguments: readonly unknown[];
  /** Properties in force for the query; functions read their `ksql.functions.<name>.*` keys. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/** One call site's running aggregate (ksqlDB's KsqlAggregateFunction). */
export interface Aggregator<S = any, R = unknown> {
  /** The function's name as ksqlDB names it in messages (`LATEST_BY_OFFSET`, `collect_set`). */
  readonly functionName: string;
  /** The state's type (ksqlDB's aggregate/intermediate type); what state stores hold. */
  readonly aggregateType: SqlType;
  /** The type of `map(state)`. */
  readonly returnType: SqlType;
  /** How `aggregate` and `undo` receive the column values (see the header). */
  readonly input: 'value' | 'array';
  initialize(): S;
  aggregate(input: any, state: S, sequence: number): S;
  /** Removes a value aggregated before (table aggregations); null if the function cannot. */
  readonly undo: ((input: any, state: S) => S) | null;
  merge(a: S, b: S): S;
  map(state: S): R;
}

export interface AggregateOverload {
  /** Column parameters, then init parameters (a variadic one as its element type). */
  readonly params: readonly ParamType[];
  /** How many of `params` are column parameters (the first ones). */
  readonly columnParams: number;
  /** Index in `params` of the variadic parameter, if any. */
  readonly variadicIndex?: number;
  /** Parameter names (`val1`, `val2` for columns as ksqlDB names them; init ones by name). */
  readonly paramNames: readonly string[];
  readonly paramDescriptions?: readonly string[];
  /** The declared result, for DESCRIBE FUNCTION (`BIGINT`, `ARRAY<T>`, `DECIMAL`). */
  readonly returns: ParamType;
  readonly description: string;
  /** True when ksqlDB's UDAF is a TableUdaf: instances have `undo` and work on table sources. */
  readonly supportsUndo: boolean;
  /** Builds the aggregator for one call site; throws SQL_ANALYSIS for invalid init arguments. */
  create(init: AggregateInit): Aggregator;
}

export interface AggregateFunction {
  /** Upper-case name as SQL uses it. */
  readonly name: string;
  /** The name as ksqlDB declares it (`collect_list`, `COUNT`), used in messages. Defaults to `name`. */
  readonly declaredName?: string;
  readonly author?: string;
  readonly description: string;
  /** 'AGGREGATE', as ksqlDB categorises UDAFs. */
  readonly category: string;
  readonly overloads: readonly AggregateOverload[];
}
