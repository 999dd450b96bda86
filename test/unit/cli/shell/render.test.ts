import { describe, expect, it } from 'vitest';
import {
  boxRow,
  fitWidths,
  parseRowJson,
  renderEntities,
  renderEntityBody,
  renderError,
  renderResultHeader,
  renderResultRow,
  renderResultTable,
  renderTable,
  schemaTypeString,
  streamingWidths,
  type Entity,
} from '../../../../cli/shell/index.js';

const options = { width: 120 };
const lines = (...text: string[]): string => text.map((line) => `${line}\n`).join('');
const field = (name: string, type: string, extra: Record<string, unknown> = {}) => ({
  name,
  schema: { type, fields: null, memberSchema: null },
  ...extra,
});

describe('renderTable (ksqlDB CLI tables)', () => {
  it('aligns columns under a dashed line', () => {
    expect(renderTable({ headers: ['Name', 'Value'], rows: [['a', '1'], ['longer', '22']] }, options)).toBe(
      lines(' Name   | Value', '----------------', ' a      | 1', ' longer | 22', '----------------'),
    );
  });

  it('caps the dashed line at the terminal width and prints header and footer lines', () => {
    const text = renderTable({ headers: ['X'.repeat(30)], rows: [], headerLines: ['top'], footerLines: ['bottom'] }, { width: 10 });
    expect(text).toBe(lines('top', ` ${'X'.repeat(30)}`, '----------', '----------', 'bottom'));
  });

  it('gives a multi-line cell several lines', () => {
    expect(renderTable({ headers: ['Plan'], rows: [[' > [ SINK ]\n\t\t > [ SOURCE ]']] }, options)).toBe(
      lines(' Plan', '-----------------', '  > [ SINK ]', ' \t\t > [ SOURCE ]', '-----------------'),
    );
  });
});

describe('entities', () => {
  it('currentStatus: the message', () => {
    const entity: Entity = {
      '@type': 'currentStatus',
      statementText: 'CREATE STREAM S (ID STRING KEY) WITH (KAFKA_TOPIC=\'s\');',
      commandId: 'stream/`S`/create',
      commandStatus: { status: 'SUCCESS', message: 'Stream created', queryId: null },
      commandSequenceNumber: 2,
      warnings: [],
    };
    expect(renderEntities([entity], options)).toBe(lines('', ' Message', '----------------', ' Stream created', '----------------'));
  });

  it('several entities: each under its statement, warnings after', () => {
    const text = renderEntities(
      [
        { '@type': 'currentStatus', statementText: 'DROP STREAM A;', commandStatus: { status: 'SUCCESS', message: 'Source `A` (topic: a) was dropped.' }, warnings: [] },
        { '@type': 'warning_entity', statementText: 'DROP STREAM B;', message: 'gone', warnings: [{ message: 'careful' }] },
      ],
      options,
    );
    expect(text).toBe(
      lines(
        '',
        'DROP STREAM A;',
        ' Message',
        '-'.repeat(36),
        ' Source `A` (topic: a) was dropped.',
        '-'.repeat(36),
        '',
        'DROP STREAM B;',
        ' Message',
        '---------',
        ' gone',
        '---------',
        'WARNING: careful',
      ),
    );
  });

  it('streams and tables: sorted by name', () => {
    const streams: Entity = {
      '@type': 'streams',
      statementText: 'SHOW STREAMS;',
      streams: [
        { type: 'STREAM', name: 'PAGEVIEWS', topic: 'pageviews', keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: false },
        { type: 'STREAM', name: 'KSQL_PROCESSING_LOG', topic: 'default_ksql_processing_log', keyFormat: 'KAFKA', valueFormat: 'JSON', isWindowed: false },
      ],
      warnings: [],
    };
    const dashes = '-'.repeat(90);
    expect(renderEntityBody(streams, options)).toBe(
      lines(
        ' Stream Name         | Kafka Topic                 | Key Format | Value Format | Windowed',
        dashes,
        ' KSQL_PROCESSING_LOG | default_ksql_processing_log | KAFKA      | JSON         | false',
        ' PAGEVIEWS           | pageviews                   | KAFKA      | JSON         | false',
        dashes,
      ),
    );
    const tables: Entity = {
      '@type': 'tables',
      tables: [{ type: 'TABLE', name: 'T', topic: 't', keyFormat: 'JSON', format: 'AVRO', isWindowed: true }],
    };
    expect(renderEntityBody(tables, options)).toContain(' T          | t           | JSON       | AVRO         | true');
    expect(renderEntityBody(tables, options)).toMatch(/^ Table Name /);
  });

  it('queries: status counts, sinks, one-line SQL and the EXPLAIN hint', () => {
    const text = renderEntityBody(
      {
        '@type': 'queries',
        queries: [
          {
            queryString: 'CREATE STREAM X AS\nSELECT * FROM S\nEMIT CHANGES;',
            sinks: ['X'],
            sinkKafkaTopics: ['x'],
            id: 'CSAS_X_1',
            statusCount: { RUNNING: 1 },
            queryType: 'PERSISTENT',
            state: 'RUNNING',
          },
        ],
      },
      options,
    );
    expect(text).toContain(' Query ID | Query Type | Status    | Sink Name | Sink Kafka Topic | Query String');
    expect(text).toContain(' CSAS_X_1 | PERSISTENT | RUNNING:1 | X         | x                | CREATE STREAM X AS SELECT * FROM S EMIT CHANGES;');
    expect(text.endsWith('For detailed information on a Query run: EXPLAIN <Query ID>;\n')).toBe(true);
  });

  it('kafka_topics: partitions and replicas', () => {
    const text = renderEntityBody(
      {
        '@type': 'kafka_topics',
        topics: [
          { name: 'orders', replicaInfo: [1, 1, 1] },
          { name: 'odd', replicaInfo: [1, 3] },
        ],
      },
      options,
    );
    expect(text).toBe(
      lines(
        ' Kafka Topic | Partitions | Partition Replicas',
        '-'.repeat(47),
        ' orders      | 3          | 1',
        ' odd         | 2          | 1, 3',
        '-'.repeat(47),
      ),
    );
  });

  it('sourceDescription: the field list with key markers', () => {
    const description = {
      name: 'PAGEVIEWS',
      windowType: null,
      fields: [
        field('ID', 'STRING', { type: 'KEY' }),
        field('V', 'DOUBLE'),
        { name: 'TAGS', schema: { type: 'ARRAY', fields: null, memberSchema: { type: 'STRING', fields: null, memberSchema: null } } },
        { name: 'AMOUNT', schema: { type: 'DECIMAL', fields: null, memberSchema: null, parameters: { precision: 10, scale: 2 } } },
        field('H', 'BYTES', { type: 'HEADER', headerKey: 'trace' }),
      ],
      type: 'STREAM',
      extended: false,
    };
    expect(renderEntityBody({ '@type': 'sourceDescription', sourceDescription: description }, options)).toBe(
      lines(
        'Name                 : PAGEVIEWS',
        ' Field  | Type',
        '-'.repeat(45),
        ' ID     | VARCHAR(STRING)  (key)',
        ' V      | DOUBLE',
        ' TAGS   | ARRAY<VARCHAR(STRING)>',
        ' AMOUNT | DECIMAL(10, 2)',
        " H      | BYTES            (header('trace'))",
        '-'.repeat(45),
        'For runtime statistics and query details run: DESCRIBE <Stream,Table> EXTENDED;',
      ),
    );
  });

  it('sourceDescription EXTENDED: topic, statement, queries and statistics', () => {
    const text = renderEntityBody(
      {
        '@type': 'sourceDescription',
        sourceDescription: {
          name: 'T',
          windowType: 'TUMBLING',
          readQueries: [],
          writeQueries: [{ id: 'CTAS_T_3', state: 'RUNNING', queryString: 'CREATE TABLE T AS\nSELECT ...;' }],
          fields: [field('ID', 'STRING', { type: 'KEY' }), field('TOTAL', 'BIGINT')],
          type: 'TABLE',
          timestamp: '',
          statistics: 'messages-per-sec: 0',
          errorStats: '',
          extended: true,
          keyFormat: 'KAFKA',
          valueFormat: 'JSON',
          topic: 't',
          partitions: 2,
          replication: 1,
          statement: 'CREATE TABLE T AS SELECT ...;',
          sourceConstraints: [],
          queryOffsetSummaries: [],
          clusterStatistics: [],
          clusterErrorStats: [],
        },
      },
      options,
    );
    expect(text).toBe(
      lines(
        'Name                 : T',
        'Type                 : TABLE',
        'Timestamp field      : Not set - using <ROWTIME>',
        'Key format           : KAFKA',
        'Value format         : JSON',
        'Kafka topic          : t (partitions: 2, replication: 1)',
        'Statement            : CREATE TABLE T AS SELECT ...;',
        '',
        ' Field | Type',
        '-'.repeat(64),
        ' ID    | VARCHAR(STRING)  (primary key) (Window type: TUMBLING)',
        ' TOTAL | BIGINT',
        '-'.repeat(64),
        '',
        'Queries that write from this TABLE',
        '-----------------------------------',
        'CTAS_T_3 (RUNNING) : CREATE TABLE T AS SELECT ...;',
        '',
        'For query topology and execution plan please run: EXPLAIN <QueryId>',
        '',
        'Local runtime statistics',
        '------------------------',
        'messages-per-sec: 0',
        '',
        '(Statistics of the local KSQL server interaction with the Kafka topic t)',
      ),
    );
  });

  it('source_descriptions: one after the other', () => {
    const one = { name: 'A', fields: [], type: 'STREAM', extended: false };
    const text = renderEntityBody({ '@type': 'source_descriptions', sourceDescriptions: [one, { ...one, name: 'B' }] }, options);
    expect(text.match(/^Name {17}: [AB]$/gm)).toEqual(['Name                 : A', 'Name                 : B']);
  });

  it('queryDescription (EXPLAIN)', () => {
    const text = renderEntityBody(
      {
        '@type': 'queryDescription',
        queryDescription: {
          id: 'CSAS_X_1',
          statementText: 'CREATE STREAM X AS SELECT * FROM S;',
          windowType: null,
          fields: [field('ID', 'STRING', { type: 'KEY' })],
          sources: ['S'],
          sinks: ['X'],
          topology: 'Topologies:\n   Sub-topology: 0',
          executionPlan: ' > [ SINK ] | Schema: ID STRING KEY',
          overriddenProperties: { 'auto.offset.reset': 'earliest' },
          ksqlHostQueryStatus: { 'localhost:8088': 'RUNNING' },
          queryType: 'PERSISTENT',
          queryErrors: [],
          state: 'RUNNING',
        },
      },
      options,
    );
    expect(text).toBe(
      lines(
        'ID                   : CSAS_X_1',
        'Query Type           : PERSISTENT',
        'SQL                  : CREATE STREAM X AS SELECT * FROM S;',
        'Host Query Status    : {localhost:8088=RUNNING}',
        '',
        ' Field | Type',
        '-'.repeat(32),
        ' ID    | VARCHAR(STRING)  (key)',
        '-'.repeat(32),
        '',
        'Sources that this query reads from:',
        '-----------------------------------',
        'S',
        '',
        'For source description please run: DESCRIBE [EXTENDED] <SourceId>',
        '',
        'Sinks that this query writes to:',
        '-----------------------------------',
        'X',
        '',
        'For sink description please run: DESCRIBE [EXTENDED] <SinkId>',
        '',
        'Execution plan',
        '--------------',
        ' > [ SINK ] | Schema: ID STRING KEY',
        '',
        'Processing topology',
        '-------------------',
        'Topologies:',
        '   Sub-topology: 0',
        '',
        'Overridden Properties',
        '---------------------',
        ' Property          | Value',
        '-'.repeat(30),
        ' auto.offset.reset | earliest',
        '-'.repeat(30),
        '',
      ),
    );
  });

  it('properties: SESSION, SERVER or default', () => {
    const text = renderEntityBody(
      {
        '@type': 'properties',
        properties: [
          { name: 'ksql.streams.auto.offset.reset', scope: 'KSQL', value: 'earliest' },
          { name: 'ksql.service.id', scope: 'KSQL', value: 'default_' },
          { name: 'ksql.extension.dir', scope: 'KSQL', value: null },
        ],
        overwrittenProperties: ['ksql.streams.auto.offset.reset'],
        defaultProperties: ['ksql.extension.dir'],
      },
      options,
    );
    expect(text).toBe(
      lines(
        ' Property                       | Scope | Default override | Effective Value',
        '-----------------------------------------------------------------------------',
        ' ksql.extension.dir             | KSQL  |                  | NULL',
        ' ksql.service.id                | KSQL  | SERVER           | default_',
        ' ksql.streams.auto.offset.reset | KSQL  | SESSION          | earliest',
        '-----------------------------------------------------------------------------',
      ),
    );
  });

  it('variables, types, plans, topics, messages', () => {
    expect(renderEntityBody({ '@type': 'variables', variables: [{ name: 'b', value: '2' }, { name: 'a', value: '1' }] }, options)).toBe(
      lines(' Variable Name | Value', '-----------------------', ' a             | 1', ' b             | 2', '-----------------------'),
    );
    expect(
      renderEntityBody(
        {
          '@type': 'type_list',
          types: {
            ADDRESS: {
              type: 'STRUCT',
              fields: [
                { name: 'STREET', schema: { type: 'STRING' } },
                { name: 'TAGS', schema: { type: 'MAP', memberSchema: { type: 'INTEGER' } } },
              ],
            },
          },
        },
        options,
      ),
    ).toContain(' ADDRESS   | STRUCT<STREET VARCHAR(STRING), TAGS MAP<STRING, INTEGER>>');
    expect(renderEntityBody({ '@type': 'executionPlan', executionPlan: 'plan text' }, options)).toContain(' plan text');
    expect(renderEntityBody({ '@type': 'topicDescription', name: 'S', kafkaTopic: 's', format: 'AVRO', schemaString: '{}' }, options)).toContain(
      ' S          | s           | AVRO | {}',
    );
    expect(renderEntityBody({ '@type': 'terminate_query', queryId: 'transient_S_1', wasTerminated: true }, options)).toContain(' Terminated query "transient_S_1"');
    expect(renderEntityBody({ '@type': 'drop_connector', connectorName: 'c' }, options)).toContain(' Dropped connector "c"');
    expect(renderEntityBody({ '@type': 'connector_info', info: { name: 'c' } }, options)).toContain(' Created connector c');
    expect(renderEntityBody({ '@type': 'assert_topic', topicName: 'x', exists: true }, options)).toBe('Topic x exists.\n');
    expect(renderEntityBody({ '@type': 'assert_schema', subject: 's', id: 3, exists: false }, options)).toBe('Schema with subject s id 3 does not exist.\n');
    expect(
      renderEntityBody({ '@type': 'connector_list', connectors: [{ name: 'src', type: 'source', className: 'io.X', state: 'RUNNING' }] }, options),
    ).toContain(' src            | SOURCE | io.X  | RUNNING');
  });

  it('function_names: grouped by category with a blank row between groups', () => {
    const text = renderEntityBody(
      {
        '@type': 'function_names',
        functions: [
          { name: 'UCASE', type: 'SCALAR', category: 'STRING' },
          { name: 'ABS', type: 'SCALAR', category: 'MATHEMATICAL' },
          { name: 'LCASE', type: 'SCALAR', category: 'STRING' },
        ],
      },
      options,
    );
    expect(text).toBe(
      lines(
        ' Function Name | Category',
        '-'.repeat(30),
        ' ABS           | MATHEMATICAL',
        '               |',
        ' LCASE         | STRING',
        ' UCASE         | STRING',
        '-'.repeat(30),
        'For detailed information about a function, run: DESCRIBE FUNCTION <Function Name>;',
      ),
    );
  });

  it('describe_function: variations with their arguments', () => {
    const text = renderEntityBody(
      {
        '@type': 'describe_function',
        name: 'substring',
        description: 'Returns a substring.',
        author: 'Confluent',
        version: '',
        path: 'internal',
        type: 'SCALAR',
        functions: [
          {
            arguments: [
              { name: 'str', type: 'VARCHAR', description: 'The input.', isVariadic: false },
              { name: 'pos', type: 'INT', description: '', isVariadic: false },
            ],
            returnType: 'VARCHAR',
            description: 'From pos to the end.',
          },
        ],
      },
      options,
    );
    expect(text).toBe(
      lines(
        'Name        : SUBSTRING',
        'Author      : Confluent',
        'Overview    : Returns a substring.',
        'Type        : SCALAR',
        'Jar         : internal',
        'Variations  :',
        '',
        '\tVariation   : SUBSTRING(str VARCHAR, pos INT)',
        '\tReturns     : VARCHAR',
        '\tDescription : From pos to the end.',
        '\tstr         : The input.',
      ),
    );
  });

  it('an entity type the shell does not know: its JSON', () => {
    expect(renderEntityBody({ '@type': 'something_new', a: 1 }, options)).toBe('{\n  "@type": "something_new",\n  "a": 1\n}\n');
  });

  it('schemaTypeString', () => {
    expect(schemaTypeString({ type: 'DECIMAL', parameters: {} })).toBe('DECIMAL');
    expect(schemaTypeString({ type: 'ARRAY', memberSchema: { type: 'MAP', memberSchema: { type: 'BIGINT' } } })).toBe('ARRAY<MAP<STRING, BIGINT>>');
  });
});

describe('errors', () => {
  it('prints the code and the message, and the statement when the message lacks it', () => {
    expect(renderError({ '@type': 'statement_error', error_code: 40001, message: "Source 'X' does not exist.", statementText: 'SELECT * FROM X;' })).toBe(
      lines("Error 40001: Source 'X' does not exist.", 'Statement: SELECT * FROM X;'),
    );
    expect(renderError({ error_code: 40002, message: 'Use /query.\nStatement: SELECT 1;', statementText: 'SELECT 1;' })).toBe(
      lines('Error 40002: Use /query.', 'Statement: SELECT 1;'),
    );
    expect(renderError({ message: '' }, 503)).toBe('Error 50300: HTTP 503\n');
    expect(renderError({ message: 'no code' })).toBe('Error: no code\n');
  });
});

describe('query results', () => {
  it('a pull query: a box as wide as its content, values as the server sent them', () => {
    const rows = [parseRowJson('["a",3.0,{"X":1,"Y":[true,null]},12345678901234567890]') as unknown[]];
    expect(renderResultTable(['ID', 'TOTAL', 'S', 'BIG'], rows, options)).toBe(
      lines(
        '+----+-------+-----------------------+----------------------+',
        '| ID | TOTAL | S                     | BIG                  |',
        '+----+-------+-----------------------+----------------------+',
        '| a  | 3.0   | {X=1, Y=[true, null]} | 12345678901234567890 |',
        '+----+-------+-----------------------+----------------------+',
      ),
    );
  });

  it('an empty result: the header box', () => {
    expect(renderResultTable(['ID'], [], options)).toBe(lines('+----+', '| ID |', '+----+', '+----+'));
  });

  it('wraps cells longer than their column', () => {
    expect(boxRow(['abcdefgh', 'x'], [5, 5])).toBe(lines('| abcde | x     |', '| fgh   |       |'));
  });

  it('push query widths: fixed-size types get their width, strings share the rest', () => {
    const widths = streamingWidths(['ID', 'V', 'ACTIVE'], ['STRING', 'DOUBLE', 'BOOLEAN'], 80);
    expect(widths).toEqual([80 - 1 - 9 - 22 - 6, 22, 6]);
    const header = renderResultHeader(['ID', 'V', 'ACTIVE'], widths);
    expect(header.split('\n')[0]!.length).toBe(80);
    expect(renderResultRow(['k', parseRowJson('1.50'), true], widths)).toBe(`| k${' '.repeat(widths[0]! - 1)} | 1.50${' '.repeat(18)} | true   |\n`);
  });

  it('fitWidths shrinks the widest columns first, never below the minimum', () => {
    expect(fitWidths([3, 50, 60], 40)).toEqual([3, 13, 14]);
    expect(fitWidths([10, 10], 80)).toEqual([10, 10]);
    expect(fitWidths([30, 30, 30], 10)).toEqual([5, 5, 5]);
  });
});
