import { Aws, type CfnResource, Fn, Lazy, Token } from 'aws-cdk-lib';
import { CfnSecurityGroup, CfnSecurityGroupIngress } from 'aws-cdk-lib/aws-ec2';
import type { DockerImageAsset } from 'aws-cdk-lib/aws-ecr-assets';
import { CfnService, CfnTaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { CfnPolicy } from 'aws-cdk-lib/aws-iam';
import { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnService as CfnDiscoveryService } from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { allowedMemoriesFor, describeFargateSizes, isValidFargateSize } from '../aws/fargate-sizes.js';
import { PropsValidationError } from '../errors.js';
import {
  type ContainerImageSource,
  createContainerImage,
  type NormalizedImage,
  normalizeContainerImage,
} from './container-image.js';
import { SERVICE_NAME_MAX_LENGTH, SERVICE_NAME_PATTERN, SERVICE_NAME_RULE } from './service-name.js';
import {
  type NormalizedServiceScaling,
  normalizeServiceScaling,
  ServiceAutoScaling,
  type ServiceScaling,
} from './service-scaling.js';
import {
  LOG_RETENTION_DAYS,
  type LogRetentionDays,
  type PropsOwner,
  requireIntegerInRange,
  requireListLength,
  requireName,
  requireOneOf,
} from './validate.js';

/**
 * The image every seed deploys: NGINX from the ECR Public mirror of Docker Official Images, tagged
 * `latest` as in the seeds (so `wharf check` warns `image-tag-mutable` on it; the examples pin a
 * version).
 */
export const SEED_IMAGE = 'public.ecr.aws/docker/library/nginx:latest';

/**
 * A container health check, run by ECS inside the container.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
 */
export interface ContainerHealthCheck {
  /**
   * The command, in ECS form: `['CMD-SHELL', '<shell command>']` or `['CMD', 'exe', 'arg']`.
   * @example ['CMD-SHELL', 'curl -f http://localhost/ || exit 1']
   */
  readonly command: string[];
  /** Seconds between checks, 5-300. @default 30 */
  readonly intervalSeconds?: number;
  /** Seconds before a check fails, 2-120. @default 5 */
  readonly timeoutSeconds?: number;
  /** Consecutive failures before the container is unhealthy, 1-10. @default 3 */
  readonly retries?: number;
  /** Seconds of grace after start during which failures do not count, 0-300. @default 0 */
  readonly startPeriodSeconds?: number;
}

/**
 * The seeds' container health check (`curl -f http://localhost/ || exit 1`, every 5 s, 3 s
 * timeout, 2 retries). Needs `curl` in the image; NGINX's official image has it.
 */
export const SEED_HEALTH_CHECK: ContainerHealthCheck = {
  command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
  intervalSeconds: 5,
  timeoutSeconds: 3,
  retries: 2,
};

/** How ECS replaces tasks during a deployment. */
export interface DeploymentOptions {
  /** Lower bound of running tasks during a deployment, as a percent of desired. @default 75 */
  readonly minimumHealthyPercent?: number;
  /** Upper bound of running plus starting tasks, as a percent of desired. @default 200 */
  readonly maximumPercent?: number;
  /**
   * Stop a deployment whose tasks keep failing, and roll back to the last one that worked.
   * @default { enable: true, rollback: true }
   */
  readonly circuitBreaker?: { readonly enable: boolean; readonly rollback: boolean };
}

/** What a service runs: the container and its resources. Shared by the service and the patterns. */
export interface ContainerOptions {
  /**
   * Name of the ECS service, the task-definition family, the container and (API Gateway pattern)
   * the Cloud Map service. Letters, digits, hyphens and underscores; at most 63 characters so it
   * can also be a DNS label.
   * @default 'web'
   * @example 'orders-api'
   */
  readonly serviceName?: string;
  /**
   * Container image: a registry reference (`repository[:tag][@digest]`), or a folder with a
   * Dockerfile that the CDK toolchain builds and pushes to the bootstrap stack's ECR repository
   * (see {@link ImageFromDirectory}; `wharf deploy` and `cdk deploy` do it before the stacks).
   * A reference with the tag `latest`, or with no tag, trips `wharf check`'s
   * `image-tag-mutable` warning; a folder's image is tagged with its content hash.
   * @default 'public.ecr.aws/docker/library/nginx:latest' (the seeds' image)
   * @example '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1.4.2'
   * @example { directory: 'app' }
   */
  readonly image?: ContainerImageSource;
  /**
   * The port the application listens on (1-65535).
   * @default 80
   * @example 8080
   */
  readonly containerPort?: number;
  /**
   * Task CPU units (1024 = 1 vCPU); must form a Fargate size with `memoryMiB`.
   * @default 256
   * @example 512
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB; must form a Fargate size with `cpu`.
   * @default 512
   * @example 1024
   */
  readonly memoryMiB?: number;
  /**
   * Number of tasks to keep running (0-10000 per the ECS service quota; 0 parks the service).
   * With `scaling`, it must lie in `[scaling.min, scaling.max]` and is best left out: see
   * {@link ServiceScaling}.
   * @default 2; with `scaling`, none in the template (the service starts at `scaling.min` and
   * stack updates keep the count the autoscaler chose)
   * @example 3
   */
  readonly desiredCount?: number;
  /**
   * Target tracking autoscaling of the task count between `min` and `max`, on CPU, memory and
   * (load balancer pattern, public services) requests per task. `wharf dev` runs the same
   * policies locally.
   * @default - a fixed `desiredCount`
   * @example { min: 2, max: 10, cpuPercent: 60 }
   */
  readonly scaling?: ServiceScaling;
  /**
   * CPU architecture of the image. ARM64 (Graviton) is about 20% cheaper per vCPU-hour.
   * @default 'X86_64'
   * @example 'ARM64'
   */
  readonly cpuArchitecture?: 'X86_64' | 'ARM64';
  /**
   * Overrides the image's command.
   * @default - the image's CMD
   * @example ['node', 'server.js']
   */
  readonly command?: string[];
  /**
   * Plain environment variables.
   * @default - none
   * @example { LOG_LEVEL: 'info' }
   */
  readonly environment?: Record<string, string>;
  /**
   * Environment variables read at start from Secrets Manager or SSM Parameter Store, by ARN.
   * The task execution role is granted read access to exactly these ARNs.
   * @default - none
   * @example { DB_PASSWORD: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' }
   */
  readonly secrets?: Record<string, string>;
  /**
   * Container health check, or `false` for none.
   * @default - none for the load balancer pattern (its target group checks health); the seeds'
   * `curl` check for the API Gateway pattern
   */
  readonly healthCheck?: ContainerHealthCheck | false;
  /**
   * Days to keep container logs (a CloudWatch Logs retention value).
   * @default 30
   * @example 7
   */
  readonly logRetentionDays?: LogRetentionDays;
  /** Deployment settings. @default 200% / 75% with the circuit breaker and rollback on */
  readonly deployment?: DeploymentOptions;
  /**
   * The command `wharf dev --runtime process` runs in place of the image on machines without
   * Docker, with `PORT` set to the port it must listen on. Written to the task definition's
   * metadata as `wharf:local:command`; it has no effect on AWS.
   * @default - none: the process runtime cannot run this service
   * @example 'node server.mjs'
   */
  readonly localCommand?: string;
}

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

/** {@link ContainerOptions} with defaults applied; every field is set. */
export interface NormalizedContainerOptions {
  readonly serviceName: string;
  /** The registry reference, or the folder to build (absolute path, platform settled). */
  readonly image: NormalizedImage;
  readonly containerPort: number;
  readonly cpu: number;
  readonly memoryMiB: number;
  /** Undefined only with `scaling` and no `desiredCount` given: the template leaves it out. */
  readonly desiredCount?: number;
  readonly scaling?: NormalizedServiceScaling;
  readonly cpuArchitecture: 'X86_64' | 'ARM64';
  readonly command?: string[];
  readonly environment: Record<string, string>;
  readonly secrets: Record<string, string>;
  readonly healthCheck: ContainerHealthCheck | false;
  readonly logRetentionDays: LogRetentionDays;
  readonly deployment: Required<DeploymentOptions>;
  readonly localCommand?: string;
}

/**
 * Applies defaults to container options and rejects values ECS or Fargate would refuse, with the
 * allowed values in the message. Pure and exported so patterns and tests can call it directly.
 *
 * @param defaultHealthCheck the health check to use when `healthCheck` is not given
 */
export function normalizeContainerOptions(
  owner: PropsOwner,
  options: ContainerOptions = {},
  defaultHealthCheck: ContainerHealthCheck | false = false,
): NormalizedContainerOptions {
  const serviceName = options.serviceName ?? 'web';
  requireName(
    owner,
    'serviceName',
    serviceName,
    SERVICE_NAME_MAX_LENGTH,
    SERVICE_NAME_PATTERN,
    SERVICE_NAME_RULE,
  );
  const cpuArchitecture = options.cpuArchitecture ?? 'X86_64';
  requireOneOf(owner, 'cpuArchitecture', cpuArchitecture, ['X86_64', 'ARM64'] as const);
  const image = normalizeContainerImage(owner, options.image ?? SEED_IMAGE, cpuArchitecture);
  const containerPort = options.containerPort ?? 80;
  requireIntegerInRange(owner, 'containerPort', containerPort, 1, 65535);
  const cpu = options.cpu ?? 256;
  const memoryMiB = options.memoryMiB ?? 512;
  if (!Token.isUnresolved(cpu) && !Token.isUnresolved(memoryMiB) && !isValidFargateSize(cpu, memoryMiB)) {
    throw new PropsValidationError(
      pathOf(owner),
      // Blame memory when the CPU value itself is a Fargate size.
      allowedMemoriesFor(cpu).length > 0 ? 'memoryMiB' : 'cpu',
      `cpu ${cpu} with memoryMiB ${memoryMiB} is not a Fargate task size. Allowed: ${describeFargateSizes()}.`,
    );
  }
  const desiredCount = options.scaling ? options.desiredCount : (options.desiredCount ?? 2);
  if (desiredCount !== undefined) requireIntegerInRange(owner, 'desiredCount', desiredCount, 0, 10000);
  const scaling = options.scaling && normalizeServiceScaling(owner, options.scaling, desiredCount);
  const logRetentionDays = options.logRetentionDays ?? 30;
  requireOneOf<number>(owner, 'logRetentionDays', logRetentionDays, LOG_RETENTION_DAYS);
  for (const prop of ['environment', 'secrets'] as const) {
    for (const name of Object.keys(options[prop] ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new PropsValidationError(
          pathOf(owner),
          prop,
          `variable name '${name}' is not allowed; allowed: letters, digits and underscores, not starting with a digit.`,
        );
      }
    }
  }
  for (const [name, arn] of Object.entries(options.secrets ?? {})) {
    if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:(secretsmanager|ssm):/.test(arn)) {
      throw new PropsValidationError(
        pathOf(owner),
        `secrets.${name}`,
        `got '${arn}'; allowed: the ARN of a Secrets Manager secret or an SSM parameter.`,
      );
    }
  }
  const healthCheck = options.healthCheck ?? defaultHealthCheck;
  if (healthCheck) {
    if (healthCheck.command.length < 2 || !['CMD', 'CMD-SHELL'].includes(healthCheck.command[0] ?? '')) {
      throw new PropsValidationError(
        pathOf(owner),
        'healthCheck.command',
        `got ${JSON.stringify(healthCheck.command)}; allowed: ['CMD-SHELL', '<command>'] or ['CMD', '<executable>', ...args].`,
      );
    }
    // Ranges from https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
    requireIntegerInRange(owner, 'healthCheck.intervalSeconds', healthCheck.intervalSeconds ?? 30, 5, 300);
    requireIntegerInRange(owner, 'healthCheck.timeoutSeconds', healthCheck.timeoutSeconds ?? 5, 2, 120);
    requireIntegerInRange(owner, 'healthCheck.retries', healthCheck.retries ?? 3, 1, 10);
    requireIntegerInRange(
      owner,
      'healthCheck.startPeriodSeconds',
      healthCheck.startPeriodSeconds ?? 0,
      0,
      300,
    );
  }
  const deployment = {
    minimumHealthyPercent: options.deployment?.minimumHealthyPercent ?? 75,
    maximumPercent: options.deployment?.maximumPercent ?? 200,
    circuitBreaker: options.deployment?.circuitBreaker ?? { enable: true, rollback: true },
  };
  requireIntegerInRange(owner, 'deployment.minimumHealthyPercent', deployment.minimumHealthyPercent, 0, 100);
  requireIntegerInRange(owner, 'deployment.maximumPercent', deployment.maximumPercent, 100, 200);
  return {
    serviceName,
    image,
    containerPort,
    cpu,
    memoryMiB,
    desiredCount,
    scaling,
    cpuArchitecture,
    command: options.command,
    environment: { ...(options.environment ?? {}) },
    secrets: { ...(options.secrets ?? {}) },
    healthCheck,
    logRetentionDays: logRetentionDays as LogRetentionDays,
    deployment,
    localCommand: options.localCommand,
  };
}

function pathOf(owner: PropsOwner): string {
  return typeof owner === 'string' ? owner : owner.node.path;
}

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
