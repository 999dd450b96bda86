/**
 * `npm run bench -- push [--scenario a|b|all] [--seconds N] [--subscribers N --rate R]
 *  [--pull-keys N] [--pull-rate R] [--pull-seconds N] [--skip-pull] [--only-pull] [--cpu-prof DIR]`:
 * WebSocket push-query load test on loopback, server and clients in separate processes.
 *
 * For each scenario ((a) 100 subscribers at 10k records/s, (b) 1,000 subscribers at 1k records/s,
 * or a custom one with --subscribers/--rate), `--seconds` (default 30) of load:
 * - Sluice: a server process (bench/push/server-process.ts) and a client process
 *   (bench/push/client-process.ts) holding N `ws` clients subscribed on /ws to
 *   `SELECT * FROM S EMIT CHANGES;` and a kafkajs producer appending one batch per 10 ms tick,
 *   each row carrying its send time and a sequence number;
 * - bare ws: the same client process against a bare `ws` server process that broadcasts the same
 *   pre-serialized rows (one line per tick from the producer -> one frame, encoded once).
 * Reported: delivered rows/s (all subscribers), frames/s, p50/p99 of receive - send, the server
 * process's RSS (idle, peak, end), rows dropped or received twice by subscribers that stayed
 * subscribed, and Sluice / bare ws. The CPU seconds of both processes show which one is the
 * limit (on 2 cores, one each); the server's CPU per row delivered, Sluice / bare ws, holds
 * even when the clients are the limit.
 * Then pull-query latency: a CTAS table of --pull-keys keys (default 1M), key lookups at
 * --pull-rate/s (open loop) for --pull-seconds, on POST /query-stream and on /ws.
 * `--cpu-prof DIR` runs the Sluice server process with `--cpu-prof` (profiles land in DIR).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberOption, parseOptions, printResultLine, printTable } from './util.js';
import type { ClientJob, PullResult, PushResult, RssReport, ServerJob, ServerReady } from './push/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SERVER_SCRIPT = path.join(here, 'push', 'server-process.js');
const CLIENT_SCRIPT = path.join(here, 'push', 'client-process.js');

interface Scenario {
  name: string;
  subscribers: number;
  rate: number;
}

/** A child process and the next IPC message of a given type. */
class Child {
  private readonly waiting: Array<{ type: string; resolve: (m: unknown) => void; reject: (e: Error) => void }> = [];
  readonly exited: Promise<number | null>;
  constructor(readonly process: ChildProcess, label: string) {
    process.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'error') {
        for (const w of this.waiting.splice(0)) w.reject(new Error(`${label}: ${message.message}`));
        return;
      }
      const index = this.waiting.findIndex((w) => w.type === message.type);
      if (index >= 0) this.waiting.splice(index, 1)[0]!.resolve(message);
    });
    this.exited = new Promise((resolve) => process.once('exit', (code) => resolve(code)));
    void this.exited.then((code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`${label} exited (code ${code}) before sending ${w.type}`));
    });
  }
  next<T>(type: string): Promise<T> {
    return new Promise<T>((resolve, reject) => this.waiting.push({ type, resolve: resolve as (m: unknown) => void, reject }));
  }
  async request<T>(message: { type: string }, reply: string): Promise<T> {
    const answer = this.next<T>(reply);
    this.process.send(message);
    return answer;
  }
}

function start(script: string, job: ServerJob | ClientJob, execArgv: string[], label: string): Child {
  return new Child(fork(script, [JSON.stringify(job)], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }), label);
}

async function withServer<T>(job: ServerJob, execArgv: string[], body: (ready: ServerReady, server: Child) => Promise<T>): Promise<T> {
  const server = start(SERVER_SCRIPT, job, execArgv, `${job.kind} server`);
  try {
    const ready = await server.next<ServerReady>('ready');
    return await body(ready, server);
  } finally {
    if (server.process.connected) server.process.send({ type: 'stop' });
    const timer = setTimeout(() => server.process.kill('SIGKILL'), 30_000);
    await server.exited;
    clearTimeout(timer);
  }
}

interface ScenarioRun {
  result: PushResult;
  rssIdleMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  serverCpuS: number;
}

async function runScenario(target: 'sluice' | 'bare', scenario: Scenario, seconds: number, cpuProf: string | null): Promise<ScenarioRun> {
  const execArgv = target === 'sluice' && cpuProf !== null ? ['--cpu-prof', '--cpu-prof-dir', cpuProf] : [];
  return withServer({ kind: target, pushQueriesMax: scenario.subscribers + 50 }, execArgv, async (ready, server) => {
    const idle = await server.request<RssReport>({ type: 'rss' }, 'rss');
    server.process.send({ type: 'rss-reset' });
    const client = start(CLIENT_SCRIPT, { kind: 'push', target, ...ready, subscribers: scenario.subscribers, rate: scenario.rate, seconds }, [], `${target} clients`);
    const result = await client.next<PushResult>('push-result');
    await client.exited;
    const end = await server.request<RssReport>({ type: 'rss' }, 'rss');
    return { result, rssIdleMb: idle.currentMb, rssPeakMb: end.peakMb, rssEndMb: end.currentMb, serverCpuS: end.cpuS - idle.cpuS };
  });
}

async function runPull(keys: number, rate: number, seconds: number, cpuProf: string | null): Promise<PullResult & { rssPeakMb: number }> {
  const execArgv = cpuProf !== null ? ['--cpu-prof', '--cpu-prof-dir', cpuProf] : [];
  return withServer({ kind: 'sluice', pushQueriesMax: 200 }, execArgv, async (ready, server) => {
    const client = start(CLIENT_SCRIPT, { kind: 'pull', httpPort: ready.httpPort, kafkaPort: ready.kafkaPort, keys, rate, seconds }, [], 'pull clients');
    const result = await client.next<PullResult>('pull-result');
    await client.exited;
    const rss = await server.request<RssReport>({ type: 'rss' }, 'rss');
    return { ...result, rssPeakMb: rss.peakMb };
  });
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args, {
    scenario: 'all',
    seconds: '30',
    subscribers: '',
    rate: '',
    'pull-keys': '1000000',
    'pull-rate': '1000',
    'pull-seconds': '10',
    'skip-pull': 'false',
    'only-pull': 'false',
    'cpu-prof': '',
  });
  const seconds = numberOption(options, 'seconds');
  const cpuProf = options['cpu-prof'] === '' ? null : path.resolve(options['cpu-prof']!);
  let scenarios: Scenario[] = [];
  if (options.subscribers !== '' || options.rate !== '') {
    scenarios = [{ name: 'custom', subscribers: numberOption(options, 'subscribers'), rate: numberOption(options, 'rate') }];
  } else {
    const a = { name: 'a', subscribers: 100, rate: 10_000 };
    const b = { name: 'b', subscribers: 1000, rate: 1000 };
    if (options.scenario === 'a') scenarios = [a];
    else if (options.scenario === 'b') scenarios = [b];
    else if (options.scenario === 'all') scenarios = [a, b];
    else throw new Error(`--scenario: expected a, b or all, found ${JSON.stringify(options.scenario)}`);
  }
  if (options['only-pull'] === 'true') scenarios = [];

  const figures: Record<string, number> = { seconds };
  const ratios: Record<string, number> = {};
  const rows: (string | number)[][] = [];
  for (const scenario of scenarios) {
    const label = `${scenario.name} (${scenario.subscribers} x ${scenario.rate}/s)`;
    const target = Math.floor(scenario.rate * seconds);
    const sluice = await runScenario('sluice', scenario, seconds, cpuProf);
    const bare = await runScenario('bare', scenario, seconds, null);
    for (const [name, run] of [['Sluice /ws', sluice], ['bare ws', bare]] as const) {
      const r = run.result;
      rows.push([label, name, target, r.produced, r.rowsPerS, r.framesPerS, r.p50, r.p99, `${r.keptUp}/${scenario.subscribers}`, r.dropped, r.duplicates, run.rssIdleMb, run.rssPeakMb, run.rssEndMb, run.serverCpuS, r.clientCpuS]);
      if (r.failures.length > 0 && r.failures.some((f) => f !== 'closing')) console.log(`  ${name} ${scenario.name}: subscribers ended: ${r.failures.join('; ')}`);
    }
    const n = scenario.name;
    const s = sluice.result;
    const b = bare.result;
    Object.assign(figures, {
      [`${n}_subscribers`]: scenario.subscribers,
      [`${n}_rate`]: scenario.rate,
      [`${n}_target`]: target,
      [`${n}_sluice_produced`]: s.produced,
      [`${n}_sluice_rows_per_s`]: s.rowsPerS,
      [`${n}_sluice_frames_per_s`]: s.framesPerS,
      [`${n}_sluice_p50_ms`]: s.p50,
      [`${n}_sluice_p99_ms`]: s.p99,
      [`${n}_sluice_dropped`]: s.dropped,
      [`${n}_sluice_duplicates`]: s.duplicates,
      [`${n}_sluice_failed_subscribers`]: scenario.subscribers - s.keptUp,
      [`${n}_sluice_server_rss_idle_mb`]: sluice.rssIdleMb,
      [`${n}_sluice_server_rss_peak_mb`]: sluice.rssPeakMb,
      [`${n}_sluice_server_rss_end_mb`]: sluice.rssEndMb,
      [`${n}_sluice_server_cpu_s`]: sluice.serverCpuS,
      [`${n}_sluice_client_cpu_s`]: s.clientCpuS,
      [`${n}_bare_produced`]: b.produced,
      [`${n}_bare_rows_per_s`]: b.rowsPerS,
      [`${n}_bare_frames_per_s`]: b.framesPerS,
      [`${n}_bare_p50_ms`]: b.p50,
      [`${n}_bare_p99_ms`]: b.p99,
      [`${n}_bare_dropped`]: b.dropped,
      [`${n}_bare_server_rss_peak_mb`]: bare.rssPeakMb,
      [`${n}_bare_server_cpu_s`]: bare.serverCpuS,
      [`${n}_bare_client_cpu_s`]: b.clientCpuS,
    });
    ratios[`${n}_sluice_over_bare_rows_per_s`] = s.rowsPerS / b.rowsPerS;
    // Server CPU per row delivered: what the server spends, whichever process was the limit.
    const sluiceCpuUsPerRow = (sluice.serverCpuS * 1e6) / Math.max(1, s.received);
    const bareCpuUsPerRow = (bare.serverCpuS * 1e6) / Math.max(1, b.received);
    figures[`${n}_sluice_server_cpu_us_per_row`] = sluiceCpuUsPerRow;
    figures[`${n}_bare_server_cpu_us_per_row`] = bareCpuUsPerRow;
    ratios[`${n}_sluice_over_bare_server_cpu_per_row`] = sluiceCpuUsPerRow / bareCpuUsPerRow;
    ratios[`${n}_sluice_produced_over_target`] = s.produced / target;
  }
  if (rows.length > 0) {
    printTable(
      `push: WebSocket subscribers on loopback, ${seconds} s each (server in one process, clients + producer in another)`,
      ['scenario', 'server', 'target', 'produced', 'rows/s', 'frames/s', 'p50 ms', 'p99 ms', 'kept up', 'dropped', 'duplicates', 'server RSS idle MB', 'peak MB', 'end MB', 'server CPU s', 'client CPU s'],
      rows,
    );
    for (const [key, value] of Object.entries(ratios)) console.log(`ratio ${key}: ${value.toFixed(3)}`);
  }

  if (options['skip-pull'] !== 'true') {
    const pull = await runPull(numberOption(options, 'pull-keys'), numberOption(options, 'pull-rate'), numberOption(options, 'pull-seconds'), cpuProf);
    printTable(
      `pull: key lookups on a ${pull.keys}-key CTAS table (open loop at ${options['pull-rate']}/s, ${options['pull-seconds']} s each)`,
      ['path', 'load s', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'skipped', 'server RSS peak MB', 'client CPU s'],
      [
        ['POST /query-stream', pull.loadSeconds, pull.rest.requests, pull.rest.rps, pull.rest.p50, pull.rest.p99, pull.rest.errors, pull.rest.skipped, pull.rssPeakMb, pull.rest.clientCpuS],
        ['/ws subscribe', pull.loadSeconds, pull.ws.requests, pull.ws.rps, pull.ws.p50, pull.ws.p99, pull.ws.errors, pull.ws.skipped, pull.rssPeakMb, pull.ws.clientCpuS],
      ],
    );
    for (const [name, f] of [['rest', pull.rest], ['ws', pull.ws]] as const) if (f.firstError !== null) console.log(`  pull ${name}: first error: ${f.firstError}`);
    Object.assign(figures, {
      pull_keys: pull.keys,
      pull_load_s: pull.loadSeconds,
      pull_server_rss_peak_mb: pull.rssPeakMb,
      pull_rest_requests: pull.rest.requests,
      pull_rest_requests_per_s: pull.rest.rps,
      pull_rest_p50_ms: pull.rest.p50,
      pull_rest_p99_ms: pull.rest.p99,
      pull_rest_errors: pull.rest.errors + pull.rest.skipped,
      pull_ws_requests_per_s: pull.ws.rps,
      pull_ws_p50_ms: pull.ws.p50,
      pull_ws_p99_ms: pull.ws.p99,
      pull_ws_errors: pull.ws.errors + pull.ws.skipped,
    });
  }
  printResultLine('push', figures, ratios);
}
