/**
 * engine/pull — pull queries, engine side: `materializedTable(runtime, queryId, { functions })`
 * gives the table a persistent query materializes (a GROUP BY aggregate, windowed or not, or a
 * materialized table source), read straight from its state stores in every partition: key
 * lookups, key ranges and scans, WINDOWSTART / WINDOWEND bounds for windowed tables. Rows come in
 * the sink's schema (HAVING and the projection replayed, as ksqlDB's MaterializationInfo does);
 * the caller applies the rest of the pull query (other WHERE conditions, SELECT list, LIMIT).
 */
export { MaterializedTable, materializedTable } from './pull.js';
export type { KeyBound, PullOptions, PullRequest, PullRow, PullWindow, TimeBounds } from './pull.js';
