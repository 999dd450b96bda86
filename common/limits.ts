/**
 * Every limit Sluice enforces, with its default. Components take the limits they need from a
 * `Limits` object so that a server, a test or a benchmark can change them. Names end with units.
 */
export interface Limits {
  /** Largest record batch accepted by an append (Kafka's message.max.bytes). */
  batchBytesMax: number;
  /** Largest single record (key + value + headers) inside a batch. */
  recordBytesMax: number;
  /** Most partitions one topic may have. */
  partitionsPerTopicMax: number;
  /** Most topics the log holds. */
  topicsMax: number;
  /** Largest Kafka protocol frame the listener reads. */
  kafkaFrameBytesMax: number;
  /** Most concurrent Kafka client connections. */
  kafkaConnectionsMax: number;
  /** Largest HTTP request body. */
  httpBodyBytesMax: number;
  /** Longest SQL statement text. */
  statementCharsMax: number;
  /** Deepest expression nesting the parser accepts. */
  expressionDepthMax: number;
  /** Most concurrent push queries. */
  pushQueriesMax: number;
  /** Rows buffered per push-query subscriber before it is cut off. */
  pushQueueRowsMax: number;
  /** Bytes one task reads from the log per batch. */
  taskReadBytesMax: number;
}

export const defaultLimits: Readonly<Limits> = Object.freeze({
  batchBytesMax: 1_048_588,
  recordBytesMax: 1_048_576,
  partitionsPerTopicMax: 1_000,
  topicsMax: 10_000,
  kafkaFrameBytesMax: 100 * 1024 * 1024,
  kafkaConnectionsMax: 1_000,
  httpBodyBytesMax: 10 * 1024 * 1024,
  statementCharsMax: 1_000_000,
  expressionDepthMax: 500,
  pushQueriesMax: 100,
  pushQueueRowsMax: 10_000,
  taskReadBytesMax: 1024 * 1024,
});

export function withLimits(overrides: Partial<Limits> = {}): Limits {
  return { ...defaultLimits, ...overrides };
}
