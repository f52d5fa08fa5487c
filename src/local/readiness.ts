/**
 * When the local cloud is ready: every service runs its desired count of tasks, healthy where the
 * task definition has a container health check, accepting connections where it has none; and when
 * waiting longer cannot help (a deployment FAILED). `wharf dev --once` and the tests wait on this.
 */

import { connect } from 'node:net';
import { WharfError } from '../errors.js';
import type { Clock } from './clock.js';
import type { ServiceDescription, ServiceScheduler } from './ecs/service-scheduler.js';
import type { EcsServiceConfig } from './ecs/types.js';

/**
 * Ready: every service runs its desired count of tasks, and tasks whose essential containers have
 * a health check report HEALTHY (load balancer health is not awaited: the ALB fails open while
 * targets are initial, §2.2).
 */
export async function waitUntilReady(
  services: ReadonlyMap<string, ServiceScheduler>,
  configs: ReadonlyMap<string, EcsServiceConfig>,
  clock: Clock,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending: Array<[string, ServiceScheduler]> = [];
    for (const [name, scheduler] of services) {
      const description = scheduler.describe();
      const failed = description.deployments[0];
      if (failed?.rolloutState === 'FAILED') throw deploymentFailed(name, failed, description);
      const checked = configs.get(name)?.taskDefinition.containers.some((c) => c.essential && c.healthCheck);
      const running = description.tasks.filter(
        (t) =>
          t.lastStatus === 'RUNNING' &&
          (checked ? t.healthStatus === 'HEALTHY' : t.healthStatus !== 'UNHEALTHY'),
      );
      // Without a container health check, "ready" also means the task accepts connections.
      const listening = await Promise.all(running.map((t) => checked || allListening(t.endpoints)));
      if (listening.filter(Boolean).length < description.desiredCount) pending.push([name, scheduler]);
    }
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      const detail = pending
        .map(([name, s]) => `${name}: ${s.describe().events[0]?.message ?? 'no event yet'}`)
        .join('; ');
      throw new WharfError(
        'WHARF_DEV_NOT_READY',
        `services not ready after ${Math.round(timeoutMs / 1000)} s (${detail}). See the task logs and stopped reasons above.`,
      );
    }
    await clock.sleep(100);
  }
}

/**
 * Steady state as ECS reports it ("has reached a steady state"): every service's primary
 * deployment runs its desired count of tasks counted healthy (container health checks, target
 * groups, or 40 s RUNNING without either, aws-behavior.md §3.1), nothing else running. `wharf dev
 * --once` waits for it when the templates have no ingress to probe. Rejects like
 * {@link waitUntilReady}: `WHARF_DEV_DEPLOYMENT_FAILED` or `WHARF_DEV_NOT_READY` after `timeoutMs`.
 */
export async function waitUntilSteady(
  services: ReadonlyMap<string, ServiceScheduler>,
  timeoutMs: number,
): Promise<void> {
  await Promise.all(
    [...services].map(async ([name, scheduler]) => {
      try {
        await scheduler.waitForSteadyState(timeoutMs);
      } catch (error) {
        const code = error instanceof WharfError ? error.code : undefined;
        if (code === 'WHARF_ECS_DEPLOYMENT_FAILED') {
          const description = scheduler.describe();
          const deployment = description.deployments[0];
          if (deployment) throw deploymentFailed(name, deployment, description);
        }
        if (code === 'WHARF_ECS_NOT_STEADY' || code === 'WHARF_ECS_DEPLOYMENT_FAILED') {
          throw new WharfError(
            'WHARF_DEV_NOT_READY',
            `service ${name} did not reach a steady state within ${Math.round(timeoutMs / 1000)} s (${(error as Error).message.replace(/^.*? ms: /, '')}). See the task logs and stopped reasons above.`,
          );
        }
        throw error;
      }
    }),
  );
}

/**
 * A service's PRIMARY deployment FAILED (the circuit breaker tripped with nothing to roll back to,
 * or rollback off): it starts no more tasks, so waiting longer cannot help.
 */
function deploymentFailed(
  name: string,
  deployment: ServiceDescription['deployments'][number],
  description: ServiceDescription,
): WharfError {
  const stopped = description.tasks.find((task) => task.lastStatus === 'STOPPED' && task.stoppedReason);
  const why = stopped ? ` Last stopped task: ${stopped.stoppedReason?.replace(/\.$/, '')}.` : '';
  return new WharfError(
    'WHARF_DEV_DEPLOYMENT_FAILED',
    `service ${name}: deployment ${deployment.id} failed (${deployment.rolloutStateReason.replace(/\.$/, '')}).${why} ` +
      'See the stopped tasks and their last log lines above.',
  );
}

/** True when every endpoint accepts a TCP connection within a second. */
async function allListening(endpoints: readonly { host: string; port: number }[]): Promise<boolean> {
  const results = await Promise.all(
    endpoints.map(
      ({ host, port }) =>
        new Promise<boolean>((done) => {
          const socket = connect({ host, port });
          const finish = (ok: boolean) => {
            socket.destroy();
            done(ok);
          };
          socket.setTimeout(1000, () => finish(false));
          socket.once('connect', () => finish(true));
          socket.once('error', () => finish(false));
        }),
    ),
  );
  return results.every(Boolean);
}
