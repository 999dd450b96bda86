/**
 * `POST /inserts-stream` (HTTP/2 only; over HTTP/1.1 → 400/40004).
 *
 * The request body is newline-separated JSON: `{"target":"S","properties":{…}}`, then one object
 * per row. The last line may lack its `\n`; ending the request ends the stream. Target and row
 * keys are upper-cased unless written in backticks; missing value columns are null. Headers go
 * out once the target is known; then one ack per row, in order, as each row is stored:
 * `{"seq":0,"status":"ok"}` lines (delimited) or one JSON array (`Accept: application/json`).
 * A bad row gets an error ack (`"status":"error"`) and ends the response.
 *
 * Each row is stored through the SQL engine as `INSERT INTO … VALUES (…)`, so it gets exactly the
 * coercions and checks of that statement.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { FastifyInstance } from 'fastify';
import { SluiceError, isSluiceError } from '../../common/index.js';
import type { SqlType } from '../../engine/types/index.js';
import { DELIMITED, JSON_TYPE } from './accept.js';
import { bodyTooLarge, invalidJson } from './body.js';
import { isHttp2, negotiateOr406, sendError, type HttpContext } from './context.js';
import type { SourceView as InsertTarget } from './engine.js';
import { ksqlErrorCodeOf } from './error-entities.js';
import { StreamResponse } from './stream-response.js';

/** Lines of a streamed body (empty lines skipped); a line longer than `lineBytesMax` is an error. */
export async function* bodyLines(stream: Readable, lineBytesMax: number): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  // Reading stops early on a bad row; the request must stay open so the response can be written.
  for await (const chunk of stream.iterator({ destroyOnReturn: false })) {
    buffered += decoder.write(chunk as Buffer);
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== '') yield line;
    }
    if (buffered.length > lineBytesMax) throw bodyTooLarge(lineBytesMax, buffered.length);
  }
  buffered += decoder.end();
  if (buffered.trim() !== '') yield buffered;
}

/** `s` → `S`, `` `s` `` → `s` (ksqlDB's identifier rule for inserts-stream names). */
export function resolveName(name: string): string {
  if (name.length >= 2 && name.startsWith('`') && name.endsWith('`')) return name.slice(1, -1).replace(/``/g, '`');
  return name.toUpperCase();
}

function quoteName(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

function sqlString(text: string): string {
  return "'" + text.replace(/'/g, "''") + "'";
}

function invalidRow(message: string, column?: string): SluiceError {
  return new SluiceError('SERVER_INSERT_INVALID', message, column ? { column } : {});
}

/** A JSON value as a SQL literal for a column of `type` (null type: an unknown column). */
export function sqlLiteral(value: unknown, type: SqlType | null, column: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (type?.kind === 'BYTES' && typeof value === 'string') return `TO_BYTES(${sqlString(value)}, 'base64')`;
  if (type?.kind === 'STRING' && typeof value !== 'string' && typeof value !== 'object') return sqlString(String(value));
  switch (typeof value) {
    case 'string':
      return sqlString(value);
    case 'boolean':
      return value ? 'TRUE' : 'FALSE';
    case 'number':
      if (!Number.isFinite(value)) throw invalidRow(`Invalid value for column ${column}: ${value}`, column);
      if (type?.kind === 'DOUBLE' && Number.isInteger(value)) return `CAST(${value} AS DOUBLE)`;
      return String(value);
    case 'object': {
      if (Array.isArray(value)) {
        const element = type?.kind === 'ARRAY' ? type.element : null;
        return `ARRAY[${value.map((v) => sqlLiteral(v, element, column)).join(', ')}]`;
      }
      const entries = Object.entries(value as Record<string, unknown>);
      if (type?.kind === 'MAP') {
        if (entries.length === 0) return `MAP()`;
        return `MAP(${entries.map(([k, v]) => `${sqlString(k)} := ${sqlLiteral(v, type.value, column)}`).join(', ')})`;
      }
      if (type?.kind === 'STRUCT') {
        const fields = type.fields;
        const parts = entries.map(([k, v]) => {
          const field = fields.find((f) => f.name === k) ?? fields.find((f) => f.name.toUpperCase() === k.toUpperCase());
          if (!field) throw invalidRow(`Invalid value for column ${column}: struct has no field ${k}`, column);
          return `${quoteName(field.name)} := ${sqlLiteral(v, field.type, column)}`;
        });
        return `STRUCT(${parts.join(', ')})`;
      }
      throw invalidRow(`Invalid value for column ${column}: expected ${type ? type.kind : 'a scalar'}, found an object`, column);
    }
    default:
      throw invalidRow(`Invalid value for column ${column}: ${String(value)}`, column);
  }
}

/** The INSERT VALUES statement for one JSON row. */
export function insertStatement(target: InsertTarget, row: Record<string, unknown>): string {
  const columns = new Map<string, SqlType>();
  for (const c of [...target.keyColumns, ...target.valueColumns]) columns.set(c.name, c.type);
  const names: string[] = [];
  const values: string[] = [];
  for (const [rawName, value] of Object.entries(row)) {
    const name = resolveName(rawName);
    const type = columns.get(name);
    if (type === undefined) throw invalidRow(`Column name ${name} does not exist in ${target.name}`, name);
    names.push(quoteName(name));
    values.push(sqlLiteral(value, type, name));
  }
  const given = new Set(Object.keys(row).map(resolveName));
  for (const key of target.keyColumns) {
    if (!given.has(key.name)) throw invalidRow(`Key field must be specified: ${key.name}`, key.name);
  }
  return `INSERT INTO ${quoteName(target.name)} (${names.join(', ')}) VALUES (${values.join(', ')});`;
}

export function registerInsertsRoute(app: FastifyInstance, ctx: HttpContext): void {
  app.post('/inserts-stream', async (request, reply) => {
    const mediaType = negotiateOr406(request, reply, [DELIMITED, JSON_TYPE]);
    if (mediaType === null) return reply;
    if (!isHttp2(request)) {
      return sendError(reply, new SluiceError('SERVER_HTTP2_REQUIRED', 'This endpoint is only available when using HTTP2', { expected: 'HTTP/2', found: `HTTP/${request.raw.httpVersion}` }));
    }
    const lines = bodyLines(request.raw, ctx.limits.httpBodyBytesMax);
    let target: InsertTarget;
    let properties: Record<string, unknown> = {};
    try {
      const first = await lines.next();
      if (first.done) throw invalidJson('No content to map due to end-of-input');
      let args: unknown;
      try {
        args = JSON.parse(first.value);
      } catch (error) {
        throw invalidJson((error as Error).message);
      }
      const targetName = (args as { target?: unknown } | null)?.target;
      if (typeof targetName !== 'string' || targetName === '') {
        throw new SluiceError('SERVER_BAD_REQUEST', 'Invalid request: missing required field "target"', { expected: 'a "target" string', found: first.value.slice(0, 200) });
      }
      const props = (args as { properties?: unknown }).properties;
      if (props !== undefined && props !== null && typeof props === 'object' && !Array.isArray(props)) properties = props as Record<string, unknown>;
      const name = resolveName(targetName);
      const found = ctx.engine.catalog().source(name);
      if (!found) {
        throw new SluiceError('SQL_SOURCE_NOT_FOUND', `Cannot insert values into an unknown stream/table: \`${name}\``, { expected: 'an existing stream or table', found: name });
      }
      target = found;
    } catch (error) {
      await lines.return(undefined);
      request.raw.resume();
      return sendError(reply, error);
    }

    reply.hijack();
    const stream = new StreamResponse(reply.raw, true, ctx.settings.slowConsumerTimeoutMs, `inserts_${target.name}`);
    stream.start(200, mediaType);
    const json = mediaType === JSON_TYPE;
    let seq = 0;
    let acks = 0;
    const ack = async (body: Record<string, unknown>): Promise<void> => {
      const text = JSON.stringify(body);
      await stream.write(json ? (acks++ === 0 ? '[' : ',') + text : text + '\n');
    };
    try {
      for (;;) {
        const next = await lines.next();
        if (next.done || !stream.isOpen) break;
        try {
          if (seq >= ctx.settings.insertRowsPerRequestMax) {
            throw new SluiceError('LIMIT_EXCEEDED', `Too many rows in one insert stream: expected at most ${ctx.settings.insertRowsPerRequestMax}`, {
              expected: `<= ${ctx.settings.insertRowsPerRequestMax} rows`,
              found: `${seq + 1} rows`,
            });
          }
          let row: unknown;
          try {
            row = JSON.parse(next.value);
          } catch (error) {
            throw invalidJson((error as Error).message);
          }
          if (row === null || typeof row !== 'object' || Array.isArray(row)) throw invalidJson('expected a JSON object per row');
          await ctx.engine.execute(insertStatement(target, row as Record<string, unknown>), { properties });
          await ack({ seq, status: 'ok' });
          seq++;
        } catch (error) {
          await ack({
            '@type': 'generic_error',
            error_code: isSluiceError(error) && error.httpStatus < 500 ? 40000 : 50000,
            message: error instanceof Error ? error.message : String(error),
            status: 'error',
            seq,
          });
          seq++;
          break;
        }
      }
    } catch (error) {
      // the request body failed (too long a line, connection reset)
      if (stream.isOpen) {
        await ack({ '@type': 'generic_error', error_code: isSluiceError(error) ? ksqlErrorCodeOf(error) : 50000, message: (error as Error).message, status: 'error', seq }).catch(() => undefined);
      }
    } finally {
      await lines.return(undefined);
    }
    if (stream.isOpen) stream.end(json ? (acks === 0 ? '[]' : ']') : undefined);
    return reply;
  });
}
