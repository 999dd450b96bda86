/**
 * EMIT FINAL (`suppress@1`). ksqlDB runs EMIT FINAL inside the windowed aggregation
 * (Kafka Streams' EmitStrategy.onWindowClose): the aggregate emits nothing per update and, as
 * stream time closes windows, emits each closed window once. The runtime builds the windowed
 * aggregate under a suppress step in that mode (see engine/runtime's builder), so what reaches
 * this step is already final: it passes records through.
 */
import type { EngineRecord } from './record.js';
import type { Operator } from './types.js';

export class SuppressOperator implements Operator {
  process(records: EngineRecord[]): EngineRecord[] {
    return records;
  }
}
