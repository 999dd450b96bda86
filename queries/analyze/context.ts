/**
 * What the analyzer needs besides the statement: the catalog snapshot, the function registry,
 * the effective properties (server + session + request) and a view of the topics that exist.
 */
import type { Catalog, FunctionRegistry, SqlType } from './deps.js';
import type { TypeResolver } from './types.js';

export interface TopicInfo {
  readonly partitions: number;
}

export interface TopicView {
  /** The topic's description, or undefined when it does not exist. */
  describe(name: string): TopicInfo | undefined;
}

export interface AnalysisContext {
  readonly catalog: Catalog;
  readonly functions: FunctionRegistry;
  /** Effective ksqlDB properties (`ksql.persistence.default.format.value`, ...). */
  readonly properties: Readonly<Record<string, unknown>>;
  readonly topics: TopicView;
}

export function typeResolver(catalog: Catalog): TypeResolver {
  return {
    customType(name: string): SqlType | undefined {
      return catalog.customType(name)?.type;
    },
  };
}

export function propertyString(properties: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const v = properties[name];
  if (v === undefined || v === null) return undefined;
  return String(v);
}

export function propertyBoolean(properties: Readonly<Record<string, unknown>>, name: string): boolean | undefined {
  const v = properties[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  return undefined;
}
