/**
 * The container half of a service's props, shared by `Service` and both patterns: image, port,
 * Fargate size, command, environment and secrets, health check, logs, deployment and scaling
 * settings, and {@link normalizeContainerOptions}, which applies their defaults and refuses what
 * ECS or Fargate would refuse, naming the prop.
 */

import { Token } from 'aws-cdk-lib';
import { allowedMemoriesFor, describeFargateSizes, isValidFargateSize } from '../aws/fargate-sizes.js';
import { PropsValidationError } from '../errors.js';
import {
  type ContainerImageSource,
  type NormalizedImage,
  normalizeContainerImage,
} from './container-image.js';
import { SERVICE_NAME_MAX_LENGTH, SERVICE_NAME_PATTERN, SERVICE_NAME_RULE } from './service-name.js';
import {
  type NormalizedServiceScaling,
  normalizeServiceScaling,
  type ServiceScaling,
} from './service-scaling.js';
import {
  LOG_RETENTION_DAYS,
  type LogRetentionDays,
  type PropsOwner,
  requireIntegerInRange,
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
