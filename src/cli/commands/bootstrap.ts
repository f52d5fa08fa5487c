import { type Command, EXIT, type OptionSpec } from '../command.js';
import { AWS_OPTIONS, awsTarget, PROGRESS_OPTIONS, progressViewFor } from './aws-options.js';

/** `wharf bootstrap`: prepare an account and region for deploys. */
export const bootstrapCommand: Command = {
  name: 'bootstrap',
  summary: 'Prepare an AWS account and region for wharf deploy (the CDK bootstrap stack).',
  usage: '[aws://<account>/<region>] [options]',
  details: `
Creates or updates the CDK bootstrap stack 'CDKToolkit' (an S3 bucket for templates and assets, and
the IAM roles deployments use) through the CDK toolkit. Needed once per account and region;
wharf deploy says so when it is missing. Without an argument: the account of your credentials and
the region from --region or your configuration.

Examples:
  npx wharf bootstrap
  npx wharf bootstrap aws://123456789012/eu-west-1 --profile admin`,
  maxPositionals: 1,
  options: {
    ...AWS_OPTIONS,
    qualifier: {
      type: 'string',
      value: '<q>',
      description:
        "Bootstrap qualifier, for apps that set '@aws-cdk/core:bootstrapQualifier' (default: hnb659fds)",
    },
    'no-live': PROGRESS_OPTIONS['no-live'] as OptionSpec,
    json: PROGRESS_OPTIONS.json as OptionSpec,
  },
  async run({ positionals, options, io, stdout, terminal }) {
    // Loaded when the command runs: the CDK toolkit and AWS SDK take ~1.5 s to import, which
    // every other command (wharf dev's start-up) would otherwise pay.
    const { bootstrap } = await import('../../deploy/bootstrap.js');
    const view = progressViewFor(options, terminal);
    try {
      const result = await bootstrap({
        ...awsTarget('bootstrap', options),
        ...(positionals[0] ? { environment: positionals[0] } : {}),
        ...(typeof options.qualifier === 'string' ? { qualifier: options.qualifier } : {}),
        io: view.io(io),
        progress: view.listener,
      });
      view.stop();
      if (options.json) stdout(`${JSON.stringify(result, null, 2)}\n`);
      else
        stdout(
          `${result.environment}: ${result.status === 'no-op' ? 'already bootstrapped' : 'bootstrapped'}\n`,
        );
      return EXIT.ok;
    } catch (error) {
      view.stop();
      throw error;
    }
  },
};
