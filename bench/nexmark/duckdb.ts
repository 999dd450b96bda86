/**
 * The reference side: the same events loaded into DuckDB (`@duckdb/node-api`, a devDependency used
 * only here) from the newline-delimited JSON files the generator wrote, and each query's result
 * computed there as one batch query. Its rows are the expected output of the Sluice query; its
 * time is the batch baseline ("how long does a vectorized engine take over the same events").
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { NexmarkEventKind } from './generator.js';
import type { EventFiles } from './load.js';
import { DUCKDB_COLUMNS, canonicalRow, type NexmarkQuery } from './queries.js';
import type { NexmarkConfig } from './generator.js';

export interface ReferenceDatabase {
  connection: DuckDBConnection;
  /** Seconds to load the three tables. */
  loadSeconds: number;
  rowCounts: Record<NexmarkEventKind, number>;
  close(): void;
}

export interface ReferenceResult {
  /** Canonical rows (see queries.ts). */
  rows: string[];
  /** Seconds DuckDB took to compute the result (materialized into a temporary table), reading it back excluded. */
  seconds: number;
}

const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/**
 * Opens an in-memory DuckDB and loads `files` into tables person, auction, bid. `threads` limits
 * DuckDB's worker threads (1 compares one core with one core; 0 leaves DuckDB's default).
 */
export async function openReferenceDatabase(files: EventFiles, threads = 1): Promise<ReferenceDatabase> {
  const instance = await DuckDBInstance.create(':memory:', threads > 0 ? { threads: String(threads) } : {});
  const connection = await instance.connect();
  const started = performance.now();
  const rowCounts: Record<NexmarkEventKind, number> = { person: 0, auction: 0, bid: 0 };
  for (const kind of ['person', 'auction', 'bid'] as const) {
    const columns = Object.entries(DUCKDB_COLUMNS[kind])
      .map(([name, type]) => `${name}: ${quote(type)}`)
      .join(', ');
    await connection.run(`CREATE TABLE ${kind} AS SELECT * FROM read_json(${quote(files[kind])}, format = 'newline_delimited', columns = {${columns}})`);
    const count = await connection.runAndReadAll(`SELECT COUNT(*) FROM ${kind}`);
    rowCounts[kind] = Number(count.getRowsJS()[0]![0]);
  }
  const loadSeconds = (performance.now() - started) / 1000;
  return {
    connection,
    loadSeconds,
    rowCounts,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs the query's reference SQL: timed while DuckDB materializes it, then read back as canonical rows. */
export async function referenceResult(database: ReferenceDatabase, query: NexmarkQuery, config: NexmarkConfig): Promise<ReferenceResult> {
  const { connection } = database;
  const table = `result_${query.name}`;
  await connection.run(`DROP TABLE IF EXISTS ${table}`);
  const started = performance.now();
  await connection.run(`CREATE TEMP TABLE ${table} AS ${query.duckdbSql(config)}`);
  const seconds = (performance.now() - started) / 1000;
  const reader = await connection.runAndReadAll(`SELECT * FROM ${table}`);
  const rows = reader.getRowsJS().map((row) => canonicalRow(row, query.output.columns));
  await connection.run(`DROP TABLE ${table}`);
  return { rows, seconds };
}
