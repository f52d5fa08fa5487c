/** Shared builders and a recording event sink for the runtime tests. */

import { request } from 'undici';
import type { ContainerConfig } from '../../../src/local/ecs/types.js';
import type { ContainerHealth, TaskEvents, TaskSpec } from '../../../src/local/runtime/types.js';
import { testTaskId } from '../../support/docker.js';

/** A container definition with ECS defaults; `name` and `image` required. */
export function containerConfig(
  fields: Partial<ContainerConfig> & Pick<ContainerConfig, 'name' | 'image'>,
): ContainerConfig {
  return {
    essential: true,
    environment: {},
    secretNames: [],
    containerPorts: [],
    stopTimeoutSeconds: 30,
    initProcessEnabled: false,
    ...fields,
  };
}

/** A task of service `api` in cluster `local` with the given containers. */
export function taskSpec(
  runId: string,
  containers: ContainerConfig[],
  extra: Partial<TaskSpec> = {},
): TaskSpec {
  return {
    runId,
    taskId: testTaskId(),
    clusterName: 'local',
    serviceName: 'api',
    family: 'api',
    revision: 1,
    containers,
    ...extra,
  };
}

/** Everything a runtime reported, with a way to wait for a condition. */
export class RecordingEvents implements TaskEvents {
  readonly logs: { container: string; line: string; stream: 'stdout' | 'stderr' }[] = [];
  readonly health: { container: string; health: ContainerHealth }[] = [];
  readonly exits: { container: string; exitCode: number | null; reason: string }[] = [];

  onLog(container: string, line: string, stream: 'stdout' | 'stderr'): void {
    this.logs.push({ container, line, stream });
  }
  onHealth(container: string, health: ContainerHealth): void {
    this.health.push({ container, health });
  }
  onExit(container: string, exitCode: number | null, reason: string): void {
    this.exits.push({ container, exitCode, reason });
  }
}

/** Polls `condition` every 100 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** GET http://host:port/path; retries connection errors until the server listens (up to 30 s). */
export async function getText(
  host: string,
  port: number,
  path = '/',
): Promise<{ status: number; body: string }> {
  let lastError: unknown;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const response = await request(`http://${host}:${port}${path}`, {
        headersTimeout: 5000,
        bodyTimeout: 5000,
      });
      return { status: response.statusCode, body: await response.body.text() };
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`no answer from http://${host}:${port}${path}: ${String(lastError)}`);
}
