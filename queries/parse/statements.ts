/**
 * Statements and queries: the grammar's `statement` rule, SELECT with its clauses, relations and
 * joins, windows, table elements and WITH properties.
 *
 * Where ksqlDB's parser chooses between statements sharing a prefix (CREATE STREAM vs CREATE
 * STREAM ... AS SELECT, SHOW ..., DROP ...), the prefix is parsed with `predicting` set, so a
 * failure there reads "no viable alternative" as it does in ksqlDB.
 */
import type {
  AddColumn, ColumnConstraint, Expression, HoppingWindow, JoinedSource, JoinType, Property, Query,
  Relation, SelectItem, SessionWindow, SourceRelation, Statement, TableElement, TumblingWindow,
  WindowExpression, WithinClause, Duration,
} from './ast.js';
import { statementStartKinds } from './cursor.js';
import type { Cursor } from './cursor.js';
import {
  atPrimaryStart, checkName, integerValue, parseColumnName, parseDuration, parseExpression, parseIdentifier,
  parseLiteral, parseNumber, parsePrimary, parseResourceName, parseSourceName, parseString, parseType,
  javaTrim, parseValueExpression, validateSourceName,
} from './expressions.js';
import { IDENTIFIER_START, isIdentifierStart, KEYWORDS } from './lexer.js';
import type { TokenKind } from './lexer.js';
import { unquote } from './literals.js';

/** One statement, without its `;`. `topLevel` adds EOF to what may stand where it begins. */
export function parseStatementBody(c: Cursor, topLevel: boolean): Statement {
  const starts = statementStartKinds(c.options, topLevel);
  if (!c.isAny(starts)) throw c.failSync(starts);
  switch (c.token.kind) {
    case 'SELECT': return parseQuery(c);
    case 'CREATE': return parseCreate(c);
    case 'INSERT': return parseInsert(c);
    case 'DESCRIBE': return parseDescribe(c);
    case 'PRINT': return parsePrint(c);
    case 'EXPLAIN': return parseExplain(c);
    case 'SHOW':
    case 'LIST': return parseList(c);
    case 'TERMINATE':
    case 'PAUSE':
    case 'RESUME': return parseQueryControl(c);
    case 'DROP': return parseDrop(c);
    case 'SET': {
      const start = c.advance().start;
      const name = parseString(c, true);
      c.expect('EQ');
      const value = parseString(c, true);
      return { kind: 'setProperty', name, value, span: c.span(start) };
    }
    case 'UNSET': {
      const start = c.advance().start;
      return { kind: 'unsetProperty', name: parseString(c, true), span: c.span(start) };
    }
    case 'DEFINE': {
      const start = c.advance().start;
      const name = parseVariableName(c);
      c.expect('EQ');
      const value = parseString(c, true);
      return { kind: 'defineVariable', name, value, span: c.span(start) };
    }
    case 'UNDEFINE': {
      const start = c.advance().start;
      return { kind: 'undefineVariable', name: parseVariableName(c), span: c.span(start) };
    }
    case 'ASSERT': return parseAssert(c);
    case 'ALTER': return parseAlter(c);
    default: {
      // RUN SCRIPT (test statements only)
      const start = c.advance().start;
      c.expect('SCRIPT');
      return { kind: 'runScript', path: parseString(c), span: c.span(start) };
    }
  }
}

const keywordKinds: ReadonlySet<TokenKind> = new Set<TokenKind>([...KEYWORDS, 'STRING']);

/**
 * DEFINE's variable name: an IDENTIFIER. ksqlDB also lets a keyword through when it is typed in
 * lower case (its error listener forgives those), so that is accepted too. The name keeps its case.
 */
function parseVariableName(c: Cursor): string {
  const token = c.token;
  if (c.is('IDENTIFIER') || (keywordKinds.has(token.kind) && token.text === token.text.toLowerCase())) {
    c.advance();
    return token.text;
  }
  throw c.failMatch('IDENTIFIER');
}

function withPrediction<T>(c: Cursor, parse: (decided: () => void) => T): T {
  const outer = c.predicting;
  c.predicting = true;
  const result = parse(() => {
    c.predicting = outer;
  });
  c.predicting = outer;
  return result;
}

function parseIfNotExists(c: Cursor): boolean {
  if (c.is('IF') && c.peek().kind === 'NOT') {
    c.advance();
    c.advance();
    c.expect('EXISTS');
    return true;
  }
  return false;
}

function parseIfExists(c: Cursor): boolean {
  if (c.is('IF') && c.peek().kind === 'EXISTS') {
    c.advance();
    c.advance();
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// CREATE / INSERT / DROP / ALTER

function parseCreate(c: Cursor): Statement {
  const start = c.advance().start;
  return withPrediction(c, (decided): Statement => {
    const orReplace = c.accept('OR') !== undefined;
    if (orReplace) c.expect('REPLACE');
    if (!orReplace && (c.is('SINK') || (c.is('SOURCE') && c.peek().kind === 'CONNECTOR'))) {
      const connectorType = c.advance().kind === 'SINK' ? 'SINK' : 'SOURCE';
      c.expect('CONNECTOR');
      decided();
      const ifNotExists = parseIfNotExists(c);
      const name = parseIdentifier(c).name;
      c.expect('WITH');
      const properties = parseProperties(c);
      return { kind: 'createConnector', connectorType, ifNotExists, name, properties, span: c.span(start) };
    }
    if (!orReplace && c.is('TYPE')) {
      c.advance();
      decided();
      const ifNotExists = parseIfNotExists(c);
      const name = parseIdentifier(c).name;
      c.expect('AS');
      const type = parseType(c);
      return { kind: 'createType', ifNotExists, name, type, span: c.span(start) };
    }
    const isSource = c.accept('SOURCE') !== undefined;
    if (!c.isAny(['STREAM', 'TABLE'])) throw c.failNoViable();
    const isStream = c.advance().kind === 'STREAM';
    if (isSource) decided();
    const ifNotExists = parseIfNotExists(c);
    const name = parseSourceName(c).name;
    let elements: TableElement[] = [];
    if (c.is('LPAREN')) {
      decided();
      elements = parseTableElements(c);
    }
    const properties = c.accept('WITH') ? parseProperties(c) : [];
    if (elements.length === 0 && !isSource && c.is('AS')) {
      decided();
      c.advance();
      const query = parseQuery(c);
      if (query.limit !== undefined) {
        // ksqlDB's AST builder rejects it (so with the "Failed to prepare statement" prefix).
        c.prepareFail(`Failed to prepare statement: CREATE ${isStream ? 'STREAM' : 'TABLE'} AS SELECT statements don't support LIMIT clause.`, start);
      }
      const common = { orReplace, ifNotExists, name, properties, query, span: c.span(start) };
      return isStream ? { kind: 'createStreamAsSelect', ...common } : { kind: 'createTableAsSelect', ...common };
    }
    decided();
    const common = { orReplace, isSource, ifNotExists, name, elements, properties, span: c.span(start) };
    return isStream ? { kind: 'createStream', ...common } : { kind: 'createTable', ...common };
  });
}

function parseTableElements(c: Cursor): TableElement[] {
  c.expect('LPAREN');
  const elements = [parseTableElement(c)];
  for (;;) {
    if (c.is('COMMA')) {
      c.advance();
      elements.push(parseTableElement(c));
      continue;
    }
    if (!c.is('RPAREN')) throw c.failSync(['COMMA', 'RPAREN']);
    c.advance();
    return elements;
  }
}

function parseTableElement(c: Cursor): TableElement {
  const start = c.token.start;
  const name = parseColumnName(c).name;
  const type = parseType(c);
  let constraint: ColumnConstraint | undefined;
  if (c.is('PRIMARY')) {
    c.advance();
    c.expect('KEY');
    constraint = { kind: 'primaryKey' };
  } else if (c.accept('KEY')) {
    constraint = { kind: 'key' };
  } else if (c.accept('HEADERS')) {
    constraint = { kind: 'headers' };
  } else if (c.accept('HEADER')) {
    c.expect('LPAREN');
    const key = javaTrim(parseString(c));
    c.expect('RPAREN');
    constraint = key === '' ? { kind: 'headers' } : { kind: 'header', key };
  }
  return { kind: 'tableElement', name, type, constraint, span: c.span(start) };
}

function parseProperties(c: Cursor): Property[] {
  c.expect('LPAREN');
  const properties = [parseProperty(c)];
  for (;;) {
    if (c.is('COMMA')) {
      c.advance();
      properties.push(parseProperty(c));
      continue;
    }
    if (!c.is('RPAREN')) throw c.failSync(['COMMA', 'RPAREN']);
    c.advance();
    return properties;
  }
}

function parseProperty(c: Cursor): Property {
  const start = c.token.start;
  let name: string;
  if (c.is('STRING_LITERAL')) name = unquote(c.advance().text);
  else if (c.isIdentifier()) name = parseIdentifier(c).name;
  else throw c.failSync([...IDENTIFIER_START, 'STRING_LITERAL']);
  c.expect('EQ');
  const value = parseLiteral(c);
  return { kind: 'property', name, value, span: c.span(start) };
}

/** `(a, b)`: column names. */
function parseColumnList(c: Cursor): string[] {
  c.expect('LPAREN');
  const columns = [parseColumnName(c).name];
  for (;;) {
    if (c.is('COMMA')) {
      c.advance();
      columns.push(parseColumnName(c).name);
      continue;
    }
    if (!c.is('RPAREN')) throw c.failSync(['COMMA', 'RPAREN']);
    c.advance();
    return columns;
  }
}

/** `(v1, v2, ...)`: value expressions, possibly none. */
function parseValueList(c: Cursor): Expression[] {
  c.expect('LPAREN');
  const values: Expression[] = [];
  if (c.accept('RPAREN')) return values;
  values.push(parseValueExpression(c));
  for (;;) {
    if (c.is('COMMA')) {
      c.advance();
      values.push(parseValueExpression(c));
      continue;
    }
    if (!c.is('RPAREN')) throw c.failSync(['COMMA', 'RPAREN']);
    c.advance();
    return values;
  }
}

function parseInsert(c: Cursor): Statement {
  const start = c.advance().start;
  return withPrediction(c, (decided): Statement => {
    c.expect('INTO');
    const target = parseSourceName(c).name;
    if (c.is('WITH') || c.is('SELECT')) {
      decided();
      const properties = c.accept('WITH') ? parseProperties(c) : [];
      const query = parseQuery(c);
      return { kind: 'insertInto', target, properties, query, span: c.span(start) };
    }
    if (c.is('LPAREN') || c.is('VALUES')) {
      decided();
      const columns = c.is('LPAREN') ? parseColumnList(c) : [];
      c.expect('VALUES');
      const values = parseValueList(c);
      checkInsertValues(c, columns, values, start);
      return { kind: 'insertValues', target, columns, values, span: c.span(start) };
    }
    throw c.failNoViable();
  });
}

/**
 * ksqlDB's AST-building checks of INSERT VALUES, in its order: a qualified column reference names
 * no source (the statement has none), then at least one value, then as many values as columns.
 */
function checkInsertValues(c: Cursor, columns: readonly string[], values: readonly Expression[], start: number): void {
  const qualified = findQualifiedReference(values);
  if (qualified !== undefined) {
    c.prepareFail(`Failed to prepare statement: '${qualified.source}' is not a valid stream/table name or alias.`, qualified.span.start);
  }
  if (values.length === 0) c.prepareFail('Failed to prepare statement: Expected some values for INSERT INTO statement.', start);
  if (columns.length > 0 && columns.length !== values.length) {
    c.prepareFail(`Failed to prepare statement: Expected number columns and values to match: ${columns.length}, ${values.length}`, start);
  }
}

/** The first `source.column` reference anywhere in the given expression trees. */
function findQualifiedReference(node: unknown): { source: string; span: { start: number } } | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findQualifiedReference(child);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  if (record['kind'] === 'qualifiedColumnReference') return record as unknown as { source: string; span: { start: number } };
  for (const [key, child] of Object.entries(record)) {
    if (key === 'span') continue;
    const found = findQualifiedReference(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

function parseDrop(c: Cursor): Statement {
  const start = c.advance().start;
  if (!c.isAny(['STREAM', 'TABLE', 'CONNECTOR', 'TYPE'])) throw c.failNoViable();
  const what = c.advance().kind;
  const ifExists = parseIfExists(c);
  if (what === 'STREAM' || what === 'TABLE') {
    const name = parseSourceName(c).name;
    let deleteTopic = false;
    if (c.accept('DELETE')) {
      c.expect('TOPIC');
      deleteTopic = true;
    }
    const common = { ifExists, name, deleteTopic, span: c.span(start) };
    return what === 'STREAM' ? { kind: 'dropStream', ...common } : { kind: 'dropTable', ...common };
  }
  const name = parseIdentifier(c).name;
  return { kind: what === 'CONNECTOR' ? 'dropConnector' : 'dropType', ifExists, name, span: c.span(start) };
}

function parseAlter(c: Cursor): Statement {
  const start = c.advance().start;
  if (c.accept('SYSTEM')) {
    const name = parseString(c);
    c.expect('EQ');
    const value = parseString(c);
    return { kind: 'alterSystemProperty', name, value, span: c.span(start) };
  }
  if (!c.isAny(['STREAM', 'TABLE'])) throw c.failNoViable();
  const sourceType = c.advance().kind === 'STREAM' ? 'STREAM' : 'TABLE';
  const name = parseSourceName(c).name;
  const columns = [parseAddColumn(c)];
  while (c.accept('COMMA')) columns.push(parseAddColumn(c));
  return { kind: 'alterSource', sourceType, name, columns, span: c.span(start) };
}

function atTypeStart(kind: TokenKind): boolean {
  return kind === 'DECIMAL' || isIdentifierStart(kind);
}

function parseAddColumn(c: Cursor): AddColumn {
  const start = c.expect('ADD').start;
  // COLUMN is optional, and is also a valid column name: `ADD COLUMN INT` adds a column named COLUMN
  if (c.is('COLUMN') && isIdentifierStart(c.peek().kind) && atTypeStart(c.peek(2).kind)) c.advance();
  const name = parseColumnName(c).name;
  const type = parseType(c);
  return { kind: 'addColumn', name, type, span: c.span(start) };
}

// ---------------------------------------------------------------------------------------------
// SHOW / DESCRIBE / PRINT / EXPLAIN / TERMINATE / ASSERT

const LIST_KINDS: readonly TokenKind[] = [
  'PROPERTIES', 'ALL', 'TOPICS', 'STREAMS', 'TABLES', 'FUNCTIONS', 'SOURCE', 'SINK', 'CONNECTORS', 'CONNECTOR',
  'TYPES', 'VARIABLES', 'QUERIES',
];

function parseList(c: Cursor): Statement {
  const start = c.advance().start;
  return withPrediction(c, (decided): Statement => {
    if (!c.isAny(LIST_KINDS)) throw c.failNoViable();
    const what = c.advance().kind;
    if (what === 'ALL') c.expect('TOPICS');
    if (what === 'SOURCE' || what === 'SINK') c.expect('CONNECTORS');
    if (what === 'CONNECTOR') c.expect('PLUGINS');
    decided();
    const extended = (): boolean => c.accept('EXTENDED') !== undefined;
    switch (what) {
      case 'PROPERTIES': return { kind: 'listProperties', span: c.span(start) };
      case 'ALL':
      case 'TOPICS': return { kind: 'listTopics', all: what === 'ALL', extended: extended(), span: c.span(start) };
      case 'STREAMS': return { kind: 'listStreams', extended: extended(), span: c.span(start) };
      case 'TABLES': return { kind: 'listTables', extended: extended(), span: c.span(start) };
      case 'FUNCTIONS': return { kind: 'listFunctions', span: c.span(start) };
      case 'SOURCE':
      case 'SINK':
      case 'CONNECTORS': return { kind: 'listConnectors', scope: what === 'CONNECTORS' ? 'ALL' : what, span: c.span(start) };
      case 'CONNECTOR': return { kind: 'listConnectorPlugins', span: c.span(start) };
      case 'TYPES': return { kind: 'listTypes', span: c.span(start) };
      case 'VARIABLES': return { kind: 'listVariables', span: c.span(start) };
      default: return { kind: 'listQueries', extended: extended(), span: c.span(start) };
    }
  });
}

function parseDescribe(c: Cursor): Statement {
  const start = c.advance().start;
  return withPrediction(c, (decided): Statement => {
    if (c.is('STREAMS')) {
      c.advance();
      decided();
      return { kind: 'describeStreams', extended: c.accept('EXTENDED') !== undefined, span: c.span(start) };
    }
    if (c.is('CONNECTOR')) {
      c.advance();
      decided();
      return { kind: 'describeConnector', name: parseIdentifier(c).name, span: c.span(start) };
    }
    if (c.is('FUNCTION') && isIdentifierStart(c.peek().kind)) {
      c.advance();
      decided();
      return { kind: 'describeFunction', name: parseIdentifier(c).name, span: c.span(start) };
    }
    if (!c.isIdentifier()) throw c.failNoViable();
    decided();
    const identifier = parseIdentifier(c);
    // DESCRIBE TABLES lists tables, unless TABLES is quoted (a source named TABLES)
    if (!identifier.quoted && identifier.token.kind === 'TABLES') {
      return { kind: 'describeTables', extended: c.accept('EXTENDED') !== undefined, span: c.span(start) };
    }
    validateSourceName(c, identifier);
    return { kind: 'describeSource', name: identifier.name, extended: c.accept('EXTENDED') !== undefined, span: c.span(start) };
  });
}

function parsePrint(c: Cursor): Statement {
  const start = c.advance().start;
  const topic = parseResourceName(c);
  let fromBeginning = false;
  if (c.accept('FROM')) {
    c.expect('BEGINNING');
    fromBeginning = true;
  }
  let interval: number | undefined;
  if (c.isAny(['INTERVAL', 'SAMPLE'])) {
    c.advance();
    interval = integerValue(c, parseNumber(c), 'INTERVAL');
  }
  let limit: number | undefined;
  if (c.accept('LIMIT')) limit = integerValue(c, parseNumber(c), 'LIMIT');
  return { kind: 'printTopic', topic, fromBeginning, interval, limit, span: c.span(start) };
}

const RESERVED_STATEMENT_STARTS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'SELECT', 'CREATE', 'INSERT', 'DESCRIBE', 'PRINT', 'LIST', 'TERMINATE', 'PAUSE', 'RESUME', 'DROP', 'UNSET',
]);
const NON_RESERVED_STATEMENT_STARTS: ReadonlySet<TokenKind> = new Set<TokenKind>([
  'EXPLAIN', 'SHOW', 'SET', 'DEFINE', 'UNDEFINE', 'ASSERT', 'ALTER',
]);

function parseExplain(c: Cursor): Statement {
  const start = c.advance().start;
  const kind = c.token.kind;
  const next = c.peek().kind;
  const isStatement =
    RESERVED_STATEMENT_STARTS.has(kind) ||
    (NON_RESERVED_STATEMENT_STARTS.has(kind) && next !== 'SEMICOLON' && next !== 'EOF');
  if (isStatement) {
    const statement = parseStatementBody(c, false);
    return { kind: 'explain', statement, span: c.span(start) };
  }
  if (!c.isIdentifier()) {
    c.isAny(statementStartKinds(c.options, false));
    throw c.failNoViable();
  }
  return { kind: 'explain', queryId: parseIdentifier(c).name, span: c.span(start) };
}

function parseQueryControl(c: Cursor): Statement {
  const command = c.advance();
  const kind = command.kind === 'TERMINATE' ? 'terminateQuery' : command.kind === 'PAUSE' ? 'pauseQuery' : 'resumeQuery';
  if (c.accept('ALL')) return { kind, span: c.span(command.start) };
  if (!c.isIdentifier()) throw c.failNoViable();
  return { kind, queryId: parseIdentifier(c).name, span: c.span(command.start) };
}

function parseTimeout(c: Cursor): Duration | undefined {
  return c.accept('TIMEOUT') ? parseDuration(c) : undefined;
}

function parseAssert(c: Cursor): Statement {
  const start = c.advance().start;
  return withPrediction(c, (decided): Statement => {
    if (c.options.testStatements) {
      const test = parseTestAssert(c, start, decided);
      if (test !== undefined) return test;
    }
    let exists = true;
    if (c.accept('NOT')) {
      c.expect('EXISTS');
      exists = false;
    }
    if (c.accept('TOPIC')) {
      decided();
      const topic = parseResourceName(c);
      const properties = c.accept('WITH') ? parseProperties(c) : [];
      const timeout = parseTimeout(c);
      return { kind: 'assertTopic', exists, topic, properties, timeout, span: c.span(start) };
    }
    if (!c.accept('SCHEMA')) throw c.failNoViable();
    decided();
    const subject = c.accept('SUBJECT') ? parseResourceName(c) : undefined;
    let id: number | undefined;
    let idStart = 0;
    let idIsInteger = true;
    if (c.accept('ID')) {
      idStart = c.token.start;
      const literal = parseLiteral(c);
      idIsInteger = literal.kind === 'integerLiteral';
      id = literal.kind === 'integerLiteral' ? literal.value : 0;
    }
    const timeout = parseTimeout(c);
    if (subject === undefined && id === undefined) {
      c.prepareFail('Failed to prepare statement: ASSERT SCHEMA statements much include a subject name or an id', start);
    } else if (!idIsInteger) {
      c.prepareFail('Failed to prepare statement: ID must be an integer', idStart);
    }
    return { kind: 'assertSchema', exists, subject, id, timeout, span: c.span(start) };
  });
}

/** ASSERT VALUES / ASSERT NULL VALUES / ASSERT STREAM / ASSERT TABLE of ksqlDB's test runner. */
function parseTestAssert(c: Cursor, start: number, decided: () => void): Statement | undefined {
  if (c.is('VALUES') || (c.is('NULL') && c.peek().kind === 'VALUES')) {
    const tombstone = c.advance().kind === 'NULL';
    if (tombstone) c.advance();
    decided();
    const target = parseSourceName(c).name;
    const columns = c.is('LPAREN') ? parseColumnList(c) : [];
    c.expect(tombstone ? 'KEY' : 'VALUES');
    const values = parseValueList(c);
    return { kind: tombstone ? 'assertTombstone' : 'assertValues', target, columns, values, span: c.span(start) };
  }
  if (c.is('STREAM') || c.is('TABLE')) {
    const isStream = c.advance().kind === 'STREAM';
    decided();
    const name = parseSourceName(c).name;
    const elements = c.is('LPAREN') ? parseTableElements(c) : [];
    const properties = c.accept('WITH') ? parseProperties(c) : [];
    const common = { name, elements, properties, span: c.span(start) };
    return isStream ? { kind: 'assertStream', ...common } : { kind: 'assertTable', ...common };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// SELECT

export function parseQuery(c: Cursor): Query {
  const start = c.expect('SELECT').start;
  const select = [parseSelectItem(c)];
  for (;;) {
    if (c.is('COMMA')) {
      c.advance();
      select.push(parseSelectItem(c));
      continue;
    }
    if (!c.is('FROM')) throw c.failSync(['COMMA', 'FROM']);
    c.advance();
    break;
  }
  const from = parseRelation(c);
  const window = c.accept('WINDOW') ? parseWindow(c) : undefined;
  const where = c.accept('WHERE') ? parseExpression(c) : undefined;
  let groupBy: Expression[] | undefined;
  if (c.accept('GROUP')) {
    c.expect('BY');
    groupBy = parseGroupingList(c);
  }
  let partitionBy: Expression[] | undefined;
  if (c.accept('PARTITION')) {
    c.expect('BY');
    partitionBy = parseGroupingList(c);
  }
  const having = c.accept('HAVING') ? parseExpression(c) : undefined;
  let emit: 'CHANGES' | 'FINAL' | undefined;
  if (c.accept('EMIT')) {
    if (!c.isAny(['CHANGES', 'FINAL'])) throw c.failSync(['CHANGES', 'FINAL']);
    emit = c.advance().kind === 'CHANGES' ? 'CHANGES' : 'FINAL';
  }
  const limit = c.accept('LIMIT') ? integerValue(c, parseNumber(c), 'LIMIT') : undefined;
  return { kind: 'query', select, from, window, where, groupBy, partitionBy, having, emit, limit, span: c.span(start) };
}

function parseSelectItem(c: Cursor): SelectItem {
  const start = c.token.start;
  if (c.accept('ASTERISK')) return { kind: 'allColumns', span: c.span(start) };
  if (isIdentifierStart(c.token.kind) && c.peek().kind === 'DOT' && c.peek(2).kind === 'ASTERISK') {
    const source = checkName(c, parseIdentifier(c));
    c.advance();
    c.advance();
    return { kind: 'allColumns', source, span: c.span(start) };
  }
  let expression: Expression;
  if (atPrimaryStart(c)) {
    // ksqlDB decides between `expr [alias]` and `primary->*` only after the primary
    const primary = c.predict(() => parsePrimary(c));
    if (c.is('STRUCT_FIELD_REF') && c.peek().kind === 'ASTERISK') {
      c.advance();
      c.advance();
      return { kind: 'structAll', base: primary, span: c.span(start) };
    }
    c.leftmost = primary;
    expression = parseExpression(c);
  } else {
    expression = parseExpression(c);
  }
  let alias: string | undefined;
  if (c.accept('AS') || c.isIdentifier()) alias = parseColumnName(c).name;
  return { kind: 'singleColumn', expression, alias, span: c.span(start) };
}

const JOIN_START: readonly TokenKind[] = ['JOIN', 'INNER', 'FULL', 'LEFT', 'RIGHT'];

function parseRelation(c: Cursor): Relation {
  const start = c.token.start;
  const left = c.predict(() => parseSourceRelation(c));
  const rights: JoinedSource[] = [];
  while (c.isAny(JOIN_START)) rights.push(parseJoinedSource(c));
  return rights.length === 0 ? left : { kind: 'join', left, rights, span: c.span(start) };
}

/** Whether the identifier here starts the next clause rather than being an alias. */
function startsClause(c: Cursor): boolean {
  const kind = c.token.kind;
  const next = c.peek().kind;
  return (kind === 'PARTITION' && next === 'BY') || (kind === 'EMIT' && (next === 'CHANGES' || next === 'FINAL'));
}

function parseSourceRelation(c: Cursor): SourceRelation {
  const start = c.token.start;
  const name = parseSourceName(c).name;
  let alias = name;
  if (c.accept('AS') || (c.isIdentifier() && !startsClause(c))) alias = parseSourceName(c).name;
  return { kind: 'source', name, alias, span: c.span(start) };
}

function parseJoinedSource(c: Cursor): JoinedSource {
  const start = c.token.start;
  let type: JoinType = 'INNER';
  const first = c.token.kind;
  if (first === 'INNER') {
    c.advance();
  } else if (first === 'FULL' || first === 'LEFT' || first === 'RIGHT') {
    c.advance();
    c.accept('OUTER');
    type = first;
  }
  c.expect('JOIN');
  const relation = parseSourceRelation(c);
  const within = c.is('WITHIN') ? parseWithin(c) : undefined;
  c.expect('ON');
  const on = parseExpression(c);
  return { kind: 'joinedSource', type, relation, within, on, span: c.span(start) };
}

function parseGracePeriod(c: Cursor): Duration | undefined {
  if (!c.accept('GRACE')) return undefined;
  c.expect('PERIOD');
  return parseDuration(c);
}

function parseWithin(c: Cursor): WithinClause {
  const start = c.advance().start;
  let before: Duration;
  let after: Duration;
  if (c.accept('LPAREN')) {
    before = parseDuration(c);
    c.expect('COMMA');
    after = parseDuration(c);
    c.expect('RPAREN');
  } else {
    before = parseDuration(c);
    after = before;
  }
  const gracePeriod = parseGracePeriod(c);
  return { kind: 'within', before, after, gracePeriod, span: c.span(start) };
}

/** `, RETENTION n unit` and `, GRACE PERIOD n unit`, in that order, then `)`. */
function parseWindowTail(c: Cursor): { retention: Duration | undefined; gracePeriod: Duration | undefined } {
  let retention: Duration | undefined;
  let gracePeriod: Duration | undefined;
  if (c.is('COMMA') && c.peek().kind === 'RETENTION') {
    c.advance();
    c.advance();
    retention = parseDuration(c);
  }
  if (c.is('COMMA') && c.peek().kind === 'GRACE') {
    c.advance();
    gracePeriod = parseGracePeriod(c);
  }
  c.expect('RPAREN');
  return { retention, gracePeriod };
}

function parseWindow(c: Cursor): WindowExpression {
  const name = c.is('IDENTIFIER') ? c.advance().text.toUpperCase() : undefined;
  const start = c.token.start;
  const kinds: TokenKind[] = ['TUMBLING', 'HOPPING', 'SESSION'];
  if (!c.isAny(kinds)) throw c.failSync(name === undefined ? ['IDENTIFIER', ...kinds] : kinds);
  const kind = c.advance().kind;
  c.expect('LPAREN');
  if (kind === 'SESSION') {
    const gap = parseDuration(c);
    const window: SessionWindow = { kind: 'sessionWindow', name, gap, ...parseWindowTail(c), span: c.span(start) };
    return window;
  }
  c.expect('SIZE');
  const size = parseDuration(c);
  if (kind === 'TUMBLING') {
    const window: TumblingWindow = { kind: 'tumblingWindow', name, size, ...parseWindowTail(c), span: c.span(start) };
    return window;
  }
  c.expect('COMMA');
  c.expect('ADVANCE');
  c.expect('BY');
  const advanceBy = parseDuration(c);
  const window: HoppingWindow = { kind: 'hoppingWindow', name, size, advanceBy, ...parseWindowTail(c), span: c.span(start) };
  return window;
}

/**
 * Whether the `(` here opens a parenthesised list `(a, b)` or `()` rather than an expression
 * such as `(a + b)`: a comma directly inside the parentheses decides.
 */
function atParenthesizedList(c: Cursor): boolean {
  if (c.peek().kind === 'RPAREN') return true;
  let depth = 0;
  for (let offset = 0; ; offset++) {
    const kind = c.peek(offset).kind;
    if (kind === 'EOF') return false;
    if (kind === 'LPAREN' || kind === 'LBRACKET') depth++;
    else if (kind === 'RPAREN' || kind === 'RBRACKET') {
      if (--depth === 0) return false;
    } else if (kind === 'COMMA' && depth === 1) return true;
  }
}

/** GROUP BY / PARTITION BY: `a, b` or `(a, b)` or `()`. */
function parseGroupingList(c: Cursor): Expression[] {
  if (c.is('LPAREN') && atParenthesizedList(c)) return parseValueList(c);
  const expressions = [parseValueExpression(c)];
  while (c.accept('COMMA')) expressions.push(parseValueExpression(c));
  return expressions;
}
