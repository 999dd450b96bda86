/**
 * The statement executor behind the QueryEngine facade.
 *
 * `execute(text)` parses the whole text (a syntax error anywhere fails it before anything runs),
 * then runs each statement in order: variables substituted (DEFINE / UNDEFINE per session),
 * analyzed against the current catalog snapshot, planned, checked by applying the resulting
 * command to a copy of the catalog (the sandbox), recorded in the command log, then applied:
 * catalog swap, topics created or deleted, queries started or stopped. The first failing
 * statement throws a SluiceError whose details carry `statementText`, `statementIndex` and the
 * `results` of the statements before it (those stay applied), as ksqlDB does.
 *
 * On start over an existing log the stored commands are replayed in order (never re-planned),
 * then every persistent query left in the catalog is started from its stored plan.
 */
import { SluiceError, defaultLimits, systemClock, type Clock, type Limits } from '../../common/index.js';
import { createFunctionRegistry, describeFunction, listFunctions, type FunctionContext, type FunctionRegistry } from '../../engine/functions/index.js';
import { QueryRuntime, formatsSerdeFactory, type QueryRuntimeOptions, type RunningQuery } from '../../engine/runtime/index.js';
import { partitionForKey } from '../../engine/operators/index.js';
import { encodeRecordBatch, type Log } from '../../storage/log/index.js';
import { LogicalSchema, formatSqlType, quoteIdentifier } from '../../engine/types/index.js';
import {
  columnsToSchema,
  inferColumnsFromRegistry,
  registerSchemaForSource,
  registryCache,
  registrySchemaType,
  resolveKeyFeatures,
  schemaToColumns,
  subjectOf,
  type SchemaRegistryClient,
  type SerdeColumn,
} from '../../engine/formats/index.js';
import { defaultRegistryLimits, parseSchema, type ParsedProtobuf } from '../../registry/index.js';
import {
  analyzeAlterSource,
  analyzeCreateSource,
  analyzeCreateType,
  analyzeDropSource,
  analyzeDropType,
  analyzeInsertValues,
  analyzePersistentQuery,
  analyzeQuery,
  checkPullKeyLiterals,
  checkPullQueryable,
  sanitizedPersistentStatement,
  propertyBoolean,
  schemaInferenceRequests,
  validatePullQuery,
  type AnalysisContext,
  type InferredColumns,
  type PersistentQueryAnalysis,
  type QueryAnalysis,
} from '../analyze/index.js';
import { Catalog, type DataSource, type PersistentQuery } from '../catalog/index.js';
import { formatKsqlStatement, locate, parseScript, parseStatement, substituteVariables } from './parse-deps.js';
import type { Statement } from './parse-deps.js';
import { explainPlan, persistentQueryId, planPersistent, planTransient, transientQueryId } from '../plan/index.js';
import { PushQueryHandle, pauseQuery, resumeQuery, startPersistentQuery, stopPersistentQuery } from '../lifecycle/index.js';
import { CommandLog, COMMAND_LOG_VERSION } from './command-log.js';
import { applyToCatalog, type Command } from './commands.js';
import { describeSource, queryDescription, runningQueryInfo, schemaInfo, sourceSummary } from './describe.js';
import type { PropertyInfo, StatementResult } from './results.js';
import { executePullQuery, preparePullTable, type PreparedPullTable } from './pull.js';
import { commandIdOf, isScalablePushQuery, pullQueryId, pullWhereError, pushQueryId } from './pull-ids.js';
import { LiteralBinder, LruMap, literalSlots, probeValues, statementShape, substituteLiterals, type StatementShape } from './pull-cache.js';
import type { QueryPlan } from '../../engine/steps/index.js';
import type { PushColumn } from '../lifecycle/index.js';


export interface QueryEngineOptions {
  log: Log;
  clock?: Clock;
  limits?: Limits;
  functions?: FunctionRegistry;
  /** ksqlDB's `ksql.service.id` (consumer groups and internal topic names). Default `default_`. */
  serviceId?: string;
  /** Run the runtime in deterministic mode (tasks run only inside `runtime.drain()`). */
  deterministic?: boolean;
  /** Server-level ksqlDB properties. */
  properties?: Record<string, unknown>;
  /** Runtime options other than the ones above. */
  runtime?: Partial<Omit<QueryRuntimeOptions, 'log' | 'functions' | 'clock' | 'limits' | 'serviceId' | 'mode'>>;
  /** The command log topic. Default `_commands`. */
  commandTopic?: string;
  /**
   * The schema registry of AVRO / PROTOBUF / JSON_SR: CREATE without columns reads them from it,
   * CREATE and CREATE ... AS SELECT register their schemas in it, INSERT VALUES writes through
   * it; also the serdes' registry unless `runtime.serdes` is given.
   */
  schemaRegistry?: SchemaRegistryClient;
  /**
   * Prepared pull queries kept (statement shapes x property sets; see pull-cache.ts). Default
   * 512; 0 turns the cache off.
   */
  pullCacheSize?: number;
}

/** Counters of the prepared pull-query cache. */
export interface PullCacheStats {
  /** Pull queries answered from a template. */
  hits: number;
  /** Pull queries prepared in full (then remembered, or found not cacheable). */
  misses: number;
  /** Shapes found not cacheable. */
  notCacheable: number;
  /** Entries held now. */
  entries: number;
}

/** A client session: DEFINE'd variables and SET properties that later statements see. */
export interface Session {
  readonly variables: Map<string, string>;
  readonly properties: Record<string, unknown>;
}

export interface ExecuteOptions {
  /** Request-level property overrides (ksqlDB's `streamsProperties`). */
  properties?: Record<string, unknown>;
  /** Keeps variables and SET properties across calls; a fresh one per call when absent. */
  session?: Session;
  /** Variables to start with (REST `sessionVariables`). */
  sessionVariables?: Record<string, string>;
}

export interface PushQueryOptions {
  properties?: Record<string, unknown>;
  session?: Session;
  sessionVariables?: Record<string, string>;
}

export interface QueryEngine {
  execute(text: string, options?: ExecuteOptions): Promise<StatementResult[]>;
  startPushQuery(sql: string, options?: PushQueryOptions): Promise<PushQueryHandle>;
  createSession(): Session;
  catalog(): Catalog;
  readonly runtime: QueryRuntime;
  readonly functions: FunctionRegistry;
  readonly log: Log;
  /** Errors met while replaying the command log on start (query id -> message). */
  readonly startupErrors: ReadonlyMap<string, string>;
  /** Counters of the prepared pull-query cache. */
  pullCacheStats(): PullCacheStats;
  close(): Promise<void>;
}

const QUERY_ENDPOINT_MESSAGE = "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT";

/**
 * Errors about a place in the statement get ksqlDB's `Line: l, Col: c: ` prefix; `base` is the
 * offset of the statement in the text its spans refer to.
 */
function locatedMessage(error: SluiceError, text: string | undefined, base: number): string {
  const span = error.details.span as { start: number } | undefined;
  if (text === undefined || span === undefined || typeof span.start !== 'number' || error.message.startsWith('Line: ')) return error.message;
  const { line, column } = locate(text, span.start - base);
  return `Line: ${line}, Col: ${column}: ${error.message}`;
}

function statementError(
  error: unknown,
  statementText: string,
  statementIndex: number,
  results: StatementResult[],
  located?: { text: string; base: number },
): SluiceError {
  if (error instanceof SluiceError) {
    const message = locatedMessage(error, located?.text, located?.base ?? 0);
    return new SluiceError(error.code, message, { ...error.details, statementText, statementIndex, results }, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SluiceError('INTERNAL_ASSERTION', message, { statementText, statementIndex, results }, { cause: error });
}

/** A pull query prepared up to its execution; its plan's queryId is PREPARED_QUERY_ID. */
interface PreparedPull {
  readonly source: DataSource;
  readonly plan: QueryPlan;
  readonly columns: readonly PushColumn[];
  readonly schemaText: string;
  readonly limit: number | null;
  readonly tableScanEnabled: boolean;
  /** Tables only. */
  readonly table: PreparedPullTable | null;
}

/** A cached pull query: bind the literals of a statement of its shape at `slots` (pull-cache.ts). */
type PullTemplate = LiteralBinder<PreparedPull>;

/** What the cache said about a statement: its key, its shape, and the template when it had one. */
interface PullCacheLookup {
  readonly key: string;
  readonly shape: StatementShape;
  readonly template: PullTemplate | null;
}

const PREPARED_QUERY_ID = 'query_prepared';
/** Shapes x property sets remembered (templates or NOT_CACHEABLE). */
const PULL_CACHE_MAX = 512;
const NOT_CACHEABLE = 'not cacheable';
/** Where the key lookups of a prepared table reuse the predicate's literal nodes. */
const PULL_KEY_PATHS = [['table', 'tablePlan', 'keys']] as const;

/** JSON of request and session properties for cache keys; throws on values JSON would not keep apart. */
function propertiesKey(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => {
    if (v === undefined) return '\u0000undefined';
    if (typeof v === 'bigint') return `\u0000bigint:${v}`;
    if (typeof v === 'function' || typeof v === 'symbol') throw new Error('not a property value');
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new Error('not a property value');
    }
    return v;
  });
}

function isEmpty(object: Record<string, unknown>): boolean {
  for (const _ in object) return false;
  return true;
}

function capitalized(kind: 'STREAM' | 'TABLE'): string {
  return kind === 'STREAM' ? 'Stream' : 'Table';
}

class Engine implements QueryEngine {
  readonly runtime: QueryRuntime;
  readonly functions: FunctionRegistry;
  readonly log: Log;
  readonly startupErrors = new Map<string, string>();
  private current: Catalog = Catalog.empty();
  private chain: Promise<unknown> = Promise.resolve();
  private transientCount = 0;
  private readonly clock: Clock;
  private readonly serverProperties: Record<string, unknown>;
  private readonly pushQueries = new Set<PushQueryHandle>();
  private closed = false;
  /** Prepared pull queries (see pull-cache.ts), valid for `pullCacheCatalog` and the current server properties. */
  private readonly pullCache: LruMap<string, PullTemplate | typeof NOT_CACHEABLE>;
  private pullCacheCatalog: Catalog | null = null;
  private readonly pullCounters = { hits: 0, misses: 0, notCacheable: 0 };

  constructor(
    private readonly options: QueryEngineOptions,
    private readonly commandLog: CommandLog,
  ) {
    this.log = options.log;
    this.clock = options.clock ?? systemClock;
    this.functions = options.functions ?? createFunctionRegistry();
    this.serverProperties = { ...(options.properties ?? {}) };
    this.pullCache = new LruMap(Math.max(0, options.pullCacheSize ?? PULL_CACHE_MAX));
    this.runtime = new QueryRuntime({
      serdes: formatsSerdeFactory(options.schemaRegistry !== undefined ? { registry: options.schemaRegistry } : {}),
      ...(options.runtime ?? {}),
      log: options.log,
      functions: this.functions,
      clock: this.clock,
      limits: options.limits ?? defaultLimits,
      serviceId: options.serviceId ?? 'default_',
      mode: options.deterministic === true ? 'deterministic' : 'live',
      properties: this.serverProperties,
    });
  }

  catalog(): Catalog {
    return this.current;
  }

  pullCacheStats(): PullCacheStats {
    return { ...this.pullCounters, entries: this.pullCache.size };
  }

  createSession(): Session {
    return { variables: new Map(), properties: {} };
  }

  private serialized<T>(run: () => Promise<T>): Promise<T> {
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  // ---- replay ----

  async replay(): Promise<void> {
    const commands = await this.commandLog.readAll();
    for (const stored of commands) {
      const command = stored.command;
      this.current = applyToCatalog(this.current, command);
      switch (command.kind) {
        case 'createSource':
          if (command.topic !== null && !this.log.hasTopic(command.topic.name) && command.topic.partitions !== null) {
            await this.log.createTopic(command.topic.name, { partitions: command.topic.partitions });
          }
          break;
        case 'dropSource':
          break;
        case 'createQuery':
          if (command.topic !== null && !this.log.hasTopic(command.topic.name)) {
            await this.log.createTopic(command.topic.name, { partitions: command.topic.partitions });
          }
          break;
        default:
          break;
      }
    }
    for (const query of this.current.allQueries()) {
      try {
        await startPersistentQuery(this.runtime, query.plan, query.state === 'PAUSED');
      } catch (error) {
        this.startupErrors.set(query.id, error instanceof Error ? error.message : String(error));
      }
    }
  }

  // ---- execution ----

  execute(text: string, options: ExecuteOptions = {}): Promise<StatementResult[]> {
    return this.serialized(() => this.executeNow(text, options));
  }

  private async executeNow(text: string, options: ExecuteOptions): Promise<StatementResult[]> {
    if (this.closed) throw new SluiceError('SHUTTING_DOWN', 'The query engine is closed');
    const session = options.session ?? this.createSession();
    for (const [k, v] of Object.entries(options.sessionVariables ?? {})) session.variables.set(k, v);
    const requestProperties = { ...(options.properties ?? {}) };
    const script = parseScript(text);
    const results: StatementResult[] = [];
    for (let index = 0; index < script.length; index++) {
      const parsed = script[index]!;
      let statementText = parsed.statementText;
      let located = { text, base: 0 };
      try {
        let statement: Statement = parsed.statement;
        if (statementText.includes('${')) {
          statementText = substituteVariables(statementText, session.variables);
          statement = parseStatement(statementText);
          located = { text: statementText, base: 0 };
        } else if (parsed.error !== undefined) {
          throw parsed.error;
        }
        const properties = { ...this.serverProperties, ...session.properties, ...requestProperties };
        const result = await this.executeStatement(statement, statementText, properties, session, requestProperties);
        if (result.kind === 'commandStatus') result.commandId = commandIdOf(statement, result.commandId);
        results.push(result);
      } catch (error) {
        throw statementError(error, statementText, index, results, located);
      }
    }
    return results;
  }

  private context(properties: Record<string, unknown>): AnalysisContext {
    const log = this.log;
    return {
      catalog: this.current,
      functions: this.functions,
      properties,
      topics: {
        describe: (name) => (log.hasTopic(name) ? { partitions: log.describeTopic(name).partitions } : undefined),
      },
    };
  }

  private functionContext(properties: Record<string, unknown>): FunctionContext {
    const clock = this.clock;
    return { nowMs: () => clock.nowMs(), properties };
  }

  /** Validates `command` on a sandbox catalog, logs it, and makes the result current. */
  private async commit(command: Command, statementText: string): Promise<number> {
    const next = applyToCatalog(this.current, command);
    const sequenceNumber = await this.commandLog.append({
      version: COMMAND_LOG_VERSION,
      statementText,
      command,
      timestampMs: this.clock.nowMs(),
    });
    this.current = next;
    return sequenceNumber;
  }

  private status(statementText: string, message: string, sequenceNumber: number, queryId?: string): StatementResult {
    return {
      kind: 'commandStatus',
      statementText,
      commandId: `${sequenceNumber}`,
      status: 'SUCCESS',
      message,
      commandSequenceNumber: sequenceNumber,
      ...(queryId !== undefined ? { queryId } : {}),
    };
  }

  private async executeStatement(
    statement: Statement,
    statementText: string,
    properties: Record<string, unknown>,
    session: Session,
    requestProperties: Record<string, unknown>,
  ): Promise<StatementResult> {
    const context = this.context(properties);
    switch (statement.kind) {
      case 'createStream':
      case 'createTable': {
        const inferred = await this.inferColumns(statement, context);
        const analysis = analyzeCreateSource(statement, statementText, context, inferred);
        if (analysis.existing !== undefined && analysis.ifNotExists && !analysis.orReplace) {
          const kind = analysis.source.kind.toLowerCase();
          return this.status(
            statementText,
            `Cannot add ${kind} \`${analysis.source.name}\`: A ${analysis.existing.kind.toLowerCase()} with the same name already exists.`,
            this.commandLog.nextSequenceNumber(),
          );
        }
        if (analysis.existing !== undefined && analysis.orReplace) {
          if (analysis.existing.kind !== analysis.source.kind) {
            throw new SluiceError(
              'SQL_ANALYSIS',
              `Cannot add ${analysis.source.kind.toLowerCase()} '${analysis.source.name}': A ${analysis.existing.kind.toLowerCase()} with the same name already exists`,
            );
          }
        }
        // ksqlDB's SchemaRegisterInjector: the schemas of the columns, where the subjects have none
        // (or the schemas KEY_SCHEMA_ID / VALUE_SCHEMA_ID name).
        await this.registerSourceSchemas(analysis.source, false);
        const topic = analysis.topic;
        if (topic.create) {
          await this.log.createTopic(topic.name, { partitions: topic.partitions ?? 1, configs: { 'cleanup.policy': topic.cleanupPolicy } });
        }
        const sequence = await this.commit(
          {
            kind: 'createSource',
            source: analysis.existing?.writerQueryId ? { ...analysis.source, writerQueryId: analysis.existing.writerQueryId } : analysis.source,
            topic: { name: topic.name, partitions: topic.partitions ?? null, cleanupPolicy: topic.cleanupPolicy },
          },
          statementText,
        );
        return this.status(statementText, `${capitalized(analysis.source.kind)} created`, sequence);
      }
      case 'createStreamAsSelect':
      case 'createTableAsSelect':
      case 'insertInto':
        return this.persistentQuery(statement, statementText, context, properties, { ...session.properties, ...requestProperties });
      case 'insertValues': {
        await this.insertValues(statement, context, properties);
        return { kind: 'noEntity', statementText, statementKind: 'insertValues' };
      }
      case 'dropStream':
      case 'dropTable': {
        const analysis = analyzeDropSource(statement, context);
        if (analysis.source === undefined) {
          return this.status(statementText, `Source \`${analysis.name}\` does not exist.`, this.commandLog.nextSequenceNumber());
        }
        const sequence = await this.commit(
          { kind: 'dropSource', name: analysis.name, deleteTopic: analysis.deleteTopic, terminateQueryId: analysis.terminateQueryId },
          statementText,
        );
        if (analysis.terminateQueryId !== null) await stopPersistentQuery(this.runtime, analysis.terminateQueryId, true);
        if (analysis.deleteTopic && this.log.hasTopic(analysis.source.topic)) {
          const stillUsed = this.current.allSources().some((s) => s.topic === analysis.source!.topic);
          if (!stillUsed) await this.log.deleteTopic(analysis.source.topic);
        }
        return this.status(statementText, `Source \`${analysis.name}\` (topic: ${analysis.source.topic}) was dropped.`, sequence);
      }
      case 'alterSource': {
        const analysis = analyzeAlterSource(statement, context);
        const sequence = await this.commit({ kind: 'alterSource', source: analysis.source }, statementText);
        return this.status(statementText, `${capitalized(analysis.source.kind)} ${analysis.source.name} altered.`, sequence);
      }
      case 'createType': {
        const analysis = analyzeCreateType(statement, context);
        if (analysis.exists) {
          const existing = this.current.customType(analysis.name)!;
          return this.status(statementText, `${analysis.name} is already registered with type ${formatType(existing.type)}`, this.commandLog.nextSequenceNumber());
        }
        const sequence = await this.commit({ kind: 'registerType', name: analysis.name, type: analysis.type }, statementText);
        return this.status(statementText, `Registered custom type with name '${analysis.name}' and SQL type ${formatType(analysis.type)}`, sequence);
      }
      case 'dropType': {
        const analysis = analyzeDropType(statement, context);
        if (!analysis.exists) return this.status(statementText, `Type '${analysis.name}' does not exist`, this.commandLog.nextSequenceNumber());
        const sequence = await this.commit({ kind: 'dropType', name: analysis.name }, statementText);
        return this.status(statementText, `Dropped type '${analysis.name}'`, sequence);
      }
      case 'terminateQuery':
        return this.terminate(statement.queryId, statementText);
      case 'pauseQuery':
      case 'resumeQuery':
        return this.pauseResume(statement.kind === 'pauseQuery', statement.queryId, statementText);
      case 'listStreams':
      case 'listTables': {
        const kind = statement.kind === 'listStreams' ? 'STREAM' : 'TABLE';
        const sources = this.current
          .allSources()
          .filter((s) => s.kind === kind)
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map(sourceSummary);
        return kind === 'STREAM'
          ? { kind: 'streams', statementText, streams: sources }
          : { kind: 'tables', statementText, tables: sources };
      }
      case 'describeStreams':
      case 'describeTables': {
        const kind = statement.kind === 'describeStreams' ? 'STREAM' : 'TABLE';
        const descriptions = this.current
          .allSources()
          .filter((s) => s.kind === kind)
          .map((s) => describeSource(s, this.current, this.log, statement.extended, (id) => this.runtime.get(id)));
        return { kind: 'sourceDescriptions', statementText, sourceDescriptions: descriptions };
      }
      case 'describeSource': {
        const source = this.current.source(statement.name);
        if (source === undefined) {
          throw new SluiceError('SQL_SOURCE_NOT_FOUND', `Could not find STREAM/TABLE '${statement.name}' in the Metastore`, { found: statement.name });
        }
        return {
          kind: 'sourceDescription',
          statementText,
          sourceDescription: describeSource(source, this.current, this.log, statement.extended, (id) => this.runtime.get(id)),
        };
      }
      case 'listQueries': {
        const queries = this.current.allQueries();
        if (statement.extended) {
          return {
            kind: 'queryDescriptions',
            statementText,
            queryDescriptions: queries.map((q) => this.describeQuery(q)),
          };
        }
        return { kind: 'queries', statementText, queries: queries.map((q) => runningQueryInfo(q, this.current, this.runtime.get(q.id))) };
      }
      case 'explain':
        return this.explain(statement, statementText, context, properties);
      case 'listProperties':
        return this.listProperties(statementText, session, requestProperties);
      case 'listFunctions':
        return { kind: 'functions', statementText, functions: listFunctions(this.functions) };
      case 'describeFunction': {
        return { kind: 'functionDescription', statementText, description: describeFunction(this.functions, statement.name) };
      }
      case 'listTypes': {
        const types: Record<string, ReturnType<typeof schemaInfo>> = {};
        for (const t of this.current.allTypes()) types[t.name] = schemaInfo(t.type);
        return { kind: 'types', statementText, types };
      }
      case 'listTopics': {
        const topics = this.log
          .listTopics()
          .filter((t) => statement.all || !t.startsWith('_'))
          .sort()
          .map((name) => ({ name, replicaInfo: new Array(this.log.describeTopic(name).partitions).fill(1) as number[] }));
        return { kind: 'topics', statementText, topics, extended: statement.extended };
      }
      case 'listVariables':
        return {
          kind: 'variables',
          statementText,
          variables: [...session.variables.entries()].map(([name, value]) => ({ name, value })),
        };
      case 'setProperty':
        session.properties[statement.name] = statement.value;
        return { kind: 'noEntity', statementText, statementKind: 'setProperty' };
      case 'unsetProperty':
        delete session.properties[statement.name];
        return { kind: 'noEntity', statementText, statementKind: 'unsetProperty' };
      case 'alterSystemProperty':
        this.serverProperties[statement.name] = statement.value;
        this.pullCache.clear();
        return { kind: 'noEntity', statementText, statementKind: 'alterSystemProperty' };
      case 'defineVariable':
        session.variables.set(statement.name, statement.value);
        return { kind: 'noEntity', statementText, statementKind: 'defineVariable' };
      case 'undefineVariable':
        session.variables.delete(statement.name);
        return { kind: 'noEntity', statementText, statementKind: 'undefineVariable' };
      case 'assertTopic': {
        const exists = this.log.hasTopic(statement.topic);
        if (exists !== statement.exists) {
          throw new SluiceError(
            'SQL_ASSERT_FAILED',
            statement.exists ? `Topic ${statement.topic} does not exist` : `Topic ${statement.topic} exists`,
            { found: statement.topic },
          );
        }
        return { kind: 'assertTopic', statementText, topicName: statement.topic, exists };
      }
      case 'assertSchema':
        throw new SluiceError(
          'SQL_UNSUPPORTED',
          'ASSERT SCHEMA is not supported: check a subject or id through the schema registry API (GET /subjects/{subject}/versions/latest, GET /schemas/ids/{id}).',
        );
      case 'query':
      case 'printTopic':
        throw new SluiceError('SQL_QUERY_ENDPOINT', QUERY_ENDPOINT_MESSAGE);
      case 'createConnector':
      case 'dropConnector':
      case 'describeConnector':
      case 'listConnectors':
      case 'listConnectorPlugins':
        throw new SluiceError('SQL_UNSUPPORTED', 'Connectors are not supported: Sluice has no Kafka Connect cluster configured.');
      case 'runScript':
      case 'assertValues':
      case 'assertTombstone':
      case 'assertStream':
      case 'assertTable':
        throw new SluiceError('SQL_UNSUPPORTED', `${statement.kind} is a statement of ksqlDB's test tools and cannot be executed here.`);
    }
    throw new SluiceError('SQL_UNSUPPORTED', `Unsupported statement ${(statement as Statement).kind}`);
  }

  private describeQuery(query: PersistentQuery): ReturnType<typeof queryDescription> {
    const description = queryDescription(query, this.current, this.runtime.get(query.id));
    const startup = this.startupErrors.get(query.id);
    if (startup !== undefined) {
      description.queryErrors.push({ timestamp: 0, errorMessage: startup, type: 'SYSTEM' });
      description.state = 'ERROR';
    }
    return description;
  }

  /**
   * Runs a CREATE ... AS SELECT / INSERT INTO. Its errors also carry `formattedStatement`: the
   * statement as ksqlDB re-formats it after sanitizing (SqlFormatter), which ksqlDB's messages end
   * with (`...\nStatement: CREATE TABLE OUTPUT AS SELECT\n  TEST.F1 F1, ...`). `statementText`
   * stays the text as sent (the REST entities' statementText).
   */
  private async persistentQuery(
    statement: Extract<Statement, { kind: 'createStreamAsSelect' | 'createTableAsSelect' | 'insertInto' }>,
    statementText: string,
    context: AnalysisContext,
    properties: Record<string, unknown>,
    requestProperties: Record<string, unknown>,
  ): Promise<StatementResult> {
    try {
      return await this.runPersistentQuery(statement, statementText, context, properties, requestProperties);
    } catch (error) {
      if (!(error instanceof SluiceError) || error.details.formattedStatement !== undefined) throw error;
      const sanitized = sanitizedPersistentStatement(statement, context);
      if (sanitized === undefined) throw error;
      throw new SluiceError(error.code, error.message, { ...error.details, formattedStatement: formatKsqlStatement(sanitized) }, { cause: error.cause ?? error });
    }
  }

  private async runPersistentQuery(
    statement: Extract<Statement, { kind: 'createStreamAsSelect' | 'createTableAsSelect' | 'insertInto' }>,
    statementText: string,
    context: AnalysisContext,
    properties: Record<string, unknown>,
    requestProperties: Record<string, unknown>,
  ): Promise<StatementResult> {
    const analysis = analyzePersistentQuery(statement, statementText, context);
    if (analysis.alreadyExists) {
      const kind = analysis.sink.kind.toLowerCase();
      return this.status(
        statementText,
        `Cannot add ${kind} \`${analysis.sink.name}\`: A ${kind} with the same name already exists.`,
        this.commandLog.nextSequenceNumber(),
      );
    }
    const sequenceNumber = this.commandLog.nextSequenceNumber();
    const replacing = analysis.replacing;
    const queryId = replacing?.writerQueryId ?? persistentQueryId(analysis.statement, analysis.sink.name, sequenceNumber);
    const plan = this.plan(analysis, queryId, { ...requestProperties });
    void properties;
    const query: PersistentQuery = {
      id: queryId,
      sqlText: statementText,
      sinkName: analysis.sink.name,
      sourceNames: [...new Set(analysis.query.sources.map((s) => s.name))],
      plan,
      state: 'RUNNING',
    };
    const command: Command = {
      kind: 'createQuery',
      query,
      sink: analysis.createSink ? analysis.sink : null,
      topic: { name: analysis.topic.name, partitions: analysis.topic.partitions },
      replacesQueryId: replacing?.writerQueryId ?? null,
    };
    applyToCatalog(this.current, command); // sandbox check
    if (analysis.createSink) {
      // ksqlDB's DefaultSchemaInjector (KEY/VALUE_SCHEMA_ID must fit the columns) and
      // SchemaRegisterInjector (the sink's schemas registered, evolving the subjects' ones
      // compatibly) run before the query writes anything.
      await this.checkSinkSchemaIds(analysis.sink);
      await this.registerSourceSchemas(analysis.sink, true);
    }
    let createdTopic = false;
    if (!this.log.hasTopic(analysis.topic.name)) {
      await this.log.createTopic(analysis.topic.name, { partitions: analysis.topic.partitions });
      createdTopic = true;
    }
    if (replacing?.writerQueryId) await stopPersistentQuery(this.runtime, replacing.writerQueryId, false);
    try {
      await startPersistentQuery(this.runtime, plan);
    } catch (error) {
      if (createdTopic && this.log.hasTopic(analysis.topic.name)) await this.log.deleteTopic(analysis.topic.name);
      throw error;
    }
    let sequence: number;
    try {
      sequence = await this.commit(command, statementText);
    } catch (error) {
      await stopPersistentQuery(this.runtime, queryId, true);
      throw error;
    }
    return this.status(statementText, `Created query with ID ${queryId}`, sequence, queryId);
  }

  private plan(analysis: PersistentQueryAnalysis, queryId: string, properties: Record<string, unknown>) {
    const sink = analysis.sink;
    return planPersistent(
      analysis.query.root,
      {
        name: sink.name,
        kind: sink.kind,
        topic: sink.topic,
        formats: { key: sink.keyFormat, value: sink.valueFormat },
        timestamp: analysis.sinkTimestamp,
        windowed: sink.window === null ? null : { kind: sink.window.kind },
      },
      queryId,
      properties,
    );
  }

  private async terminate(queryId: string | undefined, statementText: string): Promise<StatementResult> {
    let ids: string[];
    if (queryId === undefined) {
      ids = this.current.allQueries().map((q) => q.id);
    } else {
      const query = this.current.query(queryId) ?? this.current.allQueries().find((q) => q.id.toUpperCase() === queryId.toUpperCase());
      if (query === undefined) {
        const transient = this.runtime.get(queryId);
        if (transient !== undefined) {
          await this.runtime.stop(queryId);
          return this.status(statementText, 'Query terminated.', this.commandLog.nextSequenceNumber());
        }
        throw new SluiceError('ENGINE_QUERY_NOT_FOUND', `Unknown queryId: ${queryId}`, { found: queryId });
      }
      ids = [query.id];
    }
    const sequence = await this.commit({ kind: 'terminateQuery', queryIds: ids }, statementText);
    for (const id of ids) await stopPersistentQuery(this.runtime, id, true);
    return this.status(statementText, queryId === undefined ? 'All queries terminated.' : 'Query terminated.', sequence);
  }

  private async pauseResume(pause: boolean, queryId: string | undefined, statementText: string): Promise<StatementResult> {
    let ids: string[];
    if (queryId === undefined) ids = this.current.allQueries().map((q) => q.id);
    else {
      const query = this.current.query(queryId);
      if (query === undefined) throw new SluiceError('ENGINE_QUERY_NOT_FOUND', `Unknown queryId: ${queryId}`, { found: queryId });
      ids = [query.id];
    }
    const sequence = await this.commit({ kind: pause ? 'pauseQuery' : 'resumeQuery', queryIds: ids }, statementText);
    for (const id of ids) {
      if (this.runtime.get(id) === undefined) continue;
      if (pause) pauseQuery(this.runtime, id);
      else resumeQuery(this.runtime, id);
    }
    return this.status(statementText, pause ? 'Query paused.' : 'Query resumed.', sequence);
  }

  private explain(statement: Extract<Statement, { kind: 'explain' }>, statementText: string, context: AnalysisContext, properties: Record<string, unknown>): StatementResult {
    if (statement.queryId !== undefined) {
      const query = this.current.query(statement.queryId);
      if (query === undefined) throw new SluiceError('ENGINE_QUERY_NOT_FOUND', `Query with id:${statement.queryId} does not exist, use SHOW QUERIES to view the full set of queries.`);
      return { kind: 'queryDescription', statementText, queryDescription: this.describeQuery(query) };
    }
    const inner = statement.statement!;
    if (inner.kind === 'createStreamAsSelect' || inner.kind === 'createTableAsSelect' || inner.kind === 'insertInto') {
      const analysis = analyzePersistentQuery(inner, statementText, context);
      const queryId = persistentQueryId(analysis.statement, analysis.sink.name, this.commandLog.nextSequenceNumber());
      const plan = this.plan(analysis, queryId, properties);
      return {
        kind: 'queryDescription',
        statementText,
        queryDescription: {
          id: queryId,
          statementText,
          windowType: analysis.sink.window?.kind ?? null,
          fields: [],
          sources: analysis.query.sources.map((s) => s.name),
          sinks: [analysis.sink.name],
          topology: '',
          executionPlan: explainPlan(plan),
          overriddenProperties: {},
          ksqlHostQueryStatus: {},
          queryType: 'PERSISTENT',
          queryErrors: [],
          tasksMetadata: [],
          state: 'UNKNOWN',
        },
      };
    }
    if (inner.kind === 'query') {
      const analysis = analyzeQuery(context, inner, { persistent: false });
      const plan = planTransient(analysis.root, 'transient', analysis.limit, properties);
      return {
        kind: 'queryDescription',
        statementText,
        queryDescription: {
          id: 'transient',
          statementText,
          windowType: analysis.window?.kind ?? null,
          fields: [],
          sources: analysis.sources.map((s) => s.name),
          sinks: [],
          topology: '',
          executionPlan: explainPlan(plan),
          overriddenProperties: {},
          ksqlHostQueryStatus: {},
          queryType: 'PUSH',
          queryErrors: [],
          tasksMetadata: [],
          state: 'UNKNOWN',
        },
      };
    }
    throw new SluiceError('SQL_UNSUPPORTED', 'EXPLAIN is only supported for queries and CREATE ... AS SELECT / INSERT INTO statements.');
  }

  private listProperties(statementText: string, session: Session, requestProperties: Record<string, unknown>): StatementResult {
    const merged: Record<string, unknown> = { ...this.serverProperties, ...session.properties, ...requestProperties };
    const overwritten = [...new Set([...Object.keys(session.properties), ...Object.keys(requestProperties)])];
    const properties: PropertyInfo[] = Object.keys(merged)
      .sort()
      .map((name) => ({
        name,
        scope: name.startsWith('ksql.streams.') || !name.startsWith('ksql.') ? 'STREAMS' : 'KSQL',
        value: String(merged[name]),
        editable: true,
        level: overwritten.includes(name) ? 'QUERY' : 'SERVER',
      }));
    return { kind: 'properties', statementText, properties, overwrittenProperties: overwritten, defaultProperties: [] };
  }

  private async insertValues(statement: Extract<Statement, { kind: 'insertValues' }>, context: AnalysisContext, properties: Record<string, unknown>): Promise<void> {
    const analysis = analyzeInsertValues(statement, context, this.functionContext(properties));
    const target = analysis.target;
    const registry = this.options.schemaRegistry;
    const serdes = formatsSerdeFactory(registry !== undefined ? { registry } : {});
    const keyProperties = await this.insertKeyProperties(target);
    const keySerde = serdes.create({ topic: target.topic, target: 'key', format: target.keyFormat.format, properties: keyProperties, columns: target.keyColumns });
    const valueColumns = target.valueColumns.filter((c) => !target.headerColumns.some((h) => h.name === c.name));
    const values = target.valueColumns
      .map((c, i) => ({ c, v: analysis.value[i] }))
      .filter(({ c }) => !target.headerColumns.some((h) => h.name === c.name))
      .map(({ v }) => v);
    const valueSerde = serdes.create({ topic: target.topic, target: 'value', format: target.valueFormat.format, properties: target.valueFormat.properties, columns: valueColumns });
    await this.prepareInsertSerde(target.name, keySerde, target.keyColumns.length > 0);
    await this.prepareInsertSerde(target.name, valueSerde, true);
    let keyBytes: Buffer | null;
    let valueBytes: Buffer | null;
    try {
      keyBytes = target.keyColumns.length === 0 ? null : keySerde.serialize(analysis.key);
      valueBytes = valueSerde.serialize(values);
    } catch (error) {
      throw new SluiceError('SQL_ANALYSIS', `Failed to insert values into '${target.name}'. ${(error as Error).message}`);
    }
    if (!this.log.hasTopic(target.topic)) {
      throw new SluiceError('LOG_TOPIC_NOT_FOUND', `Failed to insert values into '${target.name}'. Topic ${target.topic} does not exist`);
    }
    const partitions = this.log.describeTopic(target.topic).partitions;
    const partition = keyBytes === null ? 0 : partitionForKey(keyBytes, partitions);
    const timestampMs = analysis.timestampMs ?? this.clock.nowMs();
    await this.log.append(target.topic, partition, encodeRecordBatch([{ key: keyBytes, value: valueBytes, timestampMs }]));
  }

  // ---- the schema registry ----

  private requireRegistry(topic: string, format: string): SchemaRegistryClient {
    const registry = this.options.schemaRegistry;
    if (registry === undefined) {
      throw new SluiceError(
        'CONFIG_INVALID',
        `Cannot use topic '${topic}' with format ${format}: it needs a schema registry, and this engine was started without one`,
        { expected: 'a schema registry', found: 'none' },
      );
    }
    return registry;
  }

  /**
   * ksqlDB's DefaultSchemaInjector for CREATE STREAM/TABLE: the sides without columns whose
   * format has a registry (or with KEY/VALUE_SCHEMA_ID) take their columns from the subject's
   * latest schema (or the schema of that id).
   */
  private async inferColumns(statement: Extract<Statement, { kind: 'createStream' | 'createTable' }>, context: AnalysisContext): Promise<InferredColumns> {
    const requests = schemaInferenceRequests(statement, context);
    if (requests.length === 0) return {};
    const inferred: { key?: SerdeColumn[]; value?: SerdeColumn[] } = {};
    const multiple: string[] = [];
    for (const request of requests) {
      const registry = this.requireRegistry(request.topic, request.format);
      const result = await inferColumnsFromRegistry(registry, request);
      inferred[request.target] = result.columns;
      // A Protobuf file declaring several types must say which one (KEY/VALUE_SCHEMA_FULL_NAME).
      if (request.properties.fullSchemaName === undefined && result.schemaType === 'PROTOBUF') {
        const parsed = (await registryCache(registry).byIdAsync(result.schemaId)).parsed as ParsedProtobuf;
        const names = parsed.topLevel.map((name) => name.replace(/^\./, ''));
        if (names.length > 1) {
          const isKey = request.target === 'key';
          multiple.push(
            `${isKey ? 'Key' : 'Value'} schema has multiple schema definitions. \n\n${names.map((n) => `- ${n}`).join('\n')}\n\n` +
              `Please specify a schema full name in the WITH clause using ${isKey ? 'KEY_SCHEMA_FULL_NAME' : 'VALUE_SCHEMA_FULL_NAME'}`,
          );
        }
      }
    }
    if (multiple.length > 0) throw new SluiceError('SQL_ANALYSIS', multiple[0]!);
    return inferred;
  }

  /**
   * ksqlDB's DefaultSchemaInjector for CREATE ... AS SELECT with KEY/VALUE_SCHEMA_ID: the schema
   * of the id must hold the query's columns, in order, with the same types.
   */
  private async checkSinkSchemaIds(sink: DataSource): Promise<void> {
    const sides = [
      { target: 'key' as const, format: sink.keyFormat, columns: sink.keyColumns },
      { target: 'value' as const, format: sink.valueFormat, columns: sink.valueColumns },
    ];
    for (const side of sides) {
      const { features, ...properties } = side.format.properties as Record<string, string>;
      if (properties.schemaId === undefined) continue;
      const isKey = side.target === 'key';
      if (registrySchemaType(side.format.format) === null) {
        const property = isKey ? 'KEY' : 'VALUE';
        throw new SluiceError(
          'SQL_ANALYSIS',
          `${property}_FORMAT should support schema inference when ${property}_SCHEMA_ID is provided. Current format is ${side.format.format}.`,
        );
      }
      const registry = this.requireRegistry(sink.topic, side.format.format);
      const unwrapped = isKey ? resolveKeyFeatures(side.format.format, true).includes('UNWRAP_SINGLES') : (features ?? '').includes('UNWRAP_SINGLES');
      const inferred = await inferColumnsFromRegistry(registry, { topic: sink.topic, target: side.target, format: side.format.format, properties, unwrapped });
      if (side.columns.length === 0) continue;
      const namespace = isKey ? ' KEY' : '';
      const text = (c: SerdeColumn): string => `${quoteIdentifier(c.name)} ${formatSqlType(c.type)}${namespace}`;
      const changed = side.columns.filter((c, i) => {
        const other = inferred.columns[i];
        return other === undefined || other.name !== c.name || formatSqlType(other.type) !== formatSqlType(c.type);
      });
      if (changed.length > 0) {
        throw new SluiceError(
          'SQL_ANALYSIS',
          `The following ${isKey ? 'key' : 'value'} columns are changed, missing or reordered: [${changed.map(text).join(', ')}]. ` +
            `Schema from schema registry is [${inferred.columns.map(text).join(', ')}]`,
        );
      }
    }
  }

  /**
   * ksqlDB's SchemaRegisterInjector: registers the key and value schemas of a source (CREATE:
   * only where the subject has none; CREATE ... AS SELECT: always, so an incompatible change is
   * refused with the registry's message), or the schema KEY/VALUE_SCHEMA_ID names. Awaited before
   * the statement takes effect, so the serdes find the ids in the cache.
   */
  private async registerSourceSchemas(source: DataSource, registerIfSchemaExists: boolean): Promise<void> {
    const headers = new Set(source.headerColumns.map((c) => c.name));
    const sides = [
      { target: 'key' as const, format: source.keyFormat, columns: source.keyColumns },
      { target: 'value' as const, format: source.valueFormat, columns: source.valueColumns.filter((c) => !headers.has(c.name)) },
    ];
    // Sanity checks (schema types of KEY/VALUE_SCHEMA_ID) come before anything is registered:
    // registerSchemaForSource makes them per side, so register the derived sides first.
    sides.sort((a, b) => Number(a.format.properties.schemaId !== undefined) - Number(b.format.properties.schemaId !== undefined));
    for (const side of sides) {
      if (registrySchemaType(side.format.format) === null) continue;
      if (side.columns.length === 0 && side.format.properties.schemaId === undefined) continue;
      const registry = this.requireRegistry(source.topic, side.format.format);
      const { features, ...properties } = side.format.properties as Record<string, string>;
      await registerSchemaForSource(registry, {
        topic: source.topic,
        target: side.target,
        format: side.format.format,
        properties,
        columns: side.columns,
        unwrapped: side.columns.length === 1 && (features ?? '').includes('UNWRAP_SINGLES'),
        registerIfSchemaExists,
      });
    }
  }

  /**
   * ksqlDB's InsertValuesExecutor.ensureKeySchemasMatch: a registry-format key is written with the
   * subject's latest schema, which must give the same columns as the source's (else logically
   * equal keys could land in different partitions).
   */
  private async insertKeyProperties(target: DataSource): Promise<Readonly<Record<string, string>>> {
    const format = target.keyFormat.format;
    const schemaType = registrySchemaType(format);
    if (schemaType === null || target.keyColumns.length === 0) return target.keyFormat.properties;
    const registry = this.requireRegistry(target.topic, format);
    const subject = subjectOf(target.topic, 'key');
    const { features, ...properties } = target.keyFormat.properties as Record<string, string>;
    const unwrapped = target.keyColumns.length === 1 && (features ?? '').includes('UNWRAP_SINGLES');
    let latest: { id: number };
    try {
      latest = await registry.getLatest(subject);
    } catch {
      throw new SluiceError(
        'SQL_ANALYSIS',
        `Failed to fetch key schema (${subject}). Please check if schema exists in Schema Registry and/or check connection with Schema Registry.`,
        { subject },
      );
    }
    const cached = await registryCache(registry).byIdAsync(latest.id);
    const options = { target: 'key' as const, unwrapped, fullSchemaName: properties.fullSchemaName, unwrapPrimitives: properties.unwrapPrimitives === 'true' };
    const registered = schemaToColumns(cached, format, options);
    const derived = columnsToSchema(target.keyColumns, format, { unwrapped, fullSchemaName: properties.fullSchemaName, nullableRepresentation: properties.nullableRepresentation });
    const generated = schemaToColumns(parseSchema(schemaType, derived.schema, [], defaultRegistryLimits), format, options);
    const same =
      registered.length === generated.length &&
      registered.every((c, i) => c.name === generated[i]!.name && formatSqlType(c.type) === formatSqlType(generated[i]!.type));
    if (!same) {
      const text = (columns: readonly SerdeColumn[]): string => `[${columns.map((c) => `${quoteIdentifier(c.name)} ${formatSqlType(c.type)} KEY`).join(', ')}]`;
      throw new SluiceError(
        'SQL_ANALYSIS',
        `Cannot INSERT VALUES into data source ${target.name}. ksqlDB generated schema would overwrite existing key schema.` +
          `\n\tExisting Schema: ${text(registered)}\n\tksqlDB Generated: ${text(target.keyColumns)}`,
      );
    }
    // A KEY_SCHEMA_ID the source was created with still names the writer schema (as in ksqlDB).
    return { ...target.keyFormat.properties, schemaId: properties.schemaId ?? String(latest.id) };
  }

  /** Waits until a registry-format serde of INSERT VALUES can write (its writer schema resolved or registered). */
  private async prepareInsertSerde(sourceName: string, created: object, writes: boolean): Promise<void> {
    // The runtime's factory builds engine/formats serdes; registry ones can resolve their writer schema.
    const serde = created as { prepareWrite?: () => Promise<void> };
    if (!writes || serde.prepareWrite === undefined) return;
    try {
      await serde.prepareWrite();
    } catch (error) {
      throw new SluiceError('SQL_ANALYSIS', `Failed to insert values into '${sourceName}'. ${(error as Error).message}`, {}, { cause: error });
    }
  }

  // ---- push queries ----

  startPushQuery(sql: string, options: PushQueryOptions = {}): Promise<PushQueryHandle> {
    return this.serialized(async () => {
      const session = options.session ?? this.createSession();
      for (const [k, v] of Object.entries(options.sessionVariables ?? {})) session.variables.set(k, v);
      let text = sql;
      if (text.includes('${')) text = substituteVariables(text, session.variables);
      const properties = { ...this.serverProperties, ...session.properties, ...(options.properties ?? {}) };
      const cached = this.lookupPull(text, session.properties, options.properties ?? {});
      if (cached?.template != null) return this.runTemplate(cached.template, cached.shape, text, properties);
      const statement = parseStatement(text);
      if (statement.kind !== 'query') {
        throw new SluiceError('SQL_QUERY_ENDPOINT', 'The query endpoint only accepts SELECT statements.', { statementText: sql });
      }
      let analysis: QueryAnalysis;
      try {
        if (statement.emit === undefined) validatePullQuery(statement, this.context(properties));
        analysis = analyzeQuery(this.context(properties), statement, { persistent: false });
      } catch (error) {
        throw statementError(statement.emit === undefined ? pullWhereError(error, statement) : error, text, 0, []);
      }
      if (statement.emit === undefined) return this.pullQuery(statement, text, properties, analysis, { ...(options.properties ?? {}), ...session.properties }, cached);
      const queryId = pushQueryId(analysis.from.name, this.transientCount++, isScalablePushQuery(statement, analysis, properties));
      const plan = planTransient(analysis.root, queryId, analysis.limit, { ...(options.properties ?? {}), ...session.properties });
      const running: RunningQuery = await this.runtime.start(plan);
      const queue = running.output;
      if (queue === null) throw new SluiceError('INTERNAL_ASSERTION', 'a push query has no output queue');
      const columns = analysis.columns.map((c) => ({ name: c.name, type: c.type, isKey: c.isKey }));
      const schemaText = LogicalSchema.of(columns.map((c) => ({ name: c.name, type: c.type, namespace: c.isKey ? 'KEY' : 'VALUE' }))).toString();
      const handle = new PushQueryHandle(queryId, columns, schemaText, queue, this.runtime);
      this.pushQueries.add(handle);
      queue.onDone(() => this.pushQueries.delete(handle));
      return handle;
    });
  }

  /**
   * The cache entry for a pull query's text, or null when the text is not a pull query the cache
   * handles (or its shape was found not cacheable). Clears the cache when the catalog changed.
   */
  private lookupPull(text: string, sessionProperties: Record<string, unknown>, requestProperties: Record<string, unknown>): PullCacheLookup | null {
    if (this.pullCacheCatalog !== this.current) {
      this.pullCache.clear();
      this.pullCacheCatalog = this.current;
    }
    if (this.pullCache.max === 0) return null;
    const shape = statementShape(text);
    if (shape === null) return null;
    let key: string;
    try {
      const none = isEmpty(sessionProperties) && isEmpty(requestProperties);
      key = none ? shape.key : `${shape.key}\u0002${propertiesKey([sessionProperties, requestProperties])}`;
    } catch {
      return null;
    }
    const entry = this.pullCache.get(key);
    if (entry === NOT_CACHEABLE) return null;
    return { key, shape, template: entry ?? null };
  }

  /** The result columns of a pull query (window bounds marked as keys) and their header text. */
  private pullColumns(plan: QueryPlan, analysis: QueryAnalysis): { columns: PushColumn[]; schemaText: string } {
    const windowBound = new Set<string>();
    const sink = plan.sink;
    if (sink.kind === 'pushSink@1' && sink.source.kind === 'select@1') {
      for (const e of sink.source.valueExpressions) {
        if (e.expression.kind === 'column' && (e.expression.source.kind === 'WINDOWSTART' || e.expression.source.kind === 'WINDOWEND')) windowBound.add(e.name);
      }
    }
    const columns = analysis.columns.map((c) => ({ name: c.name, type: c.type, isKey: c.isKey || windowBound.has(c.name) }));
    const schemaText = LogicalSchema.of(columns.map((c) => ({ name: c.name, type: c.type, namespace: c.isKey ? 'KEY' : 'VALUE' }))).toString();
    return { columns, schemaText };
  }

  private async pullQuery(
    statement: Extract<Statement, { kind: 'query' }>,
    text: string,
    properties: Record<string, unknown>,
    analysis: QueryAnalysis,
    planProperties: Record<string, unknown>,
    cached: PullCacheLookup | null,
  ): Promise<PushQueryHandle> {
    const context = this.context(properties);
    try {
      checkPullQueryable(analysis.from, context);
      checkPullKeyLiterals(statement, analysis.from);
    } catch (error) {
      throw statementError(error, text, 0, []);
    }
    const queryId = pullQueryId(this.clock.nowMs(), this.transientCount++);
    const plan = planTransient(analysis.root, PREPARED_QUERY_ID, null, planProperties);
    const { columns, schemaText } = this.pullColumns(plan, analysis);
    const tableScanEnabled = propertyBoolean(properties, 'ksql.query.pull.table.scan.enabled') ?? true;
    let table: PreparedPullTable | null = null;
    try {
      if (analysis.from.kind !== 'STREAM') table = preparePullTable(plan, analysis.limit, tableScanEnabled);
    } catch (error) {
      throw statementError(error, text, 0, []);
    }
    const prepared: PreparedPull = { source: analysis.from, plan, columns, schemaText, limit: analysis.limit, tableScanEnabled, table };
    if (cached !== null) {
      this.pullCounters.misses++;
      this.rememberPull(cached, prepared, text, properties, planProperties);
    }
    return this.executePrepared(prepared, queryId, text, properties);
  }

  /**
   * Caches `prepared` (the pull query of `text`) as a template of its shape, or marks the shape
   * not cacheable: prepares the statement again with probe values in its literals and keeps the
   * template only where the two preparations differ in those literals alone (pull-cache.ts).
   */
  private rememberPull(cached: PullCacheLookup, prepared: PreparedPull, text: string, properties: Record<string, unknown>, planProperties: Record<string, unknown>): void {
    const literals = cached.shape.literals;
    const probes = probeValues(literals);
    let probe: PreparedPull;
    try {
      probe = this.preparePull(substituteLiterals(text, literals, probes), properties, planProperties);
    } catch {
      this.pullCounters.notCacheable++;
      this.pullCache.set(cached.key, NOT_CACHEABLE);
      return;
    }
    const slots = literalSlots(prepared, probe, literals, probes, PULL_KEY_PATHS);
    if (slots === null) this.pullCounters.notCacheable++;
    this.pullCache.set(cached.key, slots === null ? NOT_CACHEABLE : new LiteralBinder(prepared, slots));
  }

  /** The whole preparation of a pull query, without side effects (the probe of rememberPull). */
  private preparePull(text: string, properties: Record<string, unknown>, planProperties: Record<string, unknown>): PreparedPull {
    const statement = parseStatement(text);
    if (statement.kind !== 'query' || statement.emit !== undefined) throw new SluiceError('INTERNAL_ASSERTION', 'the probe of a pull query is not a pull query');
    const context = this.context(properties);
    validatePullQuery(statement, context);
    const analysis = analyzeQuery(context, statement, { persistent: false });
    checkPullQueryable(analysis.from, context);
    checkPullKeyLiterals(statement, analysis.from);
    const plan = planTransient(analysis.root, PREPARED_QUERY_ID, null, planProperties);
    const { columns, schemaText } = this.pullColumns(plan, analysis);
    const tableScanEnabled = propertyBoolean(properties, 'ksql.query.pull.table.scan.enabled') ?? true;
    const table = analysis.from.kind === 'STREAM' ? null : preparePullTable(plan, analysis.limit, tableScanEnabled);
    return { source: analysis.from, plan, columns, schemaText, limit: analysis.limit, tableScanEnabled, table };
  }

  /** A cached pull query: the statement's literals bound into the template, then executed. */
  private runTemplate(template: PullTemplate, shape: StatementShape, text: string, properties: Record<string, unknown>): Promise<PushQueryHandle> {
    this.pullCounters.hits++;
    const prepared = template.bind(shape.literals.map((l) => l.value));
    const queryId = pullQueryId(this.clock.nowMs(), this.transientCount++);
    return this.executePrepared(prepared, queryId, text, properties);
  }

  private async executePrepared(prepared: PreparedPull, queryId: string, text: string, properties: Record<string, unknown>): Promise<PushQueryHandle> {
    try {
      return await executePullQuery(
        { runtime: this.runtime, log: this.log, functions: this.functions, functionContext: this.functionContext(properties) },
        {
          queryId,
          source: prepared.source,
          plan: { ...prepared.plan, queryId },
          columns: prepared.columns,
          schemaText: prepared.schemaText,
          limit: prepared.limit,
          tableScanEnabled: prepared.tableScanEnabled,
          ...(prepared.table !== null ? { prepared: prepared.table } : {}),
        },
      );
    } catch (error) {
      throw statementError(error, text, 0, []);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const handle of [...this.pushQueries]) await handle.close();
    await this.runtime.close();
  }
}

function formatType(type: import('../../engine/types/index.js').SqlType): string {
  return LogicalSchema.of([{ name: 'X', type, namespace: 'VALUE' }]).toString().replace(/^`X` /, '');
}

/** Creates the engine over `log`, replaying its command log (restart brings everything back). */
export async function createQueryEngine(options: QueryEngineOptions): Promise<QueryEngine> {
  const commandLog = await CommandLog.open(options.log, options.commandTopic ?? '_commands');
  const engine = new Engine(options, commandLog);
  await engine.replay();
  return engine;
}

export type { DataSource };
