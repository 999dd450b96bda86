/**
 * The request sequence of ../shared/clients/schema-registry.mjs as
 * @kafkajs/confluent-schema-registry sends it (paths, headers, bodies), with the answers the
 * client needs. Run over inject and over real sockets.
 */
import { expect } from 'vitest';
import type { Call } from './helpers.js';

export const NAMESPACE = 'com.example.kcflow';
export const SUBJECT = `${NAMESPACE}.Order`;
export const V1 = { type: 'record', name: 'Order', namespace: NAMESPACE, fields: [{ name: 'id', type: 'string' }, { name: 'amount', type: 'double' }] };
export const V2 = { ...V1, fields: [...V1.fields, { name: 'note', type: ['null', 'string'], default: null }] };
export const V3_BAD = { ...V1, fields: [...V1.fields, { name: 'customer', type: 'string' }] };

const enc = encodeURIComponent;

export async function kafkajsFlow(call: Call): Promise<void> {
  // register: GET /config/{subject} -> 404 means "first registration"
  const config = await call('GET', `/config/${enc(SUBJECT)}`);
  expect(config.status).toBe(404);
  expect(config.json).toEqual({ error_code: 40408, message: `Subject '${SUBJECT}' does not have subject-level compatibility configured` });
  expect(config.headers['content-type']).toBe('application/vnd.schemaregistry.v1+json');

  const registered = await call('POST', `/subjects/${enc(SUBJECT)}/versions`, { schema: JSON.stringify(V1) });
  expect(registered.status).toBe(200);
  expect(registered.json).toEqual({ id: expect.any(Number) });
  const id1 = registered.json.id as number;

  const put = await call('PUT', `/config/${enc(SUBJECT)}`, { compatibility: 'BACKWARD' });
  expect(put.json).toEqual({ compatibility: 'BACKWARD' });
  expect((await call('GET', `/config/${enc(SUBJECT)}`)).json).toEqual({ compatibilityLevel: 'BACKWARD' });

  // decode with an empty cache
  const byId = await call('GET', `/schemas/ids/${id1}`);
  expect(byId.status).toBe(200);
  expect(JSON.parse(byId.json.schema)).toEqual(V1);
  expect(byId.json.schemaType).toBeUndefined();

  expect((await call('GET', `/subjects/${enc(SUBJECT)}/versions/latest`)).json).toMatchObject({ subject: SUBJECT, version: 1, id: id1 });

  // getRegistryIdBySchema (4.x sends schemaType: 'AVRO')
  const lookup = await call('POST', `/subjects/${enc(SUBJECT)}`, { schemaType: 'AVRO', schema: JSON.stringify(V1) });
  expect(lookup.status).toBe(200);
  expect(lookup.json).toMatchObject({ subject: SUBJECT, version: 1, id: id1 });

  // re-register: same id (the client now finds the subject's level and it matches)
  expect((await call('POST', `/subjects/${enc(SUBJECT)}/versions`, { schema: JSON.stringify(V1) })).json).toEqual({ id: id1 });

  const second = await call('POST', `/subjects/${enc(SUBJECT)}/versions`, { schemaType: 'AVRO', schema: JSON.stringify(V2) });
  expect(second.status).toBe(200);
  const id2 = second.json.id as number;
  expect(id2).not.toBe(id1);
  expect((await call('GET', `/subjects/${enc(SUBJECT)}/versions/2`)).json.id).toBe(id2);
  expect((await call('GET', `/subjects/${enc(SUBJECT)}/versions/1`)).json.id).toBe(id1);

  const bad = await call('POST', `/subjects/${enc(SUBJECT)}/versions`, { schema: JSON.stringify(V3_BAD) });
  expect(bad.status).toBe(409);
  expect(bad.json.error_code).toBe(409);
  expect(bad.json.message).toMatch(/incompatible/i);
  expect(bad.json.message).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');

  const incompatible = await call('POST', `/compatibility/subjects/${enc(SUBJECT)}/versions/latest`, { schema: JSON.stringify(V3_BAD) });
  expect(incompatible.json).toEqual({ is_compatible: false });
  const compatible = await call('POST', `/compatibility/subjects/${enc(SUBJECT)}/versions/latest`, { schema: JSON.stringify(V2) });
  expect(compatible.json).toEqual({ is_compatible: true });

  const invalid = await call('POST', `/subjects/${enc(SUBJECT)}/versions`, { schema: '{"type":"record","name":"X","fields":[{"name":"a","type":"nope"}]}' });
  expect(invalid.status).toBe(422);
  expect(invalid.json.error_code).toBe(42201);

  const unknownId = await call('GET', '/schemas/ids/2000000000');
  expect(unknownId.status).toBe(404);
  expect(unknownId.json).toEqual({ error_code: 40403, message: 'Schema 2000000000 not found' });

  const unknownSubject = await call('GET', `/subjects/no.such.subject/versions/latest`);
  expect(unknownSubject.status).toBe(404);
  expect(unknownSubject.json).toEqual({ error_code: 40401, message: "Subject 'no.such.subject' not found." });

  expect((await call('GET', '/subjects')).json).toContain(SUBJECT);

  // the script deletes with plain fetch (no content type)
  const soft = await call('DELETE', `/subjects/${enc(SUBJECT)}`, undefined, {});
  expect(soft.status).toBe(200);
  expect(soft.json).toEqual([1, 2]);
  const hard = await call('DELETE', `/subjects/${enc(SUBJECT)}?permanent=true`, undefined, {});
  expect(hard.status).toBe(200);
  expect(hard.json).toEqual([1, 2]);
  expect((await call('GET', `/subjects/${enc(SUBJECT)}/versions/latest`)).status).toBe(404);
}
