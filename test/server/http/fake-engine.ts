/**
 * A test-only stand-in for the queries/ facade: just enough SQL (by regular expressions) to drive
 * the HTTP layer: CREATE STREAM, INSERT VALUES, LIST STREAMS, DROP STREAM, SELECT (push and pull)
 * with a LIMIT, and the errors /ksql must map. Push queries read rows that tests `publish`.
 */
import { SluiceError } from '../../../common/index.js';
import { BIGINT, DOUBLE, STRING, INTEGER, BOOLEAN, type SqlType } from '../../../engine/types/index.js';
import type { PushRow } from '../../../engine/runtime/index.js';
import type { PushQueryHandle, QueryColumn, SourceView, SqlEngine, StatementResult, ExecuteOptions } from '../../../server/http/index.js';

const TYPES: Record<string, SqlType> = { STRING, VARCHAR: STRING, DOUBLE, BIGINT, INT: INTEGER, INTEGER, BOOLEAN };

interface FakeRow {
  key: unknown[];
  /** All columns (keys first); null: a table tombstone. */
  values: unknown[] | null;
}

interface FakeSource extends SourceView {
  rows: FakeRow[];
}

class RowFeed {
  private waiters: Array<() => void> = [];
  private rowsSeen = 0;
  closed = false;
  constructor(private readonly source: FakeSource, from: number) {
    this.rowsSeen = from;
  }
  wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  async *iterate(limit: number | null): AsyncGenerator<FakeRow> {
    let emitted = 0;
    while (!this.closed) {
      if (this.rowsSeen < this.source.rows.length) {
        yield this.source.rows[this.rowsSeen++]!;
        if (limit !== null && ++emitted >= limit) return;
        continue;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

export class FakeEngine implements SqlEngine {
  readonly sources = new Map<string, FakeSource>();
  readonly executed: Array<{ text: string; options: ExecuteOptions }> = [];
  readonly openQueries = new Set<string>();
  private feeds = new Set<RowFeed>();
  private queryNumber = 0;
  private sequence = 0;
  /** Artificial delay before a push query starts (tests of concurrent starts). */
  startDelayMs = 0;

  catalog(): { source(name: string): SourceView | undefined; allSources(): SourceView[] } {
    return { source: (name) => this.sources.get(name), allSources: () => [...this.sources.values()] };
  }

  /** Appends a row (all columns, keys first) and wakes the push queries. */
  publish(name: string, row: unknown[]): void {
    const source = this.sources.get(name);
    if (!source) throw new Error(`no source ${name}`);
    source.rows.push({ key: row.slice(0, source.keyColumns.length), values: row });
    for (const feed of this.feeds) feed.wake();
  }

  /** Appends a table tombstone for `key`. */
  publishTombstone(name: string, key: unknown[]): void {
    const source = this.sources.get(name);
    if (!source) throw new Error(`no source ${name}`);
    source.rows.push({ key, values: null });
    for (const feed of this.feeds) feed.wake();
  }

  async execute(text: string, options: ExecuteOptions = {}): Promise<StatementResult[]> {
    this.executed.push({ text, options });
    const results: StatementResult[] = [];
    const statements = text.split(';').map((s) => s.trim()).filter((s) => s !== '');
    for (const [index, body] of statements.entries()) {
      const statementText = body + ';';
      try {
        results.push(this.one(statementText, options));
      } catch (error) {
        if (error instanceof SluiceError) {
          throw new SluiceError(error.code, error.message, { ...error.details, statementText, statementIndex: index, results: [...results] });
        }
        throw error;
      }
    }
    return results;
  }

  private one(statementText: string, _options: ExecuteOptions): StatementResult {
    let m: RegExpMatchArray | null;
    if ((m = statementText.match(/^CREATE (STREAM|TABLE) (\w+) \((.*)\) WITH \(KAFKA_TOPIC='([^']+)'.*\);$/is))) {
      const kind = m[1]!.toUpperCase() as 'STREAM' | 'TABLE';
      const name = m[2]!.toUpperCase();
      const elements = m[3]!;
      const topic = m[4]!;
      if (this.sources.has(name)) throw new SluiceError('SQL_SOURCE_EXISTS', `Cannot add stream '${name}': A stream with the same name already exists`);
      const keyColumns: QueryColumn[] = [];
      const valueColumns: QueryColumn[] = [];
      for (const part of elements.split(',')) {
        const [col, type, ...constraint] = part.trim().split(/\s+/);
        const column = { name: col!.toUpperCase(), type: TYPES[type!.toUpperCase()] ?? STRING };
        (/KEY$/i.test(constraint.join(' ')) ? keyColumns : valueColumns).push(column);
      }
      this.sources.set(name, { name, kind, topic, keyColumns, valueColumns, rows: [] });
      const lower = kind.toLowerCase();
      return { kind: 'commandStatus', statementText, commandId: `${lower}/\`${name}\`/create`, status: 'SUCCESS', message: kind === 'STREAM' ? 'Stream created' : 'Table created', commandSequenceNumber: ++this.sequence };
    }
    if ((m = statementText.match(/^INSERT INTO `?(\w+)`? \((.*)\) VALUES \((.*)\);$/is))) {
      const source = this.requireSource(m[1]!);
      const names = m[2]!.split(',').map((s) => s.trim().replace(/`/g, ''));
      const values = splitValues(m[3]!);
      const row = [...source.keyColumns, ...source.valueColumns].map((c) => {
        const i = names.indexOf(c.name);
        return i < 0 ? null : values[i];
      });
      this.publish(source.name, row);
      return { kind: 'noEntity', statementText, statementKind: 'insertValues' };
    }
    if (/^(LIST|SHOW) STREAMS;$/i.test(statementText)) {
      return {
        kind: 'streams',
        statementText,
        streams: [...this.sources.values()].map((s) => ({ name: s.name, type: 'STREAM' as const, topic: s.topic, keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: false })),
      };
    }
    if ((m = statementText.match(/^DROP (?:STREAM|TABLE) (?:IF EXISTS )?`?(\w+)`?( DELETE TOPIC)?;$/i))) {
      const source = this.requireSource(m[1]!);
      this.sources.delete(source.name);
      return { kind: 'commandStatus', statementText, commandId: `stream/${source.name}/drop`, status: 'SUCCESS', message: `Source \`${source.name}\` (topic: ${source.topic}) was dropped.`, commandSequenceNumber: ++this.sequence };
    }
    if (/^TERMINATE ALL;$/i.test(statementText)) {
      return { kind: 'commandStatus', statementText, commandId: 'terminate/ALL/execute', status: 'SUCCESS', message: 'All queries terminated.', commandSequenceNumber: ++this.sequence };
    }
    if (/^(SELECT|PRINT)\b/i.test(statementText)) {
      throw new SluiceError('SQL_QUERY_ENDPOINT', "The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT");
    }
    throw new SluiceError('SQL_SYNTAX', `line 1:1: Syntax Error\nUnknown statement '${statementText.split(/\s/)[0]}'`);
  }

  private requireSource(rawName: string): FakeSource {
    const name = rawName.toUpperCase();
    const source = this.sources.get(name);
    if (!source) throw new SluiceError('SQL_SOURCE_NOT_FOUND', `${name} does not exist.`);
    return source;
  }

  async startPushQuery(sql: string, options: ExecuteOptions = {}): Promise<PushQueryHandle> {
    if (this.startDelayMs > 0) await new Promise((r) => setTimeout(r, this.startDelayMs));
    const m = sql.match(/^SELECT (.+) FROM (\w+)(?: WHERE .+?)?( EMIT CHANGES)?(?: LIMIT (\d+))?;?\s*$/is);
    if (!m) throw new SluiceError('SQL_SYNTAX', `line 1:1: Syntax Error\nmismatched input '${sql.split(/\s/)[0]}'`);
    const source = this.requireSource(m[2]!);
    const all = [...source.keyColumns, ...source.valueColumns];
    const wanted = m[1]!.trim() === '*' ? all.map((c) => c.name) : m[1]!.split(',').map((s) => s.trim().toUpperCase());
    const indexes = wanted.map((name) => {
      const i = all.findIndex((c) => c.name === name);
      if (i < 0) throw new SluiceError('SQL_ANALYSIS', `Column '${name}' cannot be resolved.`);
      return i;
    });
    const keyNames = new Set(source.keyColumns.map((c) => c.name));
    const columns = indexes.map((i) => ({ ...all[i]!, isKey: keyNames.has(all[i]!.name) }));
    const isPush = m[3] !== undefined;
    const limit = m[4] !== undefined ? Number(m[4]) : null;
    const queryId = isPush ? `transient_${source.name}_${++this.queryNumber}` : `query_${++this.queryNumber}`;
    const earliest = String(options.properties?.['ksql.streams.auto.offset.reset'] ?? options.properties?.['auto.offset.reset'] ?? 'latest') === 'earliest';
    const feed = new RowFeed(source, isPush && !earliest ? source.rows.length : 0);
    this.feeds.add(feed);
    this.openQueries.add(queryId);
    const engine = this;
    const close = async (): Promise<void> => {
      feed.closed = true;
      feed.wake();
      engine.feeds.delete(feed);
      engine.openQueries.delete(queryId);
    };
    const records = async function* (): AsyncGenerator<PushRow> {
      const all = isPush ? feed.iterate(limit) : source.rows.values();
      let offset = 0;
      for await (const row of all) {
        yield { key: row.key, value: row.values === null ? null : indexes.map((i) => row.values![i]), timestampMs: 0, partition: 0, offset: offset++, window: null };
      }
      await close();
    };
    return {
      queryId,
      columns,
      schemaText: columns.map((c) => `\`${c.name}\` ${c.type.kind}${c.isKey ? ' KEY' : ''}`).join(', '),
      rows: async function* () {
        for await (const record of records()) yield record.value ?? [];
      },
      records,
      close,
    };
  }
}

function splitValues(text: string): unknown[] {
  const out: unknown[] = [];
  const re = /\s*('(?:[^']|'')*'|[^,]+)\s*(?:,|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && m[0] !== '') {
    const v = m[1]!.trim();
    if (v.startsWith("'")) out.push(v.slice(1, -1).replace(/''/g, "'"));
    else if (/^CAST\((.*) AS DOUBLE\)$/i.test(v)) out.push(Number(v.match(/^CAST\((.*) AS DOUBLE\)$/i)![1]));
    else if (/^(TRUE|FALSE)$/i.test(v)) out.push(v.toUpperCase() === 'TRUE');
    else if (/^NULL$/i.test(v)) out.push(null);
    else out.push(Number(v));
  }
  return out;
}
