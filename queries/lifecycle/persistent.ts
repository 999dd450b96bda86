/**
 * Persistent queries on the runtime. Starting needs the sink topic (and the source topics) to
 * exist; a plan the runtime cannot run yet (aggregations and joins until their operators land)
 * fails to start with SQL_UNSUPPORTED, which the caller reports.
 */
import { SluiceError } from '../../common/index.js';
import type { QueryRuntime, RunningQuery } from '../../engine/runtime/index.js';
import type { QueryPlan } from '../../engine/steps/index.js';

export async function startPersistentQuery(runtime: QueryRuntime, plan: QueryPlan, paused = false): Promise<RunningQuery> {
  const existing = runtime.get(plan.queryId);
  if (existing !== undefined && existing.state !== 'TERMINATED') return existing;
  const query = await runtime.start(plan);
  if (paused) query.pause();
  return query;
}

export async function stopPersistentQuery(runtime: QueryRuntime, queryId: string, deleteInternalTopics: boolean): Promise<void> {
  if (runtime.get(queryId) === undefined) return;
  await runtime.stop(queryId, { deleteInternalTopics });
}

export function pauseQuery(runtime: QueryRuntime, queryId: string): void {
  const query = runtime.get(queryId);
  if (query === undefined) throw new SluiceError('ENGINE_QUERY_NOT_FOUND', `Unknown queryId: ${queryId}`, { found: queryId });
  if (query.state === 'RUNNING') query.pause();
}

export function resumeQuery(runtime: QueryRuntime, queryId: string): void {
  const query = runtime.get(queryId);
  if (query === undefined) throw new SluiceError('ENGINE_QUERY_NOT_FOUND', `Unknown queryId: ${queryId}`, { found: queryId });
  if (query.state === 'PAUSED') query.resume();
}
