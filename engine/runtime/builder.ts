/**
 * Plan → pipelines. A query's step tree is cut into pipelines at repartition boundaries (Kafka
 * Streams' sub-topologies): each pipeline reads one topic (a source topic or an internal
 * repartition topic), runs its operators and ends in a terminal (the sink topic, a repartition
 * topic, or a push queue). The runtime starts one task per partition of each pipeline's topic.
 *
 * The dispatch is a `Record<StepKind, ...>`: every step kind has an entry, so a new kind does not
 * compile until it is handled. Aggregations, windows, joins and EMIT FINAL are not built yet and
 * fail with SQL_UNSUPPORTED.
 */
import { SluiceError, type Limits } from '../../common/index.js';
import type { Log } from '../../storage/log/index.js';
import {
  FilterOperator,
  FlatMapOperator,
  PushQueue,
  PushSinkOperator,
  SelectKeyOperator,
  SelectOperator,
  SinkOperator,
  SourceOperator,
  compileTimestampExtractor,
  type Operator,
  type OperatorContext,
  type SerdeFactory,
  type Terminal,
  type TimestampParserFactory,
} from '../operators/index.js';
import { compileExpression, type Expr } from '../expressions/index.js';
import {
  SuppressOperator,
  TableSourceMaterializeOperator,
  isOldValueSender,
  changeSerde,
  createAggregateOperator,
  createGroupByOperator,
  markEmitFinal,
  type AggregateBuildOptions,
} from '../operators/index.js';
import { internalTopicName, type ColumnDef, type FormatSpec, type Formats, type Step, type StepKind } from '../steps/index.js';
import { joinStepBuilders } from './join-builders.js';
import type { FlowJoin, TaskStateEnvironmentFactory } from './multi-input.js';
import type { RunningQuery, Task } from './query.js';
import { createStatefulTasks, statefulOperators } from './stateful-task.js';

export interface PipelineSource {
  topic: string;
  partitions: number;
  decoder: SourceOperator;
  /** A repartition topic of this query: read from the start, never from `latest`. */
  internal: boolean;
}

export interface Pipeline {
  index: number;
  source: PipelineSource;
  /** Stateless operators hold no per-task state, so the tasks of a pipeline share them. */
  operators: Operator[];
  terminal: Terminal;
  /** The topics the terminal writes (a sink or internal topic; none for a push query). */
  outputTopics?: readonly string[];
  /** Multi-input pipelines (joins) make their own tasks (multi-input.ts). */
  createTasks?: (query: RunningQuery, pipeline: Pipeline) => Task[];
}

export interface BuiltQuery {
  pipelines: Pipeline[];
  /** Repartition topics to create before the tasks start. */
  internalTopics: Array<{ name: string; partitions: number }>;
  sinkTopic: string | null;
  output: PushQueue | null;
}

export interface BuildContext {
  queryId: string;
  serviceId: string;
  log: Log;
  limits: Limits;
  serdes: SerdeFactory;
  operators: OperatorContext;
  timestampParser: TimestampParserFactory | null;
  /** `ksql.timestamp.throw.on.invalid`. */
  failOnInvalidTimestamp: boolean;
  pushQueueRows: number;
  /** Opens the storage environment of a stateful task (default: in memory, restored from changelogs). */
  stateEnvironment?: TaskStateEnvironmentFactory | null;
  /** Sinks and internal topics write to the input record's partition (deterministic runs; see QueryRuntimeOptions). */
  preservePartitions?: boolean;
}

export interface OpenPipeline {
  source: PipelineSource;
  operators: Operator[];
  table: boolean;
  /** A join's pipeline: its flow (the operators above are the root's) and how it makes tasks. */
  flow?: FlowJoin;
  createTasks?: Pipeline['createTasks'];
}

export interface BuildState {
  closed: Pipeline[];
  internalTopics: Array<{ name: string; partitions: number }>;
  open: OpenPipeline | null;
  sinkTopic: string | null;
  output: PushQueue | null;
}

type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;
/** Method syntax, so a builder for several kinds fits each kind's entry. */
type StepBuilder<K extends StepKind> = { build(step: StepOf<K>, context: BuildContext): BuildState }['build'];

const DEFAULT_INTERNAL_FORMATS: Formats = {
  key: { format: 'JSON', properties: {} },
  value: { format: 'JSON', properties: {} },
};

function notYet(what: string): StepBuilder<StepKind> {
  return (step) => {
    throw new SluiceError('SQL_UNSUPPORTED', `${what} is not supported by the runtime yet (step ${step.id}, ${step.kind})`, {
      expected: 'a stateless query',
      found: step.kind,
    });
  };
}

function topicPartitions(log: Log, topic: string): number {
  if (!log.hasTopic(topic)) {
    throw new SluiceError('LOG_TOPIC_NOT_FOUND', `Topic ${topic} does not exist`, { expected: 'an existing topic', found: topic });
  }
  return log.describeTopic(topic).partitions;
}

function serde(context: BuildContext, topic: string, target: 'key' | 'value', spec: FormatSpec, columns: readonly ColumnDef[]) {
  return context.serdes.create({ topic, target, format: spec.format, properties: spec.properties, columns });
}

function input(step: Step, context: BuildContext): BuildState & { open: OpenPipeline } {
  const state = buildStep(step, context);
  if (state.open === null) {
    throw new SluiceError('INTERNAL_ASSERTION', `step ${step.id} (${step.kind}) ends a pipeline and cannot feed another step`);
  }
  return state as BuildState & { open: OpenPipeline };
}

function withOperator(step: Step & { source: Step }, context: BuildContext, make: (open: OpenPipeline) => Operator): BuildState {
  const state = input(step.source, context);
  state.open.operators.push(make(state.open));
  return state;
}

function sourceBuilder(table: boolean): StepBuilder<'streamSource@1' | 'tableSource@1'> {
  return (step, context) => {
    const partitions = topicPartitions(context.log, step.topic);
    const headerIndexes = new Set(step.headerColumns.map((h) => h.valueIndex));
    const valueColumns = step.schema.value.filter((_, i) => !headerIndexes.has(i));
    const decoder = new SourceOperator({
      topic: step.topic,
      keySerde: serde(context, step.topic, 'key', step.formats.key, step.schema.key),
      valueSerde: serde(context, step.topic, 'value', step.formats.value, valueColumns),
      keyColumnCount: step.schema.key.length,
      valueColumnCount: step.schema.value.length,
      headerColumns: step.headerColumns,
      table,
      window: step.window,
      timestamp: compileTimestampExtractor(step.timestamp, context.timestampParser),
      failOnInvalidTimestamp: context.failOnInvalidTimestamp,
      log: context.operators.log(step.id),
    });
    return {
      closed: [],
      internalTopics: [],
      open: { source: { topic: step.topic, partitions, decoder, internal: false }, operators: [], table },
      sinkTopic: null,
      output: null,
    };
  };
}

function sinkBuilder(step: StepOf<'streamSink@1' | 'tableSink@1'>, context: BuildContext): BuildState {
  const state = input(step.source, context);
  const terminal = new SinkOperator({
    log: context.log,
    topic: step.topic,
    partitions: topicPartitions(context.log, step.topic),
    keySerde: serde(context, step.topic, 'key', step.formats.key, step.schema.key),
    valueSerde: serde(context, step.topic, 'value', step.formats.value, step.schema.value),
    windowed: step.windowed,
    timestamp: compileTimestampExtractor(step.timestamp, context.timestampParser),
    limits: context.limits,
    processingLog: context.operators.log(step.id),
    preservePartitions: context.preservePartitions === true,
  });
  return close(state, terminal, { sinkTopic: step.topic, output: null }, [step.topic]);
}

function close(state: BuildState & { open: OpenPipeline }, terminal: Terminal, extra: { sinkTopic: string | null; output: PushQueue | null }, outputTopics: readonly string[]): BuildState {
  const pipeline: Pipeline = { index: state.closed.length, source: state.open.source, operators: state.open.operators, terminal, outputTopics };
  if (state.open.createTasks !== undefined) pipeline.createTasks = state.open.createTasks;
  return { closed: [...state.closed, pipeline], internalTopics: state.internalTopics, open: null, ...extra };
}

const joinSteps = joinStepBuilders<OpenPipeline, BuildState>({ input });

function aggregateBuildOptions(stepId: string, context: BuildContext): AggregateBuildOptions {
  const functionContext = context.operators.compile.functionContext;
  // Old values (the previous result, for retractions) cost a second result per update; an
  // aggregate computes them only once an operator built after it asks (a table filter: HAVING).
  return { compile: context.operators.compile, properties: context.operators.properties, log: context.operators.log(stepId), nowMs: () => functionContext.nowMs(), sendOldValues: false };
}

/**
 * GROUP BY through a repartition topic: the open pipeline ends writing to
 * `<applicationId>-<stepId>-repartition` (partitioned by the new key, as many partitions as its
 * input), and a new pipeline reads it back. Table changes travel as framed [new, old] pairs.
 */
function repartitionByKey(state: BuildState & { open: OpenPipeline }, step: StepOf<'groupBy@1'>, context: BuildContext, formats: Formats, change: boolean): BuildState {
  const topic = internalTopicName(context.serviceId, context.queryId, step.id, 'repartition');
  const partitions = state.open.source.partitions;
  const valueSerde = () => {
    const inner = serde(context, topic, 'value', formats.value, step.schema.value);
    return change ? changeSerde(inner) : inner;
  };
  const writer = new SinkOperator({
    log: context.log,
    topic,
    partitions,
    keySerde: serde(context, topic, 'key', formats.key, step.schema.key),
    valueSerde: valueSerde(),
    windowed: null,
    timestamp: null,
    limits: context.limits,
    processingLog: context.operators.log(step.id),
    preservePartitions: context.preservePartitions === true,
  });
  const closed = close(state, writer, { sinkTopic: null, output: null }, [topic]);
  const decoder = new SourceOperator({
    topic,
    keySerde: serde(context, topic, 'key', formats.key, step.schema.key),
    valueSerde: valueSerde(),
    keyColumnCount: step.schema.key.length,
    valueColumnCount: change ? 2 : step.schema.value.length,
    headerColumns: [],
    table: false,
    window: null,
    timestamp: null,
    failOnInvalidTimestamp: false,
    log: context.operators.log(step.id),
  });
  return {
    closed: closed.closed,
    internalTopics: [...closed.internalTopics, { name: topic, partitions }],
    open: { source: { topic, partitions, decoder, internal: true }, operators: [], table: state.open.table },
    sinkTopic: null,
    output: null,
  };
}

const builders: { [K in StepKind]: StepBuilder<K> } = {
  'streamSource@1': sourceBuilder(false),
  'tableSource@1': (step: StepOf<'streamSource@1' | 'tableSource@1'>, context: BuildContext) => {
    const state = sourceBuilder(true)(step, context);
    if (step.materialize && state.open !== null) {
      const windowColumns = step.window === null ? [] : [{ kind: 'BIGINT' as const }, { kind: 'BIGINT' as const }];
      state.open.operators.push(new TableSourceMaterializeOperator(step.id, [...step.schema.key.map((c) => c.type), ...windowColumns], step.window?.kind ?? null));
    }
    return state;
  },
  'filter@1': (step, context) =>
    withOperator(step, context, (open) => {
      // A table filter turns an update that stops matching into a delete: it needs old values.
      if (open.table) for (const operator of open.operators) if (isOldValueSender(operator)) operator.enableSendingOldValues();
      return new FilterOperator(compileExpression(step.predicate, context.operators.compile), open.table, context.operators.log(step.id));
    }),
  'select@1': (step, context) =>
    withOperator(
      step,
      context,
      () => new SelectOperator(step.keyExpressions.map(named), step.valueExpressions.map(named), step.source.schema.key.length, context.operators.compile, context.operators.log(step.id)),
    ),
  'flatMap@1': (step, context) =>
    withOperator(
      step,
      context,
      () => new FlatMapOperator(step.passThrough.map(named), step.tableFunctions, context.operators.tableFunctions, context.operators.compile, context.operators.log(step.id)),
    ),
  'selectKey@1': (step, context) => {
    const sourceSchema = step.source.schema;
    const appendOldKey = step.schema.value.length === sourceSchema.value.length + sourceSchema.key.length && sourceSchema.key.length > 0;
    if (!appendOldKey && step.schema.value.length !== sourceSchema.value.length) {
      throw new SluiceError(
        'INTERNAL_ASSERTION',
        `selectKey ${step.id}: the output has ${step.schema.value.length} value columns; expected ${sourceSchema.value.length} (the source's) or ${sourceSchema.value.length + sourceSchema.key.length} (with the old key)`,
      );
    }
    const state = input(step.source, context);
    state.open.operators.push(new SelectKeyOperator(step.keyExpressions, step.schema.key.length, appendOldKey, context.operators.compile, context.operators.log(step.id)));
    if (!step.repartition) return state;
    // Write to the repartition topic, and start a new pipeline reading it back.
    const formats = step.internalFormats ?? DEFAULT_INTERNAL_FORMATS;
    const topic = internalTopicName(context.serviceId, context.queryId, step.id, 'repartition');
    const partitions = state.open.source.partitions;
    const writer = new SinkOperator({
      log: context.log,
      topic,
      partitions,
      keySerde: serde(context, topic, 'key', formats.key, step.schema.key),
      valueSerde: serde(context, topic, 'value', formats.value, step.schema.value),
      windowed: null,
      timestamp: null,
      limits: context.limits,
      processingLog: context.operators.log(step.id),
      preservePartitions: context.preservePartitions === true,
    });
    const closed = close(state, writer, { sinkTopic: null, output: null }, [topic]);
    const decoder = new SourceOperator({
      topic,
      keySerde: serde(context, topic, 'key', formats.key, step.schema.key),
      valueSerde: serde(context, topic, 'value', formats.value, step.schema.value),
      keyColumnCount: step.schema.key.length,
      valueColumnCount: step.schema.value.length,
      headerColumns: [],
      table: false,
      window: null,
      timestamp: null,
      failOnInvalidTimestamp: false,
      log: context.operators.log(step.id),
    });
    return {
      closed: closed.closed,
      internalTopics: [...closed.internalTopics, { name: topic, partitions }],
      open: { source: { topic, partitions, decoder, internal: true }, operators: [], table: false },
      sinkTopic: null,
      output: null,
    };
  },
  'groupBy@1': (step, context) => {
    const state = input(step.source, context);
    const table = state.open.table;
    state.open.operators.push(createGroupByOperator(step, table ? 'table' : 'stream', aggregateBuildOptions(step.id, context)));
    return step.repartition ? repartitionByKey(state, step, context, step.internalFormats, table) : state;
  },
  'aggregate@1': (step, context) => {
    const state = input(step.source, context);
    const changelog = internalTopicName(context.serviceId, context.queryId, step.id, 'changelog');
    const internalSerde = (target: 'key' | 'value', columns: readonly ColumnDef[]) => serde(context, changelog, target, step.internalFormats[target], columns);
    state.open.operators.push(createAggregateOperator(step, internalSerde, aggregateBuildOptions(step.id, context)));
    state.open.table = true;
    return state;
  },
  'suppress@1': (step, context) => {
    markEmitFinal(step);
    return withOperator(step, context, () => new SuppressOperator());
  },
  'streamStreamJoin@1': (step, context) => joinSteps.streamStream(step, context),
  'streamTableJoin@1': (step, context) => joinSteps.streamTable(step, context),
  'tableTableJoin@1': (step, context) => joinSteps.tableTable(step, context),
  'foreignKeyJoin@1': (step, context) => joinSteps.foreignKey(step, context),
  'streamSink@1': sinkBuilder,
  'tableSink@1': sinkBuilder,
  'pushSink@1': (step, context) => {
    const state = input(step.source, context);
    const queue = new PushQueue(context.pushQueueRows, step.limit);
    return close(state, new PushSinkOperator(queue), { sinkTopic: null, output: queue }, []);
  },
};

function named(e: { name: string; expression: Expr }): { name: string; expression: Expr } {
  return { name: e.name, expression: e.expression };
}

function buildStep(step: Step, context: BuildContext): BuildState {
  const builder = builders[step.kind] as StepBuilder<StepKind> | undefined;
  if (builder === undefined) {
    throw new SluiceError('SQL_UNSUPPORTED', `Unknown step kind ${JSON.stringify(step.kind)}`, { found: String(step.kind) });
  }
  return builder(step, context);
}

/** Builds the pipelines of a plan whose root is a sink (streamSink, tableSink or pushSink). */
export function buildQuery(root: Step, context: BuildContext): BuiltQuery {
  const state = buildStep(root, context);
  if (state.open !== null) {
    throw new SluiceError('INTERNAL_ASSERTION', `the plan's root step ${root.id} (${root.kind}) is not a sink`, {
      expected: 'streamSink@1, tableSink@1 or pushSink@1',
      found: root.kind,
    });
  }
  // Single-input pipelines with stateful operators (aggregates, materialized tables) get tasks
  // with a TaskState (stateful-task.ts); multi-input pipelines (joins) make theirs already.
  const environments = context.stateEnvironment ?? null;
  for (const pipeline of state.closed) {
    if (pipeline.createTasks === undefined && statefulOperators(pipeline).length > 0) {
      pipeline.createTasks = (query, p) => createStatefulTasks(query, p, environments);
    }
  }
  return { pipelines: state.closed, internalTopics: state.internalTopics, sinkTopic: state.sinkTopic, output: state.output };
}
