import { Construct } from 'constructs';
import { PropsValidationError } from '../errors.js';
import { Cluster, normalizeClusterProps } from './cluster.js';
import { enableWharfChecks } from './nag.js';
import { Network, type NetworkProps, normalizeNetworkProps } from './network.js';
import {
  type ContainerHealthCheck,
  type ContainerOptions,
  normalizeContainerOptions,
  Service,
} from './service.js';
import { type StackLayout, StackLayoutPlan } from './stack-layout.js';
import { requireOneOf } from './validate.js';

/** Cluster options a pattern user may set. */
export interface PatternClusterOptions {
  /** CloudWatch Container Insights. @default true */
  readonly containerInsights?: boolean;
  /** A fixed cluster name. @default - generated */
  readonly clusterName?: string;
}

/** Props shared by both patterns. */
export interface FargatePatternProps {
  /**
   * The VPC to build or use.
   * @default - the API Gateway pattern: `{ profile: 'low-cost' }`; the load balancer pattern:
   * `{ profile: 'large' }` (it needs private subnets)
   * @example { profile: 'large', natGateways: 1 }
   */
  readonly network?: NetworkProps;
  /** The ECS cluster. @default - Container Insights on, generated name */
  readonly cluster?: PatternClusterOptions;
  /**
   * The container and its service.
   * @default - the seeds' NGINX service: `web`, port 80, 256 CPU / 512 MiB, 2 tasks
   * @example { image: 'my-repo/api:1.2.3', containerPort: 8080, cpu: 512, memoryMiB: 1024 }
   */
  readonly service?: ContainerOptions;
  /**
   * `nested` (a parent stack with `VpcStack`, `ClusterStack`, `ServiceStack` and, for the API
   * Gateway pattern, `ApiGatewayStack`, like the seeds) or `flat` (all in one stack).
   * @default 'nested'
   */
  readonly layout?: StackLayout;
}

/** What the shared part of a pattern built, for the variant to finish. */
export interface PatternCore {
  readonly plan: StackLayoutPlan;
  readonly vpcPart: Construct;
  readonly servicePart: Construct;
  readonly network: Network;
  readonly cluster: Cluster;
  readonly service: Service;
}

/** What a variant tells the shared part. */
export interface PatternVariant {
  /** Default network profile when the user gives none. */
  readonly defaultNetwork: NetworkProps;
  /** Run tasks in private subnets (without public IPs) when the network has them. */
  readonly tasksInPrivateSubnets: boolean;
  /** Register tasks in a Cloud Map namespace created with the cluster. */
  readonly cloudMap: boolean;
  /** Health check used when the user gives none. */
  readonly defaultHealthCheck: ContainerHealthCheck | false;
  /** Builds the ingress inside the service's part (load balancer pattern), if any. */
  readonly ingressInServicePart?: (scope: Construct, service: Service, subnets: ServiceSubnets) => void;
}

/** Subnets the service part sees (imported as parameters in the nested layout). */
export interface ServiceSubnets {
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  /** Only imported when the tasks run there. */
  privateSubnetIds: string[];
}

/**
 * Builds the parts both patterns share: the network (`VpcStack`), the cluster (`ClusterStack`)
 * and the service (`ServiceStack`), wired as the seeds' parent templates wire them.
 */
export abstract class FargatePatternBase extends Construct {
  protected buildCore(props: FargatePatternProps, variant: PatternVariant): PatternCore {
    enableWharfChecks(this);
    const layout = props.layout ?? 'nested';
    requireOneOf(this, 'layout', layout, ['nested', 'flat'] as const);
    // Check everything before creating anything, so an error names the prop, not a half-built stack.
    const networkProps = props.network ?? variant.defaultNetwork;
    const network = normalizeNetworkProps(`${this.node.path}/Network`, networkProps);
    normalizeContainerOptions(`${this.node.path}/Service`, props.service, variant.defaultHealthCheck);
    normalizeClusterProps(`${this.node.path}/Cluster`, {
      containerInsights: props.cluster?.containerInsights,
      clusterName: props.cluster?.clusterName,
    });
    if (variant.tasksInPrivateSubnets && network.profile !== 'large') {
      throw new PropsValidationError(
        this.node.path,
        'network',
        "the load balancer pattern runs tasks in private subnets: use profile 'large' (or an existing VPC with privateSubnetIds).",
      );
    }
    if (variant.tasksInPrivateSubnets && !network.existing && network.natGateways === 0) {
      throw new PropsValidationError(
        this.node.path,
        'network.natGateways',
        'got 0, but tasks in private subnets without a NAT gateway cannot reach any registry to pull their image; allowed: 1 or 2 (or an existing VPC whose private subnets have egress or VPC endpoints).',
      );
    }

    const plan = new StackLayoutPlan(this, layout);
    // An existing VPC creates no resources, and CloudFormation rejects a template without any:
    // its ids are passed to the other parts directly instead of through a VpcStack.
    const vpcPart = network.existing
      ? this
      : plan.part('VpcStack', 'Wharf network: VPC, subnets, internet gateway and NAT gateways');
    const net = new Network(vpcPart, 'Network', networkProps);
    const networkOutputs: Record<string, string | string[]> = {
      VpcId: net.vpcId,
      PublicSubnetIds: net.publicSubnetIds,
    };
    if (net.privateSubnetIds.length > 0) networkOutputs.PrivateSubnetIds = net.privateSubnetIds;
    plan.publish(vpcPart, networkOutputs, {
      VpcId: 'The VPC everything runs in',
      PublicSubnetIds: 'Comma-separated public subnets (route to the internet gateway)',
      PrivateSubnetIds:
        'Comma-separated private subnets (default route through a NAT gateway, when there is one)',
    });

    const clusterPart = plan.part(
      'ClusterStack',
      'Wharf cluster: ECS cluster for Fargate and its task execution role',
    );
    const cluster = new Cluster(clusterPart, 'Cluster', {
      containerInsights: props.cluster?.containerInsights,
      clusterName: props.cluster?.clusterName,
      ...(variant.cloudMap
        ? {
            cloudMapNamespace: {},
            vpcId: plan.importValue(
              clusterPart,
              vpcPart,
              'VpcId',
              'The VPC of the service discovery namespace',
            ),
          }
        : {}),
    });
    plan.publish(clusterPart, cluster.outputs, {
      ClusterName: 'The ECS cluster services run in',
      ECSTaskExecutionRole: 'ARN of the role Fargate uses to pull images and write logs',
      ServiceDiscoveryNamespaceId: 'The Cloud Map namespace services register in',
    });

    const servicePart = plan.part(
      'ServiceStack',
      'Wharf service: the Fargate service, its task definition and logs',
    );
    const subnets: ServiceSubnets = {
      vpcId: plan.importValue(servicePart, vpcPart, 'VpcId', 'The VPC the service runs in'),
      publicSubnetIds: plan.importList(servicePart, vpcPart, 'PublicSubnetIds', 'Public subnets'),
      privateSubnetIds: [],
    };
    const usePrivate = variant.tasksInPrivateSubnets || (network.profile === 'large' && net.hasPrivateEgress);
    if (usePrivate) {
      subnets.privateSubnetIds = plan.importList(
        servicePart,
        vpcPart,
        'PrivateSubnetIds',
        'Private subnets for the tasks',
      );
    }
    const service = new Service(servicePart, 'Service', {
      ...props.service,
      healthCheck: props.service?.healthCheck ?? variant.defaultHealthCheck,
      cluster: plan.importValue(servicePart, clusterPart, 'ClusterName', 'The ECS cluster to run in'),
      executionRoleArn: plan.importValue(
        servicePart,
        clusterPart,
        'ECSTaskExecutionRole',
        'The task execution role ARN',
      ),
      vpcId: subnets.vpcId,
      subnetIds: usePrivate ? subnets.privateSubnetIds : subnets.publicSubnetIds,
      assignPublicIp: !usePrivate,
      cloudMap: cluster.namespaceId
        ? {
            namespaceId: plan.importValue(
              servicePart,
              clusterPart,
              'ServiceDiscoveryNamespaceId',
              'The Cloud Map namespace to register in',
            ),
          }
        : undefined,
    });
    variant.ingressInServicePart?.(servicePart, service, subnets);
    plan.publish(servicePart, service.outputs, {
      ServiceSecurityGroup: "The service's security group",
      ServiceDiscoveryServiceArn: 'ARN of the Cloud Map service the tasks register in',
    });
    return { plan, vpcPart, servicePart, network: net, cluster, service };
  }
}
