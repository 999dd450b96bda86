/**
 * engine/windows — window arithmetic shared by the windowed aggregates, EMIT FINAL and pull
 * queries: TUMBLING / HOPPING window starts for a timestamp, SESSION merging bounds, ksqlDB's
 * default grace (24 h minus the size), store retention (size + grace unless RETENTION), and the
 * ranges EMIT FINAL emits as the close time (stream time - grace) advances. Pure functions.
 */
export {
  DEFAULT_GRACE_BASE_MS,
  WINDOW_END_MAX,
  NO_TIMESTAMP,
  windowSizeMs,
  windowAdvanceMs,
  graceMs,
  retentionMs,
  windowStartsFor,
  windowEnd,
  sameWindows,
  timeWindowEmitRange,
  sessionEmitRange,
  EmitThrottle,
  emitIntervalMs,
} from './windows.js';
