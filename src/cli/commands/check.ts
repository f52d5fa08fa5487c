import { check } from '../../check/check.js';
import { renderCheckReport } from '../../check/report.js';
import { ALLOW_PATH_OPTION, appSourceArgs } from '../app-source.js';
import { CDK_APP_OPTIONS, type Command, EXIT } from '../command.js';

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
    json: { type: 'boolean', description: 'Print the full result as JSON' },
    verbose: { type: 'boolean', description: 'Also show info-level findings and acknowledgments' },
  },
  async run({ positionals, options, io, stdout }) {
    const source = appSourceArgs('check', positionals, options);
    const result = await check({
      dir: source.dir ?? '.',
      templates: source.templates,
      allowPaths: source.allowPaths,
      app: options.app as string | undefined,
      stack: options.stack as string | undefined,
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
