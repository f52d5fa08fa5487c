import { check } from '../../check/check.js';
import { renderCheckReport } from '../../check/report.js';
import { UsageError } from '../../errors.js';
import { ALLOW_PATH_OPTION, appSourceArgs } from '../app-source.js';
import { CDK_APP_OPTIONS, type Command, EXIT } from '../command.js';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The region to check against: `undefined` when none is given (an empty variable counts as none). */
function regionOption(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!REGION.test(value))
    throw new UsageError(
      `wharf check: --region '${value}' (or AWS_REGION) is not a region name; allowed: e.g. us-east-1, eu-west-1.`,
    );
  return value;
}

/** `wharf check`: validation, security and known traps, before deploy. */
export const checkCommand: Command = {
  name: 'check',
  summary: 'Check a CDK app or CloudFormation templates before deploying.',
  usage: '[dir | file] [--template <file>]... [options]',
  details: `
Runs three checkers and reports every finding grouped by template and resource, with a fix:
  - AWS's CloudFormation validator (schemas and rules), on every template including nested ones;
  - cdk-nag's AwsSolutions pack, on CDK apps built with Wharf's constructs (acknowledged findings
    are listed with their reasons under --verbose);
  - Wharf's known traps of these architectures (Cloud Map without SRV records, tasks with no route
    to pull images, Fargate sizes, open security groups, port mismatches, missing health checks,
    log groups kept forever, a VPC link in one AZ, ...).

[dir] is a CDK app folder (default: the current folder). --template checks hand-written
CloudFormation instead (YAML or JSON, with nested stacks referenced by local paths, as the seeds'
parent.yml does); repeat it for several files. A template file given in place of [dir] is the
same as --template. Nested templates must lie inside the root template's folder (--allow-path
widens that).

--region names the region the app will be deployed to (default: AWS_REGION, then
AWS_DEFAULT_REGION); a certificate in another region than the HTTP API or load balancer that
serves it is an error. Without a region, certificates are compared with the region the templates
pin (literal ARNs and availability zones), when they pin exactly one.

Exit code 1 when any finding is an error, 2 on bad input.

Examples:
  npx wharf check examples/api-gateway-fargate
  npx wharf check --template parent.yml --json`,
  maxPositionals: 1,
  options: {
    template: {
      type: 'string',
      short: 't',
      multiple: true,
      value: '<file>',
      description: 'A CloudFormation template to check instead of a CDK app (repeatable)',
    },
    ...CDK_APP_OPTIONS,
    ...ALLOW_PATH_OPTION,
    region: {
      type: 'string',
      value: '<region>',
      description:
        'Region the app will be deployed to, for the certificate-region trap (default: AWS_REGION, AWS_DEFAULT_REGION)',
    },
    json: { type: 'boolean', description: 'Print the full result as JSON' },
    verbose: { type: 'boolean', description: 'Also show info-level findings and acknowledgments' },
  },
  async run({ positionals, options, io, stdout }) {
    const source = appSourceArgs('check', positionals, options);
    const region = regionOption(
      (options.region as string | undefined) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION,
    );
    const result = await check({
      dir: source.dir ?? '.',
      templates: source.templates,
      allowPaths: source.allowPaths,
      app: options.app as string | undefined,
      stack: options.stack as string | undefined,
      ...(region === undefined ? {} : { region }),
      io,
    });
    if (options.json) stdout(`${JSON.stringify(result, null, 2)}\n`);
    else
      stdout(
        renderCheckReport(result, {
          verbose: options.verbose === true,
          color: process.stdout.isTTY === true,
        }),
      );
    return result.passed ? EXIT.ok : EXIT.findings;
  },
};
