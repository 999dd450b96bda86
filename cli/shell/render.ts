/**
 * Rendering, pure: ksqlDB REST entities, query headers and rows, and errors to the text the shell
 * prints. Entities look as ksqlDB's CLI prints them (its `Console` and table builders: dashed
 * tables with ` | ` between columns, `Name : value` lists for DESCRIBE and EXPLAIN); query results
 * are boxes with `+----+` borders.
 *
 * Every function returns text ending with a newline (or '' for nothing) and reads no state.
 */
import { formatValue } from './values.js';

export type Entity = Record<string, unknown>;

export interface RenderOptions {
  /** Terminal width in columns. */
  width: number;
}

// ---------------------------------------------------------------------------------------------
// Loose readers: entities come from a server and may lack fields; render what is there.

function str(value: unknown, fallback = ''): string {
  if (value === null || value === undefined) return fallback;
  return typeof value === 'string' ? value : formatValue(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function strings(value: unknown): string[] {
  return list(value).map((item) => str(item));
}

/** `String.format("%-Ns", text)`. */
function padRight(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** `%-20s : %s`, the label/value line of DESCRIBE and EXPLAIN. */
function labelLine(label: string, value: unknown): string {
  return `${padRight(label, 20)} : ${str(value)}\n`;
}

/** Lines with their trailing blanks removed. */
function trimLines(text: string): string {
  return text.replace(/[ \t]+$/gm, '');
}

// ---------------------------------------------------------------------------------------------
// ksqlDB's dashed tables.

export interface TableSpec {
  headers: readonly string[];
  rows: readonly (readonly string[])[];
  headerLines?: readonly string[];
  footerLines?: readonly string[];
}

/**
 * ksqlDB CLI's table: each column as wide as its widest line, ` a | b ` rows, a dashed line under
 * the headers and after the last row. A cell with newlines takes several lines.
 */
export function renderTable(spec: TableSpec, options: RenderOptions): string {
  let out = '';
  for (const line of spec.headerLines ?? []) out += `${line}\n`;
  if (spec.headers.length > 0) {
    const widths = spec.headers.map((header, i) =>
      Math.max(header.length, ...spec.rows.map((row) => Math.max(0, ...str(row[i]).split('\n').map((l) => l.length)))),
    );
    const separator = '-'.repeat(Math.max(0, Math.min(options.width, widths.reduce((sum, w) => sum + w + 3, -1))));
    const format = (cells: readonly string[]): string => {
      const split = widths.map((_, i) => str(cells[i]).split('\n'));
      const height = Math.max(1, ...split.map((lines) => lines.length));
      let text = '';
      for (let line = 0; line < height; line++) {
        text += ` ${widths.map((w, i) => padRight(split[i]![line] ?? '', w)).join(' | ')} \n`;
      }
      return text;
    };
    out += format(spec.headers);
    out += `${separator}\n`;
    for (const row of spec.rows) out += format(row);
    out += `${separator}\n`;
  }
  for (const line of spec.footerLines ?? []) out += `${line}\n`;
  return trimLines(out);
}

// ---------------------------------------------------------------------------------------------
// Query results: boxes.

/** Narrowest a result column is made when the terminal is too narrow for all of them. */
export const CELL_WIDTH_MIN = 5;

const FIXED_TYPE_WIDTHS: Record<string, number> = {
  BOOLEAN: 5,
  INTEGER: 11,
  INT: 11,
  BIGINT: 20,
  DOUBLE: 22,
  DATE: 10,
  TIME: 12,
  TIMESTAMP: 24,
};

/** The width a value of this SQL type needs, or null when it varies (strings, structures). */
function typeWidth(type: string | undefined): number | null {
  if (type === undefined) return null;
  const upper = type.trim().toUpperCase();
  const fixed = FIXED_TYPE_WIDTHS[upper];
  if (fixed !== undefined) return fixed;
  const decimal = /^DECIMAL\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(upper);
  if (decimal !== null) return Number(decimal[1]) + 2;
  return null;
}

/** Shrinks widths, widest first, until the box fits `width` columns (never below the minimum). */
export function fitWidths(widths: readonly number[], width: number): number[] {
  const n = widths.length;
  if (n === 0) return [];
  const budget = width - 1 - 3 * n; // `| ` + ` ` per column, and the final `|`
  if (widths.reduce((a, b) => a + b, 0) <= budget) return [...widths];
  const order = widths.map((w, i) => ({ w, i })).sort((a, b) => a.w - b.w);
  const out = new Array<number>(n).fill(CELL_WIDTH_MIN);
  let remaining = Math.max(budget, 0);
  order.forEach(({ w, i }, k) => {
    const share = Math.floor(remaining / (n - k));
    out[i] = Math.min(w, Math.max(CELL_WIDTH_MIN, share));
    remaining -= out[i]!;
  });
  return out;
}

/**
 * Column widths for a push query, chosen before any row arrives: a width for each fixed-size
 * type, the rest of the terminal shared by strings and structures.
 */
export function streamingWidths(columnNames: readonly string[], columnTypes: readonly string[], width: number): number[] {
  const n = columnNames.length;
  if (n === 0) return [];
  const fixed = columnNames.map((name, i) => {
    const w = typeWidth(columnTypes[i]);
    return w === null ? null : Math.max(w, name.length);
  });
  const flexibleCount = fixed.filter((w) => w === null).length;
  const budget = width - 1 - 3 * n;
  const fixedTotal = fixed.reduce<number>((sum, w) => sum + (w ?? 0), 0);
  const share = flexibleCount === 0 ? 0 : Math.floor((budget - fixedTotal) / flexibleCount);
  const widths = fixed.map((w, i) => w ?? Math.max(share, Math.min(columnNames[i]!.length, 20), CELL_WIDTH_MIN));
  return fitWidths(widths, width);
}

/** Column widths from the rows at hand (a pull query's): as wide as the content, fitted. */
export function contentWidths(columnNames: readonly string[], rows: readonly (readonly string[])[], width: number): number[] {
  const widths = columnNames.map((name, i) =>
    Math.max(1, name.length, ...rows.map((row) => Math.max(0, ...(row[i] ?? '').split('\n').map((l) => l.length)))),
  );
  return fitWidths(widths, width);
}

/** `+------+-----+` */
export function boxBorder(widths: readonly number[]): string {
  return `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
}

/** `| a    | b   |`, wrapping a cell longer than its column onto more lines. */
export function boxRow(cells: readonly string[], widths: readonly number[]): string {
  const wrapped = widths.map((w, i) => wrap(cells[i] ?? '', w));
  const height = Math.max(1, ...wrapped.map((lines) => lines.length));
  let out = '';
  for (let line = 0; line < height; line++) {
    out += `|${widths.map((w, i) => ` ${padRight(wrapped[i]![line] ?? '', w)} `).join('|')}|\n`;
  }
  return out;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const physical of text.split('\n')) {
    if (physical.length <= width) {
      lines.push(physical);
      continue;
    }
    for (let i = 0; i < physical.length; i += width) lines.push(physical.slice(i, i + width));
  }
  return lines;
}

/** The top of a result box: border, column names, border. */
export function renderResultHeader(columnNames: readonly string[], widths: readonly number[]): string {
  return boxBorder(widths) + boxRow(columnNames, widths) + boxBorder(widths);
}

/** One result row (values as parsed from the server). */
export function renderResultRow(values: readonly unknown[], widths: readonly number[]): string {
  return boxRow(values.map(formatValue), widths);
}

/** A whole result table (a pull query's). */
export function renderResultTable(columnNames: readonly string[], rows: readonly (readonly unknown[])[], options: RenderOptions): string {
  const cells = rows.map((row) => row.map(formatValue));
  const widths = contentWidths(columnNames, cells, options.width);
  return renderResultHeader(columnNames, widths) + cells.map((row) => boxRow(row, widths)).join('') + boxBorder(widths);
}

// ---------------------------------------------------------------------------------------------
// Schemas and fields (DESCRIBE, EXPLAIN, SHOW TYPES).

/** ksqlDB's `SchemaInfo.toTypeString`: `VARCHAR(STRING)`, `ARRAY<..>`, `MAP<STRING, ..>`, `STRUCT<A ..>`, `DECIMAL(p, s)`. */
export function schemaTypeString(schema: unknown): string {
  const s = record(schema);
  const type = str(s['type']).toUpperCase();
  switch (type) {
    case 'STRING':
      return 'VARCHAR(STRING)';
    case 'ARRAY':
      return `ARRAY<${schemaTypeString(s['memberSchema'])}>`;
    case 'MAP':
      return `MAP<STRING, ${schemaTypeString(s['memberSchema'])}>`;
    case 'STRUCT':
      return `STRUCT<${list(s['fields']).map((f) => `${str(record(f)['name'])} ${schemaTypeString(record(f)['schema'])}`).join(', ')}>`;
    case 'DECIMAL': {
      const parameters = record(s['parameters']);
      if (Object.keys(parameters).length === 0) return 'DECIMAL';
      return `DECIMAL(${str(parameters['precision'])}, ${str(parameters['scale'])})`;
    }
    default:
      return type;
  }
}

function fieldTypeText(field: Record<string, unknown>, windowType: unknown, isTable: boolean): string {
  const typeString = schemaTypeString(field['schema']);
  const kind = str(field['type']).toUpperCase();
  if (kind === 'HEADER') {
    const headerKey = field['headerKey'];
    const header = typeof headerKey === 'string' ? `(header('${headerKey}'))` : '(headers)';
    return `${padRight(typeString, 16)} ${header}`;
  }
  if (kind === 'KEY') {
    const window = typeof windowType === 'string' && windowType !== '' ? ` (Window type: ${windowType})` : '';
    return `${padRight(typeString, 16)} ${isTable ? '(primary key)' : '(key)'}${window}`;
  }
  return typeString;
}

function renderSchema(windowType: unknown, fields: unknown, isTable: boolean, options: RenderOptions): string {
  const rows = list(fields).map((f) => {
    const field = record(f);
    return [str(field['name']), fieldTypeText(field, windowType, isTable)];
  });
  if (rows.length === 0) return '';
  return renderTable({ headers: ['Field', 'Type'], rows }, options);
}

/** `%n%-20s%n%-20s`: a blank line, a title, an underline. */
function sectionTitle(title: string, underline: string): string {
  return trimLines(`\n${padRight(title, 20)}\n${padRight(underline, 20)}\n`);
}

function runningQueryLine(query: unknown): string {
  const q = record(query);
  const state = q['state'] === undefined || q['state'] === null ? 'N/A' : str(q['state']);
  return `${str(q['id'])} (${state}) : ${str(q['queryString']).replace(/\r?\n/g, ' ')}\n`;
}

function renderQueriesOf(queries: unknown, type: string, operation: string): string {
  const items = list(queries);
  if (items.length === 0) return '';
  let out = sectionTitle(`Queries that ${operation} from this ${type}`, '-----------------------------------');
  for (const query of items) out += runningQueryLine(query);
  out += '\nFor query topology and execution plan please run: EXPLAIN <QueryId>\n';
  return out;
}

function hostText(host: unknown): string {
  if (typeof host === 'string') return host;
  const h = record(host);
  return h['host'] !== undefined ? `${str(h['host'])}:${str(h['port'])}` : str(host);
}

function renderStatistics(source: Record<string, unknown>, options: RenderOptions): string {
  const statistics = list(source['clusterStatistics']);
  const errors = list(source['clusterErrorStats']);
  if (statistics.length === 0 && errors.length === 0) {
    return `${sectionTitle('Local runtime statistics', '------------------------')}${str(source['statistics'])}\n${str(source['errorStats'])}\n`;
  }
  const rows = [...statistics, ...errors]
    .map((s) => record(s))
    .map((s) => {
      const value = typeof s['value'] === 'number' ? (s['value'] as number).toFixed(0).padStart(10) : str(s['value']);
      return [hostText(s['host']), str(s['name']), value, str(s['timestamp'])];
    })
    .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : 0));
  return (
    sectionTitle('Runtime statistics by host', '-------------------------') +
    renderTable({ headers: ['Host', 'Metric', 'Value', 'Last Message'], rows }, options)
  );
}

/** DESCRIBE x [EXTENDED]: ksqlDB's `printSourceDescription`. */
export function renderSourceDescription(description: unknown, options: RenderOptions): string {
  const source = record(description);
  const type = str(source['type']);
  const isTable = type.toUpperCase() === 'TABLE';
  let out = labelLine('Name', source['name']);
  if (source['extended'] !== true) {
    out += renderSchema(source['windowType'], source['fields'], isTable, options);
    out += 'For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;\n';
    return out;
  }
  out += labelLine('Type', type);
  const timestamp = str(source['timestamp']);
  out += labelLine('Timestamp field', timestamp === '' ? 'Not set - using <ROWTIME>' : timestamp);
  out += labelLine('Key format', source['keyFormat']);
  out += labelLine('Value format', source['valueFormat']);
  const topic = str(source['topic']);
  if (topic !== '') {
    const partitions = Number(source['partitions'] ?? 0);
    const details = partitions !== 0 ? ` (partitions: ${partitions}, replication: ${str(source['replication'], '0')})` : '';
    out += `${labelLine('Kafka topic', topic).trimEnd()}${details}\n`;
  }
  out += labelLine('Statement', source['statement']);
  out += '\n';
  out += renderSchema(source['windowType'], source['fields'], isTable, options);
  const constraints = strings(source['sourceConstraints']);
  if (constraints.length > 0) {
    out += sectionTitle('Sources that have a DROP constraint on this source', '--------------------------------------------------');
    for (const name of constraints) out += `${name}\n`;
  }
  out += renderQueriesOf(source['readQueries'], type, 'read');
  out += renderQueriesOf(source['writeQueries'], type, 'write');
  out += renderStatistics(source, options);
  out += `(Statistics of the local KSQL server interaction with the Kafka topic ${topic})\n`;
  const summaries = list(source['queryOffsetSummaries']);
  if (summaries.length > 0) {
    out += '\nConsumer Groups summary:\n';
    for (const s of summaries) {
      const summary = record(s);
      out += `\n${labelLine('Consumer Group', summary['groupId'])}`;
      const topics = list(summary['topicSummaries']);
      if (topics.length === 0) out += '<no offsets committed by this group yet>\n';
      for (const t of topics) {
        const topicSummary = record(t);
        const offsets = list(topicSummary['offsets']).map((o) => record(o));
        const lag = (o: Record<string, unknown>): number => Number(o['logEndOffset'] ?? 0) - Number(o['consumerOffset'] ?? 0);
        out += `\n${labelLine('Kafka topic', topicSummary['kafkaTopic'])}`;
        out += labelLine('Max lag', offsets.length === 0 ? 0 : Math.max(...offsets.map(lag)));
        out += '\n';
        out += renderTable(
          {
            headers: ['Partition', 'Start Offset', 'End Offset', 'Offset', 'Lag'],
            rows: offsets.map((o) => [str(o['partition']), str(o['logStartOffset']), str(o['logEndOffset']), str(o['consumerOffset']), String(lag(o))]),
          },
          options,
        );
      }
    }
  }
  return out;
}

/** EXPLAIN <query id>: ksqlDB's `printQueryDescription`. */
export function renderQueryDescription(description: unknown, options: RenderOptions): string {
  const query = record(description);
  let out = labelLine('ID', query['id']);
  out += labelLine('Query Type', query['queryType']);
  const sql = str(query['statementText']);
  if (sql !== '') out += labelLine('SQL', sql);
  const hostStatus = record(query['ksqlHostQueryStatus']);
  if (Object.keys(hostStatus).length > 0) out += labelLine('Host Query Status', formatValue(hostStatus));
  out += '\n';
  out += renderSchema(query['windowType'], query['fields'], false, options);
  const sources = strings(query['sources']);
  if (sources.length > 0) {
    out += sectionTitle('Sources that this query reads from: ', '-----------------------------------');
    for (const source of sources) out += `${source}\n`;
    out += '\nFor source description please run: DESCRIBE [EXTENDED] <SourceId>\n';
  }
  const sinks = strings(query['sinks']);
  if (sinks.length > 0) {
    out += sectionTitle('Sinks that this query writes to: ', '-----------------------------------');
    for (const sink of sinks) out += `${sink}\n`;
    out += '\nFor sink description please run: DESCRIBE [EXTENDED] <SinkId>\n';
  }
  const plan = str(query['executionPlan']);
  if (plan !== '') out += `${sectionTitle('Execution plan', '--------------')}${plan}\n`;
  const topology = str(query['topology']);
  if (topology !== '') out += `${sectionTitle('Processing topology', '-------------------')}${topology}\n`;
  const overridden = Object.entries(record(query['overriddenProperties'])).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (overridden.length > 0) {
    out += renderTable(
      {
        headers: ['Property', 'Value'],
        rows: overridden.map(([name, value]) => [name, str(value, 'null')]),
        headerLines: [sectionTitle('Overridden Properties', '---------------------').replace(/\n$/, '')],
      },
      options,
    );
  }
  out += '\n';
  for (const e of list(query['queryErrors'])) {
    const error = record(e);
    const timestamp = typeof error['timestamp'] === 'number' ? new Date(error['timestamp'] as number).toISOString() : str(error['timestamp']);
    out += `${padRight('Error Date', 20)} : ${timestamp}\n`;
    out += `${padRight('Error Details', 20)} : ${str(error['errorMessage'])}\n`;
    out += `${padRight('Error Type', 20)} : ${str(error['type'])}\n`;
  }
  return out;
}

/** Wraps `text` at spaces to `width` columns (ksqlDB's `splitLongLine`). */
function splitLongLine(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/(?<= )|(?= )/)) {
      if (line.length > 0 && line.length + word.length > width) {
        lines.push(line);
        line = '';
      }
      line += word;
    }
    lines.push(line);
  }
  return lines;
}

/** DESCRIBE FUNCTION f: ksqlDB's `printFunctionDescription`. */
export function renderFunctionDescription(entity: Entity, options: RenderOptions): string {
  const name = str(entity['name']).toUpperCase();
  const base = (label: string, value: string): string => `${padRight(label, 12)}: ${value}\n`;
  const sub = (label: string, value: string): string => `\t${padRight(label, 12)}: ${value}\n`;
  const described = (indent: '' | '\t', label: string, text: unknown): string => {
    const trimmed = str(text).trim();
    if (trimmed === '') return '';
    const labelLength = (indent === '\t' ? 2 : 0) + 14;
    const lines = splitLongLine(trimmed, Math.max(options.width, 80) - labelLength);
    const value = lines.map((l, i) => (i === 0 ? l : ' '.repeat(labelLength) + l)).join('\n');
    return indent === '\t' ? sub(label, value) : base(label, value);
  };
  let out = base('Name', name);
  if (str(entity['author']).trim() !== '') out += base('Author', str(entity['author']));
  if (str(entity['version']).trim() !== '') out += base('Version', str(entity['version']));
  out += described('', 'Overview', entity['description']);
  out += base('Type', str(entity['type']));
  out += base('Jar', str(entity['path']));
  out += base('Variations', '');
  for (const f of list(entity['functions'])) {
    const variation = record(f);
    const args = list(variation['arguments']).map((a) => {
      const arg = record(a);
      const type = str(arg['type']) + (arg['isVariadic'] === true ? '[]' : '');
      return str(arg['name']) === '' ? type : `${str(arg['name'])} ${type}`;
    });
    out += `\n${sub('Variation', `${name}(${args.join(', ')})`)}`;
    out += sub('Returns', str(variation['returnType']));
    out += described('\t', 'Description', variation['description']);
    for (const a of list(variation['arguments'])) {
      const arg = record(a);
      out += described('\t', str(arg['name']), arg['description']);
    }
  }
  return trimLines(out);
}

// ---------------------------------------------------------------------------------------------
// Entities.

/** LIST TOPICS' replica column: one number when all partitions agree, else a list. */
function replicaText(replicaInfo: unknown): string {
  const replicas = list(replicaInfo).map((r) => str(r));
  if (replicas.length === 0) return '0';
  return new Set(replicas).size <= 1 ? replicas[0]! : replicas.join(', ');
}

const byName = (a: Record<string, unknown>, b: Record<string, unknown>): number => {
  const x = str(a['name']);
  const y = str(b['name']);
  return x < y ? -1 : x > y ? 1 : 0;
};

function sourceListTable(title: string, sources: unknown, options: RenderOptions): string {
  const rows = list(sources)
    .map((s) => record(s))
    .sort(byName)
    .map((s) => [str(s['name']), str(s['topic']), str(s['keyFormat']), str(s['valueFormat'] ?? s['format']), str(s['isWindowed'], 'false')]);
  return renderTable({ headers: [title, 'Kafka Topic', 'Key Format', 'Value Format', 'Windowed'], rows }, options);
}

function message(text: string, options: RenderOptions): string {
  return renderTable({ headers: ['Message'], rows: [[text]] }, options);
}

const SCHEMA_FORMATS = new Set(['AVRO', 'PROTOBUF', 'PROTOBUF_NOSR', 'JSON_SR']);

/** One entity, as ksqlDB's CLI prints it (without the statement text and warnings around it). */
export function renderEntityBody(entity: Entity, options: RenderOptions): string {
  const type = str(entity['@type']);
  switch (type) {
    case 'currentStatus': {
      const status = record(entity['commandStatus']);
      return message(str(status['message']).split('\n', 1)[0]!, options);
    }
    case 'streams':
      return sourceListTable('Stream Name', entity['streams'], options);
    case 'tables':
      return sourceListTable('Table Name', entity['tables'], options);
    case 'queries': {
      const rows = list(entity['queries']).map((q) => {
        const query = record(q);
        const counts = Object.entries(record(query['statusCount'])).map(([status, count]) => `${status}:${str(count)}`).join(',');
        return [
          str(query['id']),
          str(query['queryType']),
          counts,
          strings(query['sinks']).join(','),
          strings(query['sinkKafkaTopics']).join(','),
          str(query['queryString']).replace(/\r?\n/g, ' '),
        ];
      });
      return renderTable(
        {
          headers: ['Query ID', 'Query Type', 'Status', 'Sink Name', 'Sink Kafka Topic', 'Query String'],
          rows,
          footerLines: ['For detailed information on a Query run: EXPLAIN <Query ID>;'],
        },
        options,
      );
    }
    case 'kafka_topics':
      return renderTable(
        {
          headers: ['Kafka Topic', 'Partitions', 'Partition Replicas'],
          rows: list(entity['topics']).map((t) => {
            const topic = record(t);
            return [str(topic['name']), String(list(topic['replicaInfo']).length), replicaText(topic['replicaInfo'])];
          }),
        },
        options,
      );
    case 'kafka_topics_extended':
      return renderTable(
        {
          headers: ['Kafka Topic', 'Partitions', 'Partition Replicas', 'Consumers', 'ConsumerGroups'],
          rows: list(entity['topics']).map((t) => {
            const topic = record(t);
            return [
              str(topic['name']),
              String(list(topic['replicaInfo']).length),
              replicaText(topic['replicaInfo']),
              str(topic['consumerCount'], '0'),
              str(topic['consumerGroupCount'], '0'),
            ];
          }),
        },
        options,
      );
    case 'sourceDescription':
      return renderSourceDescription(entity['sourceDescription'], options);
    case 'source_descriptions':
      return list(entity['sourceDescriptions']).map((d) => `${renderSourceDescription(d, options)}\n`).join('');
    case 'queryDescription':
      return renderQueryDescription(entity['queryDescription'], options);
    case 'query_descriptions':
      return list(entity['queryDescriptions']).map((d) => `${renderQueryDescription(d, options)}\n`).join('');
    case 'properties': {
      const overwritten = new Set(strings(entity['overwrittenProperties']));
      const defaults = new Set(strings(entity['defaultProperties']));
      const rows = list(entity['properties'])
        .map((p) => record(p))
        .sort(byName)
        .map((p) => {
          const name = str(p['name']);
          const override = overwritten.has(name) ? 'SESSION' : defaults.has(name) ? '' : 'SERVER';
          return [name, str(p['scope']), override, p['value'] === null || p['value'] === undefined ? 'NULL' : str(p['value'])];
        });
      return renderTable({ headers: ['Property', 'Scope', 'Default override', 'Effective Value'], rows }, options);
    }
    case 'variables': {
      const rows = list(entity['variables'])
        .map((v) => record(v))
        .sort(byName)
        .map((v) => [str(v['name']), str(v['value'])]);
      return renderTable({ headers: ['Variable Name', 'Value'], rows }, options);
    }
    case 'function_names': {
      const functions = list(entity['functions']).map((f) => record(f));
      const rows: string[][] = [];
      const hasCategories = functions.length > 0 && str(functions[0]!['category']) !== '';
      if (!hasCategories) {
        for (const f of [...functions].sort(byName)) rows.push([str(f['name']), str(f['type']).toUpperCase()]);
      } else {
        const sorted = [...functions].sort((a, b) => {
          const x = str(a['category']);
          const y = str(b['category']);
          return x < y ? -1 : x > y ? 1 : byName(a, b);
        });
        let previous = str(sorted[0]!['category']);
        for (const f of sorted) {
          const category = str(f['category']);
          if (category !== previous) rows.push([' ', ' ']);
          rows.push([str(f['name']), category]);
          previous = category;
        }
      }
      return renderTable(
        {
          headers: ['Function Name', 'Category'],
          rows,
          footerLines: ['For detailed information about a function, run: DESCRIBE FUNCTION <Function Name>;'],
        },
        options,
      );
    }
    case 'describe_function':
      return renderFunctionDescription(entity, options);
    case 'type_list': {
      const rows = Object.entries(record(entity['types']))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, schema]) => [name, schemaTypeString(schema)]);
      return renderTable({ headers: ['Type Name', 'Schema'], rows }, options);
    }
    case 'executionPlan':
      return renderTable({ headers: ['Execution Plan'], rows: [[str(entity['executionPlan'] ?? entity['executionPlanText'])]] }, options);
    case 'topicDescription': {
      const format = str(entity['format']);
      const withSchema = SCHEMA_FORMATS.has(format.toUpperCase());
      const row = [str(entity['name']), str(entity['kafkaTopic'] ?? entity['topic']), format];
      if (withSchema) row.push(str(entity['schemaString']));
      return renderTable({ headers: withSchema ? ['Table Name', 'Kafka Topic', 'Type', 'Schema'] : ['Table Name', 'Kafka Topic', 'Type'], rows: [row] }, options);
    }
    case 'warning_entity':
      return message(str(entity['message']), options);
    case 'terminate_query':
      return message(`Terminated query "${str(entity['queryId'])}"`, options);
    case 'connector_info':
      return message(`Created connector ${str(record(entity['info'])['name'])}`, options);
    case 'drop_connector':
      return message(`Dropped connector "${str(entity['connectorName'])}"`, options);
    case 'connector_list':
      return renderTable(
        {
          headers: ['Connector Name', 'Type', 'Class', 'Status'],
          rows: list(entity['connectors']).map((c) => {
            const connector = record(c);
            return [str(connector['name']), str(connector['type'], 'UNKNOWN').toUpperCase(), str(connector['className']), str(connector['state'])];
          }),
        },
        options,
      );
    case 'connector_plugins_list':
      return renderTable(
        {
          headers: ['Class', 'Type', 'Version'],
          rows: list(entity['connectorsPlugins'] ?? entity['connectorPlugins']).map((p) => {
            const plugin = record(p);
            return [str(plugin['className']), str(plugin['type'], 'UNKNOWN').toUpperCase(), str(plugin['version'])];
          }),
        },
        options,
      );
    case 'connector_description':
      return renderConnectorDescription(entity, options);
    case 'assert_topic':
      return `Topic ${str(entity['topicName'])}${entity['exists'] === true ? ' exists' : ' does not exist'}.\n`;
    case 'assert_schema': {
      const subject = entity['subject'] === undefined || entity['subject'] === null ? '' : ` subject ${str(entity['subject'])}`;
      const id = entity['id'] === undefined || entity['id'] === null ? '' : ` id ${str(entity['id'])}`;
      return `Schema with${subject}${id}${entity['exists'] === true ? ' exists' : ' does not exist'}.\n`;
    }
    default:
      return `${JSON.stringify(entity, null, 2)}\n`;
  }
}

function renderConnectorDescription(entity: Entity, options: RenderOptions): string {
  const status = record(entity['status']);
  const connector = record(status['connector']);
  let out = labelLine('Name', status['name']);
  out += labelLine('Class', entity['connectorClass']);
  out += labelLine('Type', status['type']);
  out += labelLine('State', connector['state']);
  out += labelLine('WorkerId', connector['worker_id']);
  if (str(connector['trace']) !== '') out += labelLine('Trace', connector['trace']);
  const tasks = list(status['tasks']).map((t) => record(t));
  if (tasks.length > 0) {
    out += '\n' + renderTable({ headers: ['Task ID', 'State', 'Error Trace'], rows: tasks.map((t) => [str(t['id']), str(t['state']), str(t['trace'])]) }, options);
  }
  const sources = list(entity['sources']).map((s) => record(s));
  if (sources.length > 0) {
    out +=
      '\n' +
      renderTable({ headers: ['KSQL Source Name', 'Kafka Topic', 'Type'], rows: sources.map((s) => [str(s['name']), str(s['topic']), str(s['type'])]) }, options);
  }
  const topics = strings(entity['topics']);
  if (topics.length > 0) out += '\n' + renderTable({ headers: ['Related Topics'], rows: topics.map((t) => [t]) }, options);
  return out;
}

/** `WARNING: …` lines of an entity's warnings. */
export function renderWarnings(entity: Entity): string {
  return list(entity['warnings'])
    .map((w) => `WARNING: ${str(record(w)['message'])}\n`)
    .join('');
}

/**
 * A `/ksql` answer, as ksqlDB's CLI prints it: before each entity a blank line (and its statement
 * when there are several), then the entity, then its warnings.
 */
export function renderEntities(entities: readonly Entity[], options: RenderOptions): string {
  let out = '';
  for (const entity of entities) {
    out += '\n';
    if (entities.length > 1) out += `${str(entity['statementText'])}\n`;
    out += renderEntityBody(entity, options);
    out += renderWarnings(entity);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Errors and messages.

/** An error entity (`generic_error`, `statement_error`, or a stream's error object). */
export interface ErrorBody {
  '@type'?: string;
  error_code?: number;
  message?: string;
  statementText?: string;
  entities?: Entity[];
}

/** `Error 40001: message`, plus the statement when the message does not already show it. */
export function renderError(error: ErrorBody, httpStatus?: number): string {
  const code = typeof error.error_code === 'number' ? error.error_code : httpStatus !== undefined ? httpStatus * 100 : undefined;
  const text = (error.message ?? '').trimEnd() || (httpStatus !== undefined ? `HTTP ${httpStatus}` : 'Unknown error');
  let out = code === undefined ? `Error: ${text}\n` : `Error ${code}: ${text}\n`;
  const statement = error.statementText?.trim();
  if (statement !== undefined && statement !== '' && !text.includes(statement)) out += `Statement: ${statement}\n`;
  return out;
}

/** ksqlDB's `SET` confirmation. */
export function renderPropertySet(name: string, value: string, previous: string | undefined): string {
  return previous === undefined
    ? `Successfully changed local property '${name}' to '${value}'. Use the UNSET command to revert your change.\n`
    : `Successfully changed local property '${name}' from '${previous}' to '${value}'.\n`;
}

/** ksqlDB's `UNSET` confirmation. */
export function renderPropertyUnset(name: string, previous: string): string {
  return `Successfully unset local property '${name}' (value was '${previous}').\n`;
}
