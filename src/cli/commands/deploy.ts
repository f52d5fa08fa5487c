import { renderCheckReport } from '../../check/report.js';
import { UsageError } from '../../errors.js';
import { ALLOW_PATH_OPTION, appSourceArgs } from '../app-source.js';
import { CDK_APP_OPTIONS, type Command, EXIT } from '../command.js';
import {
  AWS_OPTIONS,
  awsTarget,
  PARAMETER_OPTION,
  PROGRESS_OPTIONS,
  pollInterval,
  progressViewFor,
  TEMPLATE_OPTIONS,
} from './aws-options.js';
import { parsePairs } from './dev.js';

/** `wharf deploy`: check, then deploy to AWS with a live view, then print the outputs. */
export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Check, then deploy the app to AWS (CloudFormation change sets) with a live progress view.',
  usage: '[dir | file] [--template <file> [--stack-name <name>]] [options]',
  details: `
Runs 'wharf check' first: error findings stop the deploy (--force deploys anyway). Then, against
your AWS account (credentials and region resolved like the AWS CLI: environment, --profile or
AWS_PROFILE, ~/.aws, SSO), it checks that the account is bootstrapped for the CDK, that no stack
is stuck (e.g. UPDATE_ROLLBACK_FAILED) and that VPC links land in zones that support them, and
deploys the parent and nested stacks through the CDK toolkit with a change set.

Container images the app builds from a folder (CDK DockerImageAsset) are built and pushed first,
by the toolkit, to the bootstrap stack's ECR repository: this needs the docker CLI and a running
daemon (checked before any AWS call; CDK_DOCKER picks another client). The view shows each image
building, pushing and pushed; an image ECR already has is not pushed again.

The view shows one line per resource with its status and time, nested stacks indented, failures
with CloudFormation's reason, and for each ECS service its rollout: tasks running/desired, the
latest stopped-task reasons with their last log lines, the circuit breaker. When the breaker trips
or tasks keep stopping (--fail-fast-after), Wharf stops waiting and says why instead of letting
CloudFormation wait for hours. At the end it prints the stack outputs (e.g. ApiGatewayUri).

[dir] is a CDK app folder (default: the current folder). --template deploys hand-written
CloudFormation instead (the seeds' parent.yml, or 'wharf synth --portable' output): local nested
templates are uploaded to the bootstrap bucket, and AWS::Serverless::Application resources with a
local Location become the nested stacks the SAM transform would make.

Output: the outputs on stdout; progress on stderr (live on a terminal, one line per change
otherwise or with --no-live). --json prints one JSON object on stdout at the end and JSON lines
of progress on stderr.

Exit codes: 0 deployed, 1 check errors (nothing deployed), 2 bad input, 4 AWS refused, an image
could not be built or pushed, or the deployment failed (the message says what to do next).

Examples:
  npx wharf deploy examples/api-gateway-fargate
  npx wharf deploy --template parent.yml --stack-name orders-api --region eu-west-1
  npx wharf synth examples/public-alb-fargate --portable --out out && npx wharf deploy --template out/parent.yml`,
  maxPositionals: 1,
  options: {
    ...TEMPLATE_OPTIONS,
    ...CDK_APP_OPTIONS,
    ...ALLOW_PATH_OPTION,
    ...AWS_OPTIONS,
    ...PARAMETER_OPTION,
    force: { type: 'boolean', description: 'Deploy even when wharf check reports errors' },
    'fail-fast-after': {
      type: 'string',
      value: '<n>',
      default: '3',
      description: 'Stop waiting after n stopped tasks of a service without circuit breaker (0: never)',
    },
    ...PROGRESS_OPTIONS,
  },
  async run({ positionals, options, io, stdout, terminal }) {
    // Loaded when the command runs: the CDK toolkit and AWS SDK take ~1.5 s to import, which
    // every other command (wharf dev's start-up) would otherwise pay.
    const { CheckFailedError, deploy } = await import('../../deploy/deploy.js');
    const failFastAfter = Number(options['fail-fast-after']);
    if (!Number.isInteger(failFastAfter) || failFastAfter < 0 || failFastAfter > 1000) {
      throw new UsageError(
        `wharf deploy: --fail-fast-after '${String(options['fail-fast-after'])}' is not allowed; allowed: an integer from 0 to 1000.`,
      );
    }
    const view = progressViewFor(options, terminal);
    try {
      const result = await deploy({
        ...sourceOptions(positionals, options),
        ...awsTarget('deploy', options),
        parameters: parsePairs('parameter', options.parameter as string[] | undefined, 'deploy'),
        force: options.force === true,
        failFastAfter,
        pollIntervalMs: pollInterval(options['poll-interval'], 'deploy'),
        io: view.io(io),
        progress: view.listener,
      });
      view.stop();
      if (options.json) {
        stdout(
          `${JSON.stringify({ account: result.account, region: result.region, stacks: result.stacks, check: result.check.summary }, null, 2)}\n`,
        );
      } else {
        for (const stack of result.stacks) {
          stdout(`\n${stack.stackName} deployed to ${result.account}/${result.region}\n`);
          stdout(renderOutputs(stack.outputs));
        }
      }
      return EXIT.ok;
    } catch (error) {
      view.stop();
      if (error instanceof CheckFailedError) {
        if (options.json) stdout(`${JSON.stringify({ deployed: false, check: error.check }, null, 2)}\n`);
        else view.write(renderCheckReport(error.check, { color: view.color }));
        view.write(`error: ${error.message}\n`);
        return EXIT.findings;
      }
      view.write(view.summary());
      throw error;
    }
  },
};

/**
 * The app source from positionals and --template/--stack-name/--app/--stack/--allow-path (a
 * template file may stand where the folder goes; see {@link appSourceArgs}).
 */
export function sourceOptions(
  positionals: readonly string[],
  options: Record<string, unknown>,
  command = 'deploy',
) {
  const source = appSourceArgs(command, positionals, options);
  return {
    ...(source.dir === undefined ? { template: source.templates[0] as string } : { dir: source.dir }),
    ...(source.allowPaths ? { allowPaths: source.allowPaths } : {}),
    ...(options['stack-name'] !== undefined ? { stackName: options['stack-name'] as string } : {}),
    ...(options.app !== undefined ? { app: options.app as string } : {}),
    ...(options.stack !== undefined ? { stack: options.stack as string } : {}),
  };
}

/** `  Key  value` lines, aligned. */
export function renderOutputs(outputs: Readonly<Record<string, string>>): string {
  const keys = Object.keys(outputs);
  if (keys.length === 0) return '  (no outputs)\n';
  const width = Math.max(...keys.map((k) => k.length));
  return keys.map((key) => `  ${key.padEnd(width)}  ${outputs[key]}\n`).join('');
}
