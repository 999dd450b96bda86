/**
 * The small endpoints: `/info`, `/healthcheck`, `/status[/{type}/{entity}/{action}]`,
 * `/clusterStatus`, `/v1/metadata[/id]`, `/is_valid_property/{name}`, `/chc/ready|live`, `GET /`.
 */
import type { FastifyInstance } from 'fastify';
import { SluiceError } from '../../common/index.js';
import { JSON_TYPE, KSQL_V1_JSON } from './accept.js';
import { negotiateOr406, sendError, sendJson, type HttpContext } from './context.js';

const JSON_TYPES = [JSON_TYPE, KSQL_V1_JSON];

/** Properties a client may not override per request (ksqlDB's `ImmutableProperties` + server-only). */
const NON_OVERRIDABLE = new Set([
  'ksql.service.id',
  'ksql.internal.topic.replicas',
  'ksql.internal.topic.min.insync.replicas',
  'ksql.extension.dir',
  'ksql.schema.registry.url',
  'ksql.streams.bootstrap.servers',
  'bootstrap.servers',
  'ksql.connect.url',
  'listeners',
]);

export function registerAdminRoutes(app: FastifyInstance, ctx: HttpContext): void {
  const json = (path: string, body: () => unknown): void => {
    app.get(path, async (request, reply) => {
      if (negotiateOr406(request, reply, JSON_TYPES) === null) return reply;
      return sendJson(reply, 200, body());
    });
  };

  app.get('/', async (_request, reply) => reply.code(307).header('location', '/info').send(''));

  json('/info', () => ({
    KsqlServerInfo: {
      version: ctx.identity.version,
      kafkaClusterId: ctx.identity.kafkaClusterId,
      ksqlServiceId: ctx.identity.ksqlServiceId,
      serverStatus: 'RUNNING',
    },
  }));

  json('/healthcheck', () => ({
    isHealthy: true,
    details: {
      metastore: { isHealthy: true },
      kafka: { isHealthy: true },
      commandRunner: { isHealthy: true },
    },
    serverState: 'READY',
  }));

  json('/status', () => ({
    commandStatuses: Object.fromEntries([...ctx.commands].map(([id, s]) => [id, s.status])),
  }));

  app.get<{ Params: { type: string; entity: string; action: string } }>('/status/:type/:entity/:action', async (request, reply) => {
    if (negotiateOr406(request, reply, JSON_TYPES) === null) return reply;
    const { type, entity, action } = request.params;
    const id = `${type}/${entity}/${action}`;
    const status = ctx.commands.get(id);
    if (!status) return sendError(reply, new SluiceError('SERVER_COMMAND_NOT_FOUND', 'Command not found', { expected: 'a command id', found: id }));
    return sendJson(reply, 200, status);
  });

  json('/clusterStatus', () => {
    const now = Date.now();
    return {
      clusterStatus: {
        [ctx.advertisedAddress]: {
          hostAlive: true,
          lastStatusUpdateMs: now,
          activeStandbyPerQuery: {},
          hostStoreLags: { stateStoreLags: {}, updateTimeMs: now },
        },
      },
    };
  });

  const clusterId = () => ({
    id: '',
    scope: { path: [], clusters: { 'kafka-cluster': ctx.identity.kafkaClusterId, 'ksql-cluster': ctx.identity.ksqlServiceId } },
  });
  json('/v1/metadata', () => ({ version: ctx.identity.version, clusterId: clusterId() }));
  json('/v1/metadata/id', clusterId);
  json('/chc/ready', () => ({}));
  json('/chc/live', () => ({}));

  app.get<{ Params: { name: string } }>('/is_valid_property/:name', async (request, reply) => {
    if (negotiateOr406(request, reply, JSON_TYPES) === null) return reply;
    const name = request.params.name;
    if (NON_OVERRIDABLE.has(name)) {
      return sendError(
        reply,
        new SluiceError('SERVER_BAD_REQUEST', `One or more properties overrides set locally are prohibited by the KSQL server (use UNSET to reset their default value): [${name}]`, {
          expected: 'a property clients may set',
          found: name,
        }),
      );
    }
    return sendJson(reply, 200, true);
  });
}
