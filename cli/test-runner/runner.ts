/**
 * Runs one test case of ksqlDB's query-validation format against an engine under test,
 * deterministically: statements in order, then each input record (in file order, to partition
 * 0, with its timestamp) processed to completion before the next, then outputs compared and
 * post-conditions checked. Stream time comes from record timestamps only.
 */
import type { SqlType } from '../../engine/types/index.js';
import { formatSqlType } from '../../engine/types/index.js';
import { format as formatSql, parseStatement, parseType } from '../../queries/parse/index.js';
import type { TestCase, TestRecord } from './corpus.js';
import { matchInterleaved, type ActualRecord } from './compare.js';
import { coerceTopLevelBytes } from './java-values.js';
import { NumberText, type JsonTree } from './lenient-json.js';
import {
  deserializeTestValue,
  serializeTestValue,
  unwrapWindowedKey,
  wrapWindowedKey,
  type TopicShape,
} from './test-serde.js';
import type { SchemaRegistry } from '../../registry/index.js';
import { REGISTRY_TEST_FORMATS, deserializeRegistryTestValue, serializeRegistryTestValue, type RegistrySide } from './registry-serde.js';
import { registerCaseSchemas } from './registry-setup.js';

export interface SourceInfo extends TopicShape {
  name: string;
  kind: 'STREAM' | 'TABLE';
  topic: string;
  keyColumns: ReadonlyArray<{ name: string; type: SqlType }>;
  valueColumns: ReadonlyArray<{ name: string; type: SqlType }>;
  headerColumns: ReadonlyArray<{ name: string; type: SqlType; headerKey: string | null }>;
}

export interface StoredRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestampMs: number;
  headers: Array<{ key: string; value: Buffer | null }>;
}

/** What the runner needs of an engine: SQL in, records in and out, metadata. */
export interface EngineUnderTest {
  createTopic(name: string, partitions: number): Promise<void>;
  hasTopic(name: string): boolean;
  listTopics(): string[];
  partitionCount(topic: string): number;
  /** Runs one statement; throws an error whose message (and `statementText`) the test checks. */
  execute(statement: string, properties: Record<string, unknown>): Promise<void>;
  produce(topic: string, partition: number, record: Omit<StoredRecord, 'partition' | 'offset'>): Promise<void>;
  /** Processes everything pending, downstream queries included, to completion. */
  drain(): Promise<void>;
  readTopic(topic: string): Promise<StoredRecord[]>;
  sources(): SourceInfo[];
  /** Processing errors of the running queries (SHOW QUERIES EXTENDED's queryErrors). */
  queryErrors(): string[];
  close(): Promise<void>;
  /** The schema registry the engine uses (AVRO / PROTOBUF / JSON_SR cases need one). */
  readonly registry?: SchemaRegistry;
}

export interface RunCaseOptions {
  /** The engine has a schema registry: run AVRO / PROTOBUF / JSON_SR cases instead of skipping them. */
  registry?: boolean;
}

export type CaseOutcome = { status: 'pass'; notes: string[] } | { status: 'fail'; reason: string } | { status: 'skip'; reason: string };

const TEST_ONLY_FUNCTIONS = [
  'TEST_UDAF', 'FIVE_ARG', 'FOUR_ARG', 'GENERIC_VAR_ARG', 'MID_VAR_ARG', 'MULTI_ARG', 'OBJ_COL_ARG', 'VAR_ARG',
  'TEST_UDF', 'TEST_UDTF', 'THROWING_UDTF', 'BAD_TEST_UDF', 'WHENCONDITION', 'WHENRESULT',
];
const UNSUPPORTED_FORMATS = /^(AVRO|PROTOBUF|PROTOBUF_NOSR|JSON_SR)$/;
const SYSTEM_COLUMNS = new Set(['ROWTIME', 'ROWPARTITION', 'ROWOFFSET', 'WINDOWSTART', 'WINDOWEND']);

/** Why a case cannot run in-process (never counted as a pass), or null. */
export function skipReason(testCase: TestCase, options: RunCaseOptions = {}): string | null {
  if (testCase.invalid) return `invalid test definition: ${testCase.invalid}`;
  const formats = new Set<string>();
  for (const statement of testCase.statements) {
    for (const match of statement.matchAll(/\b(?:VALUE_FORMAT|KEY_FORMAT|FORMAT)\s*=\s*'([^']*)'/gi)) formats.add(match[1]!.toUpperCase());
  }
  for (const topic of testCase.topics) {
    if (topic.keyFormat) formats.add(topic.keyFormat.toUpperCase());
    if (topic.valueFormat) formats.add(topic.valueFormat.toUpperCase());
  }
  for (const [key, value] of Object.entries(testCase.properties)) {
    if (/^ksql\.persistence\.default\.format\.(key|value)$/.test(key)) formats.add(String(value).toUpperCase());
  }
  const unsupported = [...formats].filter((f) => UNSUPPORTED_FORMATS.test(f));
  if (unsupported.length && !options.registry) return `${unsupported.join('/')} format needs the schema registry, not built yet`;
  const text = testCase.statements.join('\n').toUpperCase();
  const testOnly = TEST_ONLY_FUNCTIONS.filter((name) => new RegExp(`\\b${name}\\s*\\(`).test(text));
  if (testOnly.length) return `uses functions that exist only on ksqlDB's test classpath: ${testOnly.join(', ')}`;
  return null;
}

function topicsToCreate(testCase: TestCase): Map<string, number> {
  const topics = new Map<string, number>();
  for (const topic of testCase.topics) if (topic.name) topics.set(topic.name, topic.partitions ?? 1);
  for (const text of testCase.statements) {
    let statement;
    try {
      statement = parseStatement(text);
    } catch {
      continue;
    }
    if ((statement.kind !== 'createStream' && statement.kind !== 'createTable') || statement.elements.length === 0) continue;
    const property = (name: string): string | null => {
      const found = statement.properties.find((p) => p.name.toUpperCase() === name);
      if (!found) return null;
      const value = found.value;
      return 'value' in value ? String(value.value) : null;
    };
    const topic = property('KAFKA_TOPIC') ?? statement.name;
    if (!topics.has(topic)) topics.set(topic, Number(property('PARTITIONS') ?? 4));
  }
  for (const record of [...testCase.inputs, ...testCase.outputs]) if (!topics.has(record.topic)) topics.set(record.topic, 4);
  return topics;
}

function errorText(error: unknown): { message: string; statementText: string | null; formattedStatement: string | null } {
  const message = error instanceof Error ? error.message : String(error);
  const details = (error as { details?: { statementText?: unknown; formattedStatement?: unknown } } | null)?.details;
  const statementText = typeof details?.statementText === 'string' ? details.statementText : null;
  const formattedStatement = typeof details?.formattedStatement === 'string' ? details.formattedStatement : null;
  return { message, statementText, formattedStatement };
}

/** Which statement of the script failed, when the engine says. */
function statementIndexOf(error: unknown): number | null {
  const index = (error as { details?: { statementIndex?: unknown } } | null)?.details?.statementIndex;
  return typeof index === 'number' ? index : null;
}

/**
 * ksqlDB's unlogged message is `message\nStatement: <text>`; for errors of planning the text is
 * the statement as its SqlFormatter re-formats it (`formattedStatement`, from the error's
 * `details.formattedStatement`), else the statement as sent.
 */
function errorMatches(expected: string | null, error: { message: string; statementText: string | null; formattedStatement?: string | null }): boolean {
  if (expected === null) return true;
  const texts = [error.message];
  if (error.statementText) texts.push(`${error.message}\nStatement: ${error.statementText}`);
  if (error.formattedStatement) texts.push(`${error.message}\nStatement: ${error.formattedStatement}`);
  return texts.some((text) => text.includes(expected));
}

function topicShape(engine: EngineUnderTest, topic: string, testCase: TestCase): TopicShape | null {
  const source = engine.sources().find((s) => s.topic === topic);
  if (source) return source;
  const declared = testCase.topics.find((t) => t.name === topic);
  if (declared) {
    return {
      keyFormat: declared.keyFormat ?? 'KAFKA',
      valueFormat: declared.valueFormat ?? 'JSON',
      keyColumns: [],
      valueColumns: [],
      windowKind: null,
    };
  }
  return null;
}

function registrySide(shape: TopicShape, topic: string, target: 'key' | 'value'): RegistrySide {
  const key = target === 'key';
  return {
    topic,
    target,
    format: key ? shape.keyFormat : shape.valueFormat,
    columns: (key ? shape.keyColumns : shape.valueColumns) as RegistrySide['columns'],
    properties: (key ? shape.keyProperties : shape.valueProperties) ?? {},
  };
}

async function serializeSide(engine: EngineUnderTest, shape: TopicShape, topic: string, target: 'key' | 'value', value: JsonTree | undefined): Promise<Buffer | null> {
  const format = target === 'key' ? shape.keyFormat : shape.valueFormat;
  if (REGISTRY_TEST_FORMATS.has(format.toUpperCase())) {
    if (!engine.registry) throw new Error(`the ${format} format needs the engine's schema registry`);
    return serializeRegistryTestValue(engine.registry, registrySide(shape, topic, target), value);
  }
  return serializeTestValue(format, value, target === 'key' ? shape.keyColumns : shape.valueColumns);
}

async function deserializeSide(engine: EngineUnderTest, shape: TopicShape, topic: string, target: 'key' | 'value', bytes: Buffer | null, exactDecimals: boolean) {
  const format = target === 'key' ? shape.keyFormat : shape.valueFormat;
  if (REGISTRY_TEST_FORMATS.has(format.toUpperCase())) {
    if (!engine.registry) throw new Error(`the ${format} format needs the engine's schema registry`);
    return deserializeRegistryTestValue(engine.registry, registrySide(shape, topic, target), bytes, exactDecimals);
  }
  return deserializeTestValue(format, bytes, target === 'key' ? shape.keyColumns : shape.valueColumns, exactDecimals);
}

async function produceInput(engine: EngineUnderTest, record: TestRecord, shape: TopicShape): Promise<void> {
  let key = await serializeSide(engine, shape, record.topic, 'key', record.key);
  if (record.window) key = wrapWindowedKey(key, record.window);
  const value = await serializeSide(engine, shape, record.topic, 'value', record.value);
  await engine.produce(record.topic, 0, {
    key,
    value,
    timestampMs: record.timestamp instanceof NumberText ? record.timestamp.toNumber() : 0,
    headers: (record.headers ?? []).map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value, 'base64') })),
  });
}

async function decodeOutput(engine: EngineUnderTest, topic: string, stored: StoredRecord, shape: TopicShape, exactDecimals: boolean): Promise<ActualRecord> {
  let keyBytes = stored.key;
  let window: ActualRecord['window'] = null;
  if (shape.windowKind && keyBytes) {
    const unwrapped = unwrapWindowedKey(keyBytes, shape.windowKind);
    keyBytes = unwrapped.inner;
    window = unwrapped.window;
  }
  return {
    partition: stored.partition,
    offset: stored.offset,
    key: coerceTopLevelBytes(await deserializeSide(engine, shape, topic, 'key', keyBytes, exactDecimals)),
    value: coerceTopLevelBytes(await deserializeSide(engine, shape, topic, 'value', stored.value, exactDecimals)),
    timestampMs: stored.timestampMs,
    window,
    headers: stored.headers,
  };
}

/** A type's text normalised through the parser (`INT` and `INTEGER` compare equal), white space removed. */
function normaliseType(text: string): string {
  try {
    return formatSql(parseType(text)).replace(/\s+/g, '');
  } catch {
    // ksqlDB prints an empty struct as `STRUCT< >`, which its own grammar does not read back.
    return text.replace(/\s+/g, '').toUpperCase();
  }
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  let quote: string | null = null;
  for (const c of text) {
    if (quote) {
      current += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === '`' || c === "'" || c === '"') quote = c;
    else if (c === '(' || c === '<') depth++;
    else if (c === ')' || c === '>') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

function expectedColumns(schemaText: string): Array<{ name: string; type: string; namespace: string }> {
  return splitTopLevel(schemaText).map((part) => {
    const match = /^(`[^`]*`|"[^"]*"|\S+)\s+([\s\S]*?)(\s+PRIMARY\s+KEY|\s+KEY|\s+HEADERS|\s+HEADER\s*\(\s*'[^']*'\s*\))?\s*$/i.exec(part);
    if (!match) return { name: part, type: '', namespace: 'VALUE' };
    const rawName = match[1]!;
    const name = /^[`"]/.test(rawName) ? rawName.slice(1, -1) : rawName.toUpperCase();
    const suffix = (match[3] ?? '').trim().toUpperCase();
    const namespace = suffix.endsWith('KEY') ? 'KEY' : suffix.startsWith('HEADER') ? 'HEADER' : 'VALUE';
    return { name, type: normaliseType(match[2]!), namespace };
  });
}

function schemaMismatch(expectedText: string, source: SourceInfo): string | null {
  // Pseudo-columns in a value schema are ksqlDB's implicit ones; as a key (PARTITION BY ROWOFFSET) they are real.
  const expected = expectedColumns(expectedText).filter((c) => c.namespace === 'KEY' || !SYSTEM_COLUMNS.has(c.name.toUpperCase()));
  const headerNames = new Set(source.headerColumns.map((c) => c.name));
  const actual = [
    ...source.keyColumns.map((c) => ({ name: c.name, type: normaliseType(formatSqlType(c.type)), namespace: 'KEY' })),
    ...source.valueColumns.map((c) => ({
      name: c.name,
      type: normaliseType(formatSqlType(c.type)),
      namespace: headerNames.has(c.name) ? 'HEADER' : 'VALUE',
    })),
  ];
  for (const namespace of ['KEY', 'VALUE', 'HEADER']) {
    const render = (columns: typeof actual): string =>
      columns.filter((c) => c.namespace === namespace).map((c) => `\`${c.name}\` ${c.type}`).join(', ');
    const wanted = render(expected);
    const found = render(actual);
    if (wanted !== found) return `${namespace.toLowerCase()} columns differ: expected [${wanted}] but was [${found}]`;
  }
  return null;
}

function asObject(tree: JsonTree | undefined): Record<string, JsonTree> | null {
  return tree !== null && tree !== undefined && typeof tree === 'object' && !Array.isArray(tree) && !(tree instanceof NumberText)
    ? (tree as Record<string, JsonTree>)
    : null;
}

function textOf(tree: JsonTree | undefined): string | null {
  if (tree === null || tree === undefined) return null;
  if (tree instanceof NumberText) return tree.text;
  return typeof tree === 'string' ? tree : null;
}

function checkPost(post: JsonTree, engine: EngineUnderTest): { failure: string | null; notes: string[] } {
  const notes = new Set<string>();
  const root = asObject(post);
  if (!root) return { failure: null, notes: [] };
  const sources = Array.isArray(root['sources']) ? root['sources'] : [];
  const known = engine.sources();
  for (const tree of sources) {
    const expected = asObject(tree);
    if (!expected) continue;
    const name = textOf(expected['name']) ?? '';
    const source = known.find((s) => s.name === name);
    if (!source) return { failure: `post: source ${name} not found (have: ${known.map((s) => s.name).join(', ')})`, notes: [] };
    const type = (textOf(expected['type']) ?? '').toUpperCase();
    if (type && type !== source.kind) return { failure: `post: ${name} is a ${source.kind}, expected ${type}`, notes: [] };
    const schema = textOf(expected['schema']);
    if (schema !== null) {
      const mismatch = schemaMismatch(schema, source);
      if (mismatch) return { failure: `post: ${name} ${mismatch}`, notes: [] };
    }
    const valueFormat = textOf(expected['valueFormat']);
    if (valueFormat && valueFormat.toUpperCase() !== source.valueFormat) {
      return { failure: `post: ${name} value format ${source.valueFormat}, expected ${valueFormat}`, notes: [] };
    }
    const keyFormat = asObject(expected['keyFormat']);
    if (keyFormat) {
      const format = textOf(keyFormat['format']);
      if (format && format.toUpperCase() !== source.keyFormat) {
        return { failure: `post: ${name} key format ${source.keyFormat}, expected ${format}`, notes: [] };
      }
      if ('windowType' in keyFormat) {
        const windowType = (textOf(keyFormat['windowType']) ?? '').toUpperCase();
        if (windowType !== (source.windowKind ?? '')) {
          return { failure: `post: ${name} window type ${source.windowKind ?? 'none'}, expected ${windowType || 'none'}`, notes: [] };
        }
      }
      if ('windowSize' in keyFormat) notes.add('windowSize');
    }
    for (const unchecked of ['keyFeatures', 'valueFeatures', 'isSource']) if (unchecked in expected) notes.add(unchecked);
  }
  const topics = asObject(root['topics']);
  if (topics) {
    const existing = engine.listTopics();
    const blacklist = textOf(topics['blacklist']);
    if (blacklist) {
      const pattern = new RegExp(blacklist);
      const bad = existing.filter((t) => pattern.test(t));
      if (bad.length) return { failure: `post: blacklisted topics exist: ${bad.join(', ')}`, notes: [] };
    }
    for (const tree of Array.isArray(topics['topics']) ? topics['topics'] : []) {
      const expected = asObject(tree);
      if (!expected) continue;
      const name = textOf(expected['name']) ?? '';
      if (!existing.includes(name)) {
        if (name.startsWith('_confluent-ksql-')) {
          notes.add(`internal topic ${name}`);
          continue;
        }
        return { failure: `post: topic ${name} does not exist`, notes: [] };
      }
      const source = known.find((s) => s.topic === name);
      const keyFormat = textOf(asObject(expected['keyFormat'])?.['format']);
      const valueFormat = textOf(asObject(expected['valueFormat'])?.['format']);
      if (source) {
        if (keyFormat && keyFormat.toUpperCase() !== source.keyFormat) {
          return { failure: `post: topic ${name} key format ${source.keyFormat}, expected ${keyFormat}`, notes: [] };
        }
        if (valueFormat && valueFormat.toUpperCase() !== source.valueFormat) {
          return { failure: `post: topic ${name} value format ${source.valueFormat}, expected ${valueFormat}`, notes: [] };
        }
      }
      const partitions = textOf(expected['partitions']);
      if (partitions !== null && Number(partitions) !== engine.partitionCount(name)) {
        return { failure: `post: topic ${name} has ${engine.partitionCount(name)} partitions, expected ${partitions}`, notes: [] };
      }
      if ('keySchema' in expected || 'valueSchema' in expected) notes.add(`schema of ${name}`);
    }
  }
  return { failure: null, notes: [...notes] };
}

/** Runs one case on a fresh engine made by `createEngine`. */
export async function runCase(testCase: TestCase, createEngine: () => Promise<EngineUnderTest>, options: RunCaseOptions = {}): Promise<CaseOutcome> {
  const skip = skipReason(testCase, options);
  if (skip) return { status: 'skip', reason: skip };
  const engine = await createEngine();
  try {
    return await runOnEngine(testCase, engine);
  } catch (error) {
    return { status: 'fail', reason: `runner error: ${error instanceof Error ? error.stack ?? error.message : String(error)}` };
  } finally {
    await engine.close();
  }
}

async function runOnEngine(testCase: TestCase, engine: EngineUnderTest): Promise<CaseOutcome> {
  const fail = (reason: string): CaseOutcome => ({ status: 'fail', reason });
  const properties = { ...testCase.properties };
  const exactDecimals = !['false', false].includes(properties['use.exact.numeric.comparison'] as string | boolean);
  delete properties['use.exact.numeric.comparison'];
  const expectedError = testCase.expectedException;

  for (const [topic, partitions] of topicsToCreate(testCase)) {
    if (!engine.hasTopic(topic)) await engine.createTopic(topic, partitions);
  }
  if (engine.registry) {
    try {
      await registerCaseSchemas(engine.registry, testCase);
    } catch (error) {
      return fail(`cannot register the case's topic schemas: ${(error as Error).message}`);
    }
  }


  // ksqlDB's runner executes the statements as one script (so error positions count lines in
  // it); statements before a failing one stay applied.
  try {
    await engine.execute(testCase.statements.join('\n'), properties);
  } catch (error) {
    const failure = errorText(error);
    const index = statementIndexOf(error) ?? testCase.statements.length - 1;
    if (!expectedError) return fail(`statement ${index + 1} failed: ${failure.message}`);
    const last = index >= testCase.statements.length - 1;
    const parseFailure = /ParseFailedException$/.test(expectedError.type ?? '');
    if (!last && !(parseFailure && expectedError.message !== null)) {
      return fail(`statement ${index + 1} of ${testCase.statements.length} failed, but only the last statement of a negative test may fail: ${failure.message}`);
    }
    return errorMatches(expectedError.message, failure)
      ? { status: 'pass', notes: [] }
      : fail(`expected an error containing ${JSON.stringify(expectedError.message)} but got: ${failure.message}`);
  }
  if (expectedError && testCase.inputs.length === 0) {
    return fail(`expected an error (${expectedError.message ?? expectedError.type}) but every statement succeeded`);
  }

  await engine.drain();
  for (const record of testCase.inputs) {
    const shape = topicShape(engine, record.topic, testCase);
    if (!shape) return fail(`No information found for topic ${record.topic} (no stream or table uses it)`);
    try {
      await produceInput(engine, record, shape);
    } catch (error) {
      return fail(`cannot serialize input record for ${record.topic}: ${(error as Error).message}`);
    }
    await engine.drain();
  }

  if (expectedError) {
    const errors = engine.queryErrors();
    const wanted = expectedError.causeMessage ?? expectedError.message;
    if (errors.length && (wanted === null || errors.some((e) => e.includes(wanted)))) return { status: 'pass', notes: [] };
    return fail(
      errors.length
        ? `expected a processing error containing ${JSON.stringify(wanted)} but the engine reported: ${errors.join(' | ')}`
        : `expected an error (${expectedError.message ?? expectedError.type}) but none was reported`,
    );
  }

  const topics = [...new Set(testCase.outputs.map((r) => r.topic))];
  for (const topic of topics) {
    const shape = topicShape(engine, topic, testCase);
    if (!shape) return fail(`No information found for output topic ${topic} (no stream or table uses it)`);
    if (!engine.hasTopic(topic)) return fail(`output topic ${topic} does not exist`);
    const actual: ActualRecord[] = [];
    for (const stored of await engine.readTopic(topic)) {
      try {
        actual.push(await decodeOutput(engine, topic, stored, shape, exactDecimals));
      } catch (error) {
        return fail(`topic ${topic}: cannot deserialize record at partition ${stored.partition} offset ${stored.offset}: ${(error as Error).message}`);
      }
    }
    const mismatch = matchInterleaved(topic, testCase.outputs.filter((r) => r.topic === topic), actual, testCase.inputs.length === 0);
    if (mismatch) return fail(mismatch);
  }

  const notes = testCase.outputs.length ? [] : ['no expected outputs (as in ksqlDB, absence of output is not checked)'];
  if (testCase.post !== null) {
    const post = checkPost(testCase.post, engine);
    if (post.failure) return fail(post.failure);
    notes.push(...post.notes);
  }
  return { status: 'pass', notes };
}
