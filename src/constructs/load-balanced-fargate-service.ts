import type { Construct } from 'constructs';
import type { Cluster } from './cluster.js';
import {
  LoadBalancerIngress,
  type LoadBalancerOptions,
  normalizeLoadBalancerOptions,
} from './load-balancer-ingress.js';
import type { Network } from './network.js';
import { FargatePatternBase, type FargatePatternProps } from './pattern-base.js';
import type { Service } from './service.js';

/** Props of {@link LoadBalancedFargateService}. */
export interface LoadBalancedFargateServiceProps extends FargatePatternProps {
  /**
   * The public Application Load Balancer.
   * @default - the seed's ALB: HTTP on 80, idle timeout 30 s, health check '/' every 6 s,
   * deregistration delay 0
   * @example { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd' }
   */
  readonly loadBalancer?: LoadBalancerOptions;
}

/**
 * Seed pattern 2: a public Application Load Balancer → ECS service on Fargate whose tasks run in
 * private subnets with private IPs only, reaching the internet through NAT gateways.
 *
 * Laid out like the seed's `parent.yml`: nested stacks `VpcStack` (large VPC by default: public
 * and private subnets, a NAT gateway per AZ), `ClusterStack` and `ServiceStack` (service, task
 * definition, target group, ALB and listener; the service waits for the listener), passing
 * `VpcId`, `PublicSubnetIds`, `PrivateSubnetIds`, `ClusterName` and `ECSTaskExecutionRole`. The
 * parent stack outputs `LoadBalancerUri`.
 *
 * **Cost** (us-east-1, defaults): ALB ~$16.43/month plus LCUs, two NAT gateways ~$65.70/month plus
 * $0.045/GB, their two Elastic IPs and the ALB's two public IPv4 addresses ~$14.60/month, Fargate
 * ~$18/month. Use `network: { profile: 'large', natGateways: 1 }` to halve the NAT cost on
 * non-critical stacks; run `wharf cost` for your traffic.
 *
 * @example
 * new LoadBalancedFargateService(stack, 'Web', {
 *   service: { image: 'public.ecr.aws/docker/library/nginx:1.28.0' },
 *   loadBalancer: { idleTimeoutSeconds: 60 },
 * });
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-load-balancing.html
 */
export class LoadBalancedFargateService extends FargatePatternBase {
  readonly network: Network;
  readonly cluster: Cluster;
  readonly service: Service;
  readonly loadBalancer: LoadBalancerIngress;
  /** The public URL of the load balancer (`LoadBalancerUri`), as the parent stack sees it. */
  readonly loadBalancerUri: string;

  constructor(scope: Construct, id: string, props: LoadBalancedFargateServiceProps = {}) {
    super(scope, id);
    normalizeLoadBalancerOptions(`${this.node.path}/LoadBalancer`, props.loadBalancer);
    let ingress: LoadBalancerIngress | undefined;
    const core = this.buildCore(props, {
      defaultNetwork: { profile: 'large' },
      tasksInPrivateSubnets: true,
      cloudMap: false,
      defaultHealthCheck: false,
      ingressInServicePart: (scope, service, subnets) => {
        ingress = new LoadBalancerIngress(scope, 'LoadBalancer', {
          ...props.loadBalancer,
          vpcId: subnets.vpcId,
          subnetIds: subnets.publicSubnetIds,
          serviceSecurityGroupId: service.securityGroupId,
          containerPort: service.settings.containerPort,
        });
        service.addLoadBalancerTarget(ingress.target);
      },
    });
    if (!ingress) throw new Error('internal: load balancer was not created');
    this.loadBalancer = ingress;
    core.plan.publish(core.servicePart, ingress.outputs, {
      LoadBalancerUri: 'The URL of the public load balancer',
    });
    this.network = core.network;
    this.cluster = core.cluster;
    this.service = core.service;
    this.loadBalancerUri = core.plan.outputInParent(
      core.servicePart,
      'LoadBalancerUri',
      'The URL at which the Fargate service receives traffic',
    );
  }
}
