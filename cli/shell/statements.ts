/**
 * Statement text, client side: split input into statements ended by `;` (aware of '...' strings,
 * "..." and `...` identifiers, `--` and block comments), and classify each one by its leading
 * words, which is all the shell needs to know to route it (it never parses SQL itself: the
 * server does).
 */

/** A lexical token of the shell's small lexer. Comments and whitespace are not tokens. */
export interface ShellToken {
  kind: 'word' | 'string' | 'identifier' | 'symbol';
  /** The source text of the token. */
  text: string;
  /** For strings and quoted identifiers: the unquoted, unescaped value; else the text. */
  value: string;
}

export interface SplitResult {
  /** Complete statements, each trimmed, with leading comments removed, ending with `;`. */
  statements: string[];
  /**
   * What follows the last `;`: an unfinished statement (or an unclosed quote or comment), or ''
   * when only whitespace and comments remain.
   */
  rest: string;
}

type ScanState = 'code' | 'single' | 'double' | 'back' | 'line-comment' | 'block-comment';

/** Splits `text` into complete statements and an unfinished rest. Never throws. */
export function splitStatements(text: string): SplitResult {
  const statements: string[] = [];
  let state: ScanState = 'code';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const next = text[i + 1];
    switch (state) {
      case 'code':
        if (c === "'") state = 'single';
        else if (c === '"') state = 'double';
        else if (c === '`') state = 'back';
        else if (c === '-' && next === '-') {
          state = 'line-comment';
          i++;
        } else if (c === '/' && next === '*') {
          state = 'block-comment';
          i++;
        } else if (c === ';') {
          const statement = stripLeadingComments(text.slice(start, i + 1)).trim();
          if (statement !== ';') statements.push(statement);
          start = i + 1;
        }
        break;
      case 'single':
      case 'double':
      case 'back': {
        const quote = state === 'single' ? "'" : state === 'double' ? '"' : '`';
        if (c === quote) {
          if (next === quote) i++; // doubled quote: an escaped quote inside
          else state = 'code';
        }
        break;
      }
      case 'line-comment':
        if (c === '\n') state = 'code';
        break;
      case 'block-comment':
        if (c === '*' && next === '/') {
          state = 'code';
          i++;
        }
        break;
    }
  }
  const tail = text.slice(start);
  const unfinished = state === 'single' || state === 'double' || state === 'back' || state === 'block-comment';
  const rest = unfinished || stripLeadingComments(tail).trim() !== '' ? tail : '';
  return { statements, rest };
}

/** `text` without the whitespace and comments it starts with. */
export function stripLeadingComments(text: string): string {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('--', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      return text.slice(i);
    }
  }
}

/** Tokens of `text`, comments skipped; an unclosed quote runs to the end. `max` bounds the count. */
export function tokenize(text: string, max = Number.POSITIVE_INFINITY): ShellToken[] {
  const tokens: ShellToken[] = [];
  let i = 0;
  while (i < text.length && tokens.length < max) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('--', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= text.length) break;
        if (text[j] === c) {
          if (text[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          j++;
          break;
        }
        value += text[j];
        j++;
      }
      tokens.push({ kind: c === "'" ? 'string' : 'identifier', text: text.slice(i, j), value });
      i = j;
    } else if (/[A-Za-z0-9_$@.:\\/{}-]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_$@.:\\/{}-]/.test(text[j]!) && !text.startsWith('--', j)) j++;
      const word = text.slice(i, j);
      tokens.push({ kind: 'word', text: word, value: word });
      i = j;
    } else {
      tokens.push({ kind: 'symbol', text: c, value: c });
      i++;
    }
  }
  return tokens;
}

/** What the shell does with a statement. */
export type ClassifiedStatement =
  | { kind: 'query'; push: boolean }
  | { kind: 'print' }
  | { kind: 'set'; name: string; value: string }
  | { kind: 'unset'; name: string }
  | { kind: 'define'; name: string; value: string }
  | { kind: 'undefine'; name: string }
  | { kind: 'list-variables' }
  | { kind: 'run-script'; path: string }
  | { kind: 'malformed'; message: string }
  | { kind: 'server' };

const upper = (token: ShellToken | undefined): string => (token?.kind === 'word' ? token.value.toUpperCase() : '');

/** Routes one statement (as `splitStatements` returns it). */
export function classifyStatement(statement: string): ClassifiedStatement {
  const head = tokenize(statement, 8);
  const first = upper(head[0]);
  switch (first) {
    case 'SELECT': {
      const words = tokenize(statement).filter((t) => t.kind === 'word').map((t) => t.value.toUpperCase());
      return { kind: 'query', push: words.includes('EMIT') };
    }
    case 'PRINT':
      return { kind: 'print' };
    case 'SET': {
      // SET 'name' = 'value';
      const [, name, equals, value, end] = head;
      if (name?.kind === 'string' && equals?.text === '=' && value?.kind === 'string' && isEnd(end)) {
        return { kind: 'set', name: name.value, value: value.value };
      }
      return { kind: 'malformed', message: "Expected SET 'property' = 'value';" };
    }
    case 'UNSET': {
      const [, name, end] = head;
      if (name?.kind === 'string' && isEnd(end)) return { kind: 'unset', name: name.value };
      return { kind: 'malformed', message: "Expected UNSET 'property';" };
    }
    case 'DEFINE': {
      // DEFINE name = 'value';
      const [, name, equals, value, end] = head;
      if ((name?.kind === 'word' || name?.kind === 'identifier') && equals?.text === '=' && value?.kind === 'string' && isEnd(end)) {
        return { kind: 'define', name: name.value, value: value.value };
      }
      return { kind: 'malformed', message: "Expected DEFINE name = 'value';" };
    }
    case 'UNDEFINE': {
      const [, name, end] = head;
      if ((name?.kind === 'word' || name?.kind === 'identifier') && isEnd(end)) return { kind: 'undefine', name: name.value };
      return { kind: 'malformed', message: 'Expected UNDEFINE name;' };
    }
    case 'LIST':
    case 'SHOW':
      if (upper(head[1]) === 'VARIABLES' && isEnd(head[2])) return { kind: 'list-variables' };
      return { kind: 'server' };
    case 'RUN':
      if (upper(head[1]) === 'SCRIPT') {
        const path = head[2];
        if (path !== undefined && path.kind !== 'symbol' && isEnd(head[3])) return { kind: 'run-script', path: path.value };
        return { kind: 'malformed', message: "Expected RUN SCRIPT 'path';" };
      }
      return { kind: 'server' };
    default:
      return { kind: 'server' };
  }
}

function isEnd(token: ShellToken | undefined): boolean {
  return token === undefined || token.text === ';';
}

/** A shell command typed on a line of its own (no `;` needed), as ksqlDB's CLI has them. */
export type ShellCommand =
  | { kind: 'help' }
  | { kind: 'exit' }
  | { kind: 'history' }
  | { kind: 'clear' }
  | { kind: 'version' }
  | { kind: 'output'; format: string | null }
  | { kind: 'server'; url: string | null }
  | { kind: 'run-script'; path: string };

/** The shell command on `line`, or null when the line is (part of) a SQL statement. */
export function parseShellCommand(line: string): ShellCommand | null {
  const trimmed = line.trim().replace(/;+\s*$/, '').trim();
  if (trimmed === '' || trimmed.includes('\n')) return null;
  const tokens = tokenize(trimmed);
  const words = tokens.map((t) => t.value);
  const name = upper(tokens[0]);
  if (tokens.some((t) => t.kind === 'symbol')) return null;
  switch (name) {
    case 'HELP':
      return words.length === 1 ? { kind: 'help' } : null;
    case 'EXIT':
    case 'QUIT':
      return words.length === 1 ? { kind: 'exit' } : null;
    case 'HISTORY':
      return words.length === 1 ? { kind: 'history' } : null;
    case 'CLEAR':
      return words.length === 1 ? { kind: 'clear' } : null;
    case 'VERSION':
      return words.length === 1 ? { kind: 'version' } : null;
    case 'OUTPUT':
      if (words.length === 1) return { kind: 'output', format: null };
      return words.length === 2 ? { kind: 'output', format: words[1]!.toUpperCase() } : null;
    case 'SERVER':
      if (words.length === 1) return { kind: 'server', url: null };
      return words.length === 2 ? { kind: 'server', url: words[1]! } : null;
    case 'RUN':
      if (upper(tokens[1]) === 'SCRIPT' && words.length === 3) return { kind: 'run-script', path: words[2]! };
      return null;
    default:
      return null;
  }
}

/**
 * Replaces `${name}` with the variable's value (`$${` stays a literal `${`), for the statements
 * the shell handles itself; the server substitutes in everything else (sessionVariables).
 */
export function substituteVariables(text: string, variables: ReadonlyMap<string, string>): string {
  return text.replace(/\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, escaped: string, name: string) => {
    if (escaped !== '') return whole.slice(1);
    const value = lookupVariable(variables, name);
    return value ?? whole;
  });
}

/** Variables are case-insensitive, as in ksqlDB. */
export function lookupVariable(variables: ReadonlyMap<string, string>, name: string): string | undefined {
  return variables.get(name.toUpperCase());
}
