/**
 * Walking a step tree, and the names ksqlDB derives from a query id (the Kafka Streams application
 * id, which is the consumer group and the prefix of internal topics).
 */
import type { QueryPlan, Step, StepKind } from './steps.js';

/** Every step kind, for exhaustive tables (`Record<StepKind, ...>`). */
export const STEP_KINDS = [
  'streamSource@1',
  'tableSource@1',
  'filter@1',
  'select@1',
  'flatMap@1',
  'selectKey@1',
  'groupBy@1',
  'aggregate@1',
  'suppress@1',
  'streamStreamJoin@1',
  'streamTableJoin@1',
  'tableTableJoin@1',
  'foreignKeyJoin@1',
  'streamSink@1',
  'tableSink@1',
  'pushSink@1',
] as const satisfies readonly StepKind[];

/** Compile-time check that STEP_KINDS lists every kind. */
type MissingStepKinds = Exclude<StepKind, (typeof STEP_KINDS)[number]>;
const stepKindsComplete: [MissingStepKinds] extends [never] ? true : MissingStepKinds = true;
void stepKindsComplete;

/** The steps a step reads from (none for a source; two for a join). */
export function stepInputs(step: Step): Step[] {
  switch (step.kind) {
    case 'streamSource@1':
    case 'tableSource@1':
      return [];
    case 'streamStreamJoin@1':
    case 'streamTableJoin@1':
    case 'tableTableJoin@1':
    case 'foreignKeyJoin@1':
      return [step.left, step.right];
    default:
      return [step.source];
  }
}

/** Visits every step, inputs before the steps that read them (post-order). */
export function walkSteps(root: Step, visit: (step: Step) => void): void {
  for (const input of stepInputs(root)) walkSteps(input, visit);
  visit(root);
}

/** The topics the plan's source steps read, in plan order, without duplicates. */
export function sourceTopicsOf(plan: QueryPlan | Step): string[] {
  const root = 'sink' in plan ? plan.sink : plan;
  const topics: string[] = [];
  walkSteps(root, (step) => {
    if ((step.kind === 'streamSource@1' || step.kind === 'tableSource@1') && !topics.includes(step.topic)) topics.push(step.topic);
  });
  return topics;
}

/**
 * ksqlDB's Kafka Streams application id for a persistent query: `_confluent-ksql-<serviceId>query_<queryId>`
 * (the consumer group, and the prefix of the query's internal topics). ksqlDB's default service
 * id is `default_`.
 */
export function applicationId(serviceId: string, queryId: string): string {
  return `_confluent-ksql-${serviceId}query_${queryId}`;
}

/** `<applicationId>-<stepId>-<suffix>` with characters a topic name cannot hold replaced by `-`. */
export function internalTopicName(serviceId: string, queryId: string, stepId: string, suffix: 'repartition' | 'changelog'): string {
  return `${applicationId(serviceId, queryId)}-${stepId}-${suffix}`.replace(/[^a-zA-Z0-9._-]/g, '-');
}
