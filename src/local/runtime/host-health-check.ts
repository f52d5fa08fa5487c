/**
 * What a container health check becomes in the process runtime, where it would run on the host
 * instead of inside the container.
 *
 * A `HealthCheck.Command` is written for the inside of an image (on AWS it runs in the
 * container). On the host it is a shell command from the template, run as the user. So it runs
 * only when the user trusts its author and it fits the process: the task definition comes from
 * the user's own CDK app (`trusted`, code Wharf already runs to synthesize) and the container
 * runs the definition's own `wharf:local:command`. Otherwise — a `--template` input (even under
 * `--runtime process`, whose consent covers the `wharf:local:command` written for the host, not
 * container commands), or a container whose command the user gave with `--process-command` (the
 * check was written for another program) — it is replaced by a TCP connect to the container's
 * first port on 127.0.0.1, with the check's own interval, timeout, retries and start period; a
 * container without ports passes while its process runs.
 */

import { connect } from 'node:net';
import type { ContainerConfig } from '../ecs/types.js';

/** How the process runtime checks a container's health. */
export type HostHealthCheck =
  | { readonly kind: 'none' }
  /** Run the definition's command on the host. */
  | { readonly kind: 'command'; readonly command: readonly string[] }
  /** Connect to the container's first port; `port` undefined = pass while the process runs. */
  | { readonly kind: 'tcp'; readonly containerPort?: number; readonly why: string };

/**
 * Decides how a container's health check runs in the process runtime (see the file's note).
 *
 * @param trusted the task definition comes from the user's own CDK app
 * @example hostHealthCheck({ …, healthCheck: { command: ['CMD-SHELL', 'curl -f localhost'] }, localCommandOrigin: 'flag', containerPorts: [80] }, true)
 * // { kind: 'tcp', containerPort: 80, why: "the container's command comes from --process-command" }
 */
export function hostHealthCheck(container: ContainerConfig, trusted: boolean): HostHealthCheck {
  const check = container.healthCheck;
  if (!check || check.command[0] === 'NONE') return { kind: 'none' };
  const fromFlag = container.localCommandOrigin === 'flag';
  if (trusted && !fromFlag) return { kind: 'command', command: check.command };
  const why = fromFlag
    ? "the container's command comes from --process-command"
    : 'the task definition comes from a template';
  return { kind: 'tcp', containerPort: container.containerPorts[0], why };
}

/** The warning for a replaced check, naming the service and container (never the command). */
export function replacedHealthCheckWarning(
  serviceName: string,
  container: ContainerConfig,
  plan: HostHealthCheck,
): string | undefined {
  if (plan.kind !== 'tcp') return undefined;
  const instead =
    plan.containerPort === undefined
      ? 'it passes while the process runs (the container has no port)'
      : `a TCP connect to its port ${plan.containerPort} replaces it`;
  return (
    `container '${container.name}' of service ${serviceName}: its HealthCheck command does not run on this ` +
    `machine (${plan.why}); ${instead}, with the check's interval, timeout and retries.`
  );
}

/**
 * Rewrites `localhost:<containerPort>` and `127.0.0.1:<containerPort>` to the host port, and
 * `http://localhost/` (no port: 80) or `https://localhost/` (443) when that is a container port,
 * so the seeds' `curl -f http://localhost/` check probes the process.
 */
export function rewriteLocalPorts(text: string, hostPorts: ReadonlyMap<number, number>): string {
  const explicit = text.replace(
    /\b(localhost|127\.0\.0\.1):(\d+)\b/g,
    (whole, host: string, port: string) => {
      const hostPort = hostPorts.get(Number(port));
      return hostPort === undefined ? whole : `${host}:${hostPort}`;
    },
  );
  return explicit.replace(
    /\b(https?):\/\/(localhost|127\.0\.0\.1)(?![:\w.-])/g,
    (whole, scheme: string, host: string) => {
      const hostPort = hostPorts.get(scheme === 'https' ? 443 : 80);
      return hostPort === undefined ? whole : `${scheme}://${host}:${hostPort}`;
    },
  );
}

/** Resolves true when 127.0.0.1:`port` accepts a TCP connection before `signal` aborts. */
export function tcpProbe(port: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (ok: boolean) => {
      signal.removeEventListener('abort', abort);
      socket.destroy();
      resolve(ok);
    };
    const abort = () => finish(false);
    signal.addEventListener('abort', abort, { once: true });
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
