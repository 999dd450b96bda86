/**
 * `POST /ksql` (DDL, DML and admin statements: one entity per statement that has one) and
 * `POST /ksql/terminate`.
 *
 * Body: `{"ksql", "streamsProperties", "sessionVariables", "requestProperties",
 * "commandSequenceNumber"}`; only `ksql` matters, and a missing one answers `[]`. The answer is
 * always `application/json`. A failing statement answers 400 with a statement_error naming it
 * (`entities` holds the entities of the statements before it, which stay applied).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SluiceError } from '../../common/index.js';
import { JSON_TYPE, KSQL_V1_JSON } from './accept.js';
import { optionalMap, optionalString, parseJsonObject, readBody } from './body.js';
import { negotiateOr406, sendJson, type HttpContext } from './context.js';
import { httpErrorOf, statementError } from './error-entities.js';
import { entitiesOf, rememberCommand, resultsBefore } from './entities.js';
import { variablesOf } from './engine.js';

const JSON_TYPES = [JSON_TYPE, KSQL_V1_JSON];

export function checkStatementLength(ctx: HttpContext, text: string): void {
  const max = ctx.limits.statementCharsMax;
  if (text.length > max) {
    throw new SluiceError('LIMIT_EXCEEDED', `Statement text too long: expected at most ${max} characters, found ${text.length}`, {
      expected: `<= ${max} characters`,
      found: `${text.length} characters`,
    });
  }
}

export async function readJsonRequest(ctx: HttpContext, request: FastifyRequest): Promise<Record<string, unknown>> {
  return parseJsonObject(await readBody(request.raw, ctx.limits.httpBodyBytesMax));
}

async function runStatements(ctx: HttpContext, reply: FastifyReply, text: string, body: Record<string, unknown>): Promise<FastifyReply> {
  try {
    checkStatementLength(ctx, text);
    const properties = optionalMap(body, 'streamsProperties');
    const sessionVariables = variablesOf(optionalMap(body, 'sessionVariables'));
    const results = await ctx.engine.execute(text, { properties, sessionVariables });
    return sendJson(reply, 200, entitiesOf(ctx, results));
  } catch (error) {
    const { status, entity } = httpErrorOf(error, text.trim());
    if (entity['@type'] === 'statement_error') {
      const before = resultsBefore(error);
      const entities = before.length > 0 ? entitiesOf(ctx, before) : entity.entities;
      return sendJson(reply, status, statementError(entity.error_code, entity.message, entity.statementText, entities));
    }
    return sendJson(reply, status, entity);
  }
}

export function registerKsqlRoutes(app: FastifyInstance, ctx: HttpContext): void {
  app.post('/ksql', async (request, reply) => {
    if (negotiateOr406(request, reply, JSON_TYPES) === null) return reply;
    const body = await readJsonRequest(ctx, request);
    const text = optionalString(body, 'ksql') ?? '';
    if (text.trim() === '') return sendJson(reply, 200, []);
    return runStatements(ctx, reply, text, body);
  });

  // Terminates the whole "cluster": every push and persistent query, every stream and table, and
  // the topics named (exactly or by regular expression) in `deleteTopicList`.
  app.post('/ksql/terminate', async (request, reply) => {
    if (negotiateOr406(request, reply, JSON_TYPES) === null) return reply;
    const body = await readJsonRequest(ctx, request);
    const deleteTopicList = body['deleteTopicList'] ?? [];
    if (!Array.isArray(deleteTopicList) || deleteTopicList.some((t) => typeof t !== 'string')) {
      throw new SluiceError('SERVER_BAD_REQUEST', 'Invalid request: "deleteTopicList" must be a list of topic names or patterns', {
        expected: 'an array of strings',
        found: JSON.stringify(deleteTopicList),
      });
    }
    const patterns = (deleteTopicList as string[]).map((p) => {
      try {
        return new RegExp(`^(?:${p})$`);
      } catch {
        return new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      }
    });
    await ctx.registry.closeAll();
    await ctx.engine.execute('TERMINATE ALL;');
    const sources = ctx.engine.catalog().allSources();
    for (const source of sources) {
      const deleteTopic = patterns.some((p) => p.test(source.topic)) ? ' DELETE TOPIC' : '';
      const name = '`' + source.name.replace(/`/g, '``') + '`';
      await ctx.engine.execute(`DROP ${source.kind} IF EXISTS ${name}${deleteTopic};`).catch(() => undefined);
    }
    const entity = {
      '@type': 'currentStatus',
      statementText: 'TERMINATE CLUSTER;',
      commandId: 'cluster/TerminateCluster/terminate',
      commandStatus: { status: 'SUCCESS', message: 'Cluster terminated.', queryId: null },
      commandSequenceNumber: -1,
      warnings: [],
    };
    rememberCommand(ctx, entity.commandId, entity.commandStatus);
    return sendJson(reply, 200, [entity]);
  });
}
