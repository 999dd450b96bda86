/**
 * engine/operators — one file per operator of the physical plan, working a batch at a time over
 * EngineRecords: source (RecordBatch v2 bytes → records: window, serdes, headers, timestamps),
 * filter, select, flat-map (table functions), select-key (PARTITION BY), sink (records → one
 * batch per partition per input batch) and push-sink (a bounded queue). Per-record failures go to
 * the processing log (`processing-log.ts`) and the query goes on. Stateful operators (aggregates,
 * windows, joins, suppress) come next, behind the same `Operator` contract.
 */
export { EngineRecord, NO_HEADERS, absentKey, isAbsentKey, makeRecord } from './record.js';
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
export type { JoinProcessor, JoinProcessorFactory, JoinSide, JoinStores, JoinTaskContext } from './join/types.js';
export { JoinLayout, isNullKey, stateKey } from './join/layout.js';
export { StreamTableJoinFactory, StreamTableJoinProcessor, timedRowCodec } from './join/stream-table.js';
export type { StreamTableJoinOptions, TimedRow } from './join/stream-table.js';
export { TableTableJoinFactory, TableTableJoinProcessor } from './join/table-table.js';
export type { TableTableJoinOptions } from './join/table-table.js';
export { StreamStreamJoinFactory, StreamStreamJoinProcessor, DEFAULT_JOIN_GRACE_MS, DEFAULT_OUTER_JOIN_EMIT_INTERVAL_MS } from './join/stream-stream.js';
export type { StreamStreamJoinOptions } from './join/stream-stream.js';
export { ForeignKeyLeftFactory, ForeignKeyRightFactory, REGISTRATION_VALUE_COLUMNS, RESPONSE_VALUE_COLUMNS, rowHash } from './join/foreign-key.js';
export type { ForeignKeyLeftOptions, ForeignKeyRightOptions } from './join/foreign-key.js';
export { PartitionedTopicWriter, internalRowSerde } from './join/internal-topic.js';
export { ChangeRecord, changeSerde } from './aggregate/change.js';
export type { ChangePair } from './aggregate/change.js';
export { AggregateOperator, TimeWindowedAggregateOperator, SessionAggregateOperator, aggregateStoreNames, isOldValueSender } from './aggregate/aggregate.js';
export type { AggregateCounters, AggregateStepInfo, WindowedAggregateOptions, SessionAggregateOptions, OldValueSender } from './aggregate/aggregate.js';
export { AggregateCalls, Aggregation } from './aggregate/calls.js';
export { aggregateLookup } from './aggregate/functions.js';
export type { AggregateFunctionLookup } from './aggregate/functions.js';
export { StreamGroupByOperator, TableGroupByOperator, compileGroupKey, groupByStoreName } from './aggregate/group-by.js';
export type { GroupedRow } from './aggregate/group-by.js';
export { createAggregateOperator, createGroupByOperator, markEmitFinal, isEmitFinal } from './aggregate/build.js';
export type { AggregateBuildOptions } from './aggregate/build.js';
export { PartitionStateMap, StoreMetadata, isStatefulOperator, storeName, taskStateStores } from './aggregate/task-stores.js';
export type { OperatorStores, OperatorTaskContext, StatefulOperator } from './aggregate/task-stores.js';
export type { AggregateValue } from './aggregate/state.js';
export { SuppressOperator } from './suppress.js';
export { TableSourceMaterializeOperator, tableSourceStoreName } from './table-source.js';
export type { TableRow } from './table-source.js';
export { isMaterializedOperator } from './aggregate/materialized.js';
export type { Materialization, MaterializedOperator, MaterializedRow } from './aggregate/materialized.js';
