/**
 * The project files `wharf init` writes around the service: `package.json` (Wharf linked with
 * `file:` while it is not published; `aws-cdk-lib` and `constructs` at the versions Wharf uses;
 * `tsx` to run `app.ts`), `cdk.json`, `app.ts` with the chosen pattern and `image: { directory:
 * 'app' }`, and `.gitignore`.
 */

import type { ProjectSpec } from './options.js';
import { HEALTH_PATH, type ProjectFile, SERVICE_PORT } from './service-files.js';

/** `package.json`, `cdk.json`, `app.ts` and `.gitignore`. */
export function projectFiles(spec: ProjectSpec): ProjectFile[] {
  return [
    { path: 'package.json', text: packageJson(spec) },
    { path: 'cdk.json', text: `${JSON.stringify({ app: 'npx tsx app.ts' }, null, 2)}\n` },
    { path: 'app.ts', text: appTs(spec) },
    { path: '.gitignore', text: GITIGNORE },
  ];
}

/**
 * The project's `package.json`. Wharf is a `file:` dependency on the checkout that ran `init`: npm
 * links it (a symlink), so Wharf's code runs with its own `node_modules`, and the app's
 * `aws-cdk-lib` is a second copy, pinned to the same version. CDK recognizes its objects across
 * copies (by `Symbol.for` brands, not `instanceof`), which is what lets a Wharf construct sit in the
 * app's `Stack`.
 */
function packageJson(spec: ProjectSpec): string {
  const manifest = {
    name: spec.serviceName.toLowerCase(),
    version: '0.1.0',
    private: true,
    description: `${spec.serviceName}: an HTTP service on AWS Fargate, made with Wharf`,
    type: 'module',
    engines: { node: '>=20' },
    scripts: {
      dev: 'wharf dev',
      test: 'node --test app/server.test.mjs && wharf check',
    },
    dependencies: {
      'aws-cdk-lib': spec.versions['aws-cdk-lib'],
      constructs: spec.versions.constructs,
      wharf: `file:${spec.wharfDir}`,
    },
    devDependencies: {
      tsx: spec.versions.tsx,
    },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function appTs(spec: ProjectSpec): string {
  const alb = spec.pattern === 'alb';
  const construct = alb ? 'LoadBalancedFargateService' : 'ApiGatewayFargateService';
  const ingress = alb
    ? 'a public Application Load Balancer, the tasks in private subnets'
    : 'an API Gateway HTTP API (VPC link, Cloud Map)';
  const health = alb
    ? `  // The load balancer sends requests only to tasks that answer this path with 200.
  loadBalancer: { healthCheck: { path: '${HEALTH_PATH}' } },
`
    : '';
  const containerHealth = alb
    ? ''
    : `    // ECS runs this in the container; API Gateway (through Cloud Map) only sees healthy tasks.
    // node is in the image (curl is not in node:*-alpine), and on your machine for \`wharf dev\`
    // without Docker.
    healthCheck: {
      command: [
        'CMD',
        'node',
        '-e',
        "fetch('http://127.0.0.1:${SERVICE_PORT}${HEALTH_PATH}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
      ],
      intervalSeconds: 5,
      // Starting node for the check can take seconds on a busy machine: failures in the first
      // 15 s do not count, and a task is unhealthy after 3 checks of 5 s in a row.
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 15,
    },
`;
  return `/**
 * ${spec.serviceName}: the service in app/ on AWS Fargate behind ${ingress}.
 *
 *   npx wharf dev        run it here, behind the same ingress (--watch: rebuild and roll on save)
 *   npx wharf check      check the templates before deploying
 *   npx wharf diagram    draw what this deploys
 *   npx wharf deploy     deploy it (AWS credentials; once per account and region: npx wharf bootstrap)
 */
import { App, Stack } from 'aws-cdk-lib';
import { ${construct} } from 'wharf';

const app = new App();
const stack = new Stack(app, '${spec.stackId}', {
  description: '${spec.serviceName} on Fargate behind ${alb ? 'a public ALB' : 'an API Gateway HTTP API'} (made with wharf init)',
});

new ${construct}(stack, '${alb ? 'Web' : 'Api'}', {
${health}  service: {
    serviceName: '${spec.serviceName}',
    // Built from app/Dockerfile: by \`wharf dev\` here, and pushed to ECR by \`wharf deploy\`.
    image: { directory: 'app' },
    containerPort: ${SERVICE_PORT},
    cpu: 256,
    memoryMiB: 512,
    desiredCount: 2,
${containerHealth}    // What \`wharf dev\` runs in app/ instead of the image on a machine without Docker.
    localCommand: 'node server.mjs',
  },
});

app.synth();
`;
}

const GITIGNORE = `node_modules/
# CDK and Wharf output: synthesized templates, \`wharf dev\` logs
cdk.out/
out/
.wharf/
npm-debug.log*
`;
