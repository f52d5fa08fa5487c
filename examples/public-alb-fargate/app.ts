/**
 * Seed pattern 2 as a Wharf app: public ALB → Fargate tasks in private subnets, NAT for egress.
 * Defaults equal the seed: NGINX from ECR Public, port 80, 256 CPU / 512 MiB, 2 tasks, service `web`;
 * the image is pinned to a version where the seed uses `:latest` (`wharf check`: image-tag-mutable).
 *
 *   npx wharf synth examples/public-alb-fargate --portable --out out/public-alb
 *   npx wharf check examples/public-alb-fargate
 */
import { App, Stack } from 'aws-cdk-lib';
import { LoadBalancedFargateService } from 'wharf';

const app = new App();
const stack = new Stack(app, 'PublicAlbFargate', {
  description: 'Fargate service in private subnets behind a public Application Load Balancer',
});

new LoadBalancedFargateService(stack, 'Web', {
  network: { profile: 'large', natGateways: 2 },
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
