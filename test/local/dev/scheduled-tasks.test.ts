/**
 * Scheduled and standalone tasks in a running local cloud, on real processes (the runtime is not
 * the subject here): EventBridge rules fire on an accelerated clock and start their task
 * definitions as RunTask would (group, startedBy, TaskCount, Input environment), the status
 * view shows rules and standalone tasks, and `runTask` runs a task definition nothing else
 * starts, streaming its logs and ending with its exit code (aws-behavior-2.md §11).
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildLocalModel } from '../../../src/local/model.js';
import { runTaskExitCode } from '../../../src/local/run-task.js';
import { renderRuleLines, renderTaskLines } from '../../../src/local/status.js';
import { resolveApp } from '../../../src/template/evaluate.js';
import { loadTemplateFile } from '../../../src/template/load.js';
import { eventually, type StartedCloud, startCloud } from './support.js';

const SCHEDULED = resolve(import.meta.dirname, '../../fixtures/tasks/scheduled-task.yml');
// `--process-command` per container; the cleanup rule's Input adds SCOPE to the environment.
const COMMANDS = {
  images: {},
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a JS template.
  commands: { job: 'echo "job ran ${SCOPE:-with no scope}"', migrate: 'echo "migration 42 failed"; exit 3' },
};

describe('wharf dev: scheduled and standalone tasks', () => {
  let started: StartedCloud | undefined;
  afterEach(async () => {
    await started?.cloud.stop();
    started = undefined;
  });

  it('fires each rule on its schedule with the clock 120× faster, and shows rules and tasks in the status view', async () => {
    started = await startCloud({
      template: SCHEDULED,
      runtime: 'process',
      overrides: COMMANDS,
      clockSpeed: 120,
    });
    const { cloud, io } = started;
    await cloud.waitUntilReady(10_000);
    expect(cloud.status().rules.map((r) => [r.name, r.invocationCount])).toEqual([
      ['report-every-minute', 0],
      ['cleanup', 0],
    ]);
    // rate(1 minute) = every 0.5 s here; cron(0/5 …) within 2.5 s.
    const cleanup = () => cloud.status().rules.find((r) => r.name === 'cleanup');
    await eventually(
      'the cron rule to fire and its 2 tasks to stop, and the rate rule to fire twice and log',
      () => {
        const ids = cleanup()?.lastInvocation?.taskIds ?? [];
        const stopped = cloud
          .status()
          .standaloneTasks.filter((t) => ids.includes(t.taskId) && t.lastStatus === 'STOPPED');
        const rate = cloud.status().rules.find((r) => r.name === 'report-every-minute');
        const reported = io
          .withCode('WHARF_DEV_LOG')
          .some((m) => m.message.endsWith('job ran with no scope'));
        return ids.length === 2 && stopped.length === 2 && (rate?.invocationCount ?? 0) >= 2 && reported;
      },
      15_000,
    );
    const status = cloud.status();
    const report = status.rules.find((r) => r.name === 'report-every-minute');
    expect(report?.invocationCount).toBeGreaterThanOrEqual(2);
    // The next firing is one period after the last, on EventBridge's (accelerated) clock.
    expect((report?.nextFireAt ?? 0) - (report?.lastInvocation?.at ?? 0)).toBe(60_000);

    const cleanupTasks = status.standaloneTasks.filter((t) =>
      cleanup()?.lastInvocation?.taskIds.includes(t.taskId),
    );
    for (const task of cleanupTasks) {
      expect(task).toMatchObject({
        group: 'family:report',
        startedBy: 'events-rule/cleanup',
        deploymentId: '',
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
      });
      expect(task.containers[0]?.exitCode).toBe(0);
      expect(task.privateIp).toMatch(/^10\.30\.0\.\d+$/);
    }
    const logs = io.withCode('WHARF_DEV_LOG').map((m) => m.message);
    expect(logs).toContainEqual(expect.stringMatching(/^family:report\/[0-9a-f]{8} job ran old reports$/));
    expect(logs).toContainEqual(expect.stringMatching(/^family:report\/[0-9a-f]{8} job ran with no scope$/));
    // A job that exits 0 has finished: reported as info, not as a failure.
    const stops = io.withCode('WHARF_DEV_TASK_STOPPED');
    expect(stops.length).toBeGreaterThan(0);
    expect(stops.every((m) => m.level === 'info')).toBe(true);

    expect(renderRuleLines(status)).toContainEqual(
      expect.stringMatching(
        /^rule cleanup cron\(0\/5 \* \* \* \? \*\) ENABLED next \d{4}-\d\d-\d\dT\d\d:\d\dZ fired \d+× \(last: 2 task\(s\)\)$/,
      ),
    );
    expect(renderTaskLines(status)).toContainEqual(
      expect.stringMatching(/^family:report [0-9a-f]{8} 10\.30\.0\.\d+ /),
    );
    expect(io.withCode('WHARF_DEV_TASK_DEFINITION_UNUSED').map((m) => m.message)).toEqual([
      expect.stringMatching(
        /^Task definition migrate \(.*scheduled-task\.yml: MigrateTask\) is run by no service and no scheduled rule: nothing starts it here; run it once with wharf dev --run-task migrate$/,
      ),
    ]);
  });

  it('runTask runs a task definition once, streams its logs and ends with its exit code', async () => {
    started = await startCloud({ template: SCHEDULED, runtime: 'process', overrides: COMMANDS });
    const { cloud, io } = started;
    const [task] = cloud.runTask('migrate');
    const result = await task?.stopped;
    expect(result?.exitedContainer).toBe('migrate');
    expect(result && runTaskExitCode(result)).toBe(3);
    expect(result?.task).toMatchObject({ group: 'family:migrate', startedBy: 'wharf dev --run-task' });
    expect(io.withCode('WHARF_DEV_LOG').map((m) => m.message)).toContainEqual(
      expect.stringMatching(/^family:migrate\/[0-9a-f]{8} migration 42 failed$/),
    );
    const stop = io.withCode('WHARF_DEV_TASK_STOPPED')[0];
    expect(stop?.level).toBe('warn');
    expect(stop?.message).toContain('Essential container in task exited (migrate: Exited with code 3)');
    expect(io.withCode('WHARF_DEV_RUN_TASK')[0]?.message).toBe(
      "Running task definition migrate:1 once, in the templates' private subnets, no security group",
    );
  });

  it('runTask on the process runtime refuses a container without a command, before starting anything', async () => {
    started = await startCloud({
      template: SCHEDULED,
      runtime: 'process',
      overrides: { images: {}, commands: { job: 'true' } },
    });
    expect(() => started?.cloud.runTask('migrate')).toThrow(
      "the process runtime has no command for container 'migrate' of task definition migrate. Give one with --process-command",
    );
    expect(started.cloud.status().standaloneTasks).toEqual([]);
  });

  it('an update with a changed schedule says the rules need a restart (they are not rolled like services)', async () => {
    started = await startCloud({ template: SCHEDULED, runtime: 'process', overrides: COMMANDS });
    const dir = mkdtempSync(join(tmpdir(), 'wharf-rules-update-'));
    try {
      const file = join(dir, 'scheduled-task.yml');
      writeFileSync(file, readFileSync(SCHEDULED, 'utf8').replace('rate(1 minute)', 'rate(2 minutes)'));
      const same = buildLocalModel(resolveApp(loadTemplateFile(SCHEDULED)), COMMANDS);
      expect(await started.cloud.update(same)).toEqual([]);
      const next = buildLocalModel(resolveApp(loadTemplateFile(file)), COMMANDS);
      expect(await started.cloud.update(next)).toEqual([
        'scheduled rules: changes need a restart of wharf dev',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
