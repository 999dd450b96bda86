/**
 * The commands the command log stores: each is the result of analyzing and planning one
 * statement, as data. Applying a command changes the catalog and has the side effects that go
 * with it (topics, running queries); `applyToCatalog` is the pure part, shared by the live path
 * (validated first on a sandbox copy) and the replay on restart.
 */
import { SluiceError } from '../../common/index.js';
import type { SqlType } from '../../engine/types/index.js';
import type { Catalog, DataSource, PersistentQuery } from '../catalog/index.js';

export type Command =
  | { kind: 'createSource'; source: DataSource; topic: { name: string; partitions: number | null; cleanupPolicy: string } | null }
  | { kind: 'dropSource'; name: string; deleteTopic: boolean; terminateQueryId?: string | null }
  | { kind: 'alterSource'; source: DataSource }
  | { kind: 'registerType'; name: string; type: SqlType }
  | { kind: 'dropType'; name: string }
  | {
      kind: 'createQuery';
      query: PersistentQuery;
      /** CSAS/CTAS: the sink source to create (or replace); null for INSERT INTO. */
      sink: DataSource | null;
      /** The sink topic to create when missing. */
      topic: { name: string; partitions: number } | null;
      /** CREATE OR REPLACE: the query this one replaces (stopped first). */
      replacesQueryId: string | null;
    }
  | { kind: 'terminateQuery'; queryIds: string[] }
  | { kind: 'pauseQuery'; queryIds: string[] }
  | { kind: 'resumeQuery'; queryIds: string[] };

export type CommandKind = Command['kind'];

/** The catalog after `command`. Throws when the command no longer applies (it was validated). */
export function applyToCatalog(catalog: Catalog, command: Command): Catalog {
  switch (command.kind) {
    case 'createSource':
      return catalog.withSource(command.source);
    case 'dropSource': {
      const next = command.terminateQueryId ? catalog.withoutQuery(command.terminateQueryId) : catalog;
      return next.withoutSource(command.name);
    }
    case 'alterSource':
      return catalog.withSource(command.source);
    case 'registerType':
      return catalog.withType({ name: command.name, type: command.type });
    case 'dropType':
      return catalog.withoutType(command.name);
    case 'createQuery': {
      let next = catalog;
      if (command.replacesQueryId !== null) next = next.withoutQuery(command.replacesQueryId);
      if (command.sink !== null) next = next.withSource({ ...command.sink, writerQueryId: command.query.id });
      return next.withQuery(command.query);
    }
    case 'terminateQuery': {
      let next = catalog;
      for (const id of command.queryIds) {
        const query = next.query(id);
        if (query === undefined) continue;
        next = next.withoutQuery(id);
        const sink = next.source(query.sinkName);
        if (sink !== undefined && sink.writerQueryId === id) next = next.withSource({ ...sink, writerQueryId: null });
      }
      return next;
    }
    case 'pauseQuery':
    case 'resumeQuery': {
      let next = catalog;
      for (const id of command.queryIds) {
        const query = next.query(id);
        if (query !== undefined) next = next.withQuery({ ...query, state: command.kind === 'pauseQuery' ? 'PAUSED' : 'RUNNING' });
      }
      return next;
    }
  }
  throw new SluiceError('INTERNAL_ASSERTION', `unknown command ${(command as Command).kind}`);
}
