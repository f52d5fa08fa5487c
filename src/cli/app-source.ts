/**
 * How every command that reads an app decides what the app is, from its positional argument and
 * `--template`: one rule for all of them. The positional argument is a CDK app folder, or a
 * template file (`wharf check parent.yml` is `wharf check --template parent.yml`). And
 * `--allow-path`, the one way to let templates reference files outside the root template's folder.
 */

import { statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { OptionSpec } from './command.js';

/** `--allow-path <dir>`, repeatable, on every command that loads templates. */
export const ALLOW_PATH_OPTION: Record<'allow-path', OptionSpec> = {
  'allow-path': {
    type: 'string',
    multiple: true,
    value: '<dir>',
    description:
      "Let templates reference files in this folder too (repeatable; by default only the root template's folder)",
  },
};

/** What a command works on. */
export interface CliAppSource {
  /** The CDK app folder; `undefined` when the app is given as templates. */
  readonly dir?: string;
  /** Template files: `--template`, or a file given where the folder goes. */
  readonly templates: readonly string[];
  /** `--allow-path` folders; `undefined` when none was given. */
  readonly allowPaths?: readonly string[];
}

/**
 * True when `path` names something that is not a folder (a template file; the loader then checks
 * it is a regular file). A path that does not exist counts as a folder, so the CDK app's own
 * "no such folder" error names it.
 */
export function isTemplateArgument(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The app a command's arguments name: `--template` files, or the positional argument as a template
 * file when it is a file, else as a CDK app folder (default `.`).
 *
 * @param command - the command name, for messages.
 * @throws {@link UsageError} when both a positional argument and `--template` are given.
 * @example
 * appSourceArgs('check', ['infra/parent.yml'], {}) // → { templates: ['infra/parent.yml'] }
 * appSourceArgs('dev', ['examples/api'], {})       // → { dir: 'examples/api', templates: [] }
 */
export function appSourceArgs(
  command: string,
  positionals: readonly string[],
  options: Record<string, unknown>,
): CliAppSource {
  const given = options.template;
  const templates: string[] = Array.isArray(given) ? [...given] : typeof given === 'string' ? [given] : [];
  const positional = positionals[0];
  if (positional !== undefined && templates.length > 0) {
    throw new UsageError(
      `wharf ${command}: give either a CDK app folder or --template, not both (a template file may also stand where the folder goes).`,
    );
  }
  const allowed = options['allow-path'];
  const allowPaths = Array.isArray(allowed) && allowed.length > 0 ? (allowed as string[]) : undefined;
  if (positional !== undefined && isTemplateArgument(positional)) {
    return { templates: [positional], ...(allowPaths ? { allowPaths } : {}) };
  }
  return {
    ...(templates.length === 0 ? { dir: positional ?? '.' } : {}),
    templates,
    ...(allowPaths ? { allowPaths } : {}),
  };
}
