/**
 * `--schema-registry-url`: a Sluice server using another Sluice server's registry over HTTP for
 * its AVRO statements, and refusing to start when that registry does not answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { startServer, type RunningServer } from '../../../server/app.js';
import { testServerConfig } from '../server-config.js';

const config = testServerConfig;

async function ksql(server: RunningServer, sql: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`http://127.0.0.1:${server.httpPort}/ksql`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ksql.v1+json' },
    body: JSON.stringify({ ksql: sql, streamsProperties: {} }),
  });
  return { status: response.status, body: await response.json() };
}

describe('--schema-registry-url', () => {
  const dirs: string[] = [];
  let registryServer: RunningServer;
  let client: RunningServer;
  let registryUrl: string;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) dirs.push(mkdtempSync(path.join(os.tmpdir(), 'sluice-external-registry-')));
    registryServer = await startServer(config(dirs[0]!));
    registryUrl = `http://127.0.0.1:${registryServer.httpPort}/schema-registry`;
    client = await startServer(config(dirs[1]!, { schemaRegistryUrl: registryUrl }));
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await registryServer?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('registers, infers and serves nothing itself', async () => {
    expect(client.describe().join('\n')).toContain(`Schema registry: external, ${registryUrl}`);
    const created = await ksql(client, "CREATE STREAM USERS (ID BIGINT KEY, NAME STRING) WITH (KAFKA_TOPIC='users', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO', PARTITIONS=1);");
    expect(created.status).toBe(200);
    const subjects = (await (await fetch(`${registryUrl}/subjects`)).json()) as string[];
    expect(subjects.sort()).toEqual(['users-key', 'users-value']);
    // schema inference through the external registry
    const inferred = await ksql(client, "CREATE STREAM AGAIN WITH (KAFKA_TOPIC='users', KEY_FORMAT='AVRO', VALUE_FORMAT='AVRO');");
    expect(inferred.status).toBe(200);
    const described = await ksql(client, 'DESCRIBE AGAIN;');
    expect(described.body[0].sourceDescription.fields.map((f: { name: string }) => f.name)).toEqual(['ROWKEY', 'NAME']);
    // the built-in registry is not served by the client
    expect((await fetch(`http://127.0.0.1:${client.httpPort}/schema-registry/subjects`)).status).toBe(404);
  });

  it('refuses to start when the registry does not answer, naming the URL', async () => {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const dead = `http://127.0.0.1:${port}/nothing-here`;
    await expect(startServer(config(dirs[2]!, { schemaRegistryUrl: dead }))).rejects.toThrow(/schema registry at http:\/\/127\.0\.0\.1:\d+\/nothing-here/);
    await expect(startServer(config(dirs[2]!, { schemaRegistryUrl: registryUrl, schemaRegistryPort: 0 }))).rejects.toThrow(/--schema-registry-port/);
  });
});
