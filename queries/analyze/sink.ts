/**
 * Persistent queries: CREATE STREAM / TABLE AS SELECT and INSERT INTO ... SELECT. The query is
 * analyzed, then its sink is decided as ksqlDB's Analyzer.analyzeNonStdOutSink, LogicalPlanner
 * and EngineExecutor do: result type, topic name (KAFKA_TOPIC or `ksql.output.topic.name.prefix`
 * + name), key and value formats (explicit, else inherited from the FROM source, NONE for
 * PARTITION BY NULL, the default key format when an inherited NONE meets key columns), wrapping,
 * partitions (PARTITIONS, else the source topic's), timestamp column; for INSERT INTO the
 * target's compatibility.
 */
import { LogicalSchema } from '../../engine/types/index.js';
import { SluiceError, type Ast, type ColumnDef, type DataSource, type FormatSpec, type TimestampSpec } from './deps.js';
import { propertyBoolean, propertyString, type AnalysisContext } from './context.js';
import { defaultKeyFormat, timestampSpec } from './ddl.js';
import { buildFormats, canonicalFormat } from './formats.js';
import { avroKeySchemaFullName } from '../../engine/formats/index.js';
import { WithProperties } from './properties.js';
import { analyzeQuery, type QueryAnalysis } from './query.js';

function error(message: string, details: Record<string, unknown> = {}): SluiceError {
  return new SluiceError('SQL_ANALYSIS', message, details);
}

export interface SinkTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicas: number | undefined;
  /** The topic does not exist yet and must be created before the query starts. */
  readonly create: boolean;
}

export interface PersistentQueryAnalysis {
  readonly kind: 'persistentQuery';
  readonly statement: 'CSAS' | 'CTAS' | 'INSERT';
  readonly query: QueryAnalysis;
  /** The sink as it will be in the catalog (new, replaced, or the INSERT target). */
  readonly sink: DataSource;
  /** CSAS/CTAS create (or replace) the sink source; INSERT INTO writes to an existing one. */
  readonly createSink: boolean;
  /** CREATE ... IF NOT EXISTS over an existing source: nothing to do. */
  readonly alreadyExists: boolean;
  /** CREATE OR REPLACE over an existing source. */
  readonly replacing: DataSource | undefined;
  readonly topic: SinkTopic;
  /** The sink's timestamp column (TIMESTAMP in WITH), for the sink step. */
  readonly sinkTimestamp: TimestampSpec | null;
}

function schemaText(key: readonly ColumnDef[], value: readonly ColumnDef[]): string {
  return LogicalSchema.of([
    ...key.map((c) => ({ name: c.name, type: c.type, namespace: 'KEY' as const })),
    ...value.map((c) => ({ name: c.name, type: c.type, namespace: 'VALUE' as const })),
  ]).toString();
}

function columnsEqual(a: readonly ColumnDef[], b: readonly ColumnDef[]): boolean {
  return a.length === b.length && a.every((c, i) => c.name === b[i]!.name && JSON.stringify(c.type) === JSON.stringify(b[i]!.type));
}

/** Format properties a sink inherits from its source when the format is the same (ksqlDB's inheritable ones). */
function inheritable(format: string, source: FormatSpec): Record<string, string> {
  if (canonicalFormat(source.format) !== format) return {};
  const out: Record<string, string> = {};
  if (source.properties.delimiter !== undefined) out.delimiter = source.properties.delimiter;
  return out;
}

export function analyzePersistentQuery(
  statement: Ast.CreateStreamAsSelect | Ast.CreateTableAsSelect | Ast.InsertInto,
  statementText: string,
  context: AnalysisContext,
): PersistentQueryAnalysis {
  if (statement.kind === 'insertInto') return analyzeInsertInto(statement, context);
  const isTable = statement.kind === 'createTableAsSelect';
  const kindName = isTable ? 'table' : 'stream';
  const props = WithProperties.parse(statement.properties, 'createAs');
  const query = analyzeQuery(context, statement.query, { persistent: true, sinkName: statement.name });

  if (!isTable && query.resultKind === 'TABLE') {
    throw error('Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.');
  }
  if (isTable && query.resultKind === 'STREAM') {
    throw error('Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.');
  }
  const existing = context.catalog.source(statement.name);
  if (existing !== undefined && !statement.ifNotExists && !statement.orReplace) {
    throw new SluiceError(
      'SQL_SOURCE_EXISTS',
      `Cannot add ${kindName} '${statement.name}': A ${existing.kind.toLowerCase()} with the same name already exists`,
      { found: statement.name },
    );
  }
  if (existing !== undefined && statement.orReplace && existing.isSource) {
    throw error(`Cannot add ${kindName} '${statement.name}': CREATE OR REPLACE is not supported on source ${kindName}s.`);
  }

  const from = query.from;
  const prefix = propertyString(context.properties, 'ksql.output.topic.name.prefix') ?? '';
  const topicName = props.string('KAFKA_TOPIC') ?? `${prefix}${statement.name}`;

  // Key format.
  const explicitKey = props.keyFormatName();
  let keyFormat: string;
  if (query.partitionByNull) {
    if (explicitKey !== undefined && canonicalFormat(explicitKey) !== 'NONE') throw error('Key format specified for stream without key columns.');
    keyFormat = 'NONE';
  } else {
    keyFormat = canonicalFormat(explicitKey ?? from.keyFormat.format);
    if (explicitKey === undefined && keyFormat === 'NONE' && query.keyColumns.length > 0) {
      keyFormat = canonicalFormat(defaultKeyFormat(context.properties));
    }
  }
  const valueFormat = canonicalFormat(props.valueFormatName() ?? from.valueFormat.format);
  const keyProperties: Record<string, string> = explicitKey === undefined ? inheritable(keyFormat, from.keyFormat) : {};
  const valueProperties: Record<string, string> = props.valueFormatName() === undefined ? inheritable(valueFormat, from.valueFormat) : {};
  const keyDelimiter = props.string('KEY_DELIMITER');
  if (keyDelimiter !== undefined) keyProperties.delimiter = keyDelimiter;
  const valueDelimiter = props.string('VALUE_DELIMITER');
  if (valueDelimiter !== undefined) valueProperties.delimiter = valueDelimiter;
  // String properties are trimmed (Kafka's ConfigDef).
  const keySchemaName = props.string('KEY_SCHEMA_FULL_NAME')?.trim();
  if (keySchemaName !== undefined) keyProperties.fullSchemaName = keySchemaName;
  // ksqlDB names AVRO key records after the sink (`...avro_schemas.<Name>Key`) unless told.
  else if (keyFormat === 'AVRO') keyProperties.fullSchemaName = avroKeySchemaFullName(statement.name);
  const valueSchemaName = (props.string('VALUE_AVRO_SCHEMA_FULL_NAME') ?? props.string('VALUE_SCHEMA_FULL_NAME'))?.trim();
  if (valueSchemaName !== undefined) valueProperties.fullSchemaName = valueSchemaName;
  const keySchemaId = props.int('KEY_SCHEMA_ID');
  if (keySchemaId !== undefined) keyProperties.schemaId = String(keySchemaId);
  const valueSchemaId = props.int('VALUE_SCHEMA_ID');
  if (valueSchemaId !== undefined) valueProperties.schemaId = String(valueSchemaId);
  const formats = buildFormats(
    { format: keyFormat, properties: keyProperties },
    { format: valueFormat, properties: valueProperties },
    query.keyColumns,
    query.valueColumns,
    {
      explicitWrap: props.boolean('WRAP_SINGLE_VALUE'),
      configWrap: propertyBoolean(context.properties, 'ksql.persistence.wrap.single.values'),
      topic: topicName,
    },
  );

  const timestampColumn = props.string('TIMESTAMP');
  const timestamp = timestampSpec(timestampColumn, props.string('TIMESTAMP_FORMAT'), query.keyColumns, query.valueColumns);

  // Partitions: PARTITIONS, else ksql.sink.partitions, else the source topic's.
  const existingTopic = context.topics.describe(topicName);
  const sourceTopic = context.topics.describe(from.topic);
  const configured = propertyString(context.properties, 'ksql.sink.partitions');
  const partitions = props.int('PARTITIONS') ?? (configured !== undefined ? Number(configured) : undefined) ?? existingTopic?.partitions ?? sourceTopic?.partitions ?? 1;

  const sink: DataSource = {
    name: statement.name,
    kind: isTable ? 'TABLE' : 'STREAM',
    topic: topicName,
    keyColumns: query.keyColumns,
    valueColumns: query.valueColumns,
    headerColumns: [],
    keyFormat: formats.key,
    valueFormat: formats.value,
    window: query.window,
    timestamp,
    isSource: false,
    sqlText: statementText,
    writerQueryId: null,
    properties: props.toRecord(),
    columnOrder: [...query.keyColumns, ...query.valueColumns].map((c) => c.name),
  };
  return {
    kind: 'persistentQuery',
    statement: isTable ? 'CTAS' : 'CSAS',
    query,
    sink,
    createSink: true,
    alreadyExists: existing !== undefined && statement.ifNotExists,
    replacing: existing !== undefined && statement.orReplace ? existing : undefined,
    topic: { name: topicName, partitions, replicas: props.int('REPLICAS'), create: existingTopic === undefined },
    sinkTimestamp: timestamp.kind === 'record' ? null : timestamp,
  };
}

/**
 * The statement as ksqlDB's AstSanitizer leaves it (select items aliased, columns qualified,
 * EMIT CHANGES explicit), whose SqlFormatter text ksqlDB puts after `Statement:` in the errors
 * of planning; undefined when the query does not analyze.
 */
export function sanitizedPersistentStatement<S extends Ast.CreateStreamAsSelect | Ast.CreateTableAsSelect | Ast.InsertInto>(
  statement: S,
  context: AnalysisContext,
): S | undefined {
  try {
    const target = statement.kind === 'insertInto' ? context.catalog.source(statement.target) : undefined;
    const sinkName = statement.kind === 'insertInto' ? statement.target : statement.name;
    const query = analyzeQuery(context, statement.query, target === undefined ? { persistent: true, sinkName } : { persistent: true, sinkName, target });
    return { ...statement, query: query.sanitizedQuery };
  } catch {
    return undefined;
  }
}

function analyzeInsertInto(statement: Ast.InsertInto, context: AnalysisContext): PersistentQueryAnalysis {
  const target = context.catalog.source(statement.target);
  if (target === undefined) {
    throw new SluiceError('SQL_SOURCE_NOT_FOUND', `Source ${statement.target} does not exist.`, { found: statement.target });
  }
  if (target.kind !== 'STREAM') throw error(`INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`);
  if (target.headerColumns.length > 0) throw error(`Cannot insert into ${target.name} because it has header columns`);
  const props = WithProperties.parse(statement.properties, 'insert');
  void props;
  const query = analyzeQuery(context, statement.query, { persistent: true, sinkName: target.name, target });
  if (query.resultKind !== 'STREAM') {
    throw error(`Incompatible data sink and query result. Data sink (${target.name}) type is KSTREAM but select query result is KTABLE.`);
  }
  const targetValue = target.valueColumns;
  if (!columnsEqual(query.keyColumns, target.keyColumns) || !columnsEqual(query.valueColumns, targetValue)) {
    throw error(
      'Incompatible schema between results and sink.\n' +
        `Result schema is ${schemaText(query.keyColumns, query.valueColumns)}\n` +
        `Sink schema is ${schemaText(target.keyColumns, target.valueColumns)}`,
    );
  }
  const fromWindowed = query.window !== null;
  if (fromWindowed !== (target.window !== null)) {
    throw error(`Incompatible key formats. Result is ${fromWindowed ? 'windowed' : 'not windowed'} but the sink is ${target.window !== null ? 'windowed' : 'not windowed'}.`);
  }
  const topic = context.topics.describe(target.topic);
  return {
    kind: 'persistentQuery',
    statement: 'INSERT',
    query,
    sink: target,
    createSink: false,
    alreadyExists: false,
    replacing: undefined,
    topic: { name: target.topic, partitions: topic?.partitions ?? 1, replicas: undefined, create: topic === undefined },
    sinkTimestamp: target.timestamp.kind === 'record' ? null : target.timestamp,
  };
}
