/**
 * HISTOGRAM(STRING), as ksqlDB's HistogramUdaf: how many times each distinct value occurs, as a
 * MAP<STRING, BIGINT> (state and result), at most 1000 entries (new values beyond are ignored; a
 * null value is counted under a null key, as Java's HashMap does). Table aggregate: undo
 * decrements and drops an entry at 0.
 */
import type { AggregateFunction } from './types.js';
import { BIGINT, CONFLUENT, STRING, mapOf, udaf } from './define.js';
import { mapType } from './deps.js';

export const HISTOGRAM_LIMIT = 1000;

const TYPE = mapType(STRING, BIGINT);

export const histogram: AggregateFunction = udaf(
  {
    name: 'HISTOGRAM',
    declaredName: 'histogram',
    author: CONFLUENT,
    description:
      'Returns a map of each distinct String from the input Stream or Table and how many times each occurs. \n' +
      'This version limits the size of the resultant Map to 1000 entries. Any entries added beyond this limit will be ignored.',
  },
  [
    {
      columns: [STRING],
      returns: mapOf(STRING, BIGINT),
      description: 'Build a value-to-count histogram of input Strings',
      undo: true,
      build: () => ({
        aggregateType: TYPE,
        returnType: TYPE,
        input: 'value',
        initialize: () => new Map<string | null, number>(),
        aggregate: (value: unknown, counts: Map<string | null, number>) => {
          const key = (value ?? null) as string | null;
          const current = counts.get(key);
          if (current !== undefined) counts.set(key, current + 1);
          else if (counts.size < HISTOGRAM_LIMIT) counts.set(key, 1);
          return counts;
        },
        undo: (value: unknown, counts: Map<string | null, number>) => {
          const key = (value ?? null) as string | null;
          const current = counts.get(key);
          if (current === undefined) return counts;
          if (current - 1 < 1) counts.delete(key);
          else counts.set(key, current - 1);
          return counts;
        },
        merge: (one: Map<string | null, number>, two: Map<string | null, number>) => {
          for (const [key, n] of two) {
            const current = one.get(key);
            if (current !== undefined) one.set(key, current + n);
            else if (one.size < HISTOGRAM_LIMIT) one.set(key, n);
          }
          return one;
        },
        map: (counts: Map<string | null, number>) => new Map(counts),
      }),
    },
  ],
);
