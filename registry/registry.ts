/**
 * The schema registry: subjects, versions, global ids, configs and modes, in memory, rebuilt from
 * and written through to the compacted `_schemas` topic of the log.
 *
 * Every change is a record appended to the topic first and applied to memory only by reading the
 * topic back (`catchUp`), so memory is always a function of the topic: a restart (or another
 * server sharing the topic) rebuilds exactly the same state. Changes run one at a time (a queue),
 * each after catching up, so a check and the write it guards see the same state.
 */
import { SluiceError, systemClock, type Clock } from '../common/index.js';
import { decodeRecordBatch, encodeRecordBatch, type Log } from '../storage/log/index.js';
import { checkCompatibility, parseSchema, type ParsedSchema, type PreviousVersion } from './compatibility.js';
import type { ResolvedReference } from './schema.js';
import { decodeStoreRecord, encodeStoreRecord, type SchemaValue, type StoreRecord } from './store.js';
import {
  COMPATIBILITY_LEVELS,
  DEFAULT_COMPATIBILITY_LEVEL,
  DEFAULT_REGISTRY_MODE,
  REGISTRY_MODES,
  SCHEMA_TYPES,
  VERSION_MAX,
  defaultRegistryLimits,
  type CompatibilityLevel,
  type CompatibilityResult,
  type RegisteredSchema,
  type RegistryLimits,
  type RegistryMode,
  type SchemaById,
  type SchemaInput,
  type SchemaReference,
  type SchemaType,
  type SubjectVersion,
} from './types.js';

export const SCHEMAS_TOPIC = '_schemas';

export interface OpenSchemaRegistryOptions {
  log: Log;
  /** Default `_schemas`. */
  topic?: string;
  /** Stamps the topic's records. Default: the system clock. */
  clock?: Clock;
  limits?: Partial<RegistryLimits>;
  /** The level when neither the subject nor the global config sets one. Default BACKWARD. */
  defaultCompatibility?: CompatibilityLevel;
}

/** `latest` (or -1 in the REST API) names the newest version. */
export type VersionSelector = number | 'latest';

export interface RegisterOptions {
  /** IMPORT mode only: register under this id. */
  id?: number;
  /** IMPORT mode only: register as this version. */
  version?: number;
  /** Accepted for compatibility with Confluent's API; schemas are always stored canonicalised. */
  normalize?: boolean;
}

export interface IncludeDeleted {
  /** Also soft-deleted versions / subjects. */
  deleted?: boolean;
}

export interface ListSubjectsOptions extends IncludeDeleted {
  /** Only subjects whose every version is soft-deleted. */
  deletedOnly?: boolean;
  subjectPrefix?: string;
}

export interface DeleteOptions {
  /** Hard delete (only of what was soft-deleted first). */
  permanent?: boolean;
}

/**
 * What the engine's serdes (and the REST API) use of a registry. The built-in `SchemaRegistry`
 * implements it; a client of an external Confluent registry (`--schema-registry-url`) can too.
 * Errors are SluiceErrors with REGISTRY_* codes.
 */
export interface SchemaRegistryClient {
  /** Registers (or finds) `schema` under `subject`; answers its global id. */
  register(subject: string, schema: string, schemaType?: SchemaType, references?: readonly SchemaReference[]): Promise<number>;
  registerSchema(subject: string, input: SchemaInput, options?: RegisterOptions): Promise<RegisteredSchema>;
  getById(id: number): Promise<SchemaById>;
  /** The schema of an id, parsed (avsc type, protobufjs root, JSON Schema) with its references. */
  getParsedById(id: number): Promise<ParsedSchema>;
  getLatest(subject: string): Promise<RegisteredSchema>;
  getVersion(subject: string, version: VersionSelector, options?: IncludeDeleted): Promise<RegisteredSchema>;
  lookup(subject: string, input: SchemaInput, options?: IncludeDeleted): Promise<RegisteredSchema>;
  checkCompatibility(subject: string, input: SchemaInput, version?: VersionSelector | 'all'): Promise<CompatibilityResult>;
  listSubjects(options?: ListSubjectsOptions): Promise<string[]>;
  listVersions(subject: string, options?: IncludeDeleted): Promise<number[]>;
  getSubjectVersionsById(id: number, options?: IncludeDeleted): Promise<SubjectVersion[]>;
  deleteSubject(subject: string, options?: DeleteOptions): Promise<number[]>;
  deleteVersion(subject: string, version: VersionSelector, options?: DeleteOptions): Promise<number>;
  getCompatibility(subject?: string | null, options?: { defaultToGlobal?: boolean }): Promise<CompatibilityLevel>;
  setCompatibility(subject: string | null, level: CompatibilityLevel): Promise<CompatibilityLevel>;
}

interface StoredSchema {
  id: number;
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
  identity: string;
  /** Versions (live or soft-deleted) holding this id. */
  users: number;
}

interface StoredVersion {
  subject: string;
  version: number;
  id: number;
  deleted: boolean;
}

const READ_BYTES = 1024 * 1024;
const WRITE_CHUNK_BYTES = 256 * 1024;
const PARSED_CACHE_MAX = 2_000;

function identityOf(schemaType: SchemaType, canonical: string, references: readonly SchemaReference[]): string {
  return `${schemaType}\n${JSON.stringify(references.map((r) => [r.name, r.subject, r.version]))}\n${canonical}`;
}

// ---- errors ---------------------------------------------------------------------------------

export function subjectNotFound(subject: string): SluiceError {
  return new SluiceError('REGISTRY_SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`, { subject });
}

export function versionNotFound(version: number | string): SluiceError {
  return new SluiceError('REGISTRY_VERSION_NOT_FOUND', `Version ${version} not found.`, { version });
}

export function schemaNotFound(id?: number): SluiceError {
  return new SluiceError('REGISTRY_SCHEMA_NOT_FOUND', id === undefined ? 'Schema not found' : `Schema ${id} not found`, id === undefined ? {} : { id });
}

function invalidVersion(text: string): SluiceError {
  return new SluiceError(
    'REGISTRY_INVALID_VERSION',
    `The specified version '${text}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    { expected: '1..2147483647, "latest" or -1', found: text },
  );
}

export function invalidCompatibilityLevel(found: unknown): SluiceError {
  return new SluiceError(
    'REGISTRY_INVALID_COMPATIBILITY_LEVEL',
    'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
    { expected: COMPATIBILITY_LEVELS.join(', '), found: String(found) },
  );
}

export function invalidMode(found: unknown): SluiceError {
  return new SluiceError('REGISTRY_INVALID_MODE', `Invalid mode. Valid values are ${REGISTRY_MODES.join(', ')}`, { expected: REGISTRY_MODES.join(', '), found: String(found) });
}

/** Reads a version as the REST API spells it: 1..2^31-1, `latest` or -1. */
export function parseVersionSelector(text: string | number): VersionSelector {
  const raw = String(text).trim();
  if (raw.toLowerCase() === 'latest' || raw === '-1') return 'latest';
  if (!/^\d+$/.test(raw)) throw invalidVersion(raw);
  const version = Number(raw);
  if (version < 1 || version > VERSION_MAX) throw invalidVersion(raw);
  return version;
}

/** Reads a compatibility level, case-insensitively. */
export function parseCompatibilityLevel(value: unknown): CompatibilityLevel {
  const level = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
  if (level === undefined || !COMPATIBILITY_LEVELS.includes(level as CompatibilityLevel)) throw invalidCompatibilityLevel(value);
  return level as CompatibilityLevel;
}

export function parseRegistryMode(value: unknown): RegistryMode {
  const mode = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
  if (mode === undefined || !REGISTRY_MODES.includes(mode as RegistryMode)) throw invalidMode(value);
  return mode as RegistryMode;
}

export function parseSchemaType(value: unknown): SchemaType {
  if (value === undefined || value === null) return 'AVRO';
  const type = typeof value === 'string' ? value.trim().toUpperCase() : undefined;
  if (type === undefined || !SCHEMA_TYPES.includes(type as SchemaType)) {
    throw new SluiceError('REGISTRY_INVALID_SCHEMA', `Invalid schema type ${JSON.stringify(value)}: expected AVRO, PROTOBUF or JSON`, {
      expected: 'AVRO, PROTOBUF or JSON',
      found: String(value),
    });
  }
  return type as SchemaType;
}

// ---- the registry ---------------------------------------------------------------------------

export class SchemaRegistry implements SchemaRegistryClient {
  readonly topic: string;
  readonly limits: RegistryLimits;
  private readonly log: Log;
  private readonly clock: Clock;
  private readonly defaultCompatibility: CompatibilityLevel;

  private readonly subjects = new Map<string, Map<number, StoredVersion>>();
  private readonly schemas = new Map<number, StoredSchema>();
  private readonly idsByIdentity = new Map<string, number>();
  private readonly subjectLevels = new Map<string, CompatibilityLevel>();
  private globalLevel: CompatibilityLevel | undefined;
  private readonly subjectModes = new Map<string, RegistryMode>();
  private globalMode: RegistryMode | undefined;
  private maxId = 0;
  private nextOffset = 0;
  private readonly parsedById = new Map<number, ParsedSchema>();
  private queue: Promise<unknown> = Promise.resolve();
  private catchingUp: Promise<void> | undefined;
  private closed = false;

  private constructor(options: OpenSchemaRegistryOptions) {
    this.log = options.log;
    this.topic = options.topic ?? SCHEMAS_TOPIC;
    this.clock = options.clock ?? systemClock;
    this.limits = { ...defaultRegistryLimits, ...options.limits };
    this.defaultCompatibility = options.defaultCompatibility ?? DEFAULT_COMPATIBILITY_LEVEL;
  }

  /** Opens the registry over `log`: creates the compacted topic if missing, then reads it all. */
  static async open(options: OpenSchemaRegistryOptions): Promise<SchemaRegistry> {
    const registry = new SchemaRegistry(options);
    if (!registry.log.hasTopic(registry.topic)) {
      try {
        // Compacted (the newest record per key is the state) and fsynced at every append: an id a
        // client was given must survive a crash, or the data written with it cannot be read.
        await registry.log.createTopic(registry.topic, { partitions: 1, configs: { 'cleanup.policy': 'compact', 'flush.messages': '1' } });
      } catch (error) {
        if (!(error instanceof SluiceError && error.code === 'LOG_TOPIC_EXISTS')) throw storeError('creating the topic', error);
      }
    }
    await registry.catchUp();
    return registry;
  }

  /** Reads what others appended to the topic since the last read (servers sharing a topic). */
  async refresh(): Promise<void> {
    await this.catchUp();
  }

  /** Waits for pending changes; afterwards every call fails. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
  }

  schemaTypes(): SchemaType[] {
    return [...SCHEMA_TYPES];
  }

  /** The largest id handed out so far (0 when none). */
  maxSchemaId(): number {
    return this.maxId;
  }

  // ---- registration ----------------------------------------------------------------------

  /** Registers `schema` under `subject` (or finds it there) and answers its global id. */
  async register(subject: string, schema: string, schemaType: SchemaType = 'AVRO', references: readonly SchemaReference[] = []): Promise<number> {
    return (await this.registerSchema(subject, { schema, schemaType, references })).id;
  }

  /**
   * Registers a schema and answers the version that holds it: an existing live version with the
   * same schema (no check, nothing written), else a new version after the compatibility check
   * (409 REGISTRY_INCOMPATIBLE_SCHEMA naming the breaking changes), reusing the id of the same
   * schema anywhere in the registry.
   */
  async registerSchema(subject: string, input: SchemaInput, options: RegisterOptions = {}): Promise<RegisteredSchema> {
    return this.exclusive(async () => {
      this.validateSubject(subject);
      const mode = this.effectiveMode(subject);
      if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw readOnly(subject);
      const { parsed, schemaType } = this.parseInput(input, false);
      const identity = identityOf(schemaType, parsed.canonical, parsed.references);
      const versions = this.subjects.get(subject);
      const live = this.liveVersions(subject);
      for (const existing of [...live].reverse()) {
        if (this.schemas.get(existing.id)?.identity === identity) {
          if (options.id !== undefined && options.id !== existing.id) throw overwriteNotPermitted(options.id);
          return this.toRegistered(existing);
        }
      }
      let id: number;
      let version: number;
      if (mode === 'IMPORT' && (options.id !== undefined || options.version !== undefined)) {
        id = options.id ?? this.idsByIdentity.get(identity) ?? this.maxId + 1;
        const holder = this.schemas.get(id);
        if (holder !== undefined && holder.identity !== identity) throw overwriteNotPermitted(id);
        version = options.version ?? nextVersion(versions);
        if (versions?.has(version)) {
          throw new SluiceError('REGISTRY_OPERATION_NOT_PERMITTED', `Overwrite new schema in subject '${subject}' version ${version} is not permitted.`, { subject, version });
        }
        if (!Number.isInteger(id) || id < 1 || id > VERSION_MAX) throw new SluiceError('REGISTRY_INVALID_SCHEMA', `Invalid id ${id}: expected 1..${VERSION_MAX}`, { found: String(id) });
        if (!Number.isInteger(version) || version < 1 || version > VERSION_MAX) throw invalidVersion(String(version));
      } else {
        if (options.id !== undefined || options.version !== undefined) {
          throw new SluiceError('REGISTRY_OPERATION_NOT_PERMITTED', `Subject '${subject}' is not in IMPORT mode: an id or version cannot be given`, { subject });
        }
        const level = this.effectiveCompatibility(subject);
        if (level !== 'NONE' && live.length > 0) {
          const result = checkCompatibility(level, parsed, this.previousVersions(live));
          if (!result.isCompatible) {
            throw new SluiceError(
              'REGISTRY_INCOMPATIBLE_SCHEMA',
              `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${result.messages.join(', ')}]`,
              { subject, compatibility: level, incompatibilities: result.incompatibilities },
            );
          }
        }
        id = this.idsByIdentity.get(identity) ?? this.maxId + 1;
        if (id > VERSION_MAX) throw storeError('assigning an id', new Error('schema ids are exhausted'));
        version = nextVersion(versions);
      }
      if ((versions?.size ?? 0) >= this.limits.versionsPerSubjectMax) {
        throw new SluiceError('LIMIT_EXCEEDED', `Subject '${subject}' has ${versions!.size} versions: at most ${this.limits.versionsPerSubjectMax} (versionsPerSubjectMax)`, {
          subject,
          expected: `at most ${this.limits.versionsPerSubjectMax} versions`,
          found: String(versions!.size + 1),
        });
      }
      const value: SchemaValue = {
        subject,
        version,
        id,
        schemaType,
        references: [...parsed.references],
        schema: parsed.canonical,
        deleted: false,
      };
      const record: StoreRecord = { kind: 'schema', subject, version, value };
      const storedBytes = Buffer.byteLength(encodeStoreRecord(record).value ?? '');
      if (storedBytes > this.limits.storedRecordBytesMax) {
        throw new SluiceError('REGISTRY_INVALID_SCHEMA', `Invalid schema: it takes ${storedBytes} bytes stored, at most ${this.limits.storedRecordBytesMax} (storedRecordBytesMax)`, {
          expected: `at most ${this.limits.storedRecordBytesMax} bytes`,
          found: String(storedBytes),
        });
      }
      await this.write([record]);
      if (!this.parsedById.has(id)) this.cacheParsed(id, parsed);
      const stored = this.subjects.get(subject)?.get(version);
      if (stored === undefined) throw storeError('registering', new Error('the appended record was not read back'));
      return this.toRegistered(stored);
    });
  }

  // ---- reads -----------------------------------------------------------------------------

  async getById(id: number): Promise<SchemaById> {
    const schema = await this.storedSchema(id);
    return { id, schemaType: schema.schemaType, schema: schema.schema, references: schema.references.map((r) => ({ ...r })) };
  }

  /** The parsed schema of an id (avsc type, protobufjs root, JSON Schema), for serdes. */
  async getParsedById(id: number): Promise<ParsedSchema> {
    await this.storedSchema(id);
    return this.parsedOf(id);
  }

  async getSubjectVersionsById(id: number, options: IncludeDeleted = {}): Promise<SubjectVersion[]> {
    await this.storedSchema(id);
    const found: SubjectVersion[] = [];
    for (const [subject, versions] of [...this.subjects].sort(([a], [b]) => compareStrings(a, b))) {
      for (const stored of [...versions.values()].sort((a, b) => a.version - b.version)) {
        if (stored.id === id && (options.deleted || !stored.deleted)) found.push({ subject, version: stored.version });
      }
    }
    return found;
  }

  async getSubjectsById(id: number, options: IncludeDeleted = {}): Promise<string[]> {
    return [...new Set((await this.getSubjectVersionsById(id, options)).map((entry) => entry.subject))];
  }

  async listSubjects(options: ListSubjectsOptions = {}): Promise<string[]> {
    const out: string[] = [];
    for (const [subject, versions] of this.subjects) {
      if (options.subjectPrefix !== undefined && !subject.startsWith(options.subjectPrefix)) continue;
      const hasLive = [...versions.values()].some((stored) => !stored.deleted);
      const hasDeleted = [...versions.values()].some((stored) => stored.deleted);
      if (options.deletedOnly ? !hasLive && hasDeleted : hasLive || (options.deleted === true && hasDeleted)) out.push(subject);
    }
    return out.sort(compareStrings);
  }

  /** Live versions; with `deleted` soft-deleted ones too; with `deletedOnly` only those. */
  async listVersions(subject: string, options: IncludeDeleted & { deletedOnly?: boolean } = {}): Promise<number[]> {
    const all = this.allVersions(subject);
    if (all.length === 0) throw subjectNotFound(subject);
    if (options.deletedOnly) return all.filter((stored) => stored.deleted).map((stored) => stored.version);
    if (options.deleted) return all.map((stored) => stored.version);
    const live = all.filter((stored) => !stored.deleted);
    if (live.length === 0) throw subjectNotFound(subject);
    return live.map((stored) => stored.version);
  }

  async getLatest(subject: string): Promise<RegisteredSchema> {
    return this.getVersion(subject, 'latest');
  }

  async getVersion(subject: string, selector: VersionSelector, options: IncludeDeleted = {}): Promise<RegisteredSchema> {
    return this.toRegistered(this.findVersion(subject, selector, options.deleted === true));
  }

  /** The versions of `subject` that hold this schema's id. */
  async lookup(subject: string, input: SchemaInput, options: IncludeDeleted = {}): Promise<RegisteredSchema> {
    const candidates = this.allVersions(subject).filter((stored) => options.deleted || !stored.deleted);
    if (candidates.length === 0) throw subjectNotFound(subject);
    const { parsed, schemaType } = this.parseInput(input, true);
    const identity = identityOf(schemaType, parsed.canonical, parsed.references);
    for (const stored of [...candidates].reverse()) {
      if (this.schemas.get(stored.id)?.identity === identity) return this.toRegistered(stored);
    }
    throw schemaNotFound();
  }

  /** Ids of the schemas that reference `subject` version `version`. */
  async referencedBy(subject: string, selector: VersionSelector): Promise<number[]> {
    const stored = this.findVersion(subject, selector, true);
    return [...new Set(this.referencingVersions(subject, stored.version, true).map((entry) => entry.id))].sort((a, b) => a - b);
  }

  // ---- compatibility ---------------------------------------------------------------------

  /**
   * Checks a schema against `subject` under the subject's level: against the given version, the
   * latest (the default; a subject with no versions is compatible), or `all` versions (honouring
   * the level's transitivity).
   */
  async checkCompatibility(subject: string, input: SchemaInput, selector: VersionSelector | 'all' = 'latest'): Promise<CompatibilityResult> {
    const { parsed } = this.parseInput(input, false);
    const level = this.effectiveCompatibility(subject);
    let previous: StoredVersion[];
    let againstAll = false;
    if (selector === 'all' || selector === 'latest') {
      previous = this.liveVersions(subject).reverse();
      if (selector === 'latest') previous = previous.slice(0, 1);
    } else {
      previous = [this.findVersion(subject, selector, false)];
      againstAll = true;
    }
    if (previous.length === 0 || level === 'NONE') return { isCompatible: true, messages: [], incompatibilities: [] };
    return checkCompatibility(level, parsed, this.previousVersions([...previous].reverse()), againstAll);
  }

  // ---- deletes ---------------------------------------------------------------------------

  /** Soft delete (the live versions) or, after one, permanent delete; answers the versions deleted. */
  async deleteSubject(subject: string, options: DeleteOptions = {}): Promise<number[]> {
    return this.exclusive(async () => {
      const all = this.allVersions(subject);
      if (all.length === 0) throw subjectNotFound(subject);
      const mode = this.effectiveMode(subject);
      if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw readOnly(subject);
      const live = all.filter((stored) => !stored.deleted);
      const records: StoreRecord[] = [];
      let deleted: StoredVersion[];
      if (options.permanent) {
        if (live.length > 0) {
          throw new SluiceError('REGISTRY_SUBJECT_NOT_SOFT_DELETED', `Subject '${subject}' was not deleted first before being permanently deleted`, { subject });
        }
        for (const stored of all) this.assertNotReferenced(subject, stored.version, true);
        records.push({ kind: 'id-high-water', maxId: this.maxId });
        for (const stored of all) records.push({ kind: 'schema', subject, version: stored.version, value: null });
        deleted = all;
      } else {
        if (live.length === 0) {
          throw new SluiceError('REGISTRY_SUBJECT_SOFT_DELETED', `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`, { subject });
        }
        for (const stored of live) this.assertNotReferenced(subject, stored.version, false);
        for (const stored of live) records.push({ kind: 'schema', subject, version: stored.version, value: { ...this.valueOf(stored), deleted: true } });
        deleted = live;
      }
      if (this.subjectLevels.has(subject)) records.push({ kind: 'config', subject, level: null });
      if (this.subjectModes.has(subject)) records.push({ kind: 'mode', subject, mode: null });
      await this.write(records);
      return deleted.map((stored) => stored.version);
    });
  }

  async deleteVersion(subject: string, selector: VersionSelector, options: DeleteOptions = {}): Promise<number> {
    return this.exclusive(async () => {
      const all = this.allVersions(subject);
      if (all.length === 0) throw subjectNotFound(subject);
      const mode = this.effectiveMode(subject);
      if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') throw readOnly(subject);
      if (options.permanent) {
        const stored = selector === 'latest' ? all[all.length - 1]! : all.find((candidate) => candidate.version === selector);
        if (stored === undefined) throw versionNotFound(selector);
        if (!stored.deleted) {
          throw new SluiceError(
            'REGISTRY_VERSION_NOT_SOFT_DELETED',
            `Subject '${subject}' Version ${stored.version} was not deleted first before being permanently deleted`,
            { subject, version: stored.version },
          );
        }
        this.assertNotReferenced(subject, stored.version, true);
        await this.write([
          { kind: 'id-high-water', maxId: this.maxId },
          { kind: 'schema', subject, version: stored.version, value: null },
        ]);
        return stored.version;
      }
      let stored: StoredVersion | undefined;
      if (selector === 'latest') {
        stored = all.filter((candidate) => !candidate.deleted).pop();
        if (stored === undefined) throw versionNotFound('latest');
      } else {
        stored = all.find((candidate) => candidate.version === selector);
        if (stored === undefined) throw versionNotFound(selector);
        if (stored.deleted) {
          throw new SluiceError('REGISTRY_VERSION_SOFT_DELETED', `Subject '${subject}' Version ${selector} was soft deleted. Set permanent=true to delete permanently`, {
            subject,
            version: selector,
          });
        }
      }
      this.assertNotReferenced(subject, stored.version, false);
      await this.write([{ kind: 'schema', subject, version: stored.version, value: { ...this.valueOf(stored), deleted: true } }]);
      return stored.version;
    });
  }

  // ---- config and mode -------------------------------------------------------------------

  /**
   * The compatibility level: global (`subject` null), or the subject's own — which, when it has
   * none, is REGISTRY_SUBJECT_COMPATIBILITY_NOT_CONFIGURED (40408) unless `defaultToGlobal`.
   */
  async getCompatibility(subject: string | null = null, options: { defaultToGlobal?: boolean } = {}): Promise<CompatibilityLevel> {
    if (subject === null) return this.globalLevel ?? this.defaultCompatibility;
    const own = this.subjectLevels.get(subject);
    if (own !== undefined) return own;
    if (options.defaultToGlobal) return this.globalLevel ?? this.defaultCompatibility;
    throw new SluiceError('REGISTRY_SUBJECT_COMPATIBILITY_NOT_CONFIGURED', `Subject '${subject}' does not have subject-level compatibility configured`, { subject });
  }

  /** The level a registration under `subject` is checked with. */
  effectiveCompatibility(subject: string): CompatibilityLevel {
    return this.subjectLevels.get(subject) ?? this.globalLevel ?? this.defaultCompatibility;
  }

  async setCompatibility(subject: string | null, level: CompatibilityLevel): Promise<CompatibilityLevel> {
    const checked = parseCompatibilityLevel(level);
    return this.exclusive(async () => {
      if (subject !== null) this.validateSubject(subject);
      const current = subject === null ? this.globalLevel : this.subjectLevels.get(subject);
      if (current !== checked) await this.write([{ kind: 'config', subject, level: checked }]);
      return checked;
    });
  }

  /** Removes the subject's own level (answering it) or resets the global one to the default. */
  async deleteCompatibility(subject: string | null): Promise<CompatibilityLevel> {
    return this.exclusive(async () => {
      if (subject === null) {
        const previous = this.globalLevel ?? this.defaultCompatibility;
        if (this.globalLevel !== undefined) await this.write([{ kind: 'config', subject: null, level: null }]);
        return previous;
      }
      const own = this.subjectLevels.get(subject);
      if (own === undefined) {
        if (this.allVersions(subject).length === 0) throw subjectNotFound(subject);
        return this.globalLevel ?? this.defaultCompatibility;
      }
      await this.write([{ kind: 'config', subject, level: null }]);
      return own;
    });
  }

  async getMode(subject: string | null = null, options: { defaultToGlobal?: boolean } = {}): Promise<RegistryMode> {
    if (subject === null) return this.globalMode ?? DEFAULT_REGISTRY_MODE;
    const own = this.subjectModes.get(subject);
    if (own !== undefined) return own;
    if (options.defaultToGlobal) return this.globalMode ?? DEFAULT_REGISTRY_MODE;
    throw new SluiceError('REGISTRY_SUBJECT_MODE_NOT_CONFIGURED', `Subject '${subject}' does not have subject-level mode configured`, { subject });
  }

  effectiveMode(subject: string): RegistryMode {
    return this.subjectModes.get(subject) ?? this.globalMode ?? DEFAULT_REGISTRY_MODE;
  }

  /** IMPORT needs an empty scope (the subject, or the whole registry) unless `force`. */
  async setMode(subject: string | null, mode: RegistryMode, options: { force?: boolean } = {}): Promise<RegistryMode> {
    const checked = parseRegistryMode(mode);
    return this.exclusive(async () => {
      if (subject !== null) this.validateSubject(subject);
      if (checked === 'IMPORT' && !options.force) {
        const occupied = subject === null ? this.subjects.size > 0 : this.allVersions(subject).length > 0;
        if (occupied) {
          throw new SluiceError(
            'REGISTRY_OPERATION_NOT_PERMITTED',
            `Cannot import since found existing subjects${subject === null ? '' : ` (${subject})`}; set force=true to import anyway`,
            { subject },
          );
        }
      }
      const current = subject === null ? this.globalMode : this.subjectModes.get(subject);
      if (current !== checked) await this.write([{ kind: 'mode', subject, mode: checked }]);
      return checked;
    });
  }

  async deleteMode(subject: string | null): Promise<RegistryMode> {
    return this.exclusive(async () => {
      const current = subject === null ? this.globalMode : this.subjectModes.get(subject);
      if (current === undefined) {
        if (subject !== null && this.allVersions(subject).length === 0) throw subjectNotFound(subject);
        return this.globalMode ?? DEFAULT_REGISTRY_MODE;
      }
      await this.write([{ kind: 'mode', subject, mode: null }]);
      return current;
    });
  }

  // ---- internals: state ------------------------------------------------------------------

  private allVersions(subject: string): StoredVersion[] {
    const versions = this.subjects.get(subject);
    if (versions === undefined) return [];
    return [...versions.values()].sort((a, b) => a.version - b.version);
  }

  /** Live versions, oldest first. */
  private liveVersions(subject: string): StoredVersion[] {
    return this.allVersions(subject).filter((stored) => !stored.deleted);
  }

  private findVersion(subject: string, selector: VersionSelector, includeDeleted: boolean): StoredVersion {
    const candidates = this.allVersions(subject).filter((stored) => includeDeleted || !stored.deleted);
    if (candidates.length === 0) throw subjectNotFound(subject);
    if (selector === 'latest') return candidates[candidates.length - 1]!;
    const found = candidates.find((stored) => stored.version === selector);
    if (found === undefined) throw versionNotFound(selector);
    return found;
  }

  private valueOf(stored: StoredVersion): SchemaValue {
    const schema = this.schemas.get(stored.id)!;
    return {
      subject: stored.subject,
      version: stored.version,
      id: stored.id,
      schemaType: schema.schemaType,
      references: schema.references.map((r) => ({ ...r })),
      schema: schema.schema,
      deleted: stored.deleted,
    };
  }

  private toRegistered(stored: StoredVersion): RegisteredSchema {
    const value = this.valueOf(stored);
    return { ...value };
  }

  private async storedSchema(id: number): Promise<StoredSchema> {
    let schema = this.schemas.get(id);
    if (schema === undefined && !this.closed) {
      await this.catchUp();
      schema = this.schemas.get(id);
    }
    if (schema === undefined) throw schemaNotFound(id);
    return schema;
  }

  private referencingVersions(subject: string, version: number, includeDeleted: boolean): StoredVersion[] {
    const found: StoredVersion[] = [];
    for (const versions of this.subjects.values()) {
      for (const stored of versions.values()) {
        if (!includeDeleted && stored.deleted) continue;
        const schema = this.schemas.get(stored.id);
        if (schema?.references.some((reference) => reference.subject === subject && reference.version === version)) found.push(stored);
      }
    }
    return found;
  }

  private assertNotReferenced(subject: string, version: number, includeDeleted: boolean): void {
    const users = this.referencingVersions(subject, version, includeDeleted);
    if (users.length > 0) {
      throw new SluiceError(
        'REGISTRY_REFERENCE_EXISTS',
        `One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=${subject},version=${version}}.`,
        { subject, version, referencedBy: users.map((user) => ({ subject: user.subject, version: user.version, id: user.id })) },
      );
    }
  }

  private validateSubject(subject: string): void {
    // eslint-disable-next-line no-control-regex
    if (typeof subject !== 'string' || subject.length === 0 || subject.length > this.limits.subjectCharsMax || /[\u0000-\u001f\u007f]/.test(subject)) {
      throw new SluiceError('REGISTRY_INVALID_SUBJECT', `Invalid subject ${JSON.stringify(String(subject).slice(0, 100))}: expected 1 to ${this.limits.subjectCharsMax} characters without control characters`, {
        expected: `1 to ${this.limits.subjectCharsMax} characters without control characters`,
        found: String(subject).slice(0, 100),
      });
    }
  }

  // ---- internals: parsing and references -------------------------------------------------

  private parseInput(input: SchemaInput, includeDeletedReferences: boolean): { parsed: ParsedSchema; schemaType: SchemaType } {
    const schemaType = parseSchemaType(input.schemaType);
    if (typeof input.schema !== 'string' || input.schema.trim() === '') {
      throw new SluiceError('REGISTRY_INVALID_SCHEMA', 'Invalid schema: the schema is empty', { expected: 'a schema', found: 'nothing' });
    }
    if (input.schema.length > this.limits.schemaCharsMax) {
      throw new SluiceError('REGISTRY_INVALID_SCHEMA', `Invalid schema: ${input.schema.length} characters, at most ${this.limits.schemaCharsMax} (schemaCharsMax)`, {
        expected: `at most ${this.limits.schemaCharsMax} characters`,
        found: String(input.schema.length),
      });
    }
    const references = this.resolveReferences(input.references ?? [], includeDeletedReferences, 1);
    return { parsed: parseSchema(schemaType, input.schema, references, this.limits), schemaType };
  }

  private resolveReferences(references: readonly SchemaReference[], includeDeleted: boolean, depth: number): ResolvedReference[] {
    if (depth > this.limits.referenceDepthMax) {
      throw new SluiceError('REGISTRY_INVALID_SCHEMA', `Invalid schema: references nest deeper than ${this.limits.referenceDepthMax}`, {
        expected: `at most ${this.limits.referenceDepthMax} levels of references`,
        found: `more`,
      });
    }
    if (!Array.isArray(references)) throw new SluiceError('REGISTRY_INVALID_SCHEMA', 'Invalid schema: references must be an array', { found: typeof references });
    return references.map((reference) => {
      if (reference === null || typeof reference !== 'object' || typeof reference.name !== 'string' || typeof reference.subject !== 'string') {
        throw new SluiceError('REGISTRY_INVALID_SCHEMA', `Invalid schema reference ${JSON.stringify(reference)}: expected {name, subject, version}`, {
          expected: '{name, subject, version}',
          found: JSON.stringify(reference),
        });
      }
      const selector = parseVersionSelector(reference.version ?? 'latest');
      const stored = this.findVersion(reference.subject, selector, includeDeleted);
      const schema = this.schemas.get(stored.id)!;
      return {
        name: reference.name,
        subject: reference.subject,
        version: stored.version,
        schemaType: schema.schemaType,
        schema: schema.schema,
        references: this.resolveReferences(schema.references, true, depth + 1),
      };
    });
  }

  private parsedOf(id: number): ParsedSchema {
    const cached = this.parsedById.get(id);
    if (cached !== undefined) return cached;
    const schema = this.schemas.get(id);
    if (schema === undefined) throw schemaNotFound(id);
    let parsed: ParsedSchema;
    try {
      parsed = parseSchema(schema.schemaType, schema.schema, this.resolveReferences(schema.references, true, 1), this.limits);
    } catch (error) {
      throw new SluiceError('REGISTRY_STORE_ERROR', `Stored schema ${id} no longer parses: ${(error as Error).message}`, { id }, { cause: error });
    }
    this.cacheParsed(id, parsed);
    return parsed;
  }

  private cacheParsed(id: number, parsed: ParsedSchema): void {
    if (this.parsedById.size >= PARSED_CACHE_MAX) this.parsedById.clear();
    this.parsedById.set(id, parsed);
  }

  /** Earlier live versions, newest first, parsed. */
  private previousVersions(liveOldestFirst: readonly StoredVersion[]): PreviousVersion[] {
    return [...liveOldestFirst].reverse().map((stored) => ({ version: stored.version, schema: this.schemas.get(stored.id)!.schema, parsed: this.parsedOf(stored.id) }));
  }

  // ---- internals: the topic --------------------------------------------------------------

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new SluiceError('REGISTRY_STORE_ERROR', 'The schema registry is closed', {}));
    const run = this.queue.then(async () => {
      await this.catchUp();
      return task();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(records: readonly StoreRecord[]): Promise<void> {
    if (records.length === 0) return;
    const timestampMs = this.clock.nowMs();
    let chunk: Array<{ key: string; value: string | null; timestampMs: number }> = [];
    let chunkBytes = 0;
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const batch = encodeRecordBatch(chunk, { timestampMs });
      chunk = [];
      chunkBytes = 0;
      try {
        await this.log.append(this.topic, 0, batch);
      } catch (error) {
        throw storeError('appending to the topic', error);
      }
    };
    for (const record of records) {
      const encoded = encodeStoreRecord(record);
      const bytes = encoded.key.length + (encoded.value?.length ?? 0);
      if (chunk.length > 0 && chunkBytes + bytes > WRITE_CHUNK_BYTES) await flush();
      chunk.push({ ...encoded, timestampMs });
      chunkBytes += bytes;
    }
    await flush();
    await this.catchUp();
  }

  /** Applies every record of the topic not read yet. Concurrent callers share one pass. */
  private catchUp(): Promise<void> {
    if (this.catchingUp !== undefined) return this.catchingUp.then(() => this.catchUpIfBehind());
    this.catchingUp = this.readToEnd().finally(() => {
      this.catchingUp = undefined;
    });
    return this.catchingUp;
  }

  private async catchUpIfBehind(): Promise<void> {
    if (this.log.offsets(this.topic, 0).highWatermark > this.nextOffset) await this.catchUp();
  }

  private async readToEnd(): Promise<void> {
    for (;;) {
      let result;
      try {
        result = await this.log.read(this.topic, 0, this.nextOffset, READ_BYTES);
      } catch (error) {
        if (error instanceof SluiceError && error.code === 'LOG_OFFSET_OUT_OF_RANGE') {
          // Compaction or retention removed the start: read from the log start.
          const { logStartOffset } = this.log.offsets(this.topic, 0);
          if (logStartOffset > this.nextOffset) {
            this.nextOffset = logStartOffset;
            continue;
          }
        }
        throw storeError('reading the topic', error);
      }
      if (result.batches.length === 0) return;
      for (const batch of result.batches) {
        const decoded = decodeRecordBatch(batch);
        const lastOffset = decoded.header.baseOffset + decoded.header.lastOffsetDelta;
        if (!decoded.header.control) {
          for (const record of decoded.records) {
            if (record.offset < this.nextOffset) continue;
            this.apply(decodeStoreRecord(record.key, record.value, record.offset));
          }
        }
        if (lastOffset + 1 > this.nextOffset) this.nextOffset = lastOffset + 1;
      }
      if (this.nextOffset >= result.highWatermark) return;
    }
  }

  private apply(record: StoreRecord): void {
    switch (record.kind) {
      case 'schema':
        this.applySchema(record.subject, record.version, record.value);
        return;
      case 'config':
        if (record.subject === null) this.globalLevel = record.level ?? undefined;
        else if (record.level === null) this.subjectLevels.delete(record.subject);
        else this.subjectLevels.set(record.subject, record.level);
        return;
      case 'mode':
        if (record.subject === null) this.globalMode = record.mode ?? undefined;
        else if (record.mode === null) this.subjectModes.delete(record.subject);
        else this.subjectModes.set(record.subject, record.mode);
        return;
      case 'delete-subject':
        for (const stored of this.allVersions(record.subject)) {
          if (stored.version <= record.version && !stored.deleted) this.applySchema(record.subject, stored.version, { ...this.valueOf(stored), deleted: true });
        }
        return;
      case 'clear-subject':
        for (const stored of this.allVersions(record.subject)) {
          if (stored.version <= record.version && stored.deleted) this.applySchema(record.subject, stored.version, null);
        }
        return;
      case 'id-high-water':
        this.maxId = Math.max(this.maxId, record.maxId);
        return;
      case 'ignored':
        return;
    }
  }

  private applySchema(subject: string, version: number, value: SchemaValue | null): void {
    let versions = this.subjects.get(subject);
    const previous = versions?.get(version);
    if (previous !== undefined) this.releaseId(previous.id);
    if (value === null) {
      versions?.delete(version);
      if (versions !== undefined && versions.size === 0) this.subjects.delete(subject);
      return;
    }
    if (versions === undefined) {
      versions = new Map();
      this.subjects.set(subject, versions);
    }
    versions.set(version, { subject, version, id: value.id, deleted: value.deleted });
    const existing = this.schemas.get(value.id);
    if (existing !== undefined) {
      existing.users++;
    } else {
      const identity = identityOf(value.schemaType, value.schema, value.references);
      this.schemas.set(value.id, {
        id: value.id,
        schemaType: value.schemaType,
        schema: value.schema,
        references: value.references.map((r) => ({ ...r })),
        identity,
        users: 1,
      });
      if (!this.idsByIdentity.has(identity)) this.idsByIdentity.set(identity, value.id);
    }
    if (value.id > this.maxId) this.maxId = value.id;
  }

  private releaseId(id: number): void {
    const schema = this.schemas.get(id);
    if (schema === undefined) return;
    schema.users--;
    if (schema.users > 0) return;
    this.schemas.delete(id);
    this.parsedById.delete(id);
    if (this.idsByIdentity.get(schema.identity) === id) this.idsByIdentity.delete(schema.identity);
  }
}

/** One more than the largest version (live or soft-deleted); 1 for a subject without any. */
function nextVersion(versions: ReadonlyMap<number, unknown> | undefined): number {
  let largest = 0;
  for (const version of versions?.keys() ?? []) if (version > largest) largest = version;
  return largest + 1;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function readOnly(subject: string): SluiceError {
  return new SluiceError('REGISTRY_OPERATION_NOT_PERMITTED', `Subject ${subject} is in read-only mode`, { subject });
}

function overwriteNotPermitted(id: number): SluiceError {
  return new SluiceError('REGISTRY_OPERATION_NOT_PERMITTED', `Overwrite new schema with id ${id} is not permitted.`, { id });
}

function storeError(what: string, error: unknown): SluiceError {
  if (error instanceof SluiceError && error.code === 'REGISTRY_STORE_ERROR') return error;
  return new SluiceError('REGISTRY_STORE_ERROR', `Error while ${what} of the schema registry: ${(error as Error)?.message ?? String(error)}`, {}, { cause: error });
}
