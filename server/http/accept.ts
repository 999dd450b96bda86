/**
 * `Accept` negotiation as ksqlDB's Vert.x router does it: each route lists the media types it
 * produces, in preference order. q-values are honoured (q=0 excludes), `type/*` and `*` + `/*`
 * match, and a request without `Accept` gets the route's first type. No match: 406, empty body.
 */

export const JSON_TYPE = 'application/json';
export const KSQL_V1_JSON = 'application/vnd.ksql.v1+json';
export const DELIMITED = 'application/vnd.ksqlapi.delimited.v1';
export const KSQL_V1_PROTOBUF = 'application/vnd.ksql.v1+protobuf';

interface AcceptEntry {
  type: string;
  subtype: string;
  q: number;
  order: number;
}

function parseAccept(header: string): AcceptEntry[] {
  const entries: AcceptEntry[] = [];
  let order = 0;
  for (const part of header.split(',')) {
    const [range, ...params] = part.split(';').map((s) => s.trim());
    if (!range) continue;
    const slash = range.indexOf('/');
    const type = (slash < 0 ? range : range.slice(0, slash)).toLowerCase();
    const subtype = (slash < 0 ? '*' : range.slice(slash + 1)).toLowerCase();
    let q = 1;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq > 0 && param.slice(0, eq).trim().toLowerCase() === 'q') {
        const value = Number(param.slice(eq + 1).trim());
        q = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
      }
    }
    entries.push({ type, subtype, q, order: order++ });
  }
  return entries;
}

function matches(entry: AcceptEntry, mediaType: string): boolean {
  const [type, subtype] = mediaType.split('/') as [string, string];
  if (entry.type === '*') return true;
  if (entry.type !== type) return false;
  return entry.subtype === '*' || entry.subtype === subtype;
}

/**
 * The media type to answer with, or null when `Accept` allows none of `produces`. Entries are
 * tried by q (highest first, then as written); the first produced type an entry matches wins.
 */
export function negotiate(acceptHeader: string | string[] | undefined, produces: readonly string[]): string | null {
  const header = Array.isArray(acceptHeader) ? acceptHeader.join(',') : acceptHeader;
  if (header === undefined || header.trim() === '') return produces[0] ?? null;
  const entries = parseAccept(header)
    .filter((e) => e.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const entry of entries) {
    for (const mediaType of produces) if (matches(entry, mediaType)) return mediaType;
  }
  return null;
}
