/**
 * A client of an external Confluent-compatible schema registry over HTTP (`--schema-registry-url`):
 * the same `SchemaRegistryClient` the built-in registry implements, so the serdes and the executor
 * use either unchanged.
 *
 * Caching (what never changes is fetched once): schemas by id (ids are immutable), their parsed
 * form (with references resolved through `GET /subjects/{s}/versions/{v}`), referenced versions,
 * and the ids `register` / `lookup` answered per (subject, schema). `getLatest` and everything
 * about subjects and levels always asks the registry. The caches are bounded (`cacheEntriesMax`).
 *
 * Errors: the registry's `{error_code, message}` becomes a SluiceError with the REGISTRY_* code of
 * that `error_code` (40401 → REGISTRY_SUBJECT_NOT_FOUND...) and the registry's message; a registry
 * that cannot be reached or answers something else is REGISTRY_STORE_ERROR (external, retryable)
 * naming the URL. User info in the URL (`http://user:secret@host:8081`) is sent as Basic auth.
 */
import { catalogue, SluiceError, type ErrorCode } from '../common/index.js';
import { parseSchema, type ParsedSchema } from './compatibility.js';
import type {
  DeleteOptions,
  IncludeDeleted,
  ListSubjectsOptions,
  RegisterOptions,
  SchemaRegistryClient,
  VersionSelector,
} from './registry.js';
import type { ResolvedReference } from './schema.js';
import {
  defaultRegistryLimits,
  type CompatibilityLevel,
  type CompatibilityResult,
  type RegisteredSchema,
  type RegistryLimits,
  type SchemaById,
  type SchemaInput,
  type SchemaReference,
  type SchemaType,
  type SubjectVersion,
} from './types.js';

export interface HttpSchemaRegistryClientOptions {
  /** Base URL: `http://localhost:8081`, `http://localhost:8088/schema-registry`... */
  readonly url: string;
  /** Per request. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Entries per cache (schemas by id, parsed schemas, registrations). Default 10 000. */
  readonly cacheEntriesMax?: number;
  readonly limits?: Partial<RegistryLimits>;
  /** For tests: the fetch to use. Default the global one. */
  readonly fetch?: typeof fetch;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** A Map that forgets its oldest entries beyond `max`. */
class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly max: number) {}
  get(key: K): V | undefined {
    return this.entries.get(key);
  }
  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as K);
  }
  get size(): number {
    return this.entries.size;
  }
}

/** The REGISTRY_* code whose ksqlDB/Confluent `error_code` is `errorCode`. */
function codeOf(errorCode: unknown, status: number): ErrorCode {
  if (typeof errorCode === 'number') {
    for (const [code, spec] of Object.entries(catalogue)) {
      if (code.startsWith('REGISTRY_') && spec.ksqlErrorCode === errorCode) return code as ErrorCode;
    }
  }
  if (status === 409) return 'REGISTRY_INCOMPATIBLE_SCHEMA';
  if (status === 422) return 'REGISTRY_INVALID_SCHEMA';
  if (status >= 400 && status < 500) return 'REGISTRY_BAD_REQUEST';
  return 'REGISTRY_STORE_ERROR';
}

interface SchemaAnswer {
  id?: number;
  subject?: string;
  version?: number;
  schema?: string;
  schemaType?: SchemaType;
  references?: SchemaReference[];
}

function registrationKey(subject: string, input: SchemaInput): string {
  return JSON.stringify([subject, input.schemaType ?? 'AVRO', input.schema, input.references ?? []]);
}

export class HttpSchemaRegistryClient implements SchemaRegistryClient {
  readonly url: string;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly limits: RegistryLimits;
  private readonly fetchFn: typeof fetch;
  private readonly byId: BoundedCache<number, SchemaById>;
  private readonly parsedById: BoundedCache<number, ParsedSchema>;
  private readonly versions: BoundedCache<string, RegisteredSchema>;
  private readonly registered: BoundedCache<string, number>;
  /** Requests sent (for tests and metrics). */
  requestCount = 0;

  constructor(options: HttpSchemaRegistryClientOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new SluiceError('CONFIG_INVALID', `--schema-registry-url: expected an http(s) URL, found ${JSON.stringify(options.url)}`, {
        expected: 'http(s)://host:port[/path]',
        found: options.url,
      });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SluiceError('CONFIG_INVALID', `--schema-registry-url: expected an http(s) URL, found ${JSON.stringify(options.url)}`, {
        expected: 'http(s)://host:port[/path]',
        found: options.url,
      });
    }
    if (parsed.username !== '' || parsed.password !== '') {
      const user = decodeURIComponent(parsed.username);
      const password = decodeURIComponent(parsed.password);
      this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      parsed.username = '';
      parsed.password = '';
    }
    this.url = parsed.toString().replace(/\/+$/, '');
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.limits = { ...defaultRegistryLimits, ...options.limits };
    this.fetchFn = options.fetch ?? fetch;
    const max = options.cacheEntriesMax ?? 10_000;
    this.byId = new BoundedCache(max);
    this.parsedById = new BoundedCache(max);
    this.versions = new BoundedCache(max);
    this.registered = new BoundedCache(max);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: CONTENT_TYPE };
    if (body !== undefined) headers['Content-Type'] = CONTENT_TYPE;
    if (this.authorization !== undefined) headers['Authorization'] = this.authorization;
    this.requestCount++;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(`${this.url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new SluiceError(
        'REGISTRY_STORE_ERROR',
        `The schema registry at ${this.url} did not answer ${method} ${path}: ${(error as Error).message}`,
        { url: this.url },
        { cause: error },
      );
    }
    let json: unknown;
    try {
      json = text.length === 0 ? null : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const answer = (json ?? {}) as { error_code?: unknown; message?: unknown };
      const message = typeof answer.message === 'string' ? answer.message : `HTTP ${response.status} from the schema registry at ${this.url} (${method} ${path})`;
      throw new SluiceError(codeOf(answer.error_code, response.status), message, { url: this.url, status: response.status, errorCode: answer.error_code });
    }
    if (json === undefined) {
      throw new SluiceError('REGISTRY_STORE_ERROR', `The schema registry at ${this.url} answered ${method} ${path} with something other than JSON`, { url: this.url });
    }
    return json as T;
  }

  private static subjectPath(subject: string): string {
    return `/subjects/${encodeURIComponent(subject)}`;
  }

  private static query(parameters: Record<string, string | boolean | undefined>): string {
    const parts = Object.entries(parameters)
      .filter(([, value]) => value !== undefined && value !== false)
      .map(([key, value]) => `${key}=${encodeURIComponent(String(value))}`);
    return parts.length === 0 ? '' : `?${parts.join('&')}`;
  }

  private static version(answer: SchemaAnswer, subject: string): RegisteredSchema {
    return {
      subject: answer.subject ?? subject,
      version: answer.version ?? 0,
      id: answer.id ?? 0,
      schemaType: answer.schemaType ?? 'AVRO',
      schema: answer.schema ?? '',
      references: answer.references ?? [],
      deleted: false,
    };
  }

  private static body(input: SchemaInput): Record<string, unknown> {
    const body: Record<string, unknown> = { schema: input.schema };
    if (input.schemaType !== undefined && input.schemaType !== 'AVRO') body.schemaType = input.schemaType;
    if (input.references !== undefined && input.references.length > 0) body.references = input.references;
    return body;
  }

  async register(subject: string, schema: string, schemaType: SchemaType = 'AVRO', references: readonly SchemaReference[] = []): Promise<number> {
    const input: SchemaInput = { schema, schemaType, references };
    const key = registrationKey(subject, input);
    const hit = this.registered.get(key);
    if (hit !== undefined) return hit;
    const answer = await this.request<{ id: number }>('POST', `${HttpSchemaRegistryClient.subjectPath(subject)}/versions`, HttpSchemaRegistryClient.body(input));
    this.registered.set(key, answer.id);
    return answer.id;
  }

  async registerSchema(subject: string, input: SchemaInput, options: RegisterOptions = {}): Promise<RegisteredSchema> {
    const body = HttpSchemaRegistryClient.body(input);
    if (options.id !== undefined) body.id = options.id;
    if (options.version !== undefined) body.version = options.version;
    const query = HttpSchemaRegistryClient.query({ normalize: options.normalize });
    const answer = await this.request<{ id: number }>('POST', `${HttpSchemaRegistryClient.subjectPath(subject)}/versions${query}`, body);
    this.registered.set(registrationKey(subject, input), answer.id);
    return this.lookup(subject, input);
  }

  async getById(id: number): Promise<SchemaById> {
    const hit = this.byId.get(id);
    if (hit !== undefined) return hit;
    const answer = await this.request<SchemaAnswer>('GET', `/schemas/ids/${id}`);
    const schema: SchemaById = { id, schemaType: answer.schemaType ?? 'AVRO', schema: answer.schema ?? '', references: answer.references ?? [] };
    this.byId.set(id, schema);
    return schema;
  }

  async getParsedById(id: number): Promise<ParsedSchema> {
    const hit = this.parsedById.get(id);
    if (hit !== undefined) return hit;
    const raw = await this.getById(id);
    const references = await this.resolveReferences(raw.references, 1);
    let parsed: ParsedSchema;
    try {
      parsed = parseSchema(raw.schemaType, raw.schema, references, this.limits);
    } catch (error) {
      throw new SluiceError('REGISTRY_INVALID_SCHEMA', `Schema ${id} from the schema registry at ${this.url} does not parse: ${(error as Error).message}`, { id }, { cause: error });
    }
    this.parsedById.set(id, parsed);
    return parsed;
  }

  private async resolveReferences(references: readonly SchemaReference[], depth: number): Promise<ResolvedReference[]> {
    if (references.length === 0) return [];
    if (depth > this.limits.referenceDepthMax) {
      throw new SluiceError('REGISTRY_INVALID_SCHEMA', `Invalid schema: references nest deeper than ${this.limits.referenceDepthMax}`, {
        expected: `at most ${this.limits.referenceDepthMax} levels of references`,
        found: 'more',
      });
    }
    const resolved: ResolvedReference[] = [];
    for (const reference of references) {
      const found = await this.getVersion(reference.subject, reference.version);
      resolved.push({
        name: reference.name,
        subject: reference.subject,
        version: found.version,
        schemaType: found.schemaType,
        schema: found.schema,
        references: await this.resolveReferences(found.references, depth + 1),
      });
    }
    return resolved;
  }

  async getLatest(subject: string): Promise<RegisteredSchema> {
    return this.getVersion(subject, 'latest');
  }

  async getVersion(subject: string, version: VersionSelector, options: IncludeDeleted = {}): Promise<RegisteredSchema> {
    const key = `${subject}\u0000${version}`;
    // A numbered version never changes (a hard delete aside); `latest` does.
    if (version !== 'latest' && !options.deleted) {
      const hit = this.versions.get(key);
      if (hit !== undefined) return hit;
    }
    const query = HttpSchemaRegistryClient.query({ deleted: options.deleted });
    const answer = await this.request<SchemaAnswer>('GET', `${HttpSchemaRegistryClient.subjectPath(subject)}/versions/${version}${query}`);
    const found = HttpSchemaRegistryClient.version(answer, subject);
    if (version !== 'latest' && !options.deleted) this.versions.set(key, found);
    return found;
  }

  async lookup(subject: string, input: SchemaInput, options: IncludeDeleted = {}): Promise<RegisteredSchema> {
    const query = HttpSchemaRegistryClient.query({ deleted: options.deleted });
    const answer = await this.request<SchemaAnswer>('POST', `${HttpSchemaRegistryClient.subjectPath(subject)}${query}`, HttpSchemaRegistryClient.body(input));
    const found = HttpSchemaRegistryClient.version(answer, subject);
    this.registered.set(registrationKey(subject, input), found.id);
    return found;
  }

  async checkCompatibility(subject: string, input: SchemaInput, version: VersionSelector | 'all' = 'latest'): Promise<CompatibilityResult> {
    const path = version === 'all' ? `/compatibility${HttpSchemaRegistryClient.subjectPath(subject)}/versions` : `/compatibility${HttpSchemaRegistryClient.subjectPath(subject)}/versions/${version}`;
    const answer = await this.request<{ is_compatible?: boolean; messages?: string[] }>('POST', `${path}?verbose=true`, HttpSchemaRegistryClient.body(input));
    return { isCompatible: answer.is_compatible === true, messages: answer.messages ?? [], incompatibilities: [] };
  }

  async listSubjects(options: ListSubjectsOptions = {}): Promise<string[]> {
    const query = HttpSchemaRegistryClient.query({ deleted: options.deleted, deletedOnly: options.deletedOnly, subjectPrefix: options.subjectPrefix });
    return this.request<string[]>('GET', `/subjects${query}`);
  }

  async listVersions(subject: string, options: IncludeDeleted = {}): Promise<number[]> {
    const query = HttpSchemaRegistryClient.query({ deleted: options.deleted });
    return this.request<number[]>('GET', `${HttpSchemaRegistryClient.subjectPath(subject)}/versions${query}`);
  }

  async getSubjectVersionsById(id: number, options: IncludeDeleted = {}): Promise<SubjectVersion[]> {
    const query = HttpSchemaRegistryClient.query({ deleted: options.deleted });
    return this.request<SubjectVersion[]>('GET', `/schemas/ids/${id}/versions${query}`);
  }

  async deleteSubject(subject: string, options: DeleteOptions = {}): Promise<number[]> {
    const query = HttpSchemaRegistryClient.query({ permanent: options.permanent });
    return this.request<number[]>('DELETE', `${HttpSchemaRegistryClient.subjectPath(subject)}${query}`);
  }

  async deleteVersion(subject: string, version: VersionSelector, options: DeleteOptions = {}): Promise<number> {
    const query = HttpSchemaRegistryClient.query({ permanent: options.permanent });
    return this.request<number>('DELETE', `${HttpSchemaRegistryClient.subjectPath(subject)}/versions/${version}${query}`);
  }

  async getCompatibility(subject: string | null = null, options: { defaultToGlobal?: boolean } = {}): Promise<CompatibilityLevel> {
    const path = subject === null ? '/config' : `/config/${encodeURIComponent(subject)}${HttpSchemaRegistryClient.query({ defaultToGlobal: options.defaultToGlobal })}`;
    const answer = await this.request<{ compatibilityLevel?: CompatibilityLevel; compatibility?: CompatibilityLevel }>('GET', path);
    const level = answer.compatibilityLevel ?? answer.compatibility;
    if (level === undefined) throw new SluiceError('REGISTRY_STORE_ERROR', `The schema registry at ${this.url} answered GET ${path} without a compatibility level`, { url: this.url });
    return level;
  }

  async setCompatibility(subject: string | null, level: CompatibilityLevel): Promise<CompatibilityLevel> {
    const path = subject === null ? '/config' : `/config/${encodeURIComponent(subject)}`;
    const answer = await this.request<{ compatibility?: CompatibilityLevel }>('PUT', path, { compatibility: level });
    return answer.compatibility ?? level;
  }

  /** Checks the registry answers (`GET /subjects`); throws REGISTRY_STORE_ERROR naming the URL when not. */
  async ping(): Promise<void> {
    await this.request<unknown>('GET', '/subjects');
  }
}
