/**
 * The REST API on real sockets: the kafkajs client's request sequence over HTTP/1.1 (fetch), on
 * its own port and on Sluice's main port under /schema-registry — and, when its dependencies are
 * installed (`npm ci` in ../shared/clients), the real client script itself.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kafkajsFlow } from './flow.js';
import { fetchCall, listening } from './helpers.js';

const CLIENTS_DIR = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'clients');
const CLIENT_SCRIPT = path.join(CLIENTS_DIR, 'schema-registry.mjs');
const clientInstalled = existsSync(path.join(CLIENTS_DIR, 'node_modules', '@kafkajs', 'confluent-schema-registry'));

if (!clientInstalled) {
  console.warn(
    `skipping the @kafkajs/confluent-schema-registry client script: ${path.join(CLIENTS_DIR, 'node_modules')} is not installed ` +
      `(run \`npm ci\` in ${CLIENTS_DIR} to enable it); the same request sequence still runs over fetch below`,
  );
}

function runScript(url: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLIENT_SCRIPT, url], { cwd: CLIENTS_DIR, env: { ...process.env, SCHEMA_REGISTRY_URL: url } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

for (const embedded of [false, true]) {
  const where = embedded ? "on Sluice's main port under /schema-registry" : 'on its own port';
  describe(`schema registry over real sockets ${where}`, () => {
    it("answers the kafkajs client's request sequence", async () => {
      const server = await listening(embedded);
      try {
        await kafkajsFlow(fetchCall(server.url));
      } finally {
        await server.close();
      }
    });

    it.skipIf(!clientInstalled)('passes ../shared/clients/schema-registry.mjs', async () => {
      const server = await listening(embedded);
      try {
        const { code, output } = await runScript(server.url);
        expect(code, output).toBe(0);
      } finally {
        await server.close();
      }
    });
  });
}
