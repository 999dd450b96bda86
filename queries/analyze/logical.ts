/**
 * The logical plan the analyzer produces for a query: a tree of nodes (closed union by `kind`),
 * each holding its resolved, typed expressions (bound to the positions of its input's row shape)
 * and its own output row shape. queries/plan turns it into physical steps.
 */
import type { DataSource, Expr, SqlType, WindowSpec } from './deps.js';
import type { RowShape } from './scope.js';

export interface NamedExpr {
  readonly name: string;
  readonly expression: Expr;
}

export interface TableFunctionCall {
  readonly functionName: string;
  readonly overloadIndex: number;
  readonly args: Expr[];
  readonly resultType: SqlType;
}

export interface AggregateFunctionCall {
  readonly functionName: string;
  readonly overloadIndex: number;
  readonly args: Expr[];
  readonly literalArgs: unknown[];
  readonly resultType: SqlType;
  /** The call as written, for messages. */
  readonly text: string;
  /** The function's name as ksqlDB prints it in messages. */
  readonly displayName?: string;
  /** False when the function cannot undo a value (so cannot aggregate a table). */
  readonly supportsUndo?: boolean;
  /** The state's type (what internal topics carry). */
  readonly aggregateType?: SqlType;
}

export type JoinKind = 'INNER' | 'LEFT' | 'RIGHT' | 'OUTER';

export type LogicalNode =
  | {
      readonly kind: 'source';
      readonly alias: string;
      readonly source: DataSource;
      readonly shape: RowShape;
      /** Step id (default `KsqlTopic/Source`; joins: `KafkaTopic_Left/Source`...). */
      readonly id?: string;
    }
  | { readonly kind: 'filter'; readonly input: LogicalNode; readonly predicate: Expr; readonly shape: RowShape; readonly clause: 'WHERE' | 'HAVING' }
  | {
      readonly kind: 'partitionBy';
      readonly input: LogicalNode;
      readonly keyExpressions: Expr[];
      /** The source's key columns are appended to the value (so the old key stays readable). */
      readonly appendOldKey: boolean;
      readonly shape: RowShape;
      /** Step id (default `PartitionBy`; joins: `LeftSourceKeyed`...). */
      readonly id?: string;
      /** Move the rows through a repartition topic (joins and aggregations need co-partitioning). */
      readonly repartition?: boolean;
    }
  | {
      readonly kind: 'flatMap';
      readonly input: LogicalNode;
      readonly passThrough: NamedExpr[];
      readonly tableFunctions: TableFunctionCall[];
      readonly shape: RowShape;
    }
  | {
      readonly kind: 'groupBy';
      readonly input: LogicalNode;
      readonly groupByExpressions: Expr[];
      /** The grouping is the input's key, in order: no repartition needed. */
      readonly keyUnchanged: boolean;
      readonly shape: RowShape;
    }
  | {
      readonly kind: 'aggregate';
      readonly input: LogicalNode;
      readonly inputKind: 'stream' | 'table';
      readonly nonAggregateColumns: number[];
      readonly aggregates: AggregateFunctionCall[];
      readonly window: WindowSpec | null;
      readonly shape: RowShape;
    }
  | { readonly kind: 'suppress'; readonly input: LogicalNode; readonly shape: RowShape }
  | {
      readonly kind: 'project';
      readonly input: LogicalNode;
      readonly keyExpressions: NamedExpr[];
      readonly valueExpressions: NamedExpr[];
      readonly shape: RowShape;
      /** Step id (default `Project`; joins' inputs: `PrependAliasLeft`...). */
      readonly id?: string;
    }
  | {
      readonly kind: 'join';
      readonly joinKind: 'streamStream' | 'streamTable' | 'tableTable' | 'foreignKey';
      readonly joinType: JoinKind;
      readonly left: LogicalNode;
      readonly right: LogicalNode;
      readonly beforeMs: number;
      readonly afterMs: number;
      readonly graceMs: number | null;
      readonly keyColumnName: string;
      readonly foreignKey: Expr | null;
      readonly shape: RowShape;
      /** Step id prefix: `Join`, `Join/...` for n-way joins. */
      readonly id: string;
    };

export type LogicalNodeKind = LogicalNode['kind'];

/** The source nodes of a plan, left to right. */
export function logicalSources(node: LogicalNode): Array<Extract<LogicalNode, { kind: 'source' }>> {
  switch (node.kind) {
    case 'source':
      return [node];
    case 'join':
      return [...logicalSources(node.left), ...logicalSources(node.right)];
    default:
      return logicalSources(node.input);
  }
}
