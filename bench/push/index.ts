/**
 * bench/push — the processes of `npm run bench -- push` (the driver is bench/push.ts):
 *
 *   server-process.ts  the server, in a process of its own: Sluice, or a bare `ws` broadcaster
 *   client-process.ts  the WebSocket clients and the producer (push), or the lookups (pull)
 *   shared.ts          the jobs and results passed over IPC, the latency histogram
 *
 * The two process files are run with `fork`, never imported.
 */
export type { ClientJob, PullFigures, PullJob, PullResult, PushJob, PushResult, RssReport, ServerJob, ServerReady } from './shared.js';
