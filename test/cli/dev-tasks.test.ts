/**
 * `wharf dev` on templates without an ingress, as a user runs it (the built CLI, Docker): a
 * worker-only template and a scheduled-task template pass `--once` with exit 0 and a line saying
 * no ingress was probed; `--run-task` runs a task definition once in a container and exits with
 * its exit code, leaving no container behind. Bad `--run-task`, `--clock-speed` and schedules
 * exit 2, naming what was wrong.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containersOfRun } from '../local/dev/support.js';
import { runWharf } from '../support/cli.js';
import { requireDocker } from '../support/docker.js';
import { runMain } from '../support/in-process-cli.js';
import { buildTestImages } from '../support/web-image.js';

const WORKER = 'test/fixtures/tasks/worker-only.yml';
const SCHEDULED = 'test/fixtures/tasks/scheduled-task.yml';
const hasDocker = await requireDocker();
const logs = mkdtempSync(join(tmpdir(), 'wharf-dev-tasks-logs-'));
afterAll(() => rmSync(logs, { recursive: true, force: true }));

describe.skipIf(!hasDocker)('wharf dev --once without an ingress (Docker)', () => {
  beforeAll(() => buildTestImages());

  it('a worker-only template: exit 0 once both workers reached a steady state, saying no ingress was probed', () => {
    const result = runWharf([
      'dev',
      '--template',
      WORKER,
      '--runtime',
      'docker',
      '--once',
      '--log-dir',
      logs,
    ]);
    expect(result.stderr).not.toContain('Some ingress did not answer');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}worker [0-9a-f]{8} 10\.20\.0\.\d+ us-east-1a RUNNING HEALTHY$/m);
    expect(result.stdout).toMatch(/^ {2}worker [0-9a-f]{8} 10\.20\.1\.\d+ us-east-1b RUNNING HEALTHY$/m);
    expect(result.stdout).toContain(
      'No ingress was probed (the templates have none): 1 service(s) reached a steady state, 0 scheduled rule(s) registered.',
    );
    expect(result.stderr).toContain('(service worker) has reached a steady state.');
  });

  it('a scheduled-task template: exit 0 once its rules are registered, each shown with its next firing', () => {
    const result = runWharf([
      'dev',
      '--template',
      SCHEDULED,
      '--runtime',
      'docker',
      '--once',
      '--log-dir',
      logs,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^ {2}rule report-every-minute rate\(1 minute\) ENABLED next \d{4}-\d\d-\d\dT\d\d:\d\dZ fired 0×$/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}rule cleanup cron\(0\/5 \* \* \* \? \*\) ENABLED next .*:[0-5][05]Z fired 0×$/m,
    );
    expect(result.stdout).toContain(
      'No ingress was probed (the templates have none): 0 service(s) reached a steady state, 2 scheduled rule(s) registered.',
    );
    expect(result.stderr).toContain(
      'Scheduled rules registered: report-every-minute rate(1 minute), cleanup cron(0/5 * * * ? *)',
    );
  });

  it('--run-task runs one task in a container, streams its log, exits with its code and leaves nothing behind', async () => {
    const result = runWharf([
      'dev',
      '--template',
      SCHEDULED,
      '--runtime',
      'docker',
      '--run-task',
      'migrate',
      '--json',
      '--log-dir',
      logs,
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^family:migrate\/[0-9a-f]{8} migration 42 failed$/m);
    const printed = JSON.parse(result.stdout) as {
      runId: string;
      exitCode: number;
      task: { group: string; lastStatus: string };
    };
    expect(printed).toMatchObject({ exitCode: 3, task: { group: 'family:migrate', lastStatus: 'STOPPED' } });
    expect(await containersOfRun(printed.runId)).toBe(0);
  });
});

// In-process: these end before any task starts, so spawning the CLI would only add its start-up.
describe('wharf dev: bad scheduled-task input exits 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wharf-dev-tasks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // The --run-task case starts the Docker runtime, which checks the fixture's image first.
  beforeAll(() => {
    if (hasDocker) buildTestImages();
  });

  it.each([
    [['--clock-speed', '0'], "--clock-speed '0' is not allowed; allowed: an integer from 1 to 3600"],
    [
      ['--run-task', 'migrate', '--once'],
      '--run-task runs one task and exits; give it without --once and --watch',
    ],
  ])('wharf dev %j', async (args, message) => {
    const result = await runMain(['dev', '--template', SCHEDULED, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('names the file, the rule and ScheduleExpression for a schedule EventBridge refuses, and starts nothing', async () => {
    const file = join(dir, 'scheduled-task.yml');
    writeFileSync(file, readFileSync(SCHEDULED, 'utf8').replace('rate(1 minute)', 'rate(1 minutes)'));
    const result = await runMain(['dev', '--template', file, '--runtime', 'docker', '--once']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/scheduled-task\.yml.*ReportEveryMinute.*Properties\.ScheduleExpression/);
    expect(result.stderr).toContain('the unit must be singular when the value is 1');
    expect(result.stdout).toBe('');
  });

  it.skipIf(!hasDocker)('lists the task definitions when --run-task names none of them', async () => {
    const result = await runMain([
      'dev',
      '--template',
      SCHEDULED,
      '--runtime',
      'docker',
      '--run-task',
      'nope',
      '--log-dir',
      logs,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "--run-task 'nope' names no task definition of these templates; allowed: a family, family:revision, ARN or logical id of report (ReportTask), migrate (MigrateTask).",
    );
  });
});
