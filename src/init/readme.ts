/**
 * The README of a project `wharf init` makes: the same two-command start as Wharf's own (run it,
 * test it), what each file is, why Wharf is a `file:` link, how to build offline, how to deploy.
 */

import { shellQuote } from '../io/shell-quote.js';
import type { ProjectSpec } from './options.js';
import { HEALTH_PATH, type ProjectFile, SERVICE_BASE_IMAGE, SERVICE_PORT } from './service-files.js';

/** `README.md`. */
export function readmeFile(spec: ProjectSpec): ProjectFile {
  return { path: 'README.md', text: readme(spec) };
}

function readme(spec: ProjectSpec): string {
  const alb = spec.pattern === 'alb';
  const ingress = alb ? 'a public Application Load Balancer' : 'an API Gateway HTTP API';
  const localIngress = alb ? 'load balancer' : 'HTTP API (VPC link → Cloud Map → tasks)';
  const output = alb ? 'LoadBalancerUri' : 'ApiGatewayUri';
  const health = alb
    ? `the load balancer's target group asks \`${HEALTH_PATH}\``
    : `ECS runs a container health check on \`${HEALTH_PATH}\`, and API Gateway only reaches healthy tasks`;
  return `# ${spec.serviceName}

An HTTP service on AWS Fargate behind ${ingress}, made with [Wharf](${spec.wharfDir})
(\`wharf init${alb ? ' --pattern alb' : ''}\`). The service is the small Node server in \`app/\`:
replace it with yours.

## Quick start

With Node 20+ and npm (Docker optional, no AWS credentials needed):

\`\`\`sh
npm install && npx wharf dev
npm test
\`\`\`

The first command installs, builds \`app/\`'s image with Docker, starts two tasks behind the local
${localIngress} and prints its URL in place of the \`${output}\` output:
\`curl\` it for \`{"service":"${spec.serviceName}","message":"Hello from ${spec.serviceName}!",…}\`.
Ctrl-C stops and removes everything. \`npx wharf dev --watch\` rebuilds the image when you save a
file in \`app/\` and rolls the tasks as an ECS deployment would; \`npx wharf dev --once\` starts,
sends one request, prints the answer and stops. Without Docker, Wharf runs \`node server.mjs\` in
\`app/\` as plain processes instead (the \`localCommand\` in \`app.ts\`), behind the same ingress.

The second command runs the server's tests (\`node --test app/server.test.mjs\`) and then
\`npx wharf check\`, which checks the templates this app deploys (AWS's CloudFormation
validator, cdk-nag and the known traps of this architecture) and ends with
\`PASSED: 0 errors, …\`.

## Files

| File | What it is |
|---|---|
| \`app.ts\` | the CDK app: one \`${alb ? 'LoadBalancedFargateService' : 'ApiGatewayFargateService'}\` whose image is built from \`app/\` (\`image: { directory: 'app' }\`) |
| \`cdk.json\` | how Wharf (and the CDK CLI) runs the app: \`npx tsx app.ts\` |
| \`app/server.mjs\` | the service: \`GET /\` (JSON greeting), \`GET ${HEALTH_PATH}\` (\`ok\`); port ${SERVICE_PORT}; exits promptly on SIGTERM |
| \`app/server.test.mjs\` | its tests (\`node --test\`) |
| \`app/Dockerfile\` | its image, \`FROM ${SERVICE_BASE_IMAGE}\` |
| \`app/.dockerignore\` | what is not sent to Docker (tests, \`node_modules\`) |

Health: ${health}.

## Wharf is linked from this machine

Wharf is not published to npm yet, so \`package.json\` depends on the Wharf checkout that created
this project: \`"wharf": "file:${spec.wharfDir}"\`. npm links that folder; Wharf runs from it with
its own built \`dist/\` and \`node_modules\`, so keep it there and built (\`npm install\` in it), or
change the path and run \`npm install\` here again. Once Wharf is published, replace the link with a
version. \`aws-cdk-lib\` and \`constructs\` are pinned to the versions that Wharf uses.

## Without registry access

\`docker build\` needs the base image \`${SERVICE_BASE_IMAGE}\`; Docker pulls it the first time. On a
machine that cannot reach Docker Hub, \`npx wharf dev\` finds that out before it builds, runs the
service as processes instead (\`node server.mjs\` in \`app/\`) and says why on its \`Runtime:\` line.
To build the image anyway, let Wharf make an offline stand-in under that name from this machine's
own \`node\` (for local runs only; it is not the official image, never deploy it):

\`\`\`sh
(cd ${shellQuote(spec.wharfDir)} && npx tsx scripts/build-stand-in-images.ts ${SERVICE_BASE_IMAGE})
\`\`\`

## Deploy

With AWS credentials: once per account and region \`npx wharf bootstrap\`, then \`npx wharf deploy\`
(it runs \`npx wharf check\` first). \`npx wharf cost\` prices what this deploys; \`npx wharf --help\`
lists every command. See Wharf's README (\`${spec.wharfDir}/README.md\`) for each of them.
`;
}
