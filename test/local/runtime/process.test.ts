/**
 * The process runtime (no Docker): commands under `sh -c` with a free port each, Docker-style
 * health checks (aws-behavior.md §3.2) and the SIGTERM → SIGKILL stop sequence (§3.5).
 */

import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isWharfError } from '../../../src/errors.js';
import { containerLogFile } from '../../../src/local/runtime/container-logs.js';
import { processAlive } from '../../../src/local/runtime/docker.js';
import { ProcessRuntime, processEnvironment, rewriteLocalPorts } from '../../../src/local/runtime/process.js';
import { tempDir } from '../../support/cli.js';
import { containerConfig, getText, RecordingEvents, taskSpec, waitUntil } from './support.js';

/** A node HTTP server on $HOST:$PORT answering with $GREETING. */
const SERVER = `${JSON.stringify(process.execPath)} -e "require('node:http').createServer((q, s) => s.end(process.env.GREETING + ' ' + process.env.PORT_8080)).listen(+process.env.PORT, process.env.HOST, () => console.log('listening'))"`;

describe('ProcessRuntime', () => {
  const logDir = tempDir('wharf-process-logs-');
  const stateDir = tempDir('wharf-process-runs-');
  // `trusted`: the task definitions are the user's own (a CDK app), so health check commands run.
  const newRuntime = () => new ProcessRuntime({ runId: 'test', trusted: true, stateDir });
  let runtime = newRuntime();

  afterEach(async () => {
    await runtime.close();
    runtime = newRuntime();
  });
  afterAll(async () => {
    await runtime.close();
    rmSync(logDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('runs localCommand with PORT (a free port), PORT_<containerPort> and HOST; the endpoint answers', async () => {
    const events = new RecordingEvents();
    const spec = taskSpec('test', [
      containerConfig({
        name: 'web',
        image: 'unused',
        containerPorts: [8080],
        environment: { GREETING: 'hello' },
        localCommand: SERVER,
      }),
    ]);
    const task = await runtime.start(spec, events);
    const endpoint = task.endpoints.get(8080);
    expect(endpoint?.host).toBe('127.0.0.1');
    const response = await getText('127.0.0.1', endpoint?.port ?? 0);
    expect(response).toEqual({ status: 200, body: `hello ${endpoint?.port}` });
    expect(events.logs).toContainEqual({ container: 'web', line: 'listening', stream: 'stdout' });
  });

  it('rejects a container without a local command with WHARF_PROCESS_NO_COMMAND, naming it and the fix', async () => {
    const spec = taskSpec('test', [containerConfig({ name: 'web', image: 'nginx' })]);
    const error = await runtime.start(spec, new RecordingEvents()).catch((e: unknown) => e);
    expect(isWharfError(error) && error.code).toBe('WHARF_PROCESS_NO_COMMAND');
    expect((error as Error).message).toMatch(/'web'.*--process-command web=<command>.*wharf:local:command/);
  });

  it('reports HEALTHY when the health command passes, rewriting localhost:<containerPort> (§3.2)', async () => {
    const events = new RecordingEvents();
    const probe = `${JSON.stringify(process.execPath)} -e "fetch('http://127.0.0.1:8080/').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"`;
    const spec = taskSpec('test', [
      containerConfig({
        name: 'web',
        image: 'unused',
        containerPorts: [8080],
        localCommand: SERVER,
        healthCheck: {
          command: ['CMD-SHELL', probe],
          intervalSeconds: 1,
          timeoutSeconds: 5,
          retries: 2,
          startPeriodSeconds: 0,
        },
      }),
    ]);
    await runtime.start(spec, events);
    await waitUntil('HEALTHY', () => events.health.some((h) => h.health === 'HEALTHY'));
    expect(events.health[0]).toEqual({ container: 'web', health: 'HEALTHY' });
  });

  it('reports UNHEALTHY after `retries` failing checks (§3.2)', async () => {
    const events = new RecordingEvents();
    const spec = taskSpec('test', [
      containerConfig({
        name: 'web',
        image: 'unused',
        localCommand: 'sleep 60',
        healthCheck: {
          command: ['CMD', 'false'],
          intervalSeconds: 1,
          timeoutSeconds: 2,
          retries: 2,
          startPeriodSeconds: 0,
        },
      }),
    ]);
    await runtime.start(spec, events);
    await waitUntil('UNHEALTHY', () => events.health.some((h) => h.health === 'UNHEALTHY'));
  });

  it('writes lines to the log file and reports the exit code', async () => {
    const events = new RecordingEvents();
    const container = containerConfig({
      name: 'job',
      image: 'unused',
      localCommand: 'echo one; echo two >&2; exit 4',
      log: { logGroupName: '/ecs/jobs', streamPrefix: 'jobs' },
    });
    const spec = taskSpec('test', [container], { logDir });
    await runtime.start(spec, events);
    await waitUntil('exit', () => events.exits.length > 0);
    expect(events.exits).toEqual([{ container: 'job', exitCode: 4, reason: 'Exited with code 4' }]);
    const file = containerLogFile(logDir, container, spec.taskId) ?? '';
    expect(readFileSync(file, 'utf8').split('\n').sort()).toEqual(['', 'one', 'two']);
  });

  it('stops a process group that ignores SIGTERM with SIGKILL after stopTimeout (§3.5)', async () => {
    const events = new RecordingEvents();
    const spec = taskSpec('test', [
      containerConfig({
        name: 'stubborn',
        image: 'unused',
        localCommand: 'trap "" TERM; echo ready; while true; do sleep 1; done',
        stopTimeoutSeconds: 2,
      }),
    ]);
    const task = await runtime.start(spec, events);
    await waitUntil('ready', () => events.logs.some((log) => log.line === 'ready'));
    const pid = Number(task.handles[0]);
    await task.stop();
    expect(events.exits).toEqual([
      {
        container: 'stubborn',
        exitCode: 137,
        reason: 'Stopped: did not exit within 2 s of SIGTERM, killed with SIGKILL',
      },
    ]);
    expect(processAlive(pid)).toBe(false);
  });

  it('stops a well-behaved process on SIGTERM', async () => {
    const events = new RecordingEvents();
    const spec = taskSpec('test', [
      containerConfig({ name: 'web', image: 'unused', localCommand: 'exec sleep 60' }),
    ]);
    const task = await runtime.start(spec, events);
    await task.stop();
    expect(events.exits).toEqual([
      { container: 'web', exitCode: 143, reason: 'Stopped: exited after SIGTERM' },
    ]);
    expect(await runtime.removeLeftovers()).toBe(0);
  });

  it('gives each container PORT for its first port and PORT_<port> for every port of the task', () => {
    const spec = taskSpec('test', [
      containerConfig({ name: 'web', image: 'x', containerPorts: [8080], environment: { PORT: '1' } }),
      containerConfig({ name: 'admin', image: 'x', containerPorts: [9090] }),
    ]);
    const ports = new Map([
      [8080, 40001],
      [9090, 40002],
    ]);
    const [web, admin] = spec.containers;
    const webEnv = processEnvironment(spec, web as never, ports, {});
    expect(webEnv).toEqual({
      PORT: '40001',
      PORT_8080: '40001',
      PORT_9090: '40002',
      HOST: '127.0.0.1',
      WHARF_TASK_ID: spec.taskId,
    });
    expect(processEnvironment(spec, admin as never, ports, {}).PORT).toBe('40002');
  });

  it('rewrites localhost:<containerPort> and 127.0.0.1:<containerPort> in health commands, nothing else', () => {
    const ports = new Map([[8080, 40001]]);
    expect(rewriteLocalPorts('curl -f http://localhost:8080/health || exit 1', ports)).toBe(
      'curl -f http://localhost:40001/health || exit 1',
    );
    expect(rewriteLocalPorts('wget 127.0.0.1:8080 example.com:8080 localhost:9090', ports)).toBe(
      'wget 127.0.0.1:40001 example.com:8080 localhost:9090',
    );
  });

  it("rewrites a port-less http://localhost/ to container port 80's host port (the seeds' curl check)", () => {
    const ports = new Map([[80, 40003]]);
    expect(rewriteLocalPorts('curl -f http://localhost/ || exit 1', ports)).toBe(
      'curl -f http://localhost:40003/ || exit 1',
    );
    expect(rewriteLocalPorts('curl http://localhost', ports)).toBe('curl http://localhost:40003');
    expect(rewriteLocalPorts('curl http://localhost.example/ https://localhost/', ports)).toBe(
      'curl http://localhost.example/ https://localhost/',
    );
  });

  it.skipIf(process.platform !== 'linux')('leaves no process behind after close()', async () => {
    const spec = taskSpec('test', [
      containerConfig({ name: 'a', image: 'x', localCommand: 'sleep 60 & sleep 60' }),
    ]);
    const task = await runtime.start(spec, new RecordingEvents());
    const pid = Number(task.handles[0]);
    expect(groupAlive(pid)).toBe(true);
    await runtime.close();
    // close() has SIGKILLed the group; the kernel finishes a killed process asynchronously, so
    // under load a member may still be scheduled for a moment: wait (at most 2 s) for none to run.
    const deadline = Date.now() + 2000;
    while (groupAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(groupAlive(pid)).toBe(false);
  });
});

/**
 * True while a process of the group led by `pid` is still running (zombies waiting for their
 * reaper do not count: `kill(-pgid, 0)` would still find them).
 */
function groupAlive(pid: number): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...; comm may contain spaces, so parse after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pid && state !== 'Z') return true;
  }
  return false;
}
