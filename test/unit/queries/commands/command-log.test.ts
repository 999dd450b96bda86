import { describe, expect, it } from 'vitest';
import { CommandLog, COMMAND_LOG_VERSION, applyToCatalog, type Command } from '../../../../queries/commands/index.js';
import { Catalog, type DataSource } from '../../../../queries/catalog/index.js';
import { newEnv } from '../helpers.js';

const SOURCE: DataSource = {
  name: 'S',
  kind: 'STREAM',
  topic: 's',
  keyColumns: [{ name: 'K', type: { kind: 'STRING' } }],
  valueColumns: [{ name: 'V', type: { kind: 'DECIMAL', precision: 4, scale: 2 } }],
  headerColumns: [],
  keyFormat: { format: 'KAFKA', properties: {} },
  valueFormat: { format: 'JSON', properties: {} },
  window: null,
  timestamp: { kind: 'record' },
  isSource: false,
  sqlText: 'CREATE STREAM S ...;',
  writerQueryId: null,
  properties: {},
  columnOrder: ['K', 'V'],
};

describe('command log', () => {
  it('stores commands as JSON in one partition and reads them back in order', async () => {
    const env = await newEnv();
    const log = await CommandLog.open(env.log, '_commands');
    expect(env.log.describeTopic('_commands').partitions).toBe(1);
    const commands: Command[] = [
      { kind: 'createSource', source: SOURCE, topic: { name: 's', partitions: 2, cleanupPolicy: 'delete' } },
      { kind: 'registerType', name: 'T', type: { kind: 'ARRAY', element: { kind: 'INTEGER' } } },
      { kind: 'dropSource', name: 'S', deleteTopic: true, terminateQueryId: null },
    ];
    for (const command of commands) {
      expect(log.nextSequenceNumber()).toBe(commands.indexOf(command));
      await log.append({ version: COMMAND_LOG_VERSION, statementText: command.kind, command, timestampMs: 5 });
    }
    const read = await (await CommandLog.open(env.log, '_commands')).readAll();
    expect(read.map((c) => [c.sequenceNumber, c.command])).toEqual(commands.map((c, i) => [i, c]));
  });

  it('applies commands to catalogs without touching the original (copy on write)', () => {
    const empty = Catalog.empty();
    const withSource = applyToCatalog(empty, { kind: 'createSource', source: SOURCE, topic: null });
    expect(empty.source('S')).toBeUndefined();
    expect(withSource.source('S')).toEqual(SOURCE);
    const plan = { queryId: 'CSAS_X_1', sink: {} as never, sourceTopics: ['s'], properties: {} };
    const withQuery = applyToCatalog(withSource, {
      kind: 'createQuery',
      query: { id: 'CSAS_X_1', sqlText: 'x', sinkName: 'X', sourceNames: ['S'], plan, state: 'RUNNING' },
      sink: { ...SOURCE, name: 'X', topic: 'X' },
      topic: { name: 'X', partitions: 1 },
      replacesQueryId: null,
    });
    expect(withQuery.source('X')?.writerQueryId).toBe('CSAS_X_1');
    expect(withQuery.queriesUsing('S').readers.map((q) => q.id)).toEqual(['CSAS_X_1']);
    const terminated = applyToCatalog(withQuery, { kind: 'terminateQuery', queryIds: ['CSAS_X_1'] });
    expect(terminated.allQueries()).toEqual([]);
    expect(terminated.source('X')?.writerQueryId).toBeNull();
  });
});
