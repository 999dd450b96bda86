/**
 * What a materializing operator (an aggregate, a materialized table source) tells pull queries:
 * its stores per partition (engine/state's, opened by the task that owns them) and how a stored
 * value becomes the row the step outputs (an aggregate's accumulators mapped to results).
 */
import type { KeyValueStore, SessionStore, WindowStore } from '../../state/index.js';

export interface MaterializedRow {
  value: unknown[];
  timestampMs: number;
}

export type Materialization =
  | {
      kind: 'key-value';
      stepId: string;
      /** A windowed table source: the store key ends with the window start and end. */
      keyWindow: 'TUMBLING' | 'HOPPING' | 'SESSION' | null;
      partitions(): number[];
      store(partition: number): KeyValueStore<any> | null;
      row(stored: any): MaterializedRow;
    }
  | {
      kind: 'window';
      stepId: string;
      windowType: 'TUMBLING' | 'HOPPING';
      sizeMs: number;
      partitions(): number[];
      store(partition: number): WindowStore<any> | null;
      row(stored: any): MaterializedRow;
    }
  | {
      kind: 'session';
      stepId: string;
      partitions(): number[];
      store(partition: number): SessionStore<any> | null;
      row(stored: any): MaterializedRow;
    };

export interface MaterializedOperator {
  readonly stepId: string;
  materialized(): Materialization;
}

export function isMaterializedOperator(operator: unknown): operator is MaterializedOperator {
  return typeof operator === 'object' && operator !== null && typeof (operator as Partial<MaterializedOperator>).materialized === 'function';
}
