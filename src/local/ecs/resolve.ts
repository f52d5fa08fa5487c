/**
 * Template → ECS model: `AWS::ECS::TaskDefinition` and `AWS::ECS::Service` (Fargate, awsvpc,
 * rolling deployments). The process runtime's command for a container comes from the task
 * definition's `Metadata['wharf:local:command']` (a string for a one-container task, or an object
 * keyed by container name) or from `wharf dev --process-command <container>=<command>` (which
 * wins, and runs in the current folder rather than the template's). A container whose image is a
 * Docker image asset of the CDK app gets a build spec (`asset-images.ts`).
 */

import type { ResolvedApp, ResolvedResource } from '../../template/resolved.js';
import { resourcesOfType } from '../network/resolve.js';
import { lastArnSegment, originOf, PropertyReader } from '../props.js';
import { assetBuildFor } from './asset-images.js';
import type {
  ContainerConfig,
  ContainerHealthCheckConfig,
  EcsServiceConfig,
  ServiceLoadBalancerConfig,
  ServiceRegistryConfig,
  TaskDefinitionConfig,
} from './types.js';
import {
  type EfsCatalog,
  efsCatalog,
  resolveMountPoints,
  resolveTaskVolumes,
  withVolumesFrom,
} from './volumes.js';

/** Metadata key on a task definition naming the process runtime's command per container. */
export const LOCAL_COMMAND_METADATA = 'wharf:local:command';

/** What `wharf dev` may override per container. */
export interface ContainerOverrides {
  /** Image per container name (`--image web=my/image:dev`). */
  readonly images?: Readonly<Record<string, string>>;
  /** Process-runtime command per container name (`--process-command web='node server.js'`). */
  readonly commands?: Readonly<Record<string, string>>;
  /** Folder the {@link commands} run in. @default `process.cwd()` */
  readonly commandDir?: string;
}

function localCommands(resource: ResolvedResource): Record<string, string> | string | undefined {
  const value = resource.declared.Metadata?.[LOCAL_COMMAND_METADATA];
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(
      Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }
  return undefined;
}

/** The container's process-runtime command: `--process-command` first (run in `commandDir`), else the metadata. */
function localCommandOf(
  name: string,
  overrides: ContainerOverrides,
  commands: Record<string, string> | string | undefined,
  containerCount: number,
): Pick<ContainerConfig, 'localCommand' | 'localCommandOrigin' | 'localCommandDir'> {
  const flag = overrides.commands?.[name];
  if (flag !== undefined) {
    return {
      localCommand: flag,
      localCommandOrigin: 'flag',
      localCommandDir: overrides.commandDir ?? process.cwd(),
    };
  }
  const metadata =
    typeof commands === 'string' ? (containerCount === 1 ? commands : undefined) : commands?.[name];
  return metadata === undefined ? {} : { localCommand: metadata, localCommandOrigin: 'metadata' };
}

function readHealthCheck(props: PropertyReader, path: string): ContainerHealthCheckConfig | undefined {
  if (props.raw(path) === undefined) return undefined;
  const command = props.strings(`${path}.Command`);
  if (command[0] !== 'CMD-SHELL' && command[0] !== 'CMD') {
    props.fail(
      `${path}.Command`,
      `got ${JSON.stringify(command)}; allowed: ["CMD-SHELL", "<shell command>"] or ["CMD", "<exe>", …]`,
    );
  }
  return {
    command,
    intervalSeconds: props.number(`${path}.Interval`, 30),
    timeoutSeconds: props.number(`${path}.Timeout`, 5),
    retries: props.number(`${path}.Retries`, 3),
    startPeriodSeconds: props.number(`${path}.StartPeriod`, 0),
  };
}

function resolveTaskDefinition(
  resource: ResolvedResource,
  overrides: ContainerOverrides,
  app: ResolvedApp,
  efs: EfsCatalog,
): TaskDefinitionConfig {
  const props: PropertyReader = new PropertyReader(resource);
  const commands = localCommands(resource);
  const definitions = props.list('ContainerDefinitions');
  if (definitions.length === 0)
    props.fail('ContainerDefinitions', 'a task definition needs at least one container');
  const volumes = resolveTaskVolumes(props, efs);
  const mountPoints = withVolumesFrom(
    props,
    definitions.map((path) => ({
      name: props.string(`${path}.Name`),
      own: resolveMountPoints(props, path, volumes),
      from: `${path}.VolumesFrom`,
    })),
  );
  const containers = definitions.map((path, index): ContainerConfig => {
    const name = props.string(`${path}.Name`);
    const logDriver = props.optionalString(`${path}.LogConfiguration.LogDriver`);
    const logGroupName = props.optionalString(`${path}.LogConfiguration.Options.awslogs-group`);
    const override = overrides.images?.[name];
    const image = override ?? props.string(`${path}.Image`);
    // An image given with --image replaces the asset: nothing to build.
    const build = override ? undefined : assetBuildFor(image, app.loaded.dockerImageAssets, app.environment);
    return {
      name,
      image,
      essential: props.boolean(`${path}.Essential`, true),
      command: props.raw(`${path}.Command`) === undefined ? undefined : props.strings(`${path}.Command`),
      entryPoint:
        props.raw(`${path}.EntryPoint`) === undefined ? undefined : props.strings(`${path}.EntryPoint`),
      environment: props.pairs(`${path}.Environment`, 'Name'),
      secretNames: props.list(`${path}.Secrets`).map((item) => props.string(`${item}.Name`)),
      containerPorts: props.list(`${path}.PortMappings`).map((item) => props.number(`${item}.ContainerPort`)),
      healthCheck: readHealthCheck(props, `${path}.HealthCheck`),
      stopTimeoutSeconds: props.number(`${path}.StopTimeout`, 30),
      initProcessEnabled: props.boolean(`${path}.LinuxParameters.InitProcessEnabled`, false),
      workingDirectory: props.optionalString(`${path}.WorkingDirectory`),
      user: props.optionalString(`${path}.User`),
      log:
        logDriver === 'awslogs' && logGroupName
          ? {
              logGroupName,
              streamPrefix: props.optionalString(`${path}.LogConfiguration.Options.awslogs-stream-prefix`),
            }
          : undefined,
      ...localCommandOf(name, overrides, commands, definitions.length),
      ...(build ? { build } : {}),
      ...(mountPoints[index]?.length ? { mountPoints: mountPoints[index] } : {}),
    };
  });
  const arn = resource.ref;
  const familyAndRevision = lastArnSegment(arn);
  return {
    arn,
    family: props.optionalString('Family') ?? familyAndRevision.split(':')[0] ?? resource.logicalId,
    revision: Number(familyAndRevision.split(':')[1] ?? 1) || 1,
    cpu: props.optionalString('Cpu'),
    memory: props.optionalString('Memory'),
    networkMode: props.optionalString('NetworkMode') ?? 'bridge',
    containers,
    ...(volumes.length > 0 ? { volumes } : {}),
    origin: originOf(resource),
  };
}

/** Every task definition of the templates, keyed by its ARN (what `Ref` returns). */
export function resolveTaskDefinitions(
  app: ResolvedApp,
  overrides: ContainerOverrides = {},
): Map<string, TaskDefinitionConfig> {
  const efs = efsCatalog(app);
  return new Map(
    resourcesOfType(app, 'AWS::ECS::TaskDefinition').map((r) => [
      r.ref,
      resolveTaskDefinition(r, overrides, app, efs),
    ]),
  );
}

/**
 * The task definition a reference names, as ECS reads a `taskDefinition` argument: its full ARN,
 * `family:revision`, or the family alone, which means its latest revision (aws-behavior-2.md §12.1).
 *
 * @example findTaskDefinition(definitions, 'web') // web:2 when the templates register web:1 and web:2
 */
export function findTaskDefinition(
  definitions: ReadonlyMap<string, TaskDefinitionConfig> | readonly TaskDefinitionConfig[],
  reference: string,
): TaskDefinitionConfig | undefined {
  const all = Array.isArray(definitions)
    ? (definitions as readonly TaskDefinitionConfig[])
    : [...(definitions as ReadonlyMap<string, TaskDefinitionConfig>).values()];
  const exact = all.find((td) => td.arn === reference || `${td.family}:${td.revision}` === reference);
  if (exact) return exact;
  let latest: TaskDefinitionConfig | undefined;
  for (const td of all) {
    if (td.family === reference && (!latest || td.revision > latest.revision)) latest = td;
  }
  return latest;
}

/** The ECS services, each with its task definition. */
export function resolveEcsServices(
  app: ResolvedApp,
  overrides: ContainerOverrides = {},
  taskDefinitions: ReadonlyMap<string, TaskDefinitionConfig> = resolveTaskDefinitions(app, overrides),
): EcsServiceConfig[] {
  return resourcesOfType(app, 'AWS::ECS::Service').map((resource) => {
    const props: PropertyReader = new PropertyReader(resource);
    const taskDefinitionRef = props.string('TaskDefinition');
    const taskDefinition = findTaskDefinition(taskDefinitions, taskDefinitionRef);
    if (!taskDefinition) {
      props.fail(
        'TaskDefinition',
        `'${taskDefinitionRef}' is not a task definition declared in these templates`,
      );
    }
    // LaunchType EC2/EXTERNAL and capacity providers run as Fargate would: a warning
    // (not-emulated-properties.ts), not an error.
    const loadBalancers = props.list('LoadBalancers').map(
      (item): ServiceLoadBalancerConfig => ({
        targetGroupArn: props.string(`${item}.TargetGroupArn`),
        containerName: props.string(`${item}.ContainerName`),
        containerPort: props.number(`${item}.ContainerPort`),
      }),
    );
    const serviceRegistries = props.list('ServiceRegistries').map(
      (item): ServiceRegistryConfig => ({
        discoveryServiceId: lastArnSegment(props.string(`${item}.RegistryArn`)),
        containerName: props.optionalString(`${item}.ContainerName`),
        containerPort: props.optionalNumber(`${item}.ContainerPort`),
        port: props.optionalNumber(`${item}.Port`),
      }),
    );
    const cluster = props.optionalString('Cluster') ?? 'default';
    const vpc = 'NetworkConfiguration.AwsvpcConfiguration';
    return {
      arn: resource.ref,
      name: String(resource.attributes.Name ?? props.optionalString('ServiceName') ?? resource.logicalId),
      clusterName: cluster.startsWith('arn:') ? lastArnSegment(cluster) : cluster,
      desiredCount: props.number('DesiredCount', 1),
      taskDefinition,
      minimumHealthyPercent: props.number('DeploymentConfiguration.MinimumHealthyPercent', 100),
      maximumPercent: props.number('DeploymentConfiguration.MaximumPercent', 200),
      circuitBreaker: {
        enable: props.boolean('DeploymentConfiguration.DeploymentCircuitBreaker.Enable', false),
        rollback: props.boolean('DeploymentConfiguration.DeploymentCircuitBreaker.Rollback', false),
      },
      healthCheckGracePeriodSeconds: props.number('HealthCheckGracePeriodSeconds', 0),
      subnetIds: props.strings(`${vpc}.Subnets`),
      securityGroupIds: props.strings(`${vpc}.SecurityGroups`),
      assignPublicIp: props.optionalString(`${vpc}.AssignPublicIp`) === 'ENABLED',
      loadBalancers,
      serviceRegistries,
      origin: originOf(resource),
    };
  });
}

/**
 * One warning per container whose `Secrets` have no local value: Wharf does not read Secrets
 * Manager or SSM, so a secret is set only when `--pass-env <name>` passes it (`passed`).
 */
export function unsetSecretWarnings(
  services: readonly EcsServiceConfig[],
  passed: ReadonlySet<string>,
): string[] {
  const warnings: string[] = [];
  for (const service of services) {
    for (const container of service.taskDefinition.containers) {
      const unset = container.secretNames.filter((name) => !passed.has(name));
      if (unset.length === 0) continue;
      // Only names that can be variables are quoted (a template's text is not echoed otherwise).
      const names = unset.filter((name) => /^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(name));
      const others = unset.length - names.length;
      const listed = [...names, ...(others > 0 ? [`${others} name(s) that are not variable names`] : [])];
      const fix = names.length > 0 ? ` with ${names.map((name) => `--pass-env ${name}`).join(' ')}` : '';
      warnings.push(
        `container '${container.name}' of service ${service.name} declares Secrets that Wharf does not read ` +
          `(Secrets Manager and SSM are not emulated): ${listed.join(', ')} stay unset unless you pass a value ` +
          `from your environment${fix}.`,
      );
    }
  }
  return warnings;
}
