/**
 * The joined row (ksqlDB's KsqlValueJoiner): the left side's value columns, then the right
 * side's, null-padded for a missing side, then — when the step's schema has room for it — the
 * join key appended as the synthetic key column (ksqlDB appends a placeholder there; we put the
 * key itself, so an expression reading it sees the key). A RIGHT join is run by ksqlDB as
 * `right.leftJoin(left)`; whatever order the step's schema lists the sides in, the layout follows
 * it (it compares the column names).
 */
import { SluiceError } from '../../../common/index.js';
import type { StepSchema } from '../../steps/index.js';

export class JoinLayout {
  /** Output = right columns then left columns. */
  readonly swapped: boolean;
  readonly extra: number;

  constructor(
    readonly leftCount: number,
    readonly rightCount: number,
    readonly outputCount: number,
    swapped = false,
  ) {
    this.swapped = swapped;
    this.extra = outputCount - leftCount - rightCount;
    if (this.extra < 0) {
      throw new SluiceError(
        'INTERNAL_ASSERTION',
        `a join's output has ${outputCount} value columns; expected at least ${leftCount} (left) + ${rightCount} (right)`,
      );
    }
  }

  /** From the step schemas: sides in the output's order, extra columns for the synthetic key. */
  static of(left: StepSchema, right: StepSchema, output: StepSchema): JoinLayout {
    const names = output.value.map((c) => c.name);
    const leftNames = left.value.map((c) => c.name);
    const rightNames = right.value.map((c) => c.name);
    const starts = (prefix: string[], offset: number): boolean => prefix.every((name, i) => names[offset + i] === name);
    const swapped = !(starts(leftNames, 0) && starts(rightNames, leftNames.length)) && starts(rightNames, 0) && starts(leftNames, rightNames.length);
    return new JoinLayout(leftNames.length, rightNames.length, names.length, swapped);
  }

  /** The joined value; `left`/`right` null for a missing side. */
  join(left: readonly unknown[] | null, right: readonly unknown[] | null, key: readonly unknown[]): unknown[] {
    const out = new Array<unknown>(this.outputCount);
    let at = 0;
    const first = this.swapped ? right : left;
    const firstCount = this.swapped ? this.rightCount : this.leftCount;
    const second = this.swapped ? left : right;
    const secondCount = this.swapped ? this.leftCount : this.rightCount;
    for (let i = 0; i < firstCount; i++) out[at++] = first === null ? null : (first[i] ?? null);
    for (let i = 0; i < secondCount; i++) out[at++] = second === null ? null : (second[i] ?? null);
    for (let i = 0; i < this.extra; i++) out[at++] = this.extra === 1 && key.length === 1 ? (key[0] ?? null) : null;
    return out;
  }
}

/** A record without a usable join key: no key columns, or every key column null. */
export function isNullKey(key: readonly unknown[]): boolean {
  for (let i = 0; i < key.length; i++) if (key[i] !== null && key[i] !== undefined) return false;
  return true;
}

/** The key the join state is kept under: the key columns, plus the window for windowed sources. */
export function stateKey(key: unknown[], window: { startMs: number; endMs: number } | null): unknown[] {
  return window === null ? key : [...key, window.startMs, window.endMs];
}

/** A state store name for a step (ksqlDB joins query-context parts with `-`). */
export function joinStoreName(stepId: string, suffix: string): string {
  return `${stepId}-${suffix}`.replace(/[^A-Za-z0-9._-]/g, '-');
}
