/**
 * engine/functions/aggregate — ksqlDB's aggregate functions (UDAFs), their contract and their
 * resolution.
 *
 * - types:     AggregateFunction / AggregateOverload / Aggregator / AggregateInit: overloads with
 *              column parameters then literal init parameters (TOPK's k), a per-call-site
 *              Aggregator with state (intermediate) and result SqlTypes, initialize / aggregate /
 *              undo (table aggregations; null where ksqlDB's UDAF is not a TableUdaf) / merge
 *              (session windows) / map. The header of types.ts is the contract.
 * - signature: UdfIndex-style overload resolution with a variadic parameter anywhere and implicit
 *              casts optional (shared with table functions).
 * - resolve:   resolveAggregateCall (analyzer), createAggregator (operator, from a stored plan),
 *              ksqlDB's messages for table sources, literal init arguments, nesting.
 * - the functions: COUNT, COUNT_DISTINCT (HyperLogLog as ksqlDB's), SUM, SUM_LIST, AVG, MIN, MAX,
 *              TOPK, TOPKDISTINCT, COLLECT_LIST, COLLECT_SET, HISTOGRAM, EARLIEST_BY_OFFSET,
 *              LATEST_BY_OFFSET, STDDEV_SAMP, STDDEV_SAMPLE, CORRELATION, ATTR — every UDAF in
 *              ksqlDB's source, with its null handling, result and state types.
 * - testing:   ksqlDB's test-only UDAFs (TEST_UDAF, MULTI_ARG...), for the conformance runner.
 */
import type { AggregateFunction } from './types.js';
import { attr } from './attr.js';
import { avg } from './average.js';
import { collectList, collectSet } from './collect.js';
import { correlation } from './correlation.js';
import { count, countDistinct } from './count.js';
import { histogram } from './histogram.js';
import { max, min } from './min-max.js';
import { earliestByOffset, latestByOffset } from './offset.js';
import { stddevSamp, stddevSample } from './stddev.js';
import { sum, sumList } from './sum.js';
import { topK, topKDistinct } from './topk.js';

export type { AggregateFunction, AggregateInit, AggregateOverload, Aggregator } from './types.js';
export type { Signature, SignatureMatch } from './signature.js';
export { resolveSignature, formatSignatureHint, parameterIndexFor, bindPattern, noMatchError, toArgumentShape } from './signature.js';
export type { ResolvedAggregateCall } from './resolve.js';
export {
  resolveAggregateCall,
  createAggregator,
  initArgumentCount,
  tableAggregationError,
  literalArgumentError,
  nestedAggregateError,
  displayNameOf,
} from './resolve.js';
export { describeAggregate } from './describe.js';
export { COLLECT_LIST_LIMIT, COLLECT_SET_LIMIT } from './collect.js';
export { HISTOGRAM_LIMIT } from './histogram.js';
export { testAggregateFunctions, registerTestAggregateFunctions } from './testing.js';

/** What registration needs from the function registry. */
export interface AggregateFunctionRegistrar {
  registerAggregate(fn: AggregateFunction): void;
}

/** Every built-in aggregate function, in ksqlDB's source order. */
export const builtinAggregateFunctions: readonly AggregateFunction[] = [
  collectList,
  collectSet,
  attr,
  avg,
  correlation,
  countDistinct,
  count,
  histogram,
  max,
  min,
  earliestByOffset,
  latestByOffset,
  stddevSamp,
  stddevSample,
  sumList,
  sum,
  topK,
  topKDistinct,
];

/** Registers every built-in aggregate function. */
export function registerAggregateFunctions(registry: AggregateFunctionRegistrar): void {
  for (const fn of builtinAggregateFunctions) registry.registerAggregate(fn);
}
