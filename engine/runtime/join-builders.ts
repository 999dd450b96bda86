/**
 * Building the join steps (`streamStreamJoin@1`, `streamTableJoin@1`, `tableTableJoin@1`,
 * `foreignKeyJoin@1`) into multi-input pipelines (multi-input.ts).
 *
 * A key join puts its two inputs — each an open pipeline: a topic and its operators, or itself a
 * join flow (multi-way joins chain) — under a join node; the result is an open pipeline whose
 * operators are the join node's (later steps append to them). Both inputs must have as many
 * partitions (co-partitioning; the planner repartitions a side not keyed by the join key).
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
import { applicationId, type Step } from '../steps/index.js';
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

function internalName(context: JoinBuildContext, stepId: string, suffix: string): string {
  return `${applicationId(context.serviceId, context.queryId)}-${stepId}-${suffix}`.replace(/[^a-zA-Z0-9._-]/g, '-');
}

export function joinStepBuilders<Open extends JoinInput, State extends JoinBuildState<Open>>(helpers: JoinBuildHelpers<Open, State>) {
  /** Two co-partitioned inputs under one join node. */
  function keyJoin(step: StepOf<'streamStreamJoin@1' | 'streamTableJoin@1' | 'tableTableJoin@1'>, context: JoinBuildContext, table: boolean, factory: JoinProcessorFactory): State {
    const left = helpers.input(step.left, context);
    const right = helpers.input(step.right, context);
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
      const left = helpers.input(step.left, context);
      const right = helpers.input(step.right, context);
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

      // Where a foreign key's registration goes: the right table's partition for that key.
      const rightSource = leftmostSource(step.right);
      const keySerde =
        rightPartitions > 1 && rightSource !== null
          ? context.serdes.create({ topic: rightSource.topic, target: 'key', format: rightSource.formats.key.format, properties: rightSource.formats.key.properties, columns: step.right.schema.key })
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
