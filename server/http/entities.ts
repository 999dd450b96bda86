/**
 * StatementResult (queries/ facade) → ksqlDB REST entities: ksqlDB's `@type` names and field
 * order (`@type`, `statementText`, the entity's own fields, `warnings` last; nested objects in the
 * order ksqlDB's Jackson writes them).
 *
 * | kind                | @type                 | fields                                              |
 * | ------------------- | --------------------- | --------------------------------------------------- |
 * | commandStatus       | currentStatus         | commandId, commandStatus{status,message,queryId}, commandSequenceNumber |
 * | streams / tables    | streams / tables      | streams[] / tables[] {type,name,topic,keyFormat,valueFormat,isWindowed} |
 * | sourceDescription   | sourceDescription     | sourceDescription{name,windowType,readQueries,…,clusterErrorStats} |
 * | sourceDescriptions  | source_descriptions   | sourceDescriptions[]                                |
 * | queries             | queries               | queries[] {queryString,sinks,sinkKafkaTopics,id,statusCount,queryType,state} |
 * | queryDescriptions   | query_descriptions    | queryDescriptions[]                                 |
 * | queryDescription    | queryDescription      | queryDescription{id,statementText,windowType,fields,…,state} |
 * | properties          | properties            | properties[], overwrittenProperties, defaultProperties |
 * | functions           | function_names        | functions[] {name,type,category}                    |
 * | functionDescription | describe_function     | name,description,author,version,path,functions[],type |
 * | types               | type_list             | types{NAME: schema}                                 |
 * | topics              | kafka_topics[_extended] | topics[] {name,replicaInfo[,consumerCount,consumerGroupCount]} |
 * | variables           | variables             | variables[] {name,value}                            |
 * | assertTopic         | assert_topic          | topicName, exists                                   |
 * | assertSchema        | assert_schema         | subject, id, exists                                 |
 * | noEntity            | (none)                | INSERT VALUES, SET, UNSET, DEFINE, UNDEFINE         |
 */
import { assertNever, isSluiceError } from '../../common/index.js';
import type {
  FieldInfo,
  QueryDescriptionInfo,
  RunningQueryInfo,
  SchemaInfo,
  SourceDescription,
  SourceSummary,
  StatementResult,
} from '../../queries/index.js';
import type { CommandStatus, HttpContext } from './context.js';

export type Entity = Record<string, unknown>;

function entity(type: string, statementText: string, fields: Entity): Entity {
  return { '@type': type, statementText, ...fields, warnings: [] };
}

function schema(s: SchemaInfo): Entity {
  const out: Entity = {
    type: s.type,
    fields: s.fields === null ? null : s.fields.map(field),
    memberSchema: s.memberSchema === null ? null : schema(s.memberSchema),
  };
  if (s.parameters !== undefined) out['parameters'] = s.parameters;
  return out;
}

function field(f: FieldInfo): Entity {
  const out: Entity = { name: f.name, schema: schema(f.schema) };
  if (f.type !== undefined) out['type'] = f.type;
  if (f.headerKey !== undefined) out['headerKey'] = f.headerKey;
  return out;
}

function sourceSummary(s: SourceSummary): Entity {
  return { type: s.type, name: s.name, topic: s.topic, keyFormat: s.keyFormat, valueFormat: s.valueFormat, isWindowed: s.isWindowed };
}

function runningQuery(q: RunningQueryInfo): Entity {
  return {
    queryString: q.queryString,
    sinks: q.sinks,
    sinkKafkaTopics: q.sinkKafkaTopics,
    id: q.id,
    statusCount: q.statusCount,
    queryType: q.queryType,
    state: q.state,
  };
}

function sourceDescription(d: SourceDescription): Entity {
  return {
    name: d.name,
    windowType: d.windowType,
    readQueries: d.readQueries.map(runningQuery),
    writeQueries: d.writeQueries.map(runningQuery),
    fields: d.fields.map(field),
    type: d.type,
    timestamp: d.timestamp,
    statistics: d.statistics,
    errorStats: d.errorStats,
    extended: d.extended,
    keyFormat: d.keyFormat,
    valueFormat: d.valueFormat,
    topic: d.topic,
    partitions: d.partitions,
    replication: d.replication,
    statement: d.statement,
    queryOffsetSummaries: d.queryOffsetSummaries,
    sourceConstraints: d.sourceConstraints,
    clusterStatistics: [],
    clusterErrorStats: [],
  };
}

function queryDescription(q: QueryDescriptionInfo): Entity {
  return {
    id: q.id,
    statementText: q.statementText,
    windowType: q.windowType,
    fields: q.fields.map(field),
    sources: q.sources,
    sinks: q.sinks,
    topology: q.topology,
    executionPlan: q.executionPlan,
    overriddenProperties: q.overriddenProperties,
    ksqlHostQueryStatus: q.ksqlHostQueryStatus,
    queryType: q.queryType,
    queryErrors: q.queryErrors.map((e) => ({ timestamp: e.timestamp, errorMessage: e.errorMessage, type: e.type })),
    tasksMetadata: q.tasksMetadata,
    state: q.state,
  };
}

/** The entity for one result; null for statements ksqlDB answers with no entity. */
export function entityOf(result: StatementResult): Entity | null {
  const text = result.statementText;
  switch (result.kind) {
    case 'noEntity':
      return null;
    case 'commandStatus':
      return entity('currentStatus', text, {
        commandId: result.commandId,
        commandStatus: { status: result.status, message: result.message, queryId: result.queryId ?? null },
        commandSequenceNumber: result.commandSequenceNumber,
      });
    case 'streams':
      return entity('streams', text, { streams: result.streams.map(sourceSummary) });
    case 'tables':
      return entity('tables', text, { tables: result.tables.map(sourceSummary) });
    case 'sourceDescription':
      return entity('sourceDescription', text, { sourceDescription: sourceDescription(result.sourceDescription) });
    case 'sourceDescriptions':
      return entity('source_descriptions', text, { sourceDescriptions: result.sourceDescriptions.map(sourceDescription) });
    case 'queries':
      return entity('queries', text, { queries: result.queries.map(runningQuery) });
    case 'queryDescriptions':
      return entity('query_descriptions', text, { queryDescriptions: result.queryDescriptions.map(queryDescription) });
    case 'queryDescription':
      return entity('queryDescription', text, { queryDescription: queryDescription(result.queryDescription) });
    case 'properties':
      return entity('properties', text, {
        properties: result.properties.map((p) => ({ name: p.name, scope: p.scope, value: p.value, editable: p.editable, level: p.level })),
        overwrittenProperties: result.overwrittenProperties,
        defaultProperties: result.defaultProperties,
      });
    case 'functions':
      return entity('function_names', text, { functions: result.functions.map((f) => ({ name: f.name, type: f.type, category: f.category })) });
    case 'functionDescription': {
      const d = result.description;
      return entity('describe_function', text, {
        name: d.name,
        description: d.description,
        author: d.author,
        version: d.version,
        path: d.path,
        functions: d.functions.map((f) => ({
          arguments: f.arguments.map((a) => ({ name: a.name, type: a.type, description: a.description, isVariadic: a.isVariadic })),
          returnType: f.returnType,
          description: f.description,
        })),
        type: d.type,
      });
    }
    case 'types':
      return entity('type_list', text, { types: Object.fromEntries(Object.entries(result.types).map(([name, s]) => [name, schema(s)])) });
    case 'topics':
      return result.extended
        ? entity('kafka_topics_extended', text, {
            topics: result.topics.map((t) => ({ name: t.name, replicaInfo: t.replicaInfo, consumerCount: t.consumerCount ?? 0, consumerGroupCount: t.consumerGroupCount ?? 0 })),
          })
        : entity('kafka_topics', text, { topics: result.topics.map((t) => ({ name: t.name, replicaInfo: t.replicaInfo })) });
    case 'variables':
      return entity('variables', text, { variables: result.variables.map((v) => ({ name: v.name, value: v.value })) });
    case 'assertTopic':
      return entity('assert_topic', text, { topicName: result.topicName, exists: result.exists });
    case 'assertSchema':
      return entity('assert_schema', text, { subject: result.subject, id: result.id, exists: result.exists });
    default:
      return assertNever(result);
  }
}

/** Command statuses kept for `/status` (the oldest are forgotten first). */
export const COMMAND_STATUSES_MAX = 10_000;

export function rememberCommand(ctx: HttpContext, commandId: string, status: CommandStatus): void {
  ctx.commands.delete(commandId);
  ctx.commands.set(commandId, status);
  while (ctx.commands.size > COMMAND_STATUSES_MAX) ctx.commands.delete(ctx.commands.keys().next().value!);
}

/** One entity (or none) per result, in order. Records command statuses for `/status`. */
export function entitiesOf(ctx: HttpContext, results: readonly StatementResult[]): Entity[] {
  const out: Entity[] = [];
  for (const result of results) {
    const e = entityOf(result);
    if (e === null) continue;
    if (e['@type'] === 'currentStatus') rememberCommand(ctx, e['commandId'] as string, e['commandStatus'] as CommandStatus);
    out.push(e);
  }
  return out;
}

/** The results of the statements that ran before a failing one (the error's `details.results`). */
export function resultsBefore(error: unknown): StatementResult[] {
  if (!isSluiceError(error)) return [];
  const results = error.details['results'];
  return Array.isArray(results) ? (results as StatementResult[]) : [];
}
