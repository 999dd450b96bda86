/**
 * What executing a statement returns: a closed union keyed by `kind`, shaped after ksqlDB's REST
 * entities so server/http can serialize them directly (field names as ksqlDB's JSON has them).
 */
import type { FunctionDescription, FunctionSummary } from '../../engine/functions/index.js';

/** A column type as ksqlDB's REST API describes it (SchemaInfo). */
export interface SchemaInfo {
  type: string;
  fields: FieldInfo[] | null;
  memberSchema: SchemaInfo | null;
  parameters?: Record<string, unknown>;
}

export interface FieldInfo {
  name: string;
  schema: SchemaInfo;
  /** KEY for key columns, HEADER for header columns, absent for value columns. */
  type?: 'KEY' | 'HEADER';
  /** HEADER('k') columns: the header key. */
  headerKey?: string;
}

export interface SourceSummary {
  name: string;
  type: 'STREAM' | 'TABLE';
  topic: string;
  keyFormat: string;
  valueFormat: string;
  isWindowed: boolean;
}

export interface RunningQueryInfo {
  queryString: string;
  sinks: string[];
  sinkKafkaTopics: string[];
  id: string;
  statusCount: Record<string, number>;
  queryType: 'PERSISTENT' | 'PUSH';
  state: string;
}

export interface SourceDescription {
  name: string;
  windowType: 'TUMBLING' | 'HOPPING' | 'SESSION' | null;
  readQueries: RunningQueryInfo[];
  writeQueries: RunningQueryInfo[];
  fields: FieldInfo[];
  type: 'STREAM' | 'TABLE';
  timestamp: string;
  statistics: string;
  errorStats: string;
  extended: boolean;
  keyFormat: string;
  valueFormat: string;
  topic: string;
  partitions: number;
  replication: number;
  statement: string;
  queryOffsetSummaries: unknown[];
  sourceConstraints: string[];
}

export interface QueryErrorInfo {
  timestamp: number;
  errorMessage: string;
  type: 'USER' | 'SYSTEM' | 'UNKNOWN';
}

export interface QueryDescriptionInfo {
  id: string;
  statementText: string;
  windowType: string | null;
  fields: FieldInfo[];
  sources: string[];
  sinks: string[];
  topology: string;
  executionPlan: string;
  overriddenProperties: Record<string, unknown>;
  ksqlHostQueryStatus: Record<string, string>;
  queryType: 'PERSISTENT' | 'PUSH';
  queryErrors: QueryErrorInfo[];
  tasksMetadata: unknown[];
  state: string;
}

export interface PropertyInfo {
  name: string;
  scope: 'KSQL' | 'STREAMS' | 'SESSION';
  value: string;
  editable: boolean;
  level: 'SERVER' | 'QUERY';
}

export interface TopicInfoEntry {
  name: string;
  replicaInfo: number[];
  /** SHOW TOPICS EXTENDED. */
  consumerCount?: number;
  consumerGroupCount?: number;
}

interface Base {
  /** The statement's text, as given. */
  statementText: string;
}

export type StatementResult =
  | (Base & {
      kind: 'commandStatus';
      commandId: string;
      status: 'SUCCESS';
      message: string;
      queryId?: string;
      /** Sequence number of the command in the command log, when it was logged. */
      commandSequenceNumber: number;
    })
  | (Base & { kind: 'streams'; streams: SourceSummary[] })
  | (Base & { kind: 'tables'; tables: SourceSummary[] })
  | (Base & { kind: 'sourceDescription'; sourceDescription: SourceDescription })
  | (Base & { kind: 'sourceDescriptions'; sourceDescriptions: SourceDescription[] })
  | (Base & { kind: 'queries'; queries: RunningQueryInfo[] })
  | (Base & { kind: 'queryDescriptions'; queryDescriptions: QueryDescriptionInfo[] })
  | (Base & { kind: 'queryDescription'; queryDescription: QueryDescriptionInfo })
  | (Base & { kind: 'properties'; properties: PropertyInfo[]; overwrittenProperties: string[]; defaultProperties: string[] })
  | (Base & { kind: 'functions'; functions: FunctionSummary[] })
  | (Base & { kind: 'functionDescription'; description: FunctionDescription })
  | (Base & { kind: 'types'; types: Record<string, SchemaInfo> })
  | (Base & { kind: 'topics'; topics: TopicInfoEntry[]; extended: boolean })
  | (Base & { kind: 'variables'; variables: Array<{ name: string; value: string }> })
  | (Base & { kind: 'assertTopic'; topicName: string; exists: boolean })
  | (Base & { kind: 'assertSchema'; subject: string | null; id: number | null; exists: boolean })
  /** INSERT VALUES, SET, UNSET, DEFINE, UNDEFINE: ksqlDB answers with no entity. */
  | (Base & { kind: 'noEntity'; statementKind: string });

export type StatementResultKind = StatementResult['kind'];
