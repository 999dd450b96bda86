/**
 * What the benchmark prints and writes: the readable tables, the chart, and the final JSON line
 * `{"bench":"nexmark","figures":{...},"ratios":{...}}`. A query Sluice cannot run yet stays in
 * every output with the engine's error (`not supported yet: ...`), never left out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { printResultLine, printTable, type Cell } from '../util.js';
import type { ChildReport } from './child.js';
import type { NexmarkConfig } from './generator.js';
import type { QueryName, RowComparison } from './queries.js';
import { renderBarChart } from './svg.js';

export interface QueryResult {
  query: QueryName;
  title: string;
  report: ChildReport;
  duckdb: { seconds: number; eventsPerSecond: number; rows: number } | null;
  /** Sluice's output against DuckDB's, and the hand loop's. */
  sluiceCheck: RowComparison | null;
  handLoopCheck: RowComparison | null;
}

export interface ScalingResult {
  query: QueryName;
  events: number;
  report: ChildReport;
}

export interface NexmarkResults {
  bench: 'nexmark';
  date: string;
  machine: { cpu: string; cores: number; memoryGigabytes: number; platform: string; node: string; loadAverage: number[]; loadAverageAtEnd?: number[] };
  config: NexmarkConfig & { events: number; viaKafka: boolean; duckdbThreads: number; joinGraceSeconds: number };
  generatorEventsPerSecond: number;
  duckdbLoadSeconds: number | null;
  queries: QueryResult[];
  scaling: ScalingResult[];
}

export function comparisonSummary(comparison: RowComparison): string {
  if (comparison.equal) return `match (${comparison.actualRows} rows)`;
  return `mismatch: expected ${comparison.expectedRows} rows, got ${comparison.actualRows} (${comparison.missingCount} missing, ${comparison.unexpectedCount} unexpected)`;
}

/** The result column: what happened to the query on Sluice, and whether its output matched DuckDB's. */
export function statusOf(result: { report: ChildReport; sluiceCheck: RowComparison | null }): string {
  const { report } = result;
  if (report.error !== undefined) return `benchmark error: ${report.error.split('\n')[0]}`;
  const outcome = report.sluice.outcome;
  switch (outcome.kind) {
    case 'unsupported':
      return `not supported yet: ${outcome.error}`;
    case 'failed':
      return `failed: ${outcome.error}`;
    case 'stalled':
      return `stalled: ${outcome.error}`;
    case 'done':
      return result.sluiceCheck === null ? 'done (not checked)' : comparisonSummary(result.sluiceCheck);
  }
}

/** True when Sluice ran the query to completion. */
export function sluiceRan(report: ChildReport): boolean {
  return report.error === undefined && report.sluice.outcome.kind === 'done';
}

const dash = '-';
const number = (value: number | undefined | null): Cell => (value === undefined || value === null || !Number.isFinite(value) ? dash : value);
/** A ratio with 3 significant digits (ratios far below 1 stay readable). */
const ratioCell = (value: number): Cell => (Number.isFinite(value) ? String(Number(value.toPrecision(3))) : dash);
const ratio = (numerator: number | undefined, denominator: number | undefined): number => (numerator !== undefined && denominator !== undefined && denominator > 0 ? numerator / denominator : Number.NaN);

export function printReport(results: NexmarkResults): void {
  const rows = results.queries.map((result): Cell[] => {
    const { report } = result;
    const ran = sluiceRan(report);
    const sluice = ran ? report.sluice.eventsPerSecond : undefined;
    const hand = report.error === undefined ? report.handLoop?.eventsPerSecond : undefined;
    const duckdb = result.duckdb?.eventsPerSecond;
    return [
      result.query,
      number(sluice),
      number(hand),
      ratioCell(ratio(sluice, hand)),
      number(duckdb),
      ratioCell(ratio(sluice, duckdb)),
      number(ran ? report.latency?.p50Ms : undefined),
      number(ran ? report.latency?.p99Ms : undefined),
      number(report.error === undefined && report.sluice.outcome.kind !== 'unsupported' ? report.sluice.rssPeakMb : undefined),
      statusOf(result),
    ];
  });
  printTable(
    `Nexmark, ${results.config.events.toLocaleString('en-US')} events (events/s = all events generated / seconds; one core each; latency at the "rate" column's input rate)`,
    ['query', 'Sluice ev/s', 'hand loop ev/s', 'Sluice/hand', 'DuckDB ev/s', 'Sluice/DuckDB', 'p50 ms', 'p99 ms', 'peak RSS MB', 'Sluice result vs DuckDB'],
    rows,
  );
  const details = results.queries.map((result): Cell[] => {
    const { report } = result;
    const ok = report.error === undefined;
    return [
      result.query,
      number(ok ? report.load.eventsPerSecond : undefined),
      number(ok && report.latency ? report.latency.rateEventsPerSecond : undefined),
      number(ok && report.latency ? report.latency.achievedEventsPerSecond : undefined),
      number(ok && report.latency ? report.latency.maxMs : undefined),
      number(ok ? report.sluice.rssBeforeMb : undefined),
      number(result.duckdb?.seconds),
      number(result.duckdb?.rows),
      number(ok ? report.sluice.outputRows : undefined),
      result.handLoopCheck === null ? dash : comparisonSummary(result.handLoopCheck),
    ];
  });
  printTable(
    'Details',
    ['query', `load ev/s (${results.config.viaKafka ? 'Kafka' : 'log'})`, 'latency rate ev/s', 'achieved ev/s', 'max ms', 'RSS before MB', 'DuckDB s', 'DuckDB rows', 'Sluice rows', 'hand loop vs DuckDB'],
    details,
  );
  for (const result of results.queries) {
    const check = result.sluiceCheck;
    if (check !== null && !check.equal) {
      console.log(`\n${result.query} mismatch examples:`);
      for (const row of check.missing) console.log(`  missing    ${row}`);
      for (const row of check.unexpected) console.log(`  unexpected ${row}`);
    }
  }
}

export function printScalingReport(results: NexmarkResults): void {
  const rows = results.scaling.map((entry): Cell[] => {
    const { report } = entry;
    const ok = report.error === undefined;
    const ran = sluiceRan(report);
    const sluice = ran ? report.sluice.eventsPerSecond : undefined;
    const hand = ok ? report.handLoop?.eventsPerSecond : undefined;
    return [
      entry.query,
      entry.events,
      number(sluice),
      number(hand),
      ratioCell(ratio(sluice, hand)),
      number(ok ? report.sluice.rssBeforeMb : undefined),
      number(ok && report.sluice.outcome.kind !== 'unsupported' ? report.sluice.rssPeakMb : undefined),
      number(ok && report.sluice.outcome.kind !== 'unsupported' ? report.sluice.heapUsedPeakMb : undefined),
      statusOf({ report, sluiceCheck: null }),
    ];
  });
  printTable('Nexmark scaling (events/s and memory as the input grows)', ['query', 'events', 'Sluice ev/s', 'hand loop ev/s', 'Sluice/hand', 'RSS before MB', 'peak RSS MB', 'peak heap MB', 'result'], rows);
}

export function writeChart(results: NexmarkResults, file: string): void {
  const differs = (result: QueryResult): boolean => sluiceRan(result.report) && result.sluiceCheck !== null && !result.sluiceCheck.equal;
  const anyDiffers = results.queries.some(differs);
  const svg = renderBarChart({
    title: `Nexmark on Sluice: events/s per query (${results.config.events.toLocaleString('en-US')} events, one core)`,
    subtitle: `${results.date.slice(0, 10)} · ${results.machine.cpu} · ${results.machine.cores} cores · Node ${results.machine.node} · log scale${anyDiffers ? ' · * output differs from DuckDB' : ''}`,
    unit: 'events/s',
    series: [
      { key: 'sluice', label: 'Sluice', color: '#1f77b4' },
      { key: 'hand', label: 'hand-written loop', color: '#ff7f0e' },
      { key: 'duckdb', label: 'DuckDB (batch, 1 thread)', color: '#2ca02c' },
    ],
    groups: results.queries.map((result) => {
      const { report } = result;
      const ran = sluiceRan(report);
      const note = ran ? 'not measured' : statusOf(result).slice(0, 90);
      return {
        label: differs(result) ? `${result.query}*` : result.query,
        values: {
          sluice: ran ? report.sluice.eventsPerSecond : undefined,
          hand: report.error === undefined ? report.handLoop?.eventsPerSecond : undefined,
          duckdb: result.duckdb?.eventsPerSecond,
        },
        note,
      };
    }),
  });
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, svg);
}

/** The final JSON line: figures per query, and the ratios against the baselines. */
export function resultLine(results: NexmarkResults): void {
  const figures: Record<string, number> = { generatorEventsPerSecond: results.generatorEventsPerSecond };
  if (results.queries.length > 0) figures.events = results.config.events;
  const ratios: Record<string, number> = {};
  const put = (target: Record<string, number>, key: string, value: number | undefined | null): void => {
    if (value !== undefined && value !== null && Number.isFinite(value)) target[key] = value;
  };
  for (const result of results.queries) {
    const { report, query } = result;
    const ran = sluiceRan(report);
    figures[`${query}Supported`] = report.error === undefined && report.sluice.outcome.kind !== 'unsupported' ? 1 : 0;
    if (result.sluiceCheck !== null) figures[`${query}Matches`] = ran && result.sluiceCheck.equal ? 1 : 0;
    const sluice = ran ? report.sluice.eventsPerSecond : undefined;
    const hand = report.error === undefined ? report.handLoop?.eventsPerSecond : undefined;
    put(figures, `${query}SluiceEventsPerSecond`, sluice);
    put(figures, `${query}HandLoopEventsPerSecond`, hand);
    put(figures, `${query}DuckdbEventsPerSecond`, result.duckdb?.eventsPerSecond);
    put(figures, `${query}LatencyP50Ms`, ran ? report.latency?.p50Ms : undefined);
    put(figures, `${query}LatencyP99Ms`, ran ? report.latency?.p99Ms : undefined);
    put(figures, `${query}PeakRssMegabytes`, ran ? report.sluice.rssPeakMb : undefined);
    put(ratios, `${query}SluiceOverHandLoop`, ratio(sluice, hand));
    put(ratios, `${query}SluiceOverDuckdb`, ratio(sluice, result.duckdb?.eventsPerSecond));
  }
  for (const entry of results.scaling) {
    const { report, query, events } = entry;
    const ran = sluiceRan(report);
    const sluice = ran ? report.sluice.eventsPerSecond : undefined;
    const hand = report.error === undefined ? report.handLoop?.eventsPerSecond : undefined;
    put(figures, `${query}At${events}SluiceEventsPerSecond`, sluice);
    put(figures, `${query}At${events}PeakRssMegabytes`, ran ? report.sluice.rssPeakMb : undefined);
    put(ratios, `${query}At${events}SluiceOverHandLoop`, ratio(sluice, hand));
  }
  printResultLine('nexmark', figures, ratios);
}
