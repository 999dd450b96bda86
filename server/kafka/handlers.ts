/**
 * One handler per Kafka API the listener serves, each for exactly the versions in its entry;
 * `apis` is what ApiVersions advertises. Handlers turn SluiceErrors from the log into Kafka error
 * codes per topic / partition through the catalogue's `kafkaErrorCode`.
 */
import type { Clock, Limits } from '../../common/index.js';
import { RECORD_BATCH_HEADER_BYTES, RECORD_BATCH_LOG_OVERHEAD_BYTES, type Log } from '../../storage/log/index.js';
import { ApiKey, ConfigSource, ErrorCode, ResourceType, type ApiName } from './protocol/constants.js';
import * as m from './protocol/messages.js';
import type { Type } from './protocol/schema.js';
import type { GroupCoordinator } from './coordinator.js';
import { handleFetch } from './fetch.js';
import { isUnexpected, kafkaErrorCodeOf, messageOf } from './errors.js';
import type { KafkaListenerLogger } from './logger.js';

export interface BrokerContext {
  log: Log;
  clock: Clock;
  logger: KafkaListenerLogger;
  limits: Limits;
  coordinator: GroupCoordinator;
  nodeId: number;
  clusterId: string;
  /** The address clients are told to connect to (Metadata, FindCoordinator). */
  advertised(): { host: string; port: number };
  autoCreateTopics: boolean;
  defaultPartitions: number;
  /** Cap on one Fetch response's record bytes (Kafka's fetch.max.bytes). */
  fetchResponseBytesMax: number;
}

export interface RequestContext {
  apiVersion: number;
  clientId: string;
  clientHost: string;
  /** Aborted when the connection or the listener closes (ends long polls). */
  signal: AbortSignal;
}

export interface ApiHandler<Request, Response> {
  minVersion: number;
  maxVersion: number;
  request(version: number): Type<Request>;
  response(version: number): Type<Response>;
  /** null: send no response (Produce with acks = 0). */
  handle(broker: BrokerContext, request: Request, context: RequestContext): Promise<Response | null>;
}

/** One table entry (positional, so the handler's parameter types are inferred from the schemas). */
function api<Request, Response>(
  [minVersion, maxVersion]: [number, number],
  request: (version: number) => Type<Request>,
  response: (version: number) => Type<Response>,
  handle: (broker: BrokerContext, request: Request, context: RequestContext) => Promise<Response | null>,
): ApiHandler<unknown, unknown> {
  return { minVersion, maxVersion, request, response, handle } as unknown as ApiHandler<unknown, unknown>;
}

const fixed = <T>(type: Type<T>) => (): Type<T> => type;

// ---------------------------------------------------------------------------------------------

async function produce(broker: BrokerContext, request: m.ProduceRequest): Promise<m.ProduceResponse | null> {
  const { log, logger } = broker;
  const acksValid = request.acks === 0 || request.acks === 1 || request.acks === -1;
  const responses = await Promise.all(
    request.topics.map(async (topic) => ({
      name: topic.name,
      partitions: await Promise.all(
        topic.partitions.map(async (p) => {
          const answer = { index: p.index, errorCode: ErrorCode.NONE as number, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1 };
          if (!acksValid) {
            answer.errorCode = ErrorCode.INVALID_REQUIRED_ACKS;
            return answer;
          }
          const records = p.records;
          if (!log.hasTopic(topic.name)) {
            answer.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
            return answer;
          }
          // Produce v3+ carries exactly one RecordBatch v2 per partition: check the framing here,
          // the log checks everything else (magic, CRC-32C, counts, sizes) before storing.
          const declared = records && records.length >= RECORD_BATCH_LOG_OVERHEAD_BYTES ? records.readInt32BE(8) + RECORD_BATCH_LOG_OVERHEAD_BYTES : null;
          if (records === null || records.length < RECORD_BATCH_HEADER_BYTES || declared !== records.length) {
            logger.warn(
              { topic: topic.name, partition: p.index, bytes: records?.length ?? null, declared },
              'kafka produce: rejected a record set that is not exactly one record batch',
            );
            answer.errorCode = ErrorCode.CORRUPT_MESSAGE;
            return answer;
          }
          try {
            const result = await log.append(topic.name, p.index, records);
            answer.baseOffset = result.baseOffset;
            answer.logAppendTimeMs = result.logAppendTimeMs;
            answer.logStartOffset = result.logStartOffset;
          } catch (error) {
            answer.errorCode = kafkaErrorCodeOf(error);
            const fields = { topic: topic.name, partition: p.index, err: messageOf(error) };
            if (isUnexpected(error)) logger.error(fields, 'kafka produce: append failed');
            else logger.warn(fields, 'kafka produce: batch rejected');
          }
          return answer;
        }),
      ),
    })),
  );
  if (request.acks === 0) return null;
  return { responses, throttleTimeMs: 0 };
}

async function metadata(broker: BrokerContext, request: m.MetadataRequest): Promise<m.MetadataResponse> {
  const { log, nodeId } = broker;
  const names = request.topics ?? log.listTopics();
  const topics: m.MetadataResponse['topics'] = [];
  for (const name of names) {
    const entry: m.MetadataResponse['topics'][number] = { errorCode: ErrorCode.NONE, name, isInternal: false, partitions: [] };
    topics.push(entry);
    try {
      if (!log.hasTopic(name)) {
        if (!(request.allowAutoTopicCreation && broker.autoCreateTopics)) {
          entry.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          continue;
        }
        try {
          await log.createTopic(name, { partitions: broker.defaultPartitions });
          broker.logger.info({ topic: name, partitions: broker.defaultPartitions }, 'kafka metadata: auto-created topic');
        } catch (error) {
          if (!log.hasTopic(name)) throw error; // else: created concurrently, fine
        }
      }
      const description = log.describeTopic(name);
      entry.isInternal = description.internal;
      for (let i = 0; i < description.partitions; i++) {
        entry.partitions.push({
          errorCode: ErrorCode.NONE,
          partitionIndex: i,
          leaderId: nodeId,
          replicaNodes: [nodeId],
          isrNodes: [nodeId],
          offlineReplicas: [],
        });
      }
    } catch (error) {
      entry.errorCode = kafkaErrorCodeOf(error);
      entry.partitions = [];
    }
  }
  const { host, port } = broker.advertised();
  return {
    throttleTimeMs: 0,
    brokers: [{ nodeId, host, port, rack: null }],
    clusterId: broker.clusterId,
    controllerId: nodeId,
    topics,
  };
}

async function listOffsets(broker: BrokerContext, request: m.ListOffsetsRequest): Promise<m.ListOffsetsResponse> {
  const { log } = broker;
  const topics = await Promise.all(
    request.topics.map(async (topic) => ({
      name: topic.name,
      partitions: await Promise.all(
        topic.partitions.map(async (p) => {
          const answer = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE as number, timestamp: -1, offset: -1 };
          try {
            if (!log.hasTopic(topic.name)) {
              answer.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
              return answer;
            }
            const offsets = log.offsets(topic.name, p.partitionIndex);
            if (p.timestamp === -1) answer.offset = offsets.highWatermark;
            else if (p.timestamp === -2) answer.offset = offsets.logStartOffset;
            else {
              const found = await log.offsetForTime(topic.name, p.partitionIndex, p.timestamp);
              answer.offset = found.offset;
              answer.timestamp = found.offset === -1 ? -1 : found.timestampMs;
            }
          } catch (error) {
            answer.errorCode = kafkaErrorCodeOf(error);
          }
          return answer;
        }),
      ),
    })),
  );
  return { throttleTimeMs: 0, topics };
}

async function createTopics(broker: BrokerContext, request: m.CreateTopicsRequest) {
  const { log } = broker;
  const topics: Array<{ name: string; errorCode: number; errorMessage: string | null }> = [];
  for (const t of request.topics) {
    const fail = (errorCode: number, errorMessage: string) => topics.push({ name: t.name, errorCode, errorMessage });
    const partitions = t.assignments.length > 0 ? t.assignments.length : t.numPartitions === -1 ? broker.defaultPartitions : t.numPartitions;
    if (t.replicationFactor !== -1 && t.replicationFactor !== 1) {
      fail(ErrorCode.INVALID_REPLICATION_FACTOR, `replication factor: expected 1 (a single broker), found ${t.replicationFactor}`);
      continue;
    }
    if (partitions < 1) {
      fail(ErrorCode.INVALID_PARTITIONS, `partition count: expected at least 1, found ${partitions}`);
      continue;
    }
    if (log.hasTopic(t.name)) {
      fail(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${t.name} already exists`);
      continue;
    }
    if (request.validateOnly) {
      topics.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
      continue;
    }
    const configs: Record<string, string> = {};
    for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
    try {
      await log.createTopic(t.name, { partitions, configs });
      broker.logger.info({ topic: t.name, partitions }, 'kafka: created topic');
      topics.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (error) {
      fail(kafkaErrorCodeOf(error), messageOf(error));
    }
  }
  return { throttleTimeMs: 0, topics };
}

async function deleteTopics(broker: BrokerContext, request: { topicNames: string[] }) {
  const responses: Array<{ name: string; errorCode: number }> = [];
  for (const name of request.topicNames) {
    try {
      await broker.log.deleteTopic(name);
      broker.logger.info({ topic: name }, 'kafka: deleted topic');
      responses.push({ name, errorCode: ErrorCode.NONE });
    } catch (error) {
      responses.push({ name, errorCode: kafkaErrorCodeOf(error) });
    }
  }
  return { throttleTimeMs: 0, responses };
}

async function createPartitions(
  broker: BrokerContext,
  request: { topics: Array<{ name: string; count: number }>; validateOnly: boolean },
) {
  const results: Array<{ name: string; errorCode: number; errorMessage: string | null }> = [];
  for (const t of request.topics) {
    try {
      const current = broker.log.describeTopic(t.name).partitions;
      if (t.count <= current) {
        results.push({ name: t.name, errorCode: ErrorCode.INVALID_PARTITIONS, errorMessage: `partition count: expected more than ${current}, found ${t.count}` });
        continue;
      }
      if (!request.validateOnly) await broker.log.createPartitions(t.name, t.count);
      results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (error) {
      results.push({ name: t.name, errorCode: kafkaErrorCodeOf(error), errorMessage: messageOf(error) });
    }
  }
  return { throttleTimeMs: 0, results };
}

/** Broker-level settings reported by DescribeConfigs (read-only). */
function brokerConfigs(broker: BrokerContext): Record<string, string> {
  return {
    'auto.create.topics.enable': String(broker.autoCreateTopics),
    'num.partitions': String(broker.defaultPartitions),
    'default.replication.factor': '1',
    'message.max.bytes': String(broker.limits.batchBytesMax),
    'socket.request.max.bytes': String(broker.limits.kafkaFrameBytesMax),
    'max.connections': String(broker.limits.kafkaConnectionsMax),
    'delete.topic.enable': 'true',
    'fetch.max.bytes': String(broker.fetchResponseBytesMax),
  };
}

function describeConfigs(broker: BrokerContext, request: m.DescribeConfigsRequest): m.DescribeConfigsResponse {
  const results = request.resources.map((resource) => {
    const base = { errorCode: ErrorCode.NONE as number, errorMessage: null as string | null, resourceType: resource.resourceType, resourceName: resource.resourceName, configs: [] as m.DescribeConfigsResponse['results'][number]['configs'] };
    try {
      let values: Record<string, string>;
      let source: number;
      let readOnly: boolean;
      if (resource.resourceType === ResourceType.TOPIC) {
        values = broker.log.describeTopic(resource.resourceName).configs;
        source = ConfigSource.TOPIC_CONFIG;
        readOnly = false;
      } else if (resource.resourceType === ResourceType.BROKER) {
        values = brokerConfigs(broker);
        source = 4; // STATIC_BROKER_CONFIG
        readOnly = true;
      } else {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `resource type: expected 2 (topic) or 4 (broker), found ${resource.resourceType}` };
      }
      const keys = resource.configurationKeys ?? Object.keys(values).sort();
      base.configs = keys
        .filter((name) => name in values)
        .map((name) => ({ name, value: values[name]!, readOnly, configSource: source, isSensitive: false, synonyms: [] }));
      return base;
    } catch (error) {
      return { ...base, errorCode: kafkaErrorCodeOf(error), errorMessage: messageOf(error) };
    }
  });
  return { throttleTimeMs: 0, results };
}

async function alterConfigs(
  broker: BrokerContext,
  request: { resources: Array<{ resourceType: number; resourceName: string; configs: Array<{ name: string; value: string | null }> }>; validateOnly: boolean },
) {
  const responses: Array<{ errorCode: number; errorMessage: string | null; resourceType: number; resourceName: string }> = [];
  for (const resource of request.resources) {
    const answer = { errorCode: ErrorCode.NONE as number, errorMessage: null as string | null, resourceType: resource.resourceType, resourceName: resource.resourceName };
    responses.push(answer);
    if (resource.resourceType !== ResourceType.TOPIC) {
      answer.errorCode = ErrorCode.INVALID_REQUEST;
      answer.errorMessage = `resource type: expected 2 (topic; broker configs are read-only), found ${resource.resourceType}`;
      continue;
    }
    try {
      if (!broker.log.hasTopic(resource.resourceName)) broker.log.describeTopic(resource.resourceName); // throws the not-found error
      if (request.validateOnly) continue;
      const changes: Record<string, string | null> = {};
      for (const c of resource.configs) changes[c.name] = c.value;
      await broker.log.alterTopicConfigs(resource.resourceName, changes);
    } catch (error) {
      answer.errorCode = kafkaErrorCodeOf(error);
      answer.errorMessage = messageOf(error);
    }
  }
  return { throttleTimeMs: 0, responses };
}

// ---------------------------------------------------------------------------------------------

/** Every API the listener serves, with its versions. ApiVersions advertises exactly this. */
export const apis: Record<ApiName, ApiHandler<unknown, unknown>> = {
  Produce: api([7, 7], fixed(m.produceRequest), fixed(m.produceResponse), produce),
  Fetch: api([11, 11], fixed(m.fetchRequest), fixed(m.fetchResponse), (b, r, c) => handleFetch(b, r, c.signal)),
  ListOffsets: api([0, 3], m.listOffsetsRequest, m.listOffsetsResponse, listOffsets),
  Metadata: api([0, 6], m.metadataRequest, m.metadataResponse, metadata),
  OffsetCommit: api([5, 5], fixed(m.offsetCommitRequest), fixed(m.offsetCommitResponse), (b, r) => b.coordinator.commitOffsets(r)),
  OffsetFetch: api([4, 4], fixed(m.offsetFetchRequest), fixed(m.offsetFetchResponse), async (b, r) => b.coordinator.fetchOffsets(r)),
  FindCoordinator: api([0, 2], m.findCoordinatorRequest, m.findCoordinatorResponse, async (b) => {
    const { host, port } = b.advertised();
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, nodeId: b.nodeId, host, port };
  }),
  JoinGroup: api([5, 5], fixed(m.joinGroupRequest), fixed(m.joinGroupResponse), (b, r, c) => b.coordinator.join(r, c)),
  Heartbeat: api([3, 3], fixed(m.heartbeatRequest), fixed(m.heartbeatResponse), async (b, r) => ({
    throttleTimeMs: 0,
    errorCode: b.coordinator.heartbeat(r),
  })),
  LeaveGroup: api([3, 3], fixed(m.leaveGroupRequest), fixed(m.leaveGroupResponse), async (b, r) => b.coordinator.leave(r)),
  SyncGroup: api([3, 3], fixed(m.syncGroupRequest), fixed(m.syncGroupResponse), (b, r) => b.coordinator.sync(r)),
  DescribeGroups: api([2, 2], fixed(m.describeGroupsRequest), fixed(m.describeGroupsResponse), async (b, r) => ({
    throttleTimeMs: 0,
    groups: b.coordinator.describe(r.groups),
  })),
  ListGroups: api([2, 2], fixed(m.listGroupsRequest), fixed(m.listGroupsResponse), async (b) => ({
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    groups: b.coordinator.list(),
  })),
  ApiVersions: api(
    [0, 2],
    fixed(m.apiVersionsRequest),
    (version) => (version === 0 ? m.apiVersionsResponseV0 : m.apiVersionsResponseV1) as unknown as Type<m.ApiVersionsResponse>,
    async () => apiVersionsBody(ErrorCode.NONE),
  ),
  CreateTopics: api([3, 3], fixed(m.createTopicsRequest), fixed(m.createTopicsResponse), createTopics),
  DeleteTopics: api([1, 1], fixed(m.deleteTopicsRequest), fixed(m.deleteTopicsResponse), deleteTopics),
  InitProducerId: api([1, 1], fixed(m.initProducerIdRequest), fixed(m.initProducerIdResponse), async (b) => {
    try {
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: await b.log.allocateProducerId(), producerEpoch: 0 };
    } catch (error) {
      return { throttleTimeMs: 0, errorCode: kafkaErrorCodeOf(error), producerId: -1, producerEpoch: -1 };
    }
  }),
  DescribeConfigs: api([2, 2], fixed(m.describeConfigsRequest), fixed(m.describeConfigsResponse), async (b, r) => describeConfigs(b, r)),
  AlterConfigs: api([1, 1], fixed(m.alterConfigsRequest), fixed(m.alterConfigsResponse), alterConfigs),
  CreatePartitions: api([1, 1], fixed(m.createPartitionsRequest), fixed(m.createPartitionsResponse), createPartitions),
  DeleteGroups: api([1, 1], fixed(m.deleteGroupsRequest), fixed(m.deleteGroupsResponse), async (b, r) => ({
    throttleTimeMs: 0,
    results: await b.coordinator.deleteGroups(r.groupsNames),
  })),
};

/** The ApiVersions body: every served API with its version range. */
export function apiVersionsBody(errorCode: number): m.ApiVersionsResponse {
  return {
    errorCode,
    throttleTimeMs: 0,
    apiKeys: (Object.entries(apis) as Array<[ApiName, ApiHandler<unknown, unknown>]>)
      .map(([name, h]) => ({ apiKey: ApiKey[name], minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey),
  };
}
