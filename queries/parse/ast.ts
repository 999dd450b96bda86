/**
 * The statement AST: closed unions keyed by `kind`. Every node carries `span`, the character
 * offsets of its source text (`end` exclusive) in the text that was parsed.
 *
 * Names are already normalised the way ksqlDB does: unquoted identifiers are upper-cased, quoted
 * ones ("..." or `...`) keep their case. Nothing records whether a name was quoted: `format`
 * quotes exactly the names that need it.
 *
 * The shapes follow ksqlDB's own tree where that helps later layers match its behaviour:
 * `a || b` is the function call `concat(a, b)`, `NOT BETWEEN` / `NOT IN` / `NOT LIKE` /
 * `IS NOT DISTINCT FROM` are a `not` around the positive form, `COUNT(*)` is a call with no
 * arguments, `-5` is one negative literal.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A 1-based line and column (columns count Unicode code points, as ksqlDB's messages do). */
export interface Location {
  readonly line: number;
  readonly column: number;
}

/** The line and column of `offset` in `text`. */
export function locate(text: string, offset: number): Location {
  let line = 1;
  let lineStart = 0;
  const limit = Math.min(Math.max(offset, 0), text.length);
  for (let index = text.indexOf('\n'); index >= 0 && index < limit; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  let column = 1;
  for (let index = lineStart; index < limit; index++) {
    const code = text.charCodeAt(index);
    if (!(code >= 0xdc00 && code <= 0xdfff && index > lineStart)) column++;
  }
  return { line, column };
}

/** Java's TimeUnit names, which ksqlDB uses for every duration (`1 DAY` is `1 DAYS`). */
export type TimeUnit = 'MILLISECONDS' | 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';

// ---------------------------------------------------------------------------------------------
// Types

export type PrimitiveTypeName =
  | 'BOOLEAN' | 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'STRING' | 'BYTES' | 'DATE' | 'TIME' | 'TIMESTAMP';

/** `INT` is INTEGER, `VARCHAR` is STRING; type parameters such as `VARCHAR(10)` are ignored, as in ksqlDB. */
export interface PrimitiveType { readonly kind: 'primitiveType'; readonly name: PrimitiveTypeName; readonly span: Span }
export interface DecimalType { readonly kind: 'decimalType'; readonly precision: number; readonly scale: number; readonly span: Span }
/** `ARRAY<T>`, or the postfix form `T ARRAY`. */
export interface ArrayType { readonly kind: 'arrayType'; readonly element: Type; readonly span: Span }
export interface MapType { readonly kind: 'mapType'; readonly key: Type; readonly value: Type; readonly span: Span }
export interface StructType { readonly kind: 'structType'; readonly fields: readonly StructTypeField[]; readonly span: Span }
export interface StructTypeField { readonly kind: 'structTypeField'; readonly name: string; readonly type: Type; readonly span: Span }
/** A name that is not a primitive type: a type made with CREATE TYPE, resolved by the analyzer. */
export interface CustomType { readonly kind: 'customType'; readonly name: string; readonly span: Span }

export type Type = PrimitiveType | DecimalType | ArrayType | MapType | StructType | CustomType;

// ---------------------------------------------------------------------------------------------
// Expressions

export interface NullLiteral { readonly kind: 'nullLiteral'; readonly span: Span }
export interface BooleanLiteral { readonly kind: 'booleanLiteral'; readonly value: boolean; readonly span: Span }
/** An integer literal that fits in 32 bits (ksqlDB's INT). */
export interface IntegerLiteral { readonly kind: 'integerLiteral'; readonly value: number; readonly span: Span }
/** An integer literal outside the 32-bit range (ksqlDB's BIGINT). */
export interface BigIntLiteral { readonly kind: 'bigintLiteral'; readonly value: bigint; readonly span: Span }
/**
 * `1.5`, `.5`, `1.` or `` `DECIMAL` '1.5' ``: a DECIMAL. `value` is Java's BigDecimal.toString of
 * the literal (scale kept: `1.50` stays `1.50`); see `parseBigDecimal` for its digits and scale.
 */
export interface DecimalLiteral { readonly kind: 'decimalLiteral'; readonly value: string; readonly span: Span }
/** A literal with an exponent (`1.5E3`): a DOUBLE. */
export interface DoubleLiteral { readonly kind: 'doubleLiteral'; readonly value: number; readonly span: Span }
export interface StringLiteral { readonly kind: 'stringLiteral'; readonly value: string; readonly span: Span }

export type Literal =
  | NullLiteral | BooleanLiteral | IntegerLiteral | BigIntLiteral | DecimalLiteral | DoubleLiteral | StringLiteral;

export interface ColumnReference { readonly kind: 'columnReference'; readonly name: string; readonly span: Span }
/** `source.column`, where source is a stream, table or alias. */
export interface QualifiedColumnReference {
  readonly kind: 'qualifiedColumnReference';
  readonly source: string;
  readonly name: string;
  readonly span: Span;
}
/** A reference, inside a lambda's body, to one of its parameters. */
export interface LambdaVariable { readonly kind: 'lambdaVariable'; readonly name: string; readonly span: Span }
/** `base->field` */
export interface Dereference { readonly kind: 'dereference'; readonly base: Expression; readonly field: string; readonly span: Span }
/** `base[index]` */
export interface Subscript { readonly kind: 'subscript'; readonly base: Expression; readonly index: Expression; readonly span: Span }
/** `name(args)`; `COUNT(*)` has no arguments. The name is as written (upper-cased unless quoted). */
export interface FunctionCall {
  readonly kind: 'functionCall';
  readonly name: string;
  readonly args: readonly FunctionArgument[];
  readonly span: Span;
}
/** `x => body` or `(x, y) => body`; only as a trailing function argument. */
export interface Lambda { readonly kind: 'lambda'; readonly params: readonly string[]; readonly body: Expression; readonly span: Span }
/** A bare time unit as a function argument, e.g. `TIMESTAMPADD(MILLISECONDS, 5, ts)`. */
export interface IntervalUnit { readonly kind: 'intervalUnit'; readonly unit: TimeUnit; readonly span: Span }
export type FunctionArgument = Expression | Lambda | IntervalUnit;

export interface Cast { readonly kind: 'cast'; readonly expression: Expression; readonly type: Type; readonly span: Span }
export interface WhenClause { readonly kind: 'whenClause'; readonly condition: Expression; readonly result: Expression; readonly span: Span }
/** `CASE WHEN cond THEN result ... [ELSE e] END` */
export interface SearchedCase {
  readonly kind: 'searchedCase';
  readonly whenClauses: readonly WhenClause[];
  readonly elseValue?: Expression | undefined;
  readonly span: Span;
}
/** `CASE operand WHEN value THEN result ... [ELSE e] END` */
export interface SimpleCase {
  readonly kind: 'simpleCase';
  readonly operand: Expression;
  readonly whenClauses: readonly WhenClause[];
  readonly elseValue?: Expression | undefined;
  readonly span: Span;
}
/** `ARRAY[a, b]` */
export interface CreateArray { readonly kind: 'createArray'; readonly values: readonly Expression[]; readonly span: Span }
export interface MapEntry { readonly kind: 'mapEntry'; readonly key: Expression; readonly value: Expression; readonly span: Span }
/** `MAP(k := v, ...)` */
export interface CreateMap { readonly kind: 'createMap'; readonly entries: readonly MapEntry[]; readonly span: Span }
export interface StructField { readonly kind: 'structField'; readonly name: string; readonly value: Expression; readonly span: Span }
/** `STRUCT(name := value, ...)` */
export interface CreateStruct { readonly kind: 'createStruct'; readonly fields: readonly StructField[]; readonly span: Span }

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=' | 'IS DISTINCT FROM';

/** `-x` or `+x` (a minus directly before a number is part of the literal instead). */
export interface ArithmeticUnary { readonly kind: 'arithmeticUnary'; readonly sign: '-' | '+'; readonly operand: Expression; readonly span: Span }
export interface ArithmeticBinary {
  readonly kind: 'arithmeticBinary';
  readonly operator: ArithmeticOperator;
  readonly left: Expression;
  readonly right: Expression;
  readonly span: Span;
}
/** `!=` is read as `<>`. */
export interface Comparison {
  readonly kind: 'comparison';
  readonly operator: ComparisonOperator;
  readonly left: Expression;
  readonly right: Expression;
  readonly span: Span;
}
export interface LogicalBinary {
  readonly kind: 'logicalBinary';
  readonly operator: 'AND' | 'OR';
  readonly left: Expression;
  readonly right: Expression;
  readonly span: Span;
}
export interface Not { readonly kind: 'not'; readonly operand: Expression; readonly span: Span }
export interface IsNull { readonly kind: 'isNull'; readonly operand: Expression; readonly span: Span }
export interface IsNotNull { readonly kind: 'isNotNull'; readonly operand: Expression; readonly span: Span }
export interface Between { readonly kind: 'between'; readonly value: Expression; readonly min: Expression; readonly max: Expression; readonly span: Span }
export interface InList { readonly kind: 'inList'; readonly value: Expression; readonly list: readonly Expression[]; readonly span: Span }
/** `value LIKE pattern [ESCAPE 'c']`; `escape` is one character. */
export interface Like {
  readonly kind: 'like';
  readonly value: Expression;
  readonly pattern: Expression;
  readonly escape?: string | undefined;
  readonly span: Span;
}

export type Expression =
  | Literal
  | ColumnReference | QualifiedColumnReference | LambdaVariable | Dereference | Subscript | FunctionCall
  | Cast | SearchedCase | SimpleCase | CreateArray | CreateMap | CreateStruct
  | ArithmeticUnary | ArithmeticBinary | Comparison | LogicalBinary | Not | IsNull | IsNotNull
  | Between | InList | Like;

// ---------------------------------------------------------------------------------------------
// Queries

/** `*` or `source.*` */
export interface AllColumns { readonly kind: 'allColumns'; readonly source?: string | undefined; readonly span: Span }
/** `struct->*` */
export interface StructAll { readonly kind: 'structAll'; readonly base: Expression; readonly span: Span }
export interface SingleColumn {
  readonly kind: 'singleColumn';
  readonly expression: Expression;
  readonly alias?: string | undefined;
  readonly span: Span;
}
export type SelectItem = AllColumns | StructAll | SingleColumn;

/** A stream or table in FROM or JOIN; `alias` is the source name when none is given. */
export interface SourceRelation { readonly kind: 'source'; readonly name: string; readonly alias: string; readonly span: Span }
export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';
export interface Join {
  readonly kind: 'join';
  readonly left: SourceRelation;
  readonly rights: readonly JoinedSource[];
  readonly span: Span;
}
export interface JoinedSource {
  readonly kind: 'joinedSource';
  readonly type: JoinType;
  readonly relation: SourceRelation;
  readonly within?: WithinClause | undefined;
  readonly on: Expression;
  readonly span: Span;
}
/** `WITHIN n unit` (before = after) or `WITHIN (before, after)`, with an optional grace period. */
export interface WithinClause {
  readonly kind: 'within';
  readonly before: Duration;
  readonly after: Duration;
  readonly gracePeriod?: Duration | undefined;
  readonly span: Span;
}
export type Relation = SourceRelation | Join;

/** `n unit` as in window sizes, grace periods and timeouts. */
export interface Duration { readonly kind: 'duration'; readonly value: number; readonly unit: TimeUnit; readonly span: Span }

interface WindowCommon {
  /** The optional window name of `WINDOW name TUMBLING (...)`, upper-cased. */
  readonly name?: string | undefined;
  readonly retention?: Duration | undefined;
  readonly gracePeriod?: Duration | undefined;
  readonly span: Span;
}
export interface TumblingWindow extends WindowCommon { readonly kind: 'tumblingWindow'; readonly size: Duration }
export interface HoppingWindow extends WindowCommon {
  readonly kind: 'hoppingWindow';
  readonly size: Duration;
  readonly advanceBy: Duration;
}
export interface SessionWindow extends WindowCommon { readonly kind: 'sessionWindow'; readonly gap: Duration }
export type WindowExpression = TumblingWindow | HoppingWindow | SessionWindow;

export type ResultMaterialization = 'CHANGES' | 'FINAL';

/**
 * A SELECT. With no EMIT clause it is a pull query, unless it is the query of a persistent
 * statement (CREATE ... AS SELECT, INSERT INTO ... SELECT), whose default is EMIT CHANGES.
 */
export interface Query {
  readonly kind: 'query';
  readonly select: readonly SelectItem[];
  readonly from: Relation;
  readonly window?: WindowExpression | undefined;
  readonly where?: Expression | undefined;
  /** GROUP BY a, b or GROUP BY (a, b); `()` gives an empty list. */
  readonly groupBy?: readonly Expression[] | undefined;
  readonly partitionBy?: readonly Expression[] | undefined;
  readonly having?: Expression | undefined;
  readonly emit?: ResultMaterialization | undefined;
  /** May be negative or zero: the analyzer decides. */
  readonly limit?: number | undefined;
  readonly span: Span;
}

// ---------------------------------------------------------------------------------------------
// Statements

/** `name = literal` in a WITH clause; `name` is an identifier's text or a quoted string's content. */
export interface Property { readonly kind: 'property'; readonly name: string; readonly value: Literal; readonly span: Span }

export type ColumnConstraint =
  | { readonly kind: 'key' }
  | { readonly kind: 'primaryKey' }
  | { readonly kind: 'headers' }
  /** HEADER('k'); the key is trimmed, and an empty key means HEADERS, as in ksqlDB. */
  | { readonly kind: 'header'; readonly key: string };

export interface TableElement {
  readonly kind: 'tableElement';
  readonly name: string;
  readonly type: Type;
  readonly constraint?: ColumnConstraint | undefined;
  readonly span: Span;
}

interface CreateSourceCommon {
  readonly orReplace: boolean;
  /** CREATE SOURCE STREAM / TABLE: read-only. */
  readonly isSource: boolean;
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly elements: readonly TableElement[];
  readonly properties: readonly Property[];
  readonly span: Span;
}
export interface CreateStream extends CreateSourceCommon { readonly kind: 'createStream' }
export interface CreateTable extends CreateSourceCommon { readonly kind: 'createTable' }

interface CreateAsSelectCommon {
  readonly orReplace: boolean;
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly properties: readonly Property[];
  readonly query: Query;
  readonly span: Span;
}
export interface CreateStreamAsSelect extends CreateAsSelectCommon { readonly kind: 'createStreamAsSelect' }
export interface CreateTableAsSelect extends CreateAsSelectCommon { readonly kind: 'createTableAsSelect' }

export interface CreateConnector {
  readonly kind: 'createConnector';
  readonly connectorType: 'SOURCE' | 'SINK';
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly properties: readonly Property[];
  readonly span: Span;
}
export interface InsertInto {
  readonly kind: 'insertInto';
  readonly target: string;
  readonly properties: readonly Property[];
  readonly query: Query;
  readonly span: Span;
}
export interface InsertValues {
  readonly kind: 'insertValues';
  readonly target: string;
  /** Empty when no column list was given. */
  readonly columns: readonly string[];
  readonly values: readonly Expression[];
  readonly span: Span;
}
interface DropSourceCommon {
  readonly ifExists: boolean;
  readonly name: string;
  readonly deleteTopic: boolean;
  readonly span: Span;
}
export interface DropStream extends DropSourceCommon { readonly kind: 'dropStream' }
export interface DropTable extends DropSourceCommon { readonly kind: 'dropTable' }
export interface DropConnector { readonly kind: 'dropConnector'; readonly ifExists: boolean; readonly name: string; readonly span: Span }
export interface DropType { readonly kind: 'dropType'; readonly ifExists: boolean; readonly name: string; readonly span: Span }
/** CREATE TYPE name AS type */
export interface CreateType {
  readonly kind: 'createType';
  readonly ifNotExists: boolean;
  readonly name: string;
  readonly type: Type;
  readonly span: Span;
}
export interface AddColumn { readonly kind: 'addColumn'; readonly name: string; readonly type: Type; readonly span: Span }
/** ALTER STREAM|TABLE name ADD [COLUMN] c type, ... */
export interface AlterSource {
  readonly kind: 'alterSource';
  readonly sourceType: 'STREAM' | 'TABLE';
  readonly name: string;
  readonly columns: readonly AddColumn[];
  readonly span: Span;
}

export interface ListStreams { readonly kind: 'listStreams'; readonly extended: boolean; readonly span: Span }
export interface ListTables { readonly kind: 'listTables'; readonly extended: boolean; readonly span: Span }
export interface ListTopics { readonly kind: 'listTopics'; readonly all: boolean; readonly extended: boolean; readonly span: Span }
export interface ListQueries { readonly kind: 'listQueries'; readonly extended: boolean; readonly span: Span }
export interface ListProperties { readonly kind: 'listProperties'; readonly span: Span }
export interface ListFunctions { readonly kind: 'listFunctions'; readonly span: Span }
export interface ListTypes { readonly kind: 'listTypes'; readonly span: Span }
export interface ListVariables { readonly kind: 'listVariables'; readonly span: Span }
export interface ListConnectors { readonly kind: 'listConnectors'; readonly scope: 'ALL' | 'SOURCE' | 'SINK'; readonly span: Span }
export interface ListConnectorPlugins { readonly kind: 'listConnectorPlugins'; readonly span: Span }

/** DESCRIBE source [EXTENDED] (ksqlDB's ShowColumns). */
export interface DescribeSource { readonly kind: 'describeSource'; readonly name: string; readonly extended: boolean; readonly span: Span }
export interface DescribeStreams { readonly kind: 'describeStreams'; readonly extended: boolean; readonly span: Span }
/** `DESCRIBE TABLES` (unquoted); `DESCRIBE "TABLES"` describes a source named TABLES. */
export interface DescribeTables { readonly kind: 'describeTables'; readonly extended: boolean; readonly span: Span }
export interface DescribeFunction { readonly kind: 'describeFunction'; readonly name: string; readonly span: Span }
export interface DescribeConnector { readonly kind: 'describeConnector'; readonly name: string; readonly span: Span }

/** PRINT topic; the topic name is case-sensitive even unquoted. */
export interface PrintTopic {
  readonly kind: 'printTopic';
  readonly topic: string;
  readonly fromBeginning: boolean;
  readonly interval?: number | undefined;
  readonly limit?: number | undefined;
  readonly span: Span;
}

/** TERMINATE / PAUSE / RESUME: `queryId` is absent for ALL. */
export interface TerminateQuery { readonly kind: 'terminateQuery'; readonly queryId?: string | undefined; readonly span: Span }
export interface PauseQuery { readonly kind: 'pauseQuery'; readonly queryId?: string | undefined; readonly span: Span }
export interface ResumeQuery { readonly kind: 'resumeQuery'; readonly queryId?: string | undefined; readonly span: Span }

export interface SetProperty { readonly kind: 'setProperty'; readonly name: string; readonly value: string; readonly span: Span }
export interface UnsetProperty { readonly kind: 'unsetProperty'; readonly name: string; readonly span: Span }
export interface AlterSystemProperty { readonly kind: 'alterSystemProperty'; readonly name: string; readonly value: string; readonly span: Span }
/** DEFINE name = 'value'; the name keeps its case. */
export interface DefineVariable { readonly kind: 'defineVariable'; readonly name: string; readonly value: string; readonly span: Span }
export interface UndefineVariable { readonly kind: 'undefineVariable'; readonly name: string; readonly span: Span }

/** EXPLAIN statement, or EXPLAIN queryId: exactly one of the two is present. */
export interface Explain {
  readonly kind: 'explain';
  readonly statement?: Statement | undefined;
  readonly queryId?: string | undefined;
  readonly span: Span;
}

/** ASSERT [NOT EXISTS] TOPIC; `exists` is false for NOT EXISTS. */
export interface AssertTopic {
  readonly kind: 'assertTopic';
  readonly exists: boolean;
  readonly topic: string;
  readonly properties: readonly Property[];
  readonly timeout?: Duration | undefined;
  readonly span: Span;
}
/** ASSERT [NOT EXISTS] SCHEMA; at least one of subject and id is present. */
export interface AssertSchema {
  readonly kind: 'assertSchema';
  readonly exists: boolean;
  readonly subject?: string | undefined;
  readonly id?: number | undefined;
  readonly timeout?: Duration | undefined;
  readonly span: Span;
}

// Statements of ksqlDB's test runner and CLI, parsed only with `{ testStatements: true }`.

export interface RunScript { readonly kind: 'runScript'; readonly path: string; readonly span: Span }
export interface AssertValues {
  readonly kind: 'assertValues';
  readonly target: string;
  readonly columns: readonly string[];
  readonly values: readonly Expression[];
  readonly span: Span;
}
/** ASSERT NULL VALUES target (cols) KEY (values) */
export interface AssertTombstone {
  readonly kind: 'assertTombstone';
  readonly target: string;
  readonly columns: readonly string[];
  readonly values: readonly Expression[];
  readonly span: Span;
}
interface AssertSourceCommon {
  readonly name: string;
  readonly elements: readonly TableElement[];
  readonly properties: readonly Property[];
  readonly span: Span;
}
export interface AssertStream extends AssertSourceCommon { readonly kind: 'assertStream' }
export interface AssertTable extends AssertSourceCommon { readonly kind: 'assertTable' }

export type Statement =
  | Query
  | CreateStream | CreateTable | CreateStreamAsSelect | CreateTableAsSelect | CreateConnector
  | InsertInto | InsertValues
  | DropStream | DropTable | DropConnector | DropType | CreateType | AlterSource
  | ListStreams | ListTables | ListTopics | ListQueries | ListProperties | ListFunctions | ListTypes
  | ListVariables | ListConnectors | ListConnectorPlugins
  | DescribeSource | DescribeStreams | DescribeTables | DescribeFunction | DescribeConnector
  | PrintTopic | TerminateQuery | PauseQuery | ResumeQuery
  | SetProperty | UnsetProperty | AlterSystemProperty | DefineVariable | UndefineVariable
  | Explain | AssertTopic | AssertSchema
  | RunScript | AssertValues | AssertTombstone | AssertStream | AssertTable;

export type StatementKind = Statement['kind'];
export type ExpressionKind = Expression['kind'];

/** Any node `format` can print. */
export type Node =
  | Statement | Expression | Type | SelectItem | Relation | JoinedSource | WithinClause | WindowExpression
  | Lambda | IntervalUnit | WhenClause | MapEntry | StructField | StructTypeField | TableElement
  | Property | Duration | AddColumn;

/** A statement as parsed from a script, with its exact source text. */
export interface ParsedStatement {
  readonly statement: Statement;
  /** The statement's text from its first token through its `;` (ksqlDB's statement text). */
  readonly statementText: string;
  /** Where `statementText` lies in the parsed text. */
  readonly span: Span;
}
