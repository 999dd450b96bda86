/**
 * cli/shell — `sluice shell` (and bare `sluice`: the command is registered as the default), an
 * interactive SQL shell like ksqlDB's CLI. It is a REST client only: it talks to a Sluice or
 * ksqlDB server over HTTP (`/info`, `/ksql`, `/query-stream`, `/close-query`,
 * `/is_valid_property`) and imports nothing from the server.
 *
 *   statements.ts  split input into statements (quotes and comments aware), route each one
 *   values.ts      rows parsed keeping numbers as sent; cells printed like ksqlDB's CLI
 *   render.ts      pure: entities, result tables and errors to text
 *   client.ts      the HTTP client; "server down" as a message that says what to do
 *   session.ts     per-session properties (SET/UNSET) and variables (DEFINE/UNDEFINE), running
 *                  statements, queries and scripts, Ctrl-C cancelling the running one
 *   history.ts     ~/.sluice_history, bounded
 *   shell.ts       --execute / --file, and the readline loop
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { defaultHistoryFile } from './history.js';
import { DEFAULT_SERVER, runShell } from './shell.js';
import { OUTPUT_FORMATS, type OutputFormat } from './session.js';

export { runShell, DEFAULT_SERVER, HELP_TEXT, PROMPT, CONTINUATION_PROMPT } from './shell.js';
export type { RunShellOptions } from './shell.js';
export { ShellSession, OUTPUT_FORMATS } from './session.js';
export type { OutputFormat, ShellOutput, SessionOptions } from './session.js';
export { RestClient, ServerUnreachableError, normalizeServerUrl } from './client.js';
export type { QueryHeader, ServerInfo, StreamEnd } from './client.js';
export * from './render.js';
export { splitStatements, classifyStatement, parseShellCommand, substituteVariables, tokenize } from './statements.js';
export type { ClassifiedStatement, ShellCommand, SplitResult } from './statements.js';
export { parseRowJson, formatValue, JsonNumber } from './values.js';
export type { RowValue } from './values.js';
export { History, HISTORY_ENTRIES_MAX, defaultHistoryFile, loadHistory } from './history.js';

function outputFormat(text: string): OutputFormat {
  const upper = text.toUpperCase();
  if (!(OUTPUT_FORMATS as readonly string[]).includes(upper)) {
    throw new InvalidArgumentError(`expected ${OUTPUT_FORMATS.join(' or ')}, found ${JSON.stringify(text)}`);
  }
  return upper as OutputFormat;
}

function variable(text: string, previous: Record<string, string>): Record<string, string> {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError(`expected name=value, found ${JSON.stringify(text)}`);
  return { ...previous, [text.slice(0, equals).trim()]: text.slice(equals + 1) };
}

/**
 * Adds `sluice shell [server]`, the default command (so bare `sluice` opens the shell). The
 * program's `.version()` is shown in the banner.
 */
export function registerShellCommand(program: Command): void {
  program
    .command('shell', { isDefault: true })
    .description("interactive SQL shell, like ksqlDB's CLI (a REST client of a Sluice or ksqlDB server)")
    .argument('[server]', `the server's URL (same as --server)`)
    .option('-s, --server <url>', `the server's URL`, DEFAULT_SERVER)
    .option('-e, --execute <statements>', 'run these statements, print the results and exit (exit code 1 on an error)')
    .option('-f, --file <path>', 'run the statements in this file and exit (exit code 1 on an error)')
    .option('-o, --output <format>', 'TABULAR or JSON', outputFormat, 'TABULAR' as OutputFormat)
    .option('-d, --define <name=value>', 'define a variable (repeatable)', variable, {} as Record<string, string>)
    .option('--history-file <path>', 'where the history is kept (env SLUICE_HISTORY_FILE)')
    .action(async (serverArgument: string | undefined, options: {
      server: string;
      execute?: string;
      file?: string;
      output: OutputFormat;
      define: Record<string, string>;
      historyFile?: string;
    }, command: Command) => {
      if (serverArgument !== undefined && !/^https?:\/\//i.test(serverArgument)) {
        command.error(
          `error: unknown command or server ${JSON.stringify(serverArgument)} (give a server as a URL: sluice shell http://host:8088; see sluice --help for the commands)`,
        );
      }
      // Output piped into `head` and the like: stop quietly when the reader goes away.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
        throw error;
      });
      const code = await runShell({
        server: serverArgument ?? options.server,
        execute: options.execute,
        file: options.file,
        format: options.output,
        variables: options.define,
        input: process.stdin,
        output: process.stdout,
        errorOutput: process.stderr,
        historyFile: options.historyFile ?? process.env['SLUICE_HISTORY_FILE'] ?? defaultHistoryFile(),
        version: program.version() ?? 'unknown',
        processSignals: true,
      });
      process.exitCode = code;
    });
}
