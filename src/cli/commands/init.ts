import { relative } from 'node:path';
import { type InitResult, initProject } from '../../init/init.js';
import { INIT_PATTERNS } from '../../init/options.js';
import { shellQuote } from '../../io/shell-quote.js';
import { type Command, EXIT } from '../command.js';

/** The commands to run next, from the current folder. */
function nextCommands(result: InitResult): string[] {
  const path = relative(process.cwd(), result.dir);
  const cd = path === '' ? [] : [`cd ${shellQuote(path)}`];
  return [...cd, 'npm install && npx wharf dev', 'npm test'];
}

function render(result: InitResult): string {
  const pattern = result.pattern === 'alb' ? 'public ALB' : 'API Gateway';
  const named = {
    flag: '',
    folder: " (from the folder's name; --name to choose another)",
    default: ' (--name to choose another)',
  }[result.nameSource];
  return [
    `Created a Wharf project in ${result.dir}: service '${result.serviceName}'${named}, ${pattern} pattern, stack ${result.stackId}.`,
    ...result.files.map((file) => `  ${file.action.padEnd(11)} ${file.path}`),
    `Wharf is linked from ${result.wharfDir} (a file: dependency while Wharf is not published to npm).`,
    '',
    'Next:',
    ...nextCommands(result).map((line) => `  ${line}`),
    '',
  ].join('\n');
}

/** `wharf init`: a new project with a service of its own, built from a Dockerfile. */
export const initCommand: Command = {
  name: 'init',
  summary: 'Create a new project: a Node service in app/ with its Dockerfile, behind API Gateway or an ALB.',
  usage: '[dir] [--pattern api-gateway|alb] [--name <service>] [--force] [options]',
  details: `
Writes a new Wharf project into [dir] (default: the current folder; created if missing):
  package.json       Wharf as a file: link to this Wharf (it is not published to npm yet),
                     aws-cdk-lib and constructs at the versions Wharf uses, tsx to run app.ts;
                     npm test runs the service's tests, then npx wharf check
  cdk.json, app.ts   the CDK app: the pattern with image: { directory: 'app' }
  app/               the service: Dockerfile (FROM node:22-alpine), server.mjs (a dependency-free
                     HTTP server answering / and /health, stopping promptly on SIGTERM),
                     server.test.mjs (node --test), .dockerignore
  .gitignore, README.md

--pattern api-gateway (default): API Gateway HTTP API → VPC link → Cloud Map → Fargate.
--pattern alb: a public Application Load Balancer → Fargate in private subnets.
--name is the ECS service name: 1-63 letters, digits, hyphens and underscores, starting and
ending with a letter or digit (default: made from the folder's name, else web).

A folder with anything in it but .git is refused, and nothing is written, unless --force: then
the project's files replace files of the same name and every other file is kept.

Exit code 2 on bad input (a bad --pattern or --name, a folder that is not empty).

Examples:
  npx wharf init orders
  npx wharf init orders --pattern alb --name orders-api
  npx wharf init . --force --json`,
  maxPositionals: 1,
  options: {
    pattern: {
      type: 'string',
      value: '<pattern>',
      description: 'The ingress in front of the service',
      choices: INIT_PATTERNS,
      default: 'api-gateway',
    },
    name: {
      type: 'string',
      value: '<service>',
      description: 'The ECS service name (default: from the folder)',
    },
    force: {
      type: 'boolean',
      description: 'Write into a folder that is not empty (same-named files replaced, others kept)',
    },
    json: { type: 'boolean', description: 'Print what was written as JSON' },
  },
  async run({ positionals, options, stdout }) {
    const result = initProject({
      dir: positionals[0] ?? '.',
      pattern: options.pattern as string | undefined,
      name: options.name as string | undefined,
      force: options.force === true,
    });
    if (options.json) stdout(`${JSON.stringify({ ...result, next: nextCommands(result) }, null, 2)}\n`);
    else stdout(render(result));
    return EXIT.ok;
  },
};
