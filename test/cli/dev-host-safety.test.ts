/**
 * `wharf dev` and the host it runs on, as a user runs it (the built CLI in a child process):
 * nothing a template carries runs here without `--runtime process`; a template's health check
 * command never runs here; task processes get an allowlisted environment; `--process-command`
 * paths resolve from the current folder; `--once` exits 1 as soon as a deployment failed; and a
 * `kill -9` of `wharf dev` leaves task processes that the next start removes.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ProcessRuntime } from '../../src/local/runtime/process.js';
import { readRunRecord } from '../../src/local/runtime/process-runs.js';
import { editedApiGatewayFixture } from '../local/dev/edited-fixture.js';
import { eventually } from '../local/dev/support.js';
import { ROOT, runWharfAsync, tempDir } from '../support/cli.js';

const SECRET = 'wharf-cli-test-secret-93b1';
const folders: string[] = [];
function folder(prefix: string): string {
  const dir = tempDir(prefix);
  folders.push(dir);
  return dir;
}
function fixture(edits: Parameters<typeof editedApiGatewayFixture>[0]): string {
  const parent = editedApiGatewayFixture(edits);
  folders.push(dirname(parent));
  return parent;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('wharf dev --template: nothing the template carries runs on the host without consent', () => {
  it('exits 2 without Docker, names --runtime process as the consent, and never starts the command', async () => {
    const marker = join(folder('wharf-consent-'), 'ran');
    const parent = fixture({ localCommand: `touch ${JSON.stringify(marker)}; exec sleep 30` });
    const result = await runWharfAsync(['dev', '--template', parent], {
      env: { DOCKER_HOST: 'unix:///nonexistent' },
      timeoutMs: 60_000,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: No Docker daemon at /nonexistent (connect ENOENT /nonexistent).');
    expect(result.stderr).toContain('give --runtime process to consent to running those commands here');
    expect(result.stdout).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(existsSync(marker)).toBe(false);
  });

  it('runs it with --runtime process (the control), and --once exits 1 when the task is not ready in time', async () => {
    const marker = join(folder('wharf-consent-'), 'ran');
    const parent = fixture({ localCommand: `touch ${JSON.stringify(marker)}; exec sleep 30` });
    const result = await runWharfAsync(
      ['dev', '--template', parent, '--runtime', 'process', '--once', '--timeout', '3'],
      { env: { DOCKER_HOST: 'unix:///nonexistent' }, timeoutMs: 60_000 },
    );
    expect(existsSync(marker)).toBe(true);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: services not ready after 3 s/m);
  });
});

describe('wharf dev --process-command', () => {
  it('runs from the current folder with an allowlisted environment plus --pass-env; the template check does not run; a clean stop deletes the state file', async () => {
    const cwd = folder('wharf-cwd-');
    writeFileSync(
      join(cwd, 'server.mjs'),
      [
        "import { createServer } from 'node:http';",
        'const { WHARF_TEST_PASSED, AWS_SECRET_ACCESS_KEY, PORT, HOST } = process.env;',
        "const body = 'cwd=' + process.cwd() + ' passed=' + WHARF_TEST_PASSED +",
        "  ' secret=' + (AWS_SECRET_ACCESS_KEY ? 'leaked' : 'absent') + '\\n';",
        'createServer((q, s) => s.end(body)).listen(+PORT, HOST);',
        '',
      ].join('\n'),
    );
    const tmp = folder('wharf-tmpdir-');
    const marker = join(folder('wharf-check-'), 'check-ran');
    const parent = fixture({ healthCheck: { shell: `touch ${JSON.stringify(marker)}`, intervalSeconds: 5 } });
    const result = await runWharfAsync(
      [
        'dev',
        '--template',
        parent,
        '--runtime',
        'process',
        '--process-command',
        'web=node ./server.mjs',
        '--pass-env',
        'WHARF_TEST_PASSED',
        '--once',
      ],
      {
        cwd,
        env: { AWS_SECRET_ACCESS_KEY: SECRET, WHARF_TEST_PASSED: 'yes', TMPDIR: tmp },
        timeoutMs: 90_000,
      },
    );
    expect(result.code).toBe(0);
    // The run recorded its processes, and a clean stop deleted the state file.
    const runs = join(tmp, `wharf-${process.getuid?.()}`, 'runs');
    expect(existsSync(runs)).toBe(true);
    expect(readdirOrEmpty(runs)).toEqual([]);
    expect(result.stdout).toMatch(new RegExp(`→ 200 cwd=${cwd} passed=yes secret=absent\\n`));
    expect(result.stderr).toContain(
      "warning: container 'web' of service web: its HealthCheck command does not run on this machine " +
        "(the container's command comes from --process-command); a TCP connect to its port 80 replaces it",
    );
    expect(existsSync(marker)).toBe(false);
    expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET);
  });
});

describe('wharf dev --once with a circuit breaker', () => {
  it('exits 1 with the reason as soon as the deployment failed, not at the timeout', async () => {
    const parent = fixture({ circuitBreaker: true });
    const result = await runWharfAsync(
      ['dev', '--template', parent, '--runtime', 'process', '--process-command', 'web=exit 1', '--once'],
      // Killed (code null) if it waited for its 120 s timeout.
      { timeoutMs: 60_000 },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: service web: deployment ecs-svc\/\d{19} failed \(ECS deployment circuit breaker: tasks failed to start\)\. Last stopped task: Essential container in task exited\./m,
    );
    expect(result.stderr).toMatch(
      /^warning: web\/[0-9a-f]{8} stopped: Essential container in task exited \(web: Exited with code 1\)\. It wrote no log lines\.$/m,
    );
  });
});

/** True while `pid` runs (a zombie waiting for its reaper does not count). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe.skipIf(process.platform !== 'linux')('wharf dev after kill -9', () => {
  let child: ChildProcess | undefined;
  let pids: number[] = [];
  afterEach(() => {
    child?.kill('SIGKILL');
    for (const pid of pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Gone, as it should be.
      }
    }
  });

  it('leaves its task processes running, and the next start removes them and the state file', async () => {
    const tmp = folder('wharf-tmpdir-');
    const pidFile = join(folder('wharf-pids-'), 'pids');
    const parent = fixture({ localCommand: `echo $$ >> ${JSON.stringify(pidFile)}; exec sleep 300` });
    child = spawn(
      process.execPath,
      [join(ROOT, 'dist/cli/main.js'), 'dev', '--template', parent, '--runtime', 'process'],
      // The runs folder is under the OS temp dir: TMPDIR keeps this test's apart.
      { cwd: ROOT, env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' }, stdio: 'ignore' },
    );
    const stateDir = join(tmp, `wharf-${process.getuid?.()}`, 'runs');
    const stateFile = () =>
      join(stateDir, `run-${/^run-(.+)\.json$/.exec(readdirOrEmpty(stateDir)[0] ?? '')?.[1]}.json`);
    await eventually('two task processes recorded', () => {
      pids = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').trim().split('\n').map(Number) : [];
      return pids.length === 2 && readRunRecord(stateFile())?.groups.length === 2;
    });
    expect(
      readRunRecord(stateFile())
        ?.groups.map((group) => group.pid)
        .sort(),
    ).toEqual([...pids].sort());

    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(pids.map(running)).toEqual([true, true]);

    const next = new ProcessRuntime({ runId: 'next', stateDir });
    expect(await next.removeLeftovers()).toBe(2);
    await eventually('the leftovers to be gone', () => pids.every((pid) => !running(pid)), 10_000);
    expect(readdirOrEmpty(stateDir)).toEqual([]);
    await next.close();
  });
});

function readdirOrEmpty(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
