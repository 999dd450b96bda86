/**
 * URL functions: URL_DECODE_PARAM (java.net.URLDecoder), URL_ENCODE_PARAM (Guava's
 * urlFormParameterEscaper), and URL_EXTRACT_FRAGMENT/HOST/PARAMETER/PATH/PORT/PROTOCOL/QUERY
 * (java.net.URI's getters: path, query and fragment decoded; invalid URLs fail the call).
 */
import type { ScalarFunction } from '../types.js';
import { CONFLUENT, INTEGER, STRING, functionError, overload, scalar } from './define.js';
import { type JavaUri, UriSyntaxError, parseJavaUri, uriDecode } from '../java/uri.js';

const CATEGORY = 'URL';

function parse(url: string): JavaUri {
  try {
    return parseJavaUri(url);
  } catch (e) {
    if (e instanceof UriSyntaxError) throw functionError(`URL input has invalid syntax: ${url}`, { cause: e.message });
    throw e;
  }
}

function extract<V>(getter: (uri: JavaUri) => V): (url: string | null) => V | null {
  return (url) => (url === null ? null : getter(parse(url)));
}

/** java.net.URLDecoder.decode(s, UTF-8). */
export function urlDecode(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (c === '+') {
      out += ' ';
      i++;
    } else if (c === '%') {
      const bytes: number[] = [];
      while (i + 2 < s.length && s[i] === '%') {
        const hex = s.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw functionError(`URLDecoder: Illegal hex characters in escape (%) pattern - Error at index 0 in: "${hex}"`);
        bytes.push(parseInt(hex, 16));
        i += 3;
      }
      if (i < s.length && s[i] === '%') throw functionError('URLDecoder: Incomplete trailing escape (%) pattern');
      out += Buffer.from(bytes).toString('utf8');
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const SAFE = /[A-Za-z0-9\-_.*]/;

/** Guava UrlEscapers.urlFormParameterEscaper(): safe `-_.*` and alphanumerics, space as `+`. */
export function urlEncodeParam(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (SAFE.test(c)) {
      out += c;
      continue;
    }
    if (c === ' ') {
      out += '+';
      continue;
    }
    const code = s.charCodeAt(i);
    let text = c;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) throw functionError(`Trailing high surrogate at end of input`);
      text = s.slice(i, i + 2);
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      throw functionError(`Unexpected low surrogate character '${c}' with value ${code} at index ${i}`);
    }
    for (const b of Buffer.from(text, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function extractParameter(url: string | null, paramToFind: string | null): string | null {
  if (url === null) return null;
  const query = uriDecode(parse(url).rawQuery);
  if (query === null) return null;
  for (const param of query.split('&')) {
    const eq = param.indexOf('=');
    const kv = eq < 0 ? [param] : [param.slice(0, eq), param.slice(eq + 1)];
    if (kv.length === 1 && kv[0] === paramToFind) return '';
    if (kv.length === 2 && kv[0] === paramToFind) return kv[1]!;
  }
  return null;
}

export const urlFunctions: readonly ScalarFunction[] = [
  scalar({ name: 'URL_DECODE_PARAM', declaredName: 'url_decode_param', category: CATEGORY, author: CONFLUENT, description: 'Decodes a previously encoded application/x-www-form-urlencoded String' }, [
    overload([STRING], STRING, (input: string | null) => (input === null ? null : urlDecode(input)), { names: ['input'], docs: ['the value to decode'] }),
  ]),
  scalar(
    {
      name: 'URL_ENCODE_PARAM',
      declaredName: 'url_encode_param',
      category: CATEGORY,
      author: CONFLUENT,
      description: 'Returns a version of the input with all URL sensitive characters encoded using the application/x-www-form-urlencoded standard.',
    },
    [overload([STRING], STRING, (input: string | null) => (input === null ? null : urlEncodeParam(input)), { names: ['input'], docs: ['the value to encode'] })],
  ),
  scalar({ name: 'URL_EXTRACT_FRAGMENT', declaredName: 'url_extract_fragment', category: CATEGORY, author: CONFLUENT, description: 'Extracts the fragment of an application/x-www-form-urlencoded String input' }, [
    overload([STRING], STRING, extract((u) => uriDecode(u.rawFragment)), { names: ['input'], docs: ['a valid URL to extract a fragment from'] }),
  ]),
  scalar({ name: 'URL_EXTRACT_HOST', declaredName: 'url_extract_host', category: CATEGORY, author: CONFLUENT, description: 'Extracts the Host Name of an application/x-www-form-urlencoded String input' }, [
    overload([STRING], STRING, extract((u) => u.host), { names: ['input'], docs: ['a valid URL'] }),
  ]),
  scalar(
    {
      name: 'URL_EXTRACT_PARAMETER',
      declaredName: 'url_extract_parameter',
      category: CATEGORY,
      author: CONFLUENT,
      description: 'Extracts a parameter with a specified name encoded inside an application/x-www-form-urlencoded String.',
    },
    [overload([STRING, STRING], STRING, extractParameter, { names: ['input', 'paramToFind'], docs: ['a valid URL', 'the parameter key'] })],
  ),
  scalar({ name: 'URL_EXTRACT_PATH', declaredName: 'url_extract_path', category: CATEGORY, author: CONFLUENT, description: 'Extracts the path of an application/x-www-form-urlencoded encoded String input' }, [
    overload([STRING], STRING, extract((u) => uriDecode(u.rawPath)), { names: ['input'], docs: ['a valid URL'] }),
  ]),
  scalar(
    {
      name: 'URL_EXTRACT_PORT',
      declaredName: 'url_extract_port',
      category: CATEGORY,
      author: CONFLUENT,
      description: 'Extracts the port from an application/x-www-form-urlencoded encoded String. If there is no port or the string is invalid, this will return null.',
    },
    [overload([STRING], INTEGER, extract((u) => (u.port < 0 ? null : u.port)), { names: ['input'], docs: ['a valid URL to extract a port from'] })],
  ),
  scalar(
    {
      name: 'URL_EXTRACT_PROTOCOL',
      declaredName: 'url_extract_protocol',
      category: CATEGORY,
      author: CONFLUENT,
      description: 'Extracts the Scheme Component (protocol) of an application/x-www-form-urlencoded encoded String input',
    },
    [overload([STRING], STRING, extract((u) => u.scheme), { names: ['input'], docs: ['a valid URL to extract a protocl from'] })],
  ),
  scalar(
    {
      name: 'URL_EXTRACT_QUERY',
      declaredName: 'url_extract_query',
      category: CATEGORY,
      author: CONFLUENT,
      description: 'Extracts the query parameters of an application/x-www-form-urlencoded encoded String input, if it exists.',
    },
    [overload([STRING], STRING, extract((u) => uriDecode(u.rawQuery)), { names: ['input'], docs: ['a valid URL to extract a query from'] })],
  ),
];
