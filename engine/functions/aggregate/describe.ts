/**
 * DESCRIBE FUNCTION data for aggregate functions, in the shape describe.ts gives scalars
 * (ksqlDB's FunctionDescriptionList with type AGGREGATE; column parameters named val1, val2...).
 */
import type { FunctionDescription } from '../describe.js';
import { formatParamType } from '../param-types.js';
import type { AggregateFunction } from './types.js';

export function describeAggregate(fn: AggregateFunction): FunctionDescription {
  return {
    name: fn.name.toUpperCase(),
    type: 'AGGREGATE',
    category: fn.category,
    description: fn.description,
    author: fn.author ?? '',
    version: '',
    path: 'internal',
    functions: fn.overloads.map((o) => ({
      arguments: o.params.map((p, i) => ({
        name: o.paramNames[i] ?? '',
        type: formatParamType(p),
        description: o.paramDescriptions?.[i] ?? '',
        isVariadic: i === o.variadicIndex,
      })),
      returnType: formatParamType(o.returns),
      description: o.description,
    })),
  };
}
