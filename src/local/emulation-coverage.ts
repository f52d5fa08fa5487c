/**
 * What `wharf dev` does with each CloudFormation property of the ECS resources it runs:
 * `AWS::ECS::TaskDefinition` (its container definitions included) and `AWS::ECS::Service`.
 *
 * One table, three verdicts per property:
 * - `emulated`: the local cloud reproduces what the property does on AWS;
 * - `ignored`: read, with no local effect that a task or a client could observe differently, or
 *   (task and container `Cpu`/`Memory`) present in every Fargate template, where a warning on
 *   every run would drown the ones that matter;
 * - `not-emulated`: it changes behaviour on AWS and not here. Each use prints one warning naming
 *   the file, resource and property (`ecs/not-emulated-properties.ts`) when the run starts.
 *
 * The README's list of what `wharf dev` emulates is generated from this table
 * (`npm run docs:emulation`), and a test fails when the README is out of date. Property names are
 * those of the CloudFormation resource specification; a test checks that every property of the
 * three shapes has a row, so a property AWS adds cannot be ignored silently.
 */

import type { PlainValue } from '../template/resolved.js';

/** What the local cloud does with a property. */
export type Coverage = 'emulated' | 'ignored' | 'not-emulated';

/** The ECS resource types whose properties the table covers. */
export type CoveredResourceType = 'AWS::ECS::TaskDefinition' | 'AWS::ECS::Service';

/** One row of the table. */
export interface PropertyCoverage {
  readonly resourceType: CoveredResourceType;
  /**
   * The property path under `Properties`: `.` between properties, `[]` after a list whose every
   * item is looked at, e.g. `ContainerDefinitions[].LinuxParameters.Capabilities`.
   */
  readonly property: string;
  readonly coverage: Coverage;
  /**
   * One line: what Wharf does (`emulated`), why it does not matter locally (`ignored`), or what
   * differs locally (`not-emulated`, the text of the warning).
   */
  readonly note: string;
  /**
   * For a `not-emulated` row, the values that are not emulated (the others are): `text` for the
   * README, `test` for the warning. @default - every value that is set (not null, not empty)
   */
  readonly when?: { readonly text: string; readonly test: (value: PlainValue) => boolean };
  /**
   * For a `not-emulated` row, what AWS does when the property is not set, where that is not
   * emulated either (`NetworkMode` absent is `bridge`): `text` says it, for the README and the
   * warning; `applies` tells from the resource's properties whether the default is in force
   * (`LaunchType` absent matters only without a `CapacityProviderStrategy`).
   * @default - an absent property prints no warning
   */
  readonly whenAbsent?: {
    readonly text: string;
    readonly applies?: (properties: Readonly<Record<string, PlainValue>>) => boolean;
  };
  /**
   * A `not-emulated` property that has a warning of its own elsewhere (with a fix, e.g.
   * `--pass-env` for `Secrets`): the generic warning is not printed for it.
   */
  readonly warnedElsewhere?: string;
}

/** A row without its resource type and property: what the per-shape tables below hold. */
type Verdict = Omit<PropertyCoverage, 'resourceType' | 'property'>;

const emulated = (note: string): Verdict => ({ coverage: 'emulated', note });
const ignored = (note: string): Verdict => ({ coverage: 'ignored', note });
const notEmulated = (
  note: string,
  extra: Pick<Verdict, 'when' | 'whenAbsent' | 'warnedElsewhere'> = {},
): Verdict => ({
  coverage: 'not-emulated',
  note,
  ...extra,
});

/** `when` for a string property: not emulated unless it is one of `emulated`. */
function otherThan(...values: string[]): NonNullable<PropertyCoverage['when']> {
  return {
    text: `other than ${values.map((value) => `\`${value}\``).join(', ')}`,
    test: (value) => typeof value !== 'string' || !values.includes(value),
  };
}

/** `when` for a boolean property: not emulated when true. */
const WHEN_TRUE: NonNullable<PropertyCoverage['when']> = {
  text: 'when true',
  test: (value) => value === true || value === 'true',
};

/** Whether a property is set: not missing, null or an empty string, list or object. */
export function isSetValue(value: PlainValue | undefined): value is PlainValue {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function field(value: PlainValue, name: string): PlainValue | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value[name] : undefined;
}

/** `when` for an object property with an `Enable`/`Enabled` switch: not emulated when it is on. */
function enabled(name: 'Enable' | 'Enabled'): NonNullable<PropertyCoverage['when']> {
  return {
    text: `when \`${name}\` is true`,
    test: (value) => field(value, name) === true || field(value, name) === 'true',
  };
}

/** `when` for an object property: not emulated when `name` is set to anything but `emulated`. */
function fieldOtherThan(
  name: string,
  text: string,
  ...values: string[]
): NonNullable<PropertyCoverage['when']> {
  return {
    text,
    test: (value) => {
      const set = field(value, name);
      return set !== undefined && set !== null && !values.includes(set as string);
    },
  };
}

const NOT_LIMITED =
  'sizes the task on Fargate (`wharf check` validates it); locally the task is not limited to it';
const NOT_PLACED = 'tasks are not placed by constraints locally; every task runs as on Fargate';
const AS_FARGATE = 'tasks run as Fargate tasks would';

const TASK_DEFINITION: Record<string, Verdict> = {
  ContainerDefinitions: emulated('each container runs in the task (rows below)'),
  Family: emulated('names the task definition and its revisions (`web:2`)'),
  Cpu: ignored(NOT_LIMITED),
  Memory: ignored(NOT_LIMITED),
  NetworkMode: notEmulated(
    "tasks get awsvpc networking locally (their own address, one localhost) but no security group of their own, as on AWS: the container instance's groups, not modelled, decide there, so locally every connection to them is let in",
    {
      when: otherThan('awsvpc'),
      whenAbsent: { text: 'bridge on AWS' },
    },
  ),
  RequiresCompatibilities: ignored(
    'checked when AWS registers the definition; the service decides how tasks run',
  ),
  RuntimePlatform: notEmulated("containers run on this machine's CPU architecture and operating system", {
    when: {
      text: 'other than `LINUX` on `X86_64`',
      test: (value) =>
        fieldOtherThan('OperatingSystemFamily', '', 'LINUX').test(value) ||
        fieldOtherThan('CpuArchitecture', '', 'X86_64').test(value),
    },
  }),
  TaskRoleArn: notEmulated(
    'tasks get no AWS credentials locally; an app that calls AWS needs them passed with --pass-env',
  ),
  ExecutionRoleArn: ignored('images come from the local Docker and Secrets are not read, so nothing uses it'),
  Volumes: emulated(
    'Docker: an EFS file system directory is one volume shared by the run (removed unless `--keep-volumes`), `Host: {}` one per task; a `Host.SourcePath` is refused as on Fargate; the process runtime mounts nothing (a warning)',
  ),
  EphemeralStorage: ignored('locally a task writes to the Docker host disk, not a 20–200 GiB volume'),
  PlacementConstraints: notEmulated(NOT_PLACED),
  ProxyConfiguration: notEmulated('task traffic is not redirected through the proxy container (App Mesh)'),
  PidMode: notEmulated('the containers of a task do not share a process namespace locally'),
  IpcMode: notEmulated('the containers of a task do not share an IPC namespace locally'),
  InferenceAccelerators: notEmulated('no Elastic Inference accelerator is attached locally'),
  EnableFaultInjection: notEmulated('the ECS fault injection endpoints do not exist locally', {
    when: WHEN_TRUE,
  }),
  Tags: ignored('AWS-side metadata'),
};

/** The properties of each item of `ContainerDefinitions`. */
const CONTAINER_DEFINITION: Record<string, Verdict> = {
  Name: emulated('names the container in logs, status and `--image`/`--process-command`'),
  Image: emulated('run on Docker (pulled if missing), or built from the CDK asset folder'),
  Essential: emulated('an essential container that exits stops the task'),
  Command: emulated('as the container command'),
  EntryPoint: emulated('as the container entry point'),
  Environment: emulated('set in the container, with `PORT` added unless set'),
  WorkingDirectory: emulated('as the container working directory'),
  User: emulated('as the container user (Docker)'),
  PortMappings: emulated('the container ports the task serves, registered in target groups and Cloud Map'),
  'PortMappings[].ContainerPort': emulated('the port the container listens on'),
  'PortMappings[].HostPort': ignored(
    'equals ContainerPort under awsvpc; locally published on a free 127.0.0.1 port',
  ),
  'PortMappings[].Protocol': notEmulated('only TCP is served locally', { when: otherThan('tcp') }),
  'PortMappings[].Name': ignored('used by Service Connect, which is not emulated'),
  'PortMappings[].AppProtocol': ignored('used by Service Connect, which is not emulated'),
  'PortMappings[].ContainerPortRange': notEmulated('port ranges are not published locally'),
  HealthCheck: emulated("Docker's health check with ECS's timing (a template's command only on Docker)"),
  StopTimeout: emulated('SIGKILL that long after SIGTERM'),
  StartTimeout: notEmulated('a container that does not start in time is not given up on locally'),
  DependsOn: notEmulated(
    'containers start together locally; START/COMPLETE/SUCCESS/HEALTHY are not waited for',
  ),
  LogConfiguration: emulated('awslogs: log group folders under .wharf/logs and the terminal'),
  'LogConfiguration.LogDriver': notEmulated('logs go to .wharf/logs and the terminal, as with awslogs', {
    when: otherThan('awslogs'),
  }),
  'LogConfiguration.Options': emulated('`awslogs-group` and `awslogs-stream-prefix` name the log files'),
  'LogConfiguration.SecretOptions': ignored(
    'Secrets Manager and SSM are not read; the log drivers that use them are not emulated',
  ),
  FirelensConfiguration: notEmulated('no FireLens log router: other containers log to .wharf/logs'),
  Secrets: notEmulated('Secrets Manager and SSM are not read; values come only from --pass-env', {
    warnedElsewhere: 'one warning per container names the unset secrets and the --pass-env flags',
  }),
  EnvironmentFiles: notEmulated(
    'the S3 files are not read; their variables stay unset (pass them with --pass-env)',
  ),
  'LinuxParameters.InitProcessEnabled': emulated('Docker `--init` (on by default locally)'),
  'LinuxParameters.Capabilities': notEmulated("containers get Docker's default capabilities"),
  'LinuxParameters.Devices': notEmulated('host devices are not mapped into containers locally'),
  'LinuxParameters.SharedMemorySize': notEmulated("/dev/shm has Docker's default size"),
  'LinuxParameters.Tmpfs': notEmulated('no tmpfs mounts locally'),
  'LinuxParameters.MaxSwap': notEmulated("swap follows Docker's defaults"),
  'LinuxParameters.Swappiness': notEmulated("swap follows Docker's defaults"),
  Ulimits: notEmulated("containers get Docker's default limits (e.g. open files)"),
  MountPoints: emulated('Docker mounts at `ContainerPath`, `ReadOnly` kept (not on the process runtime)'),
  VolumesFrom: emulated(
    "the source container's mount points, read-only when asked (not on the process runtime)",
  ),
  ReadonlyRootFilesystem: notEmulated('the root file system is writable locally', { when: WHEN_TRUE }),
  Privileged: notEmulated('containers are not privileged locally', { when: WHEN_TRUE }),
  DockerSecurityOptions: notEmulated("Docker's default security options apply"),
  SystemControls: notEmulated('kernel parameters are not set locally'),
  RestartPolicy: notEmulated(
    'an exited container is not restarted in place; an essential one stops its task',
    {
      when: enabled('Enabled'),
    },
  ),
  Hostname: notEmulated('the container hostname is chosen by Docker'),
  ExtraHosts: notEmulated('no /etc/hosts entries are added locally'),
  DnsServers: notEmulated("containers use Docker's DNS"),
  DnsSearchDomains: notEmulated("containers use Docker's DNS search domains"),
  DisableNetworking: notEmulated('containers have networking locally', { when: WHEN_TRUE }),
  Links: notEmulated('bridge-mode links do not exist; containers of a task share localhost'),
  Interactive: notEmulated('stdin is not kept open locally', { when: WHEN_TRUE }),
  PseudoTerminal: notEmulated('no TTY is allocated locally (output may be buffered differently)', {
    when: WHEN_TRUE,
  }),
  ResourceRequirements: notEmulated('no GPU or accelerator is attached locally'),
  CredentialSpecs: notEmulated('no Active Directory (gMSA) credentials locally'),
  Cpu: ignored('CPU units of the container; locally not limited'),
  Memory: ignored('the container memory limit; locally not limited (`wharf check` validates sizes)'),
  MemoryReservation: ignored('a soft limit; locally not reserved'),
  RepositoryCredentials: ignored("images are pulled with this machine's Docker credentials"),
  DockerLabels: ignored('labels of the container; Wharf sets its own'),
  VersionConsistency: ignored('locally every task runs the image Docker has under that tag'),
};

const SERVICE: Record<string, Verdict> = {
  ServiceName: emulated('the service name in status, events and Cloud Map'),
  Cluster: emulated('the cluster name in ARNs and status'),
  TaskDefinition: emulated('the task definition its tasks run; a new revision deploys'),
  DesiredCount: emulated('the number of tasks kept running (default 1)'),
  LaunchType: notEmulated(AS_FARGATE, {
    when: otherThan('FARGATE'),
    whenAbsent: {
      text: "with no CapacityProviderStrategy, the cluster's default capacity provider strategy on AWS, else EC2",
      applies: (properties) => !isSetValue(properties.CapacityProviderStrategy),
    },
  }),
  CapacityProviderStrategy: notEmulated(`${AS_FARGATE} (no Spot interruption, no EC2 capacity)`, {
    when: {
      text: 'with a provider other than `FARGATE`',
      test: (value) =>
        !Array.isArray(value) || value.some((item) => field(item, 'CapacityProvider') !== 'FARGATE'),
    },
  }),
  PlatformVersion: ignored('the Fargate platform version; locally the Docker host'),
  NetworkConfiguration: emulated('subnets give task addresses, security groups decide what may connect'),
  LoadBalancers: emulated(
    'targets registered in target groups; a container port the container does not map is refused as CreateService refuses it',
  ),
  'LoadBalancers[].TargetGroupArn': emulated('the target group tasks are registered in'),
  'LoadBalancers[].ContainerName': emulated('the container whose port is registered'),
  'LoadBalancers[].ContainerPort': emulated('the port registered; it must be in the container PortMappings'),
  'LoadBalancers[].LoadBalancerName': notEmulated('Classic Load Balancers are not emulated'),
  'LoadBalancers[].AdvancedConfiguration': notEmulated('blue/green target group pairs are not emulated'),
  ServiceRegistries: emulated('tasks registered in Cloud Map with the attributes ECS sets'),
  HealthCheckGracePeriodSeconds: emulated('load balancer health ignored that long after a task starts'),
  'DeploymentConfiguration.MaximumPercent': emulated(
    'rolling deployments: tasks started above the desired count',
  ),
  'DeploymentConfiguration.MinimumHealthyPercent': emulated(
    'rolling deployments: healthy tasks kept while replacing',
  ),
  'DeploymentConfiguration.DeploymentCircuitBreaker.Enable': emulated(
    'a failing deployment stops (threshold from the desired count)',
  ),
  'DeploymentConfiguration.DeploymentCircuitBreaker.Rollback': emulated('a failed deployment rolls back'),
  'DeploymentConfiguration.DeploymentCircuitBreaker.ThresholdConfiguration': notEmulated(
    "the failure threshold is ECS's default (half the desired count, 3 to 200)",
  ),
  'DeploymentConfiguration.DeploymentCircuitBreaker.ResetOnHealthyTask': notEmulated(
    'the failure count is not reset by a healthy task locally',
    { when: WHEN_TRUE },
  ),
  'DeploymentConfiguration.Alarms': notEmulated(
    'CloudWatch alarms do not fail or roll back a local deployment',
    {
      when: enabled('Enable'),
    },
  ),
  'DeploymentConfiguration.Strategy': notEmulated('deployments are rolling locally', {
    when: otherThan('ROLLING'),
  }),
  'DeploymentConfiguration.BakeTimeInMinutes': notEmulated('blue/green bake time is not waited locally'),
  'DeploymentConfiguration.LifecycleHooks': notEmulated('deployment lifecycle hooks are not called locally'),
  'DeploymentConfiguration.CanaryConfiguration': notEmulated('canary deployments are rolling locally'),
  'DeploymentConfiguration.LinearConfiguration': notEmulated('linear deployments are rolling locally'),
  'DeploymentConfiguration.EarlySuccessCriteria': notEmulated('deployments are rolling locally'),
  DeploymentController: notEmulated('deployments are ECS rolling deployments locally', {
    when: fieldOtherThan('Type', 'with a `Type` other than `ECS`', 'ECS'),
  }),
  SchedulingStrategy: notEmulated('the service keeps DesiredCount tasks (REPLICA)', {
    when: otherThan('REPLICA'),
  }),
  PlacementConstraints: notEmulated(NOT_PLACED),
  PlacementStrategies: notEmulated(
    'tasks are not spread or binpacked locally; every task runs as on Fargate',
  ),
  AvailabilityZoneRebalancing: ignored('locally tasks are spread over the subnets and never moved'),
  EnableExecuteCommand: notEmulated(
    'ECS Exec has no local endpoint; use `docker exec` on the task container',
    {
      when: WHEN_TRUE,
    },
  ),
  ServiceConnectConfiguration: notEmulated(
    'no Service Connect proxy or names; use Cloud Map (ServiceRegistries)',
    {
      when: enabled('Enabled'),
    },
  ),
  VpcLatticeConfigurations: notEmulated('VPC Lattice is not emulated'),
  VolumeConfigurations: notEmulated('EBS volumes are not created locally'),
  Role: ignored('the IAM role ECS registers targets with'),
  EnableECSManagedTags: ignored('AWS-side metadata'),
  PropagateTags: ignored('AWS-side metadata'),
  Tags: ignored('AWS-side metadata'),
  Monitoring: ignored('CloudWatch metric resolution; no metrics are published locally'),
  ForceNewDeployment: ignored('every local start is a new deployment'),
};

function rows(
  resourceType: CoveredResourceType,
  table: Record<string, Verdict>,
  prefix = '',
): PropertyCoverage[] {
  return Object.entries(table).map(([property, verdict]) => ({
    resourceType,
    property: `${prefix}${property}`,
    ...verdict,
  }));
}

/** Every property of the three shapes: the task definition, its container definitions, the service. */
export const PROPERTY_COVERAGE: readonly PropertyCoverage[] = [
  ...rows('AWS::ECS::TaskDefinition', TASK_DEFINITION),
  ...rows('AWS::ECS::TaskDefinition', CONTAINER_DEFINITION, 'ContainerDefinitions[].'),
  ...rows('AWS::ECS::Service', SERVICE),
];

/** The rows of one resource type, in table order. */
export function coverageOf(resourceType: CoveredResourceType): PropertyCoverage[] {
  return PROPERTY_COVERAGE.filter((entry) => entry.resourceType === resourceType);
}
