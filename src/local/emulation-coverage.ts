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
   * A `not-emulated` property that has a warning of its own elsewhere (with a fix, e.g.
   * `--pass-env` for `Secrets`): the generic warning is not printed for it.
   */
  readonly warnedElsewhere?: string;
}

const TASK = 'AWS::ECS::TaskDefinition';
const SERVICE = 'AWS::ECS::Service';
const C = 'ContainerDefinitions[]';

function row(
  resourceType: CoveredResourceType,
  property: string,
  coverage: Coverage,
  note: string,
  extra: Pick<PropertyCoverage, 'when' | 'warnedElsewhere'> = {},
): PropertyCoverage {
  return { resourceType, property, coverage, note, ...extra };
}

/** `when` for a string property: not emulated unless it is one of `emulated`. */
function otherThan(...emulated: string[]): NonNullable<PropertyCoverage['when']> {
  return {
    text: `other than ${emulated.map((value) => `\`${value}\``).join(', ')}`,
    test: (value) => typeof value !== 'string' || !emulated.includes(value),
  };
}

/** `when` for a boolean property (or an object with `Enable`/`Enabled`): not emulated when true. */
const WHEN_TRUE: NonNullable<PropertyCoverage['when']> = {
  text: 'when true',
  test: (value) => value === true || value === 'true',
};

function enabled(field: 'Enable' | 'Enabled'): NonNullable<PropertyCoverage['when']> {
  return {
    text: `when \`${field}\` is true`,
    test: (value) =>
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      (value[field] === true || value[field] === 'true'),
  };
}

function field(value: PlainValue, name: string): PlainValue | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value[name] : undefined;
}

/** Every property of the three shapes: the task definition, its container definitions, the service. */
export const PROPERTY_COVERAGE: readonly PropertyCoverage[] = [
  // AWS::ECS::TaskDefinition
  row(TASK, 'ContainerDefinitions', 'emulated', 'each container runs in the task (rows below)'),
  row(TASK, 'Family', 'emulated', 'names the task definition and its revisions (`web:2`)'),
  row(
    TASK,
    'Cpu',
    'ignored',
    'sizes the task on Fargate (`wharf check` validates it); locally the task is not limited to it',
  ),
  row(
    TASK,
    'Memory',
    'ignored',
    'sizes the task on Fargate (`wharf check` validates it); locally the task is not limited to it',
  ),
  row(
    TASK,
    'NetworkMode',
    'not-emulated',
    'tasks get awsvpc networking locally (their own address, one localhost)',
    {
      when: otherThan('awsvpc'),
    },
  ),
  row(
    TASK,
    'RequiresCompatibilities',
    'ignored',
    'checked when AWS registers the definition; the service decides how tasks run',
  ),
  row(
    TASK,
    'RuntimePlatform',
    'not-emulated',
    "containers run on this machine's CPU architecture and operating system",
    {
      when: {
        text: 'other than `LINUX` on `X86_64`',
        test: (value) =>
          ![undefined, null, 'LINUX'].includes(field(value, 'OperatingSystemFamily') as string) ||
          ![undefined, null, 'X86_64'].includes(field(value, 'CpuArchitecture') as string),
      },
    },
  ),
  row(
    TASK,
    'TaskRoleArn',
    'not-emulated',
    'tasks get no AWS credentials locally; an app that calls AWS needs them passed with --pass-env',
  ),
  row(
    TASK,
    'ExecutionRoleArn',
    'ignored',
    'images come from the local Docker and Secrets are not read, so nothing uses it',
  ),
  row(
    TASK,
    'Volumes',
    'not-emulated',
    'volumes are not created locally; containers see only their image files',
  ),
  row(
    TASK,
    'EphemeralStorage',
    'ignored',
    'locally a task writes to the Docker host disk, not a 20–200 GiB volume',
  ),
  row(
    TASK,
    'PlacementConstraints',
    'not-emulated',
    'tasks are not placed by constraints locally; every task runs as on Fargate',
  ),
  row(
    TASK,
    'ProxyConfiguration',
    'not-emulated',
    'task traffic is not redirected through the proxy container (App Mesh)',
  ),
  row(TASK, 'PidMode', 'not-emulated', 'the containers of a task do not share a process namespace locally'),
  row(TASK, 'IpcMode', 'not-emulated', 'the containers of a task do not share an IPC namespace locally'),
  row(TASK, 'InferenceAccelerators', 'not-emulated', 'no Elastic Inference accelerator is attached locally'),
  row(
    TASK,
    'EnableFaultInjection',
    'not-emulated',
    'the ECS fault injection endpoints do not exist locally',
    {
      when: WHEN_TRUE,
    },
  ),
  row(TASK, 'Tags', 'ignored', 'AWS-side metadata'),

  // ContainerDefinitions[]
  row(TASK, `${C}.Name`, 'emulated', 'names the container in logs, status and `--image`/`--process-command`'),
  row(
    TASK,
    `${C}.Image`,
    'emulated',
    'run on Docker (pulled if missing), or built from the CDK asset folder',
  ),
  row(TASK, `${C}.Essential`, 'emulated', 'an essential container that exits stops the task'),
  row(TASK, `${C}.Command`, 'emulated', 'as the container command'),
  row(TASK, `${C}.EntryPoint`, 'emulated', 'as the container entry point'),
  row(TASK, `${C}.Environment`, 'emulated', 'set in the container, with `PORT` added unless set'),
  row(TASK, `${C}.WorkingDirectory`, 'emulated', 'as the container working directory'),
  row(TASK, `${C}.User`, 'emulated', 'as the container user (Docker)'),
  row(
    TASK,
    `${C}.PortMappings`,
    'emulated',
    'the container ports the task serves, registered in target groups and Cloud Map',
  ),
  row(TASK, `${C}.PortMappings[].ContainerPort`, 'emulated', 'the port the container listens on'),
  row(
    TASK,
    `${C}.PortMappings[].HostPort`,
    'ignored',
    'equals ContainerPort under awsvpc; locally published on a free 127.0.0.1 port',
  ),
  row(TASK, `${C}.PortMappings[].Protocol`, 'not-emulated', 'only TCP is served locally', {
    when: otherThan('tcp'),
  }),
  row(TASK, `${C}.PortMappings[].Name`, 'ignored', 'used by Service Connect, which is not emulated'),
  row(TASK, `${C}.PortMappings[].AppProtocol`, 'ignored', 'used by Service Connect, which is not emulated'),
  row(
    TASK,
    `${C}.PortMappings[].ContainerPortRange`,
    'not-emulated',
    'port ranges are not published locally',
  ),
  row(
    TASK,
    `${C}.HealthCheck`,
    'emulated',
    "Docker's health check with ECS's timing (a template's command only on Docker)",
  ),
  row(TASK, `${C}.StopTimeout`, 'emulated', 'SIGKILL that long after SIGTERM'),
  row(
    TASK,
    `${C}.StartTimeout`,
    'not-emulated',
    'a container that does not start in time is not given up on locally',
  ),
  row(
    TASK,
    `${C}.DependsOn`,
    'not-emulated',
    'containers start together locally; START/COMPLETE/SUCCESS/HEALTHY are not waited for',
  ),
  row(
    TASK,
    `${C}.LogConfiguration`,
    'emulated',
    'awslogs: log group folders under .wharf/logs and the terminal',
  ),
  row(
    TASK,
    `${C}.LogConfiguration.LogDriver`,
    'not-emulated',
    'logs go to .wharf/logs and the terminal, as with awslogs',
    {
      when: otherThan('awslogs'),
    },
  ),
  row(
    TASK,
    `${C}.LogConfiguration.Options`,
    'emulated',
    '`awslogs-group` and `awslogs-stream-prefix` name the log files',
  ),
  row(
    TASK,
    `${C}.LogConfiguration.SecretOptions`,
    'ignored',
    'Secrets Manager and SSM are not read; the log drivers that use them are not emulated',
  ),
  row(
    TASK,
    `${C}.FirelensConfiguration`,
    'not-emulated',
    'no FireLens log router: other containers log to .wharf/logs',
  ),
  row(
    TASK,
    `${C}.Secrets`,
    'not-emulated',
    'Secrets Manager and SSM are not read; values come only from --pass-env',
    {
      warnedElsewhere: 'one warning per container names the unset secrets and the --pass-env flags',
    },
  ),
  row(
    TASK,
    `${C}.EnvironmentFiles`,
    'not-emulated',
    'the S3 files are not read; their variables stay unset (pass them with --pass-env)',
  ),
  row(TASK, `${C}.LinuxParameters.InitProcessEnabled`, 'emulated', 'Docker `--init` (on by default locally)'),
  row(
    TASK,
    `${C}.LinuxParameters.Capabilities`,
    'not-emulated',
    "containers get Docker's default capabilities",
  ),
  row(
    TASK,
    `${C}.LinuxParameters.Devices`,
    'not-emulated',
    'host devices are not mapped into containers locally',
  ),
  row(TASK, `${C}.LinuxParameters.SharedMemorySize`, 'not-emulated', "/dev/shm has Docker's default size"),
  row(TASK, `${C}.LinuxParameters.Tmpfs`, 'not-emulated', 'no tmpfs mounts locally'),
  row(TASK, `${C}.LinuxParameters.MaxSwap`, 'not-emulated', "swap follows Docker's defaults"),
  row(TASK, `${C}.LinuxParameters.Swappiness`, 'not-emulated', "swap follows Docker's defaults"),
  row(TASK, `${C}.Ulimits`, 'not-emulated', "containers get Docker's default limits (e.g. open files)"),
  row(TASK, `${C}.MountPoints`, 'not-emulated', 'volumes are not mounted locally'),
  row(TASK, `${C}.VolumesFrom`, 'not-emulated', "another container's volumes are not mounted locally"),
  row(TASK, `${C}.ReadonlyRootFilesystem`, 'not-emulated', 'the root file system is writable locally', {
    when: WHEN_TRUE,
  }),
  row(TASK, `${C}.Privileged`, 'not-emulated', 'containers are not privileged locally', { when: WHEN_TRUE }),
  row(TASK, `${C}.DockerSecurityOptions`, 'not-emulated', "Docker's default security options apply"),
  row(TASK, `${C}.SystemControls`, 'not-emulated', 'kernel parameters are not set locally'),
  row(
    TASK,
    `${C}.RestartPolicy`,
    'not-emulated',
    'an exited container is not restarted in place; an essential one stops its task',
    {
      when: enabled('Enabled'),
    },
  ),
  row(TASK, `${C}.Hostname`, 'not-emulated', 'the container hostname is chosen by Docker'),
  row(TASK, `${C}.ExtraHosts`, 'not-emulated', 'no /etc/hosts entries are added locally'),
  row(TASK, `${C}.DnsServers`, 'not-emulated', "containers use Docker's DNS"),
  row(TASK, `${C}.DnsSearchDomains`, 'not-emulated', "containers use Docker's DNS search domains"),
  row(TASK, `${C}.DisableNetworking`, 'not-emulated', 'containers have networking locally', {
    when: WHEN_TRUE,
  }),
  row(
    TASK,
    `${C}.Links`,
    'not-emulated',
    'bridge-mode links do not exist; containers of a task share localhost',
  ),
  row(TASK, `${C}.Interactive`, 'not-emulated', 'stdin is not kept open locally', { when: WHEN_TRUE }),
  row(
    TASK,
    `${C}.PseudoTerminal`,
    'not-emulated',
    'no TTY is allocated locally (output may be buffered differently)',
    {
      when: WHEN_TRUE,
    },
  ),
  row(TASK, `${C}.ResourceRequirements`, 'not-emulated', 'no GPU or accelerator is attached locally'),
  row(TASK, `${C}.CredentialSpecs`, 'not-emulated', 'no Active Directory (gMSA) credentials locally'),
  row(TASK, `${C}.Cpu`, 'ignored', 'CPU units of the container; locally not limited'),
  row(
    TASK,
    `${C}.Memory`,
    'ignored',
    'the container memory limit; locally not limited (`wharf check` validates sizes)',
  ),
  row(TASK, `${C}.MemoryReservation`, 'ignored', 'a soft limit; locally not reserved'),
  row(
    TASK,
    `${C}.RepositoryCredentials`,
    'ignored',
    "images are pulled with this machine's Docker credentials",
  ),
  row(TASK, `${C}.DockerLabels`, 'ignored', 'labels of the container; Wharf sets its own'),
  row(
    TASK,
    `${C}.VersionConsistency`,
    'ignored',
    'locally every task runs the image Docker has under that tag',
  ),

  // AWS::ECS::Service
  row(SERVICE, 'ServiceName', 'emulated', 'the service name in status, events and Cloud Map'),
  row(SERVICE, 'Cluster', 'emulated', 'the cluster name in ARNs and status'),
  row(SERVICE, 'TaskDefinition', 'emulated', 'the task definition its tasks run; a new revision deploys'),
  row(SERVICE, 'DesiredCount', 'emulated', 'the number of tasks kept running (default 1)'),
  row(SERVICE, 'LaunchType', 'not-emulated', 'tasks run as Fargate tasks would', {
    when: otherThan('FARGATE'),
  }),
  row(
    SERVICE,
    'CapacityProviderStrategy',
    'not-emulated',
    'tasks run as Fargate tasks would (no Spot interruption, no EC2 capacity)',
    {
      when: {
        text: 'with a provider other than `FARGATE`',
        test: (value) =>
          !Array.isArray(value) || value.some((item) => field(item, 'CapacityProvider') !== 'FARGATE'),
      },
    },
  ),
  row(SERVICE, 'PlatformVersion', 'ignored', 'the Fargate platform version; locally the Docker host'),
  row(
    SERVICE,
    'NetworkConfiguration',
    'emulated',
    'subnets give task addresses, security groups decide what may connect',
  ),
  row(
    SERVICE,
    'LoadBalancers',
    'emulated',
    'targets registered in target groups; a container port the container does not map is refused as CreateService refuses it',
  ),
  row(SERVICE, 'LoadBalancers[].TargetGroupArn', 'emulated', 'the target group tasks are registered in'),
  row(SERVICE, 'LoadBalancers[].ContainerName', 'emulated', 'the container whose port is registered'),
  row(
    SERVICE,
    'LoadBalancers[].ContainerPort',
    'emulated',
    'the port registered; it must be in the container PortMappings',
  ),
  row(SERVICE, 'LoadBalancers[].LoadBalancerName', 'not-emulated', 'Classic Load Balancers are not emulated'),
  row(
    SERVICE,
    'LoadBalancers[].AdvancedConfiguration',
    'not-emulated',
    'blue/green target group pairs are not emulated',
  ),
  row(SERVICE, 'ServiceRegistries', 'emulated', 'tasks registered in Cloud Map with the attributes ECS sets'),
  row(
    SERVICE,
    'HealthCheckGracePeriodSeconds',
    'emulated',
    'load balancer health ignored that long after a task starts',
  ),
  row(
    SERVICE,
    'DeploymentConfiguration.MaximumPercent',
    'emulated',
    'rolling deployments: tasks started above the desired count',
  ),
  row(
    SERVICE,
    'DeploymentConfiguration.MinimumHealthyPercent',
    'emulated',
    'rolling deployments: healthy tasks kept while replacing',
  ),
  row(
    SERVICE,
    'DeploymentConfiguration.DeploymentCircuitBreaker.Enable',
    'emulated',
    'a failing deployment stops (threshold from the desired count)',
  ),
  row(
    SERVICE,
    'DeploymentConfiguration.DeploymentCircuitBreaker.Rollback',
    'emulated',
    'a failed deployment rolls back',
  ),
  row(
    SERVICE,
    'DeploymentConfiguration.DeploymentCircuitBreaker.ThresholdConfiguration',
    'not-emulated',
    "the failure threshold is ECS's default (half the desired count, 3 to 200)",
  ),
  row(
    SERVICE,
    'DeploymentConfiguration.DeploymentCircuitBreaker.ResetOnHealthyTask',
    'not-emulated',
    'the failure count is not reset by a healthy task locally',
  ),
  row(
    SERVICE,
    'DeploymentConfiguration.Alarms',
    'not-emulated',
    'CloudWatch alarms do not fail or roll back a local deployment',
    {
      when: enabled('Enable'),
    },
  ),
  row(SERVICE, 'DeploymentConfiguration.Strategy', 'not-emulated', 'deployments are rolling locally', {
    when: otherThan('ROLLING'),
  }),
  row(
    SERVICE,
    'DeploymentConfiguration.BakeTimeInMinutes',
    'not-emulated',
    'blue/green bake time is not waited locally',
  ),
  row(
    SERVICE,
    'DeploymentConfiguration.LifecycleHooks',
    'not-emulated',
    'deployment lifecycle hooks are not called locally',
  ),
  row(
    SERVICE,
    'DeploymentConfiguration.CanaryConfiguration',
    'not-emulated',
    'canary deployments are rolling locally',
  ),
  row(
    SERVICE,
    'DeploymentConfiguration.LinearConfiguration',
    'not-emulated',
    'linear deployments are rolling locally',
  ),
  row(
    SERVICE,
    'DeploymentConfiguration.EarlySuccessCriteria',
    'not-emulated',
    'deployments are rolling locally',
  ),
  row(SERVICE, 'DeploymentController', 'not-emulated', 'deployments are ECS rolling deployments locally', {
    when: {
      text: 'with a `Type` other than `ECS`',
      test: (value) => ![undefined, null, 'ECS'].includes(field(value, 'Type') as string),
    },
  }),
  row(SERVICE, 'SchedulingStrategy', 'not-emulated', 'the service keeps DesiredCount tasks (REPLICA)', {
    when: otherThan('REPLICA'),
  }),
  row(
    SERVICE,
    'PlacementConstraints',
    'not-emulated',
    'tasks are not placed by constraints locally; every task runs as on Fargate',
  ),
  row(
    SERVICE,
    'PlacementStrategies',
    'not-emulated',
    'tasks are not spread or binpacked locally; every task runs as on Fargate',
  ),
  row(
    SERVICE,
    'AvailabilityZoneRebalancing',
    'ignored',
    'locally tasks are spread over the subnets and never moved',
  ),
  row(
    SERVICE,
    'EnableExecuteCommand',
    'not-emulated',
    'ECS Exec has no local endpoint; use `docker exec` on the task container',
    {
      when: WHEN_TRUE,
    },
  ),
  row(
    SERVICE,
    'ServiceConnectConfiguration',
    'not-emulated',
    'no Service Connect proxy or names; use Cloud Map (ServiceRegistries)',
    {
      when: enabled('Enabled'),
    },
  ),
  row(SERVICE, 'VpcLatticeConfigurations', 'not-emulated', 'VPC Lattice is not emulated'),
  row(SERVICE, 'VolumeConfigurations', 'not-emulated', 'EBS volumes are not created locally'),
  row(SERVICE, 'Role', 'ignored', 'the IAM role ECS registers targets with'),
  row(SERVICE, 'EnableECSManagedTags', 'ignored', 'AWS-side metadata'),
  row(SERVICE, 'PropagateTags', 'ignored', 'AWS-side metadata'),
  row(SERVICE, 'Tags', 'ignored', 'AWS-side metadata'),
  row(SERVICE, 'Monitoring', 'ignored', 'CloudWatch metric resolution; no metrics are published locally'),
  row(SERVICE, 'ForceNewDeployment', 'ignored', 'every local start is a new deployment'),
];

/** The rows of one resource type, in table order. */
export function coverageOf(resourceType: CoveredResourceType): PropertyCoverage[] {
  return PROPERTY_COVERAGE.filter((entry) => entry.resourceType === resourceType);
}
