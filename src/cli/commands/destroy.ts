import { createInterface } from 'node:readline/promises';
import { UsageError } from '../../errors.js';
import { ALLOW_PATH_OPTION } from '../app-source.js';
import { CDK_APP_OPTIONS, type Command, EXIT } from '../command.js';
import {
  AWS_OPTIONS,
  awsTarget,
  PROGRESS_OPTIONS,
  pollInterval,
  progressViewFor,
  TEMPLATE_OPTIONS,
} from './aws-options.js';
import { sourceOptions } from './deploy.js';

/** `wharf destroy`: delete the deployed stacks. */
export const destroyCommand: Command = {
  name: 'destroy',
  summary: 'Delete the deployed stacks (asks first unless --yes), and report what could not be deleted.',
  usage: '[dir | file] [--template <file>] [--stack-name <name>] [--yes] [options]',
  details: `
Deletes the stacks of the CDK app ([dir]), of the --template, or the one named by --stack-name,
nested stacks included, through the CDK toolkit, with the same progress view as deploy. It asks
for confirmation on a terminal; without a terminal it needs --yes. Resources CloudFormation could
not delete are listed with its reason, and the exit code is 4.

Examples:
  npx wharf destroy examples/api-gateway-fargate
  npx wharf destroy --stack-name orders-api --yes`,
  maxPositionals: 1,
  options: {
    ...TEMPLATE_OPTIONS,
    ...CDK_APP_OPTIONS,
    ...ALLOW_PATH_OPTION,
    ...AWS_OPTIONS,
    yes: { type: 'boolean', short: 'y', description: 'Do not ask for confirmation' },
    ...PROGRESS_OPTIONS,
  },
  async run({ positionals, options, io, stdout, terminal }) {
    // Loaded when the command runs: the CDK toolkit and AWS SDK take ~1.5 s to import, which
    // every other command (wharf dev's start-up) would otherwise pay.
    const { DestroyDeclinedError, destroy } = await import('../../deploy/destroy.js');
    const yes = options.yes === true;
    if (!yes && process.stdin.isTTY !== true) {
      throw new UsageError('wharf destroy: stdin is not a terminal, so it cannot ask; pass --yes to delete.');
    }
    const view = progressViewFor(options, terminal);
    try {
      const results = await destroy({
        ...sourceOptions(positionals, options, 'destroy'),
        ...awsTarget('destroy', options),
        pollIntervalMs: pollInterval(options['poll-interval'], 'destroy'),
        io: view.io(io),
        progress: view.listener,
        ...(yes ? {} : { confirm: (question) => ask(question) }),
      });
      view.stop();
      if (options.json) stdout(`${JSON.stringify(results, null, 2)}\n`);
      else {
        for (const result of results) {
          stdout(
            result.existed
              ? `${result.stackName}: deleted\n`
              : `${result.stackName}: does not exist; nothing to delete\n`,
          );
        }
      }
      return EXIT.ok;
    } catch (error) {
      view.stop();
      if (error instanceof DestroyDeclinedError) {
        stdout('Nothing was deleted.\n');
        return EXIT.ok;
      }
      view.write(view.summary());
      throw error;
    }
  },
};

async function ask(question: {
  stackNames: readonly string[];
  account: string;
  region: string;
}): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `Delete ${question.stackNames.join(', ')} and everything in it from account ${question.account}, region ${question.region}? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
