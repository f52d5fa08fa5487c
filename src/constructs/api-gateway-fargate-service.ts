import type { Construct } from 'constructs';
import {
  ApiGatewayIngress,
  type ApiGatewayOptions,
  normalizeApiGatewayOptions,
} from './api-gateway-ingress.js';
import type { Cluster } from './cluster.js';
import type { Network } from './network.js';
import { FargatePatternBase, type FargatePatternProps } from './pattern-base.js';
import { SEED_HEALTH_CHECK, type Service } from './service.js';

/** Props of {@link ApiGatewayFargateService}. */
export interface ApiGatewayFargateServiceProps extends FargatePatternProps {
  /**
   * The HTTP API in front of the service.
   * @default - the seeds' API: `fargate-api-gateway`, `$default` route and stage, detailed
   * metrics, JSON access logs kept 30 days
   * @example { throttling: { rateLimit: 100, burstLimit: 200 } }
   */
  readonly apiGateway?: ApiGatewayOptions;
}

/**
 * Seed pattern 1: API Gateway HTTP API → VPC link → Cloud Map (SRV records) → ECS service on
 * Fargate. A serverless ingress with no hourly charge, for APIs with modest traffic.
 *
 * Laid out like the seed's `parent.yml`: nested stacks `VpcStack` (low-cost VPC by default),
 * `ClusterStack` (cluster, execution role, Cloud Map namespace `internal`), `ServiceStack` (the
 * service registered with SRV records, with the seed's container health check) and
 * `ApiGatewayStack` (HTTP API, VPC link, integration, stage, access logs), passing `VpcId`,
 * `PublicSubnetIds`, `ClusterName`, `ECSTaskExecutionRole`, `ServiceDiscoveryNamespaceId`,
 * `ServiceSecurityGroup` and `ServiceDiscoveryServiceArn` between them. The parent stack outputs
 * `ApiGatewayUri`.
 *
 * **Cost** (us-east-1, defaults, two tasks in public subnets): Fargate ~$18/month, two public
 * IPv4 addresses ~$7.30/month, the Cloud Map hosted zone $0.50/month, and $1.00 per million
 * requests. Cheaper than an ALB below roughly 15-20 million requests a month; run `wharf cost`
 * for your traffic.
 *
 * @example
 * const app = new App();
 * const stack = new Stack(app, 'Orders');
 * new ApiGatewayFargateService(stack, 'Api', {
 *   service: { image: 'public.ecr.aws/docker/library/nginx:1.28.0', desiredCount: 2 },
 * });
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html
 */
export class ApiGatewayFargateService extends FargatePatternBase {
  readonly network: Network;
  readonly cluster: Cluster;
  readonly service: Service;
  readonly apiGateway: ApiGatewayIngress;
  /** The public URL of the API (`ApiGatewayUri`), as the parent stack sees it. */
  readonly apiGatewayUri: string;

  constructor(scope: Construct, id: string, props: ApiGatewayFargateServiceProps = {}) {
    super(scope, id);
    normalizeApiGatewayOptions(`${this.node.path}/ApiGateway`, props.apiGateway);
    const core = this.buildCore(props, {
      defaultNetwork: { profile: 'low-cost' },
      tasksInPrivateSubnets: false,
      cloudMap: true,
      defaultHealthCheck: SEED_HEALTH_CHECK,
    });
    const { plan, vpcPart, servicePart } = core;
    const part = plan.part(
      'ApiGatewayStack',
      'Wharf ingress: API Gateway HTTP API with a VPC link to the service',
    );
    this.apiGateway = new ApiGatewayIngress(part, 'ApiGateway', {
      ...props.apiGateway,
      vpcId: plan.importValue(part, vpcPart, 'VpcId', 'The VPC of the VPC link'),
      subnetIds: plan.importList(part, vpcPart, 'PublicSubnetIds', 'Subnets for the VPC link'),
      serviceSecurityGroupId: plan.importValue(
        part,
        servicePart,
        'ServiceSecurityGroup',
        "The service's security group",
      ),
      cloudMapServiceArn: plan.importValue(
        part,
        servicePart,
        'ServiceDiscoveryServiceArn',
        'ARN of the Cloud Map service',
      ),
      containerPort: core.service.settings.containerPort,
    });
    plan.publish(part, this.apiGateway.outputs, { ApiGatewayUri: 'The URL of the API' });
    this.network = core.network;
    this.cluster = core.cluster;
    this.service = core.service;
    this.apiGatewayUri = plan.outputInParent(
      part,
      'ApiGatewayUri',
      'The URL at which the Fargate service receives traffic',
    );
  }
}
