import { describe, expect, it } from 'vitest';
import { CONSUMER_OFFSETS_TOPIC, KAFKA_LONG_MAX, validateTopicName } from '../../../../storage/log/index.js';
import { batchOf, expectRejection, expectThrows, harness, readAll } from './helpers.js';

describe('topic names', () => {
  it('accepts what Kafka accepts', () => {
    for (const name of ['a', 'orders', 'my.topic_v1-2', 'x'.repeat(249), '_schemas', '__consumer_offsets', '...']) validateTopicName(name);
  });
  it('refuses names that are empty, too long, dots, or carry other characters', () => {
    expectThrows(() => validateTopicName(''), 'LOG_TOPIC_NAME_INVALID', /non-empty/);
    expectThrows(() => validateTopicName('x'.repeat(250)), 'LOG_TOPIC_NAME_INVALID', /at most 249 characters, found 250/);
    expectThrows(() => validateTopicName('.'), 'LOG_TOPIC_NAME_INVALID');
    expectThrows(() => validateTopicName('..'), 'LOG_TOPIC_NAME_INVALID');
    for (const name of ['a/b', '../etc', 'a b', 'é', 'a\u0000']) expectThrows(() => validateTopicName(name), 'LOG_TOPIC_NAME_INVALID');
  });
});

describe('topics', () => {
  it('creates, lists, describes and deletes topics; the offsets topic exists from the start', async () => {
    const { open } = harness();
    const log = await open();
    expect(log.listTopics()).toEqual([CONSUMER_OFFSETS_TOPIC]);
    await log.createTopic('orders', { partitions: 3, configs: { 'retention.ms': '1000' } });
    await log.createTopic('_commands', { partitions: 1 });
    expect(log.listTopics()).toEqual(['__consumer_offsets', '_commands', 'orders']);
    expect(log.hasTopic('orders')).toBe(true);
    const description = log.describeTopic('orders');
    expect(description).toMatchObject({ name: 'orders', partitions: 3, internal: false });
    expect(description.configs['retention.ms']).toBe('1000');
    expect(description.configs['cleanup.policy']).toBe('delete');
    expect(log.describeTopic('_commands').internal).toBe(true);
    await expectRejection(log.createTopic('orders', { partitions: 1 }), 'LOG_TOPIC_EXISTS');
    await log.deleteTopic('orders');
    expect(log.hasTopic('orders')).toBe(false);
    expectThrows(() => log.describeTopic('orders'), 'LOG_TOPIC_NOT_FOUND');
    await expectRejection(log.append('orders', 0, batchOf(['x'])), 'LOG_TOPIC_NOT_FOUND');
    await expectRejection(log.deleteTopic(CONSUMER_OFFSETS_TOPIC), 'LOG_TOPIC_INTERNAL');
    await log.close();
  });

  it('a deleted and re-created topic starts empty', async () => {
    const { open } = harness();
    const log = await open();
    await log.createTopic('t', { partitions: 1 });
    await log.append('t', 0, batchOf(['old']));
    await log.deleteTopic('t');
    await log.createTopic('t', { partitions: 2 });
    expect(log.offsets('t', 0)).toEqual({ logStartOffset: 0, highWatermark: 0 });
    await log.append('t', 1, batchOf(['new']));
    expect((await readAll(log, 't', 1)).map((record) => record.value)).toEqual(['new']);
    await log.close();
  });

  it('validates partition counts against the limit and raises them', async () => {
    const { open } = harness({}, { partitionsPerTopicMax: 4 });
    const log = await open();
    await expectRejection(log.createTopic('t', { partitions: 0 }), 'LOG_PARTITIONS_INVALID');
    await expectRejection(log.createTopic('t', { partitions: 5 }), 'LOG_PARTITIONS_INVALID', /at most 4/);
    await log.createTopic('t', { partitions: 2 });
    await expectRejection(log.createPartitions('t', 2), 'LOG_PARTITIONS_INVALID', /more than the current 2/);
    await expectRejection(log.createPartitions('t', 5), 'LOG_PARTITIONS_INVALID');
    await log.createPartitions('t', 4);
    expect(log.describeTopic('t').partitions).toBe(4);
    await log.append('t', 3, batchOf(['p3']));
    await expectRejection(log.append('t', 4, batchOf(['p4'])), 'LOG_PARTITION_NOT_FOUND', /0\.\.3/);
    await log.close();
  });

  it('refuses more topics than limits.topicsMax', async () => {
    const { open } = harness({}, { topicsMax: 2 });
    const log = await open();
    await log.createTopic('a', { partitions: 1 }); // plus __consumer_offsets = 2
    await expectRejection(log.createTopic('b', { partitions: 1 }), 'LOG_TOO_MANY_TOPICS');
    await log.close();
  });

  it('validates configs by name and value', async () => {
    const { open } = harness();
    const log = await open();
    await expectRejection(log.createTopic('t', { partitions: 1, configs: { 'retention.mss': '5' } }), 'LOG_CONFIG_INVALID', /unknown topic config "retention.mss"/);
    await expectRejection(log.createTopic('t', { partitions: 1, configs: { 'retention.ms': 'soon' } }), 'LOG_CONFIG_INVALID', /an integer, found "soon"/);
    await expectRejection(log.createTopic('t', { partitions: 1, configs: { 'segment.bytes': '10' } }), 'LOG_CONFIG_INVALID', />= 14/);
    await expectRejection(log.createTopic('t', { partitions: 1, configs: { 'cleanup.policy': 'forever' } }), 'LOG_CONFIG_INVALID', /compact/);
    await expectRejection(log.createTopic('t', { partitions: 1, configs: { 'flush.messages': '5' } }), 'LOG_CONFIG_INVALID');
    expect(log.hasTopic('t')).toBe(false);
    await log.createTopic('t', { partitions: 1, configs: { 'cleanup.policy': 'delete,compact', 'segment.ms': '1000', 'retention.ms': KAFKA_LONG_MAX } });
    const configs = log.describeTopic('t').configs;
    expect(configs['cleanup.policy']).toBe('compact,delete');
    expect(configs['segment.ms']).toBe('1000');
    expect(configs['retention.ms']).toBe(KAFKA_LONG_MAX);
    await log.close();
  });

  it('persists configs, changes them, resets them to the server default', async () => {
    const { open } = harness({ retentionMs: 5000, durability: { kind: 'os' } });
    let log = await open();
    await log.createTopic('t', { partitions: 1, configs: { 'retention.bytes': '1000' } });
    await log.alterTopicConfigs('t', { 'retention.ms': '60000', 'flush.messages': '1' });
    await expectRejection(log.alterTopicConfigs('t', { 'retention.ms': '-5' }), 'LOG_CONFIG_INVALID');
    expect(log.topicConfig('t')).toMatchObject({ retentionMs: 60000, retentionBytes: 1000, durability: { kind: 'every-append' } });
    await log.close();
    log = await open();
    expect(log.topicConfig('t')).toMatchObject({ retentionMs: 60000, retentionBytes: 1000, durability: { kind: 'every-append' } });
    await log.alterTopicConfigs('t', { 'retention.ms': null, 'flush.messages': null, 'flush.ms': '250' });
    expect(log.topicConfig('t')).toMatchObject({ retentionMs: 5000, durability: { kind: 'interval', flushIntervalMs: 250 } });
    expect(log.describeTopic('t').configs).toMatchObject({ 'retention.ms': '5000', 'flush.ms': '250', 'flush.messages': KAFKA_LONG_MAX });
    await log.close();
  });

  it('forgets a topic whose creation never committed', async () => {
    const { open, fs } = harness();
    const log = await open();
    await log.close();
    fs.mkdirp('/data/topics/half/0');
    const reopened = await open();
    expect(reopened.hasTopic('half')).toBe(false);
    expect(fs.exists('/data/topics/half')).toBe(false);
    await reopened.close();
  });

  it('refuses everything once closed', async () => {
    const { open } = harness();
    const log = await open();
    await log.close();
    expectThrows(() => log.listTopics(), 'LOG_CLOSED');
    await expectRejection(log.createTopic('t', { partitions: 1 }), 'LOG_CLOSED');
  });
});
