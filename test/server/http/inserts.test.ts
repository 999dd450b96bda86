/** /inserts-stream with the stand-in engine: acks per row while the request body is still open. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_S, H2Client, eventually, startTestServer, type TestServer } from './helpers.js';
import { insertStatement, sqlLiteral } from '../../../server/http/inserts-route.js';
import { STRING, DOUBLE, arrayType, mapType, structType, BYTES } from '../../../engine/types/index.js';

let t: TestServer;
let h2: H2Client;
beforeAll(async () => {
  t = await startTestServer();
  h2 = new H2Client(t.url);
  await h2.request('/ksql', { body: { ksql: CREATE_S } });
});
afterAll(async () => {
  await h2.close();
  await t.close();
});

describe('/inserts-stream', () => {
  it('acks each row as it arrives, before the request ends', async () => {
    let request: import('node:http2').ClientHttp2Stream | undefined;
    const acks: string[] = [];
    const done = h2.request('/inserts-stream', {
      stream: (req) => {
        request = req;
        req.write('{"target":"s"}\n{"ID":"a","V":1}\n');
      },
      until: (chunks) => {
        acks.push(...chunks.slice(acks.length));
        return false;
      },
    });
    await eventually(() => expect(acks).toEqual(['{"seq":0,"status":"ok"}\n']));
    request!.write('{"`ID`":"b"}\n{"id":"c","v":2.5}');
    await eventually(() => expect(acks).toHaveLength(2));
    request!.end(); // the last line has no newline: it counts once the request ends
    const a = await done;
    expect(a.status).toBe(200);
    expect(a.chunks).toEqual(['{"seq":0,"status":"ok"}\n', '{"seq":1,"status":"ok"}\n', '{"seq":2,"status":"ok"}\n']);
    expect(t.engine.executed.slice(-3).map((e) => e.text)).toEqual([
      'INSERT INTO `S` (`ID`, `V`) VALUES (\'a\', CAST(1 AS DOUBLE));',
      'INSERT INTO `S` (`ID`) VALUES (\'b\');',
      'INSERT INTO `S` (`ID`, `V`) VALUES (\'c\', 2.5);',
    ]);
  });

  it('JSON acks: [] for no rows; a missing key or unknown column is an error ack', async () => {
    const none = await h2.request('/inserts-stream', { body: '{"target":"S"}', headers: { accept: 'application/json' } });
    expect(none.json()).toEqual([]);
    const bad = await h2.request('/inserts-stream', { body: '{"target":"S"}\n{"V":1}\n{"ID":"z"}', headers: { accept: 'application/json' } });
    expect(bad.json()).toEqual([{ '@type': 'generic_error', error_code: 40000, message: 'Key field must be specified: ID', status: 'error', seq: 0 }]);
    const unknownColumn = await h2.request('/inserts-stream', { body: '{"target":"S"}\n{"ID":"a","NOPE":1}', headers: { accept: 'application/json' } });
    expect(unknownColumn.json()[0]).toMatchObject({ status: 'error', message: 'Column name NOPE does not exist in S' });
    const badJson = await h2.request('/inserts-stream', { body: '{"target":"S"}\n{oops', headers: { accept: 'application/json' } });
    expect(badJson.json()[0]).toMatchObject({ status: 'error', error_code: 40000 });
    const noTarget = await h2.request('/inserts-stream', { body: '{"nope":1}\n' });
    expect(noTarget.status).toBe(400);
  });

  it('writes SQL literals for every JSON shape', () => {
    expect(sqlLiteral("it's", STRING, 'X')).toBe("'it''s'");
    expect(sqlLiteral(3, DOUBLE, 'X')).toBe('CAST(3 AS DOUBLE)');
    expect(sqlLiteral([1, null], arrayType(DOUBLE), 'X')).toBe('ARRAY[CAST(1 AS DOUBLE), NULL]');
    expect(sqlLiteral({ k: 'v' }, mapType(STRING, STRING), 'X')).toBe("MAP('k' := 'v')");
    expect(sqlLiteral({ a: 1 }, structType([{ name: 'A', type: DOUBLE }]), 'X')).toBe('STRUCT(`A` := CAST(1 AS DOUBLE))');
    expect(sqlLiteral('AAE=', BYTES, 'X')).toBe("TO_BYTES('AAE=', 'base64')");
    expect(() => sqlLiteral({ a: 1 }, STRING, 'X')).toThrow(/found an object/);
    expect(insertStatement({ name: 'we`ird', kind: 'STREAM', topic: 't', keyColumns: [], valueColumns: [{ name: 'A', type: STRING }] }, { a: true })).toBe(
      "INSERT INTO `we``ird` (`A`) VALUES ('true');",
    );
  });
});
