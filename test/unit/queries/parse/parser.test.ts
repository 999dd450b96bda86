import { describe, expect, it } from 'vitest';
import {
  parseScript, parseStatement, parseStatements, splitStatements,
} from '../../../../queries/parse/index.js';
import type { Query } from '../../../../queries/parse/index.js';
import { statement, syntaxError } from './helpers.js';

const col = (name: string) => ({ kind: 'columnReference', name });
const int = (value: number) => ({ kind: 'integerLiteral', value });
const str = (value: string) => ({ kind: 'stringLiteral', value });
const prop = (name: string, value: unknown) => ({ kind: 'property', name, value });

function query(sql: string): Query {
  const parsed = statement(sql);
  if (parsed.kind !== 'query') throw new Error(`not a query: ${parsed.kind}`);
  return parsed;
}

describe('parseStatements', () => {
  it('returns each statement with its exact text, through the semicolon', () => {
    const script = '  -- set up\nSHOW STREAMS ;\n/* c */ SELECT * FROM T EMIT CHANGES;  ';
    const parsed = parseStatements(script);
    expect(parsed.map((p) => p.statementText)).toEqual(['SHOW STREAMS ;', 'SELECT * FROM T EMIT CHANGES;']);
    expect(parsed[1]!.span).toEqual({ start: script.indexOf('SELECT'), end: script.lastIndexOf(';') + 1 });
    expect(parsed[1]!.statement.span).toEqual({ start: script.indexOf('SELECT'), end: script.lastIndexOf(';') });
  });

  it('parses an empty script (or only comments) to no statements', () => {
    expect(parseStatements('')).toEqual([]);
    expect(parseStatements(' -- nothing\n /* here */ ')).toEqual([]);
  });

  it('requires each statement to end with a semicolon', () => {
    expect(syntaxError(() => parseStatements('SHOW STREAMS')).message).toBe("line 1:13: Syntax Error\nmissing ';' at '<EOF>'");
  });

  it('accepts a missing semicolon in parseStatement only', () => {
    expect(statement('SHOW TABLES')).toEqual({ kind: 'listTables', extended: false });
    expect(statement('SHOW TABLES;')).toEqual({ kind: 'listTables', extended: false });
    expect(() => parseStatement('SHOW TABLES; SHOW TABLES;')).toThrow(/Syntax Error/);
  });

  it('reports second-stage errors per statement in parseScript, after syntax errors', () => {
    const script = 'SELECT 99999999999999999999 FROM T;\nSHOW STREAMS;';
    const entries = parseScript(script);
    expect(entries).toHaveLength(2);
    expect(entries[0]!.error?.message).toBe('Failed to prepare statement: line 1:9: Invalid numeric literal: 99999999999999999999');
    expect(entries[1]!.error).toBeUndefined();
    expect(() => parseStatements(script)).toThrow('Invalid numeric literal');
    // a syntax error anywhere wins over a second-stage error earlier in the script
    expect(() => parseStatements(`${script}\nSHOW FOO;`)).toThrow("Syntax error at or near 'FOO'");
  });
});

describe('splitStatements', () => {
  it('cuts at semicolons outside strings, identifiers and comments', () => {
    const script = "SET 'a;b'='c';\n-- x;\nSELECT `x;y` FROM T /* ; */;\nSHOW";
    expect(splitStatements(script).map((piece) => piece.text)).toEqual([
      "SET 'a;b'='c';",
      'SELECT `x;y` FROM T /* ; */;',
      'SHOW',
    ]);
  });
});

describe('CREATE STREAM / TABLE', () => {
  it('parses columns, constraints and properties', () => {
    expect(statement(
      "CREATE STREAM s (id BIGINT KEY, `name` STRING, h ARRAY<STRUCT<KEY STRING, VALUE BYTES>> HEADERS, t BYTES HEADER(' k ')) WITH (kafka_topic='t', 'value_format'='JSON', partitions=4, wrap=false);",
    )).toEqual({
      kind: 'createStream',
      orReplace: false,
      isSource: false,
      ifNotExists: false,
      name: 'S',
      elements: [
        { kind: 'tableElement', name: 'ID', type: { kind: 'primitiveType', name: 'BIGINT' }, constraint: { kind: 'key' } },
        { kind: 'tableElement', name: 'name', type: { kind: 'primitiveType', name: 'STRING' } },
        {
          kind: 'tableElement',
          name: 'H',
          type: {
            kind: 'arrayType',
            element: {
              kind: 'structType',
              fields: [
                { kind: 'structTypeField', name: 'KEY', type: { kind: 'primitiveType', name: 'STRING' } },
                { kind: 'structTypeField', name: 'VALUE', type: { kind: 'primitiveType', name: 'BYTES' } },
              ],
            },
          },
          constraint: { kind: 'headers' },
        },
        { kind: 'tableElement', name: 'T', type: { kind: 'primitiveType', name: 'BYTES' }, constraint: { kind: 'header', key: 'k' } },
      ],
      properties: [
        prop('KAFKA_TOPIC', str('t')),
        prop('value_format', str('JSON')),
        prop('PARTITIONS', int(4)),
        prop('WRAP', { kind: 'booleanLiteral', value: false }),
      ],
    });
  });

  it('parses OR REPLACE, SOURCE, IF NOT EXISTS and PRIMARY KEY', () => {
    expect(statement("CREATE OR REPLACE SOURCE TABLE IF NOT EXISTS t (k INT PRIMARY KEY) WITH (kafka_topic='t');")).toMatchObject({
      kind: 'createTable',
      orReplace: true,
      isSource: true,
      ifNotExists: true,
      name: 'T',
      elements: [{ name: 'K', constraint: { kind: 'primaryKey' } }],
    });
  });

  it('parses a stream without columns (schema inference)', () => {
    expect(statement("CREATE STREAM s WITH (kafka_topic='t', format='AVRO');")).toMatchObject({ kind: 'createStream', elements: [] });
  });

  it('lets IF name a stream', () => {
    expect(statement('CREATE STREAM IF (a INT);')).toMatchObject({ kind: 'createStream', name: 'IF', ifNotExists: false });
  });

  it('parses CREATE ... AS SELECT', () => {
    expect(statement("CREATE TABLE IF NOT EXISTS agg WITH (kafka_topic='o') AS SELECT id, COUNT(*) AS c FROM s GROUP BY id EMIT CHANGES;"))
      .toEqual({
        kind: 'createTableAsSelect',
        orReplace: false,
        ifNotExists: true,
        name: 'AGG',
        properties: [prop('KAFKA_TOPIC', str('o'))],
        query: {
          kind: 'query',
          select: [
            { kind: 'singleColumn', expression: col('ID') },
            { kind: 'singleColumn', expression: { kind: 'functionCall', name: 'COUNT', args: [] }, alias: 'C' },
          ],
          from: { kind: 'source', name: 'S', alias: 'S' },
          groupBy: [col('ID')],
          emit: 'CHANGES',
        },
      });
    expect(statement('CREATE OR REPLACE STREAM o AS SELECT * FROM s;')).toMatchObject({ kind: 'createStreamAsSelect', orReplace: true });
  });

  it('parses CREATE TYPE, connectors and their drops', () => {
    expect(statement('CREATE TYPE IF NOT EXISTS address AS STRUCT<number INT, street VARCHAR(20)>;')).toEqual({
      kind: 'createType',
      ifNotExists: true,
      name: 'ADDRESS',
      type: {
        kind: 'structType',
        fields: [
          { kind: 'structTypeField', name: 'NUMBER', type: { kind: 'primitiveType', name: 'INTEGER' } },
          { kind: 'structTypeField', name: 'STREET', type: { kind: 'primitiveType', name: 'STRING' } },
        ],
      },
    });
    expect(statement("CREATE SOURCE CONNECTOR IF NOT EXISTS jdbc WITH ('connector.class'='x');")).toEqual({
      kind: 'createConnector',
      connectorType: 'SOURCE',
      ifNotExists: true,
      name: 'JDBC',
      properties: [prop('connector.class', str('x'))],
    });
    expect(statement("CREATE SINK CONNECTOR `s` WITH (a=1);")).toMatchObject({ kind: 'createConnector', connectorType: 'SINK', name: 's' });
    expect(statement('DROP CONNECTOR IF EXISTS jdbc;')).toEqual({ kind: 'dropConnector', ifExists: true, name: 'JDBC' });
    expect(statement('DROP TYPE address;')).toEqual({ kind: 'dropType', ifExists: false, name: 'ADDRESS' });
  });
});

describe('INSERT, DROP, ALTER', () => {
  it('parses INSERT INTO ... SELECT with properties', () => {
    expect(statement("INSERT INTO o WITH (QUERY_ID='q1') SELECT * FROM s;")).toMatchObject({
      kind: 'insertInto',
      target: 'O',
      properties: [prop('QUERY_ID', str('q1'))],
      query: { kind: 'query', select: [{ kind: 'allColumns' }] },
    });
  });

  it('parses INSERT VALUES with and without columns', () => {
    expect(statement("INSERT INTO s (id, name) VALUES (1, 'a');")).toEqual({
      kind: 'insertValues',
      target: 'S',
      columns: ['ID', 'NAME'],
      values: [int(1), str('a')],
    });
    expect(() => statement('INSERT INTO s VALUES ();')).toThrow('Failed to prepare statement: Expected some values for INSERT INTO statement.');
  });

  it('parses DROP STREAM / TABLE', () => {
    expect(statement('DROP STREAM IF EXISTS s DELETE TOPIC;')).toEqual({ kind: 'dropStream', ifExists: true, name: 'S', deleteTopic: true });
    expect(statement('DROP TABLE t;')).toEqual({ kind: 'dropTable', ifExists: false, name: 'T', deleteTopic: false });
  });

  it('parses ALTER STREAM / TABLE ... ADD [COLUMN]', () => {
    expect(statement('ALTER STREAM s ADD COLUMN c INT, ADD d ARRAY<STRING>;')).toEqual({
      kind: 'alterSource',
      sourceType: 'STREAM',
      name: 'S',
      columns: [
        { kind: 'addColumn', name: 'C', type: { kind: 'primitiveType', name: 'INTEGER' } },
        { kind: 'addColumn', name: 'D', type: { kind: 'arrayType', element: { kind: 'primitiveType', name: 'STRING' } } },
      ],
    });
    // COLUMN may also be the new column's name
    expect(statement('ALTER TABLE t ADD COLUMN INT;')).toMatchObject({ columns: [{ name: 'COLUMN', type: { name: 'INTEGER' } }] });
  });

  it('parses ALTER SYSTEM, SET, UNSET, DEFINE, UNDEFINE', () => {
    expect(statement("ALTER SYSTEM 'ksql.x'='1';")).toEqual({ kind: 'alterSystemProperty', name: 'ksql.x', value: '1' });
    expect(statement("SET 'auto.offset.reset'='earliest';")).toEqual({ kind: 'setProperty', name: 'auto.offset.reset', value: 'earliest' });
    expect(statement("UNSET 'a';")).toEqual({ kind: 'unsetProperty', name: 'a' });
    expect(statement("DEFINE topicName = '''my_topic''';")).toEqual({ kind: 'defineVariable', name: 'topicName', value: "'my_topic'" });
    expect(statement('UNDEFINE topicName;')).toEqual({ kind: 'undefineVariable', name: 'topicName' });
  });
});

describe('SHOW / LIST / DESCRIBE / EXPLAIN / PRINT / TERMINATE / ASSERT', () => {
  it('parses every SHOW and LIST', () => {
    expect(statement('SHOW STREAMS EXTENDED;')).toEqual({ kind: 'listStreams', extended: true });
    expect(statement('list tables;')).toEqual({ kind: 'listTables', extended: false });
    expect(statement('SHOW ALL TOPICS EXTENDED;')).toEqual({ kind: 'listTopics', all: true, extended: true });
    expect(statement('SHOW TOPICS;')).toEqual({ kind: 'listTopics', all: false, extended: false });
    expect(statement('LIST QUERIES EXTENDED;')).toEqual({ kind: 'listQueries', extended: true });
    expect(statement('SHOW PROPERTIES;')).toEqual({ kind: 'listProperties' });
    expect(statement('SHOW FUNCTIONS;')).toEqual({ kind: 'listFunctions' });
    expect(statement('SHOW TYPES;')).toEqual({ kind: 'listTypes' });
    expect(statement('SHOW VARIABLES;')).toEqual({ kind: 'listVariables' });
    expect(statement('SHOW CONNECTORS;')).toEqual({ kind: 'listConnectors', scope: 'ALL' });
    expect(statement('SHOW SOURCE CONNECTORS;')).toEqual({ kind: 'listConnectors', scope: 'SOURCE' });
    expect(statement('LIST SINK CONNECTORS;')).toEqual({ kind: 'listConnectors', scope: 'SINK' });
    expect(statement('SHOW CONNECTOR PLUGINS;')).toEqual({ kind: 'listConnectorPlugins' });
  });

  it('parses DESCRIBE in all its forms', () => {
    expect(statement('DESCRIBE s;')).toEqual({ kind: 'describeSource', name: 'S', extended: false });
    expect(statement('DESCRIBE s EXTENDED;')).toEqual({ kind: 'describeSource', name: 'S', extended: true });
    expect(statement('DESCRIBE STREAMS EXTENDED;')).toEqual({ kind: 'describeStreams', extended: true });
    expect(statement('DESCRIBE TABLES;')).toEqual({ kind: 'describeTables', extended: false });
    expect(statement('DESCRIBE `TABLES`;')).toEqual({ kind: 'describeSource', name: 'TABLES', extended: false });
    expect(statement('DESCRIBE FUNCTION concat;')).toEqual({ kind: 'describeFunction', name: 'CONCAT' });
    expect(statement('DESCRIBE FUNCTION;')).toEqual({ kind: 'describeSource', name: 'FUNCTION', extended: false });
    expect(statement('DESCRIBE CONNECTOR c;')).toEqual({ kind: 'describeConnector', name: 'C' });
  });

  it('parses EXPLAIN of a statement or a query id', () => {
    expect(statement('EXPLAIN SELECT * FROM s EMIT CHANGES;')).toMatchObject({ kind: 'explain', statement: { kind: 'query', emit: 'CHANGES' } });
    expect(statement('EXPLAIN CSAS_OUT_0;')).toEqual({ kind: 'explain', queryId: 'CSAS_OUT_0' });
    expect(statement('EXPLAIN SHOW STREAMS;')).toEqual({ kind: 'explain', statement: { kind: 'listStreams', extended: false } });
    expect(statement('EXPLAIN SHOW;')).toEqual({ kind: 'explain', queryId: 'SHOW' });
  });

  it('parses PRINT with its clauses; topic names keep their case', () => {
    expect(statement('PRINT my_Topic FROM BEGINNING INTERVAL 2 LIMIT 10;')).toEqual({
      kind: 'printTopic', topic: 'my_Topic', fromBeginning: true, interval: 2, limit: 10,
    });
    expect(statement("PRINT 'x-y' SAMPLE 3;")).toEqual({ kind: 'printTopic', topic: 'x-y', fromBeginning: false, interval: 3 });
  });

  it('parses TERMINATE, PAUSE, RESUME', () => {
    expect(statement('TERMINATE csas_x_0;')).toEqual({ kind: 'terminateQuery', queryId: 'CSAS_X_0' });
    expect(statement('TERMINATE ALL;')).toEqual({ kind: 'terminateQuery' });
    expect(statement('PAUSE q;')).toEqual({ kind: 'pauseQuery', queryId: 'Q' });
    expect(statement('RESUME ALL;')).toEqual({ kind: 'resumeQuery' });
  });

  it('parses ASSERT TOPIC and ASSERT SCHEMA', () => {
    expect(statement("ASSERT NOT EXISTS TOPIC 'Foo' WITH (partitions=1) TIMEOUT 5 SECONDS;")).toEqual({
      kind: 'assertTopic',
      exists: false,
      topic: 'Foo',
      properties: [prop('PARTITIONS', int(1))],
      timeout: { kind: 'duration', value: 5, unit: 'SECONDS' },
    });
    expect(statement('ASSERT SCHEMA SUBJECT s ID 5 TIMEOUT 1 MINUTE;')).toEqual({
      kind: 'assertSchema',
      exists: true,
      subject: 's',
      id: 5,
      timeout: { kind: 'duration', value: 1, unit: 'MINUTES' },
    });
    expect(() => parseStatement('ASSERT SCHEMA;')).toThrow('ASSERT SCHEMA statements much include a subject name or an id');
    expect(() => parseStatement("ASSERT SCHEMA ID 'x';")).toThrow('ID must be an integer');
  });

  it('parses the test runner statements only when asked', () => {
    const options = { testStatements: true };
    expect(parseStatement("RUN SCRIPT '/a.sql';", options)).toMatchObject({ kind: 'runScript', path: '/a.sql' });
    expect(parseStatement('ASSERT VALUES s (a) VALUES (1);', options)).toMatchObject({ kind: 'assertValues', target: 'S', columns: ['A'] });
    expect(parseStatement('ASSERT NULL VALUES t (k) KEY (1);', options)).toMatchObject({ kind: 'assertTombstone', target: 'T' });
    expect(parseStatement("ASSERT TABLE t (k INT PRIMARY KEY) WITH (kafka_topic='t');", options)).toMatchObject({ kind: 'assertTable' });
    expect(() => parseStatement("RUN SCRIPT '/a.sql';")).toThrow("Unknown statement 'RUN'");
  });
});

describe('SELECT', () => {
  it('parses select items: *, source.*, struct->*, aliases with and without AS', () => {
    expect(query('SELECT *, s.*, a->*, b c, d AS e, f->g->* FROM s;').select).toEqual([
      { kind: 'allColumns' },
      { kind: 'allColumns', source: 'S' },
      { kind: 'structAll', base: col('A') },
      { kind: 'singleColumn', expression: col('B'), alias: 'C' },
      { kind: 'singleColumn', expression: col('D'), alias: 'E' },
      { kind: 'structAll', base: { kind: 'dereference', base: col('F'), field: 'G' } },
    ]);
  });

  it('parses every join type, WITHIN and GRACE PERIOD', () => {
    const parsed = query(
      'SELECT * FROM a x JOIN b WITHIN 1 HOUR ON x.id = b.id INNER JOIN c AS y ON 1 = 1 LEFT JOIN d WITHIN (1 SECOND, 2 SECONDS) GRACE PERIOD 3 MILLISECONDS ON TRUE ' +
        'LEFT OUTER JOIN e ON TRUE RIGHT JOIN f ON TRUE RIGHT OUTER JOIN g ON TRUE FULL JOIN h ON TRUE FULL OUTER JOIN i ON TRUE EMIT CHANGES;',
    );
    expect(parsed.from.kind).toBe('join');
    if (parsed.from.kind !== 'join') return;
    expect(parsed.from.left).toEqual({ kind: 'source', name: 'A', alias: 'X' });
    expect(parsed.from.rights.map((right) => [right.type, right.relation.name, right.relation.alias])).toEqual([
      ['INNER', 'B', 'B'], ['INNER', 'C', 'Y'], ['LEFT', 'D', 'D'], ['LEFT', 'E', 'E'], ['RIGHT', 'F', 'F'],
      ['RIGHT', 'G', 'G'], ['FULL', 'H', 'H'], ['FULL', 'I', 'I'],
    ]);
    expect(parsed.from.rights[0]!.within).toEqual({
      kind: 'within',
      before: { kind: 'duration', value: 1, unit: 'HOURS' },
      after: { kind: 'duration', value: 1, unit: 'HOURS' },
    });
    expect(parsed.from.rights[2]!.within).toEqual({
      kind: 'within',
      before: { kind: 'duration', value: 1, unit: 'SECONDS' },
      after: { kind: 'duration', value: 2, unit: 'SECONDS' },
      gracePeriod: { kind: 'duration', value: 3, unit: 'MILLISECONDS' },
    });
    expect(parsed.from.rights[0]!.on).toEqual({
      kind: 'comparison',
      operator: '=',
      left: { kind: 'qualifiedColumnReference', source: 'X', name: 'ID' },
      right: { kind: 'qualifiedColumnReference', source: 'B', name: 'ID' },
    });
  });

  it('parses the three window kinds', () => {
    expect(query('SELECT * FROM s WINDOW TUMBLING (SIZE 1 HOUR, RETENTION 2 DAYS, GRACE PERIOD 10 MINUTES) GROUP BY k;').window).toEqual({
      kind: 'tumblingWindow',
      size: { kind: 'duration', value: 1, unit: 'HOURS' },
      retention: { kind: 'duration', value: 2, unit: 'DAYS' },
      gracePeriod: { kind: 'duration', value: 10, unit: 'MINUTES' },
    });
    expect(query('SELECT * FROM s WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY k;').window).toEqual({
      kind: 'hoppingWindow',
      size: { kind: 'duration', value: 30, unit: 'SECONDS' },
      advanceBy: { kind: 'duration', value: 10, unit: 'SECONDS' },
      gracePeriod: { kind: 'duration', value: 0, unit: 'SECONDS' },
    });
    expect(query('SELECT * FROM s WINDOW w SESSION (5 MILLISECOND) GROUP BY k;').window).toEqual({
      kind: 'sessionWindow',
      name: 'W',
      gap: { kind: 'duration', value: 5, unit: 'MILLISECONDS' },
    });
  });

  it('parses WHERE, GROUP BY (with or without parentheses), PARTITION BY, HAVING, EMIT, LIMIT', () => {
    const parsed = query('SELECT a FROM s WHERE a > 1 GROUP BY (a, b) HAVING COUNT(*) > 1 EMIT FINAL LIMIT 5;');
    expect(parsed.where).toEqual({ kind: 'comparison', operator: '>', left: col('A'), right: int(1) });
    expect(parsed.groupBy).toEqual([col('A'), col('B')]);
    expect(parsed.having).toMatchObject({ kind: 'comparison', operator: '>' });
    expect(parsed.emit).toBe('FINAL');
    expect(parsed.limit).toBe(5);
    expect(query('SELECT a FROM s GROUP BY (a + 1), b;').groupBy).toEqual([
      { kind: 'arithmeticBinary', operator: '+', left: col('A'), right: int(1) },
      col('B'),
    ]);
    expect(query('SELECT a FROM s GROUP BY ();').groupBy).toEqual([]);
    expect(query('SELECT * FROM s PARTITION BY a, b->c EMIT CHANGES;').partitionBy).toEqual([
      col('A'),
      { kind: 'dereference', base: col('B'), field: 'C' },
    ]);
    expect(query('SELECT * FROM s LIMIT -1;').limit).toBe(-1);
  });

  it('tells a PARTITION or EMIT alias from the clause', () => {
    expect(query('SELECT * FROM s PARTITION BY a;')).toMatchObject({ from: { alias: 'S' }, partitionBy: [col('A')] });
    expect(query('SELECT * FROM s EMIT CHANGES;')).toMatchObject({ from: { alias: 'S' }, emit: 'CHANGES' });
    expect(query('SELECT * FROM s emit;')).toMatchObject({ from: { alias: 'EMIT' } });
    expect(query('SELECT * FROM s AS partition PARTITION BY a;')).toMatchObject({ from: { alias: 'PARTITION' } });
  });

  it('has no EMIT for a pull query', () => {
    expect(query("SELECT * FROM t WHERE id = 'k';").emit).toBeUndefined();
  });
});
