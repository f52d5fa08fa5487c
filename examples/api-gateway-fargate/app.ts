/**
 * Seed pattern 1 as a Wharf app: API Gateway HTTP API → VPC link → Cloud Map (SRV) → Fargate.
 * Defaults equal the seed: NGINX from ECR Public, port 80, 256 CPU / 512 MiB, 2 tasks, service `web`;
 * the image is pinned to a version where the seed uses `:latest` (`wharf check`: image-tag-mutable).
 *
 *   npx wharf synth examples/api-gateway-fargate --portable --out out/api-gateway
 *   npx wharf check examples/api-gateway-fargate
 */
import { App, Stack } from 'aws-cdk-lib';
import { ApiGatewayFargateService } from 'wharf';

const app = new App();
const stack = new Stack(app, 'ApiGatewayFargate', {
  description: 'Fargate service behind an API Gateway HTTP API (VPC link, Cloud Map SRV records)',
});

new ApiGatewayFargateService(stack, 'Api', {
  service: {
    serviceName: 'web',
    image: 'public.ecr.aws/docker/library/nginx:1.28.0',
    containerPort: 80,
    cpu: 256,
    memoryMiB: 512,
    desiredCount: 2,
    // What `wharf dev` runs instead of the image on a machine without Docker.
    localCommand: 'node ../local-server.mjs',
  },
});

app.synth();
