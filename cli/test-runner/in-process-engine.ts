/**
 * The engine under test for `sluice test`: a fresh built-in log on an in-memory file system, a
 * simulated clock that stands still (stream time comes from record timestamps), and the query engine in
 * deterministic mode, so that every input record is processed to completion before the next.
 * A built-in schema registry (over its own in-memory log, so its `_schemas` topic does not show
 * among the case's topics) serves the AVRO / PROTOBUF / JSON_SR serdes and the runner.
 */
import { SimulatedClock, withLimits } from '../../common/index.js';
import { MemoryFileSystem } from '../../storage/fs/index.js';
import { decodeRecords, encodeRecordBatch, openLog, type Log } from '../../storage/log/index.js';
import { createQueryEngine, type QueryEngine, type QueryEngineOptions } from '../../queries/index.js';
import { formatsSerdeFactory } from '../../engine/runtime/index.js';
import { registryCache } from '../../engine/formats/index.js';
import { SchemaRegistry } from '../../registry/index.js';
import type { EngineUnderTest, SourceInfo, StoredRecord } from './runner.js';

export async function createInProcessEngine(serverProperties: Record<string, unknown> = {}): Promise<EngineUnderTest> {
  // Stream time comes from record timestamps only; the wall clock (UNIX_TIMESTAMP(), the default
  // ROWTIME of INSERT VALUES) reads the real time when the case starts and then stands still.
  const clock = new SimulatedClock(Date.now());
  const fs = new MemoryFileSystem();
  const limits = withLimits();
  const log: Log = await openLog({ dataDir: '/sluice', fs, clock, limits, maintenanceIntervalMs: 0 });
  const registryLog: Log = await openLog({ dataDir: '/schema-registry', fs, clock, limits, maintenanceIntervalMs: 0 });
  const registry = await SchemaRegistry.open({ log: registryLog, clock });
  // ksqlDB's test runner uses a mock registry that checks no compatibility.
  await registry.setCompatibility(null, 'NONE');
  const options: QueryEngineOptions = {
    log,
    clock,
    limits,
    serviceId: 'some.ksql.service.id',
    deterministic: true,
    runtime: { preservePartitions: true, serdes: formatsSerdeFactory({ registry }) },
    properties: serverProperties,
    // The executor's schema inference, schema registration and INSERT VALUES.
    schemaRegistry: registry,
  };
  const engine: QueryEngine = await createQueryEngine(options);
  const session = engine.createSession();

  return {
    registry,
    createTopic: (name, partitions) => log.createTopic(name, { partitions }),
    hasTopic: (name) => log.hasTopic(name),
    listTopics: () => log.listTopics(),
    partitionCount: (topic) => log.describeTopic(topic).partitions,
    async execute(statement, properties) {
      try {
        await engine.execute(statement, { properties, session });
      } finally {
        await registryCache(registry).idle();
      }
    },
    async produce(topic, partition, record) {
      const batch = encodeRecordBatch([
        { key: record.key, value: record.value, headers: record.headers, timestampMs: record.timestampMs },
      ]);
      await log.append(topic, partition, batch);
    },
    async drain() {
      await engine.runtime.drain();
    },
    async readTopic(topic) {
      const records: StoredRecord[] = [];
      const partitions = log.describeTopic(topic).partitions;
      for (let partition = 0; partition < partitions; partition++) {
        let offset = log.offsets(topic, partition).logStartOffset;
        const end = log.offsets(topic, partition).highWatermark;
        while (offset < end) {
          const read = await log.read(topic, partition, offset, 1024 * 1024);
          if (read.batches.length === 0) break;
          for (const batch of read.batches) {
            for (const record of decodeRecords(batch)) {
              if (record.offset < offset) continue;
              records.push({
                partition,
                offset: record.offset,
                key: record.key,
                value: record.value,
                timestampMs: record.timestampMs,
                headers: record.headers.map((h) => ({ key: h.key, value: h.value })),
              });
              offset = record.offset + 1;
            }
          }
        }
      }
      return records;
    },
    sources(): SourceInfo[] {
      return engine
        .catalog()
        .allSources()
        .map((source) => ({
          name: source.name,
          kind: source.kind,
          topic: source.topic,
          keyFormat: source.keyFormat.format,
          valueFormat: source.valueFormat.format,
          keyColumns: source.keyColumns,
          valueColumns: source.valueColumns,
          keyProperties: source.keyFormat.properties,
          valueProperties: source.valueFormat.properties,
          headerColumns: source.headerColumns,
          windowKind: source.window?.kind ?? null,
        }));
    },
    queryErrors(): string[] {
      return engine.runtime.list().flatMap((query) => query.errors().map((error) => error.errorMessage));
    },
    async close() {
      await engine.close();
      await registry.close();
      await registryLog.close();
      await log.close();
    },
  };
}
