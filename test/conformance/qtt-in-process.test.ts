/**
 * ksqlDB's query-validation tests, run in-process by `sluice test`'s runner over the corpus in
 * ../shared/conformance/corpus. Prints pass counts per file and per area, and fails when a file's
 * pass count drops below the committed baseline (test/conformance/baseline.json). Raise the
 * baseline as work lands (`UPDATE_BASELINE=1 npm test`); never lower it to make CI pass.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadCases, runTestCases } from '../../cli/test-runner/index.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const corpus = path.resolve(root, '..', 'shared', 'conformance', 'corpus', 'query-validation-tests');
const areasFile = path.resolve(root, '..', 'shared', 'conformance', 'areas.tsv');
const baselineFile = path.join(import.meta.dirname, 'baseline.json');

interface Baseline {
  /** Passing cases per corpus file. */
  files: Record<string, number>;
}

describe.skipIf(!existsSync(corpus))('ksqlDB query-validation tests, in-process', () => {
  it('passes at least the baseline in every file', { timeout: 900_000 }, async () => {
    const { cases, broken } = loadCases([corpus]);
    const summary = await runTestCases(cases, { caseTimeoutMs: 20_000 });
    const areas = new Map<string, string>();
    if (existsSync(areasFile)) {
      for (const line of readFileSync(areasFile, 'utf8').split('\n').slice(1)) {
        const [, file, , , , area] = line.split('\t');
        if (file && area) areas.set(path.basename(file), area);
      }
    }
    const byArea = new Map<string, { passed: number; failed: number; skipped: number }>();
    const passedByFile: Record<string, number> = {};
    const lines: string[] = [];
    for (const [file, counts] of [...summary.byFile].sort(([a], [b]) => a.localeCompare(b))) {
      const name = path.basename(file);
      passedByFile[name] = counts.passed;
      lines.push(`  ${name.padEnd(48)} ${String(counts.passed).padStart(4)} passed ${String(counts.failed).padStart(4)} failed ${String(counts.skipped).padStart(4)} skipped`);
      const area = areas.get(name) ?? 'other';
      const total = byArea.get(area) ?? { passed: 0, failed: 0, skipped: 0 };
      total.passed += counts.passed;
      total.failed += counts.failed;
      total.skipped += counts.skipped;
      byArea.set(area, total);
    }
    console.log(`QTT in-process, per file:\n${lines.join('\n')}`);
    console.log(
      `QTT in-process, per area (pass rate of runnable cases):\n${[...byArea]
        .map(([area, c]) => `  ${area.padEnd(20)} ${c.passed}/${c.passed + c.failed} (${(((c.passed / Math.max(1, c.passed + c.failed)) * 100) | 0)}%), ${c.skipped} skipped`)
        .join('\n')}`,
    );
    console.log(`QTT in-process: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped; ${broken.length} unreadable files`);

    const baseline: Baseline = existsSync(baselineFile) ? JSON.parse(readFileSync(baselineFile, 'utf8')) : { files: {} };
    if (process.env['UPDATE_BASELINE'] === '1') {
      const files: Record<string, number> = {};
      for (const name of Object.keys({ ...baseline.files, ...passedByFile }).sort()) {
        files[name] = Math.max(baseline.files[name] ?? 0, passedByFile[name] ?? 0);
      }
      writeFileSync(baselineFile, `${JSON.stringify({ files }, null, 2)}\n`);
    }
    const regressions = Object.entries(baseline.files)
      .filter(([name, count]) => (passedByFile[name] ?? 0) < count)
      .map(([name, count]) => `${name}: ${passedByFile[name] ?? 0} passed, baseline ${count}`);
    expect(regressions).toEqual([]);
  });
});

describe.skipIf(existsSync(corpus))('ksqlDB query-validation tests, in-process', () => {
  it('is skipped: ../shared/conformance/corpus is absent (a user clone without the shared folder)', () => {
    expect(existsSync(corpus)).toBe(false);
  });
});
