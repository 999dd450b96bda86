/** The runtime with the real function registry: built-in functions, lambdas, pattern timestamps. */
import { describe, expect, it } from 'vitest';
import { createFunctionRegistry } from '../../../../engine/functions/index.js';
import { QueryRuntime } from '../../../../engine/runtime/index.js';
import type { Expr } from '../../../../engine/expressions/index.js';
import type { QueryPlan, Step, StepSchema } from '../../../../engine/steps/index.js';
import { INT, STRING, arith, arr, k, lit, v } from '../expressions/exprs.js';
import { openTestLog, produce, readTopic, serdes } from '../operators/helpers.js';

const FORMATS = { key: { format: 'KAFKA', properties: {} }, value: { format: 'JSON', properties: {} } };

describe('runtime with the built-in function registry', () => {
  it('runs UCASE, TRANSFORM with a lambda, and a STRING timestamp column with a Java pattern', async () => {
    const { log, clock } = await openTestLog();
    await log.createTopic('input', { partitions: 1 });
    await log.createTopic('output', { partitions: 1 });
    const registry = createFunctionRegistry();
    const overload = (name: string, arity: number): number => registry.getScalar(name)!.overloads.findIndex((o) => o.params.length === arity);
    const runtime = new QueryRuntime({ log, clock, serdes, functions: registry, mode: 'deterministic' });
    const inSchema: StepSchema = {
      key: [{ name: 'ID', type: STRING }],
      value: [
        { name: 'NAME', type: STRING },
        { name: 'TS', type: STRING },
        { name: 'NUMS', type: arr(INT) },
      ],
    };
    const outSchema: StepSchema = {
      key: [{ name: 'ID', type: STRING }],
      value: [
        { name: 'UPPER', type: STRING },
        { name: 'DOUBLED', type: arr(INT) },
      ],
    };
    const source: Step = {
      kind: 'streamSource@1',
      id: 'KsqlTopic/Source',
      schema: inSchema,
      topic: 'input',
      formats: FORMATS,
      window: null,
      timestamp: { kind: 'column', column: { name: 'TS', type: STRING }, source: 'VALUE', index: 1, format: 'yy-MM-dd HH:mm:ssX' },
      headerColumns: [],
      materialize: false,
    };
    const lambda: Expr = { kind: 'lambda', type: INT, params: ['X'], body: arith('*', { kind: 'lambdaVariable', type: INT, name: 'X' }, lit(INT, 2), INT) };
    const select: Step = {
      kind: 'select@1',
      id: 'Project',
      schema: outSchema,
      source,
      keyExpressions: [{ name: 'ID', expression: k(0, STRING) }],
      valueExpressions: [
        { name: 'UPPER', expression: { kind: 'call', type: STRING, functionName: 'UCASE', overloadIndex: overload('UCASE', 1), args: [v(0, STRING)] } },
        { name: 'DOUBLED', expression: { kind: 'call', type: arr(INT), functionName: 'TRANSFORM', overloadIndex: 0, args: [v(2, arr(INT)), lambda] } },
      ],
    };
    const sink: Step = { kind: 'streamSink@1', id: 'KsqlTopic/Sink', schema: outSchema, source: select, topic: 'output', formats: FORMATS, timestamp: null, windowed: null };
    const plan: QueryPlan = { queryId: 'CSAS_OUTPUT_7', sink, sourceTopics: ['input'], properties: { 'auto.offset.reset': 'earliest' } };
    await runtime.start(plan);
    await produce(log, 'input', 0, [{ key: 'a', value: '{"NAME":"abc","TS":"10-04-19 12:00:17Z","NUMS":[1,2]}' }]);
    await runtime.drain();
    const out = (await readTopic(log, 'output')).records;
    expect(out.map((r) => [r.key, r.value, r.timestampMs])).toEqual([['a', '{"UPPER":"ABC","DOUBLED":[2,4]}', 1271678417000]]);
    await runtime.close();
  });
});
