/**
 * The part of the SQL engine (queries/ `QueryEngine`) the HTTP and WebSocket layers use. Every
 * statement goes through it: the server never parses, plans or runs SQL itself (PRINT aside,
 * which reads the log directly). `QueryEngine` satisfies `SqlEngine` as is; tests may pass a
 * smaller stand-in.
 */
import type { SqlType } from '../../engine/types/index.js';
import type { PushRow } from '../../engine/runtime/index.js';
import type { ExecuteOptions, PushQueryOptions, StatementResult } from '../../queries/index.js';

export type { ExecuteOptions, PushQueryOptions, StatementResult };

export interface QueryColumn {
  readonly name: string;
  readonly type: SqlType;
  /** A key column of the result (tombstones keep only these). */
  readonly isKey?: boolean;
}

/** A running transient query, as the server streams it (queries/ `PushQueryHandle`). */
export interface PushQueryHandle {
  readonly queryId: string;
  readonly columns: readonly QueryColumn[];
  /** ```ID` STRING KEY, `V` DOUBLE``: the `/query` header's schema. */
  readonly schemaText: string;
  /** Projected values per row. */
  rows(): AsyncIterable<readonly unknown[]>;
  /** Rows with their key, timestamp and tombstone flag (`value === null`), when the engine has them. */
  records?(): AsyncIterable<PushRow>;
  close(): Promise<void>;
  /** Pull queries: the kind of source read (a stream's pull query answers like a push query). */
  readonly pullSource?: 'STREAM' | 'TABLE';
  /** A stream's pull query stopped at its LIMIT. */
  readonly limitReached?: boolean;
  /** A result complete at start (a pull query over a table): its rows, taken at once; else null. */
  completedRecords?(): readonly PushRow[] | null;
}

/** A stream or table as the server needs to see it (the catalog's DataSource has these fields). */
export interface SourceView {
  readonly name: string;
  readonly kind: 'STREAM' | 'TABLE';
  readonly topic: string;
  readonly keyColumns: readonly QueryColumn[];
  readonly valueColumns: readonly QueryColumn[];
}

export interface SqlEngine {
  execute(text: string, options?: ExecuteOptions): Promise<StatementResult[]>;
  startPushQuery(sql: string, options?: PushQueryOptions): Promise<PushQueryHandle>;
  catalog(): { source(name: string): SourceView | undefined; allSources(): SourceView[] };
}

/** One row of a query as the server writes it. */
export interface QueryRow {
  /** Values in column order (a tombstone has its key columns and nulls). */
  readonly values: readonly unknown[];
  /** A table row was deleted. */
  readonly tombstone: boolean;
  /** The row's key values (tables: the primary key), when the engine gives them. */
  readonly key: readonly unknown[] | null;
}

/** The handle's rows with tombstones made explicit. */
export async function* queryRows(handle: PushQueryHandle): AsyncGenerator<QueryRow> {
  if (!handle.records) {
    for await (const values of handle.rows()) yield { values, tombstone: false, key: null };
    return;
  }
  const keyIndexes: number[] = [];
  handle.columns.forEach((c, i) => {
    if (c.isKey) keyIndexes.push(i);
  });
  for await (const record of handle.records()) {
    if (record.value !== null) {
      yield { values: record.value, tombstone: false, key: record.key };
      continue;
    }
    const values = new Array<unknown>(handle.columns.length).fill(null);
    keyIndexes.forEach((columnIndex, k) => {
      values[columnIndex] = record.key[k] ?? null;
    });
    yield { values, tombstone: true, key: record.key };
  }
}

/** REST `sessionVariables` values as the engine takes them (strings). */
export function variablesOf(sessionVariables: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(sessionVariables)) out[name] = typeof value === 'string' ? value : JSON.stringify(value);
  return out;
}
