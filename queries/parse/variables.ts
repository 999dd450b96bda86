/**
 * Variable substitution, as ksqlDB does it for `DEFINE name = 'value';` then `${name}`.
 *
 * The statement is parsed first, to know how each reference is used:
 *   - `${name}` standing as an identifier is replaced by the raw value, which must then be a valid
 *     identifier (optionally in "..." or `...` quotes);
 *   - `${name}` standing as a literal must be a quoted string ('...'), a boolean or a number, and
 *     is replaced with its single quotes escaped;
 *   - in string literals, topic names, SET/UNSET and DEFINE values, `${name}` is replaced by the
 *     value with single quotes doubled; `${name:-default}` falls back to the default.
 * An undefined `${name}` in an identifier or literal position is an error; elsewhere it is left
 * as is. `$${` escapes a reference (it becomes `${`). As in ksqlDB, a value is not itself
 * searched for references, and once a name is resolved every reference to it in the text is
 * replaced.
 */
import { SluiceError } from '../../common/index.js';
import { locate } from './ast.js';
import type { ParseOptions } from './cursor.js';
import { scanVariableUses } from './parser.js';

export type Variables = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

function lookup(variables: Variables, name: string): string | undefined {
  if (variables instanceof Map) return variables.get(name);
  const record = variables as Readonly<Record<string, string>>;
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/** ksqlDB's sanitize: a '...' value keeps its quotes with the inside escaped; else quotes doubled. */
function sanitize(value: string): string {
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) {
    return `'${value.slice(1, -1).replaceAll("''", "'").replaceAll("'", "''")}'`;
  }
  return value.replaceAll("'", "''");
}

const IDENTIFIER_VALUE = /^[A-Za-z_][A-Za-z0-9_@]*$/;
const NUMBER_VALUE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/;

function isValidIdentifierValue(value: string): boolean {
  const first = value[0];
  const unquoted = value.length >= 2 && (first === '"' || first === '`') && value.endsWith(first) ? value.slice(1, -1) : value;
  return IDENTIFIER_VALUE.test(unquoted);
}

function isValidLiteralValue(value: string): boolean {
  if (value.startsWith("'") && value.endsWith("'")) return true;
  const lower = value.toLowerCase();
  return lower === 'true' || lower === 'false' || NUMBER_VALUE.test(value.trim());
}

/** Each `${...}` reference in `text` (not `$${...}`), as [start, end, name, default?]. */
function references(text: string): [number, number, string, string | undefined][] {
  const found: [number, number, string, string | undefined][] = [];
  for (let index = text.indexOf('${'); index >= 0; index = text.indexOf('${', index + 2)) {
    if (index > 0 && text[index - 1] === '$') continue;
    const close = text.indexOf('}', index + 2);
    if (close < 0) break;
    const body = text.slice(index + 2, close);
    const split = body.indexOf(':-');
    found.push(split < 0 ? [index, close + 1, body, undefined] : [index, close + 1, body.slice(0, split), body.slice(split + 2)]);
  }
  return found;
}

/** Replaces references to resolved names (and unescapes `$${`) across the whole text. */
function replaceReferences(text: string, resolved: ReadonlyMap<string, string>): string {
  let out = '';
  let index = 0;
  for (let at = text.indexOf('${'); at >= 0; at = text.indexOf('${', at + 2)) {
    if (at < index) continue;
    if (at > 0 && text[at - 1] === '$') {
      out += text.slice(index, at - 1);
      index = at;
      continue;
    }
    const close = text.indexOf('}', at + 2);
    if (close < 0) break;
    const body = text.slice(at + 2, close);
    const split = body.indexOf(':-');
    const name = split < 0 ? body : body.slice(0, split);
    const value = resolved.get(name) ?? (split < 0 ? undefined : body.slice(split + 2));
    if (value === undefined) continue;
    out += text.slice(index, at) + value;
    index = close + 1;
  }
  return out + text.slice(index);
}

/** Substitutes `${name}` references in statement text with the given variables' values. */
export function substituteVariables(text: string, variables: Variables, options: ParseOptions = {}): string {
  if (!text.includes('${')) return text;
  const resolved = new Map<string, string>();
  for (const use of scanVariableUses(text, options)) {
    if (use.context === 'string') {
      for (const [, , name] of references(use.token.text)) {
        const value = lookup(variables, name);
        if (value !== undefined && !resolved.has(name)) resolved.set(name, sanitize(value));
      }
      continue;
    }
    const name = use.token.text.slice(2, -1);
    const value = lookup(variables, name) ?? use.token.text;
    const { line, column } = locate(text, use.token.start);
    if (use.context === 'identifier') {
      if (!isValidIdentifierValue(value)) {
        throw new SluiceError(
          'SQL_SYNTAX',
          `Illegal argument at Line: ${line}, Col: ${column}. Identifier names cannot start with '@' and may only contain alphanumeric values and '_'. Got: '${value}'`,
          { line, column, offset: use.token.start, expected: 'an identifier', found: value },
        );
      }
      if (!resolved.has(name)) resolved.set(name, value);
    } else {
      if (!isValidLiteralValue(value)) {
        throw new SluiceError('SQL_SYNTAX', `Illegal argument at Line: ${line}, Col: ${column}. Got: '${value}'`, {
          line, column, offset: use.token.start, expected: 'a quoted string, a boolean or a number', found: value,
        });
      }
      if (!resolved.has(name)) resolved.set(name, sanitize(value));
    }
  }
  return replaceReferences(text, resolved);
}
