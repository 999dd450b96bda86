/**
 * queries/lifecycle — queries on the QueryRuntime: start a persistent query from its stored plan
 * (creating its sink topic when missing), terminate / pause / resume it, and run transient push
 * queries whose rows the caller reads from a bounded queue (`PushQueryHandle`).
 */
export { startPersistentQuery, stopPersistentQuery, pauseQuery, resumeQuery } from './persistent.js';
export { PushQueryHandle } from './push.js';
export type { PushColumn } from './push.js';
