#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { isWharfError } from '../errors.js';
import type { IoHost, IoMessage } from '../io/io-host.js';
import {
  type Command,
  EXIT,
  jsonFailure,
  parseCommandArgs,
  renderCommandHelp,
  type TerminalStream,
  wantsJsonFailure,
} from './command.js';
import { bootstrapCommand } from './commands/bootstrap.js';
import { checkCommand } from './commands/check.js';
import { costCommand } from './commands/cost.js';
import { deployCommand } from './commands/deploy.js';
import { destroyCommand } from './commands/destroy.js';
import { devCommand } from './commands/dev.js';
import { diagramCommand } from './commands/diagram.js';
import { diffCommand } from './commands/diff.js';
import { initCommand } from './commands/init.js';
import { outputsCommand } from './commands/outputs.js';
import { synthCommand } from './commands/synth.js';

/** Every command, in the order `wharf --help` lists them. */
export const COMMANDS: readonly Command[] = [
  initCommand,
  synthCommand,
  checkCommand,
  costCommand,
  diagramCommand,
  devCommand,
  diffCommand,
  deployCommand,
  outputsCommand,
  destroyCommand,
  bootstrapCommand,
];

const VERSION = '0.1.0';

function topLevelHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: wharf <command> [options]',
    '',
    'Wharf puts a containerized HTTP API on AWS Fargate behind API Gateway or an ALB,',
    'checks it before you deploy, and runs the same architecture on your laptop.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'npx wharf <command> --help' for a command's options.",
    '',
    'Exit codes: 0 ok, 1 check found errors, 2 bad input (arguments, props, templates), 3 internal error,',
    '            4 AWS refused or a deployment failed (the message says what to do next).',
    '',
  ].join('\n');
}

/** An IoHost for terminals: progress and warnings on stderr; `debug` only with `--verbose`. */
export function consoleIoHost(stderr: (text: string) => void, verbose: boolean): IoHost {
  return {
    notify(message: IoMessage) {
      if (message.level === 'debug' && !verbose) return;
      if (message.level === 'result') return;
      const prefix = message.level === 'error' ? 'error: ' : message.level === 'warn' ? 'warning: ' : '';
      stderr(`${prefix}${message.message}\n`);
    },
  };
}

/** Runs `wharf` with `argv` (without node and script); resolves to the exit code. */
export async function main(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
  err?: (text: string) => void,
): Promise<number> {
  const terminal: TerminalStream = err
    ? { write: err }
    : {
        write: (t) => process.stderr.write(t),
        get isTTY() {
          return process.stderr.isTTY === true;
        },
        get columns() {
          return process.stderr.columns;
        },
        get rows() {
          return process.stderr.rows;
        },
      };
  err ??= (t) => process.stderr.write(t);
  const verbose = argv.includes('--verbose');
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(topLevelHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    out(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    err(
      `error: unknown command '${name}'. Commands: ${COMMANDS.map((c) => c.name).join(', ')}. Run 'wharf --help'.\n`,
    );
    return EXIT.usage;
  }
  const io = consoleIoHost(err, verbose);
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.options.help) {
      out(renderCommandHelp(command));
      return EXIT.ok;
    }
    return await command.run({ ...parsed, io, stdout: out, terminal });
  } catch (error) {
    // One rule for every command with --json: a failure is one JSON document on stdout too.
    if (wantsJsonFailure(command, rest)) out(jsonFailure(error));
    if (isWharfError(error) && error.source === 'user') {
      err(`error: ${error.message}\n`);
      const output = (error as { output?: string }).output;
      if (verbose && output) err(`\n--- output of the app ---\n${output}\n`);
      else if (output) err('(run with --verbose for the full output of the app)\n');
      const exitCode = (error as { exitCode?: number }).exitCode;
      return typeof exitCode === 'number' ? exitCode : EXIT.usage;
    }
    err(`internal error: ${(error as Error)?.stack ?? String(error)}\nPlease report this as a Wharf bug.\n`);
    return EXIT.internal;
  }
}

/**
 * The AWS SDK warns on every run under Node 20 that its releases after January 2027 need Node 22.
 * Wharf pins the SDK, so the notice is for `--verbose` only (and the README says it).
 */
function quietSdkNodeVersionWarning(verbose: boolean): void {
  const emit = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : `${warning.name} ${warning.message}`;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (!verbose && (/NodeVersionSupportWarning/.test(text) || type === 'NodeVersionSupportWarning')) return;
    (emit as (...args: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}

// Run when executed as the `wharf` bin, not when imported by tests.
if (isEntryPoint()) {
  quietSdkNodeVersionWarning(process.argv.includes('--verbose'));
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // A deploy that stopped early leaves the toolkit polling a stack nobody waits for any
      // more; exit once the output is written instead of waiting for it.
      setTimeout(() => process.exit(code), 200).unref();
    },
    (error) => {
      process.stderr.write(`internal error: ${String(error)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === import.meta.url;
  } catch {
    return false;
  }
}
