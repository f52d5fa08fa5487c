/**
 * ECS configuration as read from the templates (`AWS::ECS::Cluster`, `TaskDefinition`, `Service`).
 */

import type { Origin } from '../origin.js';

/** A container health check (`HealthCheck` of a container definition), defaults applied. */
export interface ContainerHealthCheckConfig {
  /** `["CMD-SHELL", "…"]` or `["CMD", "exe", "arg"]`. */
  readonly command: readonly string[];
  /** 5 to 300, default 30. */
  readonly intervalSeconds: number;
  /** 2 to 60, default 5. */
  readonly timeoutSeconds: number;
  /** 1 to 10, default 3. */
  readonly retries: number;
  /** 0 to 300, default 0 (off). */
  readonly startPeriodSeconds: number;
}

/** Where a container's logs go (`LogConfiguration` with the `awslogs` driver). */
export interface ContainerLogConfig {
  readonly logGroupName: string;
  readonly streamPrefix?: string;
}

/** One container definition. */
export interface ContainerConfig {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
  readonly command?: readonly string[];
  readonly entryPoint?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  /**
   * Names of `Secrets` entries. Wharf does not read Secrets Manager or SSM: locally they are unset
   * (with a warning) unless `wharf dev --pass-env <name>` passes a value from its own environment.
   */
  readonly secretNames: readonly string[];
  /** `PortMappings[].ContainerPort` (tcp). */
  readonly containerPorts: readonly number[];
  readonly healthCheck?: ContainerHealthCheckConfig;
  /** `StopTimeout`, default 30 (Fargate maximum 120). */
  readonly stopTimeoutSeconds: number;
  /** `LinuxParameters.InitProcessEnabled`. */
  readonly initProcessEnabled: boolean;
  readonly workingDirectory?: string;
  readonly user?: string;
  readonly log?: ContainerLogConfig;
  /**
   * The command the process runtime runs for this container (`--process-command` or the
   * `wharf:local:command` metadata / docker label). `undefined`: the process runtime cannot run it.
   */
  readonly localCommand?: string;
  /**
   * Where {@link localCommand} came from: `flag` (`--process-command`, the user's own command) or
   * `metadata` (the task definition's `wharf:local:command`).
   */
  readonly localCommandOrigin?: 'flag' | 'metadata';
  /**
   * The folder {@link localCommand} runs in. `--process-command` commands run in the folder
   * `wharf dev` was started in, as any CLI resolves paths. @default the runtime's folder (the
   * template's or the CDK app's)
   */
  readonly localCommandDir?: string;
  /**
   * How to build the image, when it is a Docker image asset of the CDK app (see
   * {@link ContainerBuildSpec}). `wharf dev` builds it before tasks start and runs the result; the
   * process runtime runs `localCommand` in its `directory`. `undefined`: a registry image.
   */
  readonly build?: ContainerBuildSpec;
  /**
   * Where the task's volumes appear in this container: its `MountPoints`, then the mount points of
   * the containers named in its `VolumesFrom` (same paths; read-only when that entry says so).
   * @default - none
   */
  readonly mountPoints?: readonly MountPointConfig[];
}

/** A `MountPoints` entry of a container definition. */
export interface MountPointConfig {
  /** The task definition volume (`SourceVolume`). */
  readonly sourceVolume: string;
  /** Absolute path in the container (`ContainerPath`). */
  readonly containerPath: string;
  /** `ReadOnly`: writes fail with EROFS. @default false */
  readonly readOnly: boolean;
}

/** Owner and mode a directory is created with (an EFS access point's `CreationInfo`). */
export interface DirectoryCreation {
  readonly uid: number;
  readonly gid: number;
  /** Permission bits, e.g. `0o755`. */
  readonly mode: number;
}

/**
 * A task definition volume backed by an EFS file system (`EFSVolumeConfiguration`): durable and
 * shared by every task that mounts the same file system directory.
 */
export interface EfsVolumeConfig {
  readonly kind: 'efs';
  /** The volume's `Name` in the task definition. */
  readonly name: string;
  readonly fileSystemId: string;
  /**
   * The directory of the file system the mount shows, absolute (`/` = its root): the access
   * point's `RootDirectory.Path`, else the volume's `RootDirectory`.
   */
  readonly path: string;
  /**
   * How the directory is created when absent: the access point's `CreationInfo`. `undefined`: AWS
   * would fail the mount of an absent directory; locally it is created `0:0` `0755` (with a warning).
   */
  readonly creation?: DirectoryCreation;
  /** `AuthorizationConfig.AccessPointId`, when the volume mounts through an access point. */
  readonly accessPointId?: string;
  /** Whether that access point is declared in these templates (its path and owner are known). */
  readonly accessPointDeclared?: boolean;
  /** The access point enforces this user on every file operation (not emulated: a warning). */
  readonly posixUser?: { readonly uid: number; readonly gid: number };
  /** `TransitEncryption: ENABLED` (no local effect: the data never leaves this machine). */
  readonly transitEncryption: boolean;
}

/**
 * A task-scoped volume: `Host: {}` or no `Host` (Fargate's bind-mount storage, shared by the
 * task's containers and gone when the task stops), or an EBS volume `ConfiguredAtLaunch`.
 */
export interface TaskScopedVolumeConfig {
  readonly kind: 'task';
  readonly name: string;
  /** `ConfiguredAtLaunch: true` (an EBS volume the service configures; emulated as empty task storage). */
  readonly configuredAtLaunch?: boolean;
}

/**
 * A volume Fargate refuses (`Host.SourcePath`, `DockerVolumeConfiguration`, FSx for Windows):
 * valid in an EC2 task definition, so it is kept in the model, and `wharf dev` refuses to run it.
 */
export interface UnsupportedVolumeConfig {
  readonly kind: 'unsupported';
  readonly name: string;
  /** The refused property, under `Properties` (`Volumes.0.Host.SourcePath`). */
  readonly propertyPath: string;
  /** Why, and what to use instead. */
  readonly reason: string;
}

/** One `Volumes` entry of a task definition. */
export type TaskVolumeConfig = EfsVolumeConfig | TaskScopedVolumeConfig | UnsupportedVolumeConfig;

/**
 * A container image built from a folder with a Dockerfile (a CDK Docker image asset), as the local
 * cloud builds it.
 */
export interface ContainerBuildSpec {
  /** The build context: the asset's source folder (absolute), not a staged copy. */
  readonly directory: string;
  /** The Dockerfile, relative to `directory`. @default 'Dockerfile' */
  readonly file?: string;
  /** `--build-arg` values. @default - none */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /** `--target` stage. @default - the last stage */
  readonly target?: string;
  /** `--platform`, e.g. `linux/arm64`. @default - the Docker host's */
  readonly platform?: string;
  /** The CDK asset hash (the tag CDK pushes on deploy). */
  readonly assetHash: string;
  /**
   * Hash of what was built: the build context after `.dockerignore`, the Dockerfile, build
   * arguments, target and platform. Set by the local cloud when it builds (or, on the process
   * runtime, reads) the folder; a change rolls the service.
   */
  readonly contextHash?: string;
}

/** `AWS::ECS::TaskDefinition`. */
export interface TaskDefinitionConfig {
  /** `arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>` */
  readonly arn: string;
  readonly family: string;
  readonly revision: number;
  /** CPU units and MiB as strings, as the template has them. */
  readonly cpu?: string;
  readonly memory?: string;
  readonly containers: readonly ContainerConfig[];
  /**
   * `NetworkMode`. Locally every task gets awsvpc networking; a task of another mode has no
   * security group of its own, so connections to it are not checked (its container instance's
   * groups decide on AWS, and they are not modelled). `resolve.ts` always sets it: the template's
   * value, else AWS's default `bridge`. @default 'awsvpc' (a config built without it)
   */
  readonly networkMode?: string;
  /** `Volumes`, in template order. @default - none */
  readonly volumes?: readonly TaskVolumeConfig[];
  readonly origin?: Origin;
}

/** A `LoadBalancers` entry of a service. */
export interface ServiceLoadBalancerConfig {
  readonly targetGroupArn: string;
  readonly containerName: string;
  readonly containerPort: number;
}

/** A `ServiceRegistries` entry of a service (Cloud Map). */
export interface ServiceRegistryConfig {
  /** The Cloud Map service id (`srv-…`) taken from `RegistryArn`. */
  readonly discoveryServiceId: string;
  readonly containerName?: string;
  readonly containerPort?: number;
  /** `Port`, for SRV records when the container is not named. */
  readonly port?: number;
}

/** `AWS::ECS::Service` (Fargate, rolling deployments). */
export interface EcsServiceConfig {
  readonly arn: string;
  readonly name: string;
  readonly clusterName: string;
  readonly desiredCount: number;
  readonly taskDefinition: TaskDefinitionConfig;
  /** default 100 */
  readonly minimumHealthyPercent: number;
  /** default 200 */
  readonly maximumPercent: number;
  readonly circuitBreaker: { readonly enable: boolean; readonly rollback: boolean };
  /** default 0 */
  readonly healthCheckGracePeriodSeconds: number;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly assignPublicIp: boolean;
  readonly loadBalancers: readonly ServiceLoadBalancerConfig[];
  readonly serviceRegistries: readonly ServiceRegistryConfig[];
  readonly origin?: Origin;
}

/** Task `lastStatus` values, in lifecycle order. */
export const TASK_STATUSES = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Task `healthStatus`. */
export type TaskHealth = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
