/**
 * The shell against a real Sluice server (server/index.ts `startServer`): CREATE STREAM, INSERT
 * and a push query with LIMIT, through `--execute`.
 *
 * Skipped while `startServer` does not serve the REST API (its RunningServer reports no HTTP
 * port); it runs by itself once it does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runShell } from '../../../cli/shell/index.js';
import { startServer } from '../../../server/index.js';

/** The REST API's address, under whichever name RunningServer gives it. */
function restUrlOf(server: object): string | null {
  const s = server as Record<string, unknown>;
  for (const key of ['httpUrl', 'restUrl', 'url']) {
    if (typeof s[key] === 'string' && /^https?:\/\//.test(s[key] as string)) return s[key] as string;
  }
  const http = s['http'] as Record<string, unknown> | undefined;
  const port = s['httpPort'] ?? s['restPort'] ?? http?.['port'];
  return typeof port === 'number' && port > 0 ? `http://127.0.0.1:${port}` : null;
}

describe('sluice shell against a real server', () => {
  it('CREATE STREAM, INSERT INTO ... VALUES, SELECT ... EMIT CHANGES LIMIT 1', async (ctx) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-shell-e2e-'));
    const server = await startServer({
      dataDir,
      host: '127.0.0.1',
      httpPort: 0,
      kafkaHost: '127.0.0.1',
      kafkaPort: 0,
      defaultPartitions: 1,
      autoCreateTopics: true,
      flush: 'os',
    });
    try {
      const url = restUrlOf(server);
      if (url === null) ctx.skip('server/index.ts startServer does not serve the REST API yet (its RunningServer has no HTTP port)');
      const output = new PassThrough();
      const errorOutput = new PassThrough();
      let stdout = '';
      let stderr = '';
      output.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      errorOutput.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await runShell({
        server: url!,
        execute: [
          "SET 'auto.offset.reset' = 'earliest';",
          "CREATE STREAM riders (id STRING KEY, lat DOUBLE) WITH (kafka_topic='riders', partitions=1, value_format='json');",
          "INSERT INTO riders (id, lat) VALUES ('r1', 37.5);",
          'SELECT id, lat FROM riders EMIT CHANGES LIMIT 1;',
        ].join('\n'),
        input: new PassThrough(),
        output,
        errorOutput,
        historyFile: null,
        width: 80,
        version: 'e2e',
      });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(' Stream created');
      expect(stdout).toMatch(/\| ID +\| LAT +\|/);
      expect(stdout).toMatch(/\| r1 +\| 37\.5 +\|/);
      expect(stdout).toContain('Query terminated');
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
