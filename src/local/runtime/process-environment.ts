/**
 * The environment of a task process (process runtime): what a Fargate task gets, its task
 * definition's `Environment`, plus only what a host process needs to run. Never the rest of the
 * user's environment: a task on Fargate does not see the deployer's AWS credentials, tokens or
 * shell settings, and a task run from someone else's template must not either.
 *
 * Fidelity: on Fargate a container's environment is its image's `ENV`, the definition's
 * `Environment` and resolved `Secrets`, and a few variables of the agent (`ECS_CONTAINER_METADATA_URI_V4`,
 * `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, …, not emulated). A process has no image, so the
 * host's `PATH`, `HOME`, `TMPDIR`, `TZ`, `LANG`, `LANGUAGE` and `LC_*` stand in for the image's
 * (to find `node`/`python`, a home for caches, a temp folder, the time zone and the locale).
 * Deliberately not passed: `USER`/`LOGNAME`/`SHELL` (a container has none; programs fall back to
 * the password database), proxies and CA bundles (`HTTP_PROXY`, `NODE_EXTRA_CA_CERTS`, …), which
 * `--pass-env NAME` opts in one by one like anything else. Wharf does not read Secrets Manager or
 * SSM: a definition's `Secrets` are not set unless passed the same way.
 */

import { UsageError } from '../../errors.js';
import type { ContainerConfig } from '../ecs/types.js';
import type { TaskSpec } from './types.js';

/** Host variables every task process gets (when set on the host), besides `LC_*`. */
export const HOST_ENVIRONMENT_ALLOWLIST: readonly string[] = [
  'PATH',
  'HOME',
  'TMPDIR',
  'TZ',
  'LANG',
  'LANGUAGE',
];

/** True for a host variable a task process gets without being asked: the allowlist and `LC_*`. */
export function isAllowlisted(name: string): boolean {
  return HOST_ENVIRONMENT_ALLOWLIST.includes(name) || /^LC_[A-Z_]+$/.test(name);
}

/**
 * The environment of one container's process (and its health check), from the lowest layer up:
 * the allowlisted host variables; the task's extra environment (`spec.environment`, which holds
 * the `--pass-env` variables); the container's `Environment`; then `HOST=127.0.0.1`,
 * `WHARF_TASK_ID`, `PORT_<containerPort>` for every port of the task and `PORT` for the
 * container's first port.
 *
 * @example processEnvironment(spec, web, new Map([[80, 24113]]), { PATH: '/usr/bin', AWS_SECRET_ACCESS_KEY: 'x' })
 * // { PATH: '/usr/bin', …web.environment, HOST: '127.0.0.1', WHARF_TASK_ID: '…', PORT_80: '24113', PORT: '24113' }
 */
export function processEnvironment(
  spec: TaskSpec,
  container: ContainerConfig,
  hostPorts: ReadonlyMap<number, number>,
  host: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(host)) {
    if (value !== undefined && isAllowlisted(key)) env[key] = value;
  }
  Object.assign(env, spec.environment ?? {}, container.environment);
  env.HOST = '127.0.0.1';
  // Processes share one hostname; this tells them apart (what a container's hostname does on Docker).
  env.WHARF_TASK_ID = spec.taskId;
  for (const [port, hostPort] of hostPorts) env[`PORT_${port}`] = String(hostPort);
  const first = container.containerPorts[0];
  const firstHost = first === undefined ? undefined : hostPorts.get(first);
  if (firstHost !== undefined) env.PORT = String(firstHost);
  return env;
}

/** What {@link passedEnvironment} found. */
export interface PassedEnvironment {
  /** The variables to give every task, with their host values. */
  readonly environment: Record<string, string>;
  /** Names asked for that are not set on the host. */
  readonly unset: readonly string[];
}

/**
 * The host values of the variables named by `--pass-env`. Throws a {@link UsageError} for a name
 * that is not a variable name (`[A-Za-z_][A-Za-z0-9_]*`).
 *
 * @example passedEnvironment(['AWS_PROFILE', 'NOPE'], { AWS_PROFILE: 'dev' })
 * // { environment: { AWS_PROFILE: 'dev' }, unset: ['NOPE'] }
 */
export function passedEnvironment(
  names: readonly string[],
  host: NodeJS.ProcessEnv = process.env,
): PassedEnvironment {
  const environment: Record<string, string> = {};
  const unset: string[] = [];
  for (const name of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(
        `wharf dev: --pass-env '${name.slice(0, 80)}' is not a variable name; allowed: letters, digits and _, ` +
          'not starting with a digit, e.g. --pass-env AWS_PROFILE.',
      );
    }
    const value = host[name];
    if (value === undefined) unset.push(name);
    else environment[name] = value;
  }
  return { environment, unset };
}
