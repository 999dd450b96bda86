/**
 * cli/test-runner — `sluice test`: runs ksqlDB's test formats in-process (query-validation JSON
 * files, and ksql-test-runner's statements/input/output trio) deterministically, printing one
 * line per case and `N passed, N failed, N skipped`.
 */
import { findTestFiles, loadTestFile, loadTestRunnerTrio, type TestCase } from './corpus.js';
import { createInProcessEngine } from './in-process-engine.js';
import { runCase, type CaseOutcome } from './runner.js';

export { findTestFiles, loadTestFile, loadTestRunnerTrio, expandTests, splitStatementsLoosely } from './corpus.js';
export type { TestCase, TestRecord } from './corpus.js';
export { runCase, skipReason } from './runner.js';
export type { CaseOutcome, EngineUnderTest, RunCaseOptions } from './runner.js';
export { createInProcessEngine } from './in-process-engine.js';
export { parseLenientJson, NumberText } from './lenient-json.js';

export interface CaseResult {
  file: string;
  name: string;
  outcome: CaseOutcome;
}

export interface RunSummary {
  results: CaseResult[];
  passed: number;
  failed: number;
  skipped: number;
  /** Per file: passed / failed / skipped. */
  byFile: Map<string, { passed: number; failed: number; skipped: number }>;
}

export interface RunOptions {
  filter?: RegExp;
  /** Called after each case (printing). */
  onResult?: (result: CaseResult) => void;
  /** Per-case time limit; a case over it fails. Default 20 s. */
  caseTimeoutMs?: number;
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runTestCases(cases: TestCase[], options: RunOptions = {}): Promise<RunSummary> {
  const summary: RunSummary = { results: [], passed: 0, failed: 0, skipped: 0, byFile: new Map() };
  for (const testCase of cases) {
    if (options.filter && !options.filter.test(testCase.name)) continue;
    let outcome: CaseOutcome;
    try {
      outcome = await withTimeout(runCase(testCase, () => createInProcessEngine(), { registry: true }), options.caseTimeoutMs ?? 20_000, 'the case');
    } catch (error) {
      outcome = { status: 'fail', reason: (error as Error).message };
    }
    const result = { file: testCase.file, name: testCase.name, outcome };
    summary.results.push(result);
    const counts = summary.byFile.get(testCase.file) ?? { passed: 0, failed: 0, skipped: 0 };
    if (outcome.status === 'pass') { summary.passed++; counts.passed++; }
    else if (outcome.status === 'fail') { summary.failed++; counts.failed++; }
    else { summary.skipped++; counts.skipped++; }
    summary.byFile.set(testCase.file, counts);
    options.onResult?.(result);
  }
  return summary;
}

/** Loads every case under the given paths (files or folders of query-validation JSON files). */
export function loadCases(paths: string[]): { cases: TestCase[]; broken: Array<{ file: string; error: string }> } {
  const cases: TestCase[] = [];
  const broken: Array<{ file: string; error: string }> = [];
  for (const target of paths) {
    for (const file of findTestFiles(target)) {
      try {
        cases.push(...loadTestFile(file));
      } catch (error) {
        broken.push({ file, error: (error as Error).message });
      }
    }
  }
  return { cases, broken };
}

export function formatResultLine(result: CaseResult, verbose: boolean): string {
  const { outcome } = result;
  const label = outcome.status === 'pass' ? 'PASS' : outcome.status === 'fail' ? 'FAIL' : 'SKIP';
  let line = `${label}  ${result.name}`;
  if (outcome.status === 'skip') line += `  (${outcome.reason})`;
  if (outcome.status === 'fail') line += verbose ? `\n      ${outcome.reason.split('\n').join('\n      ')}` : `  (${outcome.reason.split('\n')[0]})`;
  return line;
}
