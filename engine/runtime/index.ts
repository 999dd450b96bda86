/**
 * engine/runtime — runs physical plans. A plan is cut into pipelines at repartition topics; each
 * pipeline gets one task per partition of the topic it reads. A task reads a bounded batch from
 * storage/log, decodes it, runs the operators (engine/operators) and appends the output (one batch
 * per partition), then commits its position periodically to the query's consumer group. Tasks
 * whose operators keep state (aggregates, materialized tables, joins) own a TaskState
 * (engine/state) over a per-task environment (`stateEnvironment`: lmdb under `<dataDir>/state`
 * in production), restore it before their first batch, resume from its checkpoint and commit it
 * with their input offsets (stateful-task.ts, multi-input.ts). Live
 * mode loops on `log.waitForData`; deterministic mode runs only inside `drain()`, for the test
 * runner. Per-record failures go to the processing log and the query keeps running; failures
 * that must stop a query put it in ERROR with the error in `errors()`.
 */
export { QueryRuntime } from './runtime.js';
export type { QueryRuntimeOptions, StopOptions } from './runtime.js';
export { RunningQuery, Task, TaskInput } from './query.js';
export type { QueryState, QueryStatus, TaskStatus, OffsetReset } from './query.js';
export { buildQuery } from './builder.js';
export type { BuildContext, BuiltQuery, Pipeline, PipelineSource } from './builder.js';
export { formatsSerdeFactory } from './serdes.js';
export { TopicProcessingLogSink, processingLogTopicName } from './processing-log-topic.js';
export type { TopicProcessingLogOptions } from './processing-log-topic.js';
export {
  EngineRecord,
  MemoryProcessingLogSink,
  PushQueue,
  makeRecord,
} from '../operators/index.js';
export type {
  ProcessingLogEntry,
  ProcessingLogSink,
  PushRow,
  QueryError,
  SerdeFactory,
  RowSerde,
  TableFunction,
  TableFunctionLookup,
} from '../operators/index.js';
export { InputCursor, MultiInputTask, UPSTREAM_STALL_MS, createMultiInputTasks, flowLeaves } from './multi-input.js';
export type { FlowJoin, FlowLeaf, FlowNode, MultiInputOptions, TaskStateEnvironmentFactory } from './multi-input.js';
export { TopicWriters } from './upstream.js';
export type { PendingCheck, WriterTask } from './upstream.js';
export { PRESERVE_PARTITIONS_PROPERTY } from './join-builders.js';
export { StatefulTask, createStatefulTasks, statefulOperators, stateApplicationId } from './stateful-task.js';
export { diskStateEnvironments, memoryStateEnvironments } from './state-environments.js';
export type { DiskStateEnvironmentsOptions, MemoryStateEnvironments } from './state-environments.js';
