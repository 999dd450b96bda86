/**
 * queries/catalog — the metastore: streams, tables, custom types and persistent queries, as
 * immutable copy-on-write snapshots.
 */
export { Catalog } from './catalog.js';
export type { DataSource, SourceKind, WindowKind, HeaderColumnDef, PersistentQuery, QueryState, CustomType } from './catalog.js';
