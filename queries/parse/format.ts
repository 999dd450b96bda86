/**
 * Prints an AST back as SQL, on one line, in ksqlDB's style: expressions as its
 * ExpressionFormatter prints them (`(A + B)`, `(X IS NULL)`, `CAST(A AS STRING)`, `null`), so
 * later layers can reuse it in messages. What it prints parses back to an equal AST (spans
 * aside). Statements are printed without their `;`.
 */
import { assertNever } from '../../common/index.js';
import type {
  ColumnConstraint, Duration, Expression, FunctionArgument, Node, Property, Query, SourceRelation, Statement,
  TableElement, Type, WindowExpression,
} from './ast.js';
import { needsQuotes } from './lexer.js';
import { bigDecimalToPlainString, bigDecimalToString, formatDouble, parseBigDecimal, quoteString } from './literals.js';

export interface FormatOptions {
  /**
   * Quote names that need it with backticks (the default, so the text parses back to the same
   * names); `false` prints names bare, as ksqlDB does in its error messages.
   */
  readonly quoteIdentifiers?: boolean;
}

type Printers = { readonly [K in Node['kind']]: (node: Extract<Node, { kind: K }>) => string };

class Formatter {
  constructor(private readonly quoteIdentifiers: boolean) {}

  name(name: string): string {
    return this.quoteIdentifiers && needsQuotes(name) ? `\`${name.replaceAll('`', '``')}\`` : name;
  }

  node(node: Node): string {
    const print = this.printers[node.kind] as (node: Node) => string;
    return print(node);
  }

  private list(nodes: readonly Node[]): string {
    return nodes.map((node) => this.node(node)).join(', ');
  }

  private properties(properties: readonly Property[]): string {
    return properties.length === 0 ? '' : ` WITH (${this.list(properties)})`;
  }

  private elements(elements: readonly TableElement[]): string {
    return elements.length === 0 ? '' : ` (${this.list(elements)})`;
  }

  private columns(columns: readonly string[]): string {
    return columns.length === 0 ? '' : ` (${columns.map((column) => this.name(column)).join(', ')})`;
  }

  /** A base of `[i]`, `->f` or `->*`: a unary minus there needs parentheses. */
  private base(expression: Expression): string {
    const text = this.node(expression);
    return expression.kind === 'arithmeticUnary' ? `(${text})` : text;
  }

  private binary(operator: string, left: Expression, right: Expression): string {
    return `(${this.node(left)} ${operator} ${this.node(right)})`;
  }

  private constraint(constraint: ColumnConstraint | undefined): string {
    if (constraint === undefined) return '';
    switch (constraint.kind) {
      case 'key': return ' KEY';
      case 'primaryKey': return ' PRIMARY KEY';
      case 'headers': return ' HEADERS';
      case 'header': return ` HEADER(${quoteString(constraint.key)})`;
      default: return assertNever(constraint, 'column constraint');
    }
  }

  private query(query: Query): string {
    const parts = [`SELECT ${this.list(query.select)}`, `FROM ${this.node(query.from)}`];
    if (query.window) parts.push(`WINDOW ${this.node(query.window)}`);
    if (query.where) parts.push(`WHERE ${this.node(query.where)}`);
    if (query.groupBy) parts.push(`GROUP BY ${this.grouping(query.groupBy)}`);
    if (query.partitionBy) parts.push(`PARTITION BY ${this.grouping(query.partitionBy)}`);
    if (query.having) parts.push(`HAVING ${this.node(query.having)}`);
    if (query.emit) parts.push(`EMIT ${query.emit}`);
    if (query.limit !== undefined) parts.push(`LIMIT ${query.limit}`);
    return parts.join(' ');
  }

  private grouping(expressions: readonly Expression[]): string {
    return expressions.length === 0 ? '()' : this.list(expressions);
  }

  private window(kind: string, window: WindowExpression, sizes: readonly string[]): string {
    const parts = [...sizes];
    if (window.retention) parts.push(`RETENTION ${this.node(window.retention)}`);
    if (window.gracePeriod) parts.push(`GRACE PERIOD ${this.node(window.gracePeriod)}`);
    return `${window.name === undefined ? '' : `${window.name} `}${kind} (${parts.join(', ')})`;
  }

  private decimal(value: string): string {
    const parts = parseBigDecimal(value)!;
    if (parts.scale < 0) return `\`DECIMAL\` ${quoteString(bigDecimalToString(parts))}`;
    const plain = bigDecimalToPlainString(parts);
    return parts.scale === 0 ? `${plain}.` : plain;
  }

  private sourceRelation(relation: SourceRelation): string {
    if (relation.alias === relation.name) return this.name(relation.name);
    // EMIT and PARTITION right after a source read as the next clause, unless after AS
    const as = relation.alias === 'EMIT' || relation.alias === 'PARTITION' ? ' AS ' : ' ';
    return `${this.name(relation.name)}${as}${this.name(relation.alias)}`;
  }

  private queryTarget(command: string, queryId: string | undefined): string {
    return `${command} ${queryId === undefined ? 'ALL' : this.name(queryId)}`;
  }

  // ---- ksqlDB's SqlFormatter layout (the `Statement:` of its error messages) ----

  /** A statement as ksqlDB's SqlFormatter prints it: queries over several lines. */
  ksqlStatement(statement: Statement): string {
    switch (statement.kind) {
      case 'createStreamAsSelect':
      case 'createTableAsSelect': {
        const kind = statement.kind === 'createStreamAsSelect' ? 'STREAM' : 'TABLE';
        const properties = this.ksqlProperties(statement.properties);
        return (
          `CREATE ${statement.orReplace ? 'OR REPLACE ' : ''}${kind} ${statement.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.name(statement.name)}` +
          `${properties === '' ? '' : ` WITH (${properties})`} AS ${this.ksqlQuery(statement.query)}`
        ).replace(/\n+$/, '');
      }
      case 'insertInto': {
        const properties = this.ksqlProperties(statement.properties);
        return `INSERT INTO ${this.name(statement.target)} ${properties === '' ? '' : ` WITH (${properties}) `}${this.ksqlQuery(statement.query)}`.replace(/\n+$/, '');
      }
      default:
        return this.node(statement);
    }
  }

  /** PropertiesConfig.toString: upper-case names in natural order, `NAME=literal`. */
  private ksqlProperties(properties: readonly Property[]): string {
    return [...properties]
      .map((p) => ({ name: p.name.toUpperCase(), value: this.node(p.value) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((p) => `${p.name}=${p.value}`)
      .join(', ');
  }

  private ksqlQuery(query: Query): string {
    let out = 'SELECT';
    if (query.select.length > 1) query.select.forEach((item, i) => (out += `${i === 0 ? '' : ','}\n  ${this.ksqlSelectItem(item)}`));
    else out += ` ${this.ksqlSelectItem(query.select[0]!)}`;
    out += `\nFROM ${this.ksqlRelation(query.from)}\n`;
    if (query.window) out += `WINDOW${this.ksqlWindow(query.window)}\n`;
    if (query.where) out += `WHERE ${this.node(query.where)}\n`;
    if (query.groupBy) out += `GROUP BY ${query.groupBy.map((e) => this.node(e)).join(', ')}\n`;
    if (query.partitionBy) out += `PARTITION BY ${query.partitionBy.map((e) => this.node(e)).join(', ')}\n`;
    if (query.having) out += `HAVING ${this.node(query.having)}\n`;
    if (query.emit) out += `EMIT ${query.emit}\n`;
    if (query.limit !== undefined) out += `LIMIT ${query.limit}\n`;
    return out;
  }

  private ksqlSelectItem(item: Query['select'][number]): string {
    if (item.kind === 'singleColumn') return `${this.node(item.expression)}${item.alias === undefined ? '' : ` ${this.name(item.alias)}`}`;
    return this.node(item);
  }

  private ksqlRelation(relation: Query['from']): string {
    const source = (r: SourceRelation): string => `${this.name(r.name)} ${this.name(r.alias)}`;
    if (relation.kind === 'source') return source(relation);
    let out = source(relation.left);
    for (const right of relation.rights) {
      const type = right.type === 'INNER' ? 'INNER' : `${right.type === 'FULL' ? 'FULL' : right.type} OUTER`;
      let within = '';
      if (right.within !== undefined) {
        const { before, after, gracePeriod } = right.within;
        within =
          ' WITHIN ' +
          (before.value === after.value ? `${before.value} ${before.unit}` : `(${before.value} ${before.unit}, ${after.value} ${after.unit})`) +
          (gracePeriod === undefined ? '' : ` GRACE PERIOD ${gracePeriod.value} ${gracePeriod.unit}`);
      }
      out += `\n${type} JOIN ${source(right.relation)}${within} ON (${this.node(right.on)})`;
    }
    return out;
  }

  /** KsqlWindowExpression.toString: ` TUMBLING ( SIZE 1 MINUTES , GRACE PERIOD 0 SECONDS ) `. */
  private ksqlWindow(window: WindowExpression): string {
    const tail = `${window.retention ? ` , RETENTION ${this.node(window.retention)}` : ''}${window.gracePeriod ? ` , GRACE PERIOD ${this.node(window.gracePeriod)}` : ''} ) `;
    switch (window.kind) {
      case 'tumblingWindow':
        return ` TUMBLING ( SIZE ${this.node(window.size)}${tail}`;
      case 'hoppingWindow':
        return ` HOPPING ( SIZE ${this.node(window.size)} , ADVANCE BY ${this.node(window.advanceBy)}${tail}`;
      case 'sessionWindow':
        return ` SESSION ( ${this.node(window.gap)}${tail}`;
      default:
        return assertNever(window, 'window expression');
    }
  }

  private readonly printers: Printers = {
    // ---- types
    primitiveType: (node) => node.name,
    decimalType: (node) => `DECIMAL(${node.precision}, ${node.scale})`,
    arrayType: (node) => `ARRAY<${this.node(node.element)}>`,
    mapType: (node) => `MAP<${this.node(node.key)}, ${this.node(node.value)}>`,
    // `STRUCT<>` would lex as STRUCT followed by the not-equal operator
    structType: (node) => (node.fields.length === 0 ? 'STRUCT< >' : `STRUCT<${this.list(node.fields)}>`),
    structTypeField: (node) => `${this.name(node.name)} ${this.node(node.type)}`,
    customType: (node) => this.name(node.name),

    // ---- expressions
    nullLiteral: () => 'null',
    booleanLiteral: (node) => String(node.value),
    integerLiteral: (node) => String(node.value),
    bigintLiteral: (node) => node.value.toString(),
    decimalLiteral: (node) => this.decimal(node.value),
    doubleLiteral: (node) => formatDouble(node.value),
    stringLiteral: (node) => quoteString(node.value),
    columnReference: (node) => this.name(node.name),
    // after a dot, a name starting with a digit would lex as a decimal (`S.1A` is S, .1, A)
    qualifiedColumnReference: (node) =>
      `${this.name(node.source)}.${/^[0-9]/.test(node.name) && this.quoteIdentifiers ? `\`${node.name}\`` : this.name(node.name)}`,
    lambdaVariable: (node) => this.name(node.name),
    dereference: (node) => `${this.base(node.base)}->${this.name(node.field)}`,
    subscript: (node) => `${this.base(node.base)}[${this.node(node.index)}]`,
    functionCall: (node) => {
      const args = node.args.length === 0 && node.name === 'COUNT' ? '*' : this.list(node.args as readonly FunctionArgument[]);
      return `${this.name(node.name)}(${args})`;
    },
    lambda: (node) => `(${node.params.map((param) => this.name(param)).join(', ')}) => ${this.node(node.body)}`,
    intervalUnit: (node) => node.unit,
    cast: (node) => `CAST(${this.node(node.expression)} AS ${this.node(node.type)})`,
    whenClause: (node) => `WHEN ${this.node(node.condition)} THEN ${this.node(node.result)}`,
    searchedCase: (node) =>
      `(CASE ${node.whenClauses.map((when) => this.node(when)).join(' ')}${node.elseValue ? ` ELSE ${this.node(node.elseValue)}` : ''} END)`,
    simpleCase: (node) =>
      `(CASE ${this.node(node.operand)} ${node.whenClauses.map((when) => this.node(when)).join(' ')}${node.elseValue ? ` ELSE ${this.node(node.elseValue)}` : ''} END)`,
    createArray: (node) => `ARRAY[${this.list(node.values)}]`,
    mapEntry: (node) => `${this.node(node.key)}:=${this.node(node.value)}`,
    createMap: (node) => `MAP(${this.list(node.entries)})`,
    structField: (node) => `${this.name(node.name)}:=${this.node(node.value)}`,
    createStruct: (node) => `STRUCT(${this.list(node.fields)})`,
    arithmeticUnary: (node) => {
      const operand = this.node(node.operand);
      if (node.sign === '+') return `+${operand}`;
      // keep "- -5" apart (not a comment), and "-(5)" apart from the literal -5
      if (operand.startsWith('-')) return `- ${operand}`;
      return /^[0-9.]/.test(operand) || operand.startsWith('`DECIMAL`') ? `-(${operand})` : `-${operand}`;
    },
    arithmeticBinary: (node) => this.binary(node.operator, node.left, node.right),
    comparison: (node) => this.binary(node.operator, node.left, node.right),
    logicalBinary: (node) => this.binary(node.operator, node.left, node.right),
    not: (node) => `(NOT ${this.node(node.operand)})`,
    isNull: (node) => `(${this.node(node.operand)} IS NULL)`,
    isNotNull: (node) => `(${this.node(node.operand)} IS NOT NULL)`,
    between: (node) => `(${this.node(node.value)} BETWEEN ${this.node(node.min)} AND ${this.node(node.max)})`,
    inList: (node) => `(${this.node(node.value)} IN (${this.list(node.list)}))`,
    like: (node) =>
      `(${this.node(node.value)} LIKE ${this.node(node.pattern)}${node.escape === undefined ? '' : ` ESCAPE ${quoteString(node.escape)}`})`,

    // ---- query parts
    allColumns: (node) => (node.source === undefined ? '*' : `${this.name(node.source)}.*`),
    structAll: (node) => `${this.base(node.base)}->*`,
    singleColumn: (node) => `${this.node(node.expression)}${node.alias === undefined ? '' : ` AS ${this.name(node.alias)}`}`,
    source: (node) => this.sourceRelation(node),
    join: (node) => [this.node(node.left), ...node.rights.map((right) => this.node(right))].join(' '),
    joinedSource: (node) => {
      const type = node.type === 'INNER' ? 'INNER' : `${node.type} OUTER`;
      const within = node.within === undefined ? '' : ` ${this.node(node.within)}`;
      return `${type} JOIN ${this.node(node.relation)}${within} ON ${this.node(node.on)}`;
    },
    within: (node) => {
      const same = node.before.value === node.after.value && node.before.unit === node.after.unit;
      const sizes = same ? this.node(node.before) : `(${this.node(node.before)}, ${this.node(node.after)})`;
      return `WITHIN ${sizes}${node.gracePeriod ? ` GRACE PERIOD ${this.node(node.gracePeriod)}` : ''}`;
    },
    duration: (node: Duration) => `${node.value} ${node.unit}`,
    tumblingWindow: (node) => this.window('TUMBLING', node, [`SIZE ${this.node(node.size)}`]),
    hoppingWindow: (node) =>
      this.window('HOPPING', node, [`SIZE ${this.node(node.size)}`, `ADVANCE BY ${this.node(node.advanceBy)}`]),
    sessionWindow: (node) => this.window('SESSION', node, [this.node(node.gap)]),
    query: (node) => this.query(node),

    // ---- statement parts
    property: (node) => `${this.name(node.name)}=${this.node(node.value)}`,
    tableElement: (node) => `${this.name(node.name)} ${this.node(node.type)}${this.constraint(node.constraint)}`,
    addColumn: (node) => `ADD COLUMN ${this.name(node.name)} ${this.node(node.type)}`,

    // ---- statements
    createStream: (node) =>
      `CREATE ${node.orReplace ? 'OR REPLACE ' : ''}${node.isSource ? 'SOURCE ' : ''}STREAM ${node.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.name(node.name)}${this.elements(node.elements)}${this.properties(node.properties)}`,
    createTable: (node) =>
      `CREATE ${node.orReplace ? 'OR REPLACE ' : ''}${node.isSource ? 'SOURCE ' : ''}TABLE ${node.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.name(node.name)}${this.elements(node.elements)}${this.properties(node.properties)}`,
    createStreamAsSelect: (node) =>
      `CREATE ${node.orReplace ? 'OR REPLACE ' : ''}STREAM ${node.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.name(node.name)}${this.properties(node.properties)} AS ${this.query(node.query)}`,
    createTableAsSelect: (node) =>
      `CREATE ${node.orReplace ? 'OR REPLACE ' : ''}TABLE ${node.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.name(node.name)}${this.properties(node.properties)} AS ${this.query(node.query)}`,
    createConnector: (node) =>
      `CREATE ${node.connectorType} CONNECTOR ${node.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.name(node.name)}${this.properties(node.properties)}`,
    insertInto: (node) => `INSERT INTO ${this.name(node.target)}${this.properties(node.properties)} ${this.query(node.query)}`,
    insertValues: (node) => `INSERT INTO ${this.name(node.target)}${this.columns(node.columns)} VALUES (${this.list(node.values)})`,
    dropStream: (node) =>
      `DROP STREAM ${node.ifExists ? 'IF EXISTS ' : ''}${this.name(node.name)}${node.deleteTopic ? ' DELETE TOPIC' : ''}`,
    dropTable: (node) =>
      `DROP TABLE ${node.ifExists ? 'IF EXISTS ' : ''}${this.name(node.name)}${node.deleteTopic ? ' DELETE TOPIC' : ''}`,
    dropConnector: (node) => `DROP CONNECTOR ${node.ifExists ? 'IF EXISTS ' : ''}${this.name(node.name)}`,
    dropType: (node) => `DROP TYPE ${node.ifExists ? 'IF EXISTS ' : ''}${this.name(node.name)}`,
    createType: (node) => `CREATE TYPE ${node.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.name(node.name)} AS ${this.node(node.type)}`,
    alterSource: (node) => `ALTER ${node.sourceType} ${this.name(node.name)} ${this.list(node.columns)}`,
    listStreams: (node) => `SHOW STREAMS${node.extended ? ' EXTENDED' : ''}`,
    listTables: (node) => `SHOW TABLES${node.extended ? ' EXTENDED' : ''}`,
    listTopics: (node) => `SHOW ${node.all ? 'ALL ' : ''}TOPICS${node.extended ? ' EXTENDED' : ''}`,
    listQueries: (node) => `SHOW QUERIES${node.extended ? ' EXTENDED' : ''}`,
    listProperties: () => 'SHOW PROPERTIES',
    listFunctions: () => 'SHOW FUNCTIONS',
    listTypes: () => 'SHOW TYPES',
    listVariables: () => 'SHOW VARIABLES',
    listConnectors: (node) => `SHOW ${node.scope === 'ALL' ? '' : `${node.scope} `}CONNECTORS`,
    listConnectorPlugins: () => 'SHOW CONNECTOR PLUGINS',
    describeSource: (node) => {
      // an unquoted TABLES would read as DESCRIBE TABLES
      const name = node.name === 'TABLES' && this.quoteIdentifiers ? '`TABLES`' : this.name(node.name);
      return `DESCRIBE ${name}${node.extended ? ' EXTENDED' : ''}`;
    },
    describeStreams: (node) => `DESCRIBE STREAMS${node.extended ? ' EXTENDED' : ''}`,
    describeTables: (node) => `DESCRIBE TABLES${node.extended ? ' EXTENDED' : ''}`,
    describeFunction: (node) => `DESCRIBE FUNCTION ${this.name(node.name)}`,
    describeConnector: (node) => `DESCRIBE CONNECTOR ${this.name(node.name)}`,
    printTopic: (node) =>
      `PRINT ${quoteString(node.topic)}${node.fromBeginning ? ' FROM BEGINNING' : ''}${node.interval === undefined ? '' : ` INTERVAL ${node.interval}`}${node.limit === undefined ? '' : ` LIMIT ${node.limit}`}`,
    terminateQuery: (node) => this.queryTarget('TERMINATE', node.queryId),
    pauseQuery: (node) => this.queryTarget('PAUSE', node.queryId),
    resumeQuery: (node) => this.queryTarget('RESUME', node.queryId),
    setProperty: (node) => `SET ${quoteString(node.name)}=${quoteString(node.value)}`,
    unsetProperty: (node) => `UNSET ${quoteString(node.name)}`,
    alterSystemProperty: (node) => `ALTER SYSTEM ${quoteString(node.name)}=${quoteString(node.value)}`,
    defineVariable: (node) => `DEFINE ${node.name}=${quoteString(node.value)}`,
    undefineVariable: (node) => `UNDEFINE ${node.name}`,
    explain: (node) => `EXPLAIN ${node.statement === undefined ? this.name(node.queryId!) : this.node(node.statement)}`,
    assertTopic: (node) =>
      `ASSERT ${node.exists ? '' : 'NOT EXISTS '}TOPIC ${quoteString(node.topic)}${this.properties(node.properties)}${node.timeout ? ` TIMEOUT ${this.node(node.timeout)}` : ''}`,
    assertSchema: (node) =>
      `ASSERT ${node.exists ? '' : 'NOT EXISTS '}SCHEMA${node.subject === undefined ? '' : ` SUBJECT ${quoteString(node.subject)}`}${node.id === undefined ? '' : ` ID ${node.id}`}${node.timeout ? ` TIMEOUT ${this.node(node.timeout)}` : ''}`,
    runScript: (node) => `RUN SCRIPT ${quoteString(node.path)}`,
    assertValues: (node) => `ASSERT VALUES ${this.name(node.target)}${this.columns(node.columns)} VALUES (${this.list(node.values)})`,
    assertTombstone: (node) => `ASSERT NULL VALUES ${this.name(node.target)}${this.columns(node.columns)} KEY (${this.list(node.values)})`,
    assertStream: (node) => `ASSERT STREAM ${this.name(node.name)}${this.elements(node.elements)}${this.properties(node.properties)}`,
    assertTable: (node) => `ASSERT TABLE ${this.name(node.name)}${this.elements(node.elements)}${this.properties(node.properties)}`,
  };
}

const quoting = new Formatter(true);
const bare = new Formatter(false);

/** Prints any AST node as SQL (statements without their `;`). */
export function format(node: Node, options: FormatOptions = {}): string {
  return (options.quoteIdentifiers === false ? bare : quoting).node(node);
}

export function formatExpression(expression: Expression | FunctionArgument, options: FormatOptions = {}): string {
  return format(expression, options);
}

export function formatType(type: Type, options: FormatOptions = {}): string {
  return format(type, options);
}

/**
 * A statement as ksqlDB's SqlFormatter prints it (the text after `Statement:` in its error
 * messages): CREATE ... AS SELECT and INSERT INTO over several lines, one select item per line,
 * `FROM S S`, `ALIAS` without AS, WITH properties upper-cased in name order. Other statements
 * print as `format` does. Give it the sanitized statement (aliases, qualified columns) to match.
 */
export function formatKsqlStatement(statement: Statement): string {
  return quoting.ksqlStatement(statement);
}

/** Prints statements as a script: each followed by `;`, one per line. */
export function formatStatements(statements: readonly Statement[], options: FormatOptions = {}): string {
  return statements.map((statement) => `${format(statement, options)};`).join('\n');
}

/** A name as it must be written in SQL: backticked when needed. */
export function formatIdentifier(name: string): string {
  return quoting.name(name);
}

