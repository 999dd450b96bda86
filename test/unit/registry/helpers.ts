/** Shared helpers for the registry tests: a registry over a log on the in-memory file system. */
import { SimulatedClock, isSluiceError } from '../../../common/index.js';
import type { ErrorCode } from '../../../common/index.js';
import { MemoryFileSystem } from '../../../storage/fs/index.js';
import { openLog } from '../../../storage/log/index.js';
import type { BuiltInLog, TopicConfig } from '../../../storage/log/index.js';
import {
  SchemaRegistry,
  compareSchemas,
  defaultRegistryLimits,
  parseSchema,
  type Incompatibility,
  type OpenSchemaRegistryOptions,
  type SchemaType,
} from '../../../registry/index.js';

export interface RegistryHarness {
  fs: MemoryFileSystem;
  clock: SimulatedClock;
  log: BuiltInLog;
  registry: SchemaRegistry;
  /** Closes the registry and the log, then opens both again on the same files. */
  reopen(options?: Partial<OpenSchemaRegistryOptions>): Promise<SchemaRegistry>;
  close(): Promise<void>;
}

export async function registryHarness(options: Partial<OpenSchemaRegistryOptions> = {}, logDefaults: Partial<TopicConfig> = {}): Promise<RegistryHarness> {
  const fs = new MemoryFileSystem();
  const clock = new SimulatedClock(1_700_000_000_000);
  const openAll = async (extra: Partial<OpenSchemaRegistryOptions>) => {
    const log = await openLog({ dataDir: '/data', fs, clock, maintenanceIntervalMs: 0, defaults: logDefaults });
    const registry = await SchemaRegistry.open({ log, clock, ...options, ...extra });
    return { log, registry };
  };
  const first = await openAll({});
  const harness: RegistryHarness = {
    fs,
    clock,
    log: first.log,
    registry: first.registry,
    async reopen(extra = {}) {
      await harness.registry.close();
      await harness.log.close();
      const next = await openAll(extra);
      harness.log = next.log;
      harness.registry = next.registry;
      return next.registry;
    },
    async close() {
      await harness.registry.close();
      await harness.log.close();
    },
  };
  return harness;
}

/** The rejection of `promise`, which must be a SluiceError with `code`. */
export async function expectCode<T>(promise: Promise<T> | (() => T), code: ErrorCode): Promise<Error> {
  let error: unknown;
  try {
    if (typeof promise === 'function') promise();
    else await promise;
  } catch (caught) {
    error = caught;
  }
  if (!isSluiceError(error, code)) {
    throw new Error(`expected a SluiceError ${code}, got ${error === undefined ? 'success' : `${(error as Error).name}: ${(error as Error).message} (${(error as { code?: string }).code})`}`);
  }
  return error;
}

/** Breaking changes when a subject moves from `older` to `newer`, in one direction. */
export function breaking(schemaType: SchemaType, older: unknown, newer: unknown, direction: 'backward' | 'forward' = 'backward'): Incompatibility[] {
  const text = (schema: unknown) => (typeof schema === 'string' ? schema : JSON.stringify(schema));
  const parsedOlder = parseSchema(schemaType, text(older), [], defaultRegistryLimits);
  const parsedNewer = parseSchema(schemaType, text(newer), [], defaultRegistryLimits);
  return compareSchemas(parsedNewer, parsedOlder, direction);
}

/** Just the error types, for compact assertions. */
export function errorTypes(incompatibilities: readonly Incompatibility[]): string[] {
  return incompatibilities.map((incompatibility) => incompatibility.errorType);
}
