/**
 * Container definition → Docker `create` options (pure, unit-tested).
 *
 * Fidelity: reproduces what a Fargate container sees of its definition: `Command`, `EntryPoint`,
 * `Environment`, `WorkingDirectory`, `User` as-is; `HealthCheck` as Docker's `Healthcheck`
 * (the command array unchanged, seconds → nanoseconds), which is what the ECS agent does
 * (aws-behavior.md §3.2); the task's containers share one network namespace (awsvpc: they reach
 * each other on `localhost`), emulated by letting the first container own the namespace and every
 * port of the task, and the others join it (`NetworkMode: container:<first>`). Differences: ports
 * are published on 127.0.0.1 with ephemeral host ports (a task has no ENI IP here); `PORT` is set
 * to the container's first port unless the definition sets it; Docker's `--init` is on for every
 * container by default (on Fargate only with `InitProcessEnabled`), so a process that installs no
 * SIGTERM handler still stops on SIGTERM, where on Fargate as PID 1 it would wait for SIGKILL.
 * Mount points become Docker volume mounts (`docker-volumes.ts`).
 */

import type Docker from 'dockerode';
import type { ContainerConfig, ContainerHealthCheckConfig } from '../ecs/types.js';
import { dockerMounts } from './docker-volumes.js';
import type { TaskSpec } from './types.js';

/** The labels every Wharf container carries. */
export const LABEL = {
  /** The `wharf dev` run (TaskSpec.runId). */
  run: 'wharf.run',
  task: 'wharf.task',
  service: 'wharf.service',
  cluster: 'wharf.cluster',
  family: 'wharf.family',
  container: 'wharf.container',
  /** Process id of the Wharf process that created the container (leftover detection). */
  pid: 'wharf.pid',
} as const;

/** When Docker's init process (`--init`) is used. */
export type InitMode = 'always' | 'task-definition';

/** Replaces characters Docker refuses in container names (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`) by `-`. */
export function sanitizeName(value: string): string {
  return value.replace(/[^a-zA-Z0-9_.-]/g, '-');
}

/** `wharf-<runId>-<service>-<first 8 of task id>-<container>`, sanitised. */
export function dockerContainerName(spec: TaskSpec, container: ContainerConfig): string {
  return sanitizeName(`wharf-${spec.runId}-${spec.serviceName}-${spec.taskId.slice(0, 8)}-${container.name}`);
}

/** The labels of one container. */
export function dockerLabels(
  spec: TaskSpec,
  container: ContainerConfig,
  pid: number = process.pid,
): Record<string, string> {
  return {
    [LABEL.run]: spec.runId,
    [LABEL.task]: spec.taskId,
    [LABEL.service]: spec.serviceName,
    [LABEL.cluster]: spec.clusterName,
    [LABEL.family]: `${spec.family}:${spec.revision}`,
    [LABEL.container]: container.name,
    [LABEL.pid]: String(pid),
  };
}

/** `KEY=value` list: `PORT` (first container port) < task environment < container environment. */
export function dockerEnvironment(spec: TaskSpec, container: ContainerConfig): string[] {
  const env: Record<string, string> = {};
  const firstPort = container.containerPorts[0];
  if (firstPort !== undefined) env.PORT = String(firstPort);
  Object.assign(env, spec.environment ?? {}, container.environment);
  return Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

const NS_PER_SECOND = 1_000_000_000;

/** An ECS health check as Docker's `Healthcheck` (command unchanged, durations in nanoseconds). */
export function dockerHealthcheck(check: ContainerHealthCheckConfig): Docker.HealthConfig {
  return {
    Test: [...check.command],
    Interval: Math.round(check.intervalSeconds * NS_PER_SECOND),
    Timeout: Math.round(check.timeoutSeconds * NS_PER_SECOND),
    StartPeriod: Math.round(check.startPeriodSeconds * NS_PER_SECOND),
    Retries: check.retries,
  };
}

/** Every container port of the task, in definition order, without duplicates. */
export function taskPorts(spec: TaskSpec): number[] {
  return [...new Set(spec.containers.flatMap((container) => container.containerPorts))];
}

/**
 * The image reference to pull: a reference without a tag or digest gets `:latest` (the Docker API
 * would otherwise pull every tag of the repository).
 */
export function withDefaultTag(image: string): string {
  if (image.includes('@')) return image;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? image : `${image}:latest`;
}

/** How a container joins the task's network namespace. */
export type TaskNetwork =
  /**
   * The first container: owns the namespace and publishes every port of the task; on `network`
   * (a user-defined network, `docker-networks.ts`) with `dns` as its resolvers when given.
   */
  | {
      readonly owner: true;
      readonly ports: readonly number[];
      readonly network?: string;
      /** The container's address on `network` (its subnet must be user-specified). */
      readonly ipv4Address?: string;
      readonly dns?: readonly string[];
    }
  /** Any other container: joins the owner's namespace. */
  | { readonly owner: false; readonly ownerContainerId: string };

/** The Docker `create` options of one container of a task. */
export function dockerCreateOptions(
  spec: TaskSpec,
  container: ContainerConfig,
  network: TaskNetwork,
  options: { init?: InitMode; pid?: number; keepVolumes?: boolean } = {},
): Docker.ContainerCreateOptions {
  const init = (options.init ?? 'always') === 'always' || container.initProcessEnabled;
  const hostConfig: Docker.HostConfig = { Init: init };
  const mounts = dockerMounts(spec, container, options.keepVolumes ?? false);
  if (mounts.length > 0) hostConfig.Mounts = mounts;
  const create: Docker.ContainerCreateOptions = {
    name: dockerContainerName(spec, container),
    Image: container.image,
    Env: dockerEnvironment(spec, container),
    Labels: dockerLabels(spec, container, options.pid),
    HostConfig: hostConfig,
  };
  if (container.command) create.Cmd = [...container.command];
  if (container.entryPoint) create.Entrypoint = [...container.entryPoint];
  if (container.workingDirectory) create.WorkingDir = container.workingDirectory;
  if (container.user) create.User = container.user;
  if (container.healthCheck) create.Healthcheck = dockerHealthcheck(container.healthCheck);
  if (network.owner) {
    const exposed: Record<string, object> = {};
    const bindings: Docker.PortMap = {};
    for (const port of network.ports) {
      exposed[`${port}/tcp`] = {};
      bindings[`${port}/tcp`] = [{ HostIp: '127.0.0.1', HostPort: '' }];
    }
    create.ExposedPorts = exposed;
    hostConfig.PortBindings = bindings;
    if (network.network !== undefined) {
      hostConfig.NetworkMode = network.network;
      if (network.ipv4Address !== undefined) {
        create.NetworkingConfig = {
          EndpointsConfig: { [network.network]: { IPAMConfig: { IPv4Address: network.ipv4Address } } },
        };
      }
    }
    if (network.dns !== undefined && network.dns.length > 0) hostConfig.Dns = [...network.dns];
  } else {
    hostConfig.NetworkMode = `container:${network.ownerContainerId}`;
  }
  return create;
}

/**
 * Reads the published host ports of the namespace owner (`docker inspect` →
 * `NetworkSettings.Ports`) as container port → 127.0.0.1 endpoint.
 */
export function publishedEndpoints(
  inspect: Docker.ContainerInspectInfo,
  ports: readonly number[],
): Map<number, { host: string; port: number }> {
  const endpoints = new Map<number, { host: string; port: number }>();
  const published = inspect.NetworkSettings?.Ports ?? {};
  for (const port of ports) {
    const binding = published[`${port}/tcp`]?.find((entry) => entry.HostIp === '127.0.0.1');
    const hostPort = Number(binding?.HostPort);
    if (Number.isInteger(hostPort) && hostPort > 0)
      endpoints.set(port, { host: '127.0.0.1', port: hostPort });
  }
  return endpoints;
}
