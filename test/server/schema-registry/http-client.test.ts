/**
 * HttpSchemaRegistryClient (`--schema-registry-url`) against Sluice's own registry served on a
 * real socket: the calls the serdes and the executor make, caching, error codes, Basic auth, and
 * AVRO records written and read through it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { SluiceError } from '../../../common/index.js';
import { HttpSchemaRegistryClient } from '../../../registry/index.js';
import { createSerdeAsync, inferColumnsFromRegistry, registerSchemaForSource } from '../../../engine/formats/index.js';
import { BIGINT, STRING } from '../../../engine/types/index.js';
import { listening, type Listening } from './helpers.js';

const V1 = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] });
const V2 = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }, { name: 'note', type: ['null', 'string'], default: null }] });
const BAD = JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'long' }] });

async function rejection(promise: Promise<unknown>): Promise<SluiceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SluiceError);
    return error as SluiceError;
  }
  throw new Error('expected a rejection');
}

describe('HttpSchemaRegistryClient', () => {
  let server: Listening;
  beforeAll(async () => {
    server = await listening(true);
  });
  afterAll(async () => {
    await server.close();
  });

  it('registers, finds and fetches schemas, and caches what never changes', async () => {
    const client = new HttpSchemaRegistryClient({ url: `${server.url}/` });
    const id1 = await client.register('orders-value', V1);
    expect(await client.register('orders-value', V1)).toBe(id1);
    // the built-in registry gave the same id
    expect((await server.registry.getLatest('orders-value')).id).toBe(id1);
    const before = client.requestCount;
    const byId = await client.getById(id1);
    expect(byId).toMatchObject({ id: id1, schemaType: 'AVRO' });
    expect(JSON.parse(byId.schema)).toEqual(JSON.parse(V1));
    await client.getById(id1);
    expect(client.requestCount).toBe(before + 1);
    const parsed = await client.getParsedById(id1);
    expect(parsed.schemaType).toBe('AVRO');
    const id2 = await client.register('orders-value', V2);
    expect(id2).not.toBe(id1);
    expect(await client.getLatest('orders-value')).toMatchObject({ subject: 'orders-value', version: 2, id: id2, schemaType: 'AVRO' });
    expect(await client.getVersion('orders-value', 1)).toMatchObject({ version: 1, id: id1 });
    expect(await client.lookup('orders-value', { schema: V1 })).toMatchObject({ version: 1, id: id1 });
    expect(await client.listVersions('orders-value')).toEqual([1, 2]);
    expect(await client.listSubjects()).toContain('orders-value');
    expect(await client.getSubjectVersionsById(id2)).toEqual([{ subject: 'orders-value', version: 2 }]);
    expect((await client.checkCompatibility('orders-value', { schema: BAD })).isCompatible).toBe(false);
    expect(await client.setCompatibility('orders-value', 'FULL')).toBe('FULL');
    expect(await client.getCompatibility('orders-value')).toBe('FULL');
  });

  it('turns the registry error codes into REGISTRY_* errors with its messages', async () => {
    const client = new HttpSchemaRegistryClient({ url: server.url });
    const missing = await rejection(client.getLatest('nothing-here'));
    expect(missing.code).toBe('REGISTRY_SUBJECT_NOT_FOUND');
    expect(missing.message).toBe("Subject 'nothing-here' not found.");
    expect((await rejection(client.getById(987654))).code).toBe('REGISTRY_SCHEMA_NOT_FOUND');
    await client.register('strict-value', V1);
    const incompatible = await rejection(client.register('strict-value', BAD));
    expect(incompatible.code).toBe('REGISTRY_INCOMPATIBLE_SCHEMA');
    expect(incompatible.message).toMatch(/incompatible/i);
    expect((await rejection(client.register('strict-value', '{"type": "nope"}'))).code).toBe('REGISTRY_INVALID_SCHEMA');
  });

  it('names the URL when the registry cannot be reached, and refuses URLs that are not http(s)', async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const client = new HttpSchemaRegistryClient({ url: `http://127.0.0.1:${port}`, requestTimeoutMs: 2_000 });
    const error = await rejection(client.ping());
    expect(error.code).toBe('REGISTRY_STORE_ERROR');
    expect(error.message).toContain(`http://127.0.0.1:${port}`);
    expect(() => new HttpSchemaRegistryClient({ url: 'ftp://example.com' })).toThrow(/expected an http\(s\) URL/);
    expect(() => new HttpSchemaRegistryClient({ url: 'not a url' })).toThrow(SluiceError);
  });

  it('sends the user info of the URL as Basic auth, not in the URL', async () => {
    const seen: Array<{ url: string; authorization: string | null }> = [];
    const fake: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
      return new Response('[]', { status: 200, headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' } });
    };
    const client = new HttpSchemaRegistryClient({ url: 'http://key:s%40cret@registry.example:8081/sr/', fetch: fake });
    await client.ping();
    expect(seen).toEqual([{ url: 'http://registry.example:8081/sr/subjects', authorization: `Basic ${Buffer.from('key:s@cret').toString('base64')}` }]);
    expect(client.url).toBe('http://registry.example:8081/sr');
  });

  it('serves the serdes and the executor helpers: AVRO written, read, inferred and evolved over HTTP', async () => {
    const client = new HttpSchemaRegistryClient({ url: server.url });
    const columns = [
      { name: 'ID', type: BIGINT },
      { name: 'NAME', type: STRING },
    ];
    const id = await registerSchemaForSource(client, { topic: 'users', target: 'value', format: 'AVRO', columns, registerIfSchemaExists: true });
    expect(id).not.toBeNull();
    const serde = await createSerdeAsync({ target: 'value', format: 'AVRO', columns, topic: 'users' }, { registry: client });
    const bytes = serde.serialize([7, 'ann'])!;
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(id);
    // a fresh client (empty caches) reads it back by the id in the record
    const reader = await createSerdeAsync({ target: 'value', format: 'AVRO', columns, topic: 'users' }, { registry: new HttpSchemaRegistryClient({ url: server.url }) });
    const fresh = reader.prepare?.(bytes);
    if (fresh !== undefined) await fresh;
    expect(reader.deserialize(bytes)).toEqual([7, 'ann']);
    const inferred = await inferColumnsFromRegistry(new HttpSchemaRegistryClient({ url: server.url }), { topic: 'users', target: 'value', format: 'AVRO' });
    expect(inferred.columns.map((c) => c.name)).toEqual(['ID', 'NAME']);
    // an incompatible evolution is refused with the registry's reason
    await server.registry.setCompatibility('users-value', 'FULL');
    const refused = await rejection(
      registerSchemaForSource(client, { topic: 'users', target: 'value', format: 'AVRO', columns: [{ name: 'ID', type: STRING }], registerIfSchemaExists: true }),
    );
    expect(refused.message).toMatch(/^Could not register schema for topic: .*incompatible/is);
  });
});
