/**
 * Container health checks in the process runtime: the definition's command runs on the host only
 * for the user's own CDK app and its own `wharf:local:command`; for a template, or a container
 * given `--process-command`, a TCP connect to the container's port replaces it, with a warning.
 */

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { RecordingIoHost } from '../../../src/io/io-host.js';
import type { ContainerConfig } from '../../../src/local/ecs/types.js';
import { hostHealthCheck } from '../../../src/local/runtime/host-health-check.js';
import { ProcessRuntime } from '../../../src/local/runtime/process.js';
import { tempDir } from '../../support/cli.js';
import { containerConfig, RecordingEvents, taskSpec, waitUntil } from './support.js';

/** A node HTTP server on $HOST:$PORT. */
const SERVER = `${JSON.stringify(process.execPath)} -e "require('node:http').createServer((q, s) => s.end('ok')).listen(+process.env.PORT, process.env.HOST)"`;

function checked(command: string[], fields: Partial<ContainerConfig> = {}): ContainerConfig {
  return containerConfig({
    name: 'web',
    image: 'unused',
    containerPorts: [80],
    healthCheck: { command, intervalSeconds: 1, timeoutSeconds: 2, retries: 2, startPeriodSeconds: 0 },
    ...fields,
  });
}

describe('hostHealthCheck', () => {
  const shell = ['CMD-SHELL', 'curl -f http://localhost/'];
  it.each([
    ['a CDK app, its own wharf:local:command', true, 'metadata', 'command'],
    ['a CDK app, a command given with --process-command', true, 'flag', 'tcp'],
    ['a template under --runtime process, its wharf:local:command', false, 'metadata', 'tcp'],
    ['a template, a command given with --process-command', false, 'flag', 'tcp'],
  ] as const)('%s: %s → %s', (_, trusted, origin, kind) => {
    expect(hostHealthCheck(checked(shell, { localCommandOrigin: origin }), trusted).kind).toBe(kind);
  });

  it('keeps a disabled check (NONE) and a container without a check as none', () => {
    expect(hostHealthCheck(checked(['NONE']), false)).toEqual({ kind: 'none' });
    expect(hostHealthCheck(containerConfig({ name: 'a', image: 'x' }), false)).toEqual({ kind: 'none' });
  });

  it("replaces with a TCP connect to the container's first port", () => {
    expect(hostHealthCheck(checked(shell, { containerPorts: [8080, 9090] }), false)).toMatchObject({
      kind: 'tcp',
      containerPort: 8080,
    });
  });
});

describe('ProcessRuntime health checks of untrusted task definitions', () => {
  const dir = tempDir('wharf-health-');
  const marker = join(dir, 'health-check-ran');
  const touch = ['CMD-SHELL', `touch ${JSON.stringify(marker)}`];
  let runtime: ProcessRuntime | undefined;
  afterEach(async () => {
    await runtime?.close();
    rmSync(marker, { force: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("never runs a template's CMD-SHELL check: a TCP connect makes the task HEALTHY, with one warning naming the container", async () => {
    const io = new RecordingIoHost();
    runtime = new ProcessRuntime({ runId: 'health', io, stateDir: join(dir, 'runs') });
    const events = new RecordingEvents();
    const container = checked(touch, { localCommand: SERVER, localCommandOrigin: 'metadata' });
    await runtime.start(taskSpec('health', [container]), events);
    await runtime.start(taskSpec('health', [container]), new RecordingEvents());
    await waitUntil('HEALTHY', () => events.health.some((h) => h.health === 'HEALTHY'));
    expect(existsSync(marker)).toBe(false);
    const warnings = io.withCode('WHARF_PROCESS_HEALTH_CHECK_REPLACED').map((m) => m.message);
    expect(warnings).toEqual([
      "container 'web' of service api: its HealthCheck command does not run on this machine (the task definition " +
        "comes from a template); a TCP connect to its port 80 replaces it, with the check's interval, timeout and retries.",
    ]);
    expect(warnings[0]).not.toContain('touch');
  });

  it('reports UNHEALTHY when nothing listens on the port (the replacement really probes)', async () => {
    runtime = new ProcessRuntime({ runId: 'health', stateDir: join(dir, 'runs') });
    const events = new RecordingEvents();
    const container = checked(touch, { localCommand: 'exec sleep 30', localCommandOrigin: 'flag' });
    await runtime.start(taskSpec('health', [container]), events);
    await waitUntil('UNHEALTHY', () => events.health.some((h) => h.health === 'UNHEALTHY'));
    expect(existsSync(marker)).toBe(false);
  });

  it('runs the command for a trusted definition (the control: the marker appears)', async () => {
    runtime = new ProcessRuntime({ runId: 'health', trusted: true, stateDir: join(dir, 'runs') });
    const events = new RecordingEvents();
    const container = checked(touch, { localCommand: SERVER, localCommandOrigin: 'metadata' });
    await runtime.start(taskSpec('health', [container]), events);
    await waitUntil('HEALTHY', () => events.health.some((h) => h.health === 'HEALTHY'));
    expect(existsSync(marker)).toBe(true);
  });
});
