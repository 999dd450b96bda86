/**
 * engine/operators — one file per operator of the physical plan, working a batch at a time over
 * EngineRecords: source (RecordBatch v2 bytes → records: window, serdes, headers, timestamps),
 * filter, select, flat-map (table functions), select-key (PARTITION BY), sink (records → one
 * batch per partition per input batch) and push-sink (a bounded queue). Per-record failures go to
 * the processing log (`processing-log.ts`) and the query goes on. Stateful operators (aggregates,
 * windows, joins, suppress) come next, behind the same `Operator` contract.
 */
export { EngineRecord, NO_HEADERS, makeRecord } from './record.js';
export type { RecordHeader, WindowBounds } from './record.js';
export type {
  Operator,
  OperatorContext,
  RowSerde,
  SerdeFactory,
  SerdeRequest,
  TableFunction,
  TableFunctionLookup,
  TableFunctionOverload,
  Terminal,
} from './types.js';
export {
  QueryProcessingLog,
  StepProcessingLog,
  QueryErrorLog,
  MemoryProcessingLogSink,
  queryErrorMessage,
  rowText,
  DESERIALIZATION_ERROR,
  RECORD_PROCESSING_ERROR,
  PRODUCTION_ERROR,
  SERIALIZATION_ERROR,
} from './processing-log.js';
export type {
  ProcessingLogEntry,
  ProcessingLogMessage,
  ProcessingLogSink,
  QueryError,
  QueryProcessingLogOptions,
} from './processing-log.js';
export { compileTimestampExtractor } from './timestamp.js';
export type { TimestampExtractor, TimestampParserFactory } from './timestamp.js';
export { SourceOperator } from './source.js';
export type { SourceOptions, DecodedRead } from './source.js';
export { FilterOperator } from './filter.js';
export { SelectOperator, compileLoggedProjection, isKeyPassThrough } from './select.js';
export type { NamedExpression } from './select.js';
export { FlatMapOperator } from './flat-map.js';
export type { TableFunctionCall } from './flat-map.js';
export { SelectKeyOperator } from './select-key.js';
export { SinkOperator, windowedKey } from './sink.js';
export type { SinkOptions } from './sink.js';
export { PushQueue, PushSinkOperator } from './push-sink.js';
export type { PushRow, PushQueueState } from './push-sink.js';
export { murmur2, partitionForKey } from './partitioner.js';
