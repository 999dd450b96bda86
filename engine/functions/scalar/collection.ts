/**
 * ARRAY and MAP functions: ARRAY_CONCAT, ARRAY_CONTAINS, ARRAY_DISTINCT, ARRAY_EXCEPT,
 * ARRAY_INTERSECT, ARRAY_JOIN, ARRAY_LENGTH, ARRAY_MAX, ARRAY_MIN, ARRAY_REMOVE, ARRAY_SORT,
 * ARRAY_UNION, GENERATE_SERIES, SLICE; AS_MAP, ENTRIES, MAP_KEYS, MAP_VALUES, MAP_UNION.
 *
 * Element equality is Java's equals (deep for nested arrays, maps and structs); set operations
 * keep first-occurrence order (Java's LinkedHashSet); ordering is Java's natural order (nulls
 * last for ARRAY_SORT; a non-comparable element type fails at run time, as in ksqlDB).
 * ARRAY_JOIN prints elements as Java's toString does (`1.0` for a DOUBLE).
 */
import type { ScalarFunction } from '../types.js';
import type { SqlType } from '../deps.js';
import { Decimal, javaDoubleToString, javaLongToString, structType } from '../deps.js';
import {
  BIGINT,
  BOOLEAN,
  CONFLUENT,
  DOUBLE,
  INTEGER,
  STRING,
  T,
  arrayOf,
  checkResultSize,
  functionError,
  mapOf,
  overload,
  primitive,
  scalar,
} from './define.js';
import { compareValues, javaEquals, valueKey } from '../java/values.js';

type List = readonly unknown[];

function distinct(values: List): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of values) {
    const key = valueKey(v);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

function keySet(values: List): Set<string> {
  const set = new Set<string>();
  for (const v of values) set.add(valueKey(v));
  return set;
}

/** Java class names ksqlDB's ARRAY_JOIN mentions when it meets a non-primitive element. */
const JAVA_CLASS: Partial<Record<SqlType['kind'], string>> = {
  DATE: 'java.sql.Date',
  TIME: 'java.sql.Time',
  TIMESTAMP: 'java.sql.Timestamp',
  BYTES: 'java.nio.HeapByteBuffer',
  ARRAY: 'java.util.ArrayList',
  MAP: 'java.util.HashMap',
  STRUCT: 'org.apache.kafka.connect.data.Struct',
};

function elementPrinter(element: SqlType | null): (v: unknown) => string {
  switch (element?.kind) {
    case 'DOUBLE':
      return (v) => javaDoubleToString(v as number);
    case 'INTEGER':
    case 'BIGINT':
      return (v) => javaLongToString(v as number);
    case 'DECIMAL':
      return (v) => (v as Decimal).toJavaString();
    case 'BOOLEAN':
      return (v) => (v ? 'true' : 'false');
    case 'STRING':
      return (v) => v as string;
    case undefined:
      return (v) => (typeof v === 'number' ? javaLongToString(v) : v instanceof Decimal ? v.toJavaString() : String(v));
    default: {
      const javaClass = JAVA_CLASS[element!.kind] ?? element!.kind;
      return () => {
        throw functionError(`error: hit element of type ${javaClass} which is currently not supported`);
      };
    }
  }
}

function joiner(element: SqlType | null): (array: List | null, delimiter: string | null) => string | null {
  const print = elementPrinter(element);
  return (array, delimiter) => {
    if (array === null) return null;
    const sep = delimiter ?? '';
    let out = '';
    for (let i = 0; i < array.length; i++) {
      if (i > 0) out += sep;
      const v = array[i];
      out += v === null || v === undefined ? 'null' : print(v);
    }
    return out;
  };
}

function elementTypeOf(type: SqlType | null | undefined): SqlType | null {
  return type?.kind === 'ARRAY' ? type.element : null;
}

function extreme(input: List | null, sign: number): unknown {
  if (input === null) return null;
  let candidate: unknown = null;
  for (const v of input) {
    if (v === null || v === undefined) continue;
    if (candidate === null || sign * compareValues(v, candidate) > 0) candidate = v;
  }
  return candidate;
}

const ASC = ['ASC', 'ASCENDING'];
const DESC = ['DESC', 'DESCENDING'];

function sortArray(input: List | null, direction: string | null): unknown[] | null {
  if (input === null || direction === null) return null;
  const d = direction.toUpperCase();
  let sign: number;
  if (ASC.includes(d)) sign = 1;
  else if (DESC.includes(d)) sign = -1;
  else return null;
  return [...input].sort((a, b) => {
    const an = a === null || a === undefined;
    const bn = b === null || b === undefined;
    if (an || bn) return an === bn ? 0 : an ? 1 : -1;
    return sign * compareValues(a, b);
  });
}

/** Java `(int)` of a long. */
function longToInt(n: number): number {
  return Number(BigInt.asIntN(32, BigInt(Math.trunc(n))));
}

function series(start: number, end: number, step: number, intValues: boolean): number[] {
  if (step === 0) throw functionError('GENERATE_SERIES step cannot be zero');
  const diff = intValues ? (end - start) | 0 : end - start;
  if ((diff > 0 && step < 0) || (diff < 0 && step > 0)) throw functionError('GENERATE_SERIES step has wrong sign');
  const size = intValues ? 1 + Math.trunc(diff / step) : 1 + longToInt(diff / step);
  if (size < 0) throw functionError(`Illegal Capacity: ${size}`);
  checkResultSize(size, 'GENERATE_SERIES');
  const out: number[] = new Array(size);
  let v = start;
  for (let i = 0; i < size; i++) {
    out[i] = v;
    v = intValues ? (v + step) | 0 : v + step;
  }
  return out;
}

function entries(map: Map<string, unknown> | null, sorted: boolean | null): Record<string, unknown>[] | null {
  const isSorted = primitive(sorted, 'ENTRIES', 'sorted');
  if (map === null) return null;
  let list = [...map];
  if (isSorted) list = list.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return list.map(([k, v]) => ({ K: k, V: v ?? null }));
}

function entriesType(value: SqlType): SqlType {
  return arrayOf(structType([
    { name: 'K', type: STRING },
    { name: 'V', type: value },
  ])) as SqlType;
}

export const collectionFunctions: readonly ScalarFunction[] = [
  scalar(
    {
      name: 'ARRAY_CONCAT',
      declaredName: 'array_concat',
      category: 'ARRAY',
      description:
        'Concatenates two arrays, creating an array that contains all the elements in the first array followed by all the elements in the second array. Returns NULL if both input arrays are NULL. If only one argument is NULL, the result is the other argument. The two arrays must be of the same type.',
    },
    [
      overload(
        [arrayOf(T), arrayOf(T)],
        arrayOf(T),
        (left: List | null, right: List | null) => {
          if (left === null && right === null) return null;
          return [...(left ?? []), ...(right ?? [])];
        },
        { names: ['left', 'right'], docs: ['First array of values', 'Second array of values'] },
      ),
    ],
  ),
  scalar({ name: 'ARRAY_CONTAINS', category: 'ARRAY', author: CONFLUENT, description: 'Returns true if the array is non-null and contains the supplied value.' }, [
    overload([arrayOf(T), T], BOOLEAN, (array: List | null, val: unknown) => array !== null && array.some((e) => javaEquals(e ?? null, val ?? null)), {
      names: ['array', 'val'],
    }),
  ]),
  scalar(
    {
      name: 'ARRAY_DISTINCT',
      declaredName: 'array_distinct',
      category: 'ARRAY',
      description:
        'Returns an array of all the distinct values, including NULL if present, from the input array. The output array elements will be in order of their first occurrence in the input. Returns NULL if the input array is NULL.',
    },
    [overload([arrayOf(T)], arrayOf(T), (input: List | null) => (input === null ? null : distinct(input)), { names: ['input'], docs: ['Array of values to distinct'] })],
  ),
  scalar(
    {
      name: 'ARRAY_EXCEPT',
      declaredName: 'array_except',
      category: 'ARRAY',
      description:
        'Returns an array of all the elements in an array except for those also present in a second array. The order of entries in the first array is preserved although any duplicates are removed. Returns NULL if either input is NULL.',
    },
    [
      overload(
        [arrayOf(T), arrayOf(T)],
        arrayOf(T),
        (left: List | null, right: List | null) => {
          if (left === null || right === null) return null;
          const exclude = keySet(right);
          return distinct(left).filter((e) => !exclude.has(valueKey(e)));
        },
        { names: ['left', 'right'], docs: ['Array of values', 'Array of exceptions'] },
      ),
    ],
  ),
  scalar(
    {
      name: 'ARRAY_INTERSECT',
      declaredName: 'array_intersect',
      category: 'ARRAY',
      description:
        'Returns an array of all the distinct elements from the intersection of both input arrays, or NULL if either input array is NULL. The order of entries in the output is the same as in the first input array.',
    },
    [
      overload(
        [arrayOf(T), arrayOf(T)],
        arrayOf(T),
        (left: List | null, right: List | null) => {
          if (left === null || right === null) return null;
          const keep = keySet(right);
          return distinct(left).filter((e) => keep.has(valueKey(e)));
        },
        { names: ['left', 'right'], docs: ['First array of values', 'Second array of values'] },
      ),
    ],
  ),
  scalar({ name: 'ARRAY_JOIN', category: 'ARRAY', author: CONFLUENT, description: 'joins the array elements into a flat string representation' }, [
    overload([arrayOf(T)], STRING, (array: List | null) => joiner(null)(array, ','), {
      names: ['array'],
      docs: ["the array to join using the default delimiter ','"],
      implementationFor: (types) => {
        const join = joiner(elementTypeOf(types[0]));
        return (array: List | null) => join(array, ',');
      },
    }),
    overload([arrayOf(T), STRING], STRING, joiner(null), {
      names: ['array', 'delimiter'],
      docs: ['the array to join using the specified delimiter', 'the string to be used as element delimiter'],
      implementationFor: (types) => joiner(elementTypeOf(types[0])),
    }),
  ]),
  scalar({ name: 'ARRAY_LENGTH', category: 'ARRAY', author: CONFLUENT, description: 'Returns the length on an array' }, [
    overload([arrayOf(T)], INTEGER, (array: List | null) => (array === null ? null : array.length), { names: ['array'], docs: ['The array'] }),
  ]),
  scalar(
    {
      name: 'ARRAY_MAX',
      declaredName: 'array_max',
      category: 'ARRAY',
      description: 'Return the maximum value from within an array of primitive values, according to their natural sort order. If the array is NULL, or contains only NULLs, return NULL.',
    },
    [overload([arrayOf(T)], T, (input: List | null) => extreme(input, 1), { names: ['input'], docs: ['Array of values from which to find the maximum'] })],
  ),
  scalar(
    {
      name: 'ARRAY_MIN',
      declaredName: 'array_min',
      category: 'ARRAY',
      description: 'Return the minimum value from within an array of primitive values, according to their natural sort order. If the array is NULL, or contains only NULLs, return NULL.',
    },
    [overload([arrayOf(T)], T, (input: List | null) => extreme(input, -1), { names: ['input'], docs: ['Array of values from which to find the minimum'] })],
  ),
  scalar(
    {
      name: 'ARRAY_REMOVE',
      declaredName: 'array_remove',
      category: 'ARRAY',
      description: 'Removes all the elements equal to a specific value from an array. Returns NULL if the input array is NULL.',
    },
    [
      overload([arrayOf(T), T], arrayOf(T), (array: List | null, victim: unknown) => (array === null ? null : array.filter((e) => !javaEquals(e ?? null, victim ?? null))), {
        names: ['array', 'victim'],
        docs: ['Array of values', 'Value to remove'],
      }),
    ],
  ),
  scalar(
    {
      name: 'ARRAY_SORT',
      declaredName: 'array_sort',
      category: 'ARRAY',
      description: 'Sort an array of primitive values, according to their natural sort order. Any NULLs in the array will be placed at the end.',
    },
    [
      overload([arrayOf(T)], arrayOf(T), (input: List | null) => sortArray(input, 'ASC'), { names: ['input'], docs: ['The array to sort'] }),
      overload([arrayOf(T), STRING], arrayOf(T), sortArray, { names: ['input', 'direction'], docs: ['The array to sort', 'Marks the end of the series (inclusive)'] }),
    ],
  ),
  scalar(
    {
      name: 'ARRAY_UNION',
      declaredName: 'array_union',
      category: 'ARRAY',
      description: 'Returns an array of all the distinct elements from both input arrays, or NULL if either array is NULL.',
    },
    [
      overload(
        [arrayOf(T), arrayOf(T)],
        arrayOf(T),
        (left: List | null, right: List | null) => (left === null || right === null ? null : distinct([...left, ...right])),
        { names: ['left', 'right'], docs: ['First array of values', 'Second array of values'] },
      ),
    ],
  ),
  scalar({ name: 'ENTRIES', category: 'MAP', author: CONFLUENT, description: 'Construct an array from the entries in a map.The array can be optionally sorted on the keys.' }, [
    ...([INTEGER, BIGINT, DOUBLE, BOOLEAN, STRING] as const).map((value) =>
      overload([mapOf(STRING, value), BOOLEAN], entriesType(value), entries, {
        names: ['map', 'sorted'],
        docs: ['The map to create entries from', 'If true then the resulting entries are sorted by key'],
      }),
    ),
  ]),
  scalar({ name: 'GENERATE_SERIES', category: 'ARRAY', author: CONFLUENT, description: 'Construct an array of a range of values' }, [
    overload(
      [INTEGER, INTEGER],
      arrayOf(INTEGER),
      (start: number | null, end: number | null) => {
        const s = primitive(start, 'GENERATE_SERIES', 'start');
        const e = primitive(end, 'GENERATE_SERIES', 'end');
        return series(s, e, ((e - s) | 0) > 0 ? 1 : -1, true);
      },
      { names: ['start', 'end'], docs: ['The beginning of the series', 'Marks the end of the series (inclusive)'] },
    ),
    overload(
      [INTEGER, INTEGER, INTEGER],
      arrayOf(INTEGER),
      (start: number | null, end: number | null, step: number | null) =>
        series(primitive(start, 'GENERATE_SERIES', 'start'), primitive(end, 'GENERATE_SERIES', 'end'), primitive(step, 'GENERATE_SERIES', 'step'), true),
      { names: ['start', 'end', 'step'], docs: ['The beginning of the series', 'Marks the end of the series (inclusive)', 'Difference between each value in the series'] },
    ),
    overload(
      [BIGINT, BIGINT],
      arrayOf(BIGINT),
      (start: number | null, end: number | null) => {
        const s = primitive(start, 'GENERATE_SERIES', 'start');
        const e = primitive(end, 'GENERATE_SERIES', 'end');
        return series(s, e, e - s > 0 ? 1 : -1, false);
      },
      { names: ['start', 'end'], docs: ['The beginning of the series', 'Marks the end of the series (inclusive)'] },
    ),
    overload(
      [BIGINT, BIGINT, INTEGER],
      arrayOf(BIGINT),
      (start: number | null, end: number | null, step: number | null) =>
        series(primitive(start, 'GENERATE_SERIES', 'start'), primitive(end, 'GENERATE_SERIES', 'end'), primitive(step, 'GENERATE_SERIES', 'step'), false),
      { names: ['start', 'end', 'step'], docs: ['The beginning of the series', 'Marks the end of the series (inclusive)', 'Difference between each value in the series'] },
    ),
  ]),
  scalar({ name: 'SLICE', declaredName: 'slice', category: 'ARRAY', author: CONFLUENT, description: 'slice of an ARRAY' }, [
    overload(
      [arrayOf(T), INTEGER, INTEGER],
      arrayOf(T),
      (input: List | null, from: number | null, to: number | null) => {
        if (input === null) return null;
        const start = from === null ? 0 : from - 1;
        const end = to === null ? input.length : to;
        if (start < 0 || end > input.length || start > end) return null;
        return input.slice(start, end);
      },
      { names: ['in', 'from', 'to'], docs: ['the input array', 'start index', 'end index'] },
    ),
  ]),

  // ---- maps ----
  scalar({ name: 'AS_MAP', category: 'MAP', author: CONFLUENT, description: 'Construct a list based on some inputs' }, [
    overload(
      [arrayOf(STRING), arrayOf(T)],
      mapOf(STRING, T),
      (keys: List | null, values: List | null) => {
        if (keys === null || values === null) return null;
        const out = new Map<unknown, unknown>();
        keys.forEach((k, i) => out.set(k ?? null, i >= values.length ? null : (values[i] ?? null)));
        return out;
      },
      { names: ['keys', 'values'] },
    ),
  ]),
  scalar({ name: 'MAP_KEYS', declaredName: 'map_keys', category: 'MAP', description: 'Returns an array of all the keys from the specified map, or NULL if the input map is NULL.' }, [
    overload([mapOf(STRING, T)], arrayOf(STRING), (input: Map<unknown, unknown> | null) => (input === null ? null : [...input.keys()]), { names: ['input'] }),
  ]),
  scalar({ name: 'MAP_VALUES', declaredName: 'map_values', category: 'MAP', description: 'Returns an array of all the values from the specified map, or NULL if the input map is NULL.' }, [
    overload([mapOf(STRING, T)], arrayOf(T), (input: Map<unknown, unknown> | null) => (input === null ? null : [...input.values()]), { names: ['input'] }),
  ]),
  scalar(
    {
      name: 'MAP_UNION',
      declaredName: 'map_union',
      category: 'MAP',
      description:
        'Returns a new map containing the union of all entries from both input maps. If a key is present in both input maps then the value from map2 is the one which appears in the result. Returns NULL if all of the input maps are NULL.',
    },
    [
      overload(
        [mapOf(STRING, T), mapOf(STRING, T)],
        mapOf(STRING, T),
        (map1: Map<unknown, unknown> | null, map2: Map<unknown, unknown> | null) => {
          if (map1 === null && map2 === null) return null;
          const out = new Map<unknown, unknown>(map1 ?? []);
          if (map2 !== null) for (const [k, v] of map2) out.set(k, v);
          return out;
        },
        { names: ['map1', 'map2'], docs: ['first map to union', 'second map to union'] },
      ),
    ],
  ),
];
