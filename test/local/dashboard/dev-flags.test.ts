/**
 * `wharf dev` and its live page: the `Dashboard:` line of an interactive run (the built CLI,
 * spawned, since the CLI is the subject), `--no-dashboard`, and the flags it refuses.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../support/cli.js';
import { runMain } from '../../support/in-process-cli.js';
import { API_GATEWAY_PARENT, get, LOCAL_SERVER } from '../dev/support.js';

const PROCESS_ARGS = [
  'dev',
  '--template',
  API_GATEWAY_PARENT,
  '--runtime',
  'process',
  '--process-command',
  `web=${LOCAL_SERVER}`,
];

/** Spawns the built CLI and resolves with its stdout once `pattern` appears in it (60 s at most). */
function spawnUntil(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; stdout: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} within 60 s; stdout:\n${stdout}`)),
      60_000,
    );
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
      if (pattern.test(stdout)) {
        clearTimeout(timer);
        resolve({ child, stdout });
      }
    });
    child.stderr?.resume();
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`wharf dev exited ${code} before ${pattern}; stdout:\n${stdout}`));
    });
  });
}

/** Sends SIGINT and resolves with the exit code. */
function interrupt(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

describe('wharf dev --dashboard-port / --no-dashboard', () => {
  let running: ChildProcess | undefined;
  afterEach(async () => {
    if (running) await interrupt(running);
    running = undefined;
  });

  it('prints "Dashboard: http://127.0.0.1:PORT/" with the outputs of an interactive run and serves the page there', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'wharf-dev-logs-'));
    const { child, stdout } = await spawnUntil(
      [...PROCESS_ARGS, '--log-dir', logDir],
      /Dashboard: http:\/\/127\.0\.0\.1:(\d+)\/\n/,
    );
    running = child;
    const url = /Dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1] as string;
    expect(stdout.indexOf('Outputs:')).toBeLessThan(stdout.indexOf('Dashboard:'));
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>wharf dev</title>');
    expect(await interrupt(child)).toBe(0);
    running = undefined;
    expect((await get(url)).status).toBe(0);
  });

  it('serves no page with --no-dashboard', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'wharf-dev-logs-'));
    const { child, stdout } = await spawnUntil(
      [...PROCESS_ARGS, '--log-dir', logDir, '--no-dashboard'],
      /Logs: /,
    );
    running = child;
    expect(stdout).not.toContain('Dashboard:');
  });

  it.each([
    [['--once', '--dashboard-port', '4999'], '--once or --run-task'],
    [['--no-dashboard', '--dashboard-port', '4999'], '--no-dashboard'],
    [['--dashboard-port', '70000'], 'an integer from 1 to 65535'],
  ])('exits 2 for %j, saying why', async (extra, why) => {
    const run = await runMain([...PROCESS_ARGS, ...extra]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(why);
  });
});
