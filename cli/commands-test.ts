/**
 * `sluice test`: ksqlDB's test formats, run in-process.
 *   sluice test FILE_OR_DIR... [--filter REGEX] [--verbose]
 *   sluice test --statements s.sql --input in.json --output out.json
 */
import type { Command } from 'commander';
import path from 'node:path';
import { formatResultLine, loadCases, loadTestRunnerTrio, runTestCases } from './test-runner/index.js';

export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description("run ksqlDB query-validation test files (or a ksql-test-runner statements/input/output trio) in-process")
    .argument('[paths...]', 'test JSON files or folders of them')
    .option('--filter <regex>', 'only cases whose name matches')
    .option('-s, --statements <file>', 'ksql-test-runner: the statements file')
    .option('-i, --input <file>', 'ksql-test-runner: the input records file')
    .option('-o, --output <file>', 'ksql-test-runner: the expected output records file')
    .option('--verbose', 'print full failure reasons')
    .option('--quiet', 'print only failures and the summary')
    .action(async (paths: string[], options: { filter?: string; statements?: string; input?: string; output?: string; verbose?: boolean; quiet?: boolean }) => {
      let cases;
      if (options.statements) {
        if (!options.output) throw new Error('--statements needs --output (the expected records)');
        cases = [loadTestRunnerTrio(options.statements, options.input ?? null, options.output)];
      } else {
        if (paths.length === 0) throw new Error('give test files or folders, or --statements/--input/--output');
        const loaded = loadCases(paths);
        for (const broken of loaded.broken) console.log(`BROKEN  ${path.basename(broken.file)}: ${broken.error}`);
        cases = loaded.cases;
      }
      const summary = await runTestCases(cases, {
        ...(options.filter ? { filter: new RegExp(options.filter) } : {}),
        onResult: (result) => {
          if (!options.quiet || result.outcome.status === 'fail') console.log(formatResultLine(result, options.verbose ?? false));
        },
      });
      console.log(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
      process.exitCode = summary.failed > 0 ? 1 : 0;
    });
}
