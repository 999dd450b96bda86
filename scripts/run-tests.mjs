#!/usr/bin/env node
// `npm test`: runs every vitest suite with a JSON report, then prints `N passed, N failed` from it,
// so that a run that executed no test is visible. Exit code: non-zero when anything failed or
// nothing ran.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outDir = path.join(root, '.test-results');
const report = path.join(outDir, 'vitest.json');
mkdirSync(outDir, { recursive: true });
if (existsSync(report)) rmSync(report);

const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);

if (!existsSync(report)) {
  console.log('0 passed, 1 failed');
  console.error('vitest wrote no JSON report (exit code ' + result.status + ')');
  process.exit(1);
}
const summary = JSON.parse(readFileSync(report, 'utf8'));
const passed = summary.numPassedTests ?? 0;
const failed = (summary.numFailedTests ?? 0) + (summary.numRuntimeErrorTestSuites ?? 0);
const skipped = (summary.numPendingTests ?? 0) + (summary.numTodoTests ?? 0);
const failedFiles = (summary.testResults ?? []).filter((r) => r.status === 'failed').map((r) => path.relative(root, r.name));
if (failedFiles.length) console.log('failed files:\n  ' + failedFiles.join('\n  '));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 || result.status !== 0 ? 1 : 0);
