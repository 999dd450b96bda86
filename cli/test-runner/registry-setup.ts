/**
 * What ksqlDB's test runner puts in the schema registry before a case's statements run
 * (TestExecutor.maybeRegisterTopicSchemas, then TestExecutorUtil.initializeTopics):
 *
 * 1. the `topics[]` schemas that carry a fixed id, registered under that id;
 * 2. then, for every topic of the case — `topics[]`, the topics of CREATE STREAM/TABLE statements
 *    with columns, the topics of input and output records — in the iteration order of the Java
 *    HashMap ksqlDB keeps them in (schema ids follow that order, and cases name ids), the key and
 *    value schemas: the `topics[]` schema when there is one, else the schema ksqlDB derives from
 *    the statement's columns (formats that support schema inference only).
 */
import { columnsToSchema, formatSpec, resolveKeyFeatures, resolveValueFeatures } from '../../engine/formats/index.js';
import type { SqlType } from '../../engine/types/index.js';
import { NO_CUSTOM_TYPES, resolveType } from '../../queries/analyze/index.js';
import { parseStatement } from '../../queries/parse/index.js';
import type { SchemaRegistry } from '../../registry/index.js';
import type { TestCase } from './corpus.js';
import { registerTopicSchema, registrySchemaTypeOf } from './registry-serde.js';

interface TopicSchemas {
  keySchema: { format: string; text: string } | null;
  valueSchema: { format: string; text: string } | null;
}

/** Java's String.hashCode. */
function javaHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}

/** The iteration order of a java.util.HashMap<String, ?> filled with `keys` in this order. */
export function javaHashMapOrder(keys: readonly string[]): string[] {
  let capacity = 16;
  let buckets: string[][] = Array.from({ length: capacity }, () => []);
  let size = 0;
  const index = (key: string, cap: number): number => {
    const h = javaHash(key);
    return (h ^ (h >>> 16)) & (cap - 1);
  };
  for (const key of keys) {
    const bucket = buckets[index(key, capacity)]!;
    if (bucket.includes(key)) continue;
    bucket.push(key);
    size++;
    if (size > capacity * 0.75) {
      const next: string[][] = Array.from({ length: capacity * 2 }, () => []);
      for (const old of buckets) for (const k of old) next[index(k, capacity * 2)]!.push(k);
      capacity *= 2;
      buckets = next;
    }
  }
  return buckets.flat();
}

function property(properties: readonly { name: string; value: unknown }[], name: string): string | undefined {
  const found = properties.find((p) => p.name.toUpperCase() === name);
  if (found === undefined) return undefined;
  const value = found.value as { value?: unknown };
  return value !== null && typeof value === 'object' && 'value' in value ? String(value.value) : undefined;
}

function booleanProperty(properties: readonly { name: string; value: unknown }[], name: string): boolean | undefined {
  const text = property(properties, name);
  return text === undefined ? undefined : text.toLowerCase() === 'true';
}

/** ksqlDB's AvroFormat.getKeySchemaName. */
function avroKeySchemaName(source: string): string {
  const camel = source
    .split('_')
    .map((part) => (part.length === 0 ? '' : part[0]!.toUpperCase() + part.slice(1).toLowerCase()))
    .join('');
  return `io.confluent.ksql.avro_schemas.${camel}Key`;
}

/** The topic and schemas a CREATE STREAM/TABLE with columns gives (TestCaseBuilderUtil.createTopicFromCreateSource). */
function topicFromStatement(text: string, caseProperties: Record<string, unknown>): { name: string } & TopicSchemas | null {
  let statement;
  try {
    statement = parseStatement(text);
  } catch {
    return null;
  }
  if ((statement.kind !== 'createStream' && statement.kind !== 'createTable') || statement.elements.length === 0) return null;
  const props = statement.properties as unknown as { name: string; value: unknown }[];
  const format = property(props, 'FORMAT');
  const keyFormat = (format ?? property(props, 'KEY_FORMAT') ?? String(caseProperties['ksql.persistence.default.format.key'] ?? 'KAFKA')).toUpperCase();
  const valueFormat = (format ?? property(props, 'VALUE_FORMAT') ?? String(caseProperties['ksql.persistence.default.format.value'] ?? '')).toUpperCase();
  const key: Array<{ name: string; type: SqlType }> = [];
  const value: Array<{ name: string; type: SqlType }> = [];
  try {
    for (const element of statement.elements) {
      const constraint = element.constraint?.kind;
      if (constraint === 'headers' || constraint === 'header') continue;
      const column = { name: element.name, type: resolveType(element.type, NO_CUSTOM_TYPES) };
      if (constraint === 'key' || constraint === 'primaryKey') key.push(column);
      else value.push(column);
    }
  } catch {
    return null;
  }
  const derive = (
    side: 'key' | 'value',
    formatName: string,
    columns: Array<{ name: string; type: SqlType }>,
  ): { format: string; text: string } | null => {
    if (columns.length === 0 || registrySchemaTypeOf(formatName) === null || formatName === 'JSON') return null;
    try {
      const spec = formatSpec(formatName);
      if (!spec.usesRegistry) return null;
      const features =
        side === 'key'
          ? resolveKeyFeatures(formatName, columns.length === 1)
          : resolveValueFeatures(
              formatName,
              columns.length === 1,
              booleanProperty(props, 'WRAP_SINGLE_VALUE'),
              caseProperties['ksql.persistence.wrap.single.values'] === undefined ? undefined : String(caseProperties['ksql.persistence.wrap.single.values']) === 'true',
            );
      let fullSchemaName =
        side === 'key' ? property(props, 'KEY_SCHEMA_FULL_NAME') : property(props, 'VALUE_AVRO_SCHEMA_FULL_NAME') ?? property(props, 'VALUE_SCHEMA_FULL_NAME');
      if (side === 'key' && fullSchemaName === undefined && formatName === 'AVRO') fullSchemaName = avroKeySchemaName(statement.name);
      const derived = columnsToSchema(columns, formatName, { unwrapped: features.includes('UNWRAP_SINGLES'), fullSchemaName });
      return { format: formatName, text: derived.schema };
    } catch {
      return null;
    }
  };
  return {
    name: property(props, 'KAFKA_TOPIC') ?? statement.name,
    keySchema: derive('key', keyFormat, key),
    valueSchema: derive('value', valueFormat, value),
  };
}

/** Registers what ksqlDB's test runner registers before the statements; throws on a registry error. */
export async function registerCaseSchemas(registry: SchemaRegistry, testCase: TestCase): Promise<void> {
  // 1. Schemas with a fixed id.
  for (const topic of testCase.topics) {
    if (topic.keySchema !== null && topic.keySchemaId !== null) {
      await registerTopicSchema(registry, `${topic.name}-key`, topic.keyFormat ?? 'AVRO', topic.keySchema, topic.keySchemaId);
    }
    if (topic.valueSchema !== null && topic.valueSchemaId !== null) {
      await registerTopicSchema(registry, `${topic.name}-value`, topic.valueFormat ?? 'AVRO', topic.valueSchema, topic.valueSchemaId);
    }
  }
  // 2. Every topic, in HashMap order.
  const names: string[] = [];
  const schemas = new Map<string, TopicSchemas>();
  for (const topic of testCase.topics) {
    names.push(topic.name);
    schemas.set(topic.name, {
      keySchema: topic.keySchema === null ? null : { format: topic.keyFormat ?? 'AVRO', text: topic.keySchema },
      valueSchema: topic.valueSchema === null ? null : { format: topic.valueFormat ?? 'AVRO', text: topic.valueSchema },
    });
  }
  for (const text of testCase.statements) {
    const fromStatement = topicFromStatement(text, testCase.properties);
    if (fromStatement === null) continue;
    names.push(fromStatement.name);
    const declared = schemas.get(fromStatement.name);
    schemas.set(fromStatement.name, {
      keySchema: declared?.keySchema ?? fromStatement.keySchema,
      valueSchema: declared?.valueSchema ?? fromStatement.valueSchema,
    });
  }
  for (const record of [...testCase.inputs, ...testCase.outputs]) names.push(record.topic);
  for (const name of javaHashMapOrder(names)) {
    const topic = schemas.get(name);
    if (topic === undefined) continue;
    if (topic.keySchema !== null) await registerTopicSchema(registry, `${name}-key`, topic.keySchema.format, topic.keySchema.text, null);
    if (topic.valueSchema !== null) await registerTopicSchema(registry, `${name}-value`, topic.valueSchema.format, topic.valueSchema.text, null);
  }
}
