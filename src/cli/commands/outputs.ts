import { ALLOW_PATH_OPTION } from '../app-source.js';
import { CDK_APP_OPTIONS, type Command, EXIT } from '../command.js';
import { AWS_OPTIONS, awsTarget, TEMPLATE_OPTIONS } from './aws-options.js';
import { renderOutputs, sourceOptions } from './deploy.js';

/** `wharf outputs`: the outputs of a deployed app. */
export const outputsCommand: Command = {
  name: 'outputs',
  summary: 'Print the status and outputs of the deployed stacks (e.g. ApiGatewayUri).',
  usage: '[dir | file] [--template <file>] [--stack-name <name>] [options]',
  details: `
Reads the deployed stacks with CloudFormation DescribeStacks. The stacks are the CDK app's
([dir], synthesized to learn their names), the --template's (named as wharf deploy names it), or
--stack-name.

Exit code 4 when a stack does not exist in the account and region.

Examples:
  npx wharf outputs examples/api-gateway-fargate
  npx wharf outputs --stack-name orders-api --json
  curl "$(npx wharf outputs --stack-name orders-api --json | jq -r '.[0].outputs.ApiGatewayUri')"`,
  maxPositionals: 1,
  options: {
    ...TEMPLATE_OPTIONS,
    ...CDK_APP_OPTIONS,
    ...ALLOW_PATH_OPTION,
    ...AWS_OPTIONS,
    json: { type: 'boolean', description: 'Print the stacks as JSON' },
  },
  async run({ positionals, options, io, stdout }) {
    // Loaded when the command runs: the CDK toolkit and AWS SDK take ~1.5 s to import, which
    // every other command (wharf dev's start-up) would otherwise pay.
    const { outputs } = await import('../../deploy/outputs.js');
    const stacks = await outputs({
      ...sourceOptions(positionals, options, 'outputs'),
      ...awsTarget('outputs', options),
      io,
    });
    if (options.json) {
      stdout(`${JSON.stringify(stacks, null, 2)}\n`);
      return EXIT.ok;
    }
    for (const stack of stacks) {
      stdout(
        `${stack.stackName}  ${stack.status}${stack.lastUpdated ? `  (updated ${stack.lastUpdated})` : ''}\n`,
      );
      if (stack.statusReason) stdout(`  reason: ${stack.statusReason}\n`);
      stdout(renderOutputs(stack.outputs));
    }
    return EXIT.ok;
  },
};
