import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../common/index.js';
import { MemoryFileSystem } from '../../../storage/fs/index.js';
import { openLog } from '../../../storage/log/index.js';
import { SchemaRegistry } from '../../../registry/index.js';
import { BIGINT, INTEGER, STRING, decimalType, mapType } from '../../../engine/types/index.js';
import { expandTests } from '../../../cli/test-runner/corpus.js';
import { skipReason } from '../../../cli/test-runner/runner.js';
import { JavaBigDecimal, JavaInteger, JavaLong } from '../../../cli/test-runner/java-values.js';
import { NumberText, parseLenientJson } from '../../../cli/test-runner/lenient-json.js';
import { deserializeRegistryTestValue, registerTopicSchema, serializeRegistryTestValue } from '../../../cli/test-runner/registry-serde.js';
import { javaHashMapOrder, registerCaseSchemas } from '../../../cli/test-runner/registry-setup.js';

async function openRegistry(): Promise<SchemaRegistry> {
  const clock = new SimulatedClock(0);
  const log = await openLog({ dataDir: '/r', fs: new MemoryFileSystem(), clock, maintenanceIntervalMs: 0 });
  return SchemaRegistry.open({ log, clock });
}

describe('registry formats in the in-process runner', () => {
  it('runs AVRO / PROTOBUF / JSON_SR cases when the engine has a registry', () => {
    const [avro] = expandTests('y.json', parseLenientJson(`{"tests": [{"name": "a", "statements": ["CREATE STREAM S (A INT) WITH (kafka_topic='t', value_format='AVRO');"], "inputs": [{"topic": "t", "value": {}}]}]}`));
    expect(skipReason(avro!)).toMatch(/AVRO/);
    expect(skipReason(avro!, { registry: true })).toBeNull();
  });

  it("orders topics as Java's HashMap<String, ?> iterates them", () => {
    // ksqlDB's runner registers `input` (id 1) before `OUTPUT` (ids 2, 3) in elements.json's cases.
    expect(javaHashMapOrder(['OUTPUT', 'input'])).toEqual(['input', 'OUTPUT']);
    expect(javaHashMapOrder(['b', 'a', 'b'])).toEqual(['a', 'b']);
  });

  it('registers topics[] schemas, with their fixed ids first', async () => {
    const registry = await openRegistry();
    const [testCase] = expandTests(
      'z.json',
      parseLenientJson(`{"tests": [{"name": "a", "statements": ["CREATE STREAM INPUT (ID INT KEY, V BIGINT) WITH (kafka_topic='input', format='AVRO');"],
        "topics": [{"name": "OUT", "valueSchema": "syntax = \\"proto3\\"; message M { int32 c1 = 1; }", "valueFormat": "PROTOBUF", "valueSchemaId": 7}],
        "inputs": [{"topic": "input", "key": 1, "value": {"V": 2}}]}]}`),
    );
    await registerCaseSchemas(registry, testCase!);
    expect((await registry.getLatest('OUT-value')).id).toBe(7);
    expect(JSON.parse((await registry.getLatest('input-key')).schema)).toBe('int');
    expect(JSON.parse((await registry.getLatest('input-value')).schema)).toMatchObject({ name: 'KsqlDataSourceSchema' });
  });

  it('writes a test value with the subject schema and reads outputs into Java-typed values', async () => {
    const registry = await openRegistry();
    await registerTopicSchema(
      registry,
      't-value',
      'AVRO',
      JSON.stringify({
        type: 'record',
        name: 'r',
        fields: [
          { name: 'ID', type: ['null', 'long'], default: null },
          { name: 'N', type: ['null', 'int'], default: null },
          { name: 'D', type: ['null', { type: 'bytes', logicalType: 'decimal', precision: 4, scale: 2 }], default: null },
          { name: 'S', type: ['null', 'string'], default: null },
        ],
      }),
      null,
    );
    const side = { topic: 't', target: 'value' as const, format: 'AVRO', columns: [], properties: {} };
    const spec = parseLenientJson('{"id": 9223372036854775807, "n": 5, "d": 10.5, "s": "x"}');
    const bytes = (await serializeRegistryTestValue(registry, side, spec))!;
    expect(bytes[0]).toBe(0);
    expect(await deserializeRegistryTestValue(registry, side, bytes, true)).toEqual({
      ID: new JavaLong(9223372036854775807n),
      N: new JavaInteger(5),
      D: new JavaBigDecimal(1050n, 2),
      S: 'x',
    });
  });

  it('derives the schema from the columns when the subject has none (PROTOBUF, JSON_SR)', async () => {
    const registry = await openRegistry();
    for (const format of ['PROTOBUF', 'JSON_SR']) {
      const side = {
        topic: format,
        target: 'value' as const,
        format,
        columns: [
          { name: 'A', type: BIGINT },
          { name: 'M', type: mapType(STRING, INTEGER) },
          { name: 'D', type: decimalType(4, 2) },
        ],
        properties: {},
      };
      const bytes = (await serializeRegistryTestValue(registry, side, parseLenientJson('{"a": 1, "m": {"k": 2}, "d": 1.25}')))!;
      expect(await deserializeRegistryTestValue(registry, side, bytes, true)).toEqual({
        A: new JavaLong(1n),
        M: { k: new JavaInteger(2) },
        D: new JavaBigDecimal(125n, 2),
      });
    }
    expect(await serializeRegistryTestValue(registry, { topic: 'x', target: 'key', format: 'AVRO', columns: [], properties: {} }, null)).toBeNull();
    expect(new NumberText('1').isIntegral).toBe(true);
  });
});
