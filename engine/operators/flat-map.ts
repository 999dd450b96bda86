/**
 * FlatMap (table functions such as EXPLODE in the SELECT list): for each input row, every table
 * function returns a list; the output has as many rows as the longest list, each with the
 * pass-through value columns followed by the i-th element of every list (null past a shorter
 * list's end) — ksqlDB's KudtfFlatMapper (KLIP-9 zipping). The key is unchanged. A function that
 * throws or returns null yields no elements (logged). A record without a value produces nothing.
 */
import { SluiceError } from '../../common/index.js';
import type { CompileOptions, Expr } from '../expressions/index.js';
import type { FunctionContext } from '../functions/index.js';
import type { SqlType } from '../types/index.js';
import type { StepProcessingLog } from './processing-log.js';
import type { EngineRecord } from './record.js';
import { compileLoggedProjection, type NamedExpression } from './select.js';
import type { Operator, TableFunctionLookup } from './types.js';

export interface TableFunctionCall {
  functionName: string;
  overloadIndex: number;
  args: Expr[];
  resultType: SqlType;
}

interface BoundTableFunction {
  name: string;
  call: (args: unknown[]) => readonly unknown[] | null;
  arity: number;
}

export class FlatMapOperator implements Operator {
  private readonly passThrough: (record: EngineRecord) => unknown[];
  private readonly args: (record: EngineRecord) => unknown[];
  private readonly functions: BoundTableFunction[];

  constructor(
    passThrough: readonly NamedExpression[],
    tableFunctions: readonly TableFunctionCall[],
    lookup: TableFunctionLookup | null,
    options: CompileOptions & { functionContext: FunctionContext },
    private readonly log: StepProcessingLog,
  ) {
    this.passThrough = compileLoggedProjection(passThrough, options, log, (text, name, index) =>
      `Error computing expression ${text} for column ${name} with index ${index}`,
    ).evaluate;
    const allArgs: NamedExpression[] = [];
    this.functions = tableFunctions.map((call) => {
      const fn = lookup?.getTable(call.functionName);
      if (fn === undefined) {
        throw new SluiceError('ENGINE_FUNCTION_NOT_FOUND', `Can't find any table functions with the name '${call.functionName}'`, {
          expected: 'a registered table function',
          found: call.functionName,
        });
      }
      const overload = fn.overloads[call.overloadIndex];
      if (overload === undefined) {
        throw new SluiceError('INTERNAL_ASSERTION', `table function ${fn.name} has no overload ${call.overloadIndex}`);
      }
      const argumentTypes = call.args.map((a) => (a.kind === 'null' || a.kind === 'lambda' ? null : a.type));
      const implementation = overload.implementationFor ? overload.implementationFor(argumentTypes, call.resultType) : overload.implementation;
      const context = options.functionContext;
      const needsContext = overload.needsContext === true;
      call.args.forEach((a, i) => allArgs.push({ name: String(i), expression: a }));
      return {
        name: fn.name,
        arity: call.args.length,
        call: needsContext ? (args) => implementation(context, ...args) : (args) => implementation(...args),
      };
    });
    this.args = compileLoggedProjection(allArgs, options, log, (_text, name) => `Failed to evaluate table function parameter ${name}`).evaluate;
  }

  process(records: EngineRecord[]): EngineRecord[] {
    const out: EngineRecord[] = [];
    const functions = this.functions;
    const results: Array<readonly unknown[]> = new Array(functions.length);
    for (let r = 0; r < records.length; r++) {
      const record = records[r]!;
      if (record.value === null) continue;
      const args = this.args(record);
      let longest = 0;
      let position = 0;
      for (let f = 0; f < functions.length; f++) {
        const fn = functions[f]!;
        const fnArgs = args.slice(position, position + fn.arity);
        position += fn.arity;
        let list: readonly unknown[] | null;
        try {
          list = fn.call(fnArgs);
          if (list === null || list === undefined) {
            this.log.recordError(
              `Table function ${fn.name} returned null. This is invalid. Table functions should always return a valid list.`,
              undefined,
              record,
            );
            list = [];
          }
        } catch (error) {
          this.log.recordError(`Table function ${fn.name} threw an exception`, error, record);
          list = [];
        }
        results[f] = list;
        if (list.length > longest) longest = list.length;
      }
      if (longest === 0) continue;
      const base = this.passThrough(record);
      for (let i = 0; i < longest; i++) {
        const value = base.slice();
        for (let f = 0; f < functions.length; f++) {
          const list = results[f]!;
          const element = i < list.length ? list[i] : null;
          value.push(element === undefined ? null : element);
        }
        out.push(record.withColumns(record.key, value));
      }
    }
    return out;
  }
}
