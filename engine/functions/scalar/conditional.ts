/**
 * Conditional functions (COALESCE, IFNULL, NULLIF) and AS_VALUE. All are generic: every argument
 * must have the same type (a NULL literal fits any), and the result has that type.
 */
import type { ScalarFunction } from '../types.js';
import { CONFLUENT, T, overload, scalar } from './define.js';
import { javaEquals } from '../java/values.js';

const CATEGORY = 'CONDITIONAL';

export const conditionalFunctions: readonly ScalarFunction[] = [
  scalar({ name: 'COALESCE', category: CATEGORY, author: CONFLUENT, description: 'Returns first non-null element' }, [
    overload(
      [T, T],
      T,
      (...values: unknown[]) => {
        for (const v of values) if (v !== null && v !== undefined) return v;
        return null;
      },
      { variadic: true, names: ['first', 'others'] },
    ),
  ]),
  scalar({ name: 'IFNULL', category: CATEGORY, author: CONFLUENT, description: 'Returns expression if NOT NULL, otherwise the alternative value' }, [
    overload([T, T], T, (expression: unknown, altValue: unknown) => (expression !== null && expression !== undefined ? expression : (altValue ?? null)), {
      names: ['expression', 'altValue'],
      docs: ['expression to evaluate', 'Alternative value'],
    }),
  ]),
  scalar({ name: 'NULLIF', category: CATEGORY, author: CONFLUENT, description: 'Returns NULL if value1 and value2 are equal. Otherwise it returns value1.' }, [
    overload(
      [T, T],
      T,
      (expr1: unknown, expr2: unknown) => {
        if (expr1 === null || expr1 === undefined) return null;
        return javaEquals(expr1, expr2) ? null : expr1;
      },
      { names: ['expr1', 'expr2'], docs: ['expression 1', 'expression 2'] },
    ),
  ]),
  scalar(
    {
      name: 'AS_VALUE',
      category: 'OTHER',
      author: CONFLUENT,
      description: 'Used exclusively in the projection of a query to allow a keycolumn to be copied into the value schema. Has no affect if used anywhere else.',
    },
    [overload([T], T, (keyColumn: unknown) => keyColumn ?? null, { names: ['keyColumn'] })],
  ),
];
