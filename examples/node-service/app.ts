/**
 * A service of its own, built from source: the small Node HTTP service in `app/` (its Dockerfile
 * starts `FROM node:22-alpine`, the official Node.js image) behind pattern 1, API Gateway HTTP API
 * → VPC link → Cloud Map (SRV) → Fargate. `wharf dev` builds the image with Docker before the tasks
 * start (or, without Docker, runs `node server.mjs` in `app/`); `wharf deploy` pushes it to ECR.
 *
 *   npx wharf dev examples/node-service --once
 *   npx wharf dev examples/node-service --watch      # edit app/server.mjs, see it live
 *   npx wharf check examples/node-service
 */
import { App, Stack } from 'aws-cdk-lib';
import { ApiGatewayFargateService } from 'wharf';

const app = new App();
const stack = new Stack(app, 'NodeService', {
  description: 'A Node service built from its Dockerfile, on Fargate behind an API Gateway HTTP API',
});

new ApiGatewayFargateService(stack, 'Api', {
  service: {
    serviceName: 'node-service',
    image: { directory: 'app' },
    containerPort: 8080,
    cpu: 256,
    memoryMiB: 512,
    desiredCount: 2,
    // Run by ECS inside the container (node is in the image, curl is not in node:*-alpine); API
    // Gateway reaches a task through Cloud Map only once it is healthy.
    healthCheck: {
      command: [
        'CMD',
        'node',
        '-e',
        "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
      ],
      intervalSeconds: 5,
      // Starting node for the check can take seconds on a busy machine: failures in the first
      // 15 s do not count, and a task is unhealthy after 3 checks of 5 s in a row.
      timeoutSeconds: 5,
      retries: 3,
      startPeriodSeconds: 15,
    },
    // What `wharf dev` runs in app/ instead of the image on a machine without Docker.
    localCommand: 'node server.mjs',
  },
});

app.synth();
