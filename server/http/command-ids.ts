/**
 * ksqlDB's command ids (`<type>/<entity>/<action>`), as its CommandIdAssigner makes them from the
 * statement: `` stream/`S`/create ``, `` table/`T`/create `` (create forms quote the name; INSERT
 * INTO … SELECT reuses `` stream/`TARGET`/create ``), `stream/S/drop`, `table/T/drop`,
 * `terminate/CSAS_X_1/execute` (`terminate/ALL/execute`), `pause|resume/<id>/execute`,
 * `type/NAME/create|drop`, `stream|table/NAME/alter`. Clients check the shape (ksqldb-client
 * matches `^stream\/`?NAME`?\/create$`), so the REST layer assigns it when the engine's id is a
 * bare sequence number.
 */
import { parse } from '../../queries/index.js';

const KSQL_COMMAND_ID = /^[a-z]+\/.+\/[a-z]+$/;

export function ksqlCommandId(engineCommandId: string, statementText: string): string {
  if (KSQL_COMMAND_ID.test(engineCommandId)) return engineCommandId;
  let statement: parse.Statement;
  try {
    statement = parse.parseStatement(statementText);
  } catch {
    return `statement/${engineCommandId}/execute`;
  }
  switch (statement.kind) {
    case 'createStream':
    case 'createStreamAsSelect':
      return `stream/\`${statement.name}\`/create`;
    case 'createTable':
    case 'createTableAsSelect':
      return `table/\`${statement.name}\`/create`;
    case 'insertInto':
      return `stream/\`${statement.target}\`/create`;
    case 'dropStream':
      return `stream/${statement.name}/drop`;
    case 'dropTable':
      return `table/${statement.name}/drop`;
    case 'alterSource':
      return `${statement.sourceType.toLowerCase()}/${statement.name}/alter`;
    case 'createType':
      return `type/${statement.name}/create`;
    case 'dropType':
      return `type/${statement.name}/drop`;
    case 'terminateQuery':
      return `terminate/${statement.queryId ?? 'ALL'}/execute`;
    case 'pauseQuery':
      return `pause/${statement.queryId ?? 'ALL'}/execute`;
    case 'resumeQuery':
      return `resume/${statement.queryId ?? 'ALL'}/execute`;
    case 'alterSystemProperty':
      return `cluster/${statement.name}/alter`;
    default:
      return `${statement.kind.toLowerCase()}/${engineCommandId}/execute`;
  }
}
