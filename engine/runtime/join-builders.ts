/**
 * Building the join steps (`streamStreamJoin@1`, `streamTableJoin@1`, `tableTableJoin@1`,
 * `foreignKeyJoin@1`) into multi-input pipelines (multi-input.ts).
 *
 * A key join puts its two inputs — each an open pipeline: a topic and its operators, or itself a
 * join flow (multi-way joins chain) — under a join node; the result is an open pipeline whose
 * operators are the join node's (later steps append to them). Both inputs must have as many
 * partitions (co-partitioning; the planner repartitions a side not keyed by the join key).
 *
 * A join side the planner re-keys (a `selectKey@1` step with `repartition`, ksqlDB's
 * `<prefix>LeftSourceKeyed` / `<prefix>RightSourceKeyed`) is moved through a repartition topic
 * here, named as Kafka Streams names it for ksqlDB: a stream side of a stream-stream join
 * `<app>-<join>-left-repartition` / `-right-repartition`, the stream side of a stream-table join
 * `<app>-<join>-repartition`, a table side `<app>-<step>-SelectKey-repartition`. Windowed keys keep
 * their window: written as the side's windows, read back with the join's (its left-most source's).
 *
 * A foreign-key join needs the subscription protocol (see operators/join/foreign-key.ts): two
 * internal topics, `<app>-<step>-subscription-registration-topic` (partitioned like the right
 * table) and `<app>-<step>-subscription-response-topic` (like the left table); a closed pipeline
 * reads the registrations with the right table and writes responses; the open pipeline reads the
 * left table with the responses and produces the joined rows.
 */
import { SluiceError, type Limits } from '../../common/index.js';
import type { Log } from '../../storage/log/index.js';
import { compileExpression } from '../expressions/index.js';
import {
  ForeignKeyLeftFactory,
  ForeignKeyRightFactory,
  JoinLayout,
  PartitionedTopicWriter,
  REGISTRATION_VALUE_COLUMNS,
  RESPONSE_VALUE_COLUMNS,
  SelectKeyOperator,
  SinkOperator,
  SourceOperator,
  StreamStreamJoinFactory,
  StreamTableJoinFactory,
  TableTableJoinFactory,
  internalRowSerde,
  partitionForKey,
  type JoinProcessorFactory,
  type OperatorContext,
  type SerdeFactory,
} from '../operators/index.js';
import { applicationId, type FormatSpec, type Step } from '../steps/index.js';
import type { Pipeline } from './builder.js';
import { createMultiInputTasks, type FlowJoin, type FlowLeaf, type FlowNode, type MultiInputOptions, type TaskStateEnvironmentFactory } from './multi-input.js';

type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

/** The part of an open pipeline a join needs (builder.ts's OpenPipeline). */
export interface JoinInput {
  source: Pipeline['source'];
  operators: Pipeline['operators'];
  table: boolean;
  flow?: FlowJoin;
  createTasks?: Pipeline['createTasks'];
}

/** The part of the builder's state a join needs. */
export interface JoinBuildState<Open extends JoinInput> {
  closed: Pipeline[];
  internalTopics: Array<{ name: string; partitions: number }>;
  open: Open | null;
  sinkTopic: string | null;
  output: unknown;
}

export interface JoinBuildContext {
  queryId: string;
  serviceId: string;
  log: Log;
  limits: Limits;
  serdes: SerdeFactory;
  operators: OperatorContext;
  stateEnvironment?: TaskStateEnvironmentFactory | null;
  preservePartitions?: boolean;
}

/** What builder.ts lends the join builders. */
export interface JoinBuildHelpers<Open extends JoinInput, State extends JoinBuildState<Open>> {
  input(step: Step, context: JoinBuildContext): State & { open: Open };
}

function flowOf(open: JoinInput): FlowNode {
  return open.flow ?? { kind: 'leaf', source: open.source, operators: open.operators };
}

/** The operators' property for Kafka Streams' outer-join emit interval. */
const EMIT_INTERVAL_PROPERTY = '__emit.interval.ms.kstreams.outer.join.spurious.results.fix__';

const MAX_TASK_IDLE_PROPERTIES = ['max.task.idle.ms', 'ksql.streams.max.task.idle.ms'];

/** How the join tasks of a query are made: `max.task.idle.ms` = -1 turns waiting for upstream off. */
function multiInputOptions(context: JoinBuildContext): MultiInputOptions {
  let awaitUpstream = true;
  for (const key of MAX_TASK_IDLE_PROPERTIES) {
    const value = context.operators.properties[key];
    if (value === undefined || value === null) continue;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n) || n < -1) {
      throw new SluiceError('CONFIG_INVALID', `${key}: expected a number of milliseconds >= -1, found ${JSON.stringify(value)}`, { expected: 'an integer >= -1', found: String(value) });
    }
    awaitUpstream = n >= 0;
    break;
  }
  return { stateEnvironment: context.stateEnvironment ?? null, awaitUpstream };
}

function emitIntervalMs(context: JoinBuildContext): number | undefined {
  const value = context.operators.properties[EMIT_INTERVAL_PROPERTY];
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function leftmostSource(step: Step): StepOf<'streamSource@1' | 'tableSource@1'> | null {
  let current: Step = step;
  for (;;) {
    if (current.kind === 'streamSource@1' || current.kind === 'tableSource@1') return current;
    if ('source' in current) current = current.source;
    else if ('left' in current) current = current.left;
    else return null;
  }
}

/** `<applicationId>-<name>`, with characters a topic name cannot hold replaced by `-`. */
function internalTopic(context: JoinBuildContext, name: string): string {
  return `${applicationId(context.serviceId, context.queryId)}-${name}`.replace(/[^a-zA-Z0-9._-]/g, '-');
}

function internalName(context: JoinBuildContext, stepId: string, suffix: string): string {
  return internalTopic(context, `${stepId}-${suffix}`);
}

type JoinStep = StepOf<'streamStreamJoin@1' | 'streamTableJoin@1' | 'tableTableJoin@1' | 'foreignKeyJoin@1'>;

/** A join side the planner moves through a repartition topic. */
function sideRepartition(step: Step): StepOf<'selectKey@1'> | null {
  return step.kind === 'selectKey@1' && step.repartition ? step : null;
}

/** The repartition topic's name (after the application id) for a join's side, as ksqlDB's. */
function sideTopicName(join: JoinStep, side: 'left' | 'right', rekey: StepOf<'selectKey@1'>): string {
  if (join.kind === 'streamStreamJoin@1') return `${join.id}-${side}-repartition`;
  if (join.kind === 'streamTableJoin@1' && side === 'left') return `${join.id}-repartition`;
  return `${rekey.id}-SelectKey-repartition`;
}

export function joinStepBuilders<Open extends JoinInput, State extends JoinBuildState<Open>>(helpers: JoinBuildHelpers<Open, State>) {
  /**
   * A join's input: the side's pipeline, or — for a side the planner re-keys — the side's pipeline
   * ending in a repartition topic, and a new pipeline reading it back.
   */
  function sideInput(join: JoinStep, side: 'left' | 'right', context: JoinBuildContext): State & { open: Open } {
    const step = join[side];
    const rekey = sideRepartition(step);
    if (rekey === null) return helpers.input(step, context);
    const table = join.kind === 'tableTableJoin@1' || join.kind === 'foreignKeyJoin@1' || (join.kind === 'streamTableJoin@1' && side === 'right');
    const source = rekey.source.schema;
    const appendOldKey = source.key.length > 0 && rekey.schema.value.length === source.value.length + source.key.length;
    if (!appendOldKey && rekey.schema.value.length !== source.value.length) {
      throw new SluiceError('INTERNAL_ASSERTION', `selectKey ${rekey.id}: the output has ${rekey.schema.value.length} value columns; expected ${source.value.length}`);
    }
    const state = helpers.input(rekey.source, context);
    state.open.operators.push(new SelectKeyOperator(rekey.keyExpressions, rekey.schema.key.length, appendOldKey, context.operators.compile, context.operators.log(rekey.id)));
    const formats = rekey.internalFormats ?? { key: { format: 'JSON', properties: {} }, value: { format: 'JSON', properties: {} } };
    const topic = internalTopic(context, sideTopicName(join, side, rekey));
    const partitions = state.open.source.partitions;
    const serde = (target: 'key' | 'value') =>
      context.serdes.create({ topic, target, format: formats[target].format, properties: formats[target].properties, columns: rekey.schema[target] });
    // Windowed keys: written with this side's windows, read with the join's key format's.
    const sideWindow = leftmostSource(rekey.source)?.window ?? null;
    const joinWindow = leftmostSource(join.left)?.window ?? sideWindow;
    const writer = new SinkOperator({
      log: context.log,
      topic,
      partitions,
      keySerde: serde('key'),
      valueSerde: serde('value'),
      windowed: sideWindow === null ? null : { kind: sideWindow.kind },
      timestamp: null,
      limits: context.limits,
      processingLog: context.operators.log(rekey.id),
      preservePartitions: context.preservePartitions === true,
    });
    const pipeline: Pipeline = { index: state.closed.length, source: state.open.source, operators: state.open.operators, terminal: writer, outputTopics: [topic] };
    if (state.open.createTasks !== undefined) pipeline.createTasks = state.open.createTasks;
    const decoder = new SourceOperator({
      topic,
      keySerde: serde('key'),
      valueSerde: serde('value'),
      keyColumnCount: rekey.schema.key.length,
      valueColumnCount: rekey.schema.value.length,
      headerColumns: [],
      table,
      window: sideWindow === null || joinWindow === null ? null : { kind: joinWindow.kind, sizeMs: joinWindow.sizeMs },
      timestamp: null,
      failOnInvalidTimestamp: false,
      log: context.operators.log(rekey.id),
    });
    const open = { source: { topic, partitions, decoder, internal: true }, operators: [], table } as unknown as Open;
    return {
      ...state,
      closed: [...state.closed, pipeline],
      internalTopics: [...state.internalTopics, { name: topic, partitions }],
      open,
      sinkTopic: null,
      output: null,
    };
  }

  /** Two co-partitioned inputs under one join node. */
  function keyJoin(step: StepOf<'streamStreamJoin@1' | 'streamTableJoin@1' | 'tableTableJoin@1'>, context: JoinBuildContext, table: boolean, factory: JoinProcessorFactory): State {
    const left = sideInput(step, 'left', context);
    const right = sideInput(step, 'right', context);
    if (left.open.source.partitions !== right.open.source.partitions) {
      const l = left.open.source;
      const r = right.open.source;
      throw new SluiceError(
        'SQL_ANALYSIS',
        `Can't join ${l.topic} with ${r.topic} since the number of partitions don't match. ${l.topic} partitions = ${l.partitions}; ${r.topic} partitions = ${r.partitions}. Please repartition either one so that the number of partitions match.`,
        { expected: `${l.partitions} partitions`, found: `${r.partitions} partitions` },
      );
    }
    for (const pipeline of right.closed) pipeline.index += left.closed.length;
    const root: FlowJoin = { kind: 'join', left: flowOf(left.open), right: flowOf(right.open), factory, operators: [] };
    const options = multiInputOptions(context);
    const open = {
      ...left.open,
      source: left.open.source,
      operators: root.operators,
      table,
      flow: root,
      createTasks: (query, pipeline) => createMultiInputTasks(query, pipeline, root, options),
    } as Open & { createTasks: NonNullable<Pipeline['createTasks']> };
    return {
      ...left,
      closed: [...left.closed, ...right.closed],
      internalTopics: [...left.internalTopics, ...right.internalTopics],
      open,
      sinkTopic: null,
      output: null,
    };
  }

  return {
    streamStream(step: StepOf<'streamStreamJoin@1'>, context: JoinBuildContext): State {
      const interval = emitIntervalMs(context);
      const factory = new StreamStreamJoinFactory({
        stepId: step.id,
        joinType: step.joinType,
        beforeMs: step.beforeMs,
        afterMs: step.afterMs,
        graceMs: step.graceMs,
        layout: JoinLayout.of(step.left.schema, step.right.schema, step.schema),
        ...(interval !== undefined ? { emitIntervalMs: interval } : {}),
      });
      return keyJoin(step, context, false, factory);
    },

    streamTable(step: StepOf<'streamTableJoin@1'>, context: JoinBuildContext): State {
      if (step.joinType !== 'INNER' && step.joinType !== 'LEFT') {
        throw new SluiceError('SQL_ANALYSIS', `Invalid join type: ${step.joinType === 'OUTER' ? 'full-outer' : 'right'} join not supported for stream-table join.`, {
          expected: 'INNER or LEFT',
          found: step.joinType,
        });
      }
      const factory = new StreamTableJoinFactory({ stepId: step.id, joinType: step.joinType, layout: JoinLayout.of(step.left.schema, step.right.schema, step.schema) });
      return keyJoin(step, context, false, factory);
    },

    tableTable(step: StepOf<'tableTableJoin@1'>, context: JoinBuildContext): State {
      const factory = new TableTableJoinFactory({ stepId: step.id, joinType: step.joinType, layout: JoinLayout.of(step.left.schema, step.right.schema, step.schema) });
      return keyJoin(step, context, true, factory);
    },

    foreignKey(step: StepOf<'foreignKeyJoin@1'>, context: JoinBuildContext): State {
      const left = sideInput(step, 'left', context);
      const right = sideInput(step, 'right', context);
      for (const pipeline of right.closed) pipeline.index += left.closed.length;
      const leftPartitions = left.open.source.partitions;
      const rightPartitions = right.open.source.partitions;
      const registrationTopic = internalName(context, step.id, 'subscription-registration-topic');
      const responseTopic = internalName(context, step.id, 'subscription-response-topic');
      const processingLog = context.operators.log(step.id);
      const internalDecoder = (topic: string, keyColumnCount: number, valueColumnCount: number): SourceOperator =>
        new SourceOperator({
          topic,
          keySerde: internalRowSerde,
          valueSerde: internalRowSerde,
          keyColumnCount,
          valueColumnCount,
          headerColumns: [],
          table: false,
          window: null,
          timestamp: null,
          failOnInvalidTimestamp: false,
          log: processingLog,
        });
      const options = multiInputOptions(context);

      // Right task: registrations + the right table -> responses.
      const registrationLeaf: FlowLeaf = {
        kind: 'leaf',
        source: { topic: registrationTopic, partitions: rightPartitions, decoder: internalDecoder(registrationTopic, step.right.schema.key.length, REGISTRATION_VALUE_COLUMNS), internal: true },
        operators: [],
        awaitUpstream: false,
      };
      const rightRoot: FlowJoin = {
        kind: 'join',
        left: registrationLeaf,
        right: flowOf(right.open),
        factory: new ForeignKeyRightFactory({ stepId: step.id, foreignKeyTypes: step.right.schema.key.map((c) => c.type), leftKeyTypes: step.left.schema.key.map((c) => c.type) }),
        operators: [],
      };
      const responseWriter = new PartitionedTopicWriter(context.log, responseTopic, leftPartitions, context.limits);
      const rightPipeline: Pipeline = {
        index: left.closed.length + right.closed.length,
        source: registrationLeaf.source,
        operators: rightRoot.operators,
        terminal: responseWriter,
        outputTopics: [responseTopic],
        createTasks: (query, pipeline) => createMultiInputTasks(query, pipeline, rightRoot, options),
      };

      // Where a foreign key's registration goes: the right table's partition for that key (its
      // repartition topic's when the planner re-keys it).
      const rightSource = leftmostSource(step.right);
      const rightKey: { topic: string; format: FormatSpec } | null =
        sideRepartition(step.right) !== null
          ? { topic: right.open.source.topic, format: sideRepartition(step.right)!.internalFormats?.key ?? { format: 'JSON', properties: {} } }
          : rightSource === null
            ? null
            : { topic: rightSource.topic, format: rightSource.formats.key };
      const keySerde =
        rightPartitions > 1 && rightKey !== null
          ? context.serdes.create({ topic: rightKey.topic, target: 'key', format: rightKey.format.format, properties: rightKey.format.properties, columns: step.right.schema.key })
          : null;
      const partitionFor = (foreignKey: readonly unknown[], leftPartition: number): number => {
        if (rightPartitions === 1) return 0;
        if (context.preservePartitions === true || context.operators.properties[PRESERVE_PARTITIONS_PROPERTY] === true) return leftPartition % rightPartitions;
        let bytes: Buffer | null = null;
        try {
          bytes = keySerde === null ? internalRowSerde.serialize(foreignKey) : keySerde.serialize(foreignKey);
        } catch {
          bytes = internalRowSerde.serialize(foreignKey);
        }
        return bytes === null ? leftPartition % rightPartitions : partitionForKey(bytes, rightPartitions);
      };

      // Left task: the left table + responses -> joined rows.
      const responseLeaf: FlowLeaf = {
        kind: 'leaf',
        source: { topic: responseTopic, partitions: leftPartitions, decoder: internalDecoder(responseTopic, step.left.schema.key.length, RESPONSE_VALUE_COLUMNS), internal: true },
        operators: [],
        awaitUpstream: false,
      };
      const leftRoot: FlowJoin = {
        kind: 'join',
        left: flowOf(left.open),
        right: responseLeaf,
        factory: new ForeignKeyLeftFactory({
          stepId: step.id,
          joinType: step.joinType,
          layout: JoinLayout.of(step.left.schema, step.right.schema, step.schema),
          foreignKey: compileExpression(step.foreignKey, context.operators.compile),
          log: processingLog,
          registration: { log: context.log, topic: registrationTopic, partitions: rightPartitions, limits: context.limits },
          partitionFor,
        }),
        operators: [],
      };
      const open = {
        ...left.open,
        source: left.open.source,
        operators: leftRoot.operators,
        table: true,
        flow: leftRoot,
        createTasks: (query, pipeline) => createMultiInputTasks(query, pipeline, leftRoot, options),
      } as Open & { createTasks: NonNullable<Pipeline['createTasks']> };
      return {
        ...left,
        closed: [...left.closed, ...right.closed, rightPipeline],
        internalTopics: [
          ...left.internalTopics,
          ...right.internalTopics,
          { name: registrationTopic, partitions: rightPartitions },
          { name: responseTopic, partitions: leftPartitions },
        ],
        open,
        sinkTopic: null,
        output: null,
      };
    },
  };
}

/**
 * Operator property: route a foreign-key join's subscriptions to the left row's own partition
 * instead of the foreign key's hash partition — for runs whose inputs were all written to one
 * partition whatever their key (ksqlDB's test driver is single-partition).
 */
export const PRESERVE_PARTITIONS_PROPERTY = 'sluice.internal.preserve.partitions';
