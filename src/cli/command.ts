import { parseArgs } from 'node:util';
import { isWharfError, UsageError } from '../errors.js';
import type { IoHost } from '../io/io-host.js';

/** One command-line option. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Placeholder shown in help, e.g. `<dir>`. */
  readonly value?: string;
  readonly description: string;
  /** Allowed values of a string option; anything else is a usage error. */
  readonly choices?: readonly string[];
  readonly default?: string | boolean;
  /**
   * For a single-valued string option: what to say when it is given more than once (a repeated
   * single-valued option is always a usage error; this adds how to do what the user meant).
   * @default - the error alone
   */
  readonly repeatHint?: string;
}

/** What a command's `run` receives. */
export interface CommandContext {
  readonly positionals: string[];
  readonly options: Record<string, string | boolean | string[] | undefined>;
  readonly io: IoHost;
  /** Writes data for machines or people to stdout (the command's result). */
  readonly stdout: (text: string) => void;
  /**
   * The terminal stream for progress views (stderr).
   * @default - process.stderr
   */
  readonly terminal?: TerminalStream;
}

/** Where a live progress view draws: stderr, with its terminal size when it is a TTY. */
export interface TerminalStream {
  write(text: string): void;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

/** A `wharf` sub-command: a thin layer from argv to a library call and an exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Usage line after `wharf <name>`, e.g. `[dir] [options]`. */
  readonly usage: string;
  /** Longer description and examples for `--help`. */
  readonly details: string;
  readonly options: Record<string, OptionSpec>;
  /** Most positionals accepted. */
  readonly maxPositionals: number;
  run(context: CommandContext): Promise<number>;
}

/** How commands that run a CDK app pick it: `--app` and `--stack`. */
export const CDK_APP_OPTIONS: Record<'app' | 'stack', OptionSpec> = {
  app: {
    type: 'string',
    value: '<command>',
    description: 'Command that runs the CDK app (overrides cdk.json)',
  },
  stack: { type: 'string', value: '<name>', description: 'Only this stack of the CDK app' },
};

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** `check` found an error-level finding; `dev`: an image did not build from its Dockerfile. */
  findings: 1,
  /** Bad input: arguments, props, templates, missing files. */
  usage: 2,
  /** A bug in Wharf. */
  internal: 3,
  /** AWS refused, or a deployment failed in AWS (`deploy`, `destroy`, `outputs`, …). */
  aws: 4,
} as const;

/** Parses argv for `command`, rejecting unknown flags and bad choices with a {@link UsageError}. */
export function parseCommandArgs(
  command: Command,
  argv: string[],
): Pick<CommandContext, 'positionals' | 'options'> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = {
      type: spec.type,
      ...(spec.multiple ? { multiple: true } : {}),
      ...(spec.short ? { short: spec.short } : {}),
    };
  }
  options.help = { type: 'boolean', short: 'h' };
  options.verbose ??= { type: 'boolean' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (error) {
    throw new UsageError(
      `wharf ${command.name}: ${(error as Error).message}. Run 'wharf ${command.name} --help'.`,
    );
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  refuseRepeatedOptions(command, parsed.tokens ?? []);
  for (const [name, spec] of Object.entries(command.options)) {
    const value = values[name];
    if (value === undefined && spec.default !== undefined) values[name] = spec.default;
    if (spec.choices && typeof value === 'string' && !spec.choices.includes(value)) {
      throw new UsageError(
        `wharf ${command.name}: --${name} '${value}' is not allowed; allowed: ${spec.choices.join(', ')}.`,
      );
    }
  }
  if (!values.help && parsed.positionals.length > command.maxPositionals) {
    throw new UsageError(
      `wharf ${command.name}: unexpected argument '${parsed.positionals[command.maxPositionals]}'. Usage: wharf ${command.name} ${command.usage}`,
    );
  }
  return { positionals: parsed.positionals, options: values };
}

/**
 * A single-valued string option given twice is an error, never "the last one wins": `--template a
 * --template b` on a command that takes one template would otherwise drop `a` without a word.
 */
function refuseRepeatedOptions(
  command: Command,
  tokens: NonNullable<ReturnType<typeof parseArgs>['tokens']>,
): void {
  const counts = new Map<string, number>();
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = command.options[token.name];
    if (spec?.type !== 'string' || spec.multiple) continue;
    const count = (counts.get(token.name) ?? 0) + 1;
    counts.set(token.name, count);
    if (count === 2) {
      throw new UsageError(
        `wharf ${command.name}: --${token.name} is given more than once; it takes one value.${spec.repeatHint ? ` ${spec.repeatHint}` : ''} Run 'wharf ${command.name} --help'.`,
      );
    }
  }
}

/** The `--help` text of a command. */
export function renderCommandHelp(command: Command): string {
  const rows = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` ${spec.value}` : ''}`;
    const extra = [
      spec.choices ? `one of: ${spec.choices.join(', ')}` : '',
      spec.default !== undefined && spec.default !== false ? `default: ${spec.default}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return [flag, `${spec.description}${extra ? ` (${extra})` : ''}`];
  });
  if (!command.options.verbose) rows.push(['    --verbose', 'Show debug messages and full app output']);
  rows.push(['-h, --help', 'Show this help']);
  const width = Math.max(...rows.map(([flag]) => (flag ?? '').length)) + 2;
  return [
    `Usage: wharf ${command.name} ${command.usage}`,
    '',
    command.summary,
    '',
    command.details.trim(),
    '',
    'Options:',
    ...rows.map(([flag, text]) => `  ${(flag ?? '').padEnd(width)}${text}`),
    '',
  ].join('\n');
}

/** What `--json` prints on stdout when a command fails. */
export interface JsonFailure {
  readonly ok: false;
  readonly error: {
    /** The error's stable code (`WHARF_USAGE`, `WHARF_AWS_…`), or `WHARF_INTERNAL` for a bug. */
    readonly code: string;
    readonly message: string;
    /** Commands to run next, when the error knows them (e.g. `wharf bootstrap aws://…/…`). */
    readonly nextSteps: readonly string[];
  };
  /** The part of the result the command produced before it failed (e.g. `cost`'s estimate when only its chart failed). */
  readonly result?: unknown;
}

/**
 * The `--json` form of any failure, for stdout: `{ ok: false, error: { code, message, nextSteps } }`,
 * plus `result` when the error carries a partial one. `main` prints it for every command that has
 * a `--json` option, so a script reading stdout always gets one JSON document.
 *
 * @example jsonFailure(new UsageError('wharf synth: --out <dir> is required…')) // '{ "ok": false, "error": { "code": "WHARF_USAGE", … } }\n'
 */
export function jsonFailure(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    nextSteps?: unknown;
    result?: unknown;
  };
  const failure: JsonFailure = {
    ok: false,
    error: {
      code: isWharfError(error) ? error.code : 'WHARF_INTERNAL',
      message: typeof e.message === 'string' ? e.message : String(error),
      nextSteps: Array.isArray(e.nextSteps) ? e.nextSteps.map(String) : [],
    },
    ...(e.result !== undefined ? { result: e.result } : {}),
  };
  return `${JSON.stringify(failure, null, 2)}\n`;
}

/**
 * Whether a failed run of `command` should print {@link jsonFailure} on stdout: the command has a
 * `--json` option and it was given (read from argv when the arguments themselves were rejected).
 */
export function wantsJsonFailure(command: Command, argv: readonly string[]): boolean {
  return command.options.json?.type === 'boolean' && argv.includes('--json');
}
