/**
 * engine/steps — the physical plan as data: the closed `Step` union (versioned `kind@n`), the
 * `QueryPlan` the command log stores and replays, and small walkers over a step tree. The planner
 * (queries/plan) produces it; the runtime (engine/runtime) runs it; nothing here executes.
 */
export type {
  AggregateCall,
  ColumnDef,
  FormatSpec,
  Formats,
  HeaderColumn,
  JoinType,
  QueryPlan,
  SelectExpression,
  Step,
  StepKind,
  StepSchema,
  TimestampSpec,
  WindowSpec,
} from './steps.js';
export { STEP_KINDS, stepInputs, walkSteps, sourceTopicsOf, internalTopicName, applicationId } from './walk.js';
