/**
 * ksqlDB's built-in table functions: EXPLODE and CUBE_EXPLODE.
 *
 * - EXPLODE(array): one row per element, in order (a null element gives a null value); a null
 *   array gives no rows. Two overloads as in ksqlDB: ARRAY<DECIMAL> (result: the array's own
 *   DECIMAL(p, s)) and ARRAY<T> (result T).
 * - CUBE_EXPLODE(array): every combination of the columns in the array, each as an ARRAY<T> with
 *   the left-out positions null: 2^d rows for d columns, fewer when some are null (a null column
 *   has one possibility, not two, so duplicate rows are skipped). At most 20 columns.
 */
import type { ParamType } from '../types.js';
import type { TableFunction } from './types.js';
import type { SqlType } from './deps.js';
import { SluiceError } from './deps.js';

const CONFLUENT = 'Confluent';
const T: ParamType = { kind: 'GENERIC', name: 'T' };
const ARRAY_OF_T: ParamType = { kind: 'ARRAY', element: T };
const ARRAY_OF_DECIMAL: ParamType = { kind: 'ARRAY', element: { kind: 'ANY_DECIMAL' } };
const EMPTY: readonly unknown[] = Object.freeze([]);

function explodeList(list: readonly unknown[] | null): readonly unknown[] {
  return list === null || list === undefined ? EMPTY : list;
}

function arrayElementType(argumentTypes: readonly (SqlType | null)[]): SqlType {
  const t = argumentTypes[0];
  if (t === null || t === undefined || t.kind !== 'ARRAY') {
    throw new SluiceError('SQL_ANALYSIS', 'explode should be provided with an ARRAY', { expected: 'an ARRAY', found: t?.kind ?? 'null' });
  }
  return t.element;
}

export const explode: TableFunction = {
  name: 'EXPLODE',
  declaredName: 'explode',
  author: CONFLUENT,
  category: 'TABLE',
  description: 'Explodes an array. This function outputs one value for each element of the array.',
  overloads: [
    {
      params: [ARRAY_OF_DECIMAL],
      paramNames: ['input'],
      returns: arrayElementType,
      declaredReturn: { kind: 'ANY_DECIMAL' },
      implementation: explodeList,
    },
    { params: [ARRAY_OF_T], paramNames: ['list'], returns: T, implementation: explodeList },
  ],
};

/** ksqlDB caps CUBE_EXPLODE at 20 columns (about a million rows). */
export const CUBE_MAX_COLUMNS = 20;

/** Cube.createAllCombinations: row for bit mask b has column i (from the left) iff its bit is set. */
export function cubeCombinations(columns: readonly unknown[] | null): readonly unknown[][] {
  if (columns === null || columns === undefined) return [];
  const n = columns.length;
  if (n > CUBE_MAX_COLUMNS) {
    throw new SluiceError('ENGINE_EVALUATION', `cube_explode: too many columns (${n}); max is ${CUBE_MAX_COLUMNS}`, {
      expected: `at most ${CUBE_MAX_COLUMNS} columns`,
      found: String(n),
    });
  }
  const combinations = 1 << n;
  let nullMask = 0;
  for (let i = 0; i < n; i++) {
    if (columns[i] !== null && columns[i] !== undefined) nullMask |= 1 << (n - 1 - i);
  }
  const result: unknown[][] = [];
  for (let mask = 0; mask < combinations; mask++) {
    if ((mask & nullMask) !== mask) continue; // a logical duplicate of another row
    const row = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      // bit (n - 1 - i) stands for column i
      row[i] = (mask & (1 << (n - 1 - i))) === 0 ? null : (columns[i] ?? null);
    }
    result.push(row);
  }
  return result;
}

export const cubeExplode: TableFunction = {
  name: 'CUBE_EXPLODE',
  declaredName: 'cube_explode',
  author: CONFLUENT,
  category: 'TABLE',
  description:
    'Takes as argument a list of columns and outputs all possible combinations of them. It produces 2^d new rows where d is the number of columns given as parameter. Duplicate entries for columns with null value are skipped.',
  overloads: [{ params: [ARRAY_OF_T], paramNames: ['columns'], returns: ARRAY_OF_T, implementation: cubeCombinations }],
};
