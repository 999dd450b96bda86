/** The protocol codec: primitives, schema round trips, and decoders that never trust a length. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isSluiceError } from '../../../common/index.js';
import { kafkaApis, kafkaProtocol as m, decode, encode, Reader, Writer } from '../../../server/kafka/index.js';

describe('primitives', () => {
  it('round-trips every primitive', () => {
    const w = new Writer()
      .int8(-5)
      .int16(-300)
      .int32(123456789)
      .int64(2 ** 50 + 7)
      .int64(-1)
      .boolean(true)
      .nullableString('héllo')
      .nullableString(null)
      .nullableBytes(Buffer.from([1, 2, 3]))
      .nullableBytes(null)
      .raw(Buffer.alloc(10_000, 7));
    const r = new Reader(w.toBuffer());
    expect([r.int8(), r.int16(), r.int32(), r.int64(), r.int64(), r.boolean(), r.nullableString(), r.nullableString()]).toEqual([
      -5,
      -300,
      123456789,
      2 ** 50 + 7,
      -1,
      true,
      'héllo',
      null,
    ]);
    expect(r.nullableBytes()).toEqual(Buffer.from([1, 2, 3]));
    expect(r.nullableBytes()).toBeNull();
    expect(r.remaining).toBe(10_000);
  });

  it('keeps large blobs as separate parts (no copy)', () => {
    const blob = Buffer.alloc(64 * 1024, 1);
    const w = new Writer().int32(1).raw(blob).int32(2);
    const parts = w.toBuffers();
    expect(parts).toContain(blob);
    expect(w.length).toBe(8 + blob.length);
  });

  it('refuses reads past the end with KAFKA_FRAME_INVALID', () => {
    const cases: Array<(r: Reader) => unknown> = [(r) => r.int32(), (r) => r.int64(), (r) => r.string(), (r) => r.bytes(), (r) => r.arrayLength(4)];
    for (const read of cases) {
      let caught: unknown;
      try {
        read(new Reader(Buffer.from([0, 5, 1])));
      } catch (error) {
        caught = error;
      }
      expect(isSluiceError(caught, 'KAFKA_FRAME_INVALID')).toBe(true);
    }
  });
});

describe('schemas', () => {
  it('round-trips requests of every served API and version', () => {
    const metadata = { topics: ['a', 'b'], allowAutoTopicCreation: true };
    for (let v = 0; v <= 6; v++) {
      const back = decode(m.metadataRequest(v), encode(m.metadataRequest(v), metadata));
      expect(back.topics).toEqual(['a', 'b']);
    }
    // v0: an empty list means all topics.
    expect(decode(m.metadataRequest(0), encode(m.metadataRequest(0), { topics: [], allowAutoTopicCreation: true })).topics).toBeNull();
    expect(decode(m.metadataRequest(6), encode(m.metadataRequest(6), { topics: null, allowAutoTopicCreation: false }))).toEqual({ topics: null, allowAutoTopicCreation: false });

    const listOffsets = { replicaId: -1, isolationLevel: 1, topics: [{ name: 't', partitions: [{ partitionIndex: 3, timestamp: -2, maxNumOffsets: 1 }] }] };
    for (let v = 0; v <= 3; v++) {
      const back = decode(m.listOffsetsRequest(v), encode(m.listOffsetsRequest(v), listOffsets));
      expect(back.topics).toEqual(listOffsets.topics);
    }
    const join = {
      groupId: 'g',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 60_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 2]) }],
    };
    expect(decode(m.joinGroupRequest, encode(m.joinGroupRequest, join))).toEqual(join);
  });

  it('round-trips versioned responses', () => {
    const metadata: m.MetadataResponse = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'h', port: 9092, rack: null }],
      clusterId: 'c',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 't',
          isInternal: false,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
        },
      ],
    };
    expect(decode(m.metadataResponse(6), encode(m.metadataResponse(6), metadata))).toEqual(metadata);
    expect(decode(m.metadataResponse(0), encode(m.metadataResponse(0), metadata)).topics[0]!.partitions).toHaveLength(1);
    const offsets: m.ListOffsetsResponse = { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0, timestamp: -1, offset: 42 }] }] };
    for (let v = 0; v <= 3; v++) expect(decode(m.listOffsetsResponse(v), encode(m.listOffsetsResponse(v), offsets)).topics[0]!.partitions[0]!.offset).toBe(42);
  });

  it('writes a fetch response from a list of batches without concatenating them', () => {
    const batches = [Buffer.alloc(5000, 1), Buffer.alloc(6000, 2)];
    const writer = new Writer();
    m.fetchResponse.write(writer, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 't',
          partitions: [
            { partitionIndex: 0, errorCode: 0, highWatermark: 9, lastStableOffset: 9, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1, records: batches },
          ],
        },
      ],
    });
    const parts = writer.toBuffers();
    expect(parts).toContain(batches[0]);
    expect(parts).toContain(batches[1]);
    const back = decode(m.fetchResponse, Buffer.concat(parts));
    expect(back.responses[0]!.partitions[0]!.records).toEqual(Buffer.concat(batches));
  });

  it('decoders of every served request throw only KAFKA_FRAME_INVALID on arbitrary bytes', () => {
    const decoders = Object.entries(kafkaApis).flatMap(([name, api]) =>
      Array.from({ length: api.maxVersion - api.minVersion + 1 }, (_, i) => ({ name, version: api.minVersion + i, type: api.request(api.minVersion + i) })),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: decoders.length - 1 }), fc.uint8Array({ maxLength: 200 }), (index, bytes) => {
        const { type } = decoders[index]!;
        try {
          type.read(new Reader(Buffer.from(bytes)));
        } catch (error) {
          if (!isSluiceError(error, 'KAFKA_FRAME_INVALID')) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never allocates for an array count larger than the bytes left', () => {
    const body = Buffer.from([0x7f, 0xff, 0xff, 0xff]);
    expect(() => decode(m.describeGroupsRequest, body)).toThrow(/array of 2147483647 elements/);
  });
});
