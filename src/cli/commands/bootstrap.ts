import { bootstrap } from '../../deploy/bootstrap.js';
import { type Command, EXIT } from '../command.js';
import { startProgressView } from '../progress-view.js';
import { AWS_OPTIONS, awsTarget } from './aws-options.js';

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
  wharf bootstrap
  wharf bootstrap aws://123456789012/eu-west-1 --profile admin`,
  maxPositionals: 1,
  options: {
    ...AWS_OPTIONS,
    'no-live': { type: 'boolean', description: 'Print one line per change even on a terminal' },
    json: { type: 'boolean', description: 'Print the result as JSON' },
  },
  async run({ positionals, options, io, stdout, terminal }) {
    const view = startProgressView({
      json: options.json === true,
      live: options['no-live'] !== true,
      ...(terminal ? { out: terminal } : {}),
    });
    try {
      const result = await bootstrap({
        ...awsTarget('bootstrap', options),
        ...(positionals[0] ? { environment: positionals[0] } : {}),
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
