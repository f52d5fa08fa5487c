import { Aws, type CfnResource, Fn, Lazy } from 'aws-cdk-lib';
import { CfnSecurityGroup, CfnSecurityGroupIngress } from 'aws-cdk-lib/aws-ec2';
import type { DockerImageAsset } from 'aws-cdk-lib/aws-ecr-assets';
import { CfnService, CfnTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnService as CfnDiscoveryService } from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { createContainerImage } from './container-image.js';
import {
  type ContainerOptions,
  type NormalizedContainerOptions,
  normalizeContainerOptions,
} from './container-options.js';
import { ServiceAutoScaling } from './service-scaling.js';
import { requireListLength } from './validate.js';
/** Props of {@link Service}: the container plus where it runs. */
export interface ServiceProps extends ContainerOptions {
  /** The ECS cluster name or ARN. @example cluster.clusterName */
  readonly cluster: string;
  /** The VPC of the service's security group. @example network.vpcId */
  readonly vpcId: string;
  /** Subnets for the tasks (awsvpc networking). @example network.privateSubnetIds */
  readonly subnetIds: string[];
  /**
   * Give each task a public IP: needed in public subnets without NAT to pull images.
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /** ARN of the task execution role. @example cluster.executionRoleArn */
  readonly executionRoleArn: string;
  /**
   * Register tasks in this Cloud Map namespace: with an SRV record (IP and port), as API Gateway
   * private integrations need, or with A records (a private service other services call by
   * name: MULTIVALUE routing, TTL 10 s, healthy tasks only).
   * @default - no Cloud Map registration
   * @example { namespaceId: cluster.namespaceId }
   * @example { namespaceId: cluster.namespaceId, records: 'A' }
   */
  readonly cloudMap?: CloudMapRegistration;
}

/** Where and how a service's tasks register in Cloud Map. */
export interface CloudMapRegistration {
  /** The private DNS namespace. @example cluster.namespaceId */
  readonly namespaceId: string;
  /**
   * `SRV` (IP and port, TTL 0; what an API Gateway private integration reads) or `A` (IP only,
   * TTL 10 s, MULTIVALUE: up to eight healthy tasks per answer; what a caller resolving
   * `<service>.<namespace>` reads).
   * @default 'SRV'
   */
  readonly records?: 'SRV' | 'A';
}

/** TTL of the A records of a private service, in seconds (as the ECS guide's example). */
export const PRIVATE_SERVICE_RECORD_TTL = 10;

/** Where a load balancer sends traffic to this service; see {@link Service.addLoadBalancerTarget}. */
export interface LoadBalancerTarget {
  /** The target group (type `ip`). */
  readonly targetGroupArn: string;
  /** Resources the ECS service must wait for (the listener: a target group must be attached to a
   * load balancer before a service can use it). */
  readonly dependsOn?: CfnResource[];
  /**
   * `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>` (the load balancer's
   * `LoadBalancerFullName` and the target group's `TargetGroupFullName`): the request count
   * policy of `scaling.requestsPerTarget` tracks this target group.
   * @default - no request count policy
   */
  readonly resourceLabel?: string;
}

/**
 * An ECS service on Fargate with awsvpc networking: a task definition, a security group, a log
 * group and the service, registered in Cloud Map with an SRV record (API Gateway pattern) or in
 * a load balancer target group (ALB pattern). As the seeds' `service.yml`.
 *
 * Resources: `TaskDefinition` (family = service name, FARGATE, awsvpc, `awslogs` driver in
 * non-blocking mode with a 25m buffer), `Service` (deployment 200%/75%, circuit breaker with
 * rollback), `ServiceSecurityGroup` (no ingress: ingress constructs add rules from their own
 * security group on the container port), `LogGroup` (with retention),
 * `ServiceDiscoveryService` (SRV, TTL 0, custom health so Cloud Map only returns tasks ECS
 * reports healthy) and, with secrets, `ExecutionRoleSecretsPolicy`. With
 * `image: { directory }`, a Docker image asset `Image` (no CloudFormation resource: an entry of
 * the asset manifest that `wharf deploy`/`cdk deploy` build and push to the bootstrap stack's
 * ECR repository); the execution role must be allowed to pull from that repository, which the
 * patterns' role is through `AmazonECSTaskExecutionRolePolicy` (`ecr:BatchGetImage` and
 * `ecr:GetDownloadUrlForLayer` on every repository of the account).
 *
 * **Cost** (us-east-1, x86): per task $0.04048/vCPU-hour and $0.004445/GB-hour, so the default
 * 0.25 vCPU / 0.5 GB task is about $9/month and two tasks about $18/month; ARM64 is ~20% less.
 * A task with a public IP also pays $0.005/hour (~$3.60/month) for the IPv4 address.
 * See https://aws.amazon.com/fargate/pricing/.
 *
 * @example
 * const service = new Service(stack, 'Service', {
 *   cluster: cluster.clusterName,
 *   vpcId: network.vpcId,
 *   subnetIds: network.privateSubnetIds,
 *   executionRoleArn: cluster.executionRoleArn,
 *   image: 'public.ecr.aws/docker/library/nginx:1.28.0',
 * });
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html
 */
export class Service extends Construct {
  /** The normalized container settings. */
  readonly settings: NormalizedContainerOptions;
  /** The container definition's `Image`: the registry reference, or the asset's ECR image URI. */
  readonly imageUri: string;
  /** The Docker image asset built from `image.directory`, when the image is a folder. */
  readonly imageAsset?: DockerImageAsset;
  /** The service's security group id. */
  readonly securityGroupId: string;
  /** The Cloud Map service ARN, when registered in Cloud Map. */
  readonly cloudMapServiceArn?: string;
  /** Escape hatches. */
  readonly taskDefinition: CfnTaskDefinition;
  readonly service: CfnService;
  readonly securityGroup: CfnSecurityGroup;
  readonly logGroup: CfnLogGroup;
  readonly cloudMapService?: CfnDiscoveryService;
  /** The scalable target and its policies, with `scaling`. */
  readonly autoScaling?: ServiceAutoScaling;
  /**
   * Values to publish as stack outputs, named as in the seeds: `ServiceSecurityGroup` and, with
   * Cloud Map, `ServiceDiscoveryServiceArn`.
   */
  readonly outputs: Readonly<Record<string, string>>;
  private readonly loadBalancers: CfnService.LoadBalancerProperty[] = [];

  constructor(scope: Construct, id: string, props: ServiceProps) {
    super(scope, id);
    this.settings = normalizeContainerOptions(this, props);
    requireListLength(this, 'subnetIds', props.subnetIds, 1);
    const s = this.settings;

    this.logGroup = new CfnLogGroup(this, 'LogGroup', { retentionInDays: s.logRetentionDays });
    this.securityGroup = new CfnSecurityGroup(this, 'ServiceSecurityGroup', {
      groupDescription: `Tasks of the ${s.serviceName} service`,
      vpcId: props.vpcId,
    });
    this.securityGroupId = this.securityGroup.ref;
    const image = createContainerImage(this, s.image, s.serviceName);
    this.imageUri = image.imageUri;
    this.imageAsset = image.asset;
    this.taskDefinition = this.createTaskDefinition(props.executionRoleArn);
    if (Object.keys(s.secrets).length > 0) this.grantSecrets(props.executionRoleArn);
    if (props.cloudMap) {
      this.cloudMapService = new CfnDiscoveryService(this, 'ServiceDiscoveryService', {
        name: s.serviceName,
        dnsConfig:
          props.cloudMap.records === 'A'
            ? {
                namespaceId: props.cloudMap.namespaceId,
                routingPolicy: 'MULTIVALUE',
                dnsRecords: [{ type: 'A', ttl: PRIVATE_SERVICE_RECORD_TTL }],
              }
            : { namespaceId: props.cloudMap.namespaceId, dnsRecords: [{ type: 'SRV', ttl: 0 }] },
        // ECS reports container health to Cloud Map, so DiscoverInstances (and API Gateway) skip
        // tasks that are starting or failing. FailureThreshold is fixed at 1 by Cloud Map.
        healthCheckCustomConfig: { failureThreshold: 1 },
      });
      this.cloudMapServiceArn = this.cloudMapService.attrArn;
    }
    this.service = this.createService(props);
    if (s.scaling) {
      this.autoScaling = new ServiceAutoScaling(this, {
        scaling: s.scaling,
        service: this.service,
        cluster: props.cluster,
        serviceName: s.serviceName,
      });
      if (s.scaling.requestsPerTarget !== undefined) {
        this.node.addValidation({
          validate: () =>
            this.autoScaling?.policies.some((p) => p.node.id === 'RequestCountScaling')
              ? []
              : [
                  `invalid prop 'scaling.requestsPerTarget': no load balancer forwards to ${s.serviceName}; call addLoadBalancerTarget with a resourceLabel, or scale on cpuPercent/memoryPercent.`,
                ],
        });
      }
    }

    const outputs: Record<string, string> = { ServiceSecurityGroup: this.securityGroupId };
    if (this.cloudMapServiceArn) outputs.ServiceDiscoveryServiceArn = this.cloudMapServiceArn;
    this.outputs = outputs;
  }

  /**
   * Admits another security group (a caller's, a load balancer's) to the container port, as an
   * `AWS::EC2::SecurityGroupIngress` named `id` in this service's scope.
   *
   * @example inventory.admit('IngressFromOrders', orders.securityGroupId, 'orders calls inventory')
   */
  admit(id: string, sourceSecurityGroupId: string, description: string): CfnSecurityGroupIngress {
    const port = this.settings.containerPort;
    return new CfnSecurityGroupIngress(this, id, {
      description: `${description} on port ${port}`,
      groupId: this.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      sourceSecurityGroupId,
    });
  }

  /**
   * Registers the service's tasks in a load balancer target group, on the container port.
   * Call once per target group; the ECS service waits for `dependsOn`.
   */
  addLoadBalancerTarget(target: LoadBalancerTarget): void {
    this.loadBalancers.push({
      containerName: this.settings.serviceName,
      containerPort: this.settings.containerPort,
      targetGroupArn: target.targetGroupArn,
    });
    for (const dependency of target.dependsOn ?? []) this.service.addResourceDependency(dependency);
    if (target.resourceLabel !== undefined) this.autoScaling?.scaleOnRequestCount(target.resourceLabel);
  }

  private createTaskDefinition(executionRoleArn: string): CfnTaskDefinition {
    const s = this.settings;
    const hc = s.healthCheck;
    const taskDefinition = new CfnTaskDefinition(this, 'TaskDefinition', {
      family: s.serviceName,
      cpu: String(s.cpu),
      memory: String(s.memoryMiB),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      runtimePlatform: { cpuArchitecture: s.cpuArchitecture, operatingSystemFamily: 'LINUX' },
      executionRoleArn,
      containerDefinitions: [
        {
          name: s.serviceName,
          image: this.imageUri,
          essential: true,
          cpu: s.cpu,
          memory: s.memoryMiB,
          command: s.command,
          portMappings: [{ containerPort: s.containerPort, hostPort: s.containerPort, protocol: 'tcp' }],
          environment: nonEmpty(sortedEntries(s.environment).map(([name, value]) => ({ name, value }))),
          secrets: nonEmpty(sortedEntries(s.secrets).map(([name, valueFrom]) => ({ name, valueFrom }))),
          healthCheck: hc
            ? {
                command: hc.command,
                interval: hc.intervalSeconds ?? 30,
                timeout: hc.timeoutSeconds ?? 5,
                retries: hc.retries ?? 3,
                startPeriod: hc.startPeriodSeconds,
              }
            : undefined,
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              mode: 'non-blocking',
              'max-buffer-size': '25m',
              'awslogs-group': this.logGroup.ref,
              'awslogs-region': Aws.REGION,
              'awslogs-stream-prefix': s.serviceName,
            },
          },
        },
      ],
    });
    // Read by `wharf dev --runtime process` (src/local/ecs/resolve.ts); CloudFormation ignores it.
    if (s.localCommand) taskDefinition.cfnOptions.metadata = { 'wharf:local:command': s.localCommand };
    return taskDefinition;
  }

  private grantSecrets(executionRoleArn: string): void {
    const arns = Object.values(this.settings.secrets);
    const ssm = arns.filter((a) => a.includes(':ssm:'));
    const secretsManager = arns.filter((a) => !a.includes(':ssm:'));
    const statements = [];
    if (secretsManager.length > 0) {
      statements.push({
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: secretsManager,
      });
    }
    if (ssm.length > 0) statements.push({ Effect: 'Allow', Action: ['ssm:GetParameters'], Resource: ssm });
    new CfnPolicy(this, 'ExecutionRoleSecretsPolicy', {
      policyName: `${this.settings.serviceName}-secrets`,
      policyDocument: { Version: '2012-10-17', Statement: statements },
      // arn:aws:iam::<account>:role/<name> (the role's path is '/'), so the name is the 2nd '/' part.
      roles: [Fn.select(1, Fn.split('/', executionRoleArn))],
    });
  }

  private createService(props: ServiceProps): CfnService {
    const s = this.settings;
    const service = new CfnService(this, 'Service', {
      serviceName: s.serviceName,
      cluster: props.cluster,
      launchType: 'FARGATE',
      desiredCount: s.desiredCount,
      taskDefinition: this.taskDefinition.ref,
      networkConfiguration: {
        awsvpcConfiguration: {
          assignPublicIp: props.assignPublicIp ? 'ENABLED' : 'DISABLED',
          securityGroups: [this.securityGroup.ref],
          subnets: props.subnetIds,
        },
      },
      deploymentConfiguration: {
        maximumPercent: s.deployment.maximumPercent,
        minimumHealthyPercent: s.deployment.minimumHealthyPercent,
        deploymentCircuitBreaker: s.deployment.circuitBreaker,
      },
      // An A record carries no port, so its registry names none (ECS rejects a port there).
      serviceRegistries: this.cloudMapService
        ? [
            props.cloudMap?.records === 'A'
              ? { registryArn: this.cloudMapService.attrArn }
              : { registryArn: this.cloudMapService.attrArn, port: s.containerPort },
          ]
        : undefined,
      loadBalancers: Lazy.any({
        produce: () => (this.loadBalancers.length > 0 ? this.loadBalancers : undefined),
      }),
    });
    return service;
  }
}

function sortedEntries(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}
