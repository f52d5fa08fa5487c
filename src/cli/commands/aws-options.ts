import type { AwsTarget } from '../../deploy/toolkit.js';
import { UsageError } from '../../errors.js';
import type { OptionSpec, TerminalStream } from '../command.js';
import { type ProgressView, startProgressView } from '../progress-view.js';

/** Options of the commands that watch stacks change: polling, the live view, JSON. */
export const PROGRESS_OPTIONS: Record<'poll-interval' | 'no-live' | 'json', OptionSpec> = {
  'poll-interval': {
    type: 'string',
    value: '<ms>',
    default: '2000',
    description: 'How often to poll CloudFormation and ECS, in milliseconds (100 to 60000)',
  },
  'no-live': { type: 'boolean', description: 'Print one line per change even on a terminal' },
  json: { type: 'boolean', description: 'Print the result as JSON (progress as JSON lines on stderr)' },
};

/** `--parameter Key=Value`, repeatable. */
export const PARAMETER_OPTION: Record<'parameter', OptionSpec> = {
  parameter: {
    type: 'string',
    multiple: true,
    value: '<Key=Value>',
    description: 'Root stack parameter (repeatable)',
  },
};

/** `--profile` and `--region`, as the AWS CLI has them. */
export const AWS_OPTIONS: Record<'profile' | 'region', OptionSpec> = {
  profile: {
    type: 'string',
    value: '<name>',
    description:
      'AWS profile from ~/.aws/config (SSO included) (default: AWS_PROFILE, then the default chain)',
  },
  region: {
    type: 'string',
    value: '<region>',
    description: 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile)',
  },
};

/** How deploy-side commands pick the app: a CDK folder, or a template and its stack name. */
export const TEMPLATE_OPTIONS: Record<'template' | 'stack-name', OptionSpec> = {
  template: {
    type: 'string',
    short: 't',
    value: '<file>',
    description: 'A root CloudFormation template (nested stacks by relative path) instead of a CDK app',
    repeatHint:
      'One template is one stack here (--stack-name names it): run the command once per template, the one that exports values first.',
  },
  'stack-name': {
    type: 'string',
    value: '<name>',
    description: 'Stack name for --template (default: the template folder name, e.g. api-gateway)',
  },
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** `--profile`/`--region` as an {@link AwsTarget}; a region that is not shaped like one is a usage error. */
export function awsTarget(command: string, options: Record<string, unknown>): AwsTarget {
  const region = options.region as string | undefined;
  if (region !== undefined && !REGION.test(region)) {
    throw new UsageError(
      `wharf ${command}: --region '${region}' is not a region name; expected e.g. us-east-1, eu-west-3.`,
    );
  }
  const profile = options.profile as string | undefined;
  return { ...(profile ? { profile } : {}), ...(region ? { region } : {}) };
}

/** `--poll-interval` in milliseconds, checked. */
export function pollInterval(value: unknown, command: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100 || ms > 60000) {
    throw new UsageError(
      `wharf ${command}: --poll-interval '${String(value)}' is not allowed; allowed: an integer from 100 to 60000 (milliseconds).`,
    );
  }
  return ms;
}

/** The progress view a command's `--json`/`--no-live` ask for, on the command's terminal. */
export function progressViewFor(options: Record<string, unknown>, terminal?: TerminalStream): ProgressView {
  return startProgressView({
    json: options.json === true,
    live: options['no-live'] !== true,
    ...(terminal ? { out: terminal } : {}),
  });
}
