/**
 * What `wharf dev` prints when a task stops: the stopped reason and container exits
 * (aws-behavior.md §3.5), the last log lines of a failed task once, and a crash loop's repeats
 * collapsed into `… ×N` at 2, 4, 8, …
 */

import { describe, expect, it } from 'vitest';
import type { TaskView } from '../../../src/local/ecs/task.js';
import {
  isFailedStop,
  repeatAction,
  STOP_REPORT_LINES,
  stopSummary,
  TaskStopReporter,
} from '../../../src/local/ecs/task-stop-report.js';

let next = 0;
function stoppedTask(fields: Partial<TaskView> = {}): TaskView {
  next += 1;
  const taskId = `${String(next).padStart(8, '0')}${'a'.repeat(24)}`;
  return {
    taskId,
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/local/${taskId}`,
    clusterName: 'local',
    serviceName: 'web',
    taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:1',
    deploymentId: 'ecs-svc/1234567890123456789',
    group: 'service:web',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    healthStatus: 'UNKNOWN',
    endpoints: [],
    containers: [
      { name: 'web', essential: true, healthStatus: 'UNKNOWN', exitCode: 3, reason: 'Exited with code 3' },
    ],
    handles: [],
    createdAt: 0,
    stoppedReason: 'Essential container in task exited',
    stopCode: 'EssentialContainerExited',
    ...fields,
  };
}

describe('stop summaries', () => {
  it('names the stopped reason and how each container exited', () => {
    expect(stopSummary(stoppedTask())).toBe('Essential container in task exited (web: Exited with code 3)');
  });

  it.each([
    ['EssentialContainerExited', 'Essential container in task exited', true],
    ['TaskFailedToStart', 'CannotStartContainerError: boom', true],
    ['ServiceSchedulerInitiated', 'Task failed container health checks', true],
    ['ServiceSchedulerInitiated', 'Scaling activity initiated by (deployment ecs-svc/1)', false],
    ['UserInitiated', 'Task stopped by user', false],
  ] as const)('%s "%s": failed = %s', (stopCode, stoppedReason, failed) => {
    expect(isFailedStop(stoppedTask({ stopCode, stoppedReason }))).toBe(failed);
  });

  it('a standalone task whose essential container exited 0 finished; a service task exiting 0 failed', () => {
    const exited = (exitCode: number) => [
      {
        name: 'job',
        essential: true,
        healthStatus: 'UNKNOWN' as const,
        exitCode,
        reason: `Exited with code ${exitCode}`,
      },
    ];
    const standalone = { deploymentId: '', group: 'family:report', containers: exited(0) };
    expect(isFailedStop(stoppedTask(standalone))).toBe(false);
    expect(isFailedStop(stoppedTask({ ...standalone, containers: exited(3) }))).toBe(true);
    expect(isFailedStop(stoppedTask({ containers: exited(0) }))).toBe(true);
  });

  it.each([
    [1, 'full'],
    [2, 'count'],
    [3, 'none'],
    [4, 'count'],
    [6, 'none'],
    [8, 'count'],
    [1024, 'count'],
    [1025, 'none'],
  ] as const)('the %i-th identical stop in a row: %s', (count, action) => {
    expect(repeatAction(count)).toBe(action);
  });
});

describe('TaskStopReporter', () => {
  it('prints a failed task once with its last log lines, then collapses repeats into … ×N', () => {
    const reporter = new TaskStopReporter();
    const messages: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) {
      const task = stoppedTask();
      ids.push(task.taskId.slice(0, 8));
      reporter.log(task.taskId, 'web', `starting pid ${1000 + i}`);
      reporter.log(task.taskId, 'web', `boom at port ${20000 + i}`);
      const report = reporter.stopped(task);
      if (report) messages.push(report.message);
    }
    expect(messages).toEqual([
      `web/${ids[0]} stopped: Essential container in task exited (web: Exited with code 3). Last log lines:\n` +
        '  | starting pid 1000\n' +
        '  | boom at port 20000',
      expect.stringMatching(
        /^web\/\d{8} stopped: Essential container in task exited \(web: Exited with code 3\) … ×2$/,
      ),
      expect.stringMatching(/ … ×4$/),
      expect.stringMatching(/ … ×8$/),
    ]);
    next = 0;
  });

  it('prints a different stop in full again, and keeps only the last lines', () => {
    const reporter = new TaskStopReporter();
    const first = stoppedTask();
    reporter.stopped(first);
    const other = stoppedTask({
      stoppedReason: 'Task failed container health checks',
      stopCode: 'ServiceSchedulerInitiated',
    });
    for (let i = 1; i <= 8; i++) reporter.log(other.taskId, 'web', `line ${i}`);
    const report = reporter.stopped(other);
    expect(report?.level).toBe('warn');
    expect(report?.message.split('\n').slice(1)).toEqual(
      Array.from({ length: STOP_REPORT_LINES }, (_, i) => `  | line ${8 - STOP_REPORT_LINES + i + 1}`),
    );
  });

  it('reports a task once, says when it wrote nothing, and prints a scaling stop without log lines', () => {
    const reporter = new TaskStopReporter();
    const task = stoppedTask();
    expect(reporter.stopped(task)?.message).toMatch(/\(web: Exited with code 3\)\. It wrote no log lines\.$/);
    expect(reporter.stopped(task)).toBeUndefined();
    const scaled = stoppedTask({
      stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)',
      stopCode: 'ServiceSchedulerInitiated',
      containers: [
        {
          name: 'web',
          essential: true,
          healthStatus: 'UNKNOWN',
          exitCode: 143,
          reason: 'Stopped: exited after SIGTERM',
        },
      ],
    });
    reporter.log(scaled.taskId, 'web', 'bye');
    expect(reporter.stopped(scaled)).toEqual({
      level: 'info',
      message: `web/${scaled.taskId.slice(0, 8)} stopped: Scaling activity initiated by (deployment ecs-svc/1234567890123456789) (web: Stopped: exited after SIGTERM)`,
      repeats: 1,
    });
  });
});
