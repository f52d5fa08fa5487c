/**
 * Two services behind one API Gateway HTTP API: `orders` is public (routes `GET /`, `GET /orders`
 * and `ANY /orders/{proxy+}`), `inventory` is private (no route; A records in the Cloud Map namespace
 * `internal`, a security group that admits only `orders`). Both run the one server in `app/`,
 * picked by `ROLE`; `orders` calls `inventory` at `http://inventory.internal:8080`, which the
 * constructs also put in its environment as `INVENTORY_URL`.
 *
 *   npx wharf dev examples/two-services --once     # curl <api>/orders: orders → DNS → inventory
 *   npx wharf synth examples/two-services --out out/two-services
 *   npx wharf check examples/two-services
 */
import { App, Stack } from 'aws-cdk-lib';
import { ApiGatewayFargateService, acknowledgeNag, type ContainerHealthCheck } from 'wharf';

const app = new App();
const stack = new Stack(app, 'TwoServices', {
  description: 'A public and a private Fargate service behind one API Gateway HTTP API',
});

// Run by ECS inside the container (node is in the image, curl is not in node:*-alpine).
const healthCheck: ContainerHealthCheck = {
  command: [
    'CMD',
    'node',
    '-e',
    "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))",
  ],
  intervalSeconds: 5,
  timeoutSeconds: 5,
  retries: 3,
  startPeriodSeconds: 15,
};

const api = new ApiGatewayFargateService(stack, 'Api', {
  services: {
    orders: {
      image: { directory: 'app' },
      containerPort: 8080,
      desiredCount: 2,
      environment: { ROLE: 'orders' },
      healthCheck,
      routes: ['GET /', 'GET /orders', 'ANY /orders/{proxy+}'],
      // What `wharf dev` runs in app/ instead of the image on a machine without Docker.
      localCommand: 'node server.mjs',
    },
    inventory: {
      image: { directory: 'app' },
      containerPort: 8080,
      desiredCount: 2,
      environment: { ROLE: 'inventory' },
      healthCheck,
      callers: ['orders'],
      localCommand: 'node server.mjs',
    },
  },
});
// `wharf check` (cdk-nag AwsSolutions-ECS2) flags plain environment variables; ROLE is not a
// secret. Wharf acknowledges the INVENTORY_URL it sets on orders itself.
for (const service of Object.values(api.services)) {
  acknowledgeNag(
    service.taskDefinition,
    'AwsSolutions-ECS2',
    'ROLE only picks which part of the example server runs; it is not a secret.',
  );
}

app.synth();
