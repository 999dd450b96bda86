/**
 * kafkajs 2.2.4 against the listener over real sockets: admin, producer, consumer, consumer
 * groups, idempotent producer, long poll.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import kafkajs from 'kafkajs';
import { startTestBroker, sleep, waitFor, type TestBroker } from './helpers.js';

const { CompressionTypes, Partitioners } = kafkajs;

let broker: TestBroker;
beforeEach(async () => {
  broker = await startTestBroker({ defaultPartitions: 1 });
});
afterEach(async () => {
  await broker.close();
});

describe('admin', () => {
  it('creates, describes and deletes topics', async () => {
    const admin = broker.kafka().admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }, { topic: 'users' }] })).toBe(true);
      // An existing topic makes createTopics answer false (TOPIC_ALREADY_EXISTS), not throw.
      expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] })).toBe(false);
      const metadata = await admin.fetchTopicMetadata({ topics: ['orders', 'users'] });
      const byName = new Map(metadata.topics.map((t) => [t.name, t]));
      expect(byName.get('orders')!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
      expect(byName.get('orders')!.partitions[0]).toMatchObject({ leader: 1, replicas: [1], isr: [1] });
      expect(byName.get('users')!.partitions).toHaveLength(1);
      expect((await admin.listTopics()).sort()).toEqual(expect.arrayContaining(['orders', 'users']));
      const offsets = await admin.fetchTopicOffsets('orders');
      expect(offsets.map((o) => [o.partition, o.low, o.high]).sort()).toEqual([
        [0, '0', '0'],
        [1, '0', '0'],
        [2, '0', '0'],
      ]);

      await admin.createPartitions({ topicPartitions: [{ topic: 'users', count: 2 }] });
      const after = await admin.fetchTopicMetadata({ topics: ['users'] });
      expect(after.topics[0]!.partitions).toHaveLength(2);

      const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: 'orders' }] });
      expect(configs.resources[0]!.errorCode).toBe(0);
      expect(configs.resources[0]!.configEntries.length).toBeGreaterThan(0);

      await admin.deleteTopics({ topics: ['orders'] });
      expect(await admin.listTopics()).not.toContain('orders');
      expect(broker.log.hasTopic('orders')).toBe(false);
    } finally {
      await admin.disconnect();
    }
  });

  it('auto-creates a topic on Metadata when asked, with the default partition count', async () => {
    const producer = broker.kafka().producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic: 'auto', messages: [{ value: 'x' }] });
    await producer.disconnect();
    expect(broker.log.describeTopic('auto').partitions).toBe(1);
  });

  it('does not auto-create when the listener is configured not to', async () => {
    await broker.close();
    broker = await startTestBroker({ autoCreateTopics: false });
    const producer = broker.kafka().producer({ allowAutoTopicCreation: true, retry: { retries: 0 } });
    await producer.connect();
    await expect(producer.send({ topic: 'never', messages: [{ value: 'x' }] })).rejects.toThrow(/does not host this topic-partition/);
    await producer.disconnect();
    expect(broker.log.hasTopic('never')).toBe(false);
  });

  it('finds offsets by timestamp (ListOffsets)', async () => {
    const producer = broker.kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'timed', messages: [10_000, 20_000, 30_000].map((t) => ({ value: String(t), timestamp: String(t) })) });
    await producer.disconnect();
    const admin = broker.kafka().admin();
    await admin.connect();
    expect(await admin.fetchTopicOffsetsByTimestamp('timed', 15_000)).toEqual([{ partition: 0, offset: '1' }]);
    expect(await admin.fetchTopicOffsetsByTimestamp('timed', 30_000)).toEqual([{ partition: 0, offset: '2' }]);
    // Past the last record Kafka answers -1, which kafkajs turns into the high watermark.
    expect(await admin.fetchTopicOffsetsByTimestamp('timed', 99_000)).toEqual([{ partition: 0, offset: '3' }]);
    await admin.disconnect();
  });

  it('refuses to auto-create when the client does not allow it', async () => {
    const producer = broker.kafka().producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
    await producer.connect();
    await expect(producer.send({ topic: 'nope', messages: [{ value: 'x' }] })).rejects.toThrow();
    await producer.disconnect();
    expect(broker.log.hasTopic('nope')).toBe(false);
  });
});

describe('producer and consumer', () => {
  it('round-trips keys, null keys, tombstones, headers, timestamps and gzip, in order per partition', async () => {
    const admin = broker.kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 4 }] });
    await admin.disconnect();

    const producer = broker.kafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    interface Sent { key: string | null; value: string | null; headers: Record<string, string>; timestamp: string }
    const sent: Sent[] = [];
    for (let round = 0; round < 3; round++) {
      const messages = Array.from({ length: 25 }, (_, i) => {
        const n = round * 25 + i;
        const key = n % 7 === 0 ? null : `key-${n % 5}`;
        const value = n % 11 === 3 ? null : `value-${n}`;
        return { key, value, headers: { seq: String(n), kind: n % 2 ? 'odd' : 'even' }, timestamp: String(1_700_000_000_000 + n) };
      });
      sent.push(...messages);
      const result = await producer.send({
        topic: 'events',
        acks: -1,
        compression: round === 1 ? CompressionTypes.GZIP : CompressionTypes.None,
        messages,
      });
      expect(result.every((r) => r.errorCode === 0)).toBe(true);
    }
    await producer.disconnect();

    const received: Array<{ partition: number; offset: number; key: string | null; value: string | null; headers: Record<string, string>; timestamp: string }> = [];
    const consumer = broker.kafka().consumer({ groupId: 'readers', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'events', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        received.push({
          partition,
          offset: Number(message.offset),
          key: message.key === null ? null : message.key.toString(),
          value: message.value === null ? null : message.value.toString(),
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
          timestamp: message.timestamp,
        });
      },
    });
    await waitFor(() => received.length >= sent.length, 10_000, 'all records');
    await consumer.disconnect();

    expect(received).toHaveLength(sent.length);
    const bySeq = new Map(received.map((r) => [Number(r.headers.seq), r]));
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2, 3].map((partitionId) => ({ partitionId, leader: 1 }));
    sent.forEach((s, n) => {
      const r = bySeq.get(n)!;
      expect(r).toMatchObject({ key: s.key, value: s.value, headers: s.headers, timestamp: s.timestamp });
      if (s.key !== null) {
        // Keys land where kafkajs's default (murmur2) partitioner puts them.
        expect(r.partition).toBe(partitioner({ topic: 'events', partitionMetadata, message: { key: s.key, value: s.value } }));
      }
    });
    // Within a partition, offsets follow the send order.
    for (let p = 0; p < 4; p++) {
      const inPartition = received.filter((r) => r.partition === p);
      const seqs = inPartition.map((r) => Number(r.headers.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(inPartition.map((r) => r.offset)).toEqual(inPartition.map((_, i) => i));
    }
  });

  it('acks 0 and acks 1 store the records', async () => {
    const producer = broker.kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'acks', acks: 1, messages: [{ value: 'one' }] });
    await producer.send({ topic: 'acks', acks: 0, messages: [{ value: 'zero' }] });
    await producer.send({ topic: 'acks', acks: -1, messages: [{ value: 'all' }] });
    await producer.disconnect();
    expect(broker.log.offsets('acks', 0).highWatermark).toBe(3);
  });
});

describe('consumer groups', () => {
  it('two members split 4 partitions; when one leaves the other resumes from its commits, nothing lost or read twice', async () => {
    const admin = broker.kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'work', numPartitions: 4 }] });

    const seen = new Map<string, string[]>(); // value -> consumers that got it
    const assignments = new Map<string, number[]>();
    const makeConsumer = async (name: string) => {
      const consumer = broker.kafka({ clientId: name }).consumer({
        groupId: 'workers',
        maxWaitTimeInMs: 100,
        sessionTimeout: 6_000,
        rebalanceTimeout: 3_000,
        heartbeatInterval: 100,
      });
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        assignments.set(name, [...(event.payload.memberAssignment.work ?? [])].sort());
      });
      await consumer.connect();
      await consumer.subscribe({ topic: 'work', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const value = message.value!.toString();
          seen.set(value, [...(seen.get(value) ?? []), name]);
        },
      });
      return consumer;
    };
    const a = await makeConsumer('a');
    await waitFor(() => assignments.get('a')?.length === 4, 10_000, 'a to own all partitions');
    const b = await makeConsumer('b');
    await waitFor(
      () => assignments.get('a')?.length === 2 && assignments.get('b')?.length === 2,
      15_000,
      'a and b to split the partitions',
    );
    expect([...assignments.get('a')!, ...assignments.get('b')!].sort()).toEqual([0, 1, 2, 3]);

    const producer = broker.kafka().producer();
    await producer.connect();
    const send = async (prefix: string) => {
      for (let p = 0; p < 4; p++) {
        await producer.send({ topic: 'work', messages: Array.from({ length: 10 }, (_, i) => ({ partition: p, value: `${prefix}-${p}-${i}` })) });
      }
    };
    await send('first');
    await waitFor(() => seen.size === 40, 10_000, 'the first 40 records');
    for (const [value, by] of seen) {
      const partition = Number(value.split('-')[1]);
      expect(by).toEqual([assignments.get('a')!.includes(partition) ? 'a' : 'b']);
    }

    await b.disconnect(); // commits, then leaves the group
    await waitFor(() => assignments.get('a')?.length === 4, 15_000, 'a to take over all partitions');
    await send('second');
    await waitFor(() => seen.size === 80, 10_000, 'the second 40 records');
    await sleep(300);
    for (const [value, by] of seen) {
      expect(by, `${value} was read once`).toHaveLength(1);
      if (value.startsWith('second')) expect(by).toEqual(['a']);
    }
    const committed = await admin.fetchOffsets({ groupId: 'workers', topics: ['work'] });
    await a.disconnect();
    expect(committed[0]!.partitions.map((p) => Number(p.offset))).toEqual([20, 20, 20, 20]);
    await producer.disconnect();
    await admin.disconnect();
  });

  it('a single member joining an empty group gets its assignment without delay', async () => {
    const producer = broker.kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'quick', messages: [{ value: 'x' }] });
    await producer.disconnect();
    const consumer = broker.kafka().consumer({ groupId: 'solo', maxWaitTimeInMs: 100 });
    let joinedAt = 0;
    consumer.on(consumer.events.GROUP_JOIN, () => (joinedAt = Date.now()));
    await consumer.connect();
    await consumer.subscribe({ topic: 'quick', fromBeginning: true });
    const started = Date.now();
    let got = 0;
    await consumer.run({ eachMessage: async () => void got++ });
    await waitFor(() => got === 1, 5_000, 'the record');
    expect(joinedAt - started).toBeLessThan(1_000);
    await consumer.disconnect();
  });
});

describe('idempotent producer', () => {
  it('a retried batch (response lost, connection dropped) is stored once', async () => {
    // A proxy in front of the listener swallows the first Produce response and cuts the
    // connection, so kafkajs retries the same batch with the same producer id and sequence.
    await broker.close();
    const proxy = await startProxy();
    broker = await startTestBroker({ advertisedPort: proxy.port });
    proxy.target = broker.listener.port;

    const kafka = broker.kafka();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'once', numPartitions: 1 }] });
    await admin.disconnect();

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    proxy.dropNextProduceResponse = true;
    await producer.send({ topic: 'once', acks: -1, messages: [{ value: 'a' }, { value: 'b' }] });
    expect(proxy.dropped).toBe(1);
    expect(proxy.produceRequests).toBeGreaterThanOrEqual(2);
    await producer.send({ topic: 'once', acks: -1, messages: [{ value: 'c' }] });
    await producer.disconnect();
    await proxy.close();

    expect(broker.log.offsets('once', 0).highWatermark).toBe(3);
  });
});

describe('long poll', () => {
  it('a consumer waiting on an empty topic gets a new record within 100 ms, and the server does not spin meanwhile', async () => {
    const admin = broker.kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'idle', numPartitions: 1 }, { topic: 'warmup', numPartitions: 1 }] });
    await admin.disconnect();
    const producer = broker.kafka().producer();
    await producer.connect();
    await producer.send({ topic: 'warmup', messages: [{ value: 'w' }] });

    let receivedAt = 0;
    const consumer = broker.kafka().consumer({ groupId: 'pollers', maxWaitTimeInMs: 2_500 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'idle', fromBeginning: true });
    await consumer.run({ eachMessage: async () => void (receivedAt = Date.now()) });
    const fetches = () => broker.listener.stats().requests.Fetch ?? 0;
    await waitFor(() => fetches() >= 1, 5_000, 'the first fetch');
    await sleep(200);

    const fetchesBefore = fetches();
    const cpuBefore = process.cpuUsage();
    await sleep(1_000);
    const cpu = process.cpuUsage(cpuBefore);
    const fetchesDuring = fetches() - fetchesBefore;
    // One fetch is parked for up to 2.5 s: at most the one in flight when the window opened ends.
    expect(fetchesDuring).toBeLessThanOrEqual(1);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(250);

    const sentAt = Date.now();
    await producer.send({ topic: 'idle', messages: [{ value: 'late' }] });
    await waitFor(() => receivedAt > 0, 2_000, 'the late record');
    expect(receivedAt - sentAt).toBeLessThan(100);
    await consumer.disconnect();
    await producer.disconnect();
  });
});

// ---------------------------------------------------------------------------------------------

interface Proxy {
  port: number;
  target: number;
  dropNextProduceResponse: boolean;
  dropped: number;
  produceRequests: number;
  close(): Promise<void>;
}

/** A TCP proxy that can swallow one Produce response and cut the connection. */
async function startProxy(): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const proxy: Proxy = {
    port: 0,
    target: 0,
    dropNextProduceResponse: false,
    dropped: 0,
    produceRequests: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((client) => {
    const upstream = connect(proxy.target, '127.0.0.1');
    sockets.add(client).add(upstream);
    const produceIds = new Set<number>();
    client.on('error', () => {});
    upstream.on('error', () => {});
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    frames(client, (frame) => {
      if (frame.readInt16BE(4) === 0) {
        produceIds.add(frame.readInt32BE(8));
        proxy.produceRequests += 1;
      }
      upstream.write(frame);
    });
    frames(upstream, (frame) => {
      const id = frame.readInt32BE(4);
      if (produceIds.has(id) && proxy.dropNextProduceResponse) {
        proxy.dropNextProduceResponse = false;
        proxy.dropped += 1;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(frame);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;
  return proxy;
}

function frames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4 && buffer.length >= 4 + buffer.readInt32BE(0)) {
      const size = buffer.readInt32BE(0);
      onFrame(buffer.subarray(0, 4 + size));
      buffer = buffer.subarray(4 + size);
    }
  });
}
