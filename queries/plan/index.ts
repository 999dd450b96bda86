/**
 * queries/plan — the analyzer's logical plan to engine/steps' physical plan: versioned steps with
 * ksqlDB's step ids (`KsqlTopic/Source`, `WhereFilter`, `PartitionBy`, `FlatMap`,
 * `Aggregate/GroupBy`, `Aggregate/Aggregate/Materialize`, `Project`, the sink's name), repartition
 * topics only where data must move, query ids (`CSAS_<SINK>_<n>`, `CTAS_<SINK>_<n>`,
 * `INSERTQUERY_<n>`, `transient_...`), and EXPLAIN's execution-plan text.
 */
export { planPersistent, planTransient } from './physical.js';
export type { SinkSpec, PlanOptions } from './physical.js';
export { explainPlan, stepSchemaText } from './explain.js';
export { persistentQueryId, transientQueryId } from './ids.js';
export { planPullTable, planTableMaterialization, extractKeyLookups } from './pull.js';
export type { PullTablePlan } from './pull.js';
