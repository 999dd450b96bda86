/**
 * Query analysis: a SELECT resolved against the catalog into a logical plan (logical.ts) with
 * typed expressions, following ksqlDB's AstSanitizer, Analyzer, AggregateAnalyzer and
 * LogicalPlanner rules:
 *
 * - select items get their names (alias, column name, struct field name, `KSQL_COL_n`);
 *   reserved names are rejected; `*` expands to key columns, window bounds, value columns;
 * - WHERE filters the source rows; PARTITION BY re-keys them (the old key stays readable);
 *   table functions become a flat-map; GROUP BY / aggregates / WINDOW / HAVING become
 *   groupBy + aggregate (+ having filter, + suppress for EMIT FINAL);
 * - the projection splits into key and value columns as ksqlDB's FinalProjectNode does:
 *   a persistent query must select each key (or partitioning / grouping expression) exactly
 *   once, may alias it, and must have value columns; a transient query returns everything as
 *   value columns.
 */
import {
  Ast,
  SluiceError,
  WINDOWEND_NAME,
  WINDOWSTART_NAME,
  formatSqlType,
  isSystemColumn,
  isWindowBound,
  quoteIdentifier,
  sqlTypesEqual,
  type ColumnDef,
  type DataSource,
  type Expr,
  type SqlType,
  type WindowKind,
  type WindowSpec,
} from './deps.js';
import { propertyBoolean, typeResolver, type AnalysisContext } from './context.js';
import { ExpressionAnalyzer, expressionKey, expressionText, mapAst, walkAst, type ExpressionHooks, type Typed } from './expressions.js';
import type { AggregateFunctionCall, LogicalNode, NamedExpr, TableFunctionCall } from './logical.js';
import { ColumnAliasGenerator, aggregateColumnName, synthesisedColumnName } from './names.js';
import { durationMs } from './properties.js';
import { ShapeScope, shapeColumns, type RowColumn, type RowShape } from './scope.js';
import { resolveAggregate, resolveTableFunction } from './udfs.js';
import { analyzeJoin } from './joins.js';

export interface QueryOptions {
  /** CREATE ... AS SELECT / INSERT INTO (true) or a transient push / pull query (false). */
  readonly persistent: boolean;
  /** The sink's name, for messages (`The query used to build `OUTPUT` must include ...`). */
  readonly sinkName?: string;
  /** INSERT INTO: the target, whose column types the projection is coerced to. */
  readonly target?: DataSource;
}

export interface OutputColumn extends ColumnDef {
  readonly isKey: boolean;
}

export interface QueryAnalysis {
  readonly root: LogicalNode;
  readonly resultKind: 'STREAM' | 'TABLE';
  /** Output key and value columns (persistent: the sink's; transient: parent key + projection). */
  readonly keyColumns: ColumnDef[];
  readonly valueColumns: ColumnDef[];
  /** Transient queries: the projection in order, key references marked. */
  readonly columns: OutputColumn[];
  /** Windowing of the output key. */
  readonly window: { kind: WindowKind; sizeMs: number | null } | null;
  readonly sources: DataSource[];
  readonly partitionByNull: boolean;
  readonly limit: number | null;
  readonly refinement: 'CHANGES' | 'FINAL' | undefined;
  readonly aggregate: boolean;
  /** The source whose topic the sink inherits formats and partitions from (FROM's left-most). */
  readonly from: DataSource;
  /** The query as ksqlDB's AstSanitizer rewrites it (aliases, qualified columns, EMIT CHANGES). */
  readonly sanitizedQuery: Ast.Query;
}

interface SelectEntry {
  readonly alias: string;
  readonly ast: Ast.Expression;
  /** Came from `*`: window bounds from `*` are dropped by persistent queries. */
  readonly fromStar: boolean;
}

/** Where the select items' key columns come from, for the "must include" message. */
interface KeyRequirement {
  readonly what: 'key column' | 'partitioning expression' | 'grouping expression' | 'join expression';
  /** A join's synthetic ROWKEY. */
  readonly synthetic?: boolean;
  /** Per key column of the current shape, its text in messages. */
  readonly texts: readonly string[];
}

function error(message: string, details: Record<string, unknown> = {}): SluiceError {
  return new SluiceError('SQL_ANALYSIS', message, details);
}

function qualify(columns: readonly ColumnDef[], alias: string): RowColumn[] {
  return columns.map((c) => ({ name: c.name, type: c.type, qualifier: alias }));
}

/** `WINDOW TUMBLING (SIZE 1 MINUTE, ...)` as a step's window spec. */
export function windowSpec(window: Ast.WindowExpression): WindowSpec {
  const graceMs = window.gracePeriod === undefined ? null : durationMs(window.gracePeriod);
  const retentionMs = window.retention === undefined ? null : durationMs(window.retention);
  switch (window.kind) {
    case 'tumblingWindow':
      return { kind: 'TUMBLING', sizeMs: durationMs(window.size), graceMs, retentionMs };
    case 'hoppingWindow': {
      const sizeMs = durationMs(window.size);
      const advanceMs = durationMs(window.advanceBy);
      if (advanceMs <= 0 || advanceMs > sizeMs) {
        throw error(`Window advance by ${advanceMs} must be greater than zero and less than or equal to the window size ${sizeMs}`);
      }
      return { kind: 'HOPPING', sizeMs, advanceMs, graceMs, retentionMs };
    }
    case 'sessionWindow':
      return { kind: 'SESSION', gapMs: durationMs(window.gap), graceMs, retentionMs };
  }
}

function lookupSource(context: AnalysisContext, name: string): DataSource {
  const source = context.catalog.source(name);
  if (source === undefined) throw new SluiceError('SQL_SOURCE_NOT_FOUND', `${name} does not exist.`, { found: name });
  return source;
}

function isColumnRef(ast: Ast.Expression): ast is Ast.ColumnReference | Ast.QualifiedColumnReference {
  return ast.kind === 'columnReference' || ast.kind === 'qualifiedColumnReference';
}

function isNullLiteral(ast: Ast.Expression): boolean {
  return ast.kind === 'nullLiteral';
}

export class QueryAnalyzer {
  private readonly aliases: string[] = [];
  private readonly sources: DataSource[] = [];
  /** The join's key is the synthetic ROWKEY: `*` lists it first (JoinNode.resolveSelectStar). */
  private syntheticJoinKey = false;
  private readonly types;
  /** Resolves unqualified names to their source, for structural comparison of expressions. */
  private nameScope: ShapeScope | null = null;

  constructor(
    private readonly context: AnalysisContext,
    private readonly query: Ast.Query,
    private readonly options: QueryOptions,
  ) {
    this.types = typeResolver(context.catalog);
  }

  private analyzer(scope: ShapeScope, clause: string, hooks?: ExpressionHooks): ExpressionAnalyzer {
    return new ExpressionAnalyzer({ scope, functions: this.context.functions, types: this.types, clause, ...(hooks ? { hooks } : {}) });
  }

  private scopeOf(shape: RowShape, extra: { pseudoColumns?: boolean; hidden?: (name: string) => boolean } = {}): ShapeScope {
    return new ShapeScope(shape, {
      aliases: this.aliases,
      pseudoColumns: extra.pseudoColumns ?? true,
      windowBounds: shape.windowed,
      ...(extra.hidden ? { hidden: extra.hidden } : {}),
    });
  }

  private isAggregateCall(ast: Ast.Expression): ast is Ast.FunctionCall {
    return ast.kind === 'functionCall' && this.context.functions.kindOf(ast.name) === 'AGGREGATE';
  }

  private isTableFunctionCall(ast: Ast.Expression): ast is Ast.FunctionCall {
    return ast.kind === 'functionCall' && this.context.functions.kindOf(ast.name) === 'TABLE';
  }

  analyze(): QueryAnalysis {
    const query = this.query;
    const persistent = this.options.persistent;

    // ---- FROM / JOIN ----
    let node: LogicalNode;
    let fromSource: DataSource;
    let keyRequirement: KeyRequirement;
    let resultIsTable: boolean;
    let joinKeyExpressions: Ast.Expression[] = [];
    if (query.from.kind === 'source') {
      const source = lookupSource(this.context, query.from.name);
      this.aliases.push(query.from.alias);
      this.sources.push(source);
      fromSource = source;
      node = {
        kind: 'source',
        alias: query.from.alias,
        source,
        shape: { key: qualify(source.keyColumns, query.from.alias), value: qualify(source.valueColumns, query.from.alias), windowed: source.window !== null },
      };
      keyRequirement = { what: 'key column', texts: source.keyColumns.map((c) => c.name) };
      resultIsTable = source.kind === 'TABLE';
    } else {
      // ksqlDB's Projection: the single expressions, and `*` / `X.*`, which contain every (X's) column.
      const projection = {
        expressions: query.select.flatMap((i) => (i.kind === 'singleColumn' ? [i.expression] : [])),
        allSources: query.select.some((i) => i.kind === 'allColumns' && i.source === undefined),
        sources: query.select.flatMap((i) => (i.kind === 'allColumns' && i.source !== undefined ? [i.source] : [])),
      };
      const joined = analyzeJoin(this.context, query.from, (name) => lookupSource(this.context, name), this.types, projection);
      this.syntheticJoinKey = joined.synthetic;
      for (const s of joined.sources) {
        this.aliases.push(s.alias);
        this.sources.push(s.source);
      }
      node = joined.node;
      fromSource = joined.sources[0]!.source;
      keyRequirement = { what: 'join expression', texts: joined.keyTexts, synthetic: joined.synthetic };
      resultIsTable = joined.isTable;
      joinKeyExpressions = joined.keyExpressions;
    }
    const sourceShape = node.shape;
    this.nameScope = this.scopeOf(sourceShape);

    // ---- select items: names (AstSanitizer) ----
    const aliasGenerator = new ColumnAliasGenerator(this.sources.flatMap((s) => [...s.keyColumns, ...s.valueColumns].map((c) => c.name)));
    const clashing = this.clashingColumnNames();
    const items: Array<{ kind: 'single'; alias: string; ast: Ast.Expression } | { kind: 'all'; source?: string } | { kind: 'structAll'; base: Ast.Expression }> = [];
    for (const item of query.select) {
      if (item.kind === 'allColumns') {
        if (item.source !== undefined && !this.aliases.includes(item.source)) {
          throw error(`'${item.source}' is not a valid stream/table name or alias.`);
        }
        items.push(item.source === undefined ? { kind: 'all' } : { kind: 'all', source: item.source });
        continue;
      }
      if (item.kind === 'structAll') {
        items.push({ kind: 'structAll', base: item.base });
        continue;
      }
      let alias = item.alias;
      const expression = item.expression;
      if (alias === undefined) {
        if (expression.kind === 'qualifiedColumnReference') {
          alias = clashing.has(expression.name) ? `${expression.source}_${expression.name}` : expression.name;
        } else if (expression.kind === 'columnReference') {
          alias = expression.name;
        } else {
          alias = aliasGenerator.uniqueAliasFor(expression);
        }
      }
      this.checkReservedAlias(alias, expression, item.alias !== undefined);
      items.push({ kind: 'single', alias, ast: expression });
    }

    const sanitizedQuery = this.sanitizedQuery(items, persistent);

    // ---- column references, in ksqlDB's order of checks ----
    const sourceScope = this.scopeOf(sourceShape);
    // A windowed aggregation gives WINDOWSTART / WINDOWEND to its SELECT (and, to be rejected
    // with ksqlDB's message, to GROUP BY and HAVING); WHERE never sees them.
    const windowScope = query.window !== undefined && !sourceShape.windowed ? this.scopeOf({ ...sourceShape, windowed: true }) : sourceScope;
    if (query.where !== undefined && query.window !== undefined && !sourceShape.windowed) {
      walkAst(query.where, (e) => {
        if ((e.kind === 'columnReference' || e.kind === 'qualifiedColumnReference') && isWindowBound(e.name)) {
          throw error(`Error in WHERE expression: Unknown column ${e.name}.`);
        }
      });
    }
    this.validateColumns(query.where, 'WHERE', sourceScope);
    for (const g of query.groupBy ?? []) this.validateColumns(g, 'GROUP BY', windowScope);
    try {
      for (const p of query.partitionBy ?? []) this.validateColumns(p, 'PARTITION BY', sourceScope);
    } catch (e) {
      if (e instanceof SluiceError && e.details.kind === 'nameResolution' && typeof e.details.found === 'string') {
        const found = e.details.found;
        throw error(`PARTITION BY column '${found}' cannot be resolved. '${found}' must be a column in the source schema since PARTITION BY is applied on the input.`);
      }
      throw e;
    }
    this.validateColumns(query.having, 'HAVING', windowScope);
    for (const item of items) if (item.kind === 'single') this.validateColumns(item.ast, 'SELECT', windowScope);

    const hasAggregates =
      items.some((i) => i.kind === 'single' && this.containsAggregate(i.ast)) || (query.having !== undefined && this.containsAggregate(query.having));
    const isAggregate = query.groupBy !== undefined || hasAggregates;
    const tableFunctions = items.flatMap((i) => (i.kind === 'single' ? this.tableFunctionCalls(i.ast) : []));

    if (tableFunctions.length > 0) {
      if (isAggregate) throw error('Table functions cannot be used with aggregations.');
      if (fromSource.kind === 'TABLE' && query.from.kind === 'source') throw error('Table source is not supported with table functions');
    }
    if (query.partitionBy !== undefined && isAggregate) {
      throw error('PARTITION BY and GROUP BY in the same query is not supported.');
    }

    // ---- WHERE ----
    if (query.where !== undefined) {
      const predicate = this.analyzer(sourceScope, 'WHERE').analyzePredicate(query.where, 'WHERE');
      node = { kind: 'filter', input: node, predicate, shape: node.shape, clause: 'WHERE' };
    }

    // ---- PARTITION BY ----
    let partitionByNull = false;
    let partitionKeys: Ast.Expression[] = [];
    if (query.partitionBy !== undefined) {
      const expressions = query.partitionBy;
      if (expressions.length === 0) throw error('PARTITION BY requires at least one expression');
      if (expressions.some(isNullLiteral)) {
        if (expressions.length > 1) throw error('Cannot PARTITION BY multiple columns including NULL');
        partitionByNull = true;
      }
      const analyzer = this.analyzer(sourceScope, 'PARTITION BY');
      const generator = new ColumnAliasGenerator([...sourceShape.key, ...sourceShape.value].map((c) => c.name));
      const keyColumns: RowColumn[] = [];
      const keyExpressions: Expr[] = [];
      if (!partitionByNull) {
        for (const e of expressions) {
          const t = analyzer.analyzeTyped(e);
          if (isColumnRef(e)) {
            const binding = sourceScope.resolve(e.kind === 'qualifiedColumnReference' ? e.source : undefined, e.name) as { name: string; qualifier: string | null };
            keyColumns.push({ name: binding.name, type: t.type, qualifier: binding.qualifier });
          } else {
            keyColumns.push({ name: generator.uniqueAliasFor(e), type: t.type, qualifier: null });
          }
          keyExpressions.push(t.expr);
        }
        partitionKeys = [...expressions];
      }
      const appendOldKey = node.shape.key.length > 0;
      const shape: RowShape = {
        key: keyColumns,
        value: [...node.shape.value, ...(appendOldKey ? node.shape.key : [])],
        windowed: node.shape.windowed,
      };
      node = { kind: 'partitionBy', input: node, keyExpressions, appendOldKey, shape };
      keyRequirement = {
        what: 'partitioning expression',
        texts: expressions.map((e) => this.qualifiedText(e)),
      };
    }

    // ---- table functions (flat map) ----
    const tableFunctionColumns = new Map<string, number>();
    if (tableFunctions.length > 0) {
      const scope = this.scopeOf(node.shape);
      const analyzer = this.analyzer(scope, 'SELECT');
      const passThrough: NamedExpr[] = node.shape.value.map((c, index) => ({ name: c.name, expression: { kind: 'column', type: c.type, source: { kind: 'VALUE', index }, name: c.name } }));
      const calls: TableFunctionCall[] = [];
      const synth: RowColumn[] = [];
      for (const call of tableFunctions) {
        const key = this.key(call);
        if (tableFunctionColumns.has(key)) continue;
        const resolved = resolveTableFunction(this.context.functions, call, analyzer);
        tableFunctionColumns.set(key, passThrough.length + calls.length);
        synth.push({ name: synthesisedColumnName(calls.length), type: resolved.resultType, qualifier: null });
        calls.push(resolved);
      }
      node = {
        kind: 'flatMap',
        input: node,
        passThrough,
        tableFunctions: calls,
        shape: { key: node.shape.key, value: [...node.shape.value, ...synth], windowed: node.shape.windowed },
      };
    }

    // ---- aggregation ----
    // A join of windowed sources keeps the windowed key (the left-most source's window).
    let windowInfo: QueryAnalysis['window'] =
      fromSource.window === null || (query.from.kind !== 'source' && !sourceShape.windowed) ? null : { ...fromSource.window };
    let aggregateSubstitute: ((ast: Ast.Expression) => Expr | undefined) | null = null;
    const preAggregateShape = node.shape;
    const expanded = this.expandSelect(items, preAggregateShape);
    if (isAggregate) {
      const result = this.aggregate(node, expanded, persistent);
      node = result.node;
      aggregateSubstitute = result.substitute;
      keyRequirement = { what: 'grouping expression', texts: result.keyTexts };
      resultIsTable = true;
      if (query.window !== undefined) {
        const spec = windowSpec(query.window);
        windowInfo = { kind: spec.kind, sizeMs: spec.kind === 'SESSION' ? null : spec.sizeMs };
      }
    } else if (query.window !== undefined) {
      throw error('WINDOW clause requires a GROUP BY clause.');
    }

    // ---- LIMIT ----
    let limit: number | null = null;
    if (query.limit !== undefined) {
      if (persistent) throw error('CREATE STREAM AS SELECT statements don\'t support LIMIT clause.');
      if (query.limit < 0) throw error(`Invalid LIMIT clause: ${query.limit}`);
      limit = query.limit;
    }

    // ---- projection ----
    const partitionKeyTexts = partitionKeys.map((e) => this.key(e));
    const joinKeyTexts = isAggregate || query.partitionBy !== undefined ? [] : joinKeyExpressions.map((e) => this.key(e));
    const currentShape = node.shape;
    const scope = this.scopeOf(currentShape, {
      pseudoColumns: !isAggregate,
      hidden: (name) => name.startsWith('KSQL_SYNTH_') || name.startsWith('KSQL_AGG_VARIABLE_'),
    });
    const hooks: ExpressionHooks = {
      substitute: (ast, analyzer) => {
        void analyzer;
        if (aggregateSubstitute !== null) {
          const e = aggregateSubstitute(ast);
          if (e !== undefined) return { expr: e, type: e.type, ast };
        }
        if (partitionKeyTexts.length > 0 && !isColumnRef(ast)) {
          const index = partitionKeyTexts.indexOf(this.key(ast));
          if (index >= 0) {
            const c = currentShape.key[index]!;
            return { expr: { kind: 'column', type: c.type, source: { kind: 'KEY', index }, name: c.name }, type: c.type, ast };
          }
        }
        if (joinKeyTexts.length > 0 && joinKeyTexts.includes(this.key(ast))) {
          const c = currentShape.key[0]!;
          return { expr: { kind: 'column', type: c.type, source: { kind: 'KEY', index: 0 }, name: c.name }, type: c.type, ast };
        }
        if (tableFunctionColumns.size > 0 && this.isTableFunctionCall(ast)) {
          const index = tableFunctionColumns.get(this.key(ast));
          if (index !== undefined) {
            const c = currentShape.value[index]!;
            return { expr: { kind: 'column', type: c.type, source: { kind: 'VALUE', index }, name: c.name }, type: c.type, ast };
          }
        }
        return undefined;
      },
    };
    const selectAnalyzer = this.analyzer(scope, 'SELECT', hooks);

    const entries = expanded;
    const target = this.options.target;
    const analyzedItems = entries.map((entry, index) => {
      const t = selectAnalyzer.analyze(entry.ast);
      let expr = t.expr;
      let type = t.type;
      if (type === null) {
        const targetColumn = this.targetColumn(target, index);
        if (targetColumn === undefined) {
          throw error("Can't infer a type of null. Please explicitly cast it to a required type, e.g. CAST(null AS VARCHAR).");
        }
        type = targetColumn.type;
        expr = { kind: 'null', type };
      } else {
        const targetColumn = this.targetColumn(target, index);
        if (targetColumn !== undefined && targetColumn.type.kind === 'DECIMAL' && !sqlTypesEqual(type, targetColumn.type) && (type.kind === 'DECIMAL' || type.kind === 'INTEGER' || type.kind === 'BIGINT')) {
          expr = selectAnalyzer.coerce(t, targetColumn.type);
          type = targetColumn.type;
        }
      }
      const isKey = expr.kind === 'column' && expr.source.kind === 'KEY';
      return { entry, expr, type, isKey, keyIndex: isKey ? (expr as { source: { index: number } }).source.index : -1 };
    });

    let keyColumns: ColumnDef[];
    let valueColumns: ColumnDef[];
    let keyExpressions: NamedExpr[];
    let valueExpressions: NamedExpr[];
    const columns: OutputColumn[] = analyzedItems.map((i) => ({ name: i.entry.alias, type: i.type, isKey: i.isKey }));

    if (persistent) {
      const kept = analyzedItems.filter((i) => !(i.entry.fromStar && isWindowBound(i.entry.alias) && i.expr.kind === 'column' && (i.expr.source.kind === 'WINDOWSTART' || i.expr.source.kind === 'WINDOWEND')));
      const keyItems = new Map<number, typeof kept>();
      for (const item of kept) {
        if (!item.isKey) continue;
        const list = keyItems.get(item.keyIndex) ?? [];
        list.push(item);
        keyItems.set(item.keyIndex, list);
      }
      for (const [index, list] of keyItems) {
        if (list.length > 1 && isAggregate) {
          const names = list.map((i) => quoteIdentifier(i.entry.alias));
          throw error(`The projection contains a key column more than once: ${names.join(' and ')}.`);
        }
        if (list.length > 1) {
          const names = list.map((i) => i.entry.alias).sort();
          const joined = names.length === 2 ? `${names[0]} and ${names[1]}` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
          throw error(
            `The projection contains a key column (${quoteIdentifier(currentShape.key[index]!.name)}) more than once, aliased as: ${joined}.\n` +
              'Each key column must only be in the projection once. If you intended to copy the key into the value, then consider using the AS_VALUE function to indicate which key reference should be copied.',
          );
        }
      }
      // ksqlDB's new query planner (simple stream queries only): keys are optional and keep
      // their order in the projection.
      const newPlanner =
        propertyBoolean(this.context.properties, 'ksql.new.query.planner.enabled') === true &&
        !isAggregate &&
        query.partitionBy === undefined &&
        query.from.kind === 'source' &&
        tableFunctions.length === 0;
      if (!partitionByNull && !newPlanner) {
        const missing = currentShape.key.map((_, index) => index).filter((index) => !keyItems.has(index));
        if (missing.length > 0) this.throwKeysMissing(keyRequirement, currentShape, missing);
      }
      keyExpressions = [];
      keyColumns = [];
      const keyOrder = newPlanner
        ? kept.filter((i) => i.isKey).map((i) => i.keyIndex)
        : currentShape.key.map((_, index) => index);
      for (const index of keyOrder) {
        const item = keyItems.get(index)?.[0];
        if (item === undefined) continue;
        keyExpressions.push({ name: item.entry.alias, expression: item.expr });
        keyColumns.push({ name: item.entry.alias, type: item.type });
      }
      const values = kept.filter((i) => !i.isKey);
      valueExpressions = values.map((i) => ({ name: i.entry.alias, expression: i.expr }));
      valueColumns = values.map((i) => ({ name: i.entry.alias, type: i.type }));
      if (valueColumns.length === 0) throw error('The projection contains no value columns.');
      const seen = new Set<string>();
      for (const c of [...keyColumns, ...valueColumns]) {
        if (seen.has(c.name)) {
          const isKeyName = keyColumns.some((k) => k.name === c.name) && valueColumns.some((v) => v.name === c.name);
          throw error(`Duplicate ${isKeyName || !keyColumns.some((k) => k.name === c.name) ? 'value' : 'key'} columns found in schema: ${quoteIdentifier(c.name)} ${formatSqlType(c.type)}`);
        }
        seen.add(c.name);
      }
    } else {
      keyColumns = shapeColumns(currentShape.key);
      keyExpressions = currentShape.key.map((c, index) => ({ name: c.name, expression: { kind: 'column', type: c.type, source: { kind: 'KEY', index }, name: c.name } }));
      valueExpressions = analyzedItems.map((i) => ({ name: i.entry.alias, expression: i.expr }));
      valueColumns = analyzedItems.map((i) => ({ name: i.entry.alias, type: i.type }));
      const seen = new Set<string>();
      for (const c of valueColumns) {
        if (seen.has(c.name)) throw error(`Duplicate value columns found in schema: ${quoteIdentifier(c.name)} ${formatSqlType(c.type)}`);
        seen.add(c.name);
      }
    }

    const projectShape: RowShape = {
      key: keyColumns.map((c) => ({ ...c, qualifier: null })),
      value: valueColumns.map((c) => ({ ...c, qualifier: null })),
      windowed: currentShape.windowed,
    };
    node = { kind: 'project', input: node, keyExpressions, valueExpressions, shape: projectShape };

    // ---- EMIT FINAL ----
    if (query.emit === 'FINAL') {
      if (!(query.groupBy !== undefined && query.window !== undefined)) throw error('EMIT FINAL is only supported for windowed aggregations.');
      node = { kind: 'suppress', input: node, shape: node.shape };
    }

    return {
      root: node,
      resultKind: resultIsTable ? 'TABLE' : 'STREAM',
      keyColumns,
      valueColumns,
      columns,
      window: windowInfo,
      sources: this.sources,
      partitionByNull,
      limit,
      refinement: query.emit,
      aggregate: isAggregate,
      from: fromSource,
      sanitizedQuery,
    };
  }

  /**
   * The query as ksqlDB's AstSanitizer rewrites it, for the `Statement:` of its error messages:
   * every select item aliased, column references qualified by the one source that has them, and
   * a persistent query's EMIT CHANGES made explicit.
   */
  private sanitizedQuery(
    items: ReadonlyArray<{ kind: 'single'; alias: string; ast: Ast.Expression } | { kind: 'all'; source?: string } | { kind: 'structAll'; base: Ast.Expression }>,
    persistent: boolean,
  ): Ast.Query {
    const query = this.query;
    const qualify = (ast: Ast.Expression): Ast.Expression =>
      mapAst(ast, (e) => {
        if (e.kind !== 'columnReference') return undefined;
        const resolved = this.nameScope?.resolve(undefined, e.name);
        const qualifier = resolved !== undefined && 'qualifier' in resolved ? resolved.qualifier : null;
        return qualifier === null ? undefined : { kind: 'qualifiedColumnReference', source: qualifier, name: e.name, span: e.span };
      });
    const select = query.select.map((item, index): Ast.SelectItem => {
      const entry = items[index];
      if (item.kind === 'singleColumn' && entry?.kind === 'single') return { ...item, expression: qualify(item.expression), alias: entry.alias };
      if (item.kind === 'structAll') return { ...item, base: qualify(item.base) };
      return item;
    });
    const optional = (ast: Ast.Expression | undefined): Ast.Expression | undefined => (ast === undefined ? undefined : qualify(ast));
    const from: Ast.Relation =
      query.from.kind === 'join' ? { ...query.from, rights: query.from.rights.map((r) => ({ ...r, on: qualify(r.on) })) } : query.from;
    return {
      ...query,
      select,
      from,
      where: optional(query.where),
      groupBy: query.groupBy?.map(qualify),
      partitionBy: query.partitionBy?.map(qualify),
      having: optional(query.having),
      emit: query.emit ?? (persistent ? 'CHANGES' : undefined),
    };
  }

  private targetColumn(target: DataSource | undefined, index: number): ColumnDef | undefined {
    if (target === undefined) return undefined;
    const order = target.columnOrder ?? [...target.keyColumns, ...target.valueColumns].map((c) => c.name);
    const name = order[index];
    if (name === undefined) return undefined;
    return target.keyColumns.find((c) => c.name === name) ?? target.valueColumns.find((c) => c.name === name);
  }

  /** `missing`: the key indexes not selected; ksqlDB names only those for grouping expressions. */
  private throwKeysMissing(requirement: KeyRequirement, shape: RowShape, missing: readonly number[]): never {
    const all = requirement.texts.length > 0 ? requirement.texts : shape.key.map((c) => c.name);
    const texts = requirement.what === 'grouping expression' && all.length === shape.key.length ? missing.map((i) => all[i]!) : all;
    const requireAll = requirement.what !== 'join expression';
    const plural = texts.length > 1;
    const types = requirement.what + (plural ? 's' : '');
    const conjunction = requireAll ? 'and' : 'or';
    const joined = texts.length <= 1 ? texts.join('') : `${texts.slice(0, -1).join(', ')} ${conjunction} ${texts[texts.length - 1]}`;
    const sink = this.options.sinkName === undefined ? 'the sink' : quoteIdentifier(this.options.sinkName);
    const example = requireAll ? texts.join(', ') : texts[0];
    const synthetic = requirement.synthetic === true;
    throw error(
      `Key${requireAll && plural ? 's' : ''} missing from projection (ie, SELECT). ${synthetic ? 'See https://cnfl.io/2LV7ouS.' : ''}\n` +
        `The query used to build ${sink} must include the ${types} ${joined} in its projection (eg, SELECT ${example}...).` +
        (synthetic
          ? `\n${texts[0]} was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased. `
          : ''),
    );
  }

  /** The unquoted text ksqlDB prints for an expression in key messages: column refs qualified. */
  private qualifiedText(ast: Ast.Expression): string {
    if (this.aliases.length !== 1) return expressionText(ast);
    const alias = this.aliases[0]!;
    const rewritten = mapColumns(ast, alias);
    return expressionText(rewritten);
  }

  private key(ast: Ast.Expression): string {
    const alias = this.aliases.length === 1 ? this.aliases[0]! : undefined;
    return expressionKey(ast, (q, name) => {
      if (q !== undefined) return `${q}.${name}`;
      if (alias !== undefined) return `${alias}.${name}`;
      const r = this.nameScope?.resolve(undefined, name);
      const qualifier = r !== undefined && 'qualifier' in r ? (r.qualifier ?? '') : '';
      return `${qualifier}.${name}`;
    });
  }

  private clashingColumnNames(): Set<string> {
    const counts = new Map<string, number>();
    for (const s of this.sources) {
      const names = new Set([...s.keyColumns, ...s.valueColumns].map((c) => c.name));
      for (const pseudo of ['ROWTIME', 'ROWPARTITION', 'ROWOFFSET']) names.add(pseudo);
      for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    return new Set([...counts].filter(([, n]) => n > 1).map(([name]) => name));
  }

  private checkReservedAlias(alias: string, expression: Ast.Expression, explicit: boolean): void {
    void explicit;
    if (!isSystemColumn(alias)) return;
    const text = expressionText(expression);
    const unqualified = text.slice(text.indexOf('.') + 1);
    if (unqualified.toUpperCase() !== alias.toUpperCase()) {
      throw error(`\`${alias}\` is a reserved column name. You cannot use it as an alias for a column.`);
    }
    if (this.options.persistent) {
      throw error(`Reserved column name in select: \`${alias}\`. Please remove or alias the column.`);
    }
  }

  private validateColumns(ast: Ast.Expression | undefined, clause: string, scope: ShapeScope): void {
    if (ast === undefined) return;
    const lambdaParams = new Set<string>();
    collectLambdaParams(ast, lambdaParams);
    walkAst(ast, (e) => {
      if (e.kind === 'columnReference' || e.kind === 'qualifiedColumnReference') {
        const qualifier = e.kind === 'qualifiedColumnReference' ? e.source : undefined;
        const result = scope.resolve(qualifier, e.name);
        const text = qualifier === undefined ? e.name : `${qualifier}.${e.name}`;
        if (result === undefined) {
          throw new SluiceError('SQL_ANALYSIS', `${clause} column '${text}' cannot be resolved.`, { kind: 'nameResolution', found: text, span: e.span });
        }
        if ('unknownQualifier' in result) {
          throw new SluiceError('SQL_ANALYSIS', `'${result.unknownQualifier}' is not a valid stream/table name or alias.`, { kind: 'nameResolution' });
        }
        if ('ambiguous' in result) {
          throw new SluiceError(
            'SQL_ANALYSIS',
            `Column '${e.name}' is ambiguous. Could be ${result.ambiguous.map((s) => `${s}.${e.name}`).join(' or ')}.`,
            { kind: 'nameResolution', span: e.span },
          );
        }
      }
      if (e.kind === 'lambdaVariable' && !lambdaParams.has(e.name)) {
        const result = scope.resolve(undefined, e.name);
        if (result === undefined) {
          throw new SluiceError('SQL_ANALYSIS', `${clause} column '${e.name}' cannot be resolved.`, { kind: 'nameResolution', found: e.name });
        }
      }
      return true;
    });
  }

  private containsAggregate(ast: Ast.Expression): boolean {
    let found = false;
    walkAst(ast, (e) => {
      if (this.isAggregateCall(e)) found = true;
      return !found;
    });
    return found;
  }

  private tableFunctionCalls(ast: Ast.Expression): Ast.FunctionCall[] {
    const calls: Ast.FunctionCall[] = [];
    const visit = (e: Ast.Expression, inCase: Ast.Expression | null, outer: Ast.FunctionCall | null): void => {
      if (this.isTableFunctionCall(e)) {
        if (outer !== null) throw error(`Table functions cannot be nested: ${outer.name}(${e.name}())`);
        if (inCase !== null) throw error(`Table functions cannot be used in CASE: ${expressionText(inCase)}`);
        calls.push(e);
        for (const a of e.args) if (a.kind !== 'lambda' && a.kind !== 'intervalUnit') visit(a, inCase, e);
        return;
      }
      const nextCase = e.kind === 'searchedCase' || e.kind === 'simpleCase' ? e : inCase;
      walkChildren(e, (c) => visit(c, nextCase, outer));
    };
    visit(ast, null, null);
    return calls;
  }

  /** Expands `*` and `s->*` into entries; single columns pass through. */
  private expandSelect(
    items: ReadonlyArray<{ kind: 'single'; alias: string; ast: Ast.Expression } | { kind: 'all'; source?: string } | { kind: 'structAll'; base: Ast.Expression }>,
    shape: RowShape,
  ): SelectEntry[] {
    const span = this.query.span;
    const entries: SelectEntry[] = [];
    for (const item of items) {
      if (item.kind === 'single') {
        entries.push({ alias: item.alias, ast: item.ast, fromStar: false });
        continue;
      }
      if (item.kind === 'structAll') {
        const base = this.analyzer(this.scopeOf(shape), 'SELECT').analyze(item.base);
        if (base.type === null || base.type.kind !== 'STRUCT') {
          throw error(`Expected STRUCT type, got: ${base.type === null ? 'null' : formatSqlType(base.type)}`);
        }
        for (const f of base.type.fields) {
          entries.push({ alias: f.name, ast: { kind: 'dereference', base: item.base, field: f.name, span }, fromStar: false });
        }
        continue;
      }
      const wanted = (c: RowColumn): boolean => item.source === undefined || c.qualifier === item.source || c.qualifier === null;
      const keyNames = new Set(shape.key.map((k) => k.name));
      const columnAst = (c: RowColumn): Ast.Expression =>
        c.qualifier === null || this.aliases.length === 1
          ? { kind: 'columnReference', name: c.name, span }
          : { kind: 'qualifiedColumnReference', source: c.qualifier, name: c.name, span };
      const columnAlias = (c: RowColumn): string => (this.aliases.length > 1 && c.qualifier !== null ? `${c.qualifier}_${c.name}` : c.name);
      for (const c of shape.key) {
        // A join's key is one of the joined columns: `*` lists it through them; a synthetic key
        // (ROWKEY) is listed by an unqualified `*` only.
        if (this.aliases.length > 1 && c.qualifier === null && !(this.syntheticJoinKey && item.source === undefined && c === shape.key[0])) continue;
        if (wanted(c)) entries.push({ alias: columnAlias(c), ast: columnAst(c), fromStar: true });
      }
      // A join lists each windowed source's bounds with its columns (`S1_WINDOWSTART`...).
      if (shape.windowed && this.aliases.length === 1) {
        for (const name of [WINDOWSTART_NAME, WINDOWEND_NAME]) entries.push({ alias: name, ast: { kind: 'columnReference', name, span }, fromStar: true });
      }
      const values = this.aliases.length > 1 ? this.joinStarOrder(shape.value) : shape.value;
      for (const c of values) {
        if (!wanted(c) || (c.qualifiedOnly === true && !(this.aliases.length > 1 && isWindowBound(c.name)))) continue;
        if (keyNames.has(c.name) && c.qualifier === null) continue;
        // A nested join's synthetic key (ROWKEY) in the value: `*` lists only the final join's key.
        if (this.aliases.length > 1 && c.qualifier === null) continue;
        if (shape.key.some((k) => k.name === c.name && (k.qualifier === c.qualifier || k.qualifier === null))) continue;
        if (c.name.startsWith('KSQL_SYNTH_')) continue;
        entries.push({ alias: columnAlias(c), ast: columnAst(c), fromStar: true });
      }
    }
    return entries;
  }

  /** `*` over a join: each source's columns, its key columns and window bounds first (ksqlDB's orderColumns). */
  private joinStarOrder(columns: readonly RowColumn[]): RowColumn[] {
    const out: RowColumn[] = [];
    this.aliases.forEach((alias, i) => {
      const source = this.sources[i]!;
      const mine = columns.filter((c) => c.qualifier === alias);
      const keys = source.keyColumns.map((k) => mine.find((c) => c.name === k.name)).filter((c): c is RowColumn => c !== undefined);
      const bounds = mine.filter((c) => c.qualifiedOnly === true && isWindowBound(c.name));
      out.push(...keys, ...bounds, ...mine.filter((c) => !keys.includes(c) && !bounds.includes(c)));
    });
    out.push(...columns.filter((c) => c.qualifier === null || !this.aliases.includes(c.qualifier)));
    return out;
  }

  // ---- aggregation ----

  private aggregate(
    input: LogicalNode,
    singles: readonly SelectEntry[],
    persistent: boolean,
  ): { node: LogicalNode; substitute: (ast: Ast.Expression) => Expr | undefined; keyTexts: string[] } {
    const query = this.query;
    const groupBy = query.groupBy ?? [];
    const inputScope = this.scopeOf(input.shape);
    const windowed = query.window !== undefined;

    // Unknown functions first (ksqlDB resolves every call before its aggregate checks).
    for (const e of [...singles.map((i) => i.ast), ...groupBy, ...(query.having ? [query.having] : [])]) {
      walkAst(e, (x) => {
        if (x.kind === 'functionCall' && this.context.functions.kindOf(x.name) === undefined) {
          throw new SluiceError('ENGINE_FUNCTION_NOT_FOUND', `Can't find any functions with the name '${x.name}'`, { found: x.name });
        }
      });
    }
    // Window bounds: only in the SELECT of a windowed aggregation, outside aggregate calls.
    const windowBoundIn = (ast: Ast.Expression, skipAggregates: boolean): string | undefined => {
      let found: string | undefined;
      walkAst(ast, (x) => {
        if (found !== undefined) return false;
        if (skipAggregates && this.isAggregateCall(x)) return false;
        if ((x.kind === 'columnReference' || x.kind === 'qualifiedColumnReference') && isWindowBound(x.name)) found = x.name;
        return true;
      });
      return found;
    };
    const windowBoundError = (name: string): SluiceError =>
      error(
        `Window bounds column ${name} can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.\nSee https://github.com/confluentinc/ksql/issues/4397`,
      );
    if (windowed && !input.shape.windowed) {
      for (const g of groupBy) {
        const bound = windowBoundIn(g, false);
        if (bound !== undefined) throw windowBoundError(bound);
      }
    }
    // ksqlDB cannot resolve window bounds in the SELECT of a windowed aggregation over a join
    // (https://github.com/confluentinc/ksql/issues/5931): the join's schema has no bounds.
    if (windowed && query.from.kind !== 'source') {
      for (const item of singles) {
        const bound = windowBoundIn(item.ast, true);
        if (bound !== undefined) {
          throw new SluiceError('SQL_ANALYSIS', `SELECT column '${bound}' cannot be resolved.`, { kind: 'nameResolution', found: bound });
        }
      }
    }

    const kafkaSources = this.sources.filter((src) => src.valueFormat.format === 'KAFKA');
    if (kafkaSources.length > 0 && groupBy.length > 0) {
      throw error(
        `Source(s) ${this.aliases.filter((_, i) => this.sources[i]!.valueFormat.format === 'KAFKA').join(', ')} are using the 'KAFKA' value format. This format does not yet support GROUP BY.\n` +
          'The KAFKA format is primarily intended for use as a key format. It can be used as a value format, but can not be used in any operation that requires a repartition or changelog topic.\n' +
          'Removing this limitation requires enhancements to the core of KSQL. This will come in a future release. Until then, avoid using the KAFKA format for values.\n' +
          'If you have an existing topic with KAFKA formatted values you can duplicate the data and serialize using Avro or JSON with a statement such as: \n\n' +
          "'CREATE STREAM <new-stream-name> WITH(VALUE_FORMAT='Avro') AS SELECT * FROM <existing-kafka-formated-stream-name>;'\n" +
          'For more info see https://github.com/confluentinc/ksql/issues/3060',
      );
    }
    const hasAggregate = singles.some((i) => findAggregate(i.ast, (e) => this.isAggregateCall(e)) !== undefined) ||
      (query.having !== undefined && findAggregate(query.having, (e) => this.isAggregateCall(e)) !== undefined);
    if (groupBy.length > 0 && !hasAggregate) throw error('GROUP BY requires aggregate functions in either the SELECT or HAVING clause.');

    if (groupBy.length === 0) {
      const notGrouped = singles.filter((i) => this.referencesUngrouped(i.ast, [], windowed)).map((i) => expressionText(i.ast));
      if (notGrouped.length > 0) {
        throw error(`Non-aggregate SELECT expression(s) not part of GROUP BY: ${notGrouped.join(', ')}\nEither add the column(s) to the GROUP BY or remove them from the SELECT.`);
      }
      const call = singles.map((i) => findAggregate(i.ast, (e) => this.isAggregateCall(e))).find((c) => c !== undefined);
      const text = call === undefined ? '' : expressionText(call.args.length === 0 ? { ...call, args: [{ kind: 'columnReference', name: 'ROWTIME', span: call.span }] } : call);
      throw error(
        `${persistent ? 'CREATE TABLE AS SELECT' : 'SELECT'} statement does not support aggregate function [${text}] without a GROUP BY clause.`,
      );
    }

    // GROUP BY expressions.
    const groupKeys: string[] = [];
    for (const g of groupBy) {
      const aggregateCall = findAggregate(g, (e) => this.isAggregateCall(e));
      if (aggregateCall !== undefined) {
        throw error(`GROUP BY does not support aggregate functions: ${aggregateCall.name} is an aggregate function.`);
      }
      const key = this.key(g);
      if (groupKeys.includes(key)) throw error(`Duplicate GROUP BY expression: ${this.qualifiedText(g)}`);
      groupKeys.push(key);
    }
    const groupAnalyzer = this.analyzer(inputScope, 'GROUP BY');
    const generator = new ColumnAliasGenerator([...input.shape.key, ...input.shape.value].map((c) => c.name));
    const groupColumns: RowColumn[] = [];
    const groupExpressions: Expr[] = [];
    for (const g of groupBy) {
      const t = groupAnalyzer.analyzeTyped(g);
      groupExpressions.push(t.expr);
      if (isColumnRef(g)) groupColumns.push({ name: g.name, type: t.type, qualifier: g.kind === 'qualifiedColumnReference' ? g.source : null });
      else groupColumns.push({ name: generator.uniqueAliasFor(g), type: t.type, qualifier: null });
    }
    const keyUnchanged =
      groupExpressions.length === input.shape.key.length &&
      groupExpressions.every((e, i) => e.kind === 'column' && e.source.kind === 'KEY' && e.source.index === i);
    // The grouped rows keep the input's key columns in their value (later steps can still read
    // them), unless the value already holds them: a join's value carries its key column
    // (`T1_ID`, or the synthetic ROWKEY), and a second copy would give the internal topics two
    // fields of one name, which Avro and Protobuf refuse.
    const physicalName = (c: RowColumn): string => c.physicalName ?? c.name;
    const valueNames = new Set(input.shape.value.map(physicalName));
    const keyInValue = input.shape.key.length > 0 && input.shape.key.every((c) => valueNames.has(physicalName(c)));
    const groupShape: RowShape = {
      key: groupColumns,
      value: keyInValue ? [...input.shape.value] : [...input.shape.value, ...input.shape.key],
      windowed: input.shape.windowed,
    };
    const groupNode: LogicalNode = { kind: 'groupBy', input, groupByExpressions: groupExpressions, keyUnchanged, shape: groupShape };

    // Non-aggregate SELECT / HAVING expressions must be GROUP BY expressions.
    if (query.having !== undefined && windowed) {
      const bound = windowBoundIn(query.having, true);
      if (bound !== undefined) throw windowBoundError(bound);
    }
    const notGrouped: string[] = [];
    for (const item of singles) {
      if (this.referencesUngrouped(item.ast, groupKeys, windowed)) notGrouped.push(expressionText(item.ast));
    }
    if (notGrouped.length > 0) {
      throw error(`Non-aggregate SELECT expression(s) not part of GROUP BY: ${notGrouped.join(', ')}\nEither add the column(s) to the GROUP BY or remove them from the SELECT.`);
    }
    if (query.having !== undefined) {
      const ungrouped = this.ungroupedColumns(query.having, groupKeys);
      if (ungrouped.length > 0) throw error(`Non-aggregate HAVING expression not part of GROUP BY: ${ungrouped.join(', ')}`);
    }

    // Aggregate calls (over the groupBy output).
    const aggregateScope = this.scopeOf(groupShape);
    const aggregateArgAnalyzer = this.analyzer(aggregateScope, 'SELECT');
    const calls: AggregateFunctionCall[] = [];
    const callIndex = new Map<string, number>();
    const collect = (ast: Ast.Expression): void => {
      walkAst(ast, (e) => {
        if (!this.isAggregateCall(e)) return true;
        for (const a of e.args) {
          if (a.kind !== 'lambda' && a.kind !== 'intervalUnit') {
            const nested = findAggregate(a, (x) => this.isAggregateCall(x));
            if (nested !== undefined) throw error(`Aggregate functions can not be nested: ${e.name}(${nested.name}())`);
            walkAst(a, (x) => {
              if ((x.kind === 'columnReference' || x.kind === 'qualifiedColumnReference') && isWindowBound(x.name) && windowed) {
                throw error(
                  `Window bounds column ${x.name} can only be used in the SELECT clause of windowed aggregations and can not be passed to aggregate functions.\nSee https://github.com/confluentinc/ksql/issues/4397`,
                );
              }
            });
          }
        }
        const key = this.key(e);
        if (!callIndex.has(key)) {
          callIndex.set(key, calls.length);
          calls.push(resolveAggregate(this.context.functions, e, aggregateArgAnalyzer, this.context.properties));
        }
        return false;
      });
    };
    for (const item of singles) collect(item.ast);
    if (query.having !== undefined) collect(query.having);

    const sourceKindEarly = logicalSourceKind(input);
    if (sourceKindEarly === 'table') {
      const cannot = calls.filter((c) => c.supportsUndo === false).map((c) => c.displayName ?? c.functionName);
      if (cannot.length > 0) {
        const names = [...new Set(cannot)];
        const joined = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
        throw error(`The aggregation function${names.length === 1 ? '' : 's'} ${joined} cannot be applied to a table source, only to a stream source.`);
      }
    }
    // Internal topics carry the aggregate state in the source's value format.
    const internalValueFormat = this.sources[0]?.valueFormat.format;
    if (internalValueFormat === 'DELIMITED' || internalValueFormat === 'KAFKA') {
      const complex = calls.some((c) => c.aggregateType !== undefined && (c.aggregateType.kind === 'ARRAY' || c.aggregateType.kind === 'MAP' || c.aggregateType.kind === 'STRUCT'));
      if (complex) {
        throw error('One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.');
      }
    }
    const window = query.window === undefined ? null : windowSpec(query.window);
    if (window !== null && input.shape.windowed) {
      throw error('Can not aggregate a windowed source with a new WINDOW clause.');
    }
    const sourceKind = logicalSourceKind(input);
    const aggregateShape: RowShape = {
      key: groupColumns.map((c) => ({ ...c })),
      value: calls.map((c, i) => ({ name: aggregateColumnName(i), type: c.resultType, qualifier: null })),
      windowed: window !== null || input.shape.windowed,
    };
    let node: LogicalNode = {
      kind: 'aggregate',
      input: groupNode,
      inputKind: sourceKind,
      nonAggregateColumns: [],
      aggregates: calls,
      window,
      shape: aggregateShape,
    };

    const substitute = (ast: Ast.Expression): Expr | undefined => {
      if (this.isAggregateCall(ast)) {
        const index = callIndex.get(this.key(ast));
        if (index === undefined) return undefined;
        const c = aggregateShape.value[index]!;
        return { kind: 'column', type: c.type, source: { kind: 'VALUE', index }, name: c.name };
      }
      const g = groupKeys.indexOf(this.key(ast));
      if (g >= 0) {
        const c = aggregateShape.key[g]!;
        return { kind: 'column', type: c.type, source: { kind: 'KEY', index: g }, name: c.name };
      }
      return undefined;
    };

    if (query.having !== undefined) {
      const havingScope = this.scopeOf(aggregateShape, { pseudoColumns: false, hidden: (n) => n.startsWith('KSQL_AGG_VARIABLE_') });
      const analyzer = this.analyzer(havingScope, 'HAVING', {
        substitute: (ast) => {
          const e = substitute(ast);
          return e === undefined ? undefined : { expr: e, type: e.type, ast };
        },
      });
      const predicate = analyzer.analyzePredicate(query.having, 'HAVING');
      node = { kind: 'filter', input: node, predicate, shape: aggregateShape, clause: 'HAVING' };
    }
    return { node, substitute, keyTexts: groupBy.map((g) => expressionText(g)) };
  }

  /** True when the expression references a column outside aggregates and GROUP BY expressions. */
  private referencesUngrouped(ast: Ast.Expression, groupKeys: readonly string[], windowed: boolean): boolean {
    let found = false;
    const visit = (e: Ast.Expression): void => {
      if (found) return;
      if (groupKeys.includes(this.key(e))) return;
      if (this.isAggregateCall(e)) return;
      if (e.kind === 'columnReference' || e.kind === 'qualifiedColumnReference') {
        if (isWindowBound(e.name) && windowed) return;
        found = true;
        return;
      }
      walkChildren(e, visit);
    };
    visit(ast);
    return found;
  }

  private ungroupedColumns(ast: Ast.Expression, groupKeys: readonly string[]): string[] {
    const out: string[] = [];
    const visit = (e: Ast.Expression): void => {
      if (groupKeys.includes(this.key(e))) return;
      if (this.isAggregateCall(e)) return;
      if (e.kind === 'columnReference' || e.kind === 'qualifiedColumnReference') {
        out.push(expressionText(e));
        return;
      }
      walkChildren(e, visit);
    };
    visit(ast);
    return out;
  }
}

function logicalSourceKind(node: LogicalNode): 'stream' | 'table' {
  switch (node.kind) {
    case 'source':
      return node.source.kind === 'TABLE' ? 'table' : 'stream';
    case 'join':
      return node.joinKind === 'tableTable' || node.joinKind === 'foreignKey' ? 'table' : 'stream';
    default:
      return logicalSourceKind(node.input);
  }
}

function findAggregate(ast: Ast.Expression, isAggregate: (e: Ast.Expression) => boolean): Ast.FunctionCall | undefined {
  let found: Ast.FunctionCall | undefined;
  walkAst(ast, (e) => {
    if (found !== undefined) return false;
    if (isAggregate(e)) {
      found = e as Ast.FunctionCall;
      return false;
    }
    return true;
  });
  return found;
}

function collectLambdaParams(ast: Ast.Expression, into: Set<string>): void {
  const visit = (a: Ast.Expression | Ast.FunctionArgument): void => {
    if (a.kind === 'lambda') {
      for (const p of a.params) into.add(p);
      visit(a.body);
      return;
    }
    if (a.kind === 'intervalUnit') return;
    if (a.kind === 'functionCall') for (const x of a.args) visit(x);
    else walkChildren(a, visit);
  };
  visit(ast);
}

/** Calls `visit` on each direct child expression (lambda bodies included). */
export function walkChildren(ast: Ast.Expression, visit: (e: Ast.Expression) => void): void {
  let depth = 0;
  walkAst(ast, (e) => {
    if (depth === 0) {
      depth++;
      return true;
    }
    visit(e);
    return false;
  });
}

function mapColumns(ast: Ast.Expression, alias: string): Ast.Expression {
  return mapAst(ast, (e) => (e.kind === 'columnReference' ? { kind: 'qualifiedColumnReference', source: alias, name: e.name, span: e.span } : undefined));
}

export function analyzeQuery(context: AnalysisContext, query: Ast.Query, options: QueryOptions): QueryAnalysis {
  return new QueryAnalyzer(context, query, options).analyze();
}

export type { Typed };
