/**
 * A production-shaped API on pattern 1 (API Gateway HTTP API → VPC link → Cloud Map → Fargate):
 * the small Node service in `app/`, with the three things a public API needs before real traffic.
 *
 * - `scaling`: 2 to 10 tasks, tracking 60 % CPU and 75 % memory. (Requests per target is an ALB
 *   metric: the API Gateway pattern has no load balancer, so it cannot track requests.)
 * - `domain`: `https://api.example.com`, a regional custom domain with TLS 1.2, a new ACM
 *   certificate validated by DNS in the hosted zone, and a Route 53 alias record. The zone id is
 *   a placeholder: put your zone's (`aws route53 list-hosted-zones-by-name --dns-name
 *   example.com`) and your name before deploying. Synthesis needs neither AWS nor the zone.
 * - `apiGateway.throttle`: 500 requests/s with a burst of 1,000 on the stage, instead of the
 *   default 100/200.
 *
 *   npx wharf synth examples/production-api --out out/production-api
 *   npx wharf check examples/production-api
 *   npx wharf dev examples/production-api --once
 */
import { App, Stack } from 'aws-cdk-lib';
import { ApiGatewayFargateService } from 'wharf';

const app = new App();
const stack = new Stack(app, 'ProductionApi', {
  description:
    'A Node service on Fargate behind an API Gateway HTTP API: autoscaled, on its own domain, throttled',
});

new ApiGatewayFargateService(stack, 'Api', {
  service: {
    serviceName: 'production-api',
    image: { directory: 'app' },
    containerPort: 8080,
    cpu: 512,
    memoryMiB: 1024,
    // No desiredCount: stack updates keep the count the autoscaler chose.
    scaling: { min: 2, max: 10, cpuPercent: 60, memoryPercent: 75 },
    // Run by ECS inside the container (node is in the image, curl is not in node:*-alpine).
    healthCheck: {
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
    },
    // What `wharf dev` runs in app/ instead of the image on a machine without Docker.
    localCommand: 'node server.mjs',
  },
  apiGateway: {
    apiName: 'production-api',
    throttle: { rateLimit: 500, burstLimit: 1000 },
  },
  domain: {
    name: 'api.example.com',
    // A placeholder in the shape of a Route 53 zone id: replace it with yours.
    hostedZone: 'Z0123456789ABCDEFGHIJ',
  },
});

app.synth();
