/**
 * The formats of a query's internal topics — repartition topics and the topics of its state
 * stores — chosen the way ksqlDB's planner chooses them, so their keys are the bytes ksqlDB writes.
 *
 * The key format travels with the data (ksqlDB's SchemaKStream/SchemaKTable `keyFormat`):
 *
 * - a source gives its own key format;
 * - a step that changes the key (PARTITION BY, a join side re-keyed by its join expression,
 *   GROUP BY) keeps the format if it can hold the new key, else uses JSON
 *   (SerdeFeaturesFactory.sanitizeKeyFormat): KAFKA and NONE hold one column only; KAFKA holds
 *   INT, BIGINT, DOUBLE, STRING and BYTES; DELIMITED holds primitive types (not DECIMAL, ARRAY,
 *   MAP or STRUCT); NONE holds nothing; JSON, AVRO, PROTOBUF, PROTOBUF_NOSR and JSON_SR hold all;
 * - GROUP BY on a stream whose key format is NONE starts from `ksql.persistence.default.format.key`
 *   (SchemaKStream.groupBy); GROUP BY on the current key keeps it as it is (groupByKey);
 * - an aggregation keeps its grouping's format (windowed results: the same format, windowed);
 * - both sides of a key join use one key format (JoinNode.resolveKeyFormats): the left side's
 *   source's, unless the left side is re-keyed, then the right side's, and when both are re-keyed
 *   the first source's that is not NONE, else the default key format. Key formats compare with
 *   their window (type and size). Nested joins resolve the same way, and a re-keyed nested join
 *   resolves its own format. A foreign-key join keeps the left table's key format;
 * - a join side is repartitioned into the join's key format (PreJoinRepartitionNode,
 *   SchemaKStream/SchemaKTable.selectKey) when it is re-keyed (the analyzer's `SourceKeyed`
 *   nodes), when its source has another key format (tables too), and always when the join's key
 *   format is AVRO, PROTOBUF or JSON_SR (schema inference: the key schemas of two sources may
 *   differ, so their bytes would not match); the right table of a foreign-key join is
 *   repartitioned when its key format is AVRO, PROTOBUF or JSON_SR and its key holds a STRUCT
 *   (LogicalPlanner.shouldRepartitionFKJoin). A windowed stream can only be moved for a schema
 *   registry format, a windowed table never (ksqlDB's "Implicit repartitioning of windowed sources
 *   is not supported" errors), nor a table with several key columns;
 * - filters, projections, table functions and EMIT FINAL keep the format.
 *
 * Internal topics never carry a fixed schema id (InternalFormats.of drops `schemaId`) nor stored
 * wrapping features: the serde factory gives a single key column ksqlDB's UNWRAP_SINGLES default,
 * as ksqlDB's sanitizeKeyFormatWrapping does. Values use the leftmost source's value format.
 */
import { SluiceError } from '../../common/index.js';
import { FORMATS, resolveFormatName, type FormatName } from '../../engine/formats/index.js';
import type { FormatSpec, Formats } from '../../engine/steps/index.js';
import type { SqlType } from '../../engine/types/index.js';
import type { LogicalNode } from '../analyze/index.js';
import type { DataSource } from '../catalog/index.js';

type JoinNode = Extract<LogicalNode, { kind: 'join' }>;

export const DEFAULT_KEY_FORMAT_PROPERTY = 'ksql.persistence.default.format.key';

/** Properties an internal topic does not inherit: serde features (recomputed) and schema ids. */
const NOT_INHERITED = new Set(['features', 'schemaId']);

function inherited(spec: FormatSpec): FormatSpec {
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.properties)) if (!NOT_INHERITED.has(key)) properties[key] = value;
  return { format: spec.format.toUpperCase(), properties };
}

const JSON_KEY: FormatSpec = { format: 'JSON', properties: {} };

/** ksqlDB's Format.supportsKeyType. */
function supportsKeyType(format: FormatName, type: SqlType): boolean {
  return FORMATS[format].supportsKeyType(type);
}

/**
 * SerdeFeaturesFactory.sanitizeKeyFormat: `spec` when its format can hold a key of `keyTypes`,
 * else JSON (no properties). Formats are compared by name; unknown names throw ENGINE_FORMAT_UNSUPPORTED.
 */
export function sanitizeKeyFormat(spec: FormatSpec, keyTypes: readonly SqlType[]): FormatSpec {
  const format = resolveFormatName(spec.format);
  if (keyTypes.length > 1 && !FORMATS[format].multipleKeyColumns) return JSON_KEY;
  if (!keyTypes.every((type) => supportsKeyType(format, type))) return JSON_KEY;
  return spec;
}

function sameFormat(a: FormatSpec, b: FormatSpec): boolean {
  if (a.format !== b.format) return false;
  const ak = Object.keys(a.properties).sort();
  const bk = Object.keys(b.properties).sort();
  return ak.length === bk.length && ak.every((k, i) => k === bk[i] && a.properties[k] === b.properties[k]);
}

function leftmostSource(node: LogicalNode): DataSource {
  switch (node.kind) {
    case 'source':
      return node.source;
    case 'join':
      return leftmostSource(node.left);
    default:
      return leftmostSource(node.input);
  }
}

function sourcesOf(node: LogicalNode): DataSource[] {
  switch (node.kind) {
    case 'source':
      return [node.source];
    case 'join':
      return [...sourcesOf(node.left), ...sourcesOf(node.right)];
    default:
      return sourcesOf(node.input);
  }
}

/** A join side re-keyed by its join expression (the analyzer's `<prefix>LeftSourceKeyed`...). */
function isJoinRepartition(node: LogicalNode): node is Extract<LogicalNode, { kind: 'partitionBy' }> {
  return node.kind === 'partitionBy' && node.repartition === true;
}

function producesTable(node: LogicalNode): boolean {
  switch (node.kind) {
    case 'source':
      return node.source.kind === 'TABLE';
    case 'join':
      return node.joinKind === 'tableTable' || node.joinKind === 'foreignKey';
    case 'aggregate':
      return true;
    case 'partitionBy':
      return false;
    default:
      return producesTable(node.input);
  }
}

function keyTypes(node: LogicalNode): SqlType[] {
  return node.shape.key.map((c) => c.type);
}

/** The default key format: `options.defaultKeyFormat`, else the plan's property, else KAFKA. */
export function defaultKeyFormatOf(properties: Readonly<Record<string, unknown>>, options: { readonly defaultKeyFormat?: string }): string {
  const value = options.defaultKeyFormat ?? properties[DEFAULT_KEY_FORMAT_PROPERTY];
  return value === undefined || value === null ? 'KAFKA' : String(value);
}

/** A key format with its window (ksqlDB's KeyFormat: FormatInfo, features and WindowInfo). */
interface KeyFormat {
  readonly spec: FormatSpec;
  readonly window: { readonly kind: string; readonly sizeMs: number | null } | null;
}

function sourceKeyFormat(source: DataSource): KeyFormat {
  return { spec: inherited(source.keyFormat), window: source.window === null ? null : { kind: source.window.kind, sizeMs: source.window.sizeMs ?? null } };
}

function sameKeyFormat(a: KeyFormat, b: KeyFormat): boolean {
  if (!sameFormat(a.spec, b.spec)) return false;
  if (a.window === null || b.window === null) return a.window === b.window;
  return a.window.kind === b.window.kind && a.window.sizeMs === b.window.sizeMs;
}

/** Formats that infer schemas from the registry (ksqlDB's SerdeFeature.SCHEMA_INFERENCE). */
function infersSchemas(spec: FormatSpec): boolean {
  return FORMATS[resolveFormatName(spec.format)].usesRegistry;
}

function analysisError(message: string): SluiceError {
  return new SluiceError('SQL_ANALYSIS', message);
}

const WINDOWED_REPARTITION = 'Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.';

/** Key formats of a logical plan's nodes, and the formats of the internal topics of its steps. */
export class InternalFormatResolver {
  /** The key format a join imposes on a side (ksqlDB's forcedInternalKeyFormat). */
  private readonly forced = new Map<LogicalNode, FormatSpec>();
  private readonly keyFormats = new Map<LogicalNode, FormatSpec>();
  /** Join sides read as they are that must still be repartitioned into the join's key format. */
  private readonly moved = new Set<LogicalNode>();

  constructor(
    root: LogicalNode,
    private readonly defaultKeyFormat: string,
  ) {
    this.resolveJoins(root);
  }

  /** The formats of the internal topics of the step planned from `node`. */
  internalFormats(node: LogicalNode): Formats {
    return { key: this.keyFormatOf(node), value: inherited(leftmostSource(node).valueFormat) };
  }

  /**
   * Whether a join side that is not re-keyed must still go through a repartition topic, into the
   * join's key format (its formats are then `internalFormats(side)`).
   */
  repartitionsSide(side: LogicalNode): boolean {
    return this.moved.has(side);
  }

  /** The key format of `node`'s output rows. */
  keyFormatOf(node: LogicalNode): FormatSpec {
    const known = this.keyFormats.get(node);
    if (known !== undefined) return known;
    const forced = this.forced.get(node);
    let format: FormatSpec;
    switch (node.kind) {
      case 'source':
        format = forced === undefined ? inherited(node.source.keyFormat) : sanitizeKeyFormat(forced, keyTypes(node));
        break;
      case 'partitionBy':
        format = sanitizeKeyFormat(forced ?? this.keyFormatOf(node.input), keyTypes(node));
        break;
      case 'groupBy': {
        const input = this.keyFormatOf(node.input);
        if (producesTable(node.input)) format = sanitizeKeyFormat(input, keyTypes(node));
        else if (node.keyUnchanged) format = input;
        else format = sanitizeKeyFormat(input.format === 'NONE' ? this.defaultKey() : input, keyTypes(node));
        break;
      }
      case 'join':
        format = this.keyFormatOf(node.left);
        break;
      default:
        format = forced === undefined ? this.keyFormatOf(node.input) : sanitizeKeyFormat(forced, keyTypes(node));
    }
    this.keyFormats.set(node, format);
    return format;
  }

  private defaultKey(): FormatSpec {
    return { format: resolveFormatName(this.defaultKeyFormat), properties: {} };
  }

  /** Finds the outermost joins (below aggregations, filters...) and resolves their key formats. */
  private resolveJoins(node: LogicalNode): void {
    if (node.kind === 'source') return;
    if (node.kind === 'join') {
      this.resolveJoin(node);
      return;
    }
    this.resolveJoins(node.input);
  }

  /** JoinNode.resolveKeyFormats. */
  private resolveJoin(join: JoinNode): void {
    this.setJoinFormat(join, this.preferred(join) ?? this.firstSourceKeyFormat(join));
  }

  /** JoinNode.setKeyFormat. */
  private setJoinFormat(join: JoinNode, format: KeyFormat): void {
    this.setSideFormat(join, join.left, 'left', format);
    this.setSideFormat(join, join.right, 'right', format);
  }

  private setSideFormat(join: JoinNode, side: LogicalNode, position: 'left' | 'right', format: KeyFormat): void {
    if (side.kind === 'join') {
      // A nested join keyed by this join's expression: no repartition node of its own.
      this.setJoinFormat(side, format);
      return;
    }
    if (isJoinRepartition(side)) {
      // Re-keyed anyway: through the join's format. A re-keyed join resolves its own sides.
      this.forced.set(side, format.spec);
      this.resolveJoins(side.input);
      return;
    }
    // A side read as it is. Foreign-key joins have no repartition node, but for the right table
    // with a STRUCT key in a schema registry format.
    const source = leftmostSource(side);
    if (join.joinKind === 'foreignKey' && !(position === 'right' && fkRightNeedsRepartition(source))) return;
    // PreJoinRepartitionNode.maybeForceInternalKeyFormat and the selectKey it leads to.
    const force = infersSchemas(format.spec);
    if (!force && sameKeyFormat(format, sourceKeyFormat(source))) return;
    if (source.kind === 'TABLE') {
      if (source.keyColumns.length > 1) {
        throw analysisError('Cannot repartition a TABLE source. If this is a join, joins on tables with multiple columns is not yet supported.');
      }
      if (source.window !== null) {
        throw analysisError(
          WINDOWED_REPARTITION +
            (force
              ? ' As a result, ksqlDB does not support joins on windowed sources with Schema-Registry-enabled key formats (AVRO, JSON_SR, PROTOBUF) at this time. Please repartition your sources to use a different key format before performing the join.'
              : ''),
        );
      }
    } else if (source.window !== null && !force) {
      throw analysisError(WINDOWED_REPARTITION);
    }
    this.forced.set(side, format.spec);
    this.moved.add(side);
  }

  /** JoinNode.getPreferredKeyFormat: a re-keyed side has no preference. */
  private preferred(node: LogicalNode): KeyFormat | undefined {
    if (node.kind === 'join') return this.preferred(node.left) ?? this.preferred(node.right);
    if (isJoinRepartition(node)) return undefined;
    return sourceKeyFormat(leftmostSource(node));
  }

  /** JoinNode.getDefaultSourceKeyFormat: the first source's key format that is not NONE. */
  private firstSourceKeyFormat(join: JoinNode): KeyFormat {
    const source = sourcesOf(join).find((s) => s.keyFormat.format.toUpperCase() !== 'NONE');
    return source === undefined ? { spec: this.defaultKey(), window: null } : sourceKeyFormat(source);
  }
}

/**
 * LogicalPlanner.shouldRepartitionFKJoin: the right table of a foreign-key join whose key format
 * is AVRO, PROTOBUF or JSON_SR and whose key holds a STRUCT (its registered key schema may not be
 * the one ksqlDB derives, so the subscription keys would not match its bytes).
 */
function fkRightNeedsRepartition(source: DataSource): boolean {
  const format = source.keyFormat.format.toUpperCase();
  return (format === 'AVRO' || format === 'PROTOBUF' || format === 'JSON_SR') && source.keyColumns.some((c) => c.type.kind === 'STRUCT');
}
