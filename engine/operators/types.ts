/**
 * Contracts shared by the operators and the runtime that wires them.
 *
 * Operators work a batch at a time: `process(records)` takes the records decoded from one read of
 * the log, in offset order, and returns the records that continue (it may reuse and mutate both
 * the array and the records: a filter compacts in place, a projection replaces `key`/`value`).
 * There is no promise and no per-record call between operators; only the terminal (a sink) is
 * asynchronous, once per batch.
 */
import type { CompileOptions } from '../expressions/index.js';
import type { SqlType } from '../types/index.js';
import type { FunctionContext } from '../functions/index.js';
import type { EngineRecord } from './record.js';
import type { StepProcessingLog } from './processing-log.js';

export interface Operator {
  process(records: EngineRecord[]): EngineRecord[];
}

/** The end of a pipeline: writes a batch of records somewhere (a topic, a push queue). */
export interface Terminal {
  write(records: EngineRecord[]): Promise<void>;
  /** True when the terminal cannot take more now (a full push queue): the task waits. */
  isBlocked?(): boolean;
  /** Resolves when the terminal can take records again (or is closed). */
  whenUnblocked?(): Promise<void>;
  /** True when the terminal wants no more records (a push query reached its LIMIT). */
  isDone?(): boolean;
}

/**
 * A compiled serde for one side (key or value) of a topic — the shape engine/formats builds. Only
 * what the operators call is listed.
 */
export interface RowSerde {
  serialize(values: readonly unknown[] | null): Buffer | null;
  deserialize(bytes: Buffer | null): unknown[] | null;
  /** Registry formats: a promise to await before deserialize(bytes) when a schema must be fetched. */
  prepare?(bytes: Buffer | null): Promise<void> | undefined;
}

/** Builds serdes from a step's format spec (the runtime adapts engine/formats to this). */
export interface SerdeFactory {
  create(request: SerdeRequest): RowSerde;
}

export interface SerdeRequest {
  topic: string;
  target: 'key' | 'value';
  format: string;
  /** The step's format properties (`delimiter`, `unwrapPrimitives`, `schemaId`...). */
  properties: Readonly<Record<string, string>>;
  columns: ReadonlyArray<{ name: string; type: SqlType }>;
}

/**
 * A table function (EXPLODE...): called with the evaluated arguments, returns the values of the
 * rows it produces for this input row (an empty array for none; null counts as none and is
 * logged, as in ksqlDB).
 */
export interface TableFunctionOverload {
  implementation: (...args: any[]) => readonly unknown[] | null;
  /** Specialised for the call site's argument types (like scalar overloads). */
  implementationFor?: (argumentTypes: readonly (SqlType | null)[], returnType: SqlType) => (...args: any[]) => readonly unknown[] | null;
  needsContext?: boolean;
}

export interface TableFunction {
  name: string;
  overloads: readonly TableFunctionOverload[];
}

/** What flatMap needs from the function registry. */
export interface TableFunctionLookup {
  getTable(name: string): TableFunction | undefined;
}

/** Everything an operator factory needs. */
export interface OperatorContext {
  queryId: string;
  compile: CompileOptions & { functionContext: FunctionContext };
  tableFunctions: TableFunctionLookup | null;
  log: (stepId: string) => StepProcessingLog;
  properties: Readonly<Record<string, unknown>>;
}
