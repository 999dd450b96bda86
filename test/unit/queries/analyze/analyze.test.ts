import { describe, expect, it } from 'vitest';
import { parseStatement, type Query, type Statement } from '../../../../queries/parse/index.js';
import {
  analyzeCreateSource,
  analyzePersistentQuery,
  analyzeQuery,
  type AnalysisContext,
  type LogicalNode,
} from '../../../../queries/analyze/index.js';
import { Catalog } from '../../../../queries/catalog/index.js';
import { contextOf } from '../helpers.js';

/** A catalog with the sources the SQL creates (topics are taken to exist). */
function catalogOf(...sql: string[]): Catalog {
  let catalog = Catalog.empty();
  for (const text of sql) {
    const statement = parseStatement(text) as Extract<Statement, { kind: 'createStream' | 'createTable' }>;
    catalog = catalog.withSource(analyzeCreateSource(statement, text, contextOf(catalog)).source);
  }
  return catalog;
}

const TEST = catalogOf(
  "CREATE STREAM TEST (K STRING KEY, ID BIGINT, NAME STRING, S STRUCT<A INT, B STRING>, M MAP<STRING, INT>, ARR ARRAY<INT>, D DECIMAL(4, 2)) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');",
  "CREATE TABLE TAB (ID INT PRIMARY KEY, V STRING) WITH (KAFKA_TOPIC='tab', VALUE_FORMAT='JSON');",
);

function query(sql: string, context: AnalysisContext = contextOf(TEST)) {
  return analyzeQuery(context, parseStatement(sql) as Query, { persistent: false });
}

function persistent(sql: string, context: AnalysisContext = contextOf(TEST)) {
  return analyzePersistentQuery(parseStatement(sql) as Extract<Statement, { kind: 'createStreamAsSelect' }>, sql, context);
}

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

function project(node: LogicalNode): Extract<LogicalNode, { kind: 'project' }> {
  if (node.kind !== 'project') throw new Error(`expected a project node, found ${node.kind}`);
  return node;
}

describe('select item names', () => {
  it('names unnamed expressions KSQL_COL_n and struct fields by field name', () => {
    const a = query('SELECT ID + 1, S->A, S->A, NAME, UCASE(NAME) FROM TEST EMIT CHANGES;');
    expect(a.columns.map((c) => c.name)).toEqual(['KSQL_COL_0', 'A', 'A_1', 'NAME', 'KSQL_COL_1']);
  });

  it('expands * to key columns then value columns', () => {
    const a = query('SELECT * FROM TEST EMIT CHANGES;');
    expect(a.columns.map((c) => c.name)).toEqual(['K', 'ID', 'NAME', 'S', 'M', 'ARR', 'D']);
    expect(a.columns[0]!.isKey).toBe(true);
  });

  it('rejects reserved names', () => {
    expect(errorOf(() => persistent('CREATE STREAM O AS SELECT K, ROWTIME FROM TEST;'))).toBe(
      'Reserved column name in select: `ROWTIME`. Please remove or alias the column.',
    );
    expect(errorOf(() => query('SELECT ID AS ROWPARTITION FROM TEST EMIT CHANGES;'))).toBe(
      '`ROWPARTITION` is a reserved column name. You cannot use it as an alias for a column.',
    );
  });
});

describe('expressions', () => {
  it('types literals, functions and implicit casts', () => {
    const a = query('SELECT ID + 1.5 AS X, SUBSTRING(NAME, 2) AS Y, D * 2 AS Z, ABS(ID) AS W FROM TEST EMIT CHANGES;');
    expect(a.columns.map((c) => c.type)).toEqual([
      { kind: 'DECIMAL', precision: 21, scale: 1 },
      { kind: 'STRING' },
      { kind: 'DECIMAL', precision: 15, scale: 2 },
      { kind: 'BIGINT' },
    ]);
  });

  it('types lambdas from the bound generics', () => {
    const a = query('SELECT TRANSFORM(ARR, x => x * 2.0) AS T FROM TEST EMIT CHANGES;');
    expect(a.columns[0]!.type).toEqual({ kind: 'ARRAY', element: { kind: 'DECIMAL', precision: 13, scale: 1 } });
  });

  it('passes time units as STRING literals', () => {
    const a = query("SELECT TIMESTAMPADD(SECONDS, 5, FROM_UNIXTIME(ID)) AS T FROM TEST EMIT CHANGES;");
    expect(a.columns[0]!.type).toEqual({ kind: 'TIMESTAMP' });
  });

  it('reports unknown columns per clause', () => {
    expect(errorOf(() => query('SELECT BOB FROM TEST EMIT CHANGES;'))).toBe("SELECT column 'BOB' cannot be resolved.");
    expect(errorOf(() => query('SELECT I.BOB FROM TEST I EMIT CHANGES;'))).toBe("SELECT column 'I.BOB' cannot be resolved.");
    expect(errorOf(() => query('SELECT ID FROM TEST WHERE BOB = 1 EMIT CHANGES;'))).toBe("WHERE column 'BOB' cannot be resolved.");
    expect(errorOf(() => query('SELECT X.ID FROM TEST EMIT CHANGES;'))).toBe("'X' is not a valid stream/table name or alias.");
  });

  it('coerces IN lists with ksqlDB messages', () => {
    expect(errorOf(() => query("SELECT ID FROM TEST WHERE ID IN (1, 'x') EMIT CHANGES;"))).toBe(
      'Invalid Predicate: invalid input syntax for type BIGINT: "x".',
    );
    expect(errorOf(() => query('SELECT ID FROM TEST WHERE ID IN (NAME) EMIT CHANGES;'))).toBe(
      'Invalid Predicate: operator does not exist: BIGINT = STRING (NAME)\nHint: You might need to add explicit type casts.',
    );
  });

  it('validates constructors and comparisons', () => {
    expect(errorOf(() => query('SELECT ARRAY[] AS A FROM TEST EMIT CHANGES;'))).toContain('Array constructor cannot be empty.');
    expect(errorOf(() => query('SELECT MAP(NULL := 1) AS A FROM TEST EMIT CHANGES;'))).toContain('Cannot construct a map with all NULL keys');
    expect(errorOf(() => query('SELECT ID FROM TEST WHERE NAME > 1 EMIT CHANGES;'))).toBe(
      'Error in WHERE expression: Cannot compare NAME (STRING) to 1 (INTEGER) with GREATER_THAN.',
    );
    expect(errorOf(() => query('SELECT ID FROM TEST WHERE NAME EMIT CHANGES;'))).toBe(
      'Type error in WHERE expression: Should evaluate to boolean but is NAME (STRING) instead.',
    );
  });

  it('resolves overloads with the registry and its messages', () => {
    expect(errorOf(() => query("SELECT GREATEST(1, 'a') AS G FROM TEST EMIT CHANGES;"))).toContain("does not accept parameters (INTEGER, STRING).");
    expect(errorOf(() => query('SELECT NOPE(1) AS G FROM TEST EMIT CHANGES;'))).toBe("Can't find any functions with the name 'NOPE'");
  });

  it('turns string literals compared with ROWTIME into timestamps', () => {
    const a = query("SELECT ID FROM TEST WHERE ROWTIME > '2018-01-01T00:00:00.001' EMIT CHANGES;");
    const filter = project(a.root).input;
    expect(filter.kind).toBe('filter');
    if (filter.kind !== 'filter') return;
    expect(filter.predicate).toMatchObject({ kind: 'compare', right: { kind: 'literal', type: { kind: 'BIGINT' }, value: 1514764800001 } });
  });
});

describe('persistent queries', () => {
  it('puts key columns (aliased) in the sink key and the rest in the value', () => {
    const a = persistent('CREATE STREAM O AS SELECT K AS KEY2, NAME, ID FROM TEST;');
    expect(a.sink.keyColumns).toEqual([{ name: 'KEY2', type: { kind: 'STRING' } }]);
    expect(a.sink.valueColumns.map((c) => c.name)).toEqual(['NAME', 'ID']);
    expect(a.sink.topic).toBe('O');
    expect(a.sink.keyFormat.format).toBe('KAFKA');
    expect(a.sink.valueFormat.format).toBe('JSON');
  });

  it('requires the key once and some value', () => {
    expect(errorOf(() => persistent('CREATE STREAM OUTPUT AS SELECT NAME FROM TEST;'))).toContain(
      'The query used to build `OUTPUT` must include the key column K in its projection (eg, SELECT K...).',
    );
    expect(errorOf(() => persistent('CREATE STREAM OUTPUT AS SELECT K, K AS K2, NAME FROM TEST;'))).toContain(
      'The projection contains a key column (`K`) more than once, aliased as: K and K2.',
    );
    expect(errorOf(() => persistent('CREATE STREAM OUTPUT AS SELECT K FROM TEST;'))).toBe('The projection contains no value columns.');
  });

  it('re-keys with PARTITION BY and requires the partitioning expression', () => {
    const a = persistent('CREATE STREAM O AS SELECT NAME, ID FROM TEST PARTITION BY NAME;');
    expect(a.sink.keyColumns).toEqual([{ name: 'NAME', type: { kind: 'STRING' } }]);
    expect(a.sink.valueColumns.map((c) => c.name)).toEqual(['ID']);
    const b = persistent('CREATE STREAM O AS SELECT ABS(ID) AS X, NAME FROM TEST PARTITION BY ABS(ID);');
    expect(b.sink.keyColumns).toEqual([{ name: 'X', type: { kind: 'BIGINT' } }]);
    expect(errorOf(() => persistent('CREATE STREAM OUTPUT AS SELECT NAME FROM TEST PARTITION BY ID;'))).toContain(
      'must include the partitioning expression TEST.ID in its projection',
    );
    const c = persistent('CREATE STREAM O AS SELECT NAME, ID FROM TEST PARTITION BY NULL;');
    expect(c.sink.keyColumns).toEqual([]);
    expect(c.sink.keyFormat.format).toBe('NONE');
  });

  it('inherits formats and uses the topic prefix and explicit properties', () => {
    const context = contextOf(TEST, { 'ksql.output.topic.name.prefix': 'p_' }, { t: 3 });
    const a = persistent("CREATE STREAM O WITH (VALUE_FORMAT='DELIMITED') AS SELECT K, NAME FROM TEST;", context);
    expect(a.sink.topic).toBe('p_O');
    expect(a.topic.partitions).toBe(3);
    expect(a.sink.valueFormat.format).toBe('DELIMITED');
  });

  it('checks the result type', () => {
    expect(errorOf(() => persistent('CREATE STREAM O AS SELECT ID, V FROM TAB;'))).toBe(
      'Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.',
    );
  });
});

describe('CREATE STREAM / TABLE', () => {
  function create(sql: string, properties: Record<string, unknown> = {}) {
    const statement = parseStatement(sql) as Extract<Statement, { kind: 'createStream' | 'createTable' }>;
    return analyzeCreateSource(statement, sql, contextOf(Catalog.empty(), properties));
  }

  it('builds the source with formats and features', () => {
    const a = create("CREATE STREAM S (K INT KEY, V STRING) WITH (KAFKA_TOPIC='s', FORMAT='JSON');");
    expect(a.source.keyFormat).toEqual({ format: 'JSON', properties: { features: 'UNWRAP_SINGLES' } });
    expect(a.source.valueFormat).toEqual({ format: 'JSON', properties: {} });
    const b = create("CREATE STREAM S (V STRING) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', WRAP_SINGLE_VALUE=false);");
    expect(b.source.valueFormat.properties.features).toBe('UNWRAP_SINGLES');
  });

  it('rejects what ksqlDB rejects, with its messages', () => {
    expect(errorOf(() => create("CREATE TABLE T (V STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');"))).toBe(
      'Tables require a PRIMARY KEY. Please define the PRIMARY KEY.',
    );
    expect(errorOf(() => create("CREATE STREAM S (ROWTIME BIGINT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');"))).toBe(
      "'ROWTIME' is a reserved column name. You cannot use it as a name for a column.",
    );
    expect(errorOf(() => create("CREATE STREAM S (V STRING) WITH (KAFKA_TOPIC='t');"))).toContain(
      "Statement is missing the 'VALUE_FORMAT' property from the WITH clause.",
    );
    expect(errorOf(() => create("CREATE STREAM S (V STRING) WITH (KAFKA_TOPIC='t', FORMAT='JSON', VALUE_FORMAT='JSON');"))).toContain(
      "Cannot supply both 'VALUE_FORMAT' and 'FORMAT' properties",
    );
    expect(errorOf(() => create("CREATE STREAM S (V STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='FOO');"))).toBe('Unknown format: FOO');
    expect(errorOf(() => create("CREATE STREAM S (V STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='DELIMITED', VALUE_DELIMITER='');"))).toContain(
      'Configuration VALUE_DELIMITER is invalid: Delimiter cannot be empty',
    );
    expect(errorOf(() => create("CREATE STREAM S (K INT KEY, V STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', WINDOW_TYPE='SESSION', WINDOW_SIZE='1 SECOND');"))).toBe(
      "'WINDOW_SIZE' should not be set for SESSION windows.",
    );
  });

  it('uses the default value format property', () => {
    const a = create("CREATE STREAM S (V STRING) WITH (KAFKA_TOPIC='t');", { 'ksql.persistence.default.format.value': 'DELIMITED' });
    expect(a.source.valueFormat.format).toBe('DELIMITED');
    expect(a.source.keyFormat.format).toBe('KAFKA');
  });
});

describe('ksqlDB behaviours of grouping, windowed joins and sanitizing', () => {
  const JOINS = catalogOf(
    "CREATE STREAM L (K STRING KEY, F0 INT) WITH (KAFKA_TOPIC='l', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='1 SECOND');",
    "CREATE STREAM R (K STRING KEY, F1 INT) WITH (KAFKA_TOPIC='r', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='1 SECOND');",
    "CREATE STREAM A (ID STRING, COL1 STRING) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON');",
    "CREATE TABLE B (ID STRING PRIMARY KEY, COL1 STRING) WITH (KAFKA_TOPIC='b', VALUE_FORMAT='JSON');",
  );
  const createTable = (sql: string, context: AnalysisContext = contextOf(TEST)) =>
    analyzePersistentQuery(parseStatement(sql) as Extract<Statement, { kind: 'createTableAsSelect' }>, sql, context);

  it('names only the grouping expressions missing from the projection', () => {
    expect(errorOf(() => createTable('CREATE TABLE OUTPUT AS SELECT NAME, COUNT(*) FROM TEST GROUP BY ID, NAME;'))).toContain(
      'The query used to build `OUTPUT` must include the grouping expression ID in its projection (eg, SELECT ID...).',
    );
  });

  it('cannot resolve window bounds in a windowed aggregation over a join (ksql#5931)', () => {
    expect(
      errorOf(() =>
        createTable(
          'CREATE TABLE C AS SELECT A.ID, COUNT(*), WINDOWSTART AS WSTART FROM A JOIN B ON A.ID = B.ID WINDOW TUMBLING (SIZE 10 MILLISECONDS) GROUP BY A.ID;',
          contextOf(JOINS),
        ),
      ),
    ).toBe("SELECT column 'WINDOWSTART' cannot be resolved.");
  });

  it("keeps a windowed join's window, and reads each side's own ROWTIME", () => {
    const analysis = persistent(
      'CREATE STREAM OUTPUT AS SELECT l.K, l.ROWTIME AS TIME, l.WINDOWSTART AS WSTART, f0, f1 FROM L l JOIN R r WITHIN 1 SECONDS ON l.K = r.K;',
      contextOf(JOINS),
    );
    expect(analysis.query.window).toEqual({ kind: 'TUMBLING', sizeMs: 1000 });
    const project = analysis.query.root as Extract<LogicalNode, { kind: 'project' }>;
    const time = project.valueExpressions.find((e) => e.name === 'TIME')!.expression;
    expect(time).toMatchObject({ kind: 'column', source: { kind: 'VALUE' } });
    expect(analysis.query.valueColumns.map((c) => c.name)).toEqual(['TIME', 'WSTART', 'F0', 'F1']);
  });

  it('gives the sanitized query: aliases, qualified columns, EMIT CHANGES', () => {
    const analysis = createTable("CREATE TABLE OUTPUT WITH (KEY_FORMAT='JSON') AS SELECT ID, NAME, ID + 1, COUNT(*) FROM TEST GROUP BY ID, NAME;");
    const sanitized = analysis.query.sanitizedQuery;
    expect(sanitized.emit).toBe('CHANGES');
    expect(sanitized.select.map((item) => (item.kind === 'singleColumn' ? item.alias : '*'))).toEqual(['ID', 'NAME', 'KSQL_COL_0', 'KSQL_COL_1']);
    expect(sanitized.groupBy).toMatchObject([
      { kind: 'qualifiedColumnReference', source: 'TEST', name: 'ID' },
      { kind: 'qualifiedColumnReference', source: 'TEST', name: 'NAME' },
    ]);
  });
});

describe('joins: n-way table joins and windowed *', () => {
  const TABLES = catalogOf(
    "CREATE TABLE T1 (ID INT PRIMARY KEY, V0 BIGINT) WITH (KAFKA_TOPIC='t1', VALUE_FORMAT='JSON');",
    "CREATE TABLE T2 (ID INT PRIMARY KEY, V0 BIGINT, X INT) WITH (KAFKA_TOPIC='t2', VALUE_FORMAT='JSON');",
    "CREATE TABLE T3 (ID INT PRIMARY KEY, V0 BIGINT) WITH (KAFKA_TOPIC='t3', VALUE_FORMAT='JSON');",
    "CREATE STREAM W1 (ID INT KEY, V BIGINT) WITH (KAFKA_TOPIC='w1', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='1 SECOND');",
    "CREATE STREAM W2 (ID INT KEY, V BIGINT) WITH (KAFKA_TOPIC='w2', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='1 SECOND');",
  );
  const createTable = (sql: string) => analyzePersistentQuery(parseStatement(sql) as Extract<Statement, { kind: 'createTableAsSelect' }>, sql, contextOf(TABLES));
  const joinKinds = (node: LogicalNode): string[] => {
    if (node.kind === 'join') return [...joinKinds(node.left), node.joinKind];
    if (node.kind === 'source') return [];
    return joinKinds(node.input);
  };

  it("a nested join's source key is a primary key: table-table, not foreign-key (LogicalPlanner.joinOnNonKeyAttribute)", () => {
    for (const on of ['T1.ID', 'T2.ID']) {
      const analysis = createTable(`CREATE TABLE OUT AS SELECT T1.ID, T1.V0, T2.V0 AS A, T3.V0 AS B FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON ${on} = T3.ID;`);
      expect(joinKinds(analysis.query.root)).toEqual(['tableTable', 'tableTable']);
    }
    // Another column of a nested source is a foreign key, which n-way joins do not support.
    expect(errorOf(() => createTable('CREATE TABLE OUT AS SELECT T1.ID, T3.V0 FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T2.X = T3.ID;'))).toContain(
      'foreign-key table-table joins are not supported as part of n-way joins',
    );
  });

  it('co-partitioning: a nested join counts its right input’s partitions, each side named by its left-most source', () => {
    const sql = 'CREATE TABLE OUT AS SELECT T1.ID, T1.V0, T2.V0 AS A, T3.V0 AS B FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID;';
    const run = (topics: Record<string, number>) =>
      errorOf(() => analyzePersistentQuery(parseStatement(sql) as Extract<Statement, { kind: 'createTableAsSelect' }>, sql, contextOf(TABLES, {}, topics)));
    expect(run({ t1: 1, t2: 1, t3: 2 })).toBe(
      "Can't join `T1` with `T3` since the number of partitions don't match. `T1` partitions = 1; `T3` partitions = 2. Please repartition either one so that the number of partitions match.",
    );
    expect(run({ t1: 2, t2: 2, t3: 2 })).toBe('no error');
  });

  it('the join key is the first viable column the projection contains, `X.*` included; `*` lists a synthetic key first', () => {
    const rStar = persistent('CREATE STREAM OUT AS SELECT W1.V, W2.* FROM W1 JOIN W2 WITHIN 1 MINUTE ON W1.ID = W2.ID;', contextOf(TABLES));
    expect(rStar.query.keyColumns.map((c) => c.name)).toEqual(['W2_ID']);
    const outer = createTable('CREATE TABLE OUT AS SELECT * FROM T1 FULL OUTER JOIN T2 ON T1.ID = T2.ID;');
    expect(outer.query.keyColumns.map((c) => c.name)).toEqual(['ROWKEY']);
    expect(outer.query.valueColumns.map((c) => c.name)).toEqual(['T1_ID', 'T1_V0', 'T2_ID', 'T2_V0', 'T2_X']);
    // A nested outer join's ROWKEY is not listed when a later join has a source key column.
    const nested = createTable('CREATE TABLE OUT AS SELECT * FROM T1 FULL OUTER JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID;');
    expect(nested.query.keyColumns.map((c) => c.name)).toEqual(['T1_ID']);
    expect(nested.query.valueColumns.map((c) => c.name)).toEqual(['T1_V0', 'T2_ID', 'T2_V0', 'T2_X', 'T3_ID', 'T3_V0']);
  });

  it('a re-keyed side whose key holds a MAP is refused, named as its repartition key column', () => {
    const maps = catalogOf(
      "CREATE STREAM L (ID STRING KEY, L0 MAP<STRING, INT>) WITH (KAFKA_TOPIC='l', VALUE_FORMAT='JSON');",
      "CREATE STREAM R (ID STRING KEY, R0 MAP<STRING, INT>) WITH (KAFKA_TOPIC='r', VALUE_FORMAT='JSON');",
    );
    expect(errorOf(() => persistent('CREATE STREAM OUT AS SELECT L.L0, L.ID FROM L JOIN R WITHIN 1 SECOND ON L.L0 = R.R0;', contextOf(maps)))).toContain(
      'Key column name: `L_L0`. Column type: MAP<STRING, INTEGER>.',
    );
  });

  it('* over a windowed join lists each source’s window bounds after its key (ksqlDB: orderColumns)', () => {
    const analysis = persistent('CREATE STREAM OUT AS SELECT * FROM W1 JOIN W2 WITHIN 1 MINUTE ON W1.ID = W2.ID;', contextOf(TABLES));
    expect(analysis.query.valueColumns.map((c) => c.name)).toEqual(['W1_WINDOWSTART', 'W1_WINDOWEND', 'W1_V', 'W2_ID', 'W2_WINDOWSTART', 'W2_WINDOWEND', 'W2_V']);
  });
});
