import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach } from 'vitest';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Runs the built `wharf` CLI (dist/) as a user would; returns exit code and output. `env` is
 * added to this process's environment (e.g. a `PATH` without some tool).
 */
export function runWharf(
  args: string[],
  options: { cwd?: string; env?: Readonly<Record<string, string | undefined>> } = {},
) {
  const result = spawnSync(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: definedOnly({ ...process.env, NO_COLOR: '1', ...options.env }),
    timeout: 180_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'wharf-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Call inside a `describe`: returns a maker of fresh temporary folders, each removed after the
 * test that made it.
 */
export function tempDirsRemovedAfterEach(prefix = 'wharf-test-'): () => string {
  const made: string[] = [];
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = tempDir(prefix);
    made.push(dir);
    return dir;
  };
}

/** What {@link runWharfAsync} saw. */
export interface WharfRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built `wharf` in a child process without blocking this one, so servers in the test
 * process (the mocked AWS endpoint) can answer it. `env` is added to this process's environment.
 */
export function runWharfAsync(
  args: string[],
  options: { cwd?: string; env?: Readonly<Record<string, string | undefined>>; timeoutMs?: number } = {},
): Promise<WharfRun> {
  return runCommandAsync(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: definedOnly({ ...process.env, NO_COLOR: '1', ...options.env }),
    timeoutMs: options.timeoutMs,
  });
}

/**
 * Runs `file` with `args` in a child process, collecting its output; killed after `timeoutMs`
 * (default 120 s). `env` is the child's whole environment.
 */
export function runCommandAsync(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: Readonly<Record<string, string>>; timeoutMs?: number },
): Promise<WharfRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The variables with a value (an `undefined` in `env` removes the variable). */
function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
