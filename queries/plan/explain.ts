/**
 * EXPLAIN's execution plan text, in the shape of ksqlDB's: one line per step, sink first, each
 * input indented under the step that reads it:
 *
 *    > [ SINK ] | Schema: `K` STRING KEY, `A` INTEGER | Logger: CSAS_OUT_1.OUT
 *        > [ PROJECT ] | Schema: ... | Logger: CSAS_OUT_1.Project
 *            > [ SOURCE ] | Schema: ... | Logger: CSAS_OUT_1.KsqlTopic.Source
 */
import { LogicalSchema } from '../../engine/types/index.js';
import { stepInputs, type QueryPlan, type Step, type StepKind } from '../../engine/steps/index.js';

const LABELS: Record<StepKind, string> = {
  'streamSource@1': 'SOURCE',
  'tableSource@1': 'SOURCE',
  'filter@1': 'FILTER',
  'select@1': 'PROJECT',
  'flatMap@1': 'FLAT_MAP',
  'selectKey@1': 'REKEY',
  'groupBy@1': 'GROUP_BY',
  'aggregate@1': 'AGGREGATE',
  'suppress@1': 'SUPPRESS',
  'streamStreamJoin@1': 'JOIN',
  'streamTableJoin@1': 'JOIN',
  'tableTableJoin@1': 'JOIN',
  'foreignKeyJoin@1': 'JOIN',
  'streamSink@1': 'SINK',
  'tableSink@1': 'SINK',
  'pushSink@1': 'SINK',
};

export function stepSchemaText(step: Step): string {
  return LogicalSchema.of([
    ...step.schema.key.map((c) => ({ name: c.name, type: c.type, namespace: 'KEY' as const })),
    ...step.schema.value.map((c) => ({ name: c.name, type: c.type, namespace: 'VALUE' as const })),
  ]).toString();
}

export function explainPlan(plan: QueryPlan): string {
  const lines: string[] = [];
  const visit = (step: Step, depth: number): void => {
    const indent = '\t'.repeat(depth * 2);
    lines.push(`${indent} > [ ${LABELS[step.kind]} ] | Schema: ${stepSchemaText(step)} | Logger: ${plan.queryId}.${step.id.replaceAll('/', '.')}`);
    for (const input of stepInputs(step)) visit(input, depth + 1);
  };
  visit(plan.sink, 0);
  return lines.join('\n') + '\n';
}
