/**
 * Join analysis (FROM a JOIN b ON ... [JOIN c ON ...]) as ksqlDB's Analyzer, JoinTree and
 * LogicalPlanner do it: sources and aliases (no self joins), the criteria (one equality, each side
 * referencing exactly one source, one side the new source), the join kind (stream-stream with
 * WITHIN, stream-table on the table's primary key, table-table on the right table's primary key
 * or a foreign key of the left), windowing compatibility, matching key types; sides not keyed by
 * their join expression are re-keyed through a repartition topic. The joined rows carry every
 * column of both sides (`<ALIAS>_<COLUMN>` in step schemas); the key is the join key, named after
 * the first join column (`L_ID`) or the synthetic `ROWKEY`.
 */
import {
  ROWOFFSET_NAME,
  ROWPARTITION_NAME,
  ROWTIME_NAME,
  SluiceError,
  WINDOWEND_NAME,
  WINDOWSTART_NAME,
  formatSqlType,
  sqlTypesEqual,
  systemColumnType,
  type Ast,
  type DataSource,
  type Expr,
} from './deps.js';
import { validateKeyColumnTypes } from '../../engine/formats/index.js';
import type { AnalysisContext } from './context.js';
import { ExpressionAnalyzer, expressionText, walkAst } from './expressions.js';
import type { JoinKind, LogicalNode } from './logical.js';
import { durationMs } from './properties.js';
import { ShapeScope, type RowColumn, type RowShape } from './scope.js';
import type { TypeResolver } from './types.js';

/** What the query selects, for choosing the join key's column (ksqlDB's Projection). */
export interface JoinProjection {
  /** The single select expressions. */
  readonly expressions: readonly Ast.Expression[];
  /** An unqualified `*`: every column is selected. */
  readonly allSources: boolean;
  /** The aliases of `X.*` items. */
  readonly sources: readonly string[];
}

export interface JoinAnalysis {
  readonly node: LogicalNode;
  readonly sources: ReadonlyArray<{ alias: string; source: DataSource }>;
  /** Texts of the join key expressions for "must include the join expression" messages. */
  readonly keyTexts: string[];
  /** The expressions (qualified column references) that give the result's key. */
  readonly keyExpressions: Ast.Expression[];
  readonly isTable: boolean;
  /** The key is the synthetic ROWKEY (no join column can be the key). */
  readonly synthetic: boolean;
}

const KAFKA_VALUE_FORMAT_LIMITATION_DETAILS =
  'The KAFKA format is primarily intended for use as a key format. It can be used as a value format, but can not be used in any operation that requires a repartition or changelog topic.\n' +
  'Removing this limitation requires enhancements to the core of KSQL. This will come in a future release. Until then, avoid using the KAFKA format for values.\n' +
  'If you have an existing topic with KAFKA formatted values you can duplicate the data and serialize using Avro or JSON with a statement such as: \n\n' +
  "'CREATE STREAM <new-stream-name> WITH(VALUE_FORMAT='Avro') AS SELECT * FROM <existing-kafka-formated-stream-name>;'\n" +
  'For more info see https://github.com/confluentinc/ksql/issues/3060';

function error(message: string): SluiceError {
  return new SluiceError('SQL_ANALYSIS', message);
}

interface Leaf {
  alias: string;
  source: DataSource;
}

interface Tree {
  node: LogicalNode;
  leaves: Leaf[];
  isTable: boolean;
  windowKind: 'TUMBLING' | 'HOPPING' | 'SESSION' | null;
  /** For leaves: the source's single key column name, if it has exactly one. */
}

function joinTypeOf(type: Ast.JoinType): JoinKind {
  return type === 'FULL' ? 'OUTER' : type;
}

function joinTypeText(type: JoinKind): string {
  switch (type) {
    case 'INNER':
      return '[INNER] JOIN';
    case 'LEFT':
      return 'LEFT [OUTER] JOIN';
    case 'RIGHT':
      return 'RIGHT [OUTER] JOIN';
    case 'OUTER':
      return '[FULL] OUTER JOIN';
  }
}

function leafShape(leaf: Leaf): RowShape {
  const q = leaf.alias;
  return {
    key: leaf.source.keyColumns.map((c) => ({ name: c.name, type: c.type, qualifier: q })),
    value: leaf.source.valueColumns.map((c) => ({ name: c.name, type: c.type, qualifier: q })),
    windowed: leaf.source.window !== null,
  };
}

/**
 * A join input read from a source: the source, then ksqlDB's PrependAlias projection, which
 * copies the key columns into the value and names every column `<ALIAS>_<NAME>`.
 */
function prepended(leaf: Leaf, idPrefix: string, side: 'Left' | 'Right'): LogicalNode {
  const q = leaf.alias;
  const shape = leafShape(leaf);
  const source: LogicalNode = { kind: 'source', alias: q, source: leaf.source, shape, id: `KafkaTopic_${idPrefix}${side}/Source` };
  const column = (c: RowColumn, kind: 'KEY' | 'VALUE', index: number): Expr => ({ kind: 'column', type: c.type, source: { kind, index }, name: c.name });
  const valueExpressions = [
    ...shape.value.map((c, i) => ({ name: `${q}_${c.name}`, expression: column(c, 'VALUE', i) })),
    ...shape.key.map((c, i) => ({ name: `${q}_${c.name}`, expression: column(c, 'KEY', i) })),
  ];
  const keyExpressions = shape.key.map((c, i) => ({ name: c.name, expression: column(c, 'KEY', i) }));
  // ksqlDB joins each side's schema withPseudoAndKeyColsInValue: `L.ROWTIME` is the left record's
  // time, not the joined record's (and `L.WINDOWSTART` its window's start).
  const pseudoColumns: RowColumn[] = [];
  for (const name of [ROWTIME_NAME, ROWPARTITION_NAME, ROWOFFSET_NAME, ...(shape.windowed ? [WINDOWSTART_NAME, WINDOWEND_NAME] : [])]) {
    const type = systemColumnType(name)!;
    const kind = name as 'ROWTIME' | 'ROWPARTITION' | 'ROWOFFSET' | 'WINDOWSTART' | 'WINDOWEND';
    valueExpressions.push({ name: `${q}_${name}`, expression: { kind: 'column', type, source: { kind }, name } });
    pseudoColumns.push({ name, type, qualifier: q, physicalName: `${q}_${name}`, qualifiedOnly: true });
  }
  return {
    kind: 'project',
    input: source,
    keyExpressions,
    valueExpressions,
    shape: {
      key: shape.key,
      value: [...[...shape.value, ...shape.key].map((c) => ({ ...c, physicalName: `${q}_${c.name}` })), ...pseudoColumns],
      windowed: shape.windowed,
    },
    id: `${idPrefix}PrependAlias${side}`,
  };
}

/** The qualifiers (source aliases) an expression references. */
function referencedAliases(ast: Ast.Expression, scope: ShapeScope, clause: string): Set<string> {
  const out = new Set<string>();
  walkAst(ast, (e) => {
    if (e.kind === 'columnReference' || e.kind === 'qualifiedColumnReference') {
      const qualifier = e.kind === 'qualifiedColumnReference' ? e.source : undefined;
      const result = scope.resolve(qualifier, e.name);
      const text = qualifier === undefined ? e.name : `${qualifier}.${e.name}`;
      if (result === undefined) throw new SluiceError('SQL_ANALYSIS', `${clause} column '${text}' cannot be resolved.`, { kind: 'nameResolution', found: text, span: e.span });
      if ('unknownQualifier' in result) throw error(`'${result.unknownQualifier}' is not a valid stream/table name or alias.`);
      if ('ambiguous' in result) {
        throw new SluiceError('SQL_ANALYSIS', `Column '${e.name}' is ambiguous. Could be ${result.ambiguous.map((s) => `${s}.${e.name}`).join(' or ')}.`, {
          kind: 'nameResolution',
          span: e.span,
        });
      }
      if (result.qualifier !== null) out.add(result.qualifier);
      else {
        // A previous join's key column: the source column it came from.
        const sources = new Set<string>();
        for (const c of [...scope.shape.key, ...scope.shape.value]) if (c.name === e.name && c.qualifier !== null) sources.add(c.qualifier);
        if (sources.size === 1) out.add([...sources][0]!);
      }
    }
  });
  return out;
}

/**
 * The source alias an unqualified column name resolves to; a previous join's key column (no
 * qualifier of its own) is the source column it came from, when only one source has that name.
 */
function sourceOf(name: string, scope: ShapeScope): string | null {
  const r = scope.resolve(undefined, name);
  if (r === undefined || !('qualifier' in r)) return null;
  if (r.qualifier !== null) return r.qualifier;
  const sources = new Set<string>();
  for (const c of [...scope.shape.key, ...scope.shape.value]) if (c.name === name && c.qualifier !== null) sources.add(c.qualifier);
  return sources.size === 1 ? [...sources][0]! : null;
}

/** An unqualified column reference as `alias.column` (ksqlDB's analyzer qualifies them). */
function qualified(e: Ast.Expression, scope: ShapeScope): Ast.Expression {
  if (e.kind !== 'columnReference') return e;
  const source = sourceOf(e.name, scope);
  return source === null ? e : { kind: 'qualifiedColumnReference', source, name: e.name, span: e.span };
}

/** Rewrites unqualified column references to `alias.column`, for ksqlDB's messages. */
function qualifiedText(ast: Ast.Expression, scope: ShapeScope): string {
  return expressionText(qualified(ast, scope));
}

export function analyzeJoin(
  context: AnalysisContext,
  join: Ast.Join,
  lookup: (name: string) => DataSource,
  types: TypeResolver,
  projection: JoinProjection,
): JoinAnalysis {
  const leaves: Leaf[] = [{ alias: join.left.alias, source: lookup(join.left.name) }];
  for (const r of join.rights) {
    const source = lookup(r.relation.name);
    if (leaves.some((l) => l.source.name === source.name)) {
      throw error(
        leaves.length > 1
          ? `N-way joins do not support multiple occurrences of the same source. Source: '${source.name}'.`
          : `Can not join '${source.name}' to '${leaves[0]!.source.name}': self joins are not yet supported.`,
      );
    }
    leaves.push({ alias: r.relation.alias, source });
  }
  const aliases = leaves.map((l) => l.alias);

  // KAFKA value format cannot join.
  const kafka = leaves.filter((l) => l.source.valueFormat.format === 'KAFKA').map((l) => l.alias);
  if (kafka.length > 0) {
    throw error(`Source(s) ${kafka.join(', ')} are using the 'KAFKA' value format. This format does not yet support JOIN.\n${KAFKA_VALUE_FORMAT_LIMITATION_DETAILS}`);
  }

  const first = leaves[0]!;
  const idPrefix = (index: number): string => 'L_'.repeat(join.rights.length - 1 - index);
  let tree: Tree = {
    node: prepended(first, idPrefix(0), 'Left'),
    leaves: [first],
    isTable: first.source.kind === 'TABLE',
    windowKind: first.source.window?.kind ?? null,
  };
  let keyExpressions: Ast.Expression[] = [];
  let keyTexts: string[] = [];
  let equivalence: Ast.Expression[] = [];
  let synthetic = false;
  /** The source whose topic gives the tree's partition count (JoinNode.getPartitions: the right input's). */
  let partitionLeaf: Leaf = first;

  join.rights.forEach((joined, index) => {
    const rightLeaf = leaves[index + 1]!;
    const on = joined.on;
    const allShape: RowShape = {
      key: [...tree.node.shape.key, ...leafShape(rightLeaf).key],
      value: [...tree.node.shape.value, ...leafShape(rightLeaf).value],
      windowed: false,
    };
    const allScope = new ShapeScope(allShape, { aliases: [...tree.leaves.map((l) => l.alias), rightLeaf.alias], pseudoColumns: true, windowBounds: true });
    if (on.kind !== 'comparison') {
      if (on.kind === 'logicalBinary' && on.left.kind === 'comparison' && on.left.operator === '=' && on.right.kind === 'comparison' && on.right.operator === '=') {
        throw error(`Invalid join condition: joins on multiple conditions are not yet supported. Got ${qualifiedText(on, allScope)}.`);
      }
      throw error(`Unsupported join expression: ${expressionText(on)}`);
    }
    if (on.operator !== '=') throw error('Only equality join criteria is supported.');
    const leftRefs = referencedAliases(on.left, allScope, 'JOIN ON');
    const rightRefs = referencedAliases(on.right, allScope, 'JOIN ON');
    const onText = `(${qualifiedText(on.left, allScope)} = ${qualifiedText(on.right, allScope)})`;
    for (const [side, refs] of [
      [on.left, leftRefs],
      [on.right, rightRefs],
    ] as const) {
      if (refs.size !== 1) {
        throw error(
          `Invalid comparison expression '${qualifiedText(side, allScope)}' in join '${onText}'. Each side of the join comparision must contain references from exactly one source.`,
        );
      }
    }
    const leftAlias = [...leftRefs][0]!;
    const rightAlias = [...rightRefs][0]!;
    if (leftAlias === rightAlias) {
      throw error(`Each side of the join must reference exactly one source and not the same source. Left side references \`${leftAlias}\` and right references \`${rightAlias}\``);
    }
    let leftExpression: Ast.Expression;
    let rightExpression: Ast.Expression;
    if (rightAlias === rightLeaf.alias) {
      leftExpression = on.left;
      rightExpression = on.right;
    } else if (leftAlias === rightLeaf.alias) {
      leftExpression = on.right;
      rightExpression = on.left;
    } else {
      throw error(
        `A join criteria is expected to reference the source (\`${rightLeaf.alias}\`) in the FROM clause, instead the right source references \`${rightAlias}\` and the left source references \`${leftAlias}\``,
      );
    }
    const treeAliases = tree.leaves.map((l) => l.alias);
    const leftExprAlias = leftAlias === rightLeaf.alias ? rightAlias : leftAlias;
    if (!treeAliases.includes(leftExprAlias)) {
      throw error(`Cannot build JOIN tree; neither source in the join is the FROM source or included in a previous JOIN`);
    }

    // Windowing.
    const rightWindow = rightLeaf.source.window?.kind ?? null;
    if ((tree.windowKind === null) !== (rightWindow === null)) {
      const leftName = tree.leaves.length === 1 ? tree.leaves[0]!.alias : leftExprAlias;
      throw error(
        `Can not join windowed source to non-windowed source.\n\`${leftName}\` is ${tree.windowKind ?? 'not'} windowed\n\`${rightLeaf.alias}\` is ${rightWindow ?? 'not'} windowed`,
      );
    }
    if (tree.windowKind !== null && rightWindow !== null) {
      const compatible = tree.windowKind === 'SESSION' ? rightWindow === 'SESSION' : rightWindow !== 'SESSION';
      if (!compatible) {
        throw error(
          `Incompatible windowed sources.\nLeft source: ${tree.windowKind}\nRight source: ${rightWindow}\n` +
            'Session windowed sources can only be joined to other session windowed sources, and may still not result in expected behaviour as session bounds must be an exact match for the join to work\n' +
            'Hopping and tumbling windowed sources can only be joined to other hopping and tumbling windowed sources',
        );
      }
    }

    const joinType = joinTypeOf(joined.type);
    const leftIsTable = tree.isTable;
    const rightIsTable = rightLeaf.source.kind === 'TABLE';
    const leftShape = tree.node.shape;
    const prefix = idPrefix(index);
    const rightInput = prepended(rightLeaf, prefix, 'Right');
    const rightShape = rightInput.shape;
    const leftScope = new ShapeScope(leftShape, { aliases: treeAliases, pseudoColumns: true, windowBounds: leftShape.windowed });
    const rightScope = new ShapeScope(rightShape, { aliases: [rightLeaf.alias], pseudoColumns: true, windowBounds: rightShape.windowed });
    const analyzerOf = (scope: ShapeScope): ExpressionAnalyzer => new ExpressionAnalyzer({ scope, functions: context.functions, types, clause: 'JOIN ON' });
    const leftTyped = analyzerOf(leftScope).analyzeTyped(leftExpression);
    const rightTyped = analyzerOf(rightScope).analyzeTyped(rightExpression);
    const leftText = qualifiedText(leftExpression, allScope);
    const rightText = qualifiedText(rightExpression, allScope);
    const flippedLeftText = qualifiedText(on.left, allScope);
    const flippedRightText = qualifiedText(on.right, allScope);
    const leftName = tree.leaves.length === 1 ? tree.leaves[0]!.source.name : leftExprAlias;

    const isKeyOf = (typed: { expr: Expr }, shape: RowShape): boolean =>
      shape.key.length === 1 && typed.expr.kind === 'column' && typed.expr.source.kind === 'KEY' && typed.expr.source.index === 0;

    let kind: 'streamStream' | 'streamTable' | 'tableTable' | 'foreignKey';
    let foreignKey: Expr | null = null;
    if (!leftIsTable) {
      if (rightIsTable) {
        if (joinType === 'OUTER') {
          throw error(`Invalid join type: full-outer join not supported for stream-table join. Got ${leftName} ${joinTypeText(joinType)} ${rightLeaf.source.name}.`);
        }
        if (!isKeyOf(rightTyped, rightShape)) {
          throw error(`Invalid join condition: stream-table joins require to join on the table's primary key. Got ${flippedLeftText} = ${flippedRightText}.`);
        }
        if (joined.within !== undefined) {
          throw error(
            'A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your join again.',
          );
        }
        kind = 'streamTable';
      } else {
        if (joined.within === undefined) {
          throw error(
            'Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select',
          );
        }
        kind = 'streamStream';
      }
    } else {
      if (!rightIsTable) {
        throw error(
          `Invalid join order: table-stream joins are not supported; only stream-table joins. Got ${leftName} ${joinTypeText(joinType)} ${rightLeaf.source.name}.`,
        );
      }
      if (!isKeyOf(rightTyped, rightShape)) {
        throw error(`Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ${flippedLeftText} = ${flippedRightText}.`);
      }
      if (joined.within !== undefined) {
        throw error(
          'A window definition was provided for a Table-Table join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your Table-Table join again.',
        );
      }
      if (!(tree.leaves.length === 1 ? isKeyOf(leftTyped, leftShape) : isSourceKey(leftExpression, tree.leaves))) {
        if (joinType === 'OUTER') {
          throw error(`Invalid join type: full-outer join not supported for foreign-key table-table join. Got ${leftName} ${joinTypeText(joinType)} ${rightLeaf.source.name}.`);
        }
        if (tree.leaves.length > 1) {
          throw error(`Invalid join condition: foreign-key table-table joins are not supported as part of n-way joins. Got ${flippedLeftText} = ${flippedRightText}.`);
        }
        if (joinType === 'RIGHT') throw error('RIGHT OUTER JOIN on a foreign key is not supported');
        kind = 'foreignKey';
        foreignKey = leftTyped.expr;
      } else {
        kind = 'tableTable';
      }
    }
    if (kind !== 'foreignKey' && !sqlTypesEqual(leftTyped.type, rightTyped.type)) {
      throw error(
        `Invalid join condition: types don't match. Got ${leftText}{${formatSqlType(leftTyped.type)}} = ${rightText}{${formatSqlType(rightTyped.type)}}.`,
      );
    }

    // Re-key the sides that are not keyed by their join expression (streams only).
    // A nested stream join with a synthetic key (FULL OUTER) is re-keyed by its source column; a
    // nested table join is never re-keyed (SchemaKTable.selectKey), its key stands for the set.
    const leftKeyedByEquivalence = tree.leaves.length > 1 && (!synthetic || tree.isTable) && equivalence.some((e) => expressionText(e) === qualifiedText(leftExpression, allScope));
    const rekey = (node: LogicalNode, typed: { expr: Expr; type: import('./deps.js').SqlType }, shape: RowShape, side: 'Left' | 'Right'): LogicalNode => {
      if (kind === 'foreignKey' || isKeyOf(typed, shape)) return node;
      if (side === 'Left' && leftKeyedByEquivalence) return node;
      if (side === 'Left' ? leftIsTable : rightIsTable) {
        // SchemaKTable.selectKey: a table is never re-keyed (a nested join on another key column).
        throw error(
          `Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column ${shape.key.map((c) => c.physicalName ?? c.name).join(', ')} instead of [${expressionText(side === 'Left' ? leftExpression : rightExpression)}]`,
        );
      }
      const keyName = `${side === 'Left' ? 'L' : 'R'}_KEY`;
      if (shape.windowed) throw error('Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.');
      // The repartition topic's key is the side's column (`L_L0`): keys holding a MAP are refused.
      const keyExpression = side === 'Left' ? leftExpression : rightExpression;
      const keyColumn = qualified(keyExpression, allScope);
      try {
        validateKeyColumnTypes([{ name: keyColumn.kind === 'qualifiedColumnReference' ? `${keyColumn.source}_${keyColumn.name}` : keyName, type: typed.type }]);
      } catch (cause) {
        throw error((cause as Error).message);
      }
      return {
        kind: 'partitionBy',
        input: node,
        keyExpressions: [typed.expr],
        appendOldKey: false,
        repartition: true,
        id: `${prefix}${side}SourceKeyed`,
        shape: { key: [{ name: keyName, type: typed.type, qualifier: null }], value: shape.value, windowed: shape.windowed },
      };
    };
    const left = rekey(tree.node, leftTyped, leftShape, 'Left');
    const right = rekey(rightInput, rightTyped, rightShape, 'Right');

    // The key (ksqlDB's JoinKey): the join expressions that are equivalent form a set; its column
    // references are the viable key columns, and the first one the projection selects (else the
    // first one) names the key. Outer joins, and joins on expressions, get the synthetic ROWKEY.
    const qualify = (e: Ast.Expression): Ast.Expression => qualified(e, allScope);
    const textOf = (e: Ast.Expression): string => expressionText(qualify(e));
    const leftQualified = qualify(leftExpression);
    const rightQualified = qualify(rightExpression);
    const previous = equivalence;
    equivalence = previous.some((e) => textOf(e) === textOf(leftQualified)) ? [...previous, rightQualified] : [leftQualified, rightQualified];
    const viable = joinType === 'OUTER' ? [] : equivalence.filter((e) => e.kind === 'qualifiedColumnReference');
    let keyName: string;
    if (kind === 'foreignKey') {
      keyName = leftShape.key[0]?.physicalName ?? leftShape.key[0]?.name ?? 'ROWKEY';
      keyExpressions = leftShape.key.map((k) => ({ kind: 'qualifiedColumnReference', source: k.qualifier ?? '', name: k.name, span: on.span }) as Ast.Expression);
      keyTexts = leftShape.key.map((k) => `${k.qualifier}.${k.name}`);
      synthetic = false;
    } else if (viable.length > 0) {
      // LogicalPlanner.buildJoinKey: the first viable column the projection contains.
      const selected = new Set(projection.expressions.map((e) => textOf(e)));
      const contains = (e: Ast.Expression): boolean =>
        projection.allSources || (e.kind === 'qualifiedColumnReference' && projection.sources.includes(e.source)) || selected.has(textOf(e));
      const chosen = (viable.find(contains) ?? viable[0]!) as Ast.QualifiedColumnReference;
      keyName = `${chosen.source}_${chosen.name}`;
      keyExpressions = [chosen];
      keyTexts = viable.map((e) => textOf(e));
      synthetic = false;
    } else {
      keyName = syntheticKeyName(leaves);
      keyExpressions = [{ kind: 'columnReference', name: keyName, span: on.span }];
      keyTexts = [keyName];
      synthetic = true;
    }
    const keyType = kind === 'foreignKey' ? leftShape.key[0]!.type : leftTyped.type;
    const shape: RowShape = {
      key: [{ name: keyName, type: keyType, qualifier: null }],
      value: [...leftShape.value, ...rightShape.value, ...(synthetic ? [{ name: keyName, type: keyType, qualifier: null }] : [])],
      windowed: leftShape.windowed || rightShape.windowed,
    };
    // JoinNode.ensureMatchingPartitionCounts: a key join's inputs must be co-partitioned. A
    // nested join counts its right input's partitions; each side is named by its left-most source.
    if (kind !== 'foreignKey') {
      const leftPartitions = context.topics.describe(partitionLeaf.source.topic)?.partitions;
      const rightPartitions = context.topics.describe(rightLeaf.source.topic)?.partitions;
      if (leftPartitions !== undefined && rightPartitions !== undefined && leftPartitions !== rightPartitions) {
        const l = `\`${tree.leaves[0]!.alias}\``;
        const r = `\`${rightLeaf.alias}\``;
        throw error(
          `Can't join ${l} with ${r} since the number of partitions don't match. ${l} partitions = ${leftPartitions}; ${r} partitions = ${rightPartitions}. Please repartition either one so that the number of partitions match.`,
        );
      }
    }
    partitionLeaf = rightLeaf;

    const beforeMs = joined.within === undefined ? 0 : durationMs(joined.within.before);
    const afterMs = joined.within === undefined ? 0 : durationMs(joined.within.after);
    const graceMs = joined.within?.gracePeriod === undefined ? null : durationMs(joined.within.gracePeriod);
    const node: LogicalNode = {
      kind: 'join',
      joinKind: kind,
      joinType,
      left,
      right,
      beforeMs,
      afterMs,
      graceMs,
      keyColumnName: keyName,
      foreignKey,
      shape,
      id: `${prefix}Join`,
    };
    tree = {
      node,
      leaves: [...tree.leaves, rightLeaf],
      isTable: leftIsTable && rightIsTable,
      windowKind: tree.windowKind,
    };
  });

  return { node: tree.node, sources: leaves, keyTexts, keyExpressions, isTable: tree.isTable, synthetic };
}

/**
 * LogicalPlanner.joinOnNonKeyAttribute for a nested join: the expression is a column that is the
 * (single) key column of the source it belongs to.
 */
function isSourceKey(expression: Ast.Expression, leaves: readonly Leaf[]): boolean {
  if (expression.kind !== 'columnReference' && expression.kind !== 'qualifiedColumnReference') return false;
  const name = expression.name;
  const owners =
    expression.kind === 'qualifiedColumnReference'
      ? leaves.filter((l) => l.alias === expression.source)
      : leaves.filter((l) => [...l.source.keyColumns, ...l.source.valueColumns].some((c) => c.name === name));
  if (owners.length !== 1) return false;
  const keys = owners[0]!.source.keyColumns;
  return keys.length === 1 && keys[0]!.name === name;
}

/** ksqlDB's synthetic join key name: ROWKEY, numbered past the ROWKEY_n columns the sources have. */
function syntheticKeyName(leaves: readonly Leaf[]): string {
  const used = new Set<number>();
  for (const l of leaves) {
    for (const c of [...l.source.keyColumns, ...l.source.valueColumns]) {
      const m = /^ROWKEY(?:_(\d+))?$/.exec(c.name);
      if (m !== null) used.add(m[1] === undefined ? 0 : Number(m[1]));
    }
  }
  let n = 0;
  while (used.has(n)) n++;
  return n === 0 ? 'ROWKEY' : `ROWKEY_${n}`;
}

export { aliasesOf };

function aliasesOf(join: Ast.Join): string[] {
  return [join.left.alias, ...join.rights.map((r) => r.relation.alias)];
}
