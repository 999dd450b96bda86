/**
 * server/kafka — the Kafka wire-protocol listener over storage/log. Any Kafka client (kafkajs
 * 2.2.4 is the reference) produces, consumes, uses consumer groups and admin calls against
 * Sluice's own log as if it were a single Kafka broker.
 *
 * Layout: `protocol/` (primitives, schemas per API version, constants), `connection.ts`
 * (framing, per-connection ordering), `handlers.ts` (one handler per API; the table ApiVersions
 * advertises), `fetch.ts` (long poll), `coordinator.ts` (consumer groups), `listener.ts` (TCP).
 * It imports storage/log and common only.
 */
export { startKafkaListener } from './listener.js';
export type { KafkaListener, KafkaListenerOptions, KafkaListenerStats } from './listener.js';
export type { KafkaListenerLogger } from './logger.js';
export { GroupCoordinator } from './coordinator.js';
export type { GroupState } from './coordinator.js';
export { apis as kafkaApis, apiVersionsBody } from './handlers.js';
export { ApiKey, ErrorCode as KafkaErrorCode } from './protocol/constants.js';
export * as kafkaProtocol from './protocol/messages.js';
export { Reader, Writer, encode, decode } from './protocol/schema.js';
export { kafkaErrorCodeOf } from './errors.js';
