/**
 * The aggregate calls of one `aggregate@1` step, compiled once per query: each AggregateCall
 * becomes an Aggregator (engine/functions' UDAF contract) and its column arguments one compiled
 * projection over the aggregate's input row (the groupBy output: the group key as key columns,
 * the source's value then key columns as value columns).
 *
 * A state row holds one accumulator per call (what the stores keep). `aggregate` / `undo` update
 * it in place (slot by slot, storing what each function returns); `map` gives the result row.
 * Arguments that fail to evaluate become null and are logged, as ksqlDB's pre-aggregate
 * projection does.
 */
import { SluiceError } from '../../../common/index.js';
import { compileProjection, decodeLiteral, type CompileOptions, type Expr } from '../../expressions/index.js';
import type { SqlType } from '../../types/index.js';
import type { AggregateCall } from '../../steps/index.js';
import type { EngineRecord } from '../record.js';
import type { StepProcessingLog } from '../processing-log.js';
import type { AggregateFunctionLookup, AggregatorLike } from './functions.js';
import { initArgumentCountOf, noAggregateFunction } from './functions.js';

interface CompiledCall {
  aggregator: AggregatorLike;
  /** First column argument in the evaluated argument array. */
  offset: number;
  count: number;
  /** 'value': one argument; 'array': all of them, in an array reused per call. */
  array: unknown[] | null;
}

export class AggregateCalls {
  readonly calls: readonly CompiledCall[];
  readonly stateTypes: readonly SqlType[];
  readonly resultTypes: readonly SqlType[];
  /** Evaluates every call's column arguments into one array. */
  private readonly evaluateArguments: ((record: EngineRecord) => unknown[]) | null;
  /** The functions that cannot undo (table aggregations need undo). */
  readonly withoutUndo: readonly string[];

  constructor(
    calls: readonly AggregateCall[],
    lookup: AggregateFunctionLookup,
    compile: CompileOptions,
    properties: Readonly<Record<string, unknown>>,
    log: StepProcessingLog,
  ) {
    const argumentExpressions: Expr[] = [];
    const compiled: CompiledCall[] = [];
    const withoutUndo: string[] = [];
    for (const call of calls) {
      const fn = lookup.getAggregate(call.functionName);
      if (fn === undefined) throw noAggregateFunction(call.functionName);
      const overload = fn.overloads[call.overloadIndex];
      if (overload === undefined) {
        throw new SluiceError('INTERNAL_ASSERTION', `aggregate function ${call.functionName} has no overload ${call.overloadIndex}`);
      }
      const initCount = initArgumentCountOf(overload, call.args.length);
      const columnArgs = call.args.slice(0, call.args.length - initCount);
      const initArgs = call.args.slice(call.args.length - initCount).map((e, i) => literalValue(e, call, initCount, i));
      const aggregator = overload.create({ columnTypes: columnArgs.map((e) => e.type), initArguments: initArgs, properties });
      if (aggregator.undo === null) withoutUndo.push(aggregator.functionName);
      compiled.push({
        aggregator,
        offset: argumentExpressions.length,
        count: columnArgs.length,
        array: aggregator.input === 'array' ? new Array<unknown>(columnArgs.length) : null,
      });
      argumentExpressions.push(...columnArgs);
    }
    this.calls = compiled;
    this.withoutUndo = withoutUndo;
    this.stateTypes = compiled.map((c) => c.aggregator.aggregateType);
    this.resultTypes = compiled.map((c) => c.aggregator.returnType);
    if (argumentExpressions.length === 0) {
      this.evaluateArguments = null;
    } else {
      let texts: readonly string[] = [];
      const projection = compileProjection(argumentExpressions, compile, (index, error, record) =>
        log.recordError(`Error computing expression ${texts[index] ?? ''} for column KSQL_INTERNAL_COL_${index} with index ${index}`, error, record),
      );
      texts = projection.texts;
      this.evaluateArguments = projection.evaluate;
    }
  }

  /** A fresh state row. */
  initialize(): unknown[] {
    const calls = this.calls;
    const state = new Array<unknown>(calls.length);
    for (let i = 0; i < calls.length; i++) state[i] = calls[i]!.aggregator.initialize();
    return state;
  }

  /** The evaluated column arguments of a record (pass them to `aggregate` / `undo`). */
  argumentsOf(record: EngineRecord): unknown[] {
    return this.evaluateArguments === null ? EMPTY : this.evaluateArguments(record);
  }

  /** Adds the row whose arguments are `args` to the accumulators at `state[from...]` (in place). */
  aggregate(args: readonly unknown[], state: unknown[], sequence: number, from = 0): void {
    const calls = this.calls;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      state[from + i] = call.aggregator.aggregate(this.input(call, args), state[from + i], sequence);
    }
  }

  /** Removes a row added before (table aggregations) from the accumulators at `state[from...]`. */
  undo(args: readonly unknown[], state: unknown[], from = 0): void {
    const calls = this.calls;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      const undo = call.aggregator.undo;
      if (undo === null) continue;
      state[from + i] = undo(this.input(call, args), state[from + i]);
    }
  }

  /** Merges two state rows (session windows): a new row. */
  merge(a: readonly unknown[], b: readonly unknown[]): unknown[] {
    const calls = this.calls;
    const out = new Array<unknown>(calls.length);
    for (let i = 0; i < calls.length; i++) out[i] = calls[i]!.aggregator.merge(a[i], b[i]);
    return out;
  }

  /** The result row of a state row (values that share nothing mutable with it). */
  map(state: readonly unknown[]): unknown[] {
    const calls = this.calls;
    const out = new Array<unknown>(calls.length);
    for (let i = 0; i < calls.length; i++) out[i] = calls[i]!.aggregator.map(state[i]);
    return out;
  }

  /** Writes the results of the accumulators at `state[from...]` to `out[from...]`. */
  mapInto(state: readonly unknown[], out: unknown[], from: number): void {
    const calls = this.calls;
    for (let i = 0; i < calls.length; i++) out[from + i] = calls[i]!.aggregator.map(state[from + i]);
  }

  private input(call: CompiledCall, args: readonly unknown[]): unknown {
    if (call.array === null) return call.count === 0 ? null : args[call.offset];
    const array = call.array;
    for (let j = 0; j < call.count; j++) array[j] = args[call.offset + j];
    return array;
  }
}

const EMPTY: unknown[] = [];

function literalValue(e: Expr, call: AggregateCall, initCount: number, index: number): unknown {
  if (e.kind === 'literal') return decodeLiteral(e.type, e.value);
  if (e.kind === 'null') return null;
  const fromEnd = call.literalArgs.length - initCount + index;
  if (fromEnd >= 0 && fromEnd < call.literalArgs.length) return call.literalArgs[fromEnd];
  throw new SluiceError('INTERNAL_ASSERTION', `aggregate ${call.functionName}: init argument ${index + 1} is not a literal (${e.kind})`);
}

/**
 * An aggregate step's state rows: the non-aggregate columns (copied from the latest input row, as
 * ksqlDB's KudafAggregator does) followed by one accumulator per call; the result row is the
 * non-aggregate columns followed by each call's mapped result.
 */
export class Aggregation {
  private readonly nonAggregateCount: number;
  /** The result row of fresh accumulators (shared: read-only). */
  readonly initialResult: readonly unknown[];

  constructor(
    readonly calls: AggregateCalls,
    private readonly nonAggregateColumns: readonly number[],
  ) {
    this.nonAggregateCount = nonAggregateColumns.length;
    this.initialResult = Object.freeze(this.result(this.initialize()));
  }

  initialize(): unknown[] {
    const accumulators = this.calls.initialize();
    if (this.nonAggregateCount === 0) return accumulators;
    return [...new Array<unknown>(this.nonAggregateCount).fill(null), ...accumulators];
  }

  /** Adds `record` (its current value row) to `state`, in place. */
  add(record: EngineRecord, state: unknown[], sequence: number): void {
    const args = this.calls.argumentsOf(record);
    const n = this.nonAggregateCount;
    if (n > 0) {
      const value = record.value!;
      for (let i = 0; i < n; i++) state[i] = value[this.nonAggregateColumns[i]!] ?? null;
    }
    this.calls.aggregate(args, state, sequence, n);
  }

  /** Removes `record` (its current value row), added before, from `state`, in place. */
  undo(record: EngineRecord, state: unknown[]): void {
    this.calls.undo(this.calls.argumentsOf(record), state, this.nonAggregateCount);
  }

  /** Merges two state rows (session windows); a new row. */
  merge(a: readonly unknown[], b: readonly unknown[]): unknown[] {
    const n = this.nonAggregateCount;
    if (n === 0) return this.calls.merge(a, b);
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(a[i] === null || a[i] === undefined ? b[i] : a[i]);
    out.push(...this.calls.merge(a.slice(n), b.slice(n)));
    return out;
  }

  /** The output row of a state row. */
  result(state: readonly unknown[]): unknown[] {
    const n = this.nonAggregateCount;
    if (n === 0) return this.calls.map(state);
    const out = new Array<unknown>(state.length);
    for (let i = 0; i < n; i++) out[i] = state[i];
    this.calls.mapInto(state, out, n);
    return out;
  }
}
