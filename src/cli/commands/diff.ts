import { ALLOW_PATH_OPTION } from '../app-source.js';
import { CDK_APP_OPTIONS, type Command, EXIT } from '../command.js';
import { AWS_OPTIONS, awsTarget, PARAMETER_OPTION, TEMPLATE_OPTIONS } from './aws-options.js';
import { sourceOptions } from './deploy.js';
import { parsePairs } from './dev.js';

/** `wharf diff`: what a deploy would change. */
export const diffCommand: Command = {
  name: 'diff',
  summary: 'Show what a deploy would change in AWS (resources added, updated, replaced, removed).',
  usage: '[dir | file] [--template <file> [--stack-name <name>]] [options]',
  details: `
Compares the app with the deployed stacks through the CDK toolkit: with a CloudFormation change
set where the stack exists (so "replace" is AWS's own verdict), from the templates otherwise.
Nested stacks are compared too. Nothing is changed in AWS (the change set is deleted).

Exit code 0 whether or not there are changes; 4 when AWS refused.

Examples:
  npx wharf diff examples/api-gateway-fargate
  npx wharf diff --template parent.yml --stack-name orders-api --json`,
  maxPositionals: 1,
  options: {
    ...TEMPLATE_OPTIONS,
    ...CDK_APP_OPTIONS,
    ...ALLOW_PATH_OPTION,
    ...AWS_OPTIONS,
    ...PARAMETER_OPTION,
    json: { type: 'boolean', description: 'Print the changes as JSON' },
  },
  async run({ positionals, options, io, stdout }) {
    // Loaded when the command runs: the CDK toolkit and AWS SDK take ~1.5 s to import, which
    // every other command (wharf dev's start-up) would otherwise pay.
    const { diff } = await import('../../deploy/diff.js');
    const result = await diff({
      ...sourceOptions(positionals, options, 'diff'),
      ...awsTarget('diff', options),
      parameters: parsePairs('parameter', options.parameter as string[] | undefined, 'diff'),
      io,
    });
    if (options.json) {
      stdout(
        `${JSON.stringify({ stacksWithChanges: result.stacksWithChanges, changes: result.changes }, null, 2)}\n`,
      );
      return EXIT.ok;
    }
    for (const stack of result.formatted) {
      stdout(`${stack.diff}\n`);
      if (stack.security) stdout(`${stack.security}\n`);
    }
    const counts = { add: 0, update: 0, replace: 0, 'may-replace': 0, remove: 0 };
    for (const change of result.changes) counts[change.change]++;
    stdout(
      result.changes.length === 0
        ? '\nNo resource changes.\n'
        : `\n${result.changes.length} resource change(s): ${counts.add} to add, ${counts.update} to update, ${counts.replace + counts['may-replace']} to replace (${counts['may-replace']} maybe), ${counts.remove} to remove.\n`,
    );
    return EXIT.ok;
  },
};
