/**
 * The listener at the byte level, with a hand-driven socket: framing limits, malformed requests,
 * bad batches, unknown APIs, pipelining, acks = 0, the connection limit. After every kind of bad
 * input the server must still serve other connections.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withLimits } from '../../../common/index.js';
import { encodeRecordBatch } from '../../../storage/log/index.js';
import { ApiKey, KafkaErrorCode, kafkaApis, kafkaProtocol as m, decode, encode, Reader } from '../../../server/kafka/index.js';
import { RawClient, startTestBroker, waitFor, type TestBroker } from './helpers.js';

let broker: TestBroker;
beforeEach(async () => {
  broker = await startTestBroker({ limits: withLimits({ kafkaFrameBytesMax: 1024 * 1024, kafkaConnectionsMax: 20 }) });
  await broker.log.createTopic('t', { partitions: 2 });
});
afterEach(async () => {
  await broker.close();
});

/** Proves the server still answers: a fresh connection gets an ApiVersions response. */
async function serverStillServes(): Promise<void> {
  const client = await RawClient.connect(broker.listener.port);
  const body = await client.request(ApiKey.ApiVersions, 2);
  expect(decode(m.apiVersionsResponseV1, body).errorCode).toBe(0);
  client.destroy();
}

function produceBody(topic: string, partition: number, records: Buffer, acks = -1): Buffer {
  return encode(m.produceRequest, { transactionalId: null, acks, timeoutMs: 1000, topics: [{ name: topic, partitions: [{ index: partition, records }] }] });
}

function batch(values: string[], options: Parameters<typeof encodeRecordBatch>[1] = {}): Buffer {
  return encodeRecordBatch(values.map((value) => ({ key: null, value })), { timestampMs: 1_000, ...options });
}

describe('ApiVersions', () => {
  it('advertises exactly the served APIs, for v0, v1 and v2', async () => {
    const client = await RawClient.connect(broker.listener.port);
    const v0 = decode(m.apiVersionsResponseV0, await client.request(ApiKey.ApiVersions, 0));
    const v2 = decode(m.apiVersionsResponseV1, await client.request(ApiKey.ApiVersions, 2));
    expect(v0.errorCode).toBe(0);
    expect(v2.apiKeys).toEqual(v0.apiKeys);
    const served = Object.fromEntries(v2.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion]]));
    expect(served).toMatchObject({
      0: [7, 7], 1: [11, 11], 2: [0, 3], 3: [0, 6], 8: [5, 5], 9: [4, 4], 10: [0, 2], 11: [5, 5], 12: [3, 3],
      13: [3, 3], 14: [3, 3], 15: [2, 2], 16: [2, 2], 18: [0, 2], 19: [3, 3], 20: [1, 1], 22: [1, 1], 32: [2, 2],
    });
    expect(v2.apiKeys).toHaveLength(Object.keys(kafkaApis).length);
    client.destroy();
  });

  it('answers an unknown ApiVersions version with a v0 body, error 35 and the list', async () => {
    const client = await RawClient.connect(broker.listener.port);
    const body = decode(m.apiVersionsResponseV0, await client.request(ApiKey.ApiVersions, 3, Buffer.from([0, 0, 0, 0])));
    expect(body.errorCode).toBe(KafkaErrorCode.UNSUPPORTED_VERSION);
    expect(body.apiKeys.length).toBeGreaterThan(10);
    // The connection stays usable: retry with v2.
    expect(decode(m.apiVersionsResponseV1, await client.request(ApiKey.ApiVersions, 2)).errorCode).toBe(0);
    client.destroy();
  });

  it('answers an unknown API key or version with UNSUPPORTED_VERSION and keeps the connection', async () => {
    const client = await RawClient.connect(broker.listener.port);
    expect(new Reader(await client.request(999, 0)).int16()).toBe(KafkaErrorCode.UNSUPPORTED_VERSION);
    expect(new Reader(await client.request(ApiKey.Produce, 3)).int16()).toBe(KafkaErrorCode.UNSUPPORTED_VERSION);
    expect(new Reader(await client.request(ApiKey.Fetch, 12)).int16()).toBe(KafkaErrorCode.UNSUPPORTED_VERSION);
    expect(decode(m.apiVersionsResponseV1, await client.request(ApiKey.ApiVersions, 1)).errorCode).toBe(0);
    expect(client.isClosed).toBe(false);
    client.destroy();
  });
});

describe('framing', () => {
  it('closes a connection whose frame declares a huge length, with a log line; others are unaffected', async () => {
    const healthy = await RawClient.connect(broker.listener.port);
    const bad = await RawClient.connect(broker.listener.port);
    bad.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 18, 0, 0]));
    await bad.closed;
    expect(broker.logger.lines.some((l) => l.level === 'warn' && /frame size/.test(String((l.fields as { reason?: string }).reason)))).toBe(true);
    expect(decode(m.apiVersionsResponseV1, await healthy.request(ApiKey.ApiVersions, 2)).errorCode).toBe(0);
    healthy.destroy();
  });

  it('closes on negative and too-small frame sizes', async () => {
    for (const size of [-1, 0, 3]) {
      const bad = await RawClient.connect(broker.listener.port);
      const frame = Buffer.alloc(4);
      frame.writeInt32BE(size);
      bad.write(frame);
      await bad.closed;
    }
    await serverStillServes();
  });

  it('a truncated frame waits for the rest; a client that hangs up mid-frame harms nobody', async () => {
    const client = await RawClient.connect(broker.listener.port);
    const { frame, correlationId } = client.frame(ApiKey.ApiVersions, 2, Buffer.alloc(0));
    const response = client.expect(correlationId);
    client.write(frame.subarray(0, 7));
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.write(frame.subarray(7));
    expect(decode(m.apiVersionsResponseV1, await response).errorCode).toBe(0);

    const quitter = await RawClient.connect(broker.listener.port);
    quitter.write(frame.subarray(0, frame.length - 2));
    quitter.end();
    await quitter.closed;
    await serverStillServes();
    client.destroy();
  });

  it('closes a connection whose request body lies about a length (string, array, bytes)', async () => {
    const cases: Array<[number, number, Buffer]> = [
      // Metadata v6: array of 1000000 topic names in a 9-byte body.
      [ApiKey.Metadata, 6, Buffer.from([0x00, 0x0f, 0x42, 0x40, 0, 1, 0x41, 1, 1])],
      // CreateTopics v3: a topic name declared 200 bytes long, 3 present.
      [ApiKey.CreateTopics, 3, Buffer.from([0, 0, 0, 1, 0, 200, 0x61, 0x62, 0x63])],
      // Produce v7 cut in the middle of the topics array.
      [ApiKey.Produce, 7, Buffer.from([0xff, 0xff, 0xff, 0xff])],
    ];
    for (const [apiKey, version, body] of cases) {
      const bad = await RawClient.connect(broker.listener.port);
      const reply = bad.request(apiKey, version, body).catch((error: Error) => error);
      expect(await reply).toBeInstanceOf(Error);
      await bad.closed;
    }
    expect(broker.logger.lines.filter((l) => l.message === 'kafka connection: closing')).toHaveLength(3);
    await serverStillServes();
  });

  it('handles pipelined requests in order, in one write', async () => {
    const client = await RawClient.connect(broker.listener.port);
    const a = client.frame(ApiKey.ApiVersions, 2, Buffer.alloc(0));
    const b = client.frame(ApiKey.Metadata, 6, encode(m.metadataRequest(6), { topics: ['t'], allowAutoTopicCreation: false }));
    const c = client.frame(ApiKey.ApiVersions, 0, Buffer.alloc(0));
    const order: number[] = [];
    const responses = [a, b, c].map((f) => client.expect(f.correlationId).then((body) => (order.push(f.correlationId), body)));
    client.write(Buffer.concat([a.frame, b.frame, c.frame]));
    const [, metadata] = await Promise.all(responses);
    expect(order).toEqual([a.correlationId, b.correlationId, c.correlationId]);
    expect(decode(m.metadataResponse(6), metadata!).topics[0]!.partitions).toHaveLength(2);
    client.destroy();
  });

  it('refuses connections over the limit, with a log line', async () => {
    await broker.close();
    broker = await startTestBroker({ limits: withLimits({ kafkaConnectionsMax: 2 }) });
    const first = await RawClient.connect(broker.listener.port);
    const second = await RawClient.connect(broker.listener.port);
    const third = await RawClient.connect(broker.listener.port);
    await third.closed;
    expect(broker.listener.stats().connectionsRejected).toBe(1);
    expect(broker.logger.lines.some((l) => /too many connections/.test(l.message))).toBe(true);
    expect(decode(m.apiVersionsResponseV1, await first.request(ApiKey.ApiVersions, 2)).errorCode).toBe(0);
    first.destroy();
    second.destroy();
    await waitFor(() => broker.listener.stats().connections === 0, 2_000, 'connections to close');
    await serverStillServes();
  });
});

describe('produce', () => {
  it('stores a good batch and answers with its base offset', async () => {
    const client = await RawClient.connect(broker.listener.port);
    const response = decode(m.produceResponse, await client.request(ApiKey.Produce, 7, produceBody('t', 1, batch(['a', 'b']))));
    expect(response.responses[0]!.partitions[0]).toMatchObject({ index: 1, errorCode: 0, baseOffset: 0 });
    expect(broker.log.offsets('t', 1).highWatermark).toBe(2);
    client.destroy();
  });

  it('rejects a batch with a bad CRC with CORRUPT_MESSAGE and stores nothing', async () => {
    const client = await RawClient.connect(broker.listener.port);
    const bad = batch(['hello', 'world']);
    bad[bad.length - 3] ^= 0xff;
    const response = decode(m.produceResponse, await client.request(ApiKey.Produce, 7, produceBody('t', 0, bad)));
    expect(response.responses[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.CORRUPT_MESSAGE);
    expect(broker.log.offsets('t', 0).highWatermark).toBe(0);
    // The connection is still fine.
    const good = decode(m.produceResponse, await client.request(ApiKey.Produce, 7, produceBody('t', 0, batch(['ok']))));
    expect(good.responses[0]!.partitions[0]!.errorCode).toBe(0);
    client.destroy();
  });

  it('rejects batches whose length fields are wrong, or truncated, with CORRUPT_MESSAGE', async () => {
    const client = await RawClient.connect(broker.listener.port);
    const good = batch(['x', 'y', 'z']);
    const longer = Buffer.from(good);
    longer.writeInt32BE(good.readInt32BE(8) + 10, 8);
    const shorter = Buffer.from(good);
    shorter.writeInt32BE(good.readInt32BE(8) - 5, 8);
    const twoBatches = Buffer.concat([good, good]);
    const truncated = good.subarray(0, 40);
    for (const records of [longer, shorter, twoBatches, truncated, Buffer.alloc(0)]) {
      const response = decode(m.produceResponse, await client.request(ApiKey.Produce, 7, produceBody('t', 0, records)));
      expect(response.responses[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.CORRUPT_MESSAGE);
    }
    expect(broker.log.offsets('t', 0).highWatermark).toBe(0);
    client.destroy();
    await serverStillServes();
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for missing topics and partitions', async () => {
    const client = await RawClient.connect(broker.listener.port);
    for (const [topic, partition] of [['missing', 0], ['t', 7]] as const) {
      const response = decode(m.produceResponse, await client.request(ApiKey.Produce, 7, produceBody(topic, partition, batch(['v']))));
      expect(response.responses[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    client.destroy();
  });

  it('sends no response for acks = 0, and the next response still matches its request', async () => {
    const client = await RawClient.connect(broker.listener.port);
    const silent = client.frame(ApiKey.Produce, 7, produceBody('t', 0, batch(['quiet']), 0));
    const next = client.frame(ApiKey.ApiVersions, 2, Buffer.alloc(0));
    let silentAnswered = false;
    void client.expect(silent.correlationId).then(() => (silentAnswered = true), () => {});
    const response = client.expect(next.correlationId);
    client.write(Buffer.concat([silent.frame, next.frame]));
    expect(decode(m.apiVersionsResponseV1, await response).errorCode).toBe(0);
    expect(silentAnswered).toBe(false);
    expect(broker.log.offsets('t', 0).highWatermark).toBe(1);
    client.destroy();
  });

  it('does not store a retried idempotent batch twice', async () => {
    const client = await RawClient.connect(broker.listener.port);
    const init = decode(m.initProducerIdResponse, await client.request(ApiKey.InitProducerId, 1, encode(m.initProducerIdRequest, { transactionalId: null, transactionTimeoutMs: 1000 })));
    expect(init.errorCode).toBe(0);
    const idempotent = batch(['once', 'twice'], { producerId: init.producerId, producerEpoch: init.producerEpoch, baseSequence: 0 });
    const first = decode(m.produceResponse, await client.request(ApiKey.Produce, 7, produceBody('t', 0, Buffer.from(idempotent))));
    const retry = decode(m.produceResponse, await client.request(ApiKey.Produce, 7, produceBody('t', 0, Buffer.from(idempotent))));
    expect(first.responses[0]!.partitions[0]).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(retry.responses[0]!.partitions[0]).toMatchObject({ errorCode: 0, baseOffset: 0 });
    expect(broker.log.offsets('t', 0).highWatermark).toBe(2);
    client.destroy();
  });
});

describe('fetch', () => {
  const fetchBody = (fetchOffset: number, options: { maxWaitMs?: number; minBytes?: number; maxBytes?: number; partitionMaxBytes?: number; partitions?: number[] } = {}) =>
    encode(m.fetchRequest, {
      replicaId: -1,
      maxWaitMs: options.maxWaitMs ?? 0,
      minBytes: options.minBytes ?? 1,
      maxBytes: options.maxBytes ?? 1024 * 1024,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 't',
          partitions: (options.partitions ?? [0]).map((partition) => ({
            partition,
            currentLeaderEpoch: -1,
            fetchOffset,
            logStartOffset: -1,
            partitionMaxBytes: options.partitionMaxBytes ?? 1024 * 1024,
          })),
        },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });

  it('returns stored batches byte for byte, and honours partition and response max bytes', async () => {
    const stored: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      const b = batch([`record-${i}`.padEnd(200, '.')]);
      await broker.log.append('t', 0, Buffer.from(b));
      await broker.log.append('t', 1, Buffer.from(b));
      stored.push(b);
    }
    const client = await RawClient.connect(broker.listener.port);
    const all = decode(m.fetchResponse, await client.request(ApiKey.Fetch, 11, fetchBody(0)));
    const p0 = all.responses[0]!.partitions[0]!;
    expect(p0).toMatchObject({ errorCode: 0, highWatermark: 3, lastStableOffset: 3, logStartOffset: 0 });
    const records = p0.records as Buffer;
    expect(records.length).toBe(stored.reduce((n, b) => n + b.length, 0));
    // Same bytes after the base offset (the log assigned offsets 0, 1, 2).
    expect(records.subarray(12 + 4, stored[0]!.length)).toEqual(stored[0]!.subarray(16));

    const one = decode(m.fetchResponse, await client.request(ApiKey.Fetch, 11, fetchBody(0, { partitionMaxBytes: stored[0]!.length })));
    expect((one.responses[0]!.partitions[0]!.records as Buffer).length).toBe(stored[0]!.length);
    // A first batch larger than the limit still comes out whole (progress), later ones do not.
    const tiny = decode(m.fetchResponse, await client.request(ApiKey.Fetch, 11, fetchBody(0, { partitionMaxBytes: 10 })));
    expect((tiny.responses[0]!.partitions[0]!.records as Buffer).length).toBe(stored[0]!.length);
    const bounded = decode(m.fetchResponse, await client.request(ApiKey.Fetch, 11, fetchBody(0, { maxBytes: stored[0]!.length + 10, partitions: [0, 1] })));
    expect((bounded.responses[0]!.partitions[0]!.records as Buffer).length).toBe(stored[0]!.length);
    expect((bounded.responses[0]!.partitions[1]!.records as Buffer).length).toBe(0);
    client.destroy();
  });

  it('answers OFFSET_OUT_OF_RANGE past the high watermark, at once', async () => {
    const client = await RawClient.connect(broker.listener.port);
    const started = Date.now();
    const response = decode(m.fetchResponse, await client.request(ApiKey.Fetch, 11, fetchBody(5, { maxWaitMs: 5_000 })));
    expect(response.responses[0]!.partitions[0]!.errorCode).toBe(KafkaErrorCode.OFFSET_OUT_OF_RANGE);
    expect(Date.now() - started).toBeLessThan(1_000);
    client.destroy();
  });

  it('waits max_wait_ms on an empty partition, and wakes as soon as data arrives', async () => {
    const client = await RawClient.connect(broker.listener.port);
    let started = Date.now();
    const empty = decode(m.fetchResponse, await client.request(ApiKey.Fetch, 11, fetchBody(0, { maxWaitMs: 300 })));
    const waited = Date.now() - started;
    expect(empty.responses[0]!.partitions[0]!.errorCode).toBe(0);
    expect(waited).toBeGreaterThanOrEqual(280);
    expect(waited).toBeLessThan(1_500);

    started = Date.now();
    const pending = client.request(ApiKey.Fetch, 11, fetchBody(0, { maxWaitMs: 10_000 }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await broker.log.append('t', 0, batch(['wake']));
    const woke = decode(m.fetchResponse, await pending);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((woke.responses[0]!.partitions[0]!.records as Buffer).length).toBeGreaterThan(0);
    client.destroy();
  });

  it('a parked fetch ends when the client goes away', async () => {
    const client = await RawClient.connect(broker.listener.port);
    void client.request(ApiKey.Fetch, 11, fetchBody(0, { maxWaitMs: 60_000 })).catch(() => {});
    await waitFor(() => (broker.listener.stats().requests.Fetch ?? 0) === 1, 2_000, 'the fetch');
    client.destroy();
    await waitFor(() => broker.listener.stats().connections === 0, 2_000, 'the connection to go');
  });
});
