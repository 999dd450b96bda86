/**
 * Topic names and topic configs: Kafka's textual names (`retention.ms`...) to the typed
 * TopicConfig and back, with validation that names what is wrong.
 */
import { SluiceError, mismatch } from '../../common/index.js';
import type { CleanupPolicy, Durability, KafkaConfigMap, TopicConfig } from './types.js';

/** Kafka's "never" for long-valued configs. */
export const KAFKA_LONG_MAX = '9223372036854775807';
export const TOPIC_NAME_CHARS_MAX = 249;
const topicNamePattern = /^[a-zA-Z0-9._-]+$/;

/** Kafka's rules: [a-zA-Z0-9._-], 1..249 characters, not '.' or '..'. No name can leave the data directory. */
export function validateTopicName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw mismatch('LOG_TOPIC_NAME_INVALID', 'topic name', 'a non-empty string', JSON.stringify(name));
  }
  if (name.length > TOPIC_NAME_CHARS_MAX) {
    throw mismatch('LOG_TOPIC_NAME_INVALID', 'topic name length', `at most ${TOPIC_NAME_CHARS_MAX} characters`, String(name.length));
  }
  if (name === '.' || name === '..') throw mismatch('LOG_TOPIC_NAME_INVALID', 'topic name', "a name other than '.' and '..'", JSON.stringify(name));
  if (!topicNamePattern.test(name)) {
    throw mismatch('LOG_TOPIC_NAME_INVALID', `topic name ${JSON.stringify(name)}`, 'only ASCII letters, digits, ".", "_" and "-"', JSON.stringify(name.replace(/[a-zA-Z0-9._-]/g, '')));
  }
}

/** Kafka's broker defaults, except durability (Sluice flushes every second unless told otherwise). */
export const defaultTopicConfig: Readonly<TopicConfig> = Object.freeze({
  retentionMs: 604_800_000,
  retentionBytes: -1,
  segmentBytes: 1_073_741_824,
  cleanupPolicy: 'delete',
  minCompactionLagMs: 0,
  deleteRetentionMs: 86_400_000,
  maxMessageBytes: 1_048_588,
  durability: Object.freeze({ kind: 'interval', flushIntervalMs: 1000 }) as Durability,
});

/** The smallest segment Kafka accepts. */
export const SEGMENT_BYTES_MIN = 14;
/** Positions inside a segment are int32 in the index files. */
export const SEGMENT_BYTES_MAX = 2_147_483_647;

function parseLong(name: string, text: string, minimum: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw mismatch('LOG_CONFIG_INVALID', `config ${name}`, 'an integer', JSON.stringify(text));
  const big = BigInt(text.trim());
  if (big < BigInt(minimum)) throw mismatch('LOG_CONFIG_INVALID', `config ${name}`, `an integer >= ${minimum}`, text);
  if (big > BigInt(KAFKA_LONG_MAX)) throw mismatch('LOG_CONFIG_INVALID', `config ${name}`, `an integer <= ${KAFKA_LONG_MAX}`, text);
  return big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
}

function parseInt32(name: string, text: string, minimum: number, maximum = 2_147_483_647): number {
  const value = parseLong(name, text, minimum);
  if (value > maximum) throw mismatch('LOG_CONFIG_INVALID', `config ${name}`, `an integer <= ${maximum}`, text);
  return value;
}

export function parseCleanupPolicy(text: string): CleanupPolicy {
  const parts = [...new Set(text.split(',').map((part) => part.trim().toLowerCase()).filter((part) => part.length > 0))].sort();
  const joined = parts.join(',');
  if (joined === 'delete') return 'delete';
  if (joined === 'compact') return 'compact';
  if (joined === 'compact,delete') return 'compact,delete';
  throw mismatch('LOG_CONFIG_INVALID', 'config cleanup.policy', '"delete", "compact" or "compact,delete"', JSON.stringify(text));
}

/** Configs Kafka clients and Kafka Streams send that Sluice stores and reports but does not act on. */
const acceptedWithoutEffect: Record<string, (text: string) => void> = {
  'segment.ms': (text) => void parseLong('segment.ms', text, 1),
  'segment.jitter.ms': (text) => void parseLong('segment.jitter.ms', text, 0),
  'segment.index.bytes': (text) => void parseInt32('segment.index.bytes', text, 4),
  'index.interval.bytes': (text) => void parseInt32('index.interval.bytes', text, 0),
  'max.compaction.lag.ms': (text) => void parseLong('max.compaction.lag.ms', text, 1),
  'min.cleanable.dirty.ratio': (text) => {
    const ratio = Number(text);
    if (!(ratio >= 0 && ratio <= 1)) throw mismatch('LOG_CONFIG_INVALID', 'config min.cleanable.dirty.ratio', 'a number in [0, 1]', text);
  },
  'file.delete.delay.ms': (text) => void parseLong('file.delete.delay.ms', text, 0),
  'min.insync.replicas': (text) => void parseInt32('min.insync.replicas', text, 1),
  'unclean.leader.election.enable': (text) => parseBoolean('unclean.leader.election.enable', text),
  'preallocate': (text) => parseBoolean('preallocate', text),
  'message.downconversion.enable': (text) => parseBoolean('message.downconversion.enable', text),
  'compression.type': (text) => {
    if (!['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'].includes(text)) {
      throw mismatch('LOG_CONFIG_INVALID', 'config compression.type', 'uncompressed, zstd, lz4, snappy, gzip or producer', text);
    }
  },
  'message.timestamp.type': (text) => {
    if (text !== 'CreateTime') throw mismatch('LOG_CONFIG_INVALID', 'config message.timestamp.type', 'CreateTime (LogAppendTime is not supported)', text);
  },
  'message.timestamp.difference.max.ms': (text) => void parseLong('message.timestamp.difference.max.ms', text, 0),
  'leader.replication.throttled.replicas': () => undefined,
  'follower.replication.throttled.replicas': () => undefined,
};

function parseBoolean(name: string, text: string): void {
  if (text !== 'true' && text !== 'false') throw mismatch('LOG_CONFIG_INVALID', `config ${name}`, 'true or false', text);
}

/** Config names whose values change TopicConfig. */
export const effectiveConfigNames = [
  'retention.ms',
  'retention.bytes',
  'segment.bytes',
  'cleanup.policy',
  'min.compaction.lag.ms',
  'delete.retention.ms',
  'max.message.bytes',
  'flush.messages',
  'flush.ms',
] as const;
type EffectiveConfigName = (typeof effectiveConfigNames)[number];

function isEffectiveName(name: string): name is EffectiveConfigName {
  return (effectiveConfigNames as readonly string[]).includes(name);
}

/** Checks every name and value; throws LOG_CONFIG_INVALID naming the first bad one. */
export function validateConfigMap(configs: KafkaConfigMap): void {
  for (const [name, value] of Object.entries(configs)) {
    if (typeof value !== 'string') throw mismatch('LOG_CONFIG_INVALID', `config ${name}`, 'a string value', JSON.stringify(value));
    if (isEffectiveName(name)) applyOne({ ...defaultTopicConfig }, name, value);
    else if (name in acceptedWithoutEffect) acceptedWithoutEffect[name]!(value);
    else {
      throw new SluiceError('LOG_CONFIG_INVALID', `unknown topic config ${JSON.stringify(name)}: expected one of ${[...effectiveConfigNames, ...Object.keys(acceptedWithoutEffect)].join(', ')}`, {
        expected: 'a known topic config name',
        found: name,
      });
    }
  }
}

function applyOne(config: TopicConfig, name: EffectiveConfigName, text: string): void {
  switch (name) {
    case 'retention.ms':
      config.retentionMs = parseLong(name, text, -1);
      return;
    case 'retention.bytes':
      config.retentionBytes = parseLong(name, text, -1);
      return;
    case 'segment.bytes':
      config.segmentBytes = parseInt32(name, text, SEGMENT_BYTES_MIN, SEGMENT_BYTES_MAX);
      return;
    case 'cleanup.policy':
      config.cleanupPolicy = parseCleanupPolicy(text);
      return;
    case 'min.compaction.lag.ms':
      config.minCompactionLagMs = parseLong(name, text, 0);
      return;
    case 'delete.retention.ms':
      config.deleteRetentionMs = parseLong(name, text, 0);
      return;
    case 'max.message.bytes':
      config.maxMessageBytes = parseInt32(name, text, 0);
      return;
    case 'flush.messages': {
      const messages = parseLong(name, text, 1);
      if (messages === 1) config.durability = { kind: 'every-append' };
      else if (messages === Number.MAX_SAFE_INTEGER) {
        if (config.durability.kind === 'every-append') config.durability = { kind: 'os' };
      } else {
        throw mismatch('LOG_CONFIG_INVALID', 'config flush.messages', `1 (fsync every append) or ${KAFKA_LONG_MAX} (by time or by the OS)`, text);
      }
      return;
    }
    case 'flush.ms': {
      const intervalMs = parseLong(name, text, 0);
      if (config.durability.kind === 'every-append') return; // flush.messages=1 wins
      if (intervalMs === 0) config.durability = { kind: 'every-append' };
      else if (intervalMs === Number.MAX_SAFE_INTEGER) config.durability = { kind: 'os' };
      else config.durability = { kind: 'interval', flushIntervalMs: intervalMs };
      return;
    }
  }
}

/** Applies Kafka-named overrides (validated) on top of `base`. flush.messages is applied before flush.ms. */
export function resolveTopicConfig(base: TopicConfig, overrides: KafkaConfigMap): TopicConfig {
  validateConfigMap(overrides);
  const config: TopicConfig = { ...base, durability: { ...base.durability } };
  const names = Object.keys(overrides).filter(isEffectiveName);
  names.sort((a, b) => (a === 'flush.ms' ? 1 : 0) - (b === 'flush.ms' ? 1 : 0));
  for (const name of names) applyOne(config, name, overrides[name]!);
  return config;
}

/** Validates a typed config (server defaults come in typed). */
export function validateTopicConfig(config: TopicConfig): void {
  const check = (ok: boolean, what: string, expected: string, found: unknown): void => {
    if (!ok) throw mismatch('CONFIG_INVALID', `log default ${what}`, expected, String(found));
  };
  check(Number.isInteger(config.retentionMs) && config.retentionMs >= -1, 'retentionMs', 'an integer >= -1', config.retentionMs);
  check(Number.isInteger(config.retentionBytes) && config.retentionBytes >= -1, 'retentionBytes', 'an integer >= -1', config.retentionBytes);
  check(
    Number.isInteger(config.segmentBytes) && config.segmentBytes >= SEGMENT_BYTES_MIN && config.segmentBytes <= SEGMENT_BYTES_MAX,
    'segmentBytes',
    `an integer in [${SEGMENT_BYTES_MIN}, ${SEGMENT_BYTES_MAX}]`,
    config.segmentBytes,
  );
  check(['delete', 'compact', 'compact,delete'].includes(config.cleanupPolicy), 'cleanupPolicy', 'delete, compact or compact,delete', config.cleanupPolicy);
  check(Number.isInteger(config.minCompactionLagMs) && config.minCompactionLagMs >= 0, 'minCompactionLagMs', 'an integer >= 0', config.minCompactionLagMs);
  check(Number.isInteger(config.deleteRetentionMs) && config.deleteRetentionMs >= 0, 'deleteRetentionMs', 'an integer >= 0', config.deleteRetentionMs);
  check(Number.isInteger(config.maxMessageBytes) && config.maxMessageBytes >= 0, 'maxMessageBytes', 'an integer >= 0', config.maxMessageBytes);
  const durability = config.durability;
  check(
    durability.kind === 'every-append' || durability.kind === 'os' || (durability.kind === 'interval' && Number.isInteger(durability.flushIntervalMs) && durability.flushIntervalMs > 0),
    'durability',
    'every-append, os, or interval with flushIntervalMs > 0',
    JSON.stringify(durability),
  );
}

/** Effective configs as Kafka strings, overrides that have no typed field included. */
export function describeConfig(config: TopicConfig, overrides: KafkaConfigMap): KafkaConfigMap {
  const longText = (value: number): string => (value >= Number.MAX_SAFE_INTEGER ? KAFKA_LONG_MAX : String(value));
  const described: KafkaConfigMap = {
    'retention.ms': longText(config.retentionMs),
    'retention.bytes': longText(config.retentionBytes),
    'segment.bytes': String(config.segmentBytes),
    'cleanup.policy': config.cleanupPolicy,
    'min.compaction.lag.ms': longText(config.minCompactionLagMs),
    'delete.retention.ms': longText(config.deleteRetentionMs),
    'max.message.bytes': String(config.maxMessageBytes),
    'flush.messages': config.durability.kind === 'every-append' ? '1' : KAFKA_LONG_MAX,
    'flush.ms': config.durability.kind === 'interval' ? String(config.durability.flushIntervalMs) : config.durability.kind === 'every-append' ? '0' : KAFKA_LONG_MAX,
  };
  for (const [name, value] of Object.entries(overrides)) if (!(name in described)) described[name] = value;
  return described;
}
