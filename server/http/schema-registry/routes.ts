/**
 * Confluent Schema Registry's REST API over a `SchemaRegistry`, as one encapsulated fastify
 * plugin. It brings its own body parser (any content type, or none: the body is read as text and
 * parsed as JSON) and its own error handler (`{"error_code", "message"}` with Confluent's codes),
 * so it behaves the same on a bare fastify app and inside the ksqlDB app (whose catch-all parser
 * and error entities it shadows).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { SluiceError } from '../../../common/index.js';
import {
  parseCompatibilityLevel,
  parseRegistryMode,
  parseSchemaType,
  parseVersionSelector,
  schemaNotFound,
  type RegisteredSchema,
  type SchemaInput,
  type SchemaReference,
  type SchemaRegistry,
  type VersionSelector,
} from '../../../registry/index.js';

/** What the registry answers with (what Confluent answers, and what kafkajs expects). */
export const REGISTRY_V1_JSON = 'application/vnd.schemaregistry.v1+json';
export const REGISTRY_JSON = 'application/vnd.schemaregistry+json';
const PLAIN_JSON = 'application/json';

type Query = Record<string, string | undefined>;
type Params = Record<string, string>;

function flag(query: Query, name: string, fallback = false): boolean {
  const value = query[name];
  if (value === undefined) return fallback;
  return value === '' || value.toLowerCase() === 'true';
}

function responseType(request: FastifyRequest): string {
  const accept = request.headers.accept;
  if (accept === undefined || accept.includes(REGISTRY_V1_JSON) || accept.includes('*/*')) return REGISTRY_V1_JSON;
  if (accept.includes(REGISTRY_JSON)) return REGISTRY_JSON;
  if (accept.includes(PLAIN_JSON)) return PLAIN_JSON;
  return REGISTRY_V1_JSON;
}

function send(request: FastifyRequest, reply: FastifyReply, body: unknown, status = 200): FastifyReply {
  return reply.code(status).header('content-type', responseType(request)).send(Buffer.from(JSON.stringify(body)));
}

function sendText(request: FastifyRequest, reply: FastifyReply, text: string): FastifyReply {
  return reply.code(200).header('content-type', responseType(request)).send(Buffer.from(text));
}

/** The HTTP status and Confluent error body for an error. */
export function registryErrorOf(error: unknown): { status: number; body: { error_code: number; message: string } } {
  if (error instanceof SluiceError) {
    const status = error.httpStatus;
    const code = error.code.startsWith('REGISTRY_') ? (error.spec.ksqlErrorCode ?? status) : status;
    return { status, body: { error_code: code, message: error.message } };
  }
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { error_code: status, message: (error as Error).message } };
  }
  return { status: 500, body: { error_code: 500, message: `Internal Server Error: ${(error as Error)?.message ?? String(error)}` } };
}

export function sendRegistryError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const { status, body } = registryErrorOf(error);
  if (status >= 500) request.log.error({ err: error }, 'schema registry request failed');
  return send(request, reply, body, status);
}

/** 404 for paths the API does not have, in Confluent's shape. Usable with `setNotFoundHandler`. */
export function registryNotFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return send(request, reply, { error_code: 404, message: 'HTTP 404 Not Found' }, 404);
}

function badRequest(message: string): SluiceError {
  return new SluiceError('REGISTRY_BAD_REQUEST', message, {});
}

function bodyObject(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) throw badRequest('The request body is missing: expected a JSON object');
  if (typeof body !== 'object' || Array.isArray(body)) throw badRequest(`The request body must be a JSON object, found ${Array.isArray(body) ? 'an array' : typeof body}`);
  return body as Record<string, unknown>;
}

function schemaInputOf(request: FastifyRequest): SchemaInput {
  const body = bodyObject(request);
  const schema = body['schema'];
  if (schema !== undefined && typeof schema !== 'string') {
    throw new SluiceError('REGISTRY_INVALID_SCHEMA', 'Invalid schema: "schema" must be a string holding the schema text', { found: typeof schema });
  }
  const references = body['references'];
  if (references !== undefined && references !== null && !Array.isArray(references)) {
    throw new SluiceError('REGISTRY_INVALID_SCHEMA', 'Invalid schema: "references" must be an array of {name, subject, version}', { found: typeof references });
  }
  return {
    schema: schema ?? '',
    schemaType: parseSchemaType(body['schemaType']),
    references: (references ?? []) as SchemaReference[],
  };
}

function subjectOf(params: Params): string {
  return params['subject'] ?? '';
}

function versionOf(params: Params): VersionSelector {
  return parseVersionSelector(params['version'] ?? '');
}

function idOf(params: Params): number {
  const raw = params['id'] ?? '';
  if (!/^\d+$/.test(raw)) throw new SluiceError('REGISTRY_SCHEMA_NOT_FOUND', `Schema ${raw} not found`, { found: raw });
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1) throw schemaNotFound(id);
  return id;
}

/** The version entity: `{subject, version, id, [schemaType], [references], schema}` (schemaType left out for Avro). */
function versionEntity(registered: RegisteredSchema): Record<string, unknown> {
  const entity: Record<string, unknown> = { subject: registered.subject, version: registered.version, id: registered.id };
  if (registered.schemaType !== 'AVRO') entity['schemaType'] = registered.schemaType;
  if (registered.references.length > 0) entity['references'] = registered.references;
  entity['schema'] = registered.schema;
  return entity;
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`The request body is not JSON: ${(error as Error).message}`);
  }
}

/**
 * The REST API as a fastify plugin over `registry`. Mount it with a prefix inside another app
 * (`app.register(schemaRegistryRoutes(registry), { prefix: '/schema-registry' })`) or at the root
 * of its own (`--schema-registry-port`). With a prefix, unknown paths under it answer Confluent's
 * 404; at the root the app's own 404 handler stays (use `registryNotFoundHandler` there).
 */
export function schemaRegistryRoutes(registry: SchemaRegistry): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseBody(String(body)));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    app.setErrorHandler((error, request, reply) => sendRegistryError(request, reply, error));
    if (app.prefix !== '' && app.prefix !== '/') app.setNotFoundHandler(registryNotFoundHandler);

    const route = <P extends Params = Params, Q extends Query = Query>(
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: string,
      handler: (request: FastifyRequest<{ Params: P; Querystring: Q }>, reply: FastifyReply) => Promise<unknown>,
    ): void => {
      app.route<{ Params: P; Querystring: Q }>({ method, url, handler: async (request, reply) => handler(request, reply) });
    };

    // ---- root and types ----
    route('GET', '/', async (request, reply) => send(request, reply, {}));
    route('GET', '/schemas/types', async (request, reply) => send(request, reply, registry.schemaTypes()));

    // ---- subjects ----
    route('GET', '/subjects', async (request, reply) => {
      const query = request.query;
      const subjects = await registry.listSubjects({
        deleted: flag(query, 'deleted'),
        deletedOnly: flag(query, 'deletedOnly'),
        ...(query['subjectPrefix'] !== undefined && query['subjectPrefix'] !== ':*:' ? { subjectPrefix: query['subjectPrefix'] } : {}),
      });
      return send(request, reply, subjects);
    });

    route('GET', '/subjects/:subject/versions', async (request, reply) => {
      const versions = await registry.listVersions(subjectOf(request.params), { deleted: flag(request.query, 'deleted'), deletedOnly: flag(request.query, 'deletedOnly') });
      return send(request, reply, versions);
    });

    route('POST', '/subjects/:subject/versions', async (request, reply) => {
      const body = bodyObject(request);
      const input = schemaInputOf(request);
      const options: { id?: number; version?: number } = {};
      if (typeof body['id'] === 'number' && body['id'] > 0) options.id = body['id'];
      if (typeof body['version'] === 'number' && body['version'] > 0) options.version = body['version'];
      const registered = await registry.registerSchema(subjectOf(request.params), input, options);
      return send(request, reply, { id: registered.id });
    });

    route('GET', '/subjects/:subject/versions/:version', async (request, reply) => {
      const registered = await registry.getVersion(subjectOf(request.params), versionOf(request.params), { deleted: flag(request.query, 'deleted') });
      return send(request, reply, versionEntity(registered));
    });

    route('GET', '/subjects/:subject/versions/:version/schema', async (request, reply) => {
      const registered = await registry.getVersion(subjectOf(request.params), versionOf(request.params), { deleted: flag(request.query, 'deleted') });
      return sendText(request, reply, registered.schema);
    });

    route('GET', '/subjects/:subject/versions/:version/referencedby', async (request, reply) => {
      return send(request, reply, await registry.referencedBy(subjectOf(request.params), versionOf(request.params)));
    });

    route('DELETE', '/subjects/:subject/versions/:version', async (request, reply) => {
      const version = await registry.deleteVersion(subjectOf(request.params), versionOf(request.params), { permanent: flag(request.query, 'permanent') });
      return send(request, reply, version);
    });

    route('POST', '/subjects/:subject', async (request, reply) => {
      const registered = await registry.lookup(subjectOf(request.params), schemaInputOf(request), { deleted: flag(request.query, 'deleted') });
      return send(request, reply, versionEntity(registered));
    });

    route('DELETE', '/subjects/:subject', async (request, reply) => {
      return send(request, reply, await registry.deleteSubject(subjectOf(request.params), { permanent: flag(request.query, 'permanent') }));
    });

    // ---- schemas by id ----
    route('GET', '/schemas', async (request, reply) => {
      const query = request.query;
      const deleted = flag(query, 'deleted');
      const latestOnly = flag(query, 'latestOnly');
      const prefix = query['subjectPrefix'];
      const out: Record<string, unknown>[] = [];
      for (const subject of await registry.listSubjects({ deleted, ...(prefix !== undefined ? { subjectPrefix: prefix } : {}) })) {
        const versions = await registry.listVersions(subject, { deleted });
        for (const version of latestOnly ? versions.slice(-1) : versions) out.push(versionEntity(await registry.getVersion(subject, version, { deleted })));
      }
      return send(request, reply, out);
    });

    route('GET', '/schemas/ids/:id', async (request, reply) => {
      const schema = await registry.getById(idOf(request.params));
      const entity: Record<string, unknown> = {};
      if (schema.schemaType !== 'AVRO') entity['schemaType'] = schema.schemaType;
      if (schema.references.length > 0) entity['references'] = schema.references;
      entity['schema'] = schema.schema;
      if (flag(request.query, 'fetchMaxId')) entity['maxId'] = registry.maxSchemaId();
      return send(request, reply, entity);
    });

    route('GET', '/schemas/ids/:id/schema', async (request, reply) => {
      return sendText(request, reply, (await registry.getById(idOf(request.params))).schema);
    });

    route('GET', '/schemas/ids/:id/versions', async (request, reply) => {
      return send(request, reply, await registry.getSubjectVersionsById(idOf(request.params), { deleted: flag(request.query, 'deleted') }));
    });

    route('GET', '/schemas/ids/:id/subjects', async (request, reply) => {
      return send(request, reply, await registry.getSubjectsById(idOf(request.params), { deleted: flag(request.query, 'deleted') }));
    });

    // ---- config ----
    const levelOfBody = (request: FastifyRequest) => {
      const body = bodyObject(request);
      return parseCompatibilityLevel(body['compatibility'] ?? body['compatibilityLevel']);
    };
    route('GET', '/config', async (request, reply) => send(request, reply, { compatibilityLevel: await registry.getCompatibility(null) }));
    route('PUT', '/config', async (request, reply) => send(request, reply, { compatibility: await registry.setCompatibility(null, levelOfBody(request)) }));
    route('DELETE', '/config', async (request, reply) => send(request, reply, { compatibilityLevel: await registry.deleteCompatibility(null) }));
    route('GET', '/config/:subject', async (request, reply) => {
      const level = await registry.getCompatibility(subjectOf(request.params), { defaultToGlobal: flag(request.query, 'defaultToGlobal') });
      return send(request, reply, { compatibilityLevel: level });
    });
    route('PUT', '/config/:subject', async (request, reply) => {
      return send(request, reply, { compatibility: await registry.setCompatibility(subjectOf(request.params), levelOfBody(request)) });
    });
    route('DELETE', '/config/:subject', async (request, reply) => {
      return send(request, reply, { compatibilityLevel: await registry.deleteCompatibility(subjectOf(request.params)) });
    });

    // ---- compatibility ----
    const compatibility = async (request: FastifyRequest<{ Params: Params; Querystring: Query }>, reply: FastifyReply, selector: VersionSelector | 'all') => {
      const result = await registry.checkCompatibility(subjectOf(request.params), schemaInputOf(request), selector);
      const body: Record<string, unknown> = { is_compatible: result.isCompatible };
      if (flag(request.query, 'verbose')) body['messages'] = result.messages;
      return send(request, reply, body);
    };
    route('POST', '/compatibility/subjects/:subject/versions/:version', async (request, reply) => compatibility(request, reply, versionOf(request.params)));
    route('POST', '/compatibility/subjects/:subject/versions', async (request, reply) => compatibility(request, reply, 'all'));

    // ---- mode ----
    const modeOfBody = (request: FastifyRequest) => parseRegistryMode(bodyObject(request)['mode']);
    route('GET', '/mode', async (request, reply) => send(request, reply, { mode: await registry.getMode(null) }));
    route('PUT', '/mode', async (request, reply) => send(request, reply, { mode: await registry.setMode(null, modeOfBody(request), { force: flag(request.query, 'force') }) }));
    route('GET', '/mode/:subject', async (request, reply) => {
      // The contract answers the effective mode; `defaultToGlobal=false` asks for the subject's own (40409 when none).
      const mode = await registry.getMode(subjectOf(request.params), { defaultToGlobal: flag(request.query, 'defaultToGlobal', true) });
      return send(request, reply, { mode });
    });
    route('PUT', '/mode/:subject', async (request, reply) => {
      return send(request, reply, { mode: await registry.setMode(subjectOf(request.params), modeOfBody(request), { force: flag(request.query, 'force') }) });
    });
    route('DELETE', '/mode/:subject', async (request, reply) => send(request, reply, { mode: await registry.deleteMode(subjectOf(request.params)) }));
  };
}

