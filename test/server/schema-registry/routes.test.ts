/**
 * The REST API through fastify's inject, on a bare app (its own port) and inside Sluice's ksqlDB
 * app under /schema-registry (the main port): the kafkajs client's session, content types, every
 * endpoint and the error codes clients check.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kafkajsFlow, V1, V2, V3_BAD } from './flow.js';
import { bareApp, embeddedApp, KAFKAJS_HEADERS, type Call, type Mounted } from './helpers.js';

const avro = (fields: unknown[], name = 'R') => JSON.stringify({ type: 'record', name, fields });

for (const [label, mount] of [
  ['bare app', bareApp],
  ['inside the ksqlDB app under /schema-registry', embeddedApp],
] as const) {
  describe(`schema registry REST (${label})`, () => {
    let mounted: Mounted;
    let call: Call;
    beforeEach(async () => {
      mounted = await mount();
      call = mounted.call;
    });
    afterEach(async () => {
      await mounted.close();
    });

    it("runs the kafkajs client's session", async () => {
      await kafkajsFlow(call);
    });

    it('accepts every request content type, or none', async () => {
      const types = [
        'application/vnd.schemaregistry.v1+json',
        'application/vnd.schemaregistry+json',
        'application/json',
        'application/json; charset=utf-8',
        'application/octet-stream',
        'text/plain',
      ];
      for (const [index, type] of types.entries()) {
        const reply = await call('POST', `/subjects/s${index}/versions`, { schema: '"string"' }, { 'content-type': type });
        expect(reply.status, type).toBe(200);
        expect(reply.json).toEqual({ id: 1 });
      }
      const none = await call('POST', '/subjects/none/versions', { schema: '"string"' }, {});
      expect(none.json).toEqual({ id: 1 });
    });

    it('answers in the registry media type, or what Accept asks for', async () => {
      expect((await call('GET', '/subjects')).headers['content-type']).toBe('application/vnd.schemaregistry.v1+json');
      const java = await call('GET', '/subjects', undefined, { accept: 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5' });
      expect(java.headers['content-type']).toBe('application/vnd.schemaregistry.v1+json');
      expect((await call('GET', '/subjects', undefined, { accept: 'application/json' })).headers['content-type']).toBe('application/json');
    });

    it('versions: entity, raw schema, list, latest and -1, invalid versions 42202', async () => {
      await call('POST', '/subjects/a/versions', { schema: JSON.stringify(V1) });
      await call('POST', '/subjects/a/versions', { schema: JSON.stringify(V2) });
      expect((await call('GET', '/subjects/a/versions')).json).toEqual([1, 2]);
      const latest = await call('GET', '/subjects/a/versions/-1');
      expect(Object.keys(latest.json)).toEqual(['subject', 'version', 'id', 'schema']);
      expect(latest.json.version).toBe(2);
      const raw = await call('GET', '/subjects/a/versions/1/schema');
      expect(JSON.parse(raw.text)).toEqual(V1);
      for (const version of ['0', 'abc', '2147483648', '-2']) {
        const reply = await call('GET', `/subjects/a/versions/${version}`);
        expect(reply.status, version).toBe(422);
        expect(reply.json.error_code).toBe(42202);
      }
      expect((await call('GET', '/subjects/a/versions/3')).json).toEqual({ error_code: 40402, message: 'Version 3 not found.' });
      expect((await call('GET', '/subjects/b/versions')).json.error_code).toBe(40401);
    });

    it('schemas by id: entity, raw, versions, subjects; bad ids are 40403', async () => {
      await call('POST', '/subjects/a/versions', { schema: JSON.stringify(V1) });
      await call('POST', '/subjects/b/versions', { schema: JSON.stringify(V1) });
      expect((await call('GET', '/schemas/ids/1?subject=a&fetchMaxId=false')).json).toEqual({ schema: JSON.stringify(V1) });
      expect((await call('GET', '/schemas/ids/1?fetchMaxId=true')).json.maxId).toBe(1);
      expect(JSON.parse((await call('GET', '/schemas/ids/1/schema')).text)).toEqual(V1);
      expect((await call('GET', '/schemas/ids/1/versions')).json).toEqual([
        { subject: 'a', version: 1 },
        { subject: 'b', version: 1 },
      ]);
      expect((await call('GET', '/schemas/ids/1/subjects')).json).toEqual(['a', 'b']);
      expect((await call('GET', '/schemas/ids/abc')).json.error_code).toBe(40403);
      expect((await call('GET', '/schemas/ids/0')).status).toBe(404);
      expect((await call('GET', '/schemas/types')).json).toEqual(['JSON', 'PROTOBUF', 'AVRO']);
      const all = await call('GET', '/schemas');
      expect(all.json.map((entry: { subject: string }) => entry.subject)).toEqual(['a', 'b']);
    });

    it('Protobuf and JSON schemas carry schemaType; references are answered', async () => {
      const proto = 'syntax = "proto3";\npackage shop;\nmessage Money { int64 units = 1; }';
      const registered = await call('POST', '/subjects/money/versions', { schemaType: 'PROTOBUF', schema: proto });
      expect(registered.status).toBe(200);
      const byId = await call('GET', `/schemas/ids/${registered.json.id}`);
      expect(byId.json).toEqual({ schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\npackage shop;\nmessage Money {\n  int64 units = 1;\n}\n' });
      const invoice = 'syntax = "proto3";\npackage shop;\nimport "money.proto";\nmessage Invoice { Money total = 1; }';
      const references = [{ name: 'money.proto', subject: 'money', version: 1 }];
      const second = await call('POST', '/subjects/invoice/versions', { schemaType: 'PROTOBUF', schema: invoice, references });
      expect(second.status).toBe(200);
      const entity = await call('GET', '/subjects/invoice/versions/latest');
      expect(entity.json).toMatchObject({ schemaType: 'PROTOBUF', references });
      expect((await call('GET', '/subjects/money/versions/1/referencedby')).json).toEqual([second.json.id]);
      const refused = await call('DELETE', '/subjects/money/versions/1');
      expect(refused.status).toBe(422);
      expect(refused.json.error_code).toBe(42206);
      const json = await call('POST', '/subjects/j/versions', { schemaType: 'JSON', schema: '{"type":"object"}' });
      expect((await call('GET', `/schemas/ids/${json.json.id}`)).json.schemaType).toBe('JSON');
      const unknownType = await call('POST', '/subjects/x/versions', { schemaType: 'XML', schema: '<a/>' });
      expect(unknownType.status).toBe(422);
      expect(unknownType.json.error_code).toBe(42201);
      const badReference = await call('POST', '/subjects/x/versions', { schemaType: 'PROTOBUF', schema: invoice, references: [{ name: 'money.proto', subject: 'nope', version: 1 }] });
      expect(badReference.json.error_code).toBe(40401);
    });

    it('deletes: versions and subjects, soft then permanent, with 40404-40407', async () => {
      await call('POST', '/subjects/a/versions', { schema: JSON.stringify(V1) });
      await call('POST', '/subjects/a/versions', { schema: JSON.stringify(V2) });
      expect((await call('DELETE', '/subjects/a/versions/1')).json).toBe(1);
      expect((await call('DELETE', '/subjects/a/versions/1')).json.error_code).toBe(40406);
      expect((await call('DELETE', '/subjects/a/versions/2?permanent=true')).json.error_code).toBe(40407);
      expect((await call('GET', '/subjects/a/versions')).json).toEqual([2]);
      expect((await call('GET', '/subjects/a/versions?deleted=true')).json).toEqual([1, 2]);
      expect((await call('GET', '/subjects/a/versions/1?deleted=true')).json.version).toBe(1);
      expect((await call('DELETE', '/subjects/a/versions/1?permanent=true')).json).toBe(1);
      expect((await call('DELETE', '/subjects/a?permanent=true')).json.error_code).toBe(40405);
      expect((await call('DELETE', '/subjects/a')).json).toEqual([2]);
      expect((await call('DELETE', '/subjects/a')).json.error_code).toBe(40404);
      expect((await call('GET', '/subjects')).json).toEqual([]);
      expect((await call('GET', '/subjects?deleted=true')).json).toEqual(['a']);
      expect((await call('DELETE', '/subjects/a?permanent=true')).json).toEqual([2]);
      expect((await call('DELETE', '/subjects/a')).json.error_code).toBe(40401);
    });

    it('lookup: 40401 without the subject, 40403 without the schema', async () => {
      await call('POST', '/subjects/a/versions', { schema: JSON.stringify(V1) });
      expect((await call('POST', '/subjects/a', { schema: JSON.stringify(V2) })).json).toEqual({ error_code: 40403, message: 'Schema not found' });
      expect((await call('POST', '/subjects/b', { schema: JSON.stringify(V1) })).json.error_code).toBe(40401);
      const pretty = await call('POST', '/subjects/a?normalize=false&deleted=false', { schema: JSON.stringify(V1, null, 2) });
      expect(pretty.json).toMatchObject({ subject: 'a', version: 1, id: 1, schema: JSON.stringify(V1) });
    });

    it('config: global and per subject, 40408, defaultToGlobal, 42203', async () => {
      expect((await call('GET', '/config')).json).toEqual({ compatibilityLevel: 'BACKWARD' });
      expect((await call('PUT', '/config', { compatibility: 'FULL' })).json).toEqual({ compatibility: 'FULL' });
      expect((await call('GET', '/config/a')).json.error_code).toBe(40408);
      expect((await call('GET', '/config/a?defaultToGlobal=true')).json).toEqual({ compatibilityLevel: 'FULL' });
      expect((await call('PUT', '/config/a', { compatibility: 'none' })).json).toEqual({ compatibility: 'NONE' });
      const bad = await call('PUT', '/config/a', { compatibility: 'SOMETIMES' });
      expect(bad.status).toBe(422);
      expect(bad.json.error_code).toBe(42203);
      expect((await call('DELETE', '/config/a')).json).toEqual({ compatibilityLevel: 'NONE' });
      expect((await call('DELETE', '/config/a')).json.error_code).toBe(40401);
      expect((await call('DELETE', '/config')).json).toEqual({ compatibilityLevel: 'FULL' });
      expect((await call('GET', '/config')).json).toEqual({ compatibilityLevel: 'BACKWARD' });
    });

    it('compatibility: verbose messages, a given version, all versions', async () => {
      await call('POST', '/subjects/a/versions', { schema: JSON.stringify(V1) });
      const verbose = await call('POST', '/compatibility/subjects/a/versions/latest?verbose=true', { schema: JSON.stringify(V3_BAD) });
      expect(verbose.json.is_compatible).toBe(false);
      expect(verbose.json.messages[0]).toContain("errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'");
      expect(verbose.json.messages).toContain("{compatibility: 'BACKWARD'}");
      expect((await call('POST', '/compatibility/subjects/a/versions/1?verbose=true', { schema: JSON.stringify(V2) })).json).toEqual({ is_compatible: true, messages: [] });
      expect((await call('POST', '/compatibility/subjects/a/versions', { schema: JSON.stringify(V3_BAD) })).json).toEqual({ is_compatible: false });
      expect((await call('POST', '/compatibility/subjects/a/versions/9', { schema: JSON.stringify(V2) })).json.error_code).toBe(40402);
      expect((await call('POST', '/compatibility/subjects/nope/versions/1', { schema: JSON.stringify(V2) })).json.error_code).toBe(40401);
      expect((await call('POST', '/compatibility/subjects/nope/versions/latest', { schema: JSON.stringify(V2) })).json).toEqual({ is_compatible: true });
      expect((await call('POST', '/compatibility/subjects/a/versions/latest', { schema: '{' })).json.error_code).toBe(42201);
    });

    it('mode: global and per subject; READONLY refuses writes with 42205', async () => {
      expect((await call('GET', '/mode')).json).toEqual({ mode: 'READWRITE' });
      expect((await call('GET', '/mode/a')).json).toEqual({ mode: 'READWRITE' });
      expect((await call('GET', '/mode/a?defaultToGlobal=false')).json.error_code).toBe(40409);
      expect((await call('PUT', '/mode/a', { mode: 'READONLY' })).json).toEqual({ mode: 'READONLY' });
      const refused = await call('POST', '/subjects/a/versions', { schema: '"int"' });
      expect(refused.status).toBe(422);
      expect(refused.json.error_code).toBe(42205);
      expect((await call('PUT', '/mode', { mode: 'NOPE' })).json.error_code).toBe(42204);
      expect((await call('DELETE', '/mode/a')).json).toEqual({ mode: 'READONLY' });
      expect((await call('POST', '/subjects/a/versions', { schema: '"int"' })).status).toBe(200);
    });

    it('bad bodies: 400 for malformed JSON, 42201 for a missing schema', async () => {
      const malformed = await call('POST', '/subjects/a/versions', '{"schema": ', KAFKAJS_HEADERS);
      expect(malformed.status).toBe(400);
      expect(malformed.json.error_code).toBe(400);
      const missing = await call('POST', '/subjects/a/versions', {});
      expect(missing.status).toBe(422);
      expect(missing.json.error_code).toBe(42201);
      const array = await call('POST', '/subjects/a/versions', [1]);
      expect(array.status).toBe(400);
      const noBody = await call('POST', '/subjects/a/versions', undefined);
      expect(noBody.status).toBe(400);
      expect((await call('PUT', '/config', {})).json.error_code).toBe(42203);
    });

    it('subjects with dots, slashes and spaces', async () => {
      for (const subject of ['com.example.Order', 'a/b', 'with space', 'ünïcode-value']) {
        const reply = await call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema: '"int"' });
        expect(reply.status, subject).toBe(200);
        expect((await call('GET', `/subjects/${encodeURIComponent(subject)}/versions/latest`)).json.subject).toBe(subject);
      }
      expect((await call('GET', '/subjects?subjectPrefix=com.')).json).toEqual(['com.example.Order']);
    });

    it('answers Confluent-style for the root and unknown paths under a prefix', async () => {
      expect((await call('GET', '/')).json).toEqual({});
      if (mounted.prefix !== '') {
        const unknown = await call('GET', '/nope/nothing');
        expect(unknown.status).toBe(404);
        expect(unknown.json).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });
      }
    });

    it('an incompatible registration names the change in the message', async () => {
      await call('POST', '/subjects/a/versions', { schema: avro([{ name: 'x', type: 'int' }]) });
      const reply = await call('POST', '/subjects/a/versions', { schema: avro([{ name: 'x', type: 'string' }]) });
      expect(reply.status).toBe(409);
      expect(reply.json.message).toContain("The type (path '/fields/0/type') of a field in the new schema does not match with the old schema");
    });
  });
}

describe('schema registry REST inside the ksqlDB app', () => {
  it('leaves the ksqlDB routes alone', async () => {
    const mounted = await embeddedApp();
    try {
      const info = await mounted.app.inject({ method: 'GET', url: '/info' });
      expect(info.statusCode).toBe(200);
      expect(JSON.parse(info.body).KsqlServerInfo).toBeDefined();
      // the ksqlDB routes still read their bodies through the app's own parser
      const ksql = await mounted.app.inject({ method: 'POST', url: '/ksql', headers: { 'content-type': 'application/vnd.ksql.v1+json' }, payload: JSON.stringify({ ksql: 'LIST STREAMS;' }) });
      expect(ksql.statusCode, ksql.body).toBe(200);
      const outside = await mounted.app.inject({ method: 'GET', url: '/subjects' });
      expect(outside.statusCode).toBe(404);
    } finally {
      await mounted.close();
    }
  });
});
