/**
 * ATTR(col), as ksqlDB's Attr: the group's single value, or null when it has seen more than one
 * distinct value (nulls count as a value). State: ARRAY<STRUCT<VALUE T, COUNT INT>>, one entry per
 * distinct value with its current count (never below 0); the result is the one value whose count
 * is positive, else null. Table aggregate: undo decrements, so a group can become valid again.
 */
import type { AggregateFunction } from './types.js';
import { CONFLUENT, INTEGER, T, columnType, udaf } from './define.js';
import { arrayType, structType } from './deps.js';
import { javaEquals } from '../java/values.js';

interface AttrEntry {
  VALUE: unknown;
  COUNT: number;
}

function update(entries: AttrEntry[], value: unknown, count: number): AttrEntry[] {
  const v = value ?? null;
  for (const entry of entries) {
    if (javaEquals(entry.VALUE ?? null, v)) {
      entry.COUNT = Math.max(0, entry.COUNT + count);
      return entries;
    }
  }
  if (count > 0) entries.push({ VALUE: v, COUNT: count });
  return entries;
}

export const attr: AggregateFunction = udaf(
  {
    name: 'ATTR',
    description:
      'The ATTR() aggregation indicates there are multiple values, but only one was expected. For example, if aggregating against a table that semantically should have only one value for a column given a key, this aggregation enables users to indicate that they expect only a single value.\n\n' +
      'If the aggregation encounters more than a single value for the expected singular column, the entire aggregation will return null.',
  },
  [
    {
      columns: [T],
      returns: T,
      description: 'Collect as a singleton',
      undo: true,
      build: (init) => {
        const valueType = columnType(init);
        return {
          aggregateType: arrayType(
            structType([
              { name: 'VALUE', type: valueType },
              { name: 'COUNT', type: INTEGER },
            ]),
          ),
          returnType: valueType,
          input: 'value',
          initialize: () => [],
          aggregate: (value: unknown, entries: AttrEntry[]) => update(entries, value, 1),
          undo: (value: unknown, entries: AttrEntry[]) => update(entries, value, -1),
          merge: (one: AttrEntry[], two: AttrEntry[]) => {
            for (const entry of two) update(one, entry.VALUE, entry.COUNT);
            return one;
          },
          map: (entries: AttrEntry[]) => {
            let found: AttrEntry | null = null;
            for (const entry of entries) {
              if (entry.COUNT > 0) {
                if (found !== null) return null;
                found = entry;
              }
            }
            return found === null ? null : found.VALUE;
          },
        };
      },
    },
  ],
);
