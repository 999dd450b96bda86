/**
 * Reading ksqlDB's test files and expanding each test into cases, as ksqlDB's own test loader
 * does: one case per entry of `format` (replacing `{FORMAT}` in the statements) and per entry of
 * `config` (replacing the property whose value is `{CONFIG}`). A case is named
 * `<file without .json> - <test name>[ - <format>][ - <property>=<config>]`.
 *
 * Also reads ksqlDB's `ksql-test-runner` trio: a statements file, an input JSON file
 * (`{"inputs": [...]}`) and an output JSON file (`{"outputs": [...]}`).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { NumberText, parseLenientJson, plainJson, stringifyTree, type JsonTree } from './lenient-json.js';

export interface TestRecord {
  topic: string;
  key: JsonTree | undefined;
  value: JsonTree;
  timestamp: NumberText | null;
  window: { start: number; end: number; type: string } | null;
  headers: Array<{ key: string; value: string | null }> | null;
}

export interface TopicDeclaration {
  name: string;
  partitions: number | null;
  keyFormat: string | null;
  valueFormat: string | null;
  /** Schemas to register before the statements (Protobuf text, or Avro / JSON Schema as JSON text). */
  keySchema: string | null;
  valueSchema: string | null;
  /** Register the schema under this id. */
  keySchemaId: number | null;
  valueSchemaId: number | null;
}

export interface ExpectedException {
  type: string | null;
  message: string | null;
  causeMessage: string | null;
}

export interface TestCase {
  file: string;
  name: string;
  statements: string[];
  properties: Record<string, unknown>;
  inputs: TestRecord[];
  outputs: TestRecord[];
  topics: TopicDeclaration[];
  expectedException: ExpectedException | null;
  post: JsonTree | null;
  /** Why the test definition cannot run, as ksqlDB's loader would refuse it. */
  invalid: string | null;
}

const FORMAT_MISSING = "To use {FORMAT} in your statements please set the 'format' test case element";

type JsonObject = { [key: string]: JsonTree };

function isObject(tree: JsonTree | undefined): tree is JsonObject {
  return tree !== null && tree !== undefined && typeof tree === 'object' && !Array.isArray(tree) && !(tree instanceof NumberText);
}

function text(tree: JsonTree | undefined): string | null {
  if (tree === undefined || tree === null) return null;
  if (tree instanceof NumberText) return tree.text;
  return typeof tree === 'string' ? tree : null;
}

function toRecord(tree: JsonTree): TestRecord {
  const record = isObject(tree) ? tree : Object.create(null);
  const windowTree = record['window'];
  const window = isObject(windowTree)
    ? {
        start: Number(text(windowTree['start']) ?? 0),
        end: Number(text(windowTree['end']) ?? 0),
        type: String(text(windowTree['type']) ?? 'TIME').toUpperCase(),
      }
    : null;
  const headersTree = record['headers'];
  const headers = Array.isArray(headersTree)
    ? headersTree.map((header) => {
        const object = isObject(header) ? header : Object.create(null);
        return { key: String(text(object['KEY']) ?? ''), value: text(object['VALUE']) };
      })
    : null;
  const timestamp = record['timestamp'];
  return {
    topic: String(text(record['topic']) ?? ''),
    key: 'key' in record ? record['key'] : undefined,
    value: 'value' in record ? record['value']! : null,
    timestamp: timestamp instanceof NumberText ? timestamp : null,
    window,
    headers,
  };
}

/** A topic's schema as registry text: Protobuf schemas are strings already, others JSON. */
function schemaText(tree: JsonTree | undefined): string | null {
  if (tree === undefined || tree === null) return null;
  return typeof tree === 'string' ? tree : stringifyTree(tree);
}

function invalidReason(node: JsonObject): string | null {
  if (!text(node['name'])) return 'missing name';
  const statements = node['statements'];
  if (!Array.isArray(statements) || statements.length === 0) return 'statements empty';
  const inputs = Array.isArray(node['inputs']) ? node['inputs'] : [];
  const outputs = Array.isArray(node['outputs']) ? node['outputs'] : [];
  if (!node['expectedException'] && inputs.length === 0 && outputs.length === 0) return 'no inputs, outputs or expectedException provided';
  for (const record of [...inputs, ...outputs]) {
    if (!isObject(record) || !text(record['topic'])) return 'record without topic';
    if (!('value' in record)) return 'record without value';
  }
  return null;
}

/** Expands one file's tests into cases. */
export function expandTests(file: string, document: JsonTree): TestCase[] {
  const base = path.basename(file).replace(/\.json$/, '');
  const tests = isObject(document) && Array.isArray(document['tests']) ? document['tests'] : [];
  const cases: TestCase[] = [];
  for (const tree of tests) {
    if (!isObject(tree) || tree['enabled'] === false) continue;
    const formats = Array.isArray(tree['format']) && tree['format'].length ? tree['format'].map((f) => text(f)) : [null];
    const configs = Array.isArray(tree['config']) && tree['config'].length ? tree['config'].map((c) => text(c)) : [null];
    const properties = (isObject(tree['properties']) ? plainJson(tree['properties']) : {}) as Record<string, unknown>;
    const configProperty =
      configs[0] === null ? null : Object.keys(properties).find((key) => String(properties[key]).toUpperCase() === '{CONFIG}') ?? null;
    const statements = Array.isArray(tree['statements']) ? tree['statements'].map((s) => String(text(s) ?? '')) : [];
    const expected = isObject(tree['expectedException']) ? tree['expectedException'] : null;
    const topics = Array.isArray(tree['topics']) ? tree['topics'].filter(isObject) : [];
    for (const format of formats) {
      for (const config of configs) {
        const caseProperties = { ...properties };
        if (config !== null && configProperty) caseProperties[configProperty] = config;
        cases.push({
          file,
          name: `${base} - ${String(text(tree['name']))}${format ? ` - ${format}` : ''}${config !== null && configProperty ? ` - ${configProperty}=${config}` : ''}`,
          statements: statements.map((statement) => statement.split('{FORMAT}').join(format ?? FORMAT_MISSING)),
          properties: caseProperties,
          inputs: (Array.isArray(tree['inputs']) ? tree['inputs'] : []).map(toRecord),
          outputs: (Array.isArray(tree['outputs']) ? tree['outputs'] : []).map(toRecord),
          topics: topics.map((topic) => ({
            name: String(text(topic['name']) ?? ''),
            partitions: topic['partitions'] instanceof NumberText ? topic['partitions'].toNumber() : null,
            keyFormat: text(topic['keyFormat']) ?? text(topic['format']),
            valueFormat: text(topic['valueFormat']) ?? text(topic['format']),
            keySchema: schemaText(topic['keySchema']),
            valueSchema: schemaText(topic['valueSchema'] ?? topic['schema']),
            keySchemaId: topic['keySchemaId'] instanceof NumberText ? topic['keySchemaId'].toNumber() : null,
            valueSchemaId: topic['valueSchemaId'] instanceof NumberText ? topic['valueSchemaId'].toNumber() : null,
          })),
          expectedException: expected
            ? { type: text(expected['type']), message: text(expected['message']), causeMessage: text(expected['causeMessage']) }
            : null,
          post: tree['post'] ?? null,
          invalid: invalidReason(tree),
        });
      }
    }
  }
  return cases;
}

/** Every `.json` test file under a path (a file, or a folder searched recursively). */
export function findTestFiles(target: string): string[] {
  const stat = statSync(target);
  if (stat.isFile()) return [target];
  const files: string[] = [];
  for (const entry of readdirSync(target).sort()) {
    const full = path.join(target, entry);
    if (statSync(full).isDirectory()) files.push(...findTestFiles(full));
    else if (entry.endsWith('.json')) files.push(full);
  }
  return files;
}

export function loadTestFile(file: string): TestCase[] {
  return expandTests(file, parseLenientJson(readFileSync(file, 'utf8')));
}

/** ksqlDB's ksql-test-runner trio: statements (SQL text), inputs and outputs JSON. */
export function loadTestRunnerTrio(statementsFile: string, inputFile: string | null, outputFile: string): TestCase {
  const statements = splitStatementsLoosely(readFileSync(statementsFile, 'utf8'));
  const inputs = inputFile ? parseLenientJson(readFileSync(inputFile, 'utf8')) : null;
  const outputs = parseLenientJson(readFileSync(outputFile, 'utf8'));
  return {
    file: statementsFile,
    name: path.basename(statementsFile),
    statements,
    properties: {},
    inputs: isObject(inputs) && Array.isArray(inputs['inputs']) ? inputs['inputs'].map(toRecord) : [],
    outputs: isObject(outputs) && Array.isArray(outputs['outputs']) ? outputs['outputs'].map(toRecord) : [],
    topics: [],
    expectedException: null,
    post: null,
    invalid: null,
  };
}

/** Splits SQL text at top-level semicolons (outside quotes and comments). */
export function splitStatementsLoosely(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      current += c;
      if (c === quote) quote = null;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      current += '\n';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    current += c;
    if (c === ';') {
      if (current.trim() !== ';') statements.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}
