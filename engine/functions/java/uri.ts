/**
 * java.net.URI parsing (RFC 2396 with Java's deviations), for ksqlDB's URL functions: what
 * `new URI(text)` accepts, and its getScheme/getHost/getPort/getPath/getQuery/getFragment.
 *
 * Path, query and fragment come back percent-decoded (UTF-8), as Java's getters return them; an
 * authority that is not a valid `[userinfo@]host[:port]` is "registry based" (no host, no port);
 * an opaque URI (`mailto:x`) has no path or query. Illegal characters (space, `"`, `<`, `|`,
 * ...) or a bad `%` escape make the text invalid (UriSyntaxError).
 */

export class UriSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UriSyntaxError';
  }
}

export interface JavaUri {
  scheme: string | null;
  /** Raw authority text, or null. */
  authority: string | null;
  userInfo: string | null;
  host: string | null;
  /** -1 when absent. */
  port: number;
  /** Raw (encoded) path, query and fragment. */
  rawPath: string | null;
  rawQuery: string | null;
  rawFragment: string | null;
}

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGIT = '0123456789';
const ALPHANUM = ALPHA + DIGIT;
const MARK = "-_.!~*'()";
const UNRESERVED = ALPHANUM + MARK;
const RESERVED = ';/?:@&=+$,[]';
const SCHEME = ALPHANUM + '+-.';
const URIC = RESERVED + UNRESERVED; // plus escapes and "other" characters
const PCHAR = UNRESERVED + ':@&=+$,';
const PATH = PCHAR + ';/';
const USERINFO = UNRESERVED + ';:&=+$,';
const REG_NAME = UNRESERVED + '$,;:@&=+';
const SERVER = USERINFO + ALPHANUM + '-.:@[]';

const HEX = /^[0-9a-fA-F]{2}$/;

/** Java's "other" characters: visible non-ASCII characters are allowed unescaped. */
function isOther(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if (cp <= 128) return false;
  if (/[\p{Zs}\p{Zl}\p{Zp}]/u.test(c)) return false;
  if (cp <= 0x9f) return false; // ISO control
  return true;
}

class Parser {
  uri: JavaUri = { scheme: null, authority: null, userInfo: null, host: null, port: -1, rawPath: null, rawQuery: null, rawFragment: null };
  constructor(private readonly s: string) {}

  private fail(reason: string, index: number): never {
    throw new UriSyntaxError(`${reason} at index ${index}: ${this.s}`);
  }

  /** First index in [start, end) holding one of `stops`, or end. */
  private scanTo(start: number, end: number, stops: string): number {
    for (let i = start; i < end; i++) if (stops.includes(this.s[i]!)) return i;
    return end;
  }

  /** Index of the first character in [start, end) not allowed by `allowed` (with escapes / others when `escapes`). */
  private scanAllowed(start: number, end: number, allowed: string, escapes: boolean): number {
    let i = start;
    while (i < end) {
      const c = this.s[i]!;
      if (allowed.includes(c)) {
        i++;
      } else if (escapes && c === '%') {
        if (!HEX.test(this.s.slice(i + 1, i + 3))) return i;
        i += 3;
      } else if (escapes && isOther(String.fromCodePoint(this.s.codePointAt(i)!))) {
        i += this.s.codePointAt(i)! > 0xffff ? 2 : 1;
      } else {
        return i;
      }
    }
    return end;
  }

  private check(start: number, end: number, allowed: string, what: string): void {
    const bad = this.scanAllowed(start, end, allowed, true);
    if (bad < end) {
      if (this.s[bad] === '%') this.fail(`Malformed escape pair`, bad);
      this.fail(`Illegal character in ${what}`, bad);
    }
  }

  parse(): JavaUri {
    const s = this.s;
    const n = s.length;
    let p = this.scanTo(0, n, '/?#:');
    if (p < n && s[p] === ':') {
      if (p === 0) this.fail('Expected scheme name', 0);
      if (!ALPHA.includes(s[0]!)) this.fail('Illegal character in scheme name', 0);
      const badScheme = this.scanAllowed(1, p, SCHEME, false);
      if (badScheme < p) this.fail('Illegal character in scheme name', badScheme);
      this.uri.scheme = s.slice(0, p);
      p++;
      if (s[p] === '/') {
        p = this.hierarchical(p, n);
      } else {
        const q = this.scanTo(p, n, '#');
        if (q <= p) this.fail('Expected scheme-specific part', p);
        this.check(p, q, URIC, 'opaque part');
        p = q;
      }
    } else {
      p = this.hierarchical(0, n);
    }
    if (s[p] === '#') {
      this.check(p + 1, n, URIC, 'fragment');
      this.uri.rawFragment = s.slice(p + 1);
      p = n;
    }
    if (p < n) this.fail('Expected end of URI', p);
    return this.uri;
  }

  private hierarchical(start: number, n: number): number {
    const s = this.s;
    let p = start;
    if (s[p] === '/' && s[p + 1] === '/') {
      p += 2;
      const q = this.scanTo(p, n, '/?#');
      if (q > p) p = this.authority(p, q);
      else if (q >= n) this.fail('Expected authority', p);
    }
    let q = this.scanTo(p, n, '?#');
    this.check(p, q, PATH, 'path');
    this.uri.rawPath = s.slice(p, q);
    p = q;
    if (s[p] === '?') {
      p++;
      q = this.scanTo(p, n, '#');
      this.check(p, q, URIC, 'query');
      this.uri.rawQuery = s.slice(p, q);
      p = q;
    }
    return p;
  }

  private authority(start: number, end: number): number {
    const serverChars = this.scanAllowed(start, end, SERVER, true) === end;
    const regChars = this.scanAllowed(start, end, REG_NAME, true) === end;
    const text = this.s.slice(start, end);
    if (regChars && !serverChars) {
      this.uri.authority = text;
      return end;
    }
    let parsedTo = start;
    let serverError: UriSyntaxError | null = null;
    if (serverChars) {
      try {
        parsedTo = this.server(start, end);
        if (parsedTo < end) this.fail('Expected end of authority', parsedTo);
        this.uri.authority = text;
      } catch (e) {
        if (!(e instanceof UriSyntaxError)) throw e;
        this.uri.userInfo = null;
        this.uri.host = null;
        this.uri.port = -1;
        serverError = e;
        parsedTo = start;
      }
    }
    if (parsedTo < end) {
      if (regChars) this.uri.authority = text;
      else if (serverError !== null) throw serverError;
      else this.fail('Illegal character in authority', parsedTo);
    }
    return end;
  }

  private server(start: number, end: number): number {
    const s = this.s;
    let p = start;
    const at = this.scanTo(start, end, '/?#@');
    if (at < end && s[at] === '@') {
      this.check(start, at, USERINFO, 'user info');
      this.uri.userInfo = s.slice(start, at);
      p = at + 1;
    }
    if (s[p] === '[') {
      const close = s.indexOf(']', p);
      if (close < 0 || close >= end) this.fail('Expected closing bracket for IPv6 address', p);
      const inner = s.slice(p + 1, close);
      if (!/^[0-9a-fA-F:.]+(%[\w.~-]+)?$/.test(inner) || !inner.includes(':')) this.fail('Malformed IPv6 address', p);
      this.uri.host = s.slice(p, close + 1);
      p = close + 1;
    } else {
      p = this.hostname(p, end);
    }
    if (s[p] === ':') {
      p++;
      const q = this.scanAllowed(p, end, DIGIT, false);
      if (q > p) {
        const port = Number(s.slice(p, q));
        if (!Number.isSafeInteger(port) || port > 2147483647) this.fail('Malformed port number', p);
        this.uri.port = port;
      }
      p = q;
    }
    return p;
  }

  private hostname(start: number, end: number): number {
    const s = this.s;
    let p = start;
    let lastLabel = -1;
    do {
      let q = this.scanAllowed(p, end, ALPHANUM, false);
      if (q <= p) break;
      lastLabel = p;
      p = q;
      q = this.scanAllowed(p, end, ALPHANUM + '-', false);
      if (q > p) {
        if (s[q - 1] === '-') this.fail('Illegal character in hostname', q - 1);
        p = q;
      }
      if (s[p] !== '.') break;
      p++;
    } while (p < end);
    if (p < end && s[p] !== ':') this.fail('Illegal character in hostname', p);
    if (lastLabel < 0) this.fail('Expected hostname', start);
    // a fully qualified name's last label must start with a letter, unless it is an IPv4 address
    const host = s.slice(start, p);
    const ipv4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && host.split('.').every((x) => Number(x) <= 255);
    if (!ipv4 && lastLabel > start && !ALPHA.includes(s[lastLabel]!)) this.fail('Illegal character in hostname', lastLabel);
    this.uri.host = host;
    return p;
  }
}

/** Parses as `new java.net.URI(text)`; throws UriSyntaxError. */
export function parseJavaUri(text: string): JavaUri {
  return new Parser(text).parse();
}

/** Java's URI.decode: %XX sequences as UTF-8 (malformed bytes become U+FFFD). */
export function uriDecode(text: string | null): string | null {
  if (text === null || !text.includes('%')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '%') {
      out += text[i];
      i++;
      continue;
    }
    const bytes: number[] = [];
    while (i < text.length && text[i] === '%') {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
    }
    out += Buffer.from(bytes).toString('utf8');
  }
  return out;
}
