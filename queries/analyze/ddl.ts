/**
 * DDL analysis: CREATE [OR REPLACE] [SOURCE] STREAM / TABLE over a topic, ALTER ... ADD COLUMN,
 * DROP STREAM / TABLE, CREATE / DROP TYPE — ksqlDB's CreateSourceFactory, AlterSourceFactory,
 * DropSourceFactory and the format / topic injectors, with their messages.
 */
import {
  HEADERS_TYPE,
  BYTES,
  SluiceError,
  formatSqlType,
  isSystemColumn,
  quoteIdentifier,
  sqlTypesEqual,
  type Ast,
  type ColumnDef,
  type DataSource,
  type SqlType,
  type TimestampSpec,
  type WindowKind,
} from './deps.js';
import { propertyBoolean, propertyString, typeResolver, type AnalysisContext } from './context.js';
import { buildFormats, canonicalFormat, formatInfo } from './formats.js';
import { avroKeySchemaFullName, resolveKeyFeatures, validateFormatProperties } from '../../engine/formats/index.js';
import { WithProperties, parseDurationMs } from './properties.js';
import { resolveType } from './types.js';

function error(message: string, details: Record<string, unknown> = {}): SluiceError {
  return new SluiceError('SQL_ANALYSIS', message, details);
}

export interface TopicRequirement {
  readonly name: string;
  /** Create the topic with these partitions when it does not exist. */
  readonly partitions: number | undefined;
  readonly replicas: number | undefined;
  /** True when the topic does not exist and will be created. */
  readonly create: boolean;
  readonly cleanupPolicy: 'delete' | 'compact';
}

export interface CreateSourceAnalysis {
  readonly kind: 'createSource';
  readonly source: DataSource;
  readonly topic: TopicRequirement;
  /** The existing source this replaces (CREATE OR REPLACE), or that makes IF NOT EXISTS a no-op. */
  readonly existing: DataSource | undefined;
  readonly ifNotExists: boolean;
  readonly orReplace: boolean;
}

/** `ksql.persistence.default.format.key` (default KAFKA). */
export function defaultKeyFormat(properties: Readonly<Record<string, unknown>>): string {
  return propertyString(properties, 'ksql.persistence.default.format.key') ?? 'KAFKA';
}

export function defaultValueFormat(properties: Readonly<Record<string, unknown>>): string | undefined {
  return propertyString(properties, 'ksql.persistence.default.format.value');
}

/** ksqlDB's ColumnReferenceParser for TIMESTAMP: unquoted names upper-cased. */
export function parseColumnName(text: string): string {
  const t = text.trim();
  if (t.length >= 2 && ((t.startsWith('`') && t.endsWith('`')) || (t.startsWith('"') && t.endsWith('"')))) {
    return t.slice(1, -1);
  }
  return t.toUpperCase();
}

/** ksqlDB's TimestampExtractionPolicyFactory.validateTimestampColumn. */
export function timestampSpec(
  columnName: string | undefined,
  format: string | undefined,
  keyColumns: readonly ColumnDef[],
  valueColumns: readonly ColumnDef[],
): TimestampSpec {
  if (columnName === undefined) return { kind: 'record' };
  const name = parseColumnName(columnName);
  let source: 'KEY' | 'VALUE' = 'VALUE';
  let index = valueColumns.findIndex((c) => c.name === name);
  if (index < 0) {
    index = keyColumns.findIndex((c) => c.name === name);
    source = 'KEY';
  }
  if (index < 0) {
    throw error(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${name}'`);
  }
  const column = source === 'KEY' ? keyColumns[index]! : valueColumns[index]!;
  const kind = column.type.kind;
  if (kind === 'STRING') {
    if (format === undefined) throw error('A String timestamp field has been specified without also specifying the timestamp_format');
    return { kind: 'column', column: { name: column.name, type: column.type }, source, index, format };
  }
  if (format !== undefined) {
    throw error("'TIMESTAMP_FORMAT' set in the WITH clause can only be used when the timestamp column is of type STRING.");
  }
  if (kind === 'BIGINT' || kind === 'TIMESTAMP') {
    return { kind: 'column', column: { name: column.name, type: column.type }, source, index, format: null };
  }
  throw error(
    `Timestamp column, ${quoteIdentifier(name)}, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`,
  );
}

interface Columns {
  key: ColumnDef[];
  value: ColumnDef[];
  headers: Array<ColumnDef & { headerKey: string | null }>;
  order: string[];
}

function tableElements(statement: Ast.CreateStream | Ast.CreateTable, context: AnalysisContext): Columns {
  const types = typeResolver(context.catalog);
  const isTable = statement.kind === 'createTable';
  const columns: Columns = { key: [], value: [], headers: [], order: [] };
  const seen = new Map<string, string>();
  for (const e of statement.elements) {
    if (isSystemColumn(e.name)) {
      throw error(`'${e.name}' is a reserved column name. You cannot use it as a name for a column.`);
    }
    const constraint = e.constraint;
    if (!isTable && constraint?.kind === 'primaryKey') {
      throw error(
        `Column ${quoteIdentifier(e.name)} is a 'PRIMARY KEY' column: please use 'KEY' for streams.\n` +
          'Tables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.',
        { span: e.span },
      );
    }
    if (isTable && constraint?.kind === 'key') {
      throw error(
        `Column ${quoteIdentifier(e.name)} is a 'KEY' column: please use 'PRIMARY KEY' for tables.\n` +
          'Tables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.',
        { span: e.span },
      );
    }
    const type = resolveType(e.type, types);
    const namespace = constraint === undefined ? 'VALUE' : constraint.kind === 'key' || constraint.kind === 'primaryKey' ? 'KEY' : 'HEADERS';
    const previous = seen.get(e.name);
    if (previous !== undefined) {
      const ns = namespace === 'KEY' ? 'key' : namespace === 'VALUE' ? 'value' : 'headers';
      throw error(`Duplicate ${ns} columns found in schema: ${quoteIdentifier(e.name)} ${formatSqlType(type)}`);
    }
    seen.set(e.name, namespace);
    columns.order.push(e.name);
    if (namespace === 'KEY') columns.key.push({ name: e.name, type });
    else if (namespace === 'VALUE') columns.value.push({ name: e.name, type });
    else {
      const headerKey = constraint?.kind === 'header' ? constraint.key : null;
      const expected = headerKey === null ? HEADERS_TYPE : BYTES;
      if (!sqlTypesEqual(type, expected)) {
        throw error(
          headerKey === null
            ? `Invalid type for HEADERS column: expected ${formatSqlType(HEADERS_TYPE)}, got ${formatSqlType(type)}`
            : `Invalid type for HEADER('${headerKey}') column: expected BYTES, got ${formatSqlType(type)}`,
        );
      }
      if (headerKey === null && columns.headers.length > 0) throw error('Schema already contains a HEADERS column.');
      if (columns.headers.some((h) => h.headerKey === null)) throw error('Schema already contains a HEADERS column.');
      if (headerKey !== null && columns.headers.some((h) => h.headerKey === headerKey)) {
        throw error(`Schema already contains a HEADER('${headerKey}') column.`);
      }
      columns.headers.push({ name: e.name, type: expected, headerKey });
      columns.value.push({ name: e.name, type: expected });
    }
  }
  return columns;
}

/** A side of a CREATE STREAM/TABLE whose columns come from the schema registry. */
export interface SchemaInferenceRequest {
  readonly target: 'key' | 'value';
  readonly topic: string;
  /** Canonical format name (AVRO, PROTOBUF, JSON_SR). */
  readonly format: string;
  /** Format properties for the lookup: `schemaId`, `fullSchemaName`. */
  readonly properties: Readonly<Record<string, string>>;
  /** The subject holds the bare column (UNWRAP_SINGLES): keys of AVRO / JSON_SR, `WRAP_SINGLE_VALUE=false` values. */
  readonly unwrapped: boolean;
}

/** Columns the executor read from the registry for the sides `schemaInferenceRequests` named. */
export interface InferredColumns {
  readonly key?: readonly ColumnDef[];
  readonly value?: readonly ColumnDef[];
}

function schemaNameProperty(props: WithProperties, name: string): string | undefined {
  const value = props.string(name);
  return value === undefined ? undefined : value.trim();
}

/**
 * Which sides of a CREATE STREAM/TABLE take their columns from the registry (ksqlDB's
 * DefaultSchemaInjector.shouldInferSchema): a side with a KEY_SCHEMA_ID / VALUE_SCHEMA_ID, or a
 * side without columns whose format supports schema inference (AVRO, PROTOBUF, JSON_SR). Throws
 * ksqlDB's errors for a schema id on a format without a registry or next to columns.
 */
export function schemaInferenceRequests(statement: Ast.CreateStream | Ast.CreateTable, context: AnalysisContext): SchemaInferenceRequest[] {
  const props = WithProperties.parse(statement.properties, 'create');
  const topic = props.string('KAFKA_TOPIC') ?? statement.name;
  const hasKeyElements = statement.elements.some((e) => e.constraint?.kind === 'key' || e.constraint?.kind === 'primaryKey');
  const hasValueElements = statement.elements.some((e) => e.constraint === undefined);
  const requests: SchemaInferenceRequest[] = [];
  const sides = [
    {
      target: 'key' as const,
      formatName: props.keyFormatName() ?? defaultKeyFormat(context.properties),
      formatProperty: 'KEY_FORMAT',
      idProperty: 'KEY_SCHEMA_ID',
      schemaId: props.int('KEY_SCHEMA_ID'),
      fullSchemaName: schemaNameProperty(props, 'KEY_SCHEMA_FULL_NAME'),
      hasElements: hasKeyElements,
    },
    {
      target: 'value' as const,
      formatName: props.valueFormatName() ?? defaultValueFormat(context.properties),
      formatProperty: 'VALUE_FORMAT',
      idProperty: 'VALUE_SCHEMA_ID',
      schemaId: props.int('VALUE_SCHEMA_ID'),
      fullSchemaName: schemaNameProperty(props, 'VALUE_AVRO_SCHEMA_FULL_NAME') ?? schemaNameProperty(props, 'VALUE_SCHEMA_FULL_NAME'),
      hasElements: hasValueElements,
    },
  ];
  for (const side of sides) {
    if (side.formatName === undefined) continue; // the missing VALUE_FORMAT is reported by analyzeCreateSource
    const format = canonicalFormat(side.formatName);
    const infers = formatInfo(format)?.usesRegistry === true;
    if (side.schemaId !== undefined) {
      if (!infers) {
        throw error(`${side.formatProperty} should support schema inference when ${side.idProperty} is provided. Current format is ${format}.`);
      }
      if (side.hasElements) throw error(`Table elements and ${side.idProperty} cannot both exist for create statement.`);
    } else if (side.hasElements || !infers) {
      continue;
    }
    const properties: Record<string, string> = {};
    if (side.schemaId !== undefined) properties.schemaId = String(side.schemaId);
    if (side.fullSchemaName !== undefined && side.fullSchemaName !== '') properties.fullSchemaName = side.fullSchemaName;
    const unwrapped =
      side.target === 'key' ? resolveKeyFeatures(format, true).includes('UNWRAP_SINGLES') : props.boolean('WRAP_SINGLE_VALUE') === false;
    requests.push({ target: side.target, topic, format, properties, unwrapped });
  }
  return requests;
}

export function analyzeCreateSource(
  statement: Ast.CreateStream | Ast.CreateTable,
  statementText: string,
  context: AnalysisContext,
  inferred: InferredColumns = {},
): CreateSourceAnalysis {
  const isTable = statement.kind === 'createTable';
  const kindName = isTable ? 'table' : 'stream';
  const props = WithProperties.parse(statement.properties, 'create');
  // Formats are known before the columns (ksqlDB injects them first).
  for (const name of [props.keyFormatName(), props.valueFormatName()]) if (name !== undefined) canonicalFormat(name);
  if (statement.elements.length === 0 && inferred.value === undefined) {
    const valueFormat = props.valueFormatName();
    if (valueFormat !== undefined) validateFormatProperties(canonicalFormat(valueFormat), valueFormatProperties(props));
  }
  const columns = tableElements(statement, context);
  if (props.has('KEY_SCHEMA_ID') && columns.key.length > 0) {
    throw error('Table elements and KEY_SCHEMA_ID cannot both exist for create statement.');
  }
  if (props.has('VALUE_SCHEMA_ID') && columns.value.length > columns.headers.length) {
    throw error('Table elements and VALUE_SCHEMA_ID cannot both exist for create statement.');
  }
  // Inferred columns (DefaultSchemaInjector.buildElements): headers, then key, then value columns.
  if (inferred.key !== undefined || inferred.value !== undefined) {
    const headerNames = new Set(columns.headers.map((h) => h.name));
    const key = inferred.key !== undefined ? inferred.key.map((c) => ({ name: c.name, type: c.type })) : columns.key;
    const value = inferred.value !== undefined ? inferred.value.map((c) => ({ name: c.name, type: c.type })) : columns.value.filter((c) => !headerNames.has(c.name));
    const headers = columns.value.filter((c) => headerNames.has(c.name));
    const seen = new Set<string>();
    for (const [ns, list] of [['key', key], ['value', [...headers, ...value]]] as const) {
      for (const c of list) {
        if (seen.has(c.name)) throw error(`Duplicate ${ns} columns found in schema: ${quoteIdentifier(c.name)} ${formatSqlType(c.type)}`);
        seen.add(c.name);
      }
    }
    columns.key = key;
    columns.value = [...headers, ...value];
    columns.order = [...headers, ...key, ...value].map((c) => c.name);
  }
  // ksqlDB's SchemaRegisterInjector builds the schema of the elements before anything else.
  if (columns.key.length === 0 && columns.value.length === 0) throw error('No columns supplied.');
  const existing = context.catalog.source(statement.name);

  if (existing !== undefined && !statement.orReplace && !statement.ifNotExists) {
    throw new SluiceError(
      'SQL_SOURCE_EXISTS',
      `Cannot add ${kindName} '${statement.name}': A ${existing.kind.toLowerCase()} with the same name already exists`,
      { found: statement.name },
    );
  }
  if (isTable && columns.key.length === 0) throw error('Tables require a PRIMARY KEY. Please define the PRIMARY KEY.');
  if (statement.orReplace && (statement.isSource || existing?.isSource === true)) {
    throw error(`Cannot add ${kindName} '${statement.name}': CREATE OR REPLACE is not supported on source ${kindName}s.`);
  }

  // Formats (DefaultFormatInjector).
  const keyFormatName = props.keyFormatName() ?? defaultKeyFormat(context.properties);
  let valueFormatName = props.valueFormatName();
  if (valueFormatName === undefined) {
    valueFormatName = defaultValueFormat(context.properties);
    if (valueFormatName === undefined) {
      throw error(
        "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.",
      );
    }
  }
  const keyFormat = canonicalFormat(keyFormatName);
  const valueFormat = canonicalFormat(valueFormatName);
  const keyProperties: Record<string, string> = {};
  const valueProperties: Record<string, string> = {};
  const keyDelimiter = props.string('KEY_DELIMITER');
  if (keyDelimiter !== undefined) keyProperties.delimiter = keyDelimiter;
  const valueDelimiter = props.string('VALUE_DELIMITER');
  if (valueDelimiter !== undefined) valueProperties.delimiter = valueDelimiter;
  // String properties are trimmed (Kafka's ConfigDef).
  const keySchemaName = schemaNameProperty(props, 'KEY_SCHEMA_FULL_NAME');
  if (keySchemaName !== undefined) keyProperties.fullSchemaName = keySchemaName;
  // ksqlDB names AVRO key records after the source (`...avro_schemas.<Name>Key`) unless told.
  else if (keyFormat === 'AVRO') keyProperties.fullSchemaName = avroKeySchemaFullName(statement.name);
  const valueSchemaName = schemaNameProperty(props, 'VALUE_AVRO_SCHEMA_FULL_NAME') ?? schemaNameProperty(props, 'VALUE_SCHEMA_FULL_NAME');
  if (valueSchemaName !== undefined) valueProperties.fullSchemaName = valueSchemaName;
  const keySchemaId = props.int('KEY_SCHEMA_ID');
  if (keySchemaId !== undefined) keyProperties.schemaId = String(keySchemaId);
  const valueSchemaId = props.int('VALUE_SCHEMA_ID');
  if (valueSchemaId !== undefined) valueProperties.schemaId = String(valueSchemaId);

  const topicName = props.string('KAFKA_TOPIC') ?? statement.name;
  const serdeValueColumns = columns.value.filter((c) => !columns.headers.some((h) => h.name === c.name));
  const formats = buildFormats(
    { format: keyFormat, properties: keyProperties },
    { format: valueFormat, properties: valueProperties },
    columns.key,
    serdeValueColumns,
    {
      explicitWrap: props.boolean('WRAP_SINGLE_VALUE'),
      configWrap: propertyBoolean(context.properties, 'ksql.persistence.wrap.single.values'),
      topic: topicName,
    },
  );

  // Windowing (WINDOW_TYPE / WINDOW_SIZE).
  let window: DataSource['window'] = null;
  const windowType = props.string('WINDOW_TYPE')?.toUpperCase() as WindowKind | undefined;
  const windowSize = props.string('WINDOW_SIZE');
  if (windowType !== undefined) {
    if (windowType !== 'SESSION' && windowSize === undefined) {
      throw error(`${windowType} windows require 'WINDOW_SIZE' to be provided in the WITH clause. For example: 'WINDOW_SIZE'='10 SECONDS'`);
    }
    if (windowType === 'SESSION' && windowSize !== undefined) throw error("'WINDOW_SIZE' should not be set for SESSION windows.");
    window = { kind: windowType, sizeMs: windowSize === undefined ? null : parseDurationMs(windowSize) };
    if (columns.key.length === 0) throw error('Windowed sources require a key column.');
  } else if (windowSize !== undefined) {
    throw error("'WINDOW_SIZE' should not be set for SESSION windows.");
  }

  const timestamp = timestampSpec(props.string('TIMESTAMP'), props.string('TIMESTAMP_FORMAT'), columns.key, columns.value);

  // The topic (TopicCreateInjector).
  if (props.has('CLEANUP_POLICY')) {
    throw error('Invalid config variable in the WITH clause: CLEANUP_POLICY.\nThe CLEANUP_POLICY config is automatically inferred based on the type of source (COMPACT for tables and DELETE for streams)');
  }
  const existingTopic = context.topics.describe(topicName);
  const partitions = props.int('PARTITIONS');
  if (existingTopic === undefined && partitions === undefined) {
    throw error(
      `Topic '${topicName}' does not exist. If you want to create a new topic for the stream/table please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: ${statementText}`,
    );
  }
  if (existingTopic !== undefined && partitions !== undefined && partitions !== existingTopic.partitions) {
    throw error(
      `A Kafka topic with the name '${topicName}' already exists, with different partition/replica configuration than required by KSQL.\n` +
        `KSQL requires ${partitions} partitions (topic has ${existingTopic.partitions}).`,
    );
  }

  const source: DataSource = {
    name: statement.name,
    kind: isTable ? 'TABLE' : 'STREAM',
    topic: topicName,
    keyColumns: columns.key,
    valueColumns: columns.value,
    headerColumns: columns.headers,
    keyFormat: formats.key,
    valueFormat: formats.value,
    window,
    timestamp,
    isSource: statement.isSource,
    sqlText: statementText,
    writerQueryId: null,
    properties: props.toRecord(),
    columnOrder: columns.order,
  };
  return {
    kind: 'createSource',
    source,
    topic: {
      name: topicName,
      partitions,
      replicas: props.int('REPLICAS'),
      create: existingTopic === undefined,
      cleanupPolicy: isTable ? 'compact' : 'delete',
    },
    existing,
    ifNotExists: statement.ifNotExists,
    orReplace: statement.orReplace,
  };
}

function valueFormatProperties(props: WithProperties): Record<string, string> {
  const out: Record<string, string> = {};
  const delimiter = props.string('VALUE_DELIMITER');
  if (delimiter !== undefined) out.delimiter = delimiter;
  const name = schemaNameProperty(props, 'VALUE_AVRO_SCHEMA_FULL_NAME') ?? schemaNameProperty(props, 'VALUE_SCHEMA_FULL_NAME');
  if (name !== undefined) out.fullSchemaName = name;
  return out;
}

export interface AlterSourceAnalysis {
  readonly kind: 'alterSource';
  readonly source: DataSource;
}

/** ALTER STREAM|TABLE x ADD COLUMN ... (ksqlDB's AlterSourceFactory). */
export function analyzeAlterSource(statement: Ast.AlterSource, context: AnalysisContext): AlterSourceAnalysis {
  const kindName = statement.sourceType === 'STREAM' ? 'stream' : 'table';
  const existing = context.catalog.source(statement.name);
  if (existing === undefined) {
    throw new SluiceError('SQL_SOURCE_NOT_FOUND', `Source ${statement.name} does not exist.`, { found: statement.name });
  }
  if (existing.kind !== statement.sourceType) {
    throw error(`Incompatible data source type is ${existing.kind}, but statement was ALTER ${statement.sourceType}`);
  }
  if (existing.writerQueryId !== null || context.catalog.allQueries().some((q) => q.sinkName === existing.name && q.id.startsWith('C'))) {
    throw error('ALTER command is not supported for CREATE ... AS statements.');
  }
  if (existing.isSource) {
    throw error(`Cannot alter ${kindName} '${statement.name}': ALTER operations are not supported on source ${kindName}s.`);
  }
  const types = typeResolver(context.catalog);
  const value = [...existing.valueColumns];
  const order = [...(existing.columnOrder ?? [...existing.keyColumns, ...existing.valueColumns].map((c) => c.name))];
  for (const c of statement.columns) {
    if (existing.keyColumns.some((k) => k.name === c.name) || value.some((v) => v.name === c.name)) {
      throw error(`Cannot add column \`${c.name}\` to schema. A column with the same name already exists.`);
    }
    value.push({ name: c.name, type: resolveType(c.type, types) });
    order.push(c.name);
  }
  return { kind: 'alterSource', source: { ...existing, valueColumns: value, columnOrder: order } };
}

export interface DropSourceAnalysis {
  readonly kind: 'dropSource';
  readonly name: string;
  readonly source: DataSource | undefined;
  readonly deleteTopic: boolean;
  /** The CREATE ... AS query that writes the source, terminated with the drop. */
  readonly terminateQueryId: string | null;
}

/** DROP STREAM|TABLE [IF EXISTS] x [DELETE TOPIC] (ksqlDB's DropSourceFactory + DdlCommandExec checks). */
export function analyzeDropSource(statement: Ast.DropStream | Ast.DropTable, context: AnalysisContext): DropSourceAnalysis {
  const kind = statement.kind === 'dropStream' ? 'STREAM' : 'TABLE';
  const source = context.catalog.source(statement.name);
  if (source === undefined) {
    if (statement.ifExists) return { kind: 'dropSource', name: statement.name, source: undefined, deleteTopic: false, terminateQueryId: null };
    throw new SluiceError('SQL_SOURCE_NOT_FOUND', `${kind === 'STREAM' ? 'Stream' : 'Table'} ${statement.name} does not exist.`, {
      found: statement.name,
    });
  }
  if (source.kind !== kind) {
    throw new SluiceError(
      'SQL_ANALYSIS',
      `Incompatible data source type is ${source.kind.toLowerCase()}, but statement was DROP ${kind.toLowerCase()}`,
    );
  }
  if (statement.deleteTopic && source.isSource) {
    throw error(`Cannot delete topic for read-only source: ${statement.name}`);
  }
  // The CREATE ... AS query writing the source is terminated with it; other queries block the drop.
  const createAsQueryId = source.writerQueryId;
  const using = context.catalog.queriesUsing(statement.name);
  const readers = using.readers.filter((q) => q.id !== createAsQueryId).map((q) => q.id).sort();
  const writers = using.writers.filter((q) => q.id !== createAsQueryId).map((q) => q.id).sort();
  if (readers.length > 0 || writers.length > 0) {
    throw error(
      `Cannot drop ${statement.name}.\n` +
        `The following queries read from this source: [${readers.join(', ')}].\n` +
        `The following queries write into this source: [${writers.join(', ')}].\n` +
        `You need to terminate them before dropping ${statement.name}.`,
    );
  }
  return { kind: 'dropSource', name: statement.name, source, deleteTopic: statement.deleteTopic, terminateQueryId: createAsQueryId };
}

export interface CreateTypeAnalysis {
  readonly kind: 'createType';
  readonly name: string;
  readonly type: SqlType;
  /** IF NOT EXISTS on an existing type: nothing to do. */
  readonly exists: boolean;
}

export function analyzeCreateType(statement: Ast.CreateType, context: AnalysisContext): CreateTypeAnalysis {
  const existing = context.catalog.customType(statement.name);
  const type = resolveType(statement.type, typeResolver(context.catalog));
  if (existing !== undefined && !statement.ifNotExists) {
    throw error(
      `Cannot register custom type '${statement.name}' since it is already registered with type: ${formatSqlType(existing.type)}`,
    );
  }
  return { kind: 'createType', name: statement.name, type, exists: existing !== undefined };
}

export interface DropTypeAnalysis {
  readonly kind: 'dropType';
  readonly name: string;
  readonly exists: boolean;
}

export function analyzeDropType(statement: Ast.DropType, context: AnalysisContext): DropTypeAnalysis {
  const existing = context.catalog.customType(statement.name);
  if (existing === undefined && !statement.ifExists) throw error(`Type ${statement.name} does not exist.`);
  return { kind: 'dropType', name: statement.name, exists: existing !== undefined };
}
