/**
 * A shell session: the per-session properties (`SET`/`UNSET`, sent as `streamsProperties` /
 * `properties`), variables (`DEFINE`/`UNDEFINE`, sent as `sessionVariables`), the output format,
 * and the one operation running at a time (which `interrupt()` cancels: Ctrl-C).
 *
 * `run(text)` executes statements as ksqlDB's CLI does: consecutive statements the server handles
 * go to `/ksql` together; queries and PRINT stream from `/query-stream`; SET, UNSET, DEFINE,
 * UNDEFINE, SHOW VARIABLES and RUN SCRIPT are handled here. It stops at the first failure.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { RequestCancelledError, RestClient, ServerUnreachableError, type Answer, type QueryHeader } from './client.js';
import {
  boxBorder,
  contentWidths,
  renderEntities,
  renderEntityBody,
  renderError,
  renderPropertySet,
  renderPropertyUnset,
  renderResultHeader,
  renderResultRow,
  renderResultTable,
  streamingWidths,
  boxRow,
  type Entity,
  type ErrorBody,
} from './render.js';
import { classifyStatement, splitStatements, substituteVariables } from './statements.js';
import { formatValue, type RowValue } from './values.js';

export type OutputFormat = 'TABULAR' | 'JSON';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['TABULAR', 'JSON'];

export interface ShellOutput {
  /** Results (stdout). */
  write(text: string): void;
  /** Errors (stderr). */
  error(text: string): void;
  /** Terminal width in columns. */
  width(): number;
}

/** Statements sent to `/ksql` in one request at most (a script is sent in batches). */
export const BATCH_STATEMENTS_MAX = 100;
export const BATCH_BYTES_MAX = 256 * 1024;
/** Rows of a pull query buffered to size its columns; later rows reuse those widths. */
export const PULL_SIZING_ROWS = 1000;
/** RUN SCRIPT nesting (a script that runs itself stops here). */
export const SCRIPT_DEPTH_MAX = 16;
export const SCRIPT_BYTES_MAX = 16 * 1024 * 1024;

export interface SessionOptions {
  client: RestClient;
  output: ShellOutput;
  format?: OutputFormat;
  /** Initial variables (`--define name=value`). */
  variables?: Readonly<Record<string, string>>;
  /** Where relative RUN SCRIPT paths start. */
  cwd?: string;
}

export interface RunOptions {
  /** Also run a last statement that lacks its `;` (end of a file or of --execute). */
  final?: boolean;
  /** RUN SCRIPT nesting depth. */
  depth?: number;
}

interface Cancellable {
  cancel(): void | Promise<void>;
}

export class ShellSession {
  client: RestClient;
  format: OutputFormat;
  readonly output: ShellOutput;
  /** SET properties, in the order set. */
  readonly properties = new Map<string, string>();
  /** DEFINEd variables by upper-case name (variables are case-insensitive, as in ksqlDB). */
  readonly variables = new Map<string, { name: string; value: string }>();
  private readonly cwd: string;
  private current: Cancellable | null = null;
  private lastCommandSequenceNumber = -1;

  constructor(options: SessionOptions) {
    this.client = options.client;
    this.output = options.output;
    this.format = options.format ?? 'TABULAR';
    this.cwd = options.cwd ?? process.cwd();
    for (const [name, value] of Object.entries(options.variables ?? {})) this.variables.set(name.toUpperCase(), { name, value });
  }

  /** True while a request or query runs. */
  get busy(): boolean {
    return this.current !== null;
  }

  /** Cancels the running query or request (Ctrl-C). False when nothing was running. */
  interrupt(): boolean {
    const current = this.current;
    if (current === null) return false;
    void current.cancel();
    return true;
  }

  /** Uses another server from now on. */
  setClient(client: RestClient): void {
    this.client.close();
    this.client = client;
  }

  close(): void {
    this.client.close();
  }

  private streamsProperties(): Record<string, string> {
    return Object.fromEntries(this.properties);
  }

  private sessionVariables(): Record<string, string> {
    return Object.fromEntries([...this.variables.values()].map(({ name, value }) => [name, value]));
  }

  private substitute(text: string): string {
    const byName = new Map([...this.variables].map(([key, { value }]) => [key, value]));
    return substituteVariables(text, byName);
  }

  private fail(error: unknown): false {
    if (error instanceof ServerUnreachableError) this.output.error(`${error.message}\n`);
    else if (error instanceof RequestCancelledError) this.output.error('Cancelled (a statement already sent may still run on the server).\n');
    else this.output.error(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return false;
  }

  private failWith(error: ErrorBody, status?: number): false {
    this.output.error(renderError(error, status));
    return false;
  }

  /** Runs every statement in `text`; false after the first one that fails. */
  async run(text: string, options: RunOptions = {}): Promise<boolean> {
    const { statements, rest } = splitStatements(text);
    if (options.final === true && rest !== '') {
      // A last statement without its ';' (a trailing line comment needs the ';' on a line of its own).
      const closed = [splitStatements(`${rest.trimEnd()};`), splitStatements(`${rest}\n;`)].find(
        (attempt) => attempt.rest === '' && attempt.statements.length === 1,
      );
      if (closed === undefined) {
        return this.failWith({ message: `Incomplete statement at the end of the input (an unclosed quote or comment?): ${rest.trim().slice(0, 200)}` });
      }
      statements.push(closed.statements[0]!);
    }
    let batch: string[] = [];
    let batchBytes = 0;
    const flush = async (): Promise<boolean> => {
      if (batch.length === 0) return true;
      const ksql = batch.join('\n');
      batch = [];
      batchBytes = 0;
      return this.runOnServer(ksql);
    };
    for (const statement of statements) {
      const classified = classifyStatement(statement);
      if (classified.kind === 'server') {
        if (batch.length >= BATCH_STATEMENTS_MAX || (batch.length > 0 && batchBytes + statement.length > BATCH_BYTES_MAX)) {
          if (!(await flush())) return false;
        }
        batch.push(statement);
        batchBytes += statement.length;
        continue;
      }
      if (!(await flush())) return false;
      let ok: boolean;
      switch (classified.kind) {
        case 'query':
          ok = await this.runQuery(statement, classified.push);
          break;
        case 'print':
          ok = await this.runPrint(statement);
          break;
        case 'set':
          ok = await this.setProperty(this.substitute(classified.name), this.substitute(classified.value));
          break;
        case 'unset':
          ok = this.unsetProperty(this.substitute(classified.name));
          break;
        case 'define': {
          const value = this.substitute(classified.value);
          this.variables.set(classified.name.toUpperCase(), { name: classified.name, value });
          ok = true;
          break;
        }
        case 'undefine':
          if (!this.variables.delete(classified.name.toUpperCase())) {
            this.output.write(`Cannot undefine variable '${classified.name}' which was never defined.\n`);
          }
          ok = true;
          break;
        case 'list-variables':
          ok = this.listVariables(statement);
          break;
        case 'run-script':
          ok = await this.runScript(this.substitute(classified.path), (options.depth ?? 0) + 1);
          break;
        case 'malformed':
          ok = this.failWith({ message: classified.message, statementText: statement });
          break;
      }
      if (!ok) return false;
    }
    return flush();
  }

  /** Runs `fn` as the current operation; Ctrl-C aborts its signal. */
  private async cancellable<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    this.current = { cancel: () => abort.abort() };
    try {
      return await fn(abort.signal);
    } finally {
      this.current = null;
    }
  }

  private async request<T>(fn: (signal: AbortSignal) => Promise<Answer<T>>): Promise<Answer<T> | null> {
    try {
      return await this.cancellable(fn);
    } catch (error) {
      this.fail(error);
      return null;
    }
  }

  /** Statements for `/ksql`, as one request. */
  private async runOnServer(ksql: string): Promise<boolean> {
    const body: Record<string, unknown> = {
      ksql,
      streamsProperties: this.streamsProperties(),
      sessionVariables: this.sessionVariables(),
    };
    if (this.lastCommandSequenceNumber >= 0) body['commandSequenceNumber'] = this.lastCommandSequenceNumber;
    const answer = await this.request((signal) => this.client.ksql(body, signal));
    if (answer === null) return false;
    if (!answer.ok) {
      const entities = answer.error.entities;
      if (Array.isArray(entities) && entities.length > 0) this.printEntities(entities);
      return this.failWith(answer.error, answer.status);
    }
    const entities = answer.value;
    for (const entity of entities) {
      if (entity['@type'] !== 'currentStatus') continue;
      const sequence = entity['commandSequenceNumber'];
      if (typeof sequence === 'number' && sequence > this.lastCommandSequenceNumber) this.lastCommandSequenceNumber = sequence;
    }
    const failed = entities.find((entity) => {
      const status = entity['commandStatus'] as { status?: unknown } | undefined;
      return entity['@type'] === 'currentStatus' && status?.status === 'ERROR';
    });
    if (failed !== undefined) {
      const status = failed['commandStatus'] as { message?: unknown };
      return this.failWith({ message: String(status.message ?? 'The command failed').split('\n', 1)[0]!, statementText: String(failed['statementText'] ?? '') });
    }
    this.printEntities(entities);
    return true;
  }

  private printEntities(entities: readonly Entity[]): void {
    if (entities.length === 0) return;
    if (this.format === 'JSON') this.output.write(`${JSON.stringify(entities, null, 2)}\n`);
    else this.output.write(renderEntities(entities, { width: this.output.width() }));
  }

  /** A push (`EMIT CHANGES`) or pull query through `/query-stream`. */
  private async runQuery(sql: string, push: boolean): Promise<boolean> {
    const width = this.output.width();
    const json = this.format === 'JSON';
    let header: QueryHeader | null = null;
    let widths: number[] | null = null;
    let buffered: RowValue[][] = [];
    const flushBuffered = (): void => {
      if (header === null || widths !== null) return;
      const cells = buffered.map((row) => row.map(formatValue));
      widths = contentWidths(header.columnNames, cells, width);
      this.output.write(renderResultHeader(header.columnNames, widths) + cells.map((row) => boxRow(row, widths!)).join(''));
      buffered = [];
    };
    const stream = this.client.stream(
      { sql, properties: this.streamsProperties(), sessionVariables: this.sessionVariables() },
      {
        onHeader: (h) => {
          header = h;
          if (json) {
            this.output.write(`${JSON.stringify({ queryId: h.queryId, columnNames: h.columnNames, columnTypes: h.columnTypes })}\n`);
          } else if (push) {
            widths = streamingWidths(h.columnNames, h.columnTypes, width);
            this.output.write(renderResultHeader(h.columnNames, widths));
          }
        },
        onRow: (row, raw) => {
          if (json) this.output.write(`${raw}\n`);
          else if (widths !== null) this.output.write(renderResultRow(row, widths));
          else {
            buffered.push(row);
            if (buffered.length >= PULL_SIZING_ROWS) flushBuffered();
          }
        },
        onText: (line) => this.output.write(`${line}\n`),
      },
    );
    this.current = stream;
    let end;
    try {
      end = await stream.done;
    } finally {
      this.current = null;
    }
    if (!json && header !== null) {
      const h = header as QueryHeader;
      if (widths === null) this.output.write(renderResultTable(h.columnNames, buffered, { width }));
      else this.output.write(boxBorder(widths));
    }
    if (end.kind === 'unreachable') return this.fail(end.error);
    if (end.kind === 'error') {
      if (push && !json && header !== null) this.output.write('Query terminated\n');
      return this.failWith(end.error, end.status);
    }
    if (push && !json) this.output.write('Query terminated\n');
    return true;
  }

  /** `PRINT topic`: the server's text lines as they come. */
  private async runPrint(sql: string): Promise<boolean> {
    const stream = this.client.stream(
      { sql, properties: this.streamsProperties(), sessionVariables: this.sessionVariables() },
      {
        onText: (line) => this.output.write(`${line}\n`),
        onRow: (_row, raw) => this.output.write(`${raw}\n`),
        onHeader: (h) => this.output.write(`${JSON.stringify(h)}\n`),
      },
    );
    this.current = stream;
    let end;
    try {
      end = await stream.done;
    } finally {
      this.current = null;
    }
    if (end.kind === 'unreachable') return this.fail(end.error);
    if (end.kind === 'error') return this.failWith(end.error, end.status);
    this.output.write('Topic printing ceased\n');
    return true;
  }

  private async setProperty(name: string, value: string): Promise<boolean> {
    const valid = await this.request((signal) => this.client.isValidProperty(name, signal));
    if (valid === null) return false;
    if (!valid.ok) return this.failWith(valid.error, valid.status);
    const previous = this.properties.get(name);
    this.properties.set(name, value);
    this.output.write(renderPropertySet(name, value, previous));
    return true;
  }

  private unsetProperty(name: string): boolean {
    const previous = this.properties.get(name);
    if (previous === undefined) {
      return this.failWith({ message: `Cannot unset local property '${name}' which was never set in the first place` });
    }
    this.properties.delete(name);
    this.output.write(renderPropertyUnset(name, previous));
    return true;
  }

  private listVariables(statement: string): boolean {
    const entity: Entity = {
      '@type': 'variables',
      statementText: statement,
      variables: [...this.variables.values()].map(({ name, value }) => ({ name, value })),
      warnings: [],
    };
    if (this.format === 'JSON') this.output.write(`${JSON.stringify([entity], null, 2)}\n`);
    else this.output.write(`\n${renderEntityBody(entity, { width: this.output.width() })}`);
    return true;
  }

  /** RUN SCRIPT: reads the file here and runs its statements like typed ones. */
  async runScript(file: string, depth = 1): Promise<boolean> {
    if (depth > SCRIPT_DEPTH_MAX) return this.failWith({ message: `RUN SCRIPT nested deeper than ${SCRIPT_DEPTH_MAX} scripts (does a script run itself?)` });
    const resolved = path.resolve(this.cwd, file);
    let text: string;
    try {
      const info = await stat(resolved);
      if (info.size > SCRIPT_BYTES_MAX) return this.failWith({ message: `The script ${resolved} is larger than ${SCRIPT_BYTES_MAX} bytes` });
      text = await readFile(resolved, 'utf8');
    } catch (error) {
      return this.failWith({ message: `Failed to read file: ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
    }
    return this.run(text, { final: true, depth });
  }
}
