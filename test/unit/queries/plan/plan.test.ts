import { describe, expect, it } from 'vitest';
import { parseStatement, type Statement } from '../../../../queries/parse/index.js';
import { analyzeCreateSource, analyzePersistentQuery } from '../../../../queries/analyze/index.js';
import { Catalog } from '../../../../queries/catalog/index.js';
import { explainPlan, persistentQueryId, planPersistent, transientQueryId } from '../../../../queries/plan/index.js';
import { walkSteps, type QueryPlan, type Step } from '../../../../engine/steps/index.js';
import { contextOf } from '../helpers.js';

function catalogOf(...sql: string[]): Catalog {
  let catalog = Catalog.empty();
  for (const text of sql) {
    const statement = parseStatement(text) as Extract<Statement, { kind: 'createStream' | 'createTable' }>;
    catalog = catalog.withSource(analyzeCreateSource(statement, text, contextOf(catalog)).source);
  }
  return catalog;
}

const CATALOG = catalogOf("CREATE STREAM TEST (K STRING KEY, ID BIGINT, NAME STRING, ARR ARRAY<INT>) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');");

function plan(sql: string): QueryPlan {
  const statement = parseStatement(sql) as Extract<Statement, { kind: 'createStreamAsSelect' | 'createTableAsSelect' }>;
  const analysis = analyzePersistentQuery(statement, sql, contextOf(CATALOG));
  const sink = analysis.sink;
  return planPersistent(
    analysis.query.root,
    {
      name: sink.name,
      kind: sink.kind,
      topic: sink.topic,
      formats: { key: sink.keyFormat, value: sink.valueFormat },
      timestamp: analysis.sinkTimestamp,
      windowed: null,
    },
    persistentQueryId(analysis.statement, sink.name, 7),
    {},
  );
}

function steps(p: QueryPlan): Step[] {
  const out: Step[] = [];
  walkSteps(p.sink, (s) => out.push(s));
  return out;
}

describe('physical plans', () => {
  it('names steps as ksqlDB does', () => {
    const p = plan('CREATE STREAM OUT AS SELECT K, UCASE(NAME) AS N FROM TEST WHERE ID > 1;');
    expect(p.queryId).toBe('CSAS_OUT_7');
    expect(steps(p).map((s) => [s.kind, s.id])).toEqual([
      ['streamSource@1', 'KsqlTopic/Source'],
      ['filter@1', 'WhereFilter'],
      ['select@1', 'Project'],
      ['streamSink@1', 'OUT'],
    ]);
    expect(p.sourceTopics).toEqual(['t']);
  });

  it('binds expressions to input positions and keeps schemas', () => {
    const p = plan('CREATE STREAM OUT AS SELECT K, NAME, ID + 1 AS X FROM TEST;');
    const project = steps(p).find((s) => s.kind === 'select@1');
    expect(project).toMatchObject({
      keyExpressions: [{ name: 'K', expression: { kind: 'column', source: { kind: 'KEY', index: 0 } } }],
      valueExpressions: [
        { name: 'NAME', expression: { kind: 'column', source: { kind: 'VALUE', index: 1 } } },
        { name: 'X', expression: { kind: 'arithmetic', operator: '+', type: { kind: 'BIGINT' } } },
      ],
      schema: { key: [{ name: 'K' }], value: [{ name: 'NAME' }, { name: 'X' }] },
    });
  });

  it('re-keys for PARTITION BY without a repartition topic', () => {
    const p = plan('CREATE STREAM OUT AS SELECT NAME, ID FROM TEST PARTITION BY NAME;');
    const selectKey = steps(p).find((s) => s.kind === 'selectKey@1');
    expect(selectKey).toMatchObject({ id: 'PartitionBy', repartition: false, schema: { key: [{ name: 'NAME' }] } });
    // The value keeps the old key so later steps can read it.
    expect(selectKey?.schema.value.map((c) => c.name)).toEqual(['ID', 'NAME', 'ARR', 'K']);
  });

  it('explains a plan', () => {
    const text = explainPlan(plan('CREATE STREAM OUT AS SELECT K, NAME FROM TEST;'));
    expect(text.split('\n')[0]).toBe(' > [ SINK ] | Schema: `K` STRING KEY, `NAME` STRING | Logger: CSAS_OUT_7.OUT');
    expect(text).toContain('> [ SOURCE ] | Schema: `K` STRING KEY, `ID` BIGINT, `NAME` STRING, `ARR` ARRAY<INTEGER> | Logger: CSAS_OUT_7.KsqlTopic.Source');
  });

  it('makes query ids like ksqlDB', () => {
    expect(persistentQueryId('CTAS', 'T', 3)).toBe('CTAS_T_3');
    expect(persistentQueryId('INSERT', 'T', 4)).toBe('INSERTQUERY_4');
    expect(transientQueryId('s', 0)).toBe('transient_S_0');
  });

  it('stores plans as JSON that reads back equal', () => {
    const p = plan("CREATE STREAM OUT AS SELECT K, CAST(ID AS DECIMAL(20, 2)) AS D, 'x' AS S, 1.50 AS L FROM TEST;");
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe('internal topic formats', () => {
  it("use JSON keys where the source's DELIMITED key cannot hold the grouping key (SerdeFeaturesFactory.sanitizeKeyFormat)", () => {
    const catalog = catalogOf("CREATE STREAM D (F1 STRING KEY, F2 INT) WITH (KAFKA_TOPIC='d', KEY_FORMAT='DELIMITED', VALUE_FORMAT='JSON');");
    const formatsOf = (sql: string): string[] => {
      const statement = parseStatement(sql) as Extract<Statement, { kind: 'createTableAsSelect' }>;
      const analysis = analyzePersistentQuery(statement, sql, contextOf(catalog));
      const sink = analysis.sink;
      const p = planPersistent(
        analysis.query.root,
        { name: sink.name, kind: sink.kind, topic: sink.topic, formats: { key: sink.keyFormat, value: sink.valueFormat }, timestamp: null, windowed: null },
        'CTAS_OUT_1',
        {},
      );
      return steps(p)
        .filter((step): step is Extract<Step, { kind: 'groupBy@1' }> => step.kind === 'groupBy@1')
        .map((step) => step.internalFormats.key.format);
    };
    expect(formatsOf("CREATE TABLE OUT WITH (KEY_FORMAT='JSON') AS SELECT STRUCT(F1:=F1, F2:=F2) AS K, COUNT(*) AS N FROM D GROUP BY STRUCT(F1:=F1, F2:=F2);")).toEqual(['JSON']);
    expect(formatsOf('CREATE TABLE OUT AS SELECT F2, F1, COUNT(*) AS N FROM D GROUP BY F2, F1;')).toEqual(['DELIMITED']);
  });
});
