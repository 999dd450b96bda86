/**
 * Pull query plans. A pull query is planned as a transient query (source -> WHERE filter ->
 * projection -> push sink); from that plan this file takes what a pull execution needs:
 *
 * - tables: the WHERE predicate and the projection, replayed over the rows of the table's
 *   materialization, and the key lookups the WHERE clause allows (ksqlDB's QueryFilterNode: the
 *   predicate in disjunctive form, each disjunct an AND of comparisons; when every disjunct binds
 *   every key column with `=` (or IN), the table is read by key, else it is scanned — or, with
 *   `ksql.query.pull.table.scan.enabled=false`, the query fails with ksqlDB's message);
 * - streams: the plan itself, run from the earliest offsets to the end offsets seen at start.
 *
 * The whole predicate is always applied to the rows read, so a key lookup only narrows the read.
 */
import { SluiceError } from '../../common/index.js';
import type { Expr } from '../../engine/expressions/index.js';
import { formatExpression } from '../../engine/expressions/index.js';
import type { QueryPlan, Step, StepSchema } from '../../engine/steps/index.js';
import { sqlTypesEqual, type SqlType } from '../../engine/types/index.js';

type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

export interface PullTablePlan {
  /** The table's rows as the pull query sees them (the source step of the transient plan). */
  readonly sourceSchema: StepSchema;
  readonly windowed: boolean;
  /** WHERE, evaluated over each row (null: none). */
  readonly predicate: Expr | null;
  /** The SELECT list. */
  readonly projection: Expr[];
  /** Exact keys to read (each a value per key column), or null: scan. */
  readonly keys: Expr[][] | null;
  readonly limit: number | null;
}

function error(message: string): SluiceError {
  return new SluiceError('SQL_UNSUPPORTED', message);
}

/** The steps of a transient plan between its push sink and its source. */
function chain(plan: QueryPlan): { source: StepOf<'streamSource@1' | 'tableSource@1'>; filter: StepOf<'filter@1'> | null; select: StepOf<'select@1'> } {
  const sink = plan.sink;
  if (sink.kind !== 'pushSink@1' || sink.source.kind !== 'select@1') {
    throw new SluiceError('INTERNAL_ASSERTION', `a pull query plan must end with a projection into a push sink, found ${sink.kind}`);
  }
  const select = sink.source;
  let step: Step = select.source;
  let filter: StepOf<'filter@1'> | null = null;
  if (step.kind === 'filter@1') {
    filter = step;
    step = step.source;
  }
  if (step.kind !== 'tableSource@1' && step.kind !== 'streamSource@1') {
    throw error(`Pull queries don't support this query shape: ${step.kind} (table functions and other steps need EMIT CHANGES).`);
  }
  return { source: step, filter, select };
}

function hasColumn(expr: Expr): boolean {
  let found = false;
  const visit = (e: unknown): void => {
    if (found || e === null || typeof e !== 'object') return;
    if (Array.isArray(e)) {
      e.forEach(visit);
      return;
    }
    const node = e as { kind?: string };
    if (node.kind === 'column') {
      found = true;
      return;
    }
    for (const [k, v] of Object.entries(e)) if (k !== 'type') visit(v);
  };
  visit(expr);
  return found;
}

function keyIndexOf(expr: Expr): number | null {
  return expr.kind === 'column' && expr.source.kind === 'KEY' ? expr.source.index : null;
}

/** A column reference, possibly under the implicit casts the analyzer adds to compare types. */
function columnOf(expr: Expr): Extract<Expr, { kind: 'column' }> | null {
  let e = expr;
  while (e.kind === 'cast') e = e.operand;
  return e.kind === 'column' ? e : null;
}

function isWindowBound(expr: Expr): boolean {
  return expr.kind === 'column' && (expr.source.kind === 'WINDOWSTART' || expr.source.kind === 'WINDOWEND');
}

/** Disjunctive normal form, as a list of conjunct lists (IN on a key becomes one disjunct per value). */
function disjuncts(expr: Expr): Expr[][] {
  switch (expr.kind) {
    case 'or':
      return expr.operands.flatMap(disjuncts);
    case 'and': {
      let out: Expr[][] = [[]];
      for (const operand of expr.operands) {
        const parts = disjuncts(operand);
        const next: Expr[][] = [];
        for (const left of out) for (const right of parts) next.push([...left, ...right]);
        out = next;
        if (out.length > 4096) throw error('The WHERE clause of a pull query is too complex: at most 4096 disjuncts.');
      }
      return out;
    }
    case 'in':
      if (!expr.negated && columnOf(expr.operand) !== null) {
        return expr.list.map((value) => [{ kind: 'compare', type: expr.type, operator: '=', left: expr.operand, right: value } as Expr]);
      }
      return [[expr]];
    default:
      return [[expr]];
  }
}

function keyColumnsText(schema: StepSchema): string {
  return `[${schema.key.map((c) => `\`${c.name}\` ${typeText(c.type)} KEY`).join(', ')}]`;
}

function typeText(type: SqlType): string {
  return type.kind === 'INTEGER' ? 'INTEGER' : type.kind;
}

/**
 * Key lookups for a WHERE clause over a table with `keyTypes`: null when the table must be
 * scanned. Throws ksqlDB's texts when it must be scanned and scans are disabled.
 */
export function extractKeyLookups(predicate: Expr | null, schema: StepSchema, tableScanEnabled: boolean): Expr[][] | null {
  const scan = (message: string): null => {
    if (tableScanEnabled) return null;
    throw error(message);
  };
  if (predicate === null) return scan('WHERE clause missing key column');
  const keyCount = schema.key.length;
  if (keyCount === 0) return scan('WHERE clause missing key column');
  const lookups: Expr[][] = [];
  let anyScan = false;
  for (const conjuncts of disjuncts(predicate)) {
    const text = conjuncts.length === 1 ? formatExpression(conjuncts[0]!) : `(${conjuncts.map((c) => formatExpression(c)).join(' AND ')})`;
    const keys: Array<Expr | undefined> = new Array(keyCount).fill(undefined);
    let seen = 0;
    const seenKeys = new Set<number>();
    let needsScan = false;
    for (const conjunct of conjuncts) {
      if (conjunct.kind !== 'compare') {
        if (conjunct.kind === 'like') continue;
        if (scan(`Unsupported expression in WHERE clause: ${formatExpression(conjunct)}`) === null) {
          needsScan = true;
          continue;
        }
      }
      if (conjunct.kind !== 'compare') continue;
      const rightColumn = columnOf(conjunct.right);
      const leftColumn = columnOf(conjunct.left);
      const column = rightColumn ?? leftColumn;
      const other = rightColumn !== null ? conjunct.left : conjunct.right;
      const direct = (rightColumn !== null ? conjunct.right : conjunct.left).kind === 'column';
      if (column === null) {
        scan('A comparison must directly reference a key column.');
        needsScan = true;
        continue;
      }
      if (hasColumn(other)) {
        scan('A comparison must be between a key column and a resolvable expression.');
        needsScan = true;
        continue;
      }
      if (isWindowBound(column)) continue;
      const index = keyIndexOf(column);
      if (index === null) continue;
      if (conjunct.operator === '<>' || conjunct.operator === 'IS DISTINCT FROM' || conjunct.operator === 'IS NOT DISTINCT FROM') {
        scan(`Bound on key columns '${keyColumnsText(schema)}' must currently be '='. `);
        needsScan = true;
        continue;
      }
      if (seenKeys.has(index)) {
        scan('A comparison condition on the key column cannot be combined with other comparisons such as an IN predicate');
        needsScan = true;
        continue;
      }
      seenKeys.add(index);
      seen++;
      if (other.kind === 'null' || (other.kind === 'cast' && other.operand.kind === 'null')) {
        throw error(`Primary key columns can not be NULL: (${schema.key[index]!.name} = null)`);
      }
      if (conjunct.operator !== '=' || !direct || !sqlTypesEqual(other.type, schema.key[index]!.type)) {
        needsScan = true;
        continue;
      }
      keys[index] = other;
    }
    if (seen === 0) {
      scan(`WHERE clause missing key column for disjunct: ${text}`);
      anyScan = true;
      continue;
    }
    if (seen !== keyCount) {
      scan(
        `Multi-column sources must specify every key in the WHERE clause. Specified: [${schema.key
          .filter((_, i) => seenKeys.has(i))
          .map((c) => `\`${c.name}\``)
          .join(', ')}] Expected: ${keyColumnsText(schema)}`,
      );
      anyScan = true;
      continue;
    }
    if (needsScan) anyScan = true;
    else lookups.push(keys as Expr[]);
  }
  return anyScan ? null : lookups;
}

/** What a pull query over a table evaluates, from its transient plan. */
export function planPullTable(plan: QueryPlan, limit: number | null, tableScanEnabled: boolean): PullTablePlan {
  const { source, filter, select } = chain(plan);
  const predicate = filter?.predicate ?? null;
  return {
    sourceSchema: source.schema,
    windowed: source.window !== null,
    predicate,
    projection: select.valueExpressions.map((e) => e.expression),
    keys: extractKeyLookups(predicate, source.schema, tableScanEnabled),
    limit,
  };
}

/** A plan that reads a table's topic into a materialized store (and pushes its rows out). */
export function planTableMaterialization(plan: QueryPlan, queryId: string): QueryPlan {
  const { source } = chain(plan);
  const step: Step = { ...source, kind: 'tableSource@1', materialize: true };
  const sink: Step = { kind: 'pushSink@1', id: 'PushSink', schema: step.schema, source: step, limit: null };
  return { queryId, sink, sourceTopics: [source.topic], properties: { ...plan.properties } };
}
