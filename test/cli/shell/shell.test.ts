/**
 * The shell against a canned ksqlDB-shaped server (mock-server.ts): piped multi-line input,
 * --execute, --file, SET/DEFINE forwarded, RUN SCRIPT, Ctrl-C cancelling a push query, the
 * server-down message, JSON output, history; and the `sluice` program spawned for exit codes
 * and bare `sluice` opening the shell.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runShell, type RunShellOptions } from '../../../cli/shell/index.js';
import { startMockServer, type MockServer } from './mock-server.js';

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer();
});
afterAll(async () => {
  await server.close();
});

interface Run {
  code: Promise<number>;
  input: PassThrough;
  stdout(): string;
  stderr(): string;
  rl(): Promise<readline.Interface>;
}

function start(options: Partial<RunShellOptions> = {}): Run {
  const input = new PassThrough();
  const output = new PassThrough();
  const errorOutput = new PassThrough();
  let stdout = '';
  let stderr = '';
  output.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  errorOutput.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let resolveRl!: (rl: readline.Interface) => void;
  const rl = new Promise<readline.Interface>((resolve) => (resolveRl = resolve));
  const code = runShell({
    server: server.url,
    input,
    output,
    errorOutput,
    terminal: false,
    historyFile: null,
    width: 80,
    version: '0.1.0-test',
    onStart: ({ rl }) => resolveRl(rl),
    ...options,
  });
  return { code, input, stdout: () => stdout, stderr: () => stderr, rl: () => rl };
}

async function run(options: Partial<RunShellOptions>, stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const shell = start(options);
  if (stdin !== undefined) shell.input.end(stdin);
  const code = await shell.code;
  return { code, stdout: shell.stdout(), stderr: shell.stderr() };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function requestsSince(index: number) {
  return server.requests.slice(index).filter((r) => r.path !== '/info');
}

async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('sluice shell, interactive input', () => {
  it('shows a banner, runs multi-line statements from piped input, and renders entities and tables', async () => {
    const before = server.requests.length;
    const { code, stdout, stderr } = await run(
      {},
      [
        'SHOW',
        '  STREAMS;',
        'CREATE STREAM pageviews (',
        "  id STRING KEY, v DOUBLE  -- the value; a double",
        ") WITH (kafka_topic='pageviews', value_format='json'); DESCRIBE pageviews;",
        "SELECT * FROM T WHERE ID = 'a';",
        '',
      ].join('\n'),
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Sluice shell 0.1.0-test, server v0.29.0, RUNNING at ' + server.url);
    expect(stdout).toContain(' Stream Name         | Kafka Topic                 | Key Format | Value Format | Windowed\n');
    expect(stdout).toContain(' Stream created\n');
    expect(stdout).toContain(' ID    | VARCHAR(STRING)  (key)\n');
    expect(stdout).toContain(
      [
        '+----+-------+--------+',
        '| ID | TOTAL | TAGS   |',
        '+----+-------+--------+',
        '| a  | 3.0   | [x, y] |',
        '| bb | 12.25 | []     |',
        '+----+-------+--------+',
        '',
      ].join('\n'),
    );
    const sent = requestsSince(before);
    expect(sent.map((r) => r.path)).toEqual(['/ksql', '/ksql', '/query-stream']);
    expect(sent[0]!.body!['ksql']).toBe('SHOW\n  STREAMS;');
    // Consecutive statements go together, as ksqlDB's CLI sends them.
    expect(sent[1]!.body!['ksql']).toBe(
      "CREATE STREAM pageviews (\n  id STRING KEY, v DOUBLE  -- the value; a double\n) WITH (kafka_topic='pageviews', value_format='json');\nDESCRIBE pageviews;",
    );
    expect(sent[2]!.body).toEqual({ sql: "SELECT * FROM T WHERE ID = 'a';", properties: {}, sessionVariables: {} });
  });

  it('streams a push query until Ctrl-C, which closes the query and not the shell', async () => {
    const shell = start();
    const rl = await shell.rl();
    shell.input.write('SELECT * FROM pageviews EMIT CHANGES;\n');
    const queryId = await server.openPushQuery();
    await until(() => shell.stdout().includes('| first'), 'the first row');
    const ended = server.pushQueryEnded();
    rl.emit('SIGINT');
    await ended;
    expect(server.closed).toContain(queryId);
    shell.input.end('SHOW STREAMS;\n');
    expect(await shell.code).toBe(0);
    const stdout = shell.stdout();
    const afterQuery = stdout.slice(stdout.indexOf('| first'));
    expect(afterQuery).toMatch(/^\| first +\| 1\.0 +\|\n\+-+\+-+\+\nQuery terminated\n/);
    expect(afterQuery).toContain('Stream Name');
    expect(shell.stderr()).toBe('');
  });

  it('Ctrl-C at the prompt drops the statement being typed', async () => {
    const before = server.requests.length;
    const shell = start();
    const rl = await shell.rl();
    shell.input.write('SHOW\n');
    await new Promise((resolve) => setTimeout(resolve, 30));
    rl.emit('SIGINT');
    shell.input.end('SHOW STREAMS;\n');
    expect(await shell.code).toBe(0);
    expect(requestsSince(before).map((r) => r.body?.['ksql'])).toEqual(['SHOW STREAMS;']);
  });

  it('keeps history in a file, one entry per statement, and answers shell commands', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-shell-'));
    const historyFile = path.join(dir, 'history');
    const { code, stdout } = await run({ historyFile }, 'SHOW\nSTREAMS;\nhistory\noutput JSON\noutput\nexit\nSHOW TABLES;\n');
    expect(code).toBe(0);
    expect(readFileSync(historyFile, 'utf8')).toBe('SHOW STREAMS;\nhistory\noutput JSON\noutput\nexit\n');
    expect(stdout).toContain('   1: SHOW STREAMS;\n   2: history\n');
    expect(stdout).toContain('Output format set to JSON\nCurrent output format: JSON\n');
    expect(stdout).not.toContain('SHOW TABLES'); // after exit
  });

  it('version and server: show, and refuse to switch to a server that is down', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await run({}, `version\nserver\nserver http://127.0.0.1:${port}\nserver ${server.url}\n`);
    expect(stdout).toContain('Sluice shell 0.1.0-test, server 0.29.0\n');
    expect(stdout).toContain(`Server: ${server.url}\n`);
    expect(stdout).toContain(`Server now: ${server.url} (v0.29.0)\n`);
    expect(stderr).toContain(`Could not reach the server at http://127.0.0.1:${port}: connection refused.`);
    expect(code).toBe(1);
  });

  it('exits non-zero when piped input had an error', async () => {
    const { code, stderr } = await run({}, 'BROKEN;\nSHOW STREAMS;\n');
    expect(code).toBe(1);
    expect(stderr).toBe('Error 40001: line 1:1: Syntax Error\nStatement: BROKEN;\n');
  });
});

describe('sluice shell --execute and --file', () => {
  it('--execute runs the statements (the last may lack its ;) and exits 0', async () => {
    const { code, stdout, stderr } = await run({ execute: 'SHOW STREAMS; DESCRIBE pageviews' });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).not.toContain('Sluice shell'); // no banner
    expect(stdout).toContain('\nSHOW STREAMS;\n Stream Name ');
    expect(stdout).toContain('\nDESCRIBE pageviews;\nName                 : PAGEVIEWS\n');
  });

  it('--execute stops at the first error and exits 1', async () => {
    const before = server.requests.length;
    const { code, stdout, stderr } = await run({ execute: "BROKEN; SELECT * FROM T WHERE ID='a';" });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe('Error 40001: line 1:1: Syntax Error\nStatement: BROKEN;\n');
    expect(requestsSince(before).map((r) => r.path)).toEqual(['/ksql']);
  });

  it('a failing query prints the server error with its code', async () => {
    const { code, stderr } = await run({ execute: 'SELECT * FROM MISSING EMIT CHANGES;' });
    expect(code).toBe(1);
    expect(stderr).toBe('Error 40001: MISSING does not exist.\nStatement: SELECT * FROM MISSING EMIT CHANGES;\n');
  });

  it('--file: SET and DEFINE go with every request, RUN SCRIPT runs here, UNSET forgets', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-shell-'));
    writeFileSync(path.join(dir, 'more.sql'), "PRINT 'pageviews' FROM BEGINNING;\n");
    writeFileSync(
      path.join(dir, 'script.sql'),
      [
        '-- set up',
        "SET 'auto.offset.reset' = 'earliest';",
        "DEFINE topic = 'pageviews';",
        'CREATE STREAM pageviews (id STRING KEY, v DOUBLE)',
        "  WITH (kafka_topic='${topic}', value_format='json');",
        "INSERT INTO pageviews (id, v) VALUES ('a', 1.5);",
        'SELECT * FROM pageviews EMIT CHANGES LIMIT 2;',
        `RUN SCRIPT '${path.join(dir, 'more.sql')}';`,
        'SHOW VARIABLES;',
        "UNSET 'auto.offset.reset';",
        'SHOW PROPERTIES;',
        '',
      ].join('\n'),
    );
    const before = server.requests.length;
    const { code, stdout, stderr } = await run({ file: path.join(dir, 'script.sql') });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const sent = requestsSince(before);
    expect(sent.map((r) => r.path)).toEqual(['/is_valid_property/auto.offset.reset', '/ksql', '/query-stream', '/query-stream', '/ksql']);
    expect(sent[1]!.body).toEqual({
      ksql: "CREATE STREAM pageviews (id STRING KEY, v DOUBLE)\n  WITH (kafka_topic='${topic}', value_format='json');\nINSERT INTO pageviews (id, v) VALUES ('a', 1.5);",
      streamsProperties: { 'auto.offset.reset': 'earliest' },
      sessionVariables: { topic: 'pageviews' },
    });
    expect(sent[2]!.body).toEqual({
      sql: 'SELECT * FROM pageviews EMIT CHANGES LIMIT 2;',
      properties: { 'auto.offset.reset': 'earliest' },
      sessionVariables: { topic: 'pageviews' },
    });
    expect(sent[3]!.body!['sql']).toBe("PRINT 'pageviews' FROM BEGINNING;");
    expect(sent[4]!.body).toEqual({ ksql: 'SHOW PROPERTIES;', streamsProperties: {}, sessionVariables: { topic: 'pageviews' }, commandSequenceNumber: 2 });
    expect(stdout).toContain("Successfully changed local property 'auto.offset.reset' to 'earliest'. Use the UNSET command to revert your change.\n");
    expect(stdout).toMatch(/\| k0 +\| 0\.5 +\|\n\| k1 +\| 1\.5 +\|\n\+-+\+-+\+\nQuery terminated\n/);
    expect(stdout).toContain('rowtime: 2024/01/02 03:04:05.678 Z, key: a, value: {"V":1.5}, partition: 0\nTopic printing ceased\n');
    expect(stdout).toContain(' Variable Name | Value\n---------------------------\n topic         | pageviews\n');
    expect(stdout).toContain("Successfully unset local property 'auto.offset.reset' (value was 'earliest').\n");
  });

  it('a last statement ending in a comment, and a script that runs itself', async () => {
    const before = server.requests.length;
    expect((await run({ execute: 'SHOW STREAMS -- all of them' })).code).toBe(0);
    expect(requestsSince(before)[0]!.body!['ksql']).toBe('SHOW STREAMS -- all of them\n;');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-shell-'));
    const loop = path.join(dir, 'loop.sql');
    writeFileSync(loop, `RUN SCRIPT '${loop}';\n`);
    const { code, stderr } = await run({ file: loop });
    expect(code).toBe(1);
    expect(stderr).toBe('Error: RUN SCRIPT nested deeper than 16 scripts (does a script run itself?)\n');
    expect((await run({ execute: "RUN SCRIPT 'no-such-file.sql';" })).stderr).toBe('Error: Failed to read file: no-such-file.sql (ENOENT)\n');
  });

  it('a property the server refuses is an error', async () => {
    const { code, stderr } = await run({ execute: "SET 'ksql.internal.x' = '1';" });
    expect(code).toBe(1);
    expect(stderr).toBe("Error 40000: Cannot override property 'ksql.internal.x'\n");
  });

  it('--output JSON prints entities as JSON and rows as the server sent them', async () => {
    const { code, stdout } = await run({ format: 'JSON', execute: "SHOW STREAMS; SELECT * FROM T WHERE ID = 'a';" });
    expect(code).toBe(0);
    const [entities, rows] = stdout.split('\n]\n');
    expect(JSON.parse(`${entities}\n]`)[0]['@type']).toBe('streams');
    expect(rows).toBe(
      '{"queryId":"query_1700000000000","columnNames":["ID","TOTAL","TAGS"],"columnTypes":["STRING","DOUBLE","ARRAY<STRING>"]}\n["a",3.0,["x","y"]]\n["bb",12.25,[]]\n',
    );
  });
});

describe('sluice shell when the server is down', () => {
  it('--execute says how to start one and exits 1', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await run({ server: `http://127.0.0.1:${port}`, execute: 'SHOW STREAMS;' });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`Could not reach the server at http://127.0.0.1:${port}: connection refused. Is it running? Start one with 'npm start'.\n`);
  });

  it('the interactive shell says so in its banner and keeps going', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await run({ server: `127.0.0.1:${port}` }, 'help\nSELECT * FROM S EMIT CHANGES;\n');
    expect(stdout).toContain('Sluice shell 0.1.0-test\n');
    expect(stdout).toContain('SET \'property\' = \'value\';');
    const message = `Could not reach the server at http://127.0.0.1:${port}: connection refused. Is it running? Start one with 'npm start'.\n`;
    expect(stderr).toBe(message + message);
    expect(code).toBe(1);
  });
});

describe('the sluice program', () => {
  const fixture = path.join(import.meta.dirname, 'fixtures', 'sluice-shell.ts');
  function sluice(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
        cwd: path.resolve(import.meta.dirname, '..', '..', '..'),
        env: { ...process.env, SLUICE_HISTORY_FILE: path.join(mkdtempSync(path.join(os.tmpdir(), 'sluice-shell-')), 'history') },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });
  }

  it('sluice shell --execute: output and exit code 0', async () => {
    const result = await sluice(['shell', '--server', server.url, '--execute', 'SHOW STREAMS;']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(' PAGEVIEWS           | pageviews ');
  });

  it('sluice shell against a stopped server: the message and exit code 1', async () => {
    const port = await closedPort();
    const result = await sluice(['shell', `http://127.0.0.1:${port}`, '-e', 'SHOW STREAMS;']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Could not reach the server at http://127.0.0.1:${port}: connection refused. Is it running? Start one with 'npm start'.`);
  });

  it('bare sluice opens the shell', async () => {
    const result = await sluice(['--server', server.url], 'SHOW STREAMS;\n');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('server v0.29.0');
    expect(result.stdout).toContain(' PAGEVIEWS           | pageviews ');
  });
});
