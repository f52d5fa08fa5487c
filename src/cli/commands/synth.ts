import { UsageError } from '../../errors.js';
import { synth } from '../../synth/synth.js';
import type { TemplateFormat } from '../../template/write.js';
import { ALLOW_PATH_OPTION, appSourceArgs } from '../app-source.js';
import { CDK_APP_OPTIONS, type Command, EXIT } from '../command.js';

/** `wharf synth`: the CDK app's CloudFormation, written as files. */
export const synthCommand: Command = {
  name: 'synth',
  summary: 'Synthesize a CDK app offline and write its CloudFormation templates.',
  usage: '[dir] --out <dir> [options]',
  details: `
Runs the CDK app named by cdk.json in [dir] (default: the current folder) without AWS
credentials or network, and writes every template (parent and nested stacks) into --out.

With --portable the output has the seeds' shape: parent.yml plus one file per nested stack
(vpc.yml, cluster.yml, service.yml, api-gateway.yml) referenced by relative TemplateURLs, so the
seeds' own command deploys it unchanged:

  sam deploy --template-file parent.yml --stack-name my-api --resolve-s3 --capabilities CAPABILITY_IAM

An image built from a folder (image: { directory: 'app' }) becomes a root parameter, ImageUrl,
passed down to the service's stack; synth then prints the docker build and docker push commands
for an ECR repository of your account, and the sam deploy line that passes the pushed image with
--parameter-overrides ImageUrl=….

Examples:
  npx wharf synth examples/api-gateway-fargate --out out/api
  npx wharf synth examples/public-alb-fargate --portable --out out/alb
  npx wharf synth --app "npx tsx bin/app.ts" --format json --out cdk-templates`,
  maxPositionals: 1,
  options: {
    out: { type: 'string', short: 'o', value: '<dir>', description: 'Folder to write templates into' },
    portable: {
      type: 'boolean',
      description:
        'Write parent.yml + one file per nested stack with relative paths (for sam deploy / aws cloudformation package)',
    },
    format: {
      type: 'string',
      value: '<fmt>',
      description: 'Template format',
      choices: ['yaml', 'json'],
      default: 'yaml',
    },
    ...CDK_APP_OPTIONS,
    ...ALLOW_PATH_OPTION,
    json: {
      type: 'boolean',
      description:
        'Print the written files (and, with --portable, the image parameters and commands) as JSON',
    },
  },
  async run({ positionals, options, io, stdout }) {
    if (typeof options.out !== 'string' || options.out === '') {
      throw new UsageError(
        "wharf synth: --out <dir> is required: the folder to write templates into. Run 'wharf synth --help'.",
      );
    }
    const source = appSourceArgs('synth', positionals, options);
    if (source.dir === undefined) {
      throw new UsageError(
        `wharf synth: ${source.templates[0]} is a file; synth runs the CDK app in a folder (the one with cdk.json). A template is already CloudFormation: give it to check, cost, diagram, dev or deploy.`,
      );
    }
    const result = await synth({
      dir: source.dir,
      allowPaths: source.allowPaths,
      app: options.app as string | undefined,
      stack: options.stack as string | undefined,
      out: options.out,
      format: options.format as TemplateFormat,
      portable: options.portable === true,
      io,
    });
    if (options.json) {
      stdout(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      stdout(`Wrote ${result.files.length} templates to ${result.outDir}\n`);
      for (const file of result.files) stdout(`  ${file.file}\n`);
      for (const set of result.images ?? []) {
        const parameters = set.images.map((image) => image.parameter).join(', ');
        stdout(
          `\n${set.stack} takes its built image${set.images.length > 1 ? 's' : ''} as ${parameters}. ` +
            'Build, push and deploy with the AWS CLI, Docker and the SAM CLI:\n\n',
        );
        for (const line of set.commands) stdout(`  ${line}\n`);
      }
    }
    return EXIT.ok;
  },
};
