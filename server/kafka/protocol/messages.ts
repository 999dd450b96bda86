/**
 * Request and response schemas for exactly the API versions the listener serves (see
 * `supportedVersions` in ../handlers.ts, which ApiVersions advertises). Field names follow the
 * Kafka protocol's JSON message definitions, in camel case.
 */
import {
  array,
  boolean,
  bytes,
  int16,
  int32,
  int64,
  int8,
  nullableArray,
  nullableBytes,
  nullableString,
  records,
  string,
  struct,
  type Infer,
  type Type,
} from './schema.js';

// ---- request header v1 (every non-flexible request) / response header v0 ----

export const requestHeader = struct({
  apiKey: int16,
  apiVersion: int16,
  correlationId: int32,
  clientId: nullableString,
});
export type RequestHeader = Infer<typeof requestHeader>;

// ---- ApiVersions (18) v0-2 ----

export const apiVersionsRequest = struct({});
const apiVersionEntry = struct({ apiKey: int16, minVersion: int16, maxVersion: int16 });
export const apiVersionsResponseV0 = struct({ errorCode: int16, apiKeys: array(apiVersionEntry) });
export const apiVersionsResponseV1 = struct({ errorCode: int16, apiKeys: array(apiVersionEntry), throttleTimeMs: int32 });
export type ApiVersionsResponse = Infer<typeof apiVersionsResponseV1>;

// ---- Metadata (3) v0-6 ----

export interface MetadataRequest {
  /** null: all topics (v1+; an empty list means all topics in v0). */
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

export function metadataRequest(version: number): Type<MetadataRequest> {
  const topics = version === 0 ? array(string) : nullableArray(string);
  return {
    minBytes: 4,
    read(r) {
      const list = topics.read(r);
      const allowAutoTopicCreation = version >= 4 ? boolean.read(r) : true;
      return { topics: version === 0 && list !== null && list.length === 0 ? null : list, allowAutoTopicCreation };
    },
    write(w, v) {
      topics.write(w, (version === 0 ? v.topics ?? [] : v.topics) as string[]);
      if (version >= 4) boolean.write(w, v.allowAutoTopicCreation);
    },
  };
}

export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: Array<{ nodeId: number; host: string; port: number; rack: string | null }>;
  clusterId: string | null;
  controllerId: number;
  topics: Array<{
    errorCode: number;
    name: string;
    isInternal: boolean;
    partitions: Array<{
      errorCode: number;
      partitionIndex: number;
      leaderId: number;
      replicaNodes: number[];
      isrNodes: number[];
      offlineReplicas: number[];
    }>;
  }>;
}

export function metadataResponse(version: number): Type<MetadataResponse> {
  const broker = struct(version >= 1 ? { nodeId: int32, host: string, port: int32, rack: nullableString } : { nodeId: int32, host: string, port: int32 });
  const partition = struct({
    errorCode: int16,
    partitionIndex: int32,
    leaderId: int32,
    replicaNodes: array(int32),
    isrNodes: array(int32),
    ...(version >= 5 ? { offlineReplicas: array(int32) } : {}),
  });
  const topic = struct({
    errorCode: int16,
    name: string,
    ...(version >= 1 ? { isInternal: boolean } : {}),
    partitions: array(partition),
  });
  const body = struct({
    ...(version >= 3 ? { throttleTimeMs: int32 } : {}),
    brokers: array(broker),
    ...(version >= 2 ? { clusterId: nullableString } : {}),
    ...(version >= 1 ? { controllerId: int32 } : {}),
    topics: array(topic),
  });
  return {
    minBytes: body.minBytes,
    read(r) {
      const v = body.read(r) as Record<string, unknown>;
      return { throttleTimeMs: 0, clusterId: null, controllerId: -1, ...v } as unknown as MetadataResponse;
    },
    write(w, v) {
      body.write(w, v as never);
    },
  };
}

// ---- Produce (0) v7 ----

export const produceRequest = struct({
  transactionalId: nullableString,
  acks: int16,
  timeoutMs: int32,
  topics: array(struct({ name: string, partitions: array(struct({ index: int32, records: nullableBytes })) })),
});
export type ProduceRequest = Infer<typeof produceRequest>;

export const produceResponse = struct({
  responses: array(
    struct({
      name: string,
      partitions: array(
        struct({ index: int32, errorCode: int16, baseOffset: int64, logAppendTimeMs: int64, logStartOffset: int64 }),
      ),
    }),
  ),
  throttleTimeMs: int32,
});
export type ProduceResponse = Infer<typeof produceResponse>;

// ---- Fetch (1) v11 ----

export const fetchRequest = struct({
  replicaId: int32,
  maxWaitMs: int32,
  minBytes: int32,
  maxBytes: int32,
  isolationLevel: int8,
  sessionId: int32,
  sessionEpoch: int32,
  topics: array(
    struct({
      topic: string,
      partitions: array(
        struct({ partition: int32, currentLeaderEpoch: int32, fetchOffset: int64, logStartOffset: int64, partitionMaxBytes: int32 }),
      ),
    }),
  ),
  forgottenTopicsData: array(struct({ topic: string, partitions: array(int32) })),
  rackId: string,
});
export type FetchRequest = Infer<typeof fetchRequest>;

export const fetchResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  sessionId: int32,
  responses: array(
    struct({
      topic: string,
      partitions: array(
        struct({
          partitionIndex: int32,
          errorCode: int16,
          highWatermark: int64,
          lastStableOffset: int64,
          logStartOffset: int64,
          abortedTransactions: nullableArray(struct({ producerId: int64, firstOffset: int64 })),
          preferredReadReplica: int32,
          records,
        }),
      ),
    }),
  ),
});
export type FetchResponse = Infer<typeof fetchResponse>;

// ---- ListOffsets (2) v0-3 ----

export interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; timestamp: number; maxNumOffsets: number }> }>;
}

export function listOffsetsRequest(version: number): Type<ListOffsetsRequest> {
  const partition = struct(
    version === 0
      ? { partitionIndex: int32, timestamp: int64, maxNumOffsets: int32 }
      : { partitionIndex: int32, timestamp: int64 },
  );
  const body = struct({
    replicaId: int32,
    ...(version >= 2 ? { isolationLevel: int8 } : {}),
    topics: array(struct({ name: string, partitions: array(partition) })),
  });
  return {
    minBytes: body.minBytes,
    read(r) {
      const v = body.read(r) as Record<string, unknown>;
      const topics = (v.topics as ListOffsetsRequest['topics']).map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ ...p, maxNumOffsets: (p as { maxNumOffsets?: number }).maxNumOffsets ?? 1 })),
      }));
      return { isolationLevel: 0, ...v, topics } as ListOffsetsRequest;
    },
    write(w, v) {
      body.write(w, v as never);
    },
  };
}

export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: Array<{
    name: string;
    partitions: Array<{ partitionIndex: number; errorCode: number; timestamp: number; offset: number }>;
  }>;
}

export function listOffsetsResponse(version: number): Type<ListOffsetsResponse> {
  if (version === 0) {
    const body = struct({
      topics: array(struct({ name: string, partitions: array(struct({ partitionIndex: int32, errorCode: int16, oldStyleOffsets: array(int64) })) })),
    });
    return {
      minBytes: body.minBytes,
      read(r) {
        const v = body.read(r);
        return {
          throttleTimeMs: 0,
          topics: v.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: p.errorCode, timestamp: -1, offset: p.oldStyleOffsets[0] ?? -1 })),
          })),
        };
      },
      write(w, v) {
        body.write(w, {
          topics: v.topics.map((t) => ({
            name: t.name,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partitionIndex,
              errorCode: p.errorCode,
              oldStyleOffsets: p.offset >= 0 && p.errorCode === 0 ? [p.offset] : [],
            })),
          })),
        });
      },
    };
  }
  const body = struct({
    ...(version >= 2 ? { throttleTimeMs: int32 } : {}),
    topics: array(struct({ name: string, partitions: array(struct({ partitionIndex: int32, errorCode: int16, timestamp: int64, offset: int64 })) })),
  });
  return {
    minBytes: body.minBytes,
    read(r) {
      return { throttleTimeMs: 0, ...(body.read(r) as object) } as ListOffsetsResponse;
    },
    write(w, v) {
      body.write(w, v as never);
    },
  };
}

// ---- FindCoordinator (10) v0-2 ----

export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}
export function findCoordinatorRequest(version: number): Type<FindCoordinatorRequest> {
  const body = struct(version >= 1 ? { key: string, keyType: int8 } : { key: string });
  return {
    minBytes: body.minBytes,
    read: (r) => ({ keyType: 0, ...(body.read(r) as { key: string }) }),
    write: (w, v) => body.write(w, v as never),
  };
}
export interface FindCoordinatorResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}
export function findCoordinatorResponse(version: number): Type<FindCoordinatorResponse> {
  const body = struct(
    version >= 1
      ? { throttleTimeMs: int32, errorCode: int16, errorMessage: nullableString, nodeId: int32, host: string, port: int32 }
      : { errorCode: int16, nodeId: int32, host: string, port: int32 },
  );
  return {
    minBytes: body.minBytes,
    read: (r) => ({ throttleTimeMs: 0, errorMessage: null, ...(body.read(r) as object) }) as FindCoordinatorResponse,
    write: (w, v) => body.write(w, v as never),
  };
}

// ---- JoinGroup (11) v5 ----

export const joinGroupRequest = struct({
  groupId: string,
  sessionTimeoutMs: int32,
  rebalanceTimeoutMs: int32,
  memberId: string,
  groupInstanceId: nullableString,
  protocolType: string,
  protocols: array(struct({ name: string, metadata: bytes })),
});
export type JoinGroupRequest = Infer<typeof joinGroupRequest>;

export const joinGroupResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  generationId: int32,
  protocolName: string,
  leader: string,
  memberId: string,
  members: array(struct({ memberId: string, groupInstanceId: nullableString, metadata: bytes })),
});
export type JoinGroupResponse = Infer<typeof joinGroupResponse>;

// ---- SyncGroup (14) v3 ----

export const syncGroupRequest = struct({
  groupId: string,
  generationId: int32,
  memberId: string,
  groupInstanceId: nullableString,
  assignments: array(struct({ memberId: string, assignment: bytes })),
});
export type SyncGroupRequest = Infer<typeof syncGroupRequest>;

export const syncGroupResponse = struct({ throttleTimeMs: int32, errorCode: int16, assignment: bytes });
export type SyncGroupResponse = Infer<typeof syncGroupResponse>;

// ---- Heartbeat (12) v3 ----

export const heartbeatRequest = struct({ groupId: string, generationId: int32, memberId: string, groupInstanceId: nullableString });
export type HeartbeatRequest = Infer<typeof heartbeatRequest>;
export const heartbeatResponse = struct({ throttleTimeMs: int32, errorCode: int16 });

// ---- LeaveGroup (13) v3 ----

export const leaveGroupRequest = struct({
  groupId: string,
  members: array(struct({ memberId: string, groupInstanceId: nullableString })),
});
export type LeaveGroupRequest = Infer<typeof leaveGroupRequest>;
export const leaveGroupResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  members: array(struct({ memberId: string, groupInstanceId: nullableString, errorCode: int16 })),
});
export type LeaveGroupResponse = Infer<typeof leaveGroupResponse>;

// ---- OffsetCommit (8) v5 ----

export const offsetCommitRequest = struct({
  groupId: string,
  generationId: int32,
  memberId: string,
  topics: array(
    struct({
      name: string,
      partitions: array(struct({ partitionIndex: int32, committedOffset: int64, committedMetadata: nullableString })),
    }),
  ),
});
export type OffsetCommitRequest = Infer<typeof offsetCommitRequest>;
export const offsetCommitResponse = struct({
  throttleTimeMs: int32,
  topics: array(struct({ name: string, partitions: array(struct({ partitionIndex: int32, errorCode: int16 })) })),
});
export type OffsetCommitResponse = Infer<typeof offsetCommitResponse>;

// ---- OffsetFetch (9) v4 ----

export const offsetFetchRequest = struct({
  groupId: string,
  topics: nullableArray(struct({ name: string, partitionIndexes: array(int32) })),
});
export type OffsetFetchRequest = Infer<typeof offsetFetchRequest>;
export const offsetFetchResponse = struct({
  throttleTimeMs: int32,
  topics: array(
    struct({
      name: string,
      partitions: array(struct({ partitionIndex: int32, committedOffset: int64, metadata: nullableString, errorCode: int16 })),
    }),
  ),
  errorCode: int16,
});
export type OffsetFetchResponse = Infer<typeof offsetFetchResponse>;

// ---- DescribeGroups (15) v2 ----

export const describeGroupsRequest = struct({ groups: array(string) });
export const describeGroupsResponse = struct({
  throttleTimeMs: int32,
  groups: array(
    struct({
      errorCode: int16,
      groupId: string,
      groupState: string,
      protocolType: string,
      protocolData: string,
      members: array(
        struct({ memberId: string, clientId: string, clientHost: string, memberMetadata: bytes, memberAssignment: bytes }),
      ),
    }),
  ),
});
export type DescribeGroupsResponse = Infer<typeof describeGroupsResponse>;

// ---- ListGroups (16) v2 ----

export const listGroupsRequest = struct({});
export const listGroupsResponse = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  groups: array(struct({ groupId: string, protocolType: string })),
});

// ---- DeleteGroups (42) v1 ----

export const deleteGroupsRequest = struct({ groupsNames: array(string) });
export const deleteGroupsResponse = struct({
  throttleTimeMs: int32,
  results: array(struct({ groupId: string, errorCode: int16 })),
});

// ---- CreateTopics (19) v3 ----

export const createTopicsRequest = struct({
  topics: array(
    struct({
      name: string,
      numPartitions: int32,
      replicationFactor: int16,
      assignments: array(struct({ partitionIndex: int32, brokerIds: array(int32) })),
      configs: array(struct({ name: string, value: nullableString })),
    }),
  ),
  timeoutMs: int32,
  validateOnly: boolean,
});
export type CreateTopicsRequest = Infer<typeof createTopicsRequest>;
export const createTopicsResponse = struct({
  throttleTimeMs: int32,
  topics: array(struct({ name: string, errorCode: int16, errorMessage: nullableString })),
});

// ---- DeleteTopics (20) v1 ----

export const deleteTopicsRequest = struct({ topicNames: array(string), timeoutMs: int32 });
export const deleteTopicsResponse = struct({
  throttleTimeMs: int32,
  responses: array(struct({ name: string, errorCode: int16 })),
});

// ---- CreatePartitions (37) v1 ----

export const createPartitionsRequest = struct({
  topics: array(struct({ name: string, count: int32, assignments: nullableArray(nullableArray(int32)) })),
  timeoutMs: int32,
  validateOnly: boolean,
});
export const createPartitionsResponse = struct({
  throttleTimeMs: int32,
  results: array(struct({ name: string, errorCode: int16, errorMessage: nullableString })),
});

// ---- InitProducerId (22) v1 ----

export const initProducerIdRequest = struct({ transactionalId: nullableString, transactionTimeoutMs: int32 });
export const initProducerIdResponse = struct({ throttleTimeMs: int32, errorCode: int16, producerId: int64, producerEpoch: int16 });

// ---- DescribeConfigs (32) v2 ----

export const describeConfigsRequest = struct({
  resources: array(struct({ resourceType: int8, resourceName: string, configurationKeys: nullableArray(string) })),
  includeSynonyms: boolean,
});
export type DescribeConfigsRequest = Infer<typeof describeConfigsRequest>;
export const describeConfigsResponse = struct({
  throttleTimeMs: int32,
  results: array(
    struct({
      errorCode: int16,
      errorMessage: nullableString,
      resourceType: int8,
      resourceName: string,
      configs: array(
        struct({
          name: string,
          value: nullableString,
          readOnly: boolean,
          configSource: int8,
          isSensitive: boolean,
          synonyms: array(struct({ name: string, value: nullableString, source: int8 })),
        }),
      ),
    }),
  ),
});
export type DescribeConfigsResponse = Infer<typeof describeConfigsResponse>;

// ---- AlterConfigs (33) v1 ----

export const alterConfigsRequest = struct({
  resources: array(
    struct({ resourceType: int8, resourceName: string, configs: array(struct({ name: string, value: nullableString })) }),
  ),
  validateOnly: boolean,
});
export const alterConfigsResponse = struct({
  throttleTimeMs: int32,
  responses: array(struct({ errorCode: int16, errorMessage: nullableString, resourceType: int8, resourceName: string })),
});
