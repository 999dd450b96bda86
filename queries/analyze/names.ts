/**
 * Generated column names, as ksqlDB's ColumnNames makes them: `KSQL_COL_n` for unnamed
 * expressions (n skipping numbers the source schemas already use), the field name for a struct
 * dereference (`A->B` is `B`, then `B_1`...), `<ALIAS>_<COL>` for join columns that clash.
 */
import type { Ast } from './deps.js';

const GENERATED_ALIAS_PREFIX = 'KSQL_COL';

/** Splits `NAME_12` into NAME and 12 (ksqlDB's NUMBERED_COLUMN_PATTERN); no number gives 0. */
function splitNumbered(name: string): { base: string; number: number } {
  const match = /^(.*?)(?:_(\d+))?$/s.exec(name)!;
  const number = match[2] === undefined ? 0 : Number.parseInt(match[2], 10);
  return { base: match[1] ?? '', number: Number.isSafeInteger(number) ? number : -1 };
}

class AliasGenerator {
  private next = 0;
  constructor(
    private readonly prefix: string,
    private readonly used: ReadonlySet<number>,
  ) {}

  nextName(): string {
    let index: number;
    do {
      index = this.next++;
    } while (this.used.has(index));
    return index === 0 && this.prefix !== GENERATED_ALIAS_PREFIX ? this.prefix : `${this.prefix}_${index}`;
  }
}

export class ColumnAliasGenerator {
  private readonly used = new Map<string, Set<number>>();
  private readonly generators = new Map<string, AliasGenerator>();

  /** `columnNames`: every column name of every source schema of the query. */
  constructor(columnNames: Iterable<string>) {
    for (const name of columnNames) {
      const { base, number } = splitNumbered(name);
      let set = this.used.get(base);
      if (set === undefined) {
        set = new Set();
        this.used.set(base, set);
      }
      set.add(number);
    }
  }

  private generator(prefix: string): AliasGenerator {
    let g = this.generators.get(prefix);
    if (g === undefined) {
      g = new AliasGenerator(prefix, this.used.get(prefix) ?? new Set());
      this.generators.set(prefix, g);
    }
    return g;
  }

  nextKsqlColAlias(): string {
    return this.generator(GENERATED_ALIAS_PREFIX).nextName();
  }

  /** The alias of an unnamed expression: a dereference is named after its field. */
  uniqueAliasFor(expression: Ast.Expression): string {
    if (expression.kind === 'dereference') {
      const { base } = splitNumbered(expression.field);
      return this.generator(base).nextName();
    }
    return this.nextKsqlColAlias();
  }
}

export function aggregateColumnName(index: number): string {
  return `KSQL_AGG_VARIABLE_${index}`;
}

export function synthesisedColumnName(index: number): string {
  return `KSQL_SYNTH_${index}`;
}

export function joinColumnAlias(sourceAlias: string, column: string): string {
  return `${sourceAlias}_${column}`;
}
