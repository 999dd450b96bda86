import { describe, expect, it } from 'vitest';
import { parseStatement, type Statement } from '../../../../queries/parse/index.js';
import { analyzeCreateSource, analyzePersistentQuery } from '../../../../queries/analyze/index.js';
import { Catalog } from '../../../../queries/catalog/index.js';
import { planPersistent, type PlanOptions } from '../../../../queries/plan/index.js';
import { walkSteps, type FormatSpec, type QueryPlan, type Step } from '../../../../engine/steps/index.js';
import { contextOf } from '../helpers.js';

function catalogOf(...sql: string[]): Catalog {
  let catalog = Catalog.empty();
  for (const text of sql) {
    const statement = parseStatement(text) as Extract<Statement, { kind: 'createStream' | 'createTable' }>;
    catalog = catalog.withSource(analyzeCreateSource(statement, text, contextOf(catalog)).source);
  }
  return catalog;
}

function plan(catalog: Catalog, sql: string, properties: Record<string, unknown> = {}, options: PlanOptions = {}): QueryPlan {
  const statement = parseStatement(sql) as Extract<Statement, { kind: 'createStreamAsSelect' | 'createTableAsSelect' }>;
  const analysis = analyzePersistentQuery(statement, sql, contextOf(catalog, properties));
  const sink = analysis.sink;
  return planPersistent(
    analysis.query.root,
    {
      name: sink.name,
      kind: sink.kind,
      topic: sink.topic,
      formats: { key: sink.keyFormat, value: sink.valueFormat },
      timestamp: analysis.sinkTimestamp,
      windowed: sink.window === null ? null : { kind: sink.window.kind },
    },
    'Q_1',
    properties,
    options,
  );
}

type WithInternalFormats = Extract<Step, { internalFormats?: unknown }>;

/** `step id -> internal key format` for every step with internal formats (re-keying steps only when they repartition). */
function internalKeys(p: QueryPlan): Record<string, string> {
  const out: Record<string, string> = {};
  walkSteps(p.sink, (step) => {
    if (!('internalFormats' in step) || step.internalFormats === undefined) return;
    if (step.kind === 'selectKey@1' && !step.repartition) return;
    out[step.id] = (step as WithInternalFormats).internalFormats!.key.format;
  });
  return out;
}

function internalFormatsOf(p: QueryPlan, id: string): { key: FormatSpec; value: FormatSpec } {
  let found: { key: FormatSpec; value: FormatSpec } | undefined;
  walkSteps(p.sink, (step) => {
    if (step.id === id && 'internalFormats' in step) found = step.internalFormats;
  });
  if (found === undefined) throw new Error(`no step ${id} with internal formats`);
  return found;
}

describe('internal topic key formats (ksqlDB: source key format, sanitized)', () => {
  const catalog = catalogOf(
    "CREATE STREAM S (K STRING KEY, NAME STRING, FLAG BOOLEAN, AMOUNT DECIMAL(4, 2), ST STRUCT<A INT>, V INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');",
    "CREATE STREAM KEYLESS (NAME STRING, V INT) WITH (KAFKA_TOPIC='k', VALUE_FORMAT='JSON');",
    "CREATE STREAM NOKEY (NAME STRING, V INT) WITH (KAFKA_TOPIC='n', KEY_FORMAT='NONE', VALUE_FORMAT='JSON');",
    "CREATE STREAM D (F1 STRING KEY, F2 INT, AMOUNT DECIMAL(4, 2)) WITH (KAFKA_TOPIC='d', KEY_FORMAT='DELIMITED', VALUE_FORMAT='JSON');",
    "CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING, V INT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');",
  );

  it('GROUP BY keeps a KAFKA key format when KAFKA can hold the key', () => {
    const p = plan(catalog, 'CREATE TABLE OUT AS SELECT NAME, COUNT(*) AS N FROM S GROUP BY NAME;');
    expect(internalKeys(p)).toEqual({ 'Aggregate/GroupBy': 'KAFKA', 'Aggregate/Aggregate/Materialize': 'KAFKA' });
    expect(internalKeys(plan(catalog, 'CREATE TABLE OUT AS SELECT V, COUNT(*) AS N FROM KEYLESS GROUP BY V;'))['Aggregate/GroupBy']).toBe('KAFKA');
  });

  it('GROUP BY falls back to JSON for several key columns or a type KAFKA cannot serialize', () => {
    expect(internalKeys(plan(catalog, "CREATE TABLE OUT WITH (KEY_FORMAT='JSON') AS SELECT NAME, V, COUNT(*) AS N FROM S GROUP BY NAME, V;"))).toEqual({
      'Aggregate/GroupBy': 'JSON',
      'Aggregate/Aggregate/Materialize': 'JSON',
    });
    expect(internalKeys(plan(catalog, "CREATE TABLE OUT WITH (KEY_FORMAT='JSON') AS SELECT FLAG, COUNT(*) AS N FROM S GROUP BY FLAG;"))['Aggregate/GroupBy']).toBe('JSON');
    expect(internalKeys(plan(catalog, "CREATE TABLE OUT WITH (KEY_FORMAT='JSON') AS SELECT AMOUNT, COUNT(*) AS N FROM S GROUP BY AMOUNT;"))['Aggregate/GroupBy']).toBe('JSON');
    expect(internalKeys(plan(catalog, "CREATE TABLE OUT WITH (KEY_FORMAT='JSON') AS SELECT ST, COUNT(*) AS N FROM S GROUP BY ST;"))['Aggregate/GroupBy']).toBe('JSON');
  });

  it('DELIMITED keeps several primitive key columns but not DECIMAL (not a SqlPrimitiveType) or STRUCT', () => {
    expect(internalKeys(plan(catalog, 'CREATE TABLE OUT AS SELECT F2, F1, COUNT(*) AS N FROM D GROUP BY F2, F1;'))['Aggregate/GroupBy']).toBe('DELIMITED');
    expect(internalKeys(plan(catalog, 'CREATE TABLE OUT AS SELECT AMOUNT, COUNT(*) AS N FROM D GROUP BY AMOUNT;'))['Aggregate/GroupBy']).toBe('JSON');
    expect(
      internalKeys(plan(catalog, "CREATE TABLE OUT WITH (KEY_FORMAT='JSON') AS SELECT STRUCT(F1:=F1) AS K, COUNT(*) AS N FROM D GROUP BY STRUCT(F1:=F1);"))['Aggregate/GroupBy'],
    ).toBe('JSON');
  });

  it('GROUP BY on a NONE-keyed stream starts from ksql.persistence.default.format.key', () => {
    const sql = 'CREATE TABLE OUT AS SELECT NAME, COUNT(*) AS N FROM NOKEY GROUP BY NAME;';
    expect(internalKeys(plan(catalog, sql))['Aggregate/GroupBy']).toBe('KAFKA');
    expect(internalKeys(plan(catalog, sql, { 'ksql.persistence.default.format.key': 'delimited' }))['Aggregate/GroupBy']).toBe('DELIMITED');
    expect(internalKeys(plan(catalog, sql, {}, { defaultKeyFormat: 'JSON' }))['Aggregate/GroupBy']).toBe('JSON');
    // Sanitized after the default: two columns do not fit KAFKA.
    expect(internalKeys(plan(catalog, "CREATE TABLE OUT WITH (KEY_FORMAT='JSON') AS SELECT NAME, V, COUNT(*) AS N FROM NOKEY GROUP BY NAME, V;"))['Aggregate/GroupBy']).toBe('JSON');
  });

  it('GROUP BY the current key keeps the key format; a table GROUP BY sanitizes it', () => {
    expect(internalKeys(plan(catalog, 'CREATE TABLE OUT AS SELECT K, COUNT(*) AS N FROM S GROUP BY K;'))['Aggregate/Aggregate/Materialize']).toBe('KAFKA');
    expect(internalKeys(plan(catalog, 'CREATE TABLE OUT AS SELECT NAME, COUNT(*) AS N FROM T GROUP BY NAME;'))['Aggregate/GroupBy']).toBe('KAFKA');
    expect(internalKeys(plan(catalog, "CREATE TABLE OUT WITH (KEY_FORMAT='JSON') AS SELECT NAME, V, COUNT(*) AS N FROM T GROUP BY NAME, V;"))['Aggregate/GroupBy']).toBe('JSON');
  });

  it('windowed aggregations keep the grouping key format', () => {
    const p = plan(catalog, 'CREATE TABLE OUT AS SELECT NAME, COUNT(*) AS N FROM S WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY NAME;');
    expect(internalKeys(p)).toEqual({ 'Aggregate/GroupBy': 'KAFKA', 'Aggregate/Aggregate/Materialize': 'KAFKA' });
  });

  it('keeps format properties but never a schema id or stored features', () => {
    const c = catalogOf(
      "CREATE STREAM P (K STRING KEY, NAME STRING, V INT) WITH (KAFKA_TOPIC='p', KEY_FORMAT='DELIMITED', KEY_DELIMITER='|', VALUE_FORMAT='DELIMITED', VALUE_DELIMITER=';');",
    );
    const p = plan(c, 'CREATE TABLE OUT AS SELECT NAME, V, COUNT(*) AS N FROM P GROUP BY NAME, V;');
    expect(internalFormatsOf(p, 'Aggregate/GroupBy')).toEqual({
      key: { format: 'DELIMITED', properties: { delimiter: '|' } },
      value: { format: 'DELIMITED', properties: { delimiter: ';' } },
    });
    const j = catalogOf("CREATE STREAM J (K STRING KEY, NAME STRING) WITH (KAFKA_TOPIC='j', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', WRAP_SINGLE_VALUE=false);");
    const q = plan(j, 'CREATE TABLE OUT AS SELECT NAME, COUNT(*) AS N FROM J GROUP BY NAME;');
    expect(internalFormatsOf(q, 'Aggregate/GroupBy')).toEqual({ key: { format: 'JSON', properties: {} }, value: { format: 'JSON', properties: {} } });
  });
});

describe('internal topic key formats of joins (ksqlDB: JoinNode.resolveKeyFormats)', () => {
  const catalog = catalogOf(
    "CREATE STREAM S (ID INT KEY, TID INT, NAME STRING, ST STRUCT<A INT>) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');",
    "CREATE STREAM S2 (ID INT KEY, SID INT, ST STRUCT<A INT>) WITH (KAFKA_TOPIC='s2', KEY_FORMAT='DELIMITED', VALUE_FORMAT='JSON');",
    "CREATE STREAM NK (TID INT, X STRING) WITH (KAFKA_TOPIC='nk', KEY_FORMAT='NONE', VALUE_FORMAT='JSON');",
    "CREATE STREAM NK2 (TID INT, Y STRING) WITH (KAFKA_TOPIC='nk2', KEY_FORMAT='NONE', VALUE_FORMAT='JSON');",
    "CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');",
    "CREATE TABLE TD (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='td', KEY_FORMAT='DELIMITED', VALUE_FORMAT='JSON');",
    "CREATE TABLE TS (ID STRUCT<A INT> PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='ts', KEY_FORMAT='JSON', VALUE_FORMAT='JSON');",
    "CREATE TABLE FKD (ID STRING PRIMARY KEY, TID INT, NAME STRING) WITH (KAFKA_TOPIC='fkd', KEY_FORMAT='DELIMITED', VALUE_FORMAT='JSON');",
  );

  it('a re-keyed stream side uses the other side’s key format (KAFKA stays KAFKA)', () => {
    const p = plan(catalog, 'CREATE STREAM OUT AS SELECT S.TID, S.NAME, T.NAME AS TNAME FROM S JOIN T ON S.TID = T.ID;');
    expect(internalKeys(p)).toEqual({ LeftSourceKeyed: 'KAFKA', Join: 'KAFKA' });
  });

  it('a keyless (NONE) left side takes the right table’s format', () => {
    const p = plan(catalog, 'CREATE STREAM OUT AS SELECT NK.TID, X, NAME FROM NK JOIN TD ON NK.TID = TD.ID;');
    expect(internalKeys(p)).toEqual({ LeftSourceKeyed: 'DELIMITED', Join: 'DELIMITED' });
  });

  it('the left source’s format wins when the left side is not re-keyed', () => {
    const p = plan(catalog, 'CREATE STREAM OUT AS SELECT S.ID, S.NAME, S2.SID FROM S JOIN S2 WITHIN 1 SECOND ON S.ID = S2.SID;');
    expect(internalKeys(p)).toEqual({ RightSourceKeyed: 'KAFKA', Join: 'KAFKA' });
    const q = plan(catalog, 'CREATE STREAM OUT AS SELECT S2.ID, S2.SID, S.NAME FROM S2 JOIN S WITHIN 1 SECOND ON S2.ID = S.TID;');
    expect(internalKeys(q)).toEqual({ RightSourceKeyed: 'DELIMITED', Join: 'DELIMITED' });
  });

  it('both sides re-keyed: the first source whose key format is not NONE, else the default key format', () => {
    const p = plan(catalog, 'CREATE STREAM OUT AS SELECT S2.SID, S.NAME FROM S2 JOIN S WITHIN 1 SECOND ON S2.SID = S.TID;');
    expect(internalKeys(p)).toEqual({ LeftSourceKeyed: 'DELIMITED', RightSourceKeyed: 'DELIMITED', Join: 'DELIMITED' });
    const q = plan(catalog, 'CREATE STREAM OUT AS SELECT NK.TID, X, Y FROM NK JOIN NK2 WITHIN 1 SECOND ON NK.TID = NK2.TID;');
    expect(internalKeys(q)).toEqual({ LeftSourceKeyed: 'KAFKA', RightSourceKeyed: 'KAFKA', Join: 'KAFKA' });
    const r = plan(catalog, 'CREATE STREAM OUT AS SELECT NK.TID, X, Y FROM NK JOIN NK2 WITHIN 1 SECOND ON NK.TID = NK2.TID;', { 'ksql.persistence.default.format.key': 'JSON' });
    expect(internalKeys(r)).toEqual({ LeftSourceKeyed: 'JSON', RightSourceKeyed: 'JSON', Join: 'JSON' });
  });

  it('a key the chosen format cannot hold (STRUCT) moves to JSON', () => {
    // Both sides re-keyed: S's KAFKA is chosen, and sanitized to JSON for the STRUCT key.
    const p = plan(catalog, "CREATE STREAM OUT WITH (KEY_FORMAT='JSON') AS SELECT S.ST, S.NAME, S2.SID FROM S JOIN S2 WITHIN 1 SECOND ON S.ST = S2.ST;");
    expect(internalKeys(p)).toEqual({ LeftSourceKeyed: 'JSON', RightSourceKeyed: 'JSON', Join: 'JSON' });
    // A JSON-keyed table side is preferred as it is.
    const q = plan(catalog, "CREATE STREAM OUT WITH (KEY_FORMAT='JSON') AS SELECT S.ST, S.NAME, TS.NAME AS TNAME FROM S JOIN TS ON S.ST = TS.ID;");
    expect(internalKeys(q)).toEqual({ LeftSourceKeyed: 'JSON', Join: 'JSON' });
  });

  it('n-way joins resolve one format through nested joins; later aggregations inherit it', () => {
    const p = plan(
      catalog,
      'CREATE STREAM OUT AS SELECT NK.TID, X, T.NAME, TD.NAME AS DNAME FROM NK JOIN T ON NK.TID = T.ID JOIN TD ON NK.TID = TD.ID;',
    );
    // Left-most side re-keyed: the inner join prefers T's KAFKA; TD (DELIMITED) is moved to it.
    expect(internalKeys(p)).toEqual({ L_LeftSourceKeyed: 'KAFKA', L_Join: 'KAFKA', RightSourceKeyed: 'KAFKA', Join: 'KAFKA' });
    const q = plan(catalog, 'CREATE TABLE OUT AS SELECT S.TID, COUNT(*) AS N FROM S JOIN T ON S.TID = T.ID GROUP BY S.TID;');
    expect(internalKeys(q)).toMatchObject({ LeftSourceKeyed: 'KAFKA', Join: 'KAFKA', 'Aggregate/Aggregate/Materialize': 'KAFKA' });
  });

  it('foreign-key joins keep the left table’s key format', () => {
    const p = plan(catalog, 'CREATE TABLE OUT AS SELECT FKD.NAME, COUNT(*) AS N FROM FKD JOIN T ON FKD.TID = T.ID GROUP BY FKD.NAME;');
    expect(internalKeys(p)).toEqual({ 'Aggregate/GroupBy': 'DELIMITED', 'Aggregate/Aggregate/Materialize': 'DELIMITED' });
  });
});

/** Steps re-keying a join side into a repartition topic: `id -> key format (+ properties)`. */
function joinRepartitions(p: QueryPlan): Record<string, string> {
  const out: Record<string, string> = {};
  walkSteps(p.sink, (step) => {
    if (step.kind !== 'selectKey@1' || !step.repartition || step.internalFormats === undefined) return;
    const { format, properties } = step.internalFormats.key;
    const props = Object.entries(properties).map(([k, v]) => `${k}=${v}`).join(',');
    out[step.id] = props === '' ? format : `${format}(${props})`;
  });
  return out;
}

describe('join sides repartitioned into the join key format (ksqlDB: PreJoinRepartitionNode)', () => {
  const catalog = catalogOf(
    "CREATE STREAM S (ID INT KEY, V INT) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');",
    "CREATE STREAM SD (ID INT KEY, W INT) WITH (KAFKA_TOPIC='sd', KEY_FORMAT='DELIMITED', VALUE_FORMAT='JSON');",
    "CREATE STREAM SDS (ID INT KEY, W INT) WITH (KAFKA_TOPIC='sds', KEY_FORMAT='DELIMITED', KEY_DELIMITER='SPACE', VALUE_FORMAT='JSON');",
    "CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON');",
    "CREATE TABLE TD (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='td', KEY_FORMAT='DELIMITED', VALUE_FORMAT='JSON');",
    "CREATE STREAM A1 (ID INT KEY, V INT) WITH (KAFKA_TOPIC='a1', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON');",
    "CREATE STREAM A2 (ID INT KEY, W INT) WITH (KAFKA_TOPIC='a2', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON');",
    "CREATE TABLE ATB (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='atb', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON');",
    "CREATE STREAM H5 (ID INT KEY, V INT) WITH (KAFKA_TOPIC='h5', VALUE_FORMAT='JSON', WINDOW_TYPE='HOPPING', WINDOW_SIZE='5 SECONDS');",
    "CREATE STREAM T2S (ID INT KEY, V INT) WITH (KAFKA_TOPIC='t2s', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='2 SECONDS');",
    "CREATE STREAM H5B (ID INT KEY, V INT) WITH (KAFKA_TOPIC='h5b', VALUE_FORMAT='JSON', WINDOW_TYPE='HOPPING', WINDOW_SIZE='5 SECONDS');",
    "CREATE STREAM T5 (ID INT KEY, V INT) WITH (KAFKA_TOPIC='t5', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='5 SECONDS');",
    "CREATE STREAM JH5 (ID INT KEY, V INT) WITH (KAFKA_TOPIC='jh5', KEY_FORMAT='JSON_SR', VALUE_FORMAT='JSON', WINDOW_TYPE='HOPPING', WINDOW_SIZE='5 SECONDS');",
    "CREATE STREAM JT2 (ID INT KEY, V INT) WITH (KAFKA_TOPIC='jt2', KEY_FORMAT='JSON_SR', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='2 SECONDS');",
    "CREATE TABLE WT1 (ID INT PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='wt1', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='5 SECONDS');",
    "CREATE TABLE WT2 (ID INT PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='wt2', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='2 SECONDS');",
    "CREATE TABLE JWT1 (ID INT PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='jwt1', KEY_FORMAT='JSON_SR', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='5 SECONDS');",
    "CREATE TABLE JWT2 (ID INT PRIMARY KEY, V INT) WITH (KAFKA_TOPIC='jwt2', KEY_FORMAT='JSON_SR', VALUE_FORMAT='JSON', WINDOW_TYPE='TUMBLING', WINDOW_SIZE='5 SECONDS');",
    "CREATE TABLE L (ID STRING PRIMARY KEY, FK STRUCT<A INT>, V INT) WITH (KAFKA_TOPIC='l', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON');",
    "CREATE TABLE RA (ID STRUCT<A INT> PRIMARY KEY, W INT) WITH (KAFKA_TOPIC='ra', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON');",
    "CREATE TABLE RJ (ID STRUCT<A INT> PRIMARY KEY, W INT) WITH (KAFKA_TOPIC='rj', KEY_FORMAT='JSON', VALUE_FORMAT='JSON');",
    "CREATE TABLE RP (ID STRUCT<A INT> PRIMARY KEY, W INT) WITH (KAFKA_TOPIC='rp', KEY_FORMAT='PROTOBUF_NOSR', VALUE_FORMAT='JSON');",
  );

  it('sides keyed by the join key in the join key format are read as they are', () => {
    expect(joinRepartitions(plan(catalog, 'CREATE STREAM OUT AS SELECT S.ID, V, NAME FROM S JOIN T ON S.ID = T.ID;'))).toEqual({});
    expect(joinRepartitions(plan(catalog, 'CREATE STREAM OUT AS SELECT H5.ID, H5.V AS A, H5B.V AS B FROM H5 JOIN H5B WITHIN 1 MINUTE ON H5.ID = H5B.ID;'))).toEqual({});
  });

  it('a side whose source has another key format is moved to the join key format, tables too', () => {
    expect(joinRepartitions(plan(catalog, 'CREATE STREAM OUT AS SELECT S.ID, V, W FROM S JOIN SD WITHIN 1 SECOND ON S.ID = SD.ID;'))).toEqual({ RightSourceKeyed: 'KAFKA' });
    expect(joinRepartitions(plan(catalog, 'CREATE STREAM OUT AS SELECT S.ID, V, NAME FROM S JOIN TD ON S.ID = TD.ID;'))).toEqual({ RightSourceKeyed: 'KAFKA' });
    expect(joinRepartitions(plan(catalog, 'CREATE STREAM OUT AS SELECT SD.ID, W, NAME FROM SD JOIN T ON SD.ID = T.ID;'))).toEqual({ RightSourceKeyed: 'DELIMITED' });
    expect(joinRepartitions(plan(catalog, 'CREATE TABLE OUT AS SELECT T.ID, T.NAME AS A, TD.NAME AS B FROM T JOIN TD ON T.ID = TD.ID;'))).toEqual({ RightSourceKeyed: 'KAFKA' });
    // Format properties are part of the format: another delimiter is another format.
    expect(joinRepartitions(plan(catalog, 'CREATE STREAM OUT AS SELECT SD.ID, SD.W AS A, SDS.W AS B FROM SD JOIN SDS WITHIN 1 SECOND ON SD.ID = SDS.ID;'))).toEqual({
      RightSourceKeyed: 'DELIMITED',
    });
  });

  it('schema registry key formats repartition every side (their key schemas may differ)', () => {
    expect(joinRepartitions(plan(catalog, 'CREATE STREAM OUT AS SELECT A1.ID, V, W FROM A1 JOIN A2 WITHIN 1 SECOND ON A1.ID = A2.ID;'))).toEqual({
      LeftSourceKeyed: 'AVRO(fullSchemaName=io.confluent.ksql.avro_schemas.A1Key)',
      RightSourceKeyed: 'AVRO(fullSchemaName=io.confluent.ksql.avro_schemas.A1Key)',
    });
    expect(joinRepartitions(plan(catalog, 'CREATE STREAM OUT AS SELECT A1.ID, V, NAME FROM A1 JOIN ATB ON A1.ID = ATB.ID;'))).toEqual({
      LeftSourceKeyed: 'AVRO(fullSchemaName=io.confluent.ksql.avro_schemas.A1Key)',
      RightSourceKeyed: 'AVRO(fullSchemaName=io.confluent.ksql.avro_schemas.A1Key)',
    });
    // A re-keyed side too: both sides share the first source's record name.
    expect(joinRepartitions(plan(catalog, 'CREATE STREAM OUT AS SELECT A1.V, W FROM A1 JOIN A2 WITHIN 1 SECOND ON A1.V = A2.W;'))).toEqual({
      LeftSourceKeyed: 'AVRO(fullSchemaName=io.confluent.ksql.avro_schemas.A1Key)',
      RightSourceKeyed: 'AVRO(fullSchemaName=io.confluent.ksql.avro_schemas.A1Key)',
    });
  });

  it('windows are part of the key format: a windowed stream moves only for schema registry formats', () => {
    // Another size, or another window type of the same size.
    for (const other of ['T2S', 'T5']) {
      expect(() => plan(catalog, `CREATE STREAM OUT AS SELECT * FROM H5 JOIN ${other} WITHIN 1 MINUTE ON H5.ID = ${other}.ID;`)).toThrow(
        'Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385.',
      );
    }
    expect(joinRepartitions(plan(catalog, 'CREATE STREAM OUT AS SELECT * FROM JH5 JOIN JT2 WITHIN 1 MINUTE ON JH5.ID = JT2.ID;'))).toEqual({
      LeftSourceKeyed: 'JSON_SR',
      RightSourceKeyed: 'JSON_SR',
    });
  });

  it('a windowed table is never moved', () => {
    expect(() => plan(catalog, 'CREATE TABLE OUT AS SELECT WT1.ID, WT1.V AS A, WT2.V AS B FROM WT1 JOIN WT2 ON WT1.ID = WT2.ID;')).toThrow(
      /^Implicit repartitioning of windowed sources is not supported. See https:\/\/github.com\/confluentinc\/ksql\/issues\/4385.$/,
    );
    expect(() => plan(catalog, 'CREATE TABLE OUT AS SELECT JWT1.ID, JWT1.V AS A, JWT2.V AS B FROM JWT1 JOIN JWT2 ON JWT1.ID = JWT2.ID;')).toThrow(
      'As a result, ksqlDB does not support joins on windowed sources with Schema-Registry-enabled key formats (AVRO, JSON_SR, PROTOBUF) at this time.',
    );
  });

  it('a foreign-key join moves the right table only for a STRUCT key in a schema registry format', () => {
    expect(joinRepartitions(plan(catalog, 'CREATE TABLE OUT AS SELECT L.ID, V, W FROM L JOIN RA ON L.FK = RA.ID;'))).toEqual({
      RightSourceKeyed: 'AVRO(fullSchemaName=io.confluent.ksql.avro_schemas.LKey)',
    });
    expect(joinRepartitions(plan(catalog, 'CREATE TABLE OUT AS SELECT L.ID, V, W FROM L JOIN RJ ON L.FK = RJ.ID;'))).toEqual({});
    expect(joinRepartitions(plan(catalog, 'CREATE TABLE OUT AS SELECT L.ID, V, W FROM L JOIN RP ON L.FK = RP.ID;'))).toEqual({});
  });
});
