import { Construct } from 'constructs';
import { PropsValidationError } from '../errors.js';
import { Cluster, normalizeClusterProps } from './cluster.js';
import {
  type ContainerHealthCheck,
  type ContainerOptions,
  normalizeContainerOptions,
} from './container-options.js';
import { acknowledgeNag, enableWharfChecks } from './nag.js';
import { Network, type NetworkProps, type NormalizedNetworkProps, normalizeNetworkProps } from './network.js';
import { Service } from './service.js';
import {
  type PlannedService,
  privateServiceUrl,
  type SeveralServicesEntry,
  serviceUrlVariable,
} from './several-services.js';
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

/** The network and cluster parts every service of a pattern uses. */
export interface PatternFoundation {
  readonly plan: StackLayoutPlan;
  readonly vpcPart: Construct;
  readonly clusterPart: Construct;
  readonly network: Network;
  readonly cluster: Cluster;
  readonly networkProfile: NormalizedNetworkProps;
  readonly variant: PatternVariant;
}

/** One service to build on a foundation. */
export interface ServiceBuild {
  /** The nested stack (`ServiceStack`, or `<Name>ServiceStack` with several services). */
  readonly partId: string;
  /** The construct id (`Service`, or `<Name>Service` with several services). */
  readonly constructId: string;
  readonly options: ContainerOptions;
  /** How it registers in Cloud Map, when it does. */
  readonly records?: 'SRV' | 'A';
  /** The description of its nested stack. */
  readonly description: string;
}

/**
 * Builds the parts both patterns share: the network (`VpcStack`), the cluster (`ClusterStack`)
 * and the services (`ServiceStack`, or one `<Name>ServiceStack` each), wired as the seeds'
 * parent templates wire them.
 */
export abstract class FargatePatternBase extends Construct {
  protected buildCore(props: FargatePatternProps, variant: PatternVariant): PatternCore {
    normalizeContainerOptions(`${this.node.path}/Service`, props.service, variant.defaultHealthCheck);
    const foundation = this.buildFoundation(props, variant, variant.cloudMap);
    const { part: servicePart, service } = this.buildService(foundation, {
      partId: 'ServiceStack',
      constructId: 'Service',
      options: props.service ?? {},
      records: variant.cloudMap ? 'SRV' : undefined,
      description: 'Wharf service: the Fargate service, its task definition and logs',
    });
    const { plan, vpcPart, network, cluster } = foundation;
    return { plan, vpcPart, servicePart, network, cluster, service };
  }

  /**
   * Checks the shared props and builds the network and cluster parts (the cluster with a Cloud
   * Map namespace when `namespace`). Service options are checked by the caller beforehand.
   */
  protected buildFoundation(
    props: FargatePatternProps,
    variant: PatternVariant,
    namespace: boolean,
  ): PatternFoundation {
    enableWharfChecks(this);
    const layout = props.layout ?? 'nested';
    requireOneOf(this, 'layout', layout, ['nested', 'flat'] as const);
    // Check everything before creating anything, so an error names the prop, not a half-built stack.
    const networkProps = props.network ?? variant.defaultNetwork;
    const network = normalizeNetworkProps(`${this.node.path}/Network`, networkProps);
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
      ...(namespace
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
    return { plan, vpcPart, clusterPart, network: net, cluster, networkProfile: network, variant };
  }

  /**
   * Builds one service in its own part, registered in the cluster's namespace when
   * `build.records` says so, and publishes `ServiceSecurityGroup` (and
   * `ServiceDiscoveryServiceArn`) from it.
   */
  protected buildService(foundation: PatternFoundation, build: ServiceBuild): BuiltService {
    const { plan, vpcPart, clusterPart, network: net, networkProfile: network, variant } = foundation;
    const servicePart = plan.part(build.partId, build.description);
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
    const service = new Service(servicePart, build.constructId, {
      ...build.options,
      healthCheck: build.options.healthCheck ?? variant.defaultHealthCheck,
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
      cloudMap:
        foundation.cluster.namespaceId && build.records
          ? {
              namespaceId: plan.importValue(
                servicePart,
                clusterPart,
                'ServiceDiscoveryNamespaceId',
                'The Cloud Map namespace to register in',
              ),
              records: build.records,
            }
          : undefined,
    });
    variant.ingressInServicePart?.(servicePart, service, subnets);
    plan.publish(servicePart, service.outputs, {
      ServiceSecurityGroup: "The service's security group",
      ServiceDiscoveryServiceArn: 'ARN of the Cloud Map service the tasks register in',
    });
    return { part: servicePart, service, subnets };
  }

  /**
   * Builds the services of an app with several, callers before the services they call: each in
   * its nested stack `<Name>ServiceStack` (construct `<Name>Service`), registered in Cloud Map
   * with `records(service)`. A private service's security group admits each caller's security
   * group on its container port (`IngressFrom<Caller>`, the caller's group passed in as the
   * parameter `<Caller>ServiceSecurityGroup`), and each caller gets `<NAME>_URL` =
   * `http://<name>.<namespace>:<port>` in its environment unless it sets that variable itself.
   */
  protected buildServices<T extends SeveralServicesEntry>(
    foundation: PatternFoundation,
    planned: readonly PlannedService<T>[],
    records: (service: PlannedService<T>) => 'SRV' | 'A' | undefined,
  ): Map<string, BuiltService> {
    const namespace = foundation.cluster.namespaceName;
    const discovered = new Map<string, Record<string, string>>();
    for (const service of planned) {
      if (service.callers.length === 0) continue;
      if (namespace === undefined) throw new Error('internal: private services need a namespace');
      const port = service.options.containerPort ?? 80;
      for (const caller of service.callers) {
        const variables = discovered.get(caller) ?? {};
        variables[serviceUrlVariable(service.name)] = privateServiceUrl(service.name, namespace, port);
        discovered.set(caller, variables);
      }
    }
    const built = new Map<string, BuiltService>();
    for (const service of planned) {
      const { callers: _callers, ...container } = service.options as SeveralServicesEntry &
        Record<string, unknown>;
      const result = this.buildService(foundation, {
        partId: `${service.id}ServiceStack`,
        constructId: `${service.id}Service`,
        options: {
          ...(container as ContainerOptions),
          serviceName: service.name,
          environment: { ...discovered.get(service.name), ...service.options.environment },
        },
        records: records(service),
        description: `Wharf service ${service.name}: ${service.isPublic ? 'public' : 'private'}, its task definition and logs`,
      });
      const variables = Object.keys(discovered.get(service.name) ?? {});
      if (variables.length > 0) {
        acknowledgeNag(
          result.service.taskDefinition,
          'AwsSolutions-ECS2',
          `Wharf sets ${variables.join(', ')} in the environment: the Cloud Map address of the private service(s) this one may call (http://<name>.<namespace>:<port>), configuration and not a secret. Secrets belong in 'secrets'.`,
        );
      }
      for (const callerName of service.callers) {
        const caller = built.get(callerName);
        const callerId = planned.find((p) => p.name === callerName)?.id;
        if (!caller || !callerId)
          throw new Error(`internal: ${callerName} was not built before ${service.name}`);
        const groupId = foundation.plan.importValue(
          result.part,
          caller.part,
          'ServiceSecurityGroup',
          `The security group of ${callerName}, which calls ${service.name}`,
          `${callerId}ServiceSecurityGroup`,
        );
        result.service.admit(`IngressFrom${callerId}`, groupId, `${callerName} calls ${service.name}`);
      }
      built.set(service.name, result);
    }
    return built;
  }
}

/** A service built by {@link FargatePatternBase.buildService}, with the part it lives in. */
export interface BuiltService {
  readonly part: Construct;
  readonly service: Service;
  readonly subnets: ServiceSubnets;
}
