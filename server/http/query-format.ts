/**
 * The body formats of streamed query results.
 *
 * - `delimited` (`application/vnd.ksqlapi.delimited.v1`, `/query-stream`'s default): the header
 *   object, then one JSON array per row, each followed by `\n`; nothing at completion.
 * - `json` (`application/json` on `/query-stream`): one JSON array, `[` header `,` row ... `]`,
 *   no newlines.
 * - `streamed` (`/query`, and `application/vnd.ksql.v1+json` on `/query-stream`):
 *   `[{"header":{"queryId","schema"}},\n{"row":{"columns":[…]}},\n…{"finalMessage":"…"}]`. Push
 *   queries write each element followed by `,\n` at once and end with a final message; pull
 *   queries hold each row back until the next one (or the end) so that the array closes with `]`.
 *
 * Table tombstones are dropped in the first two forms and flagged `"tombstone":true` in the
 * streamed one. Errors after the header are one more element.
 */
import type { GenericErrorEntity } from './error-entities.js';
import { columnTypeText } from './values.js';
import type { QueryColumn } from './engine.js';

export type StreamFormatName = 'delimited' | 'json' | 'streamed';

export interface QueryHeader {
  queryId: string;
  columns: readonly QueryColumn[];
  schemaText: string;
}

/** Turns query events into body chunks. Methods return the chunk to write ('' for none). */
export interface StreamFormat {
  header(header: QueryHeader): string;
  /** `rowJson` is the row's JSON array text. */
  row(rowJson: string, tombstone: boolean): string;
  /** Normal end; `finalMessage` for push queries (`Limit Reached`, `Query Completed`). */
  end(finalMessage: string | null): string;
  /** Failure after the header; the response ends after this chunk. */
  error(entity: GenericErrorEntity): string;
}

export function headerObjectText(header: QueryHeader): string {
  return JSON.stringify({
    queryId: header.queryId,
    columnNames: header.columns.map((c) => c.name),
    columnTypes: header.columns.map((c) => columnTypeText(c.type)),
  });
}

export function delimitedFormat(): StreamFormat {
  return {
    header: (h) => headerObjectText(h) + '\n',
    row: (row, tombstone) => (tombstone ? '' : row + '\n'),
    end: () => '',
    error: (e) => JSON.stringify(e) + '\n',
  };
}

export function jsonArrayFormat(): StreamFormat {
  return {
    header: (h) => '[' + headerObjectText(h),
    row: (row, tombstone) => (tombstone ? '' : ',' + row),
    end: () => ']',
    error: (e) => ',' + JSON.stringify(e) + ']',
  };
}

export function streamedRowsFormat(isPull: boolean): StreamFormat {
  const headerText = (h: QueryHeader): string => `{"header":${JSON.stringify({ queryId: h.queryId, schema: h.schemaText })}}`;
  const rowText = (row: string, tombstone: boolean): string => `{"row":{"columns":${row}${tombstone ? ',"tombstone":true' : ''}}}`;
  if (!isPull) {
    return {
      header: (h) => '[' + headerText(h) + ',\n',
      row: (row, tombstone) => rowText(row, tombstone) + ',\n',
      end: (finalMessage) => JSON.stringify({ finalMessage: finalMessage ?? 'Query Completed' }) + ']',
      error: (e) => JSON.stringify({ errorMessage: e }) + ']',
    };
  }
  let held: string | null = null;
  return {
    header: (h) => {
      held = '[' + headerText(h);
      return '';
    },
    row: (row, tombstone) => {
      const out = held === null ? '' : held + ',\n';
      held = rowText(row, tombstone);
      return out;
    },
    end: () => (held ?? '[') + ']',
    error: (e) => (held === null ? '[' : held + ',\n') + JSON.stringify({ errorMessage: e }) + ']',
  };
}

export function streamFormat(name: StreamFormatName, isPull: boolean): StreamFormat {
  switch (name) {
    case 'delimited':
      return delimitedFormat();
    case 'json':
      return jsonArrayFormat();
    case 'streamed':
      return streamedRowsFormat(isPull);
  }
}
