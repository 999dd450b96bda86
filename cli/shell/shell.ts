/**
 * Running the shell: non-interactively (`--execute`, `--file`: exit code 1 on the first error)
 * or as a read-eval-print loop over node:readline (banner, prompts, multi-line statements,
 * history, shell commands, Ctrl-C).
 *
 * Ctrl-C arrives as readline's 'SIGINT' (a terminal in raw mode) or as the process's SIGINT
 * (piped input, --execute); either cancels the running query or request. At the prompt it
 * clears the statement being typed. Ctrl-D or `exit` leaves.
 */
import readline from 'node:readline';
import { RequestCancelledError, RestClient } from './client.js';
import { History } from './history.js';
import { renderError } from './render.js';
import { OUTPUT_FORMATS, ShellSession, type OutputFormat, type ShellOutput } from './session.js';
import { parseShellCommand, splitStatements, type ShellCommand } from './statements.js';

export const PROMPT = 'sluice> ';
export const CONTINUATION_PROMPT = '      > ';
export const DEFAULT_SERVER = 'http://127.0.0.1:8088';
/** How long the banner, `version` and `server` wait for GET /info. */
export const INFO_TIMEOUT_MS = 10_000;

export interface RunShellOptions {
  server: string;
  /** Statements to run instead of reading input. */
  execute?: string | undefined;
  /** A script to run instead of reading input. */
  file?: string | undefined;
  format?: OutputFormat;
  variables?: Readonly<Record<string, string>>;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { columns?: number; isTTY?: boolean };
  errorOutput: NodeJS.WritableStream;
  /** Use readline's terminal mode (line editing, history keys). Default: both streams are TTYs. */
  terminal?: boolean;
  /** null: no history file. */
  historyFile: string | null;
  /** Fixed terminal width (default: the output's columns, else 80). */
  width?: number;
  /** This program's version, for the banner. */
  version: string;
  /** Also cancel on the process's SIGINT (the real command; tests emit 'SIGINT' on the readline). */
  processSignals?: boolean;
  /** Called once the loop is reading (tests use it to reach the readline interface). */
  onStart?(shell: { rl: readline.Interface; session: ShellSession }): void;
}

const LOGO = [
  ' ____  _       _          ',
  '/ ___|| |_   _(_) ___ ___ ',
  '\\___ \\| | | | | |/ __/ _ \\',
  ' ___) | | |_| | | (_|  __/',
  '|____/|_|\\__,_|_|\\___\\___|',
];

export const HELP_TEXT = `
Statements end with ';' and may span lines. They go to the server, except:
  SET 'property' = 'value';      a property sent with every statement of this session
  UNSET 'property';              forget it
  DEFINE name = 'value';         a variable, used as \${name} in statements
  UNDEFINE name;                 forget it
  SHOW VARIABLES;                list the variables
  RUN SCRIPT 'file.sql';         run the statements of a file (read here, not by the server)
Queries: SELECT ... EMIT CHANGES streams rows until its LIMIT or Ctrl-C; other SELECTs print
a table. PRINT 'topic' [FROM BEGINNING]; streams a topic's records.

Shell commands (no ';' needed):
  help                 this text
  history              the statements entered (also in ~/.sluice_history)
  output [TABULAR|JSON]  show or set the output format
  server [url]         show or change the server
  run script <file>    same as RUN SCRIPT
  version              the shell's and the server's versions
  clear                clear the screen
  exit                 leave (or Ctrl-D)

Keys: Up/Down recall history; Ctrl-C cancels a running query (at the prompt it clears the
statement being typed); Ctrl-D leaves.
`;

function outputOf(options: RunShellOptions): ShellOutput {
  return {
    write: (text) => {
      if (text !== '') options.output.write(text);
    },
    error: (text) => {
      if (text !== '') options.errorOutput.write(text);
    },
    width: () => options.width ?? (options.output.columns !== undefined && options.output.columns > 0 ? options.output.columns : 80),
  };
}

/** Runs the shell; resolves with the process exit code. */
export async function runShell(options: RunShellOptions): Promise<number> {
  const output = outputOf(options);
  let client: RestClient;
  try {
    client = new RestClient(options.server);
  } catch (error) {
    output.error(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const session = new ShellSession({ client, output, format: options.format ?? 'TABULAR', variables: options.variables ?? {} });
  let onProcessSignal: (() => void) | null = null;
  if (options.processSignals === true) {
    onProcessSignal = () => {
      if (session.interrupt()) return;
      session.close();
      process.exit(130);
    };
    process.on('SIGINT', onProcessSignal);
  }
  try {
    if (options.execute !== undefined || options.file !== undefined) {
      if (options.execute !== undefined && options.file !== undefined) {
        output.error('Error: use either --execute or --file, not both.\n');
        return 1;
      }
      const ok = options.file !== undefined ? await session.runScript(options.file) : await session.run(options.execute!, { final: true });
      return ok ? 0 : 1;
    }
    return await runInteractive(options, session, output);
  } finally {
    if (onProcessSignal !== null) process.off('SIGINT', onProcessSignal);
    session.close();
  }
}

async function banner(options: RunShellOptions, session: ShellSession, output: ShellOutput): Promise<void> {
  let text = output.width() >= 40 ? `\n${LOGO.join('\n')}\n\n` : '';
  let problem = '';
  try {
    const info = await session.client.info(AbortSignal.timeout(INFO_TIMEOUT_MS));
    if (info.ok) {
      const status = info.value.serverStatus === undefined ? '' : `, ${info.value.serverStatus}`;
      text += `Sluice shell ${options.version}, server v${info.value.version}${status} at ${session.client.serverUrl}\n`;
    } else {
      text += `Sluice shell ${options.version}, server at ${session.client.serverUrl}\n`;
      problem = renderError(info.error, info.status);
    }
  } catch (error) {
    text += `Sluice shell ${options.version}\n`;
    problem =
      error instanceof RequestCancelledError
        ? `The server at ${session.client.serverUrl} did not answer GET /info within ${INFO_TIMEOUT_MS / 1000} s.\n`
        : `${error instanceof Error ? error.message : String(error)}\n`;
  }
  output.write(text);
  output.error(problem);
  output.write(`\nType 'help' for help; end statements with ';'. Ctrl-C cancels a query; Ctrl-D or 'exit' leaves.\n\n`);
}

async function runInteractive(options: RunShellOptions, session: ShellSession, output: ShellOutput): Promise<number> {
  const terminal = options.terminal ?? (Boolean((options.input as { isTTY?: boolean }).isTTY) && options.output.isTTY === true);
  const history = new History(options.historyFile);
  await banner(options, session, output);

  const rl = readline.createInterface({
    input: options.input,
    output: options.output,
    terminal,
    // readline reads this array (newest first) for Up/Down; History keeps it, one entry per statement.
    history: history.entries,
    historySize: 0,
    prompt: PROMPT,
    crlfDelay: Number.POSITIVE_INFINITY,
  });

  const queue: string[] = [];
  let closed = false;
  let wake: (() => void) | null = null;
  let pending = '';
  let pendingLines: string[] = [];
  let failures = 0;

  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  rl.on('line', (line) => {
    queue.push(line);
    notify();
  });
  rl.on('close', () => {
    closed = true;
    notify();
  });
  rl.on('SIGINT', () => {
    if (session.interrupt()) return;
    // At the prompt: drop the statement being typed.
    pending = '';
    pendingLines = [];
    if (terminal) {
      output.write('^C\n');
      rl.setPrompt(PROMPT);
      // Empty the line being edited (end, then delete to the start); this redraws the prompt.
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
    }
  });

  const prompt = (): void => {
    if (!terminal) return;
    rl.setPrompt(pending === '' ? PROMPT : CONTINUATION_PROMPT);
    rl.prompt();
  };

  options.onStart?.({ rl, session });

  let exit = false;
  prompt();
  while (!exit) {
    if (queue.length === 0) {
      if (closed) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      continue;
    }
    const line = queue.shift()!;
    if (pending === '') {
      const command = parseShellCommand(line);
      if (command !== null) {
        history.add(line);
        const result = await runCommand(command, session, output, history, options);
        if (result === 'exit') exit = true;
        else if (result === 'failed') failures++;
        if (queue.length === 0 && !exit) prompt();
        continue;
      }
    }
    pending = pending === '' ? line : `${pending}\n${line}`;
    pendingLines.push(line);
    const { statements, rest } = splitStatements(pending);
    if (statements.length === 0) {
      if (rest === '') {
        // Only blanks and comments.
        pending = '';
        pendingLines = [];
      }
      if (queue.length === 0) prompt();
      continue;
    }
    const complete = rest === '' ? pending : pending.slice(0, pending.length - rest.length);
    if (rest === '') {
      history.add(pendingLines.join('\n'));
      pendingLines = [];
    }
    pending = rest;
    const ok = await session.run(complete);
    if (!ok) failures++;
    if (queue.length === 0) prompt();
  }

  if (!exit && pending.trim() !== '' && !terminal) {
    // Piped input that ends without the last ';'.
    if (!(await session.run(pending, { final: true }))) failures++;
  }
  rl.close();
  if (terminal) output.write('Exiting Sluice.\n');
  return terminal || failures === 0 ? 0 : 1;
}

async function runCommand(
  command: ShellCommand,
  session: ShellSession,
  output: ShellOutput,
  history: History,
  options: RunShellOptions,
): Promise<'ok' | 'failed' | 'exit'> {
  switch (command.kind) {
    case 'help':
      output.write(HELP_TEXT.replace(/^\n/, '') + '\n');
      return 'ok';
    case 'exit':
      return 'exit';
    case 'history':
      output.write(history.numbered().map((line) => `${line}\n`).join(''));
      return 'ok';
    case 'clear':
      output.write('\x1b[2J\x1b[H');
      return 'ok';
    case 'version': {
      let server = 'unknown';
      try {
        const info = await session.client.info(AbortSignal.timeout(INFO_TIMEOUT_MS));
        if (info.ok) server = info.value.version;
      } catch {
        // unreachable: unknown
      }
      output.write(`Sluice shell ${options.version}, server ${server}\n`);
      return 'ok';
    }
    case 'output':
      if (command.format === null) {
        output.write(`Current output format: ${session.format}\n`);
        return 'ok';
      }
      if (!(OUTPUT_FORMATS as readonly string[]).includes(command.format)) {
        output.error(`Invalid output format: '${command.format}' (valid formats: ${OUTPUT_FORMATS.join(', ')})\n`);
        return 'failed';
      }
      session.format = command.format as OutputFormat;
      output.write(`Output format set to ${session.format}\n`);
      return 'ok';
    case 'server': {
      if (command.url === null) {
        output.write(`Server: ${session.client.serverUrl}\n`);
        return 'ok';
      }
      let client: RestClient;
      try {
        client = new RestClient(command.url);
      } catch (error) {
        output.error(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
        return 'failed';
      }
      try {
        const info = await client.info(AbortSignal.timeout(INFO_TIMEOUT_MS));
        if (!info.ok) {
          client.close();
          output.error(renderError(info.error, info.status));
          return 'failed';
        }
        session.setClient(client);
        output.write(`Server now: ${client.serverUrl} (v${info.value.version})\n`);
        return 'ok';
      } catch (error) {
        client.close();
        output.error(`${error instanceof Error ? error.message : String(error)}\n`);
        return 'failed';
      }
    }
    case 'run-script':
      return (await session.runScript(command.path)) ? 'ok' : 'failed';
  }
}
