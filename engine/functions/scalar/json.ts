/**
 * JSON functions: EXTRACTJSONFIELD, IS_JSON_STRING, JSON_ARRAY_CONTAINS, JSON_ARRAY_LENGTH,
 * JSON_CONCAT, JSON_ITEMS, JSON_KEYS, JSON_RECORDS, TO_JSON_STRING (JSON parsing and printing as
 * Jackson does it, see java/json.ts).
 *
 * Invalid JSON fails the call for the functions whose ksqlDB implementation throws (JSON_KEYS,
 * JSON_RECORDS, JSON_ARRAY_LENGTH, JSON_CONCAT, JSON_ITEMS, EXTRACTJSONFIELD), which the
 * expression evaluator turns into NULL plus a processing-log entry; IS_JSON_STRING and
 * JSON_ARRAY_CONTAINS answer false instead.
 */
import type { ScalarFunction } from '../types.js';
import type { SqlType } from '../deps.js';
import { Decimal, formatDate, formatTime, formatTimestamp, javaDoubleToString, javaLongToString } from '../deps.js';
import { BOOLEAN, CONFLUENT, INTEGER, STRING, T, arrayOf, functionError, mapOf, overload, scalar } from './define.js';
import { type JsonNode, JsonReader, JsonSyntaxError, nodeToString, parseJson, quoteJson, tryParseJson, writeJson } from '../java/json.js';

const CATEGORY = 'JSON';

/** UdfJsonMapper.parseJson: the tree, null for the missing node; invalid JSON fails the call. */
function parseOrFail(text: string): JsonNode | null {
  try {
    return parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw functionError(`Invalid JSON format:${text}`, { cause: e.message });
    throw e;
  }
}

// ---- EXTRACTJSONFIELD's JSONPath tokenizer ----

function isLetterOrDigit(c: string): boolean {
  return /[\p{L}\p{Nd}]/u.test(c);
}

function invalidPath(path: string): Error {
  return functionError(`Invalid JSON path: '${path}'`);
}

/** ksqlDB's JsonPathTokenizer: `$.a.b[0]["c d"]` → ['a', 'b', '0', 'c d']. */
export function tokenizeJsonPath(path: string): string[] {
  if (path.length === 0 || path[0] !== '$') throw invalidPath(path);
  const tokens: string[] = [];
  let i = 1;
  const unquotedSubscript = (c: string): boolean => c === '_' || isLetterOrDigit(c);
  const unquotedPath = (c: string): boolean => c === ':' || c === '@' || unquotedSubscript(c);
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      i++;
      const start = i;
      while (i < path.length && unquotedPath(path[i]!)) i++;
      if (i === start) throw invalidPath(path);
      tokens.push(path.slice(start, i));
    } else if (c === '[') {
      i++;
      let token: string;
      if (path[i] === '"') {
        i++;
        token = '';
        let escaped = false;
        while (i < path.length && (escaped || path[i] !== '"')) {
          const ch = path[i]!;
          if (escaped) {
            if (ch !== '"' && ch !== '\\') throw invalidPath(path);
            token += ch;
            escaped = false;
          } else if (ch === '\\') {
            escaped = true;
          } else {
            token += ch;
          }
          i++;
        }
        if (escaped || path[i] !== '"') throw invalidPath(path);
        i++;
      } else {
        const start = i;
        while (i < path.length && unquotedSubscript(path[i]!)) i++;
        if (i === start) throw invalidPath(path);
        token = path.slice(start, i);
      }
      if (path[i] !== ']') throw invalidPath(path);
      i++;
      tokens.push(token);
    } else {
      throw invalidPath(path);
    }
  }
  return tokens;
}

let lastPath: string | null = null;
let lastTokens: string[] = [];

function extractJsonField(input: string | null, path: string | null): string | null {
  if (input === null || path === null) return null;
  if (lastPath !== path) {
    lastTokens = tokenizeJsonPath(path);
    lastPath = path;
  }
  let node = parseOrFail(input);
  for (const token of lastTokens) {
    if (node === null) return null;
    if (node.t === 'array') {
      if (!/^[+-]?\d+$/.test(token) || !Number.isSafeInteger(Number(token)) || Math.abs(Number(token)) > 2147483647) return null;
      node = node.items[Number(token)] ?? null;
    } else if (node.t === 'object') {
      node = node.entries.get(token) ?? null;
    } else {
      return null;
    }
    if (node === null) return null;
  }
  if (node !== null && node.t === 'string') return node.value;
  return nodeToString(node);
}

// ---- JSON_ARRAY_CONTAINS ----

type Matcher = (node: JsonNode) => boolean;

function containsMatcher(type: SqlType | null, val: unknown): Matcher {
  if (val === null || val === undefined) return (n) => n.t === 'null';
  switch (type?.kind) {
    case 'INTEGER':
    case 'BIGINT': {
      const min = type.kind === 'INTEGER' ? -2147483648n : -9223372036854775808n;
      const max = type.kind === 'INTEGER' ? 2147483647n : 9223372036854775807n;
      const wanted = BigInt(val as number);
      return (n) => {
        if (n.t !== 'int') return false;
        const v = BigInt(n.text);
        if (v < min || v > max) throw new JsonSyntaxError('Numeric value out of range'); // Jackson's coercion failure ends the search
        return v === wanted;
      };
    }
    case 'DOUBLE':
      // Double.equals: NaN equals NaN, 0.0 differs from -0.0
      return (n) => n.t === 'float' && Object.is(Number(n.text), val);
    case 'STRING':
      return (n) => n.t === 'string' && n.value === val;
    case 'BOOLEAN':
      return (n) => n.t === 'bool' && n.value === val;
    case undefined:
      if (typeof val === 'string') return (n) => n.t === 'string' && n.value === val;
      if (typeof val === 'boolean') return (n) => n.t === 'bool' && n.value === val;
      if (typeof val === 'number') return (n) => n.t === 'int' && BigInt(n.text) === BigInt(Math.trunc(val)) && Number.isInteger(val);
      return () => false;
    default:
      // DECIMAL, BYTES, DATE/TIME/TIMESTAMP, ARRAY, MAP, STRUCT never match a JSON token in ksqlDB
      return () => false;
  }
}

function jsonArrayContains(type: SqlType | null): (json: string | null, val: unknown) => boolean {
  return (json, val) => {
    if (json === null) throw functionError('JSON_ARRAY_CONTAINS: the JSON array is null');
    const matches = containsMatcher(type, val);
    const reader = new JsonReader(json);
    try {
      reader.skipSpace();
      if (reader.peek() !== 91 /* [ */) return false;
      reader.pos++;
      reader.skipSpace();
      if (reader.peek() === 93) return false;
      for (;;) {
        const element = reader.value(1, false);
        if (matches(element)) return true;
        reader.skipSpace();
        const c = reader.peek();
        if (c === 44) {
          reader.pos++;
          continue;
        }
        if (c === 93) return false;
        return false; // malformed: Jackson would throw, which ksqlDB answers with false
      }
    } catch (e) {
      if (e instanceof JsonSyntaxError) return false;
      throw e;
    }
  };
}

// ---- TO_JSON_STRING ----

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ksqlDB's ToJsonString: Jackson over the value, maps and structs with sorted keys. */
export function toJsonString(value: unknown, type: SqlType | null): string {
  if (value === null || value === undefined) return 'null';
  if (type === null) return guessJson(value);
  switch (type.kind) {
    case 'BOOLEAN':
      return value ? 'true' : 'false';
    case 'INTEGER':
    case 'BIGINT':
      return javaLongToString(value as number);
    case 'DOUBLE': {
      const d = value as number;
      return Number.isFinite(d) ? javaDoubleToString(d) : quoteJson(javaDoubleToString(d));
    }
    case 'DECIMAL':
      return (value as Decimal).toString();
    case 'STRING':
      return quoteJson(value as string);
    case 'BYTES':
      return quoteJson((value as Buffer).toString('base64'));
    case 'DATE':
      return quoteJson(formatDate(value as number));
    case 'TIME':
      return quoteJson(formatTime(value as number));
    case 'TIMESTAMP':
      return quoteJson(formatTimestamp(value as number));
    case 'ARRAY':
      return '[' + (value as readonly unknown[]).map((e) => toJsonString(e, type.element)).join(',') + ']';
    case 'MAP': {
      const entries = [...(value as Map<unknown, unknown>)].map(([k, v]) => [String(k), v] as [string, unknown]);
      entries.sort((a, b) => compareKeys(a[0], b[0]));
      const unique = new Map(entries);
      return '{' + [...unique].map(([k, v]) => quoteJson(k) + ':' + toJsonString(v, type.value)).join(',') + '}';
    }
    case 'STRUCT': {
      const obj = value as Record<string, unknown>;
      const fields = [...type.fields].sort((a, b) => compareKeys(a.name, b.name));
      return '{' + fields.map((f) => quoteJson(f.name) + ':' + toJsonString(obj[f.name] ?? null, f.type)).join(',') + '}';
    }
  }
}

/** Best effort for a value whose type is unknown (only reachable for a NULL literal argument). */
function guessJson(value: unknown): string {
  if (typeof value === 'string') return quoteJson(value);
  if (typeof value === 'number') return Number.isInteger(value) ? javaLongToString(value) : javaDoubleToString(value);
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Decimal) return value.toString();
  if (Buffer.isBuffer(value)) return quoteJson(value.toString('base64'));
  if (Array.isArray(value)) return '[' + value.map((v) => (v === null ? 'null' : guessJson(v))).join(',') + ']';
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => [String(k), v] as [string, unknown]).sort((a, b) => compareKeys(a[0], b[0]));
    return '{' + entries.map(([k, v]) => quoteJson(k) + ':' + (v === null ? 'null' : guessJson(v))).join(',') + '}';
  }
  const entries = Object.entries(value as Record<string, unknown>).sort((a, b) => compareKeys(a[0], b[0]));
  return '{' + entries.map(([k, v]) => quoteJson(k) + ':' + (v === null || v === undefined ? 'null' : guessJson(v))).join(',') + '}';
}

// ---- JSON_CONCAT ----

function jsonConcat(...inputs: (string | null)[]): string | null {
  const nodes: JsonNode[] = [];
  let allObjects = true;
  for (const s of inputs) {
    if (s === null) return null;
    const node = parseOrFail(s);
    if (node === null) return null;
    if (node.t !== 'object') allObjects = false;
    nodes.push(node);
  }
  if (nodes.length === 0) return null;
  let result: JsonNode;
  if (allObjects) {
    const entries = new Map<string, JsonNode>();
    for (const n of nodes) for (const [k, v] of (n as Extract<JsonNode, { t: 'object' }>).entries) entries.set(k, v);
    result = { t: 'object', entries };
  } else {
    const items: JsonNode[] = [];
    for (const n of nodes) {
      if (n.t === 'array') items.push(...n.items);
      else items.push(n);
    }
    result = { t: 'array', items };
  }
  return writeJson(result);
}

export const jsonFunctions: readonly ScalarFunction[] = [
  scalar(
    {
      name: 'EXTRACTJSONFIELD',
      declaredName: 'extractjsonfield',
      category: CATEGORY,
      description: 'Given a STRING that contains JSON data, extract the value at the specified  JSONPath or NULL if the specified path does not exist.',
    },
    [overload([STRING, STRING], STRING, extractJsonField, { names: ['input', 'path'], docs: ['The input JSON string', 'The JSONPath to extract'] })],
  ),
  scalar(
    { name: 'IS_JSON_STRING', category: CATEGORY, author: CONFLUENT, description: 'Given a string, returns true if it can be parsed as a valid JSON value, false otherwise.' },
    [
      overload(
        [STRING],
        BOOLEAN,
        (input: string | null) => {
          if (input === null) return false;
          const node = tryParseJson(input);
          return node !== undefined && node !== null;
        },
        { names: ['input'], docs: ['The input JSON string'] },
      ),
    ],
  ),
  scalar(
    { name: 'JSON_ARRAY_CONTAINS', category: CATEGORY, author: CONFLUENT, description: 'Parses a JSON array and determines whether or not the supplied value is contained within the array.' },
    [
      overload([STRING, T], BOOLEAN, jsonArrayContains(null), {
        names: ['jsonArray', 'val'],
        implementationFor: (types) => jsonArrayContains(types[1] ?? null),
      }),
    ],
  ),
  scalar(
    {
      name: 'JSON_ARRAY_LENGTH',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        "Given a string, parses it as a JSON value and returns the length of the top-level array. Returns NULL if the string can't be interpreted as a JSON array, for example, when the string is `NULL` or it does not contain valid JSON, or the JSON value is not an array.",
    },
    [
      overload(
        [STRING],
        INTEGER,
        (json: string | null) => {
          if (json === null) return null;
          const node = parseOrFail(json);
          return node === null || node.t !== 'array' ? null : node.items.length;
        },
        { names: ['jsonArray'] },
      ),
    ],
  ),
  scalar(
    {
      name: 'JSON_CONCAT',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        "Given N strings, parse them as JSON values and return a string representing their concatenation. Concatenation rules are identical to PostgreSQL's || operator:\n* If all strings deserialize into JSON objects, return an object with a union of the input keys. If there are duplicate objects, take values from the last object.\n* If all strings deserialize into JSON arrays, return the result of array concatenation.\n* If at least one of the deserialized values is not an object, convert non-array inputs to a single-element array and return the result of array concatenation.\n* If at least one of the input strings is `NULL` or can't be deserialized as JSON, return NULL.\nSimilar to the PostgreSQL's || operator, this function merges only top-level object keys or arrays.",
    },
    [overload([STRING], STRING, jsonConcat, { variadic: true, names: ['jsonStrings'] })],
  ),
  scalar(
    {
      name: 'JSON_ITEMS',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        'Given a string with JSON array, converts it to a ksqlDB array of JSON strings. Returns `NULL` if the string can not be interpreted as a JSON array, for example, when the string is `NULL` or it does not contain valid JSON, or the JSON value is not an array.',
    },
    [
      overload(
        [STRING],
        arrayOf(STRING),
        (json: string | null) => {
          if (json === null) return null;
          const node = parseOrFail(json);
          if (node === null || node.t !== 'array') throw functionError(`Invalid JSON format:${json}`);
          return node.items.map((item) => nodeToString(item));
        },
        { names: ['jsonItems'] },
      ),
    ],
  ),
  scalar(
    {
      name: 'JSON_KEYS',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        "Given a string, parses it as a JSON object and returns a ksqlDB array of strings representing the top-level keys. Returns NULL if the string can't be interpreted as a JSON object, for example, when the string is NULL or it does not contain valid JSON, or the JSON value is not an object.",
    },
    [
      overload(
        [STRING],
        arrayOf(STRING),
        (json: string | null) => {
          if (json === null) return null;
          const node = parseOrFail(json);
          return node === null || node.t !== 'object' ? null : [...node.entries.keys()];
        },
        { names: ['jsonObj'] },
      ),
    ],
  ),
  scalar(
    {
      name: 'JSON_RECORDS',
      category: CATEGORY,
      author: CONFLUENT,
      description:
        "Given a string, parses it as a JSON object and returns a map representing the top-level keys and values. Returns `NULL` if the string can't be interpreted as a JSON object, i.e. it is `NULL` or it does not contain valid JSON, or the JSON value is not an object.",
    },
    [
      overload(
        [STRING],
        mapOf(STRING, STRING),
        (json: string | null) => {
          if (json === null) return null;
          const node = parseOrFail(json);
          if (node === null || node.t !== 'object') return null;
          const out = new Map<string, string>();
          for (const [k, v] of node.entries) out.set(k, v.t === 'string' ? v.value : nodeToString(v));
          return out;
        },
        { names: ['jsonObj'] },
      ),
    ],
  ),
  scalar({ name: 'TO_JSON_STRING', category: CATEGORY, author: CONFLUENT, description: 'Given any ksqlDB type returns the equivalent JSON string.' }, [
    overload([T], STRING, (input: unknown) => toJsonString(input, null), {
      names: ['input'],
      implementationFor: (types) => {
        const type = types[0] ?? null;
        return (input: unknown) => toJsonString(input, type);
      },
    }),
  ]),
];
