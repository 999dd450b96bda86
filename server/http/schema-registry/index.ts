/**
 * server/http/schema-registry — Confluent Schema Registry's REST API over registry/, as a fastify
 * plugin: `/subjects[/…]`, `/schemas/ids/{id}[/schema|/versions|/subjects]`, `/schemas/types`,
 * `/schemas`, `/config[/{subject}]`, `/compatibility/subjects/{subject}/versions[/{version}]`,
 * `/mode[/{subject}]`. Bodies of any content type (or none) are read as JSON; answers are
 * `application/vnd.schemaregistry.v1+json`; errors are `{"error_code", "message"}` with
 * Confluent's codes (40401, 40402, 40403, 40408, 409, 42201, 42202, 50001...).
 *
 * Mounted by the server on the main HTTP port under `/schema-registry`, and at the root of its
 * own port with `--schema-registry-port`:
 *
 *   app.register(schemaRegistryRoutes(registry), { prefix: '/schema-registry' });
 */
export {
  schemaRegistryRoutes,
  registryErrorOf,
  sendRegistryError,
  registryNotFoundHandler,
  REGISTRY_V1_JSON,
  REGISTRY_JSON,
} from './routes.js';
