/**
 * Fetch as a real long poll: answer at once when at least `min_bytes` are ready (or a partition
 * has an error, or `max_wait_ms` is 0), otherwise wait on `log.waitForData` for every requested
 * partition until new data arrives or `max_wait_ms` passes. Nothing polls: between two reads the
 * handler sleeps on the log's wake-ups.
 *
 * Sizes follow Kafka (KIP-74): `partition_max_bytes` bounds each partition and `max_bytes` the
 * whole response, except that the first batch of the first non-empty partition is always returned
 * whole so a consumer makes progress. Batches go out exactly as stored.
 */
import type { Clock } from '../../common/index.js';
import type { Log } from '../../storage/log/index.js';
import { ErrorCode } from './protocol/constants.js';
import type { FetchRequest, FetchResponse } from './protocol/messages.js';
import { isUnexpected, kafkaErrorCodeOf, messageOf } from './errors.js';
import type { KafkaListenerLogger } from './logger.js';

export interface FetchDependencies {
  log: Log;
  clock: Clock;
  logger: KafkaListenerLogger;
  /** Cap on one response's record bytes, whatever the client asks (Kafka's fetch.max.bytes). */
  fetchResponseBytesMax: number;
}

type PartitionResponse = FetchResponse['responses'][number]['partitions'][number];

interface Wait {
  topic: string;
  partition: number;
  /** Wake when the high watermark goes above this. */
  offset: number;
}

interface Round {
  response: FetchResponse;
  bytes: number;
  hasError: boolean;
  waits: Wait[];
}

export async function handleFetch(deps: FetchDependencies, request: FetchRequest, signal: AbortSignal): Promise<FetchResponse> {
  const maxWaitMs = Math.max(0, request.maxWaitMs);
  const deadline = deps.clock.monotonicMs() + maxWaitMs;
  let round = await readOnce(deps, request);
  while (round.bytes < request.minBytes && !round.hasError && !signal.aborted) {
    const remainingMs = deadline - deps.clock.monotonicMs();
    if (remainingMs <= 0) break;
    const woke = await waitForAny(deps, round.waits, remainingMs, signal);
    round = await readOnce(deps, request);
    if (!woke) break;
  }
  return round.response;
}

async function readOnce(deps: FetchDependencies, request: FetchRequest): Promise<Round> {
  const { log } = deps;
  let budget = Math.max(0, Math.min(request.maxBytes, deps.fetchResponseBytesMax));
  let bytes = 0;
  let hasError = false;
  const waits: Wait[] = [];
  const responses: FetchResponse['responses'] = [];
  for (const topic of request.topics) {
    const partitions: PartitionResponse[] = [];
    for (const p of topic.partitions) {
      const answer: PartitionResponse = {
        partitionIndex: p.partition,
        errorCode: ErrorCode.NONE,
        highWatermark: -1,
        lastStableOffset: -1,
        logStartOffset: -1,
        abortedTransactions: [],
        preferredReadReplica: -1,
        records: [],
      };
      partitions.push(answer);
      try {
        if (!log.hasTopic(topic.topic)) {
          answer.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          hasError = true;
          continue;
        }
        const offsets = log.offsets(topic.topic, p.partition);
        setOffsets(answer, offsets.logStartOffset, offsets.highWatermark);
        if (p.fetchOffset < offsets.logStartOffset || p.fetchOffset > offsets.highWatermark) {
          answer.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
          hasError = true;
          continue;
        }
        waits.push({ topic: topic.topic, partition: p.partition, offset: offsets.highWatermark });
        if (p.fetchOffset === offsets.highWatermark || p.partitionMaxBytes <= 0) continue;
        if (budget <= 0 && bytes > 0) continue;
        const limit = Math.min(p.partitionMaxBytes, budget, deps.fetchResponseBytesMax);
        const read = await log.read(topic.topic, p.partition, p.fetchOffset, Math.max(1, limit));
        setOffsets(answer, read.logStartOffset, read.highWatermark);
        waits[waits.length - 1]!.offset = read.highWatermark;
        // Only the first non-empty partition may exceed the limits (so a big batch still gets out).
        if (read.bytes > limit && bytes > 0) continue;
        answer.records = read.batches;
        bytes += read.bytes;
        budget -= read.bytes;
      } catch (error) {
        answer.errorCode = kafkaErrorCodeOf(error);
        answer.records = [];
        hasError = true;
        if (isUnexpected(error)) {
          deps.logger.error({ topic: topic.topic, partition: p.partition, err: messageOf(error) }, 'kafka fetch: read failed');
        }
      }
    }
    responses.push({ topic: topic.topic, partitions });
  }
  return {
    response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses },
    bytes,
    hasError,
    waits,
  };
}

function setOffsets(answer: PartitionResponse, logStartOffset: number, highWatermark: number): void {
  answer.logStartOffset = logStartOffset;
  answer.highWatermark = highWatermark;
  // No transactions are ever open, so everything below the high watermark is stable.
  answer.lastStableOffset = highWatermark;
}

/** Resolves true when any partition got new data, false on timeout or abort. */
async function waitForAny(deps: FetchDependencies, waits: Wait[], timeoutMs: number, signal: AbortSignal): Promise<boolean> {
  const round = new AbortController();
  const onAbort = (): void => round.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (waits.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = deps.clock.setTimer(timeoutMs, resolve);
        round.signal.addEventListener('abort', () => {
          timer.cancel();
          resolve();
        }, { once: true });
      });
      return false;
    }
    const results = await Promise.all(
      waits.map((w) =>
        deps.log.waitForData(w.topic, w.partition, w.offset, timeoutMs, round.signal).then(
          (woke: boolean) => {
            if (woke) round.abort();
            return woke;
          },
          () => {
            // The partition went away (topic deleted...): read again to report it.
            round.abort();
            return true;
          },
        ),
      ),
    );
    return results.some(Boolean);
  } finally {
    signal.removeEventListener('abort', onAbort);
    round.abort();
  }
}
